// Package jsonres writes scan results as one JSON document for pipelines and
// reads it back, so a saved result can be replayed into every other writer.
//
// The Document is also the common form the checklist, HDF and HTML writers
// are built on: each of them converts an engine.Result with FromResult and
// writes the Document, and each has a WriteDocument entry point that takes a
// Document read from JSON. The Document therefore carries everything those
// formats need (the rule's DISA prose included), and nothing that only the
// XCCDF/ARF writers need (OVAL results, full content): those two cannot be
// replayed from JSON. docs/json-schema.md and docs/results.schema.json describe
// the format; key names are stable within a Schema version.
package jsonres

import (
	"crypto/sha1"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/stigscan/stigscan/cci"
	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/report"
	"github.com/stigscan/stigscan/xccdf"
)

// Schema names this format and its version. A reader accepts documents of
// the same major version; new optional keys do not change it.
const Schema = "stigscan.results/v1"

// Document is one target's result in a form independent of the content it
// was evaluated from.
type Document struct {
	Schema    string    `json:"schema"`
	Generator Generator `json:"generator"`
	Benchmark Benchmark `json:"benchmark"`
	Profile   *Profile  `json:"profile,omitempty"`
	Target    Target    `json:"target"`
	StartTime time.Time `json:"start_time,omitzero"`
	EndTime   time.Time `json:"end_time,omitzero"`
	Score     float64   `json:"score"`
	MaxScore  float64   `json:"max_score"`
	// Totals are computed from Rules when written; they are ignored when
	// read (Totals() recomputes them).
	Totals Totals `json:"totals"`
	// Rules has one entry per benchmark rule, in document order. A
	// multi-check rule is one entry whose Instances hold the per-check
	// results.
	Rules []Rule `json:"rules"`
}

// Generator names the program that wrote the document.
type Generator struct {
	Product string `json:"product"`
	Version string `json:"version,omitempty"`
}

// Benchmark describes the content evaluated.
type Benchmark struct {
	ID          string `json:"id"`
	Title       string `json:"title,omitempty"`
	Version     string `json:"version,omitempty"`
	ReleaseInfo string `json:"release_info,omitempty"` // DISA: "Release: 3 Benchmark Date: 24 Jan 2024"
	Description string `json:"description,omitempty"`
	Status      string `json:"status,omitempty"`
	StatusDate  string `json:"status_date,omitempty"`
	// File is the base name of the content file.
	File string `json:"file,omitempty"`
	// Source is the publisher's source reference (DISA: STIG.DOD.MIL).
	Source string `json:"source,omitempty"`
	// TargetKey is DISA's DPMS target id, from the rules' references.
	TargetKey string `json:"target_key,omitempty"`
	Notice    string `json:"notice,omitempty"`
}

// Profile is the XCCDF profile evaluated.
type Profile struct {
	ID    string `json:"id"`
	Title string `json:"title,omitempty"`
}

// Target is the system evaluated.
type Target struct {
	// Name is how stigscan addressed the target (host.Describe).
	Name       string   `json:"name"`
	Hostname   string   `json:"hostname,omitempty"`
	FQDN       string   `json:"fqdn,omitempty"`
	IPv4       []string `json:"ipv4,omitempty"`
	IPv6       []string `json:"ipv6,omitempty"`
	MACs       []string `json:"macs,omitempty"`
	OS         string   `json:"os,omitempty"`
	FactsError string   `json:"facts_error,omitempty"`
	// Warnings are what the target said about how it was scanned.
	Warnings []string `json:"warnings,omitempty"`
}

// Totals count rules by status and by severity.
type Totals struct {
	ByStatus map[string]int `json:"by_status"`
	// BySeverity maps severity to status to count.
	BySeverity map[string]map[string]int `json:"by_severity"`
}

