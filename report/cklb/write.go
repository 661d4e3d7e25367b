package cklb

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/report"
	"github.com/stigscan/stigscan/report/ckl"
	"github.com/stigscan/stigscan/report/jsonres"
)

// maxChecklist bounds what Read accepts.
const maxChecklist = 512 << 20

// ErrNotChecklist reports JSON that is not a STIG Viewer 3 checklist.
var ErrNotChecklist = errors.New("cklb: not a STIG Viewer 3 checklist")

// Read decodes a checklist.
func Read(r io.Reader) (*Checklist, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxChecklist+1))
	if err != nil {
		return nil, fmt.Errorf("cklb: %w", err)
	}
	if len(data) > maxChecklist {
		return nil, fmt.Errorf("cklb: larger than %d bytes", maxChecklist)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("cklb: %w", err)
	}
	if _, ok := probe["stigs"]; !ok {
		return nil, fmt.Errorf("%w: no stigs", ErrNotChecklist)
	}
	var c Checklist
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("cklb: %w", err)
	}
	return &c, nil
}

// Encode writes a checklist as indented JSON.
func Encode(w io.Writer, c *Checklist) error {
	b, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("cklb: %w", err)
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, b, "", "  "); err != nil {
		return fmt.Errorf("cklb: %w", err)
	}
	buf.WriteByte('\n')
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("cklb: %w", err)
	}
	return nil
}

// Writer writes an engine result as a STIG Viewer 3 checklist. It
// implements report.Writer. The asset options are those of CKL.
type Writer struct {
	Options ckl.Options
}

var _ report.Writer = Writer{}

// Write converts r and writes it.
func (cw Writer) Write(w io.Writer, r *engine.Result) error {
	return cw.WriteDocument(w, jsonres.FromResult(r, cw.Options.JSON))
}

// WriteDocument writes results of one target as one checklist, a STIG per
// document.
func (cw Writer) WriteDocument(w io.Writer, docs ...*jsonres.Document) error {
	if len(docs) == 0 {
		return fmt.Errorf("cklb: no results to write")
	}
	return Encode(w, FromDocuments(cw.Options, docs...))
}

// FromDocuments builds a checklist from results of one target. Ids are
// derived from Options.Seed (else the first document's target and time),
// so the same input writes the same checklist.
func FromDocuments(opt ckl.Options, docs ...*jsonres.Document) *Checklist {
	d0 := docs[0]
	seed := opt.Seed
	if seed == "" {
		seed = d0.Seed()
	}
	host := d0.HostName()
	if opt.HostName != "" {
		host = opt.HostName
	}
	c := &Checklist{
		Title:       Text(host + "_" + d0.Benchmark.ID),
		ID:          Text(jsonres.UUID(seed, "checklist")),
		Mode:        1,
		HasPath:     true,
		CKLBVersion: "1.0",
		TargetData: TargetData{
			TargetType:     "Computing",
			HostName:       Text(host),
			IPAddress:      Text(strings.Join(append(append([]string(nil), d0.Target.IPv4...), d0.Target.IPv6...), ", ")),
			MACAddress:     Text(strings.Join(d0.Target.MACs, ", ")),
			FQDN:           Text(d0.Target.FQDN),
			Comments:       Text(opt.TargetComment),
			Role:           Text(or(opt.Role, "None")),
			IsWebDatabase:  opt.Database,
			TechnologyArea: Text(opt.TechArea),
		},
	}
	if opt.NonComputing {
		c.TargetData.TargetType = "Non-Computing"
	}
	if opt.Database {
		c.TargetData.WebDBSite, c.TargetData.WebDBInstance = Text(opt.Site), Text(opt.Instance)
		c.TargetData.TechnologyArea = Text(or(opt.TechArea, "Database Review"))
	}
	for _, d := range docs {
		c.STIGs = append(c.STIGs, stigFrom(opt, seed, d))
	}
	return c
}

func or(v, def string) string {
	if v != "" {
		return v
	}
	return def
}

func stigFrom(opt ckl.Options, seed string, d *jsonres.Document) STIG {
	b := &d.Benchmark
	uuid := jsonres.UUID(seed, "stig", b.ID, b.Version, b.ReleaseInfo)
	targetKey := or(opt.TargetKey, b.TargetKey)
	s := STIG{
		STIGName:            Text(b.Title),
		DisplayName:         Text(strings.TrimSpace(strings.TrimSuffix(b.Title, "Security Technical Implementation Guide"))),
		STIGID:              Text(b.ID),
		Version:             textPtr(b.Version),
		ReleaseInfo:         Text(b.ReleaseInfo),
		UUID:                Text(uuid),
		ReferenceIdentifier: Text(targetKey),
		Size:                len(d.Rules),
	}
	stamp := ""
	if !d.StartTime.IsZero() {
		stamp = d.StartTime.UTC().Format(time.RFC3339)
	}
	class := or(opt.Classification, "UNCLASSIFIED")
	for i := range d.Rules {
		r := &d.Rules[i]
		t := r.Text
		if t == nil {
			t = &jsonres.RuleText{}
		}
		v := r.Verdict()
		ruleIDSrc := or(r.RuleID, r.ID)
		vuln := or(r.VulnID, r.ID)
		s.Rules = append(s.Rules, Rule{
			UUID:                     Text(jsonres.UUID(seed, "rule", b.ID, ruleIDSrc)),
			STIGUUID:                 Text(uuid),
			TargetKey:                Text(targetKey),
			STIGRef:                  Text(b.STIGRef()),
			GroupID:                  Text(vuln),
			RuleID:                   Text(strings.TrimSuffix(ruleIDSrc, "_rule")),
			RuleIDSrc:                Text(ruleIDSrc),
			Weight:                   Text(strconv.FormatFloat(r.Weight, 'f', 1, 64)),
			Classification:           Text(class),
			Severity:                 Text(ckl.Severity(r.Severity)),
			RuleVersion:              Text(r.STIGID),
			GroupTitle:               Text(or(r.GroupTitle, r.Title)),
			RuleTitle:                Text(r.Title),
			FixText:                  Text(t.Fix),
			FalsePositives:           Text(t.FalsePositives),
			FalseNegatives:           Text(t.FalseNegatives),
			Discussion:               Text(t.Discussion),
			CheckContent:             Text(t.Check),
			Documentable:             Text(or(t.Documentable, "false")),
			Mitigations:              Text(t.Mitigations),
			PotentialImpacts:         Text(t.PotentialImpacts),
			ThirdPartyTools:          Text(t.ThirdPartyTools),
			MitigationControl:        Text(t.MitigationControl),
			Responsibility:           Text(t.Responsibility),
			SecurityOverrideGuidance: Text(t.SeverityOverrideGuidance),
			IAControls:               Text(t.IAControls),
			CheckContentRef:          CheckContentRef{Href: Text(t.CheckRefHref), Name: Text(t.CheckRefName)},
			LegacyIDs:                nonNil(r.LegacyIDs),
			CCIs:                     nonNil(r.CCIs),
			GroupTree:                []GroupNode{{ID: Text(vuln), Title: Text(or(r.GroupTitle, r.Title)), Description: "<GroupDescription></GroupDescription>"}},
			CreatedAt:                Text(stamp),
			UpdatedAt:                Text(stamp),
			STIGUuid:                 Text(uuid),
			Status:                   Text(StatusOf(v.Status)),
			Overrides:                json.RawMessage("{}"),
			Comments:                 Text(v.Comments),
			FindingDetails:           Text(v.Details),
		})
	}
	return s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func textPtr(s string) *Text {
	if s == "" {
		return nil
	}
	t := Text(s)
	return &t
}
