package ckl

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/internal/xmlw"
	"github.com/stigscan/stigscan/report"
	"github.com/stigscan/stigscan/report/jsonres"
)

// Options describe the asset a checklist is about, beyond what the scan
// knows. The zero value writes a computing asset with role None.
type Options struct {
	// JSON options used when converting an engine.Result.
	JSON jsonres.Options
	// Role is ROLE: None, Workstation, Member Server or Domain Controller.
	Role string
	// NonComputing sets ASSET_TYPE to Non-Computing.
	NonComputing bool
	// Marking is the MARKING (e.g. CUI).
	Marking string
	// Classification is STIG_INFO's classification (default UNCLASSIFIED).
	Classification string
	// TechArea is TECH_AREA, one of the schema's values; a database target
	// defaults to "Database Review".
	TechArea      string
	TargetComment string
	// TargetKey overrides the DPMS target key found in the benchmark.
	TargetKey string
	// HostName overrides the target's hostname.
	HostName string
	// Database marks a web or database target (WEB_OR_DATABASE) with its
	// site and instance name.
	Database bool
	Site     string
	Instance string
	// Seed makes STIG uuids deterministic; empty uses the target and scan
	// time.
	Seed string
}

// Writer writes an engine result as a checklist. It implements
// report.Writer.
type Writer struct {
	Options Options
}

var _ report.Writer = Writer{}

// Write writes r as a checklist with one iSTIG.
func (cw Writer) Write(w io.Writer, r *engine.Result) error {
	return cw.WriteDocument(w, jsonres.FromResult(r, cw.Options.JSON))
}

// WriteDocument writes results (read back from JSON, or carried forward)
// as one checklist; several documents of one target become several iSTIGs.
func (cw Writer) WriteDocument(w io.Writer, docs ...*jsonres.Document) error {
	if len(docs) == 0 {
		return fmt.Errorf("ckl: no results to write")
	}
	return Encode(w, FromDocuments(cw.Options, docs...))
}

// FromDocuments builds a checklist from results of one target. The asset
// comes from the first document.
func FromDocuments(opt Options, docs ...*jsonres.Document) *Checklist {
	c := &Checklist{Comments: []string{" " + generator(docs[0]) + " "}}
	d0 := docs[0]
	c.Asset = Asset{
		Role:          or(opt.Role, "None"),
		AssetType:     "Computing",
		Marking:       opt.Marking,
		HostName:      or(opt.HostName, d0.HostName()),
		HostIP:        strings.Join(append(append([]string(nil), d0.Target.IPv4...), d0.Target.IPv6...), ", "),
		HostMAC:       strings.Join(d0.Target.MACs, ", "),
		HostFQDN:      d0.Target.FQDN,
		TargetComment: opt.TargetComment,
		TechArea:      opt.TechArea,
		TargetKey:     or(opt.TargetKey, d0.Benchmark.TargetKey),
		WebOrDatabase: strconv.FormatBool(opt.Database),
	}
	if opt.NonComputing {
		c.Asset.AssetType = "Non-Computing"
	}
	if opt.Database {
		c.Asset.WebDBSite, c.Asset.WebDBInstance = opt.Site, opt.Instance
		c.Asset.TechArea = or(opt.TechArea, "Database Review")
	}
	for _, d := range docs {
		c.STIGs = append(c.STIGs, stigFrom(opt, d))
	}
	return c
}

func generator(d *jsonres.Document) string {
	if d.Generator.Version != "" {
		return report.Product + " " + d.Generator.Version
	}
	return report.Product
}

func or(v, def string) string {
	if v != "" {
		return v
	}
	return def
}

func ptr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Severity maps an XCCDF severity onto the three a checklist knows: info is
// CAT III (low); unknown or missing is medium, DISA's default.
func Severity(s string) string {
	switch s {
	case "high", "medium", "low":
		return s
	case "info":
		return "low"
	}
	return "medium"
}