// Rule is one rule's result.
type Rule struct {
	// ID is the XCCDF rule id.
	ID        string   `json:"id"`
	VulnID    string   `json:"vuln_id,omitempty"`
	RuleID    string   `json:"rule_id,omitempty"` // DISA Rule-ID, SV-…r…_rule
	STIGID    string   `json:"stig_id,omitempty"`
	CCIs      []string `json:"ccis,omitempty"`
	LegacyIDs []string `json:"legacy_ids,omitempty"`
	// NIST are the rule's NIST SP 800-53 controls: those its content
	// names (ComplianceAsCode references), else those of its CCIs from
	// DISA's CCI list (cci.NIST: rev 5, or rev 4 for a CCI DISA maps only
	// in rev 4).
	NIST []string `json:"nist,omitempty"`
	// NISTRev4 are the rev 4 controls of the rule's CCIs (cci.NISTRev4),
	// for systems still assessed against rev 4.
	NISTRev4   []string  `json:"nist_rev4,omitempty"`
	Title      string    `json:"title,omitempty"`
	GroupTitle string    `json:"group_title,omitempty"`
	Severity   string    `json:"severity,omitempty"`
	Weight     float64   `json:"weight"`
	Status     string    `json:"status"` // an XCCDF result: pass, fail, error, …
	Time       time.Time `json:"time,omitzero"`
	Check      *Check    `json:"check,omitempty"`
	Messages   []Message `json:"messages,omitempty"`
	Evidence   []string  `json:"evidence,omitempty"`
	// Instances are the per-check results of a multi-check rule.
	Instances []Instance `json:"instances,omitempty"`
	// Text is the rule's prose, so checklists can be written from JSON.
	Text *RuleText `json:"text,omitempty"`
	// Review is a person's review carried from a previous checklist for
	// a rule the scan could not decide (see package report/carry).
	Review *Review `json:"review,omitempty"`
	// Comments is checklist comment text added by stigscan (notes about
	// carried reviews and changed results).
	Comments string `json:"comments,omitempty"`
}

// Check is the automated check that decided a rule.
type Check struct {
	System string `json:"system,omitempty"`
	Href   string `json:"href,omitempty"`
	Name   string `json:"name,omitempty"`
}

// Message is a note attached to a result.
type Message struct {
	Severity string `json:"severity,omitempty"`
	Text     string `json:"text"`
}

// Instance is one check instance of a multi-check rule.
type Instance struct {
	Name     string    `json:"name"`
	Status   string    `json:"status"`
	Messages []Message `json:"messages,omitempty"`
	Evidence []string  `json:"evidence,omitempty"`
}

// RuleText is the prose of a rule (DISA's description fields, check and fix
// text).
type RuleText struct {
	Discussion               string `json:"discussion,omitempty"`
	Check                    string `json:"check,omitempty"`
	Fix                      string `json:"fix,omitempty"`
	FalsePositives           string `json:"false_positives,omitempty"`
	FalseNegatives           string `json:"false_negatives,omitempty"`
	Documentable             string `json:"documentable,omitempty"`
	Mitigations              string `json:"mitigations,omitempty"`
	PotentialImpacts         string `json:"potential_impacts,omitempty"`
	ThirdPartyTools          string `json:"third_party_tools,omitempty"`
	MitigationControl        string `json:"mitigation_control,omitempty"`
	Responsibility           string `json:"responsibility,omitempty"`
	SeverityOverrideGuidance string `json:"severity_override_guidance,omitempty"`
	IAControls               string `json:"ia_controls,omitempty"`
	// CheckRef is the rule's check-content-ref (DISA manual: name "M").
	CheckRefHref string `json:"check_ref_href,omitempty"`
	CheckRefName string `json:"check_ref_name,omitempty"`
}

// Review is a manual review carried forward from a previous checklist.
type Review struct {
	// Status is the reviewer's verdict as an XCCDF result: pass, fail,
	// notapplicable or notchecked.
	Status   string `json:"status"`
	Details  string `json:"details,omitempty"`
	Comments string `json:"comments,omitempty"`
	// Source names the previous checklist; Date is when it was reviewed
	// (as the checklist or its file says).
	Source string `json:"source,omitempty"`
	Date   string `json:"date,omitempty"`
	// MatchedBy says how the previous rule was matched: vuln-id,
	// legacy-id or stig-id; PreviousRuleID is its Rule-ID.
	MatchedBy      string `json:"matched_by,omitempty"`
	PreviousRuleID string `json:"previous_rule_id,omitempty"`
}

// Options tune FromResult.
type Options struct {
	// Version is stigscan's version, recorded in Generator.
	Version string
	// OmitText leaves out rule prose (smaller JSON that can no longer be
	// replayed into checklists with their descriptions).
	OmitText bool
}

// Writer writes engine results as JSON. It implements report.Writer.
type Writer struct {
	Options Options
	// Indent pretty-prints with two spaces.
	Indent bool
}

var _ report.Writer = Writer{}

// Write converts r and writes it.
func (jw Writer) Write(w io.Writer, r *engine.Result) error {
	return jw.WriteDocument(w, FromResult(r, jw.Options))
}

// WriteDocument writes d, with Schema and Totals filled in.
func (jw Writer) WriteDocument(w io.Writer, d *Document) error {
	out := *d
	out.Schema = Schema
	out.Totals = d.ComputeTotals()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if jw.Indent {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(&out); err != nil {
		return fmt.Errorf("jsonres: %w", err)
	}
	return nil
}

// ErrSchema reports a document of another format or major version.
var ErrSchema = fmt.Errorf("jsonres: not a %s document", Schema)

// Read decodes a document written by Writer.
func Read(r io.Reader) (*Document, error) {
	var d Document
	dec := json.NewDecoder(r)
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("jsonres: %w", err)
	}
	if d.Schema != Schema {
		return nil, fmt.Errorf("%w (schema %q)", ErrSchema, d.Schema)
	}
	for i := range d.Rules {
		if d.Rules[i].Status == "" {
			return nil, fmt.Errorf("jsonres: rule %d (%s): no status", i, d.Rules[i].ID)
		}
	}
	return &d, nil
}

// ComputeTotals counts d's rules by status and severity.
func (d *Document) ComputeTotals() Totals {
	t := Totals{ByStatus: map[string]int{}, BySeverity: map[string]map[string]int{}}
	for i := range d.Rules {
		r := &d.Rules[i]
		t.ByStatus[r.Status]++
		sev := r.Severity
		if sev == "" {
			sev = "unknown"
		}
		if t.BySeverity[sev] == nil {
			t.BySeverity[sev] = map[string]int{}
		}
		t.BySeverity[sev][r.Status]++
	}
	return t
}

// statusRank orders statuses when the instances of a multi-check rule are
// combined into one: the first listed that occurs wins.
var statusRank = []engine.Status{engine.Fail, engine.Error, engine.Unknown, engine.NotChecked, engine.Pass, engine.Fixed, engine.Informational, engine.NotApplicable, engine.NotSelected}

// Combine returns the status a checklist shows for several check results of
// one rule: any failure wins, then errors and unknowns, then unchecked
// parts; a rule passes when every applicable part passes.
func Combine(statuses ...engine.Status) engine.Status {
	best := len(statusRank)
	for _, s := range statuses {
		for i, r := range statusRank {
			if r == s && i < best {
				best = i
			}
		}
	}
	if best == len(statusRank) {
		return engine.Unknown
	}
	return statusRank[best]
}

var (
	reTargetKey = regexp.MustCompile(`DPMS Target.*?(\d+)\s*$`)
	reNIST      = regexp.MustCompile(`\b([A-Z]{2}-\d+(?:\s*\([0-9a-z]+\))*)`)
)