func stigFrom(opt Options, d *jsonres.Document) STIG {
	b := &d.Benchmark
	seed := or(opt.Seed, d.Seed())
	uuid := jsonres.UUID(seed, "stig", b.ID, b.Version, b.ReleaseInfo)
	s := STIG{Info: []SIData{
		{Name: "version", Data: ptr(b.Version)},
		{Name: "classification", Data: ptr(or(opt.Classification, "UNCLASSIFIED"))},
		{Name: "customname"},
		{Name: "stigid", Data: ptr(b.ID)},
		{Name: "description", Data: ptr(b.Description)},
		{Name: "filename", Data: ptr(b.File)},
		{Name: "releaseinfo", Data: ptr(b.ReleaseInfo)},
		{Name: "title", Data: ptr(b.Title)},
		{Name: "uuid", Data: ptr(uuid)},
		{Name: "notice", Data: ptr(b.Notice)},
		{Name: "source", Data: ptr(b.Source)},
	}}
	stigRef := b.STIGRef()
	targetKey := or(opt.TargetKey, b.TargetKey)
	for i := range d.Rules {
		r := &d.Rules[i]
		t := r.Text
		if t == nil {
			t = &jsonres.RuleText{}
		}
		vulnNum := or(r.VulnID, r.ID)
		data := []StigData{
			{"Vuln_Num", vulnNum},
			{"Severity", Severity(r.Severity)},
			{"Group_Title", or(r.GroupTitle, r.Title)},
			{"Rule_ID", or(r.RuleID, r.ID)},
			{"Rule_Ver", r.STIGID},
			{"Rule_Title", r.Title},
			{"Vuln_Discuss", t.Discussion},
			{"IA_Controls", t.IAControls},
			{"Check_Content", t.Check},
			{"Fix_Text", t.Fix},
			{"False_Positives", t.FalsePositives},
			{"False_Negatives", t.FalseNegatives},
			{"Documentable", or(t.Documentable, "false")},
			{"Mitigations", t.Mitigations},
			{"Potential_Impact", t.PotentialImpacts},
			{"Third_Party_Tools", t.ThirdPartyTools},
			{"Mitigation_Control", t.MitigationControl},
			{"Responsibility", t.Responsibility},
			{"Security_Override_Guidance", t.SeverityOverrideGuidance},
			{"Check_Content_Ref", t.CheckRefName},
			{"Weight", strconv.FormatFloat(r.Weight, 'f', 1, 64)},
			{"Class", "Unclass"},
			{"STIGRef", stigRef},
			{"TargetKey", targetKey},
			{"STIG_UUID", uuid},
		}
		for _, l := range r.LegacyIDs {
			data = append(data, StigData{"LEGACY_ID", l})
		}
		for _, c := range r.CCIs {
			data = append(data, StigData{"CCI_REF", c})
		}
		v := r.Verdict()
		s.Vulns = append(s.Vulns, Vuln{
			Data:           data,
			Status:         StatusOf(v.Status),
			FindingDetails: v.Details,
			Comment:        v.Comments,
		})
	}
	return s
}

// Encode writes a checklist in STIG Viewer's element order.
func Encode(w io.Writer, c *Checklist) error {
	x := xmlw.New(w)
	x.Header()
	for _, cm := range c.Comments {
		comment(x, cm)
	}
	x.Start("CHECKLIST")
	a := &c.Asset
	x.Start("ASSET")
	x.Leaf("ROLE", a.Role)
	x.Leaf("ASSET_TYPE", a.AssetType)
	x.Leaf("MARKING", a.Marking)
	x.Leaf("HOST_NAME", a.HostName)
	x.Leaf("HOST_IP", a.HostIP)
	x.Leaf("HOST_MAC", a.HostMAC)
	if a.HostGUID != "" {
		x.Leaf("HOST_GUID", a.HostGUID)
	}
	x.Leaf("HOST_FQDN", a.HostFQDN)
	x.Leaf("TARGET_COMMENT", a.TargetComment)
	x.Leaf("TECH_AREA", a.TechArea)
	x.Leaf("TARGET_KEY", a.TargetKey)
	if a.STIGGUID != "" {
		x.Leaf("STIG_GUID", a.STIGGUID)
	}
	x.Leaf("WEB_OR_DATABASE", or(a.WebOrDatabase, "false"))
	x.Leaf("WEB_DB_SITE", a.WebDBSite)
	x.Leaf("WEB_DB_INSTANCE", a.WebDBInstance)
	x.End()
	x.Start("STIGS")
	for _, s := range c.STIGs {
		x.Start("iSTIG")
		for _, cm := range s.Comments {
			comment(x, cm)
		}
		x.Start("STIG_INFO")
		for _, d := range s.Info {
			x.Start("SI_DATA")
			x.Leaf("SID_NAME", d.Name)
			if d.Data != nil {
				x.Leaf("SID_DATA", *d.Data)
			}
			x.End()
		}
		x.End()
		for _, v := range s.Vulns {
			x.Start("VULN")
			for _, cm := range v.Comments {
				comment(x, cm)
			}
			for _, d := range v.Data {
				x.Start("STIG_DATA")
				x.Leaf("VULN_ATTRIBUTE", d.Attribute)
				x.Leaf("ATTRIBUTE_DATA", d.Data)
				x.End()
			}
			x.Leaf("STATUS", v.Status)
			x.Leaf("FINDING_DETAILS", v.FindingDetails)
			x.Leaf("COMMENTS", v.Comment)
			x.Leaf("SEVERITY_OVERRIDE", v.SeverityOverride)
			x.Leaf("SEVERITY_JUSTIFICATION", v.SeverityJustification)
			x.End()
		}
		x.End()
	}
	x.End()
	x.End()
	x.Raw(nil)
	if err := x.Flush(); err != nil {
		return fmt.Errorf("ckl: %w", err)
	}
	return nil
}

// comment writes an XML comment; "--" cannot appear inside one.
func comment(x *xmlw.Writer, text string) {
	for strings.Contains(text, "--") {
		text = strings.ReplaceAll(text, "--", "- -")
	}
	if strings.HasSuffix(text, "-") {
		text += " "
	}
	x.Raw([]byte("<!--" + text + "-->"))
}