// FromResult converts an engine result. Rules keep the result's order;
// the instances of a multi-check rule are folded into the rule's first
// position.
func FromResult(r *engine.Result, opt Options) *Document {
	d := &Document{
		Schema:    Schema,
		Generator: Generator{Product: report.Product, Version: opt.Version},
		Target: Target{
			Name: r.Target.String(), Hostname: r.Facts.Hostname, FQDN: r.Facts.FQDN,
			IPv4: sortedCopy(r.Facts.IPv4), IPv6: sortedCopy(r.Facts.IPv6), MACs: sortedCopy(r.Facts.MACs),
			OS: r.Facts.OS, FactsError: r.FactsErr, Warnings: r.Warnings,
		},
		StartTime: r.StartTime,
		EndTime:   r.EndTime,
		Score:     r.Score,
		MaxScore:  r.MaxScore,
	}
	if b := r.Benchmark; b != nil {
		d.Benchmark = Benchmark{
			ID: b.ID, Title: b.Title, Version: b.Version, ReleaseInfo: b.ReleaseInfo,
			Description: b.Description.Plain(),
		}
		if len(b.Status) > 0 {
			st := b.Status[len(b.Status)-1]
			d.Benchmark.Status, d.Benchmark.StatusDate = st.Value, st.Date
		}
		for _, ref := range b.References {
			if strings.Contains(ref.Value, "STIG.DOD.MIL") {
				d.Benchmark.Source = "STIG.DOD.MIL"
				d.Benchmark.Notice = "terms-of-use"
			}
		}
		d.Benchmark.TargetKey = targetKey(b)
	}
	if r.Source != "" {
		d.Benchmark.File = filepath.Base(r.Source)
	}
	if r.Profile != nil {
		d.Profile = &Profile{ID: r.Profile.ID, Title: r.Profile.Title}
	}
	at := map[string]int{}
	for _, rr := range r.Rules {
		key := rr.Identity.RuleID
		if rr.Rule != nil {
			key = rr.Rule.ID
		}
		if i, ok := at[key]; ok && rr.Instance != "" {
			addInstance(&d.Rules[i], rr)
			continue
		}
		at[key] = len(d.Rules)
		d.Rules = append(d.Rules, ruleFrom(rr, opt))
	}
	d.Totals = d.ComputeTotals()
	return d
}

func addInstance(dr *Rule, rr *engine.RuleResult) {
	dr.Instances = append(dr.Instances, Instance{Name: rr.Instance, Status: string(rr.Status), Messages: messages(rr.Messages), Evidence: rr.Evidence})
	var st []engine.Status
	for _, in := range dr.Instances {
		st = append(st, engine.Status(in.Status))
	}
	dr.Status = string(Combine(st...))
}

func ruleFrom(rr *engine.RuleResult, opt Options) Rule {
	id := rr.Identity
	out := Rule{
		VulnID: id.VulnID, RuleID: id.RuleID, STIGID: id.STIGID,
		CCIs: id.CCIs, LegacyIDs: id.LegacyIDs,
		Severity: rr.Severity, Weight: rr.Weight, Status: string(rr.Status), Time: rr.Time,
	}
	if rr.Check != nil && (rr.Check.Href != "" || rr.Check.Name != "") {
		out.Check = &Check{System: rr.Check.System, Href: rr.Check.Href, Name: rr.Check.Name}
	}
	if rr.Instance != "" {
		out.Instances = []Instance{{Name: rr.Instance, Status: string(rr.Status), Messages: messages(rr.Messages), Evidence: rr.Evidence}}
		if out.Check != nil {
			out.Check.Name = ""
		}
	} else {
		out.Messages = messages(rr.Messages)
		out.Evidence = rr.Evidence
	}
	out.NIST, out.NISTRev4 = cci.NIST(id.CCIs), cci.NISTRev4(id.CCIs)
	rule := rr.Rule
	if rule == nil {
		return out
	}
	out.ID = rule.ID
	out.Title = rule.Title
	if rule.Parent != nil {
		out.GroupTitle = rule.Parent.Title
	}
	if n := nistOf(rule); len(n) > 0 {
		out.NIST = n
	}
	if opt.OmitText {
		return out
	}
	t := &RuleText{Check: rule.CheckText(), Fix: rule.FixText()}
	if rr.Check != nil && t.Check == "" {
		t.Check = rr.Check.Content
	}
	if dd := rule.DISA; dd != nil {
		t.Discussion = dd.VulnDiscussion
		t.FalsePositives, t.FalseNegatives = dd.FalsePositives, dd.FalseNegatives
		t.Documentable, t.Mitigations, t.PotentialImpacts = dd.Documentable, dd.Mitigations, dd.PotentialImpacts
		t.ThirdPartyTools, t.MitigationControl, t.Responsibility = dd.ThirdPartyTools, dd.MitigationControl, dd.Responsibility
		t.SeverityOverrideGuidance, t.IAControls = dd.SeverityOverrideGuidance, dd.IAControls
	} else {
		t.Discussion = rule.Description.Plain()
		if !rule.Rationale.IsZero() {
			t.Discussion = strings.TrimSpace(t.Discussion + "\n\n" + rule.Rationale.Plain())
		}
	}
	for _, c := range rule.Checks {
		if len(c.ContentRefs) > 0 {
			t.CheckRefHref, t.CheckRefName = c.ContentRefs[0].Href, c.ContentRefs[0].Name
			break
		}
	}
	out.Text = t
	return out
}

func messages(ms []engine.Message) []Message {
	if len(ms) == 0 {
		return nil
	}
	out := make([]Message, len(ms))
	for i, m := range ms {
		out[i] = Message{Severity: m.Severity, Text: m.Text}
	}
	return out
}

// targetKey finds DISA's DPMS target id in the rules' references.
func targetKey(b *xccdf.Benchmark) string {
	for _, r := range b.Rules {
		for _, ref := range r.References {
			if m := reTargetKey.FindStringSubmatch(ref.Value); m != nil {
				return m[1]
			}
		}
	}
	return ""
}

// nistOf lists the NIST SP 800-53 controls of a rule's references.
func nistOf(r *xccdf.Rule) []string {
	seen := map[string]bool{}
	var out []string
	for _, ref := range r.References {
		if !strings.Contains(ref.Href, "800-53") {
			continue
		}
		for _, m := range reNIST.FindAllStringSubmatch(ref.Value, -1) {
			c := strings.ReplaceAll(m[1], " ", "")
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	sort.Strings(out)
	return out
}

func sortedCopy(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

// UUID derives a name-based UUID (version 5 layout, SHA-1) from a seed and
// names, so checklists written twice from the same result carry the same
// ids.
func UUID(seed string, names ...string) string {
	h := sha1.New()
	h.Write([]byte(seed))
	for _, n := range names {
		h.Write([]byte{0})
		h.Write([]byte(n))
	}
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// Seed is the default seed of derived ids: the target and the scan's start
// time, so two scans of one target get different checklist ids.
func (d *Document) Seed() string {
	return d.Target.Name + "|" + d.Benchmark.ID + "|" + d.StartTime.UTC().Format(time.RFC3339Nano)
}

// HostName is the name checklists give the target: its hostname, else how
// stigscan addressed it.
func (d *Document) HostName() string {
	switch {
	case d.Target.Hostname != "":
		return d.Target.Hostname
	case d.Target.Name != "":
		return d.Target.Name
	}
	return "unknown"
}

// STIGRef is DISA's one-line name of the benchmark release, as checklists
// show it: "Title :: Version 1, Release: 3 Benchmark Date: 24 Jan 2024".
func (b *Benchmark) STIGRef() string {
	ref := b.Title
	if b.Version != "" || b.ReleaseInfo != "" {
		ref += " :: Version " + b.Version
		if b.ReleaseInfo != "" {
			ref += ", " + b.ReleaseInfo
		}
	}
	return ref
}
