// Package hdf writes results in MITRE's Heimdall Data Format (HDF), the
// InSpec "exec JSON" shape Heimdall, the SAF CLI and hdf-converters read.
//
// Mapping: a benchmark is a profile; a rule is a control whose id is the
// Vuln-ID (DISA's convention) with tags gid (Vuln-ID), rid (Rule-ID),
// stig_id, cci, nist, severity; stigscan's result is the control's result:
// pass and fixed are passed, fail is failed, error and unknown are error,
// everything else is skipped. A not applicable rule has impact 0, which
// Heimdall shows as Not Applicable. Rules the profile does not select are
// left out. A review carried from a previous checklist (report/carry)
// stands in for an undecided result.
package hdf

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/stigscan/stigscan/cci"
	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/report"
	"github.com/stigscan/stigscan/report/ckl"
	"github.com/stigscan/stigscan/report/jsonres"
)

// Options tune the writer.
type Options struct {
	// JSON options used when converting an engine.Result.
	JSON jsonres.Options
	// CCIToNIST maps a CCI to its NIST SP 800-53 controls, for rules
	// whose JSON carries no nist (results written before it did). Nil
	// means DISA's CCI list compiled into stigscan (cci.NIST).
	CCIToNIST map[string][]string
}

// Writer writes HDF. It implements report.Writer.
type Writer struct {
	Options Options
}

var _ report.Writer = Writer{}

// Write converts r and writes it.
func (hw Writer) Write(w io.Writer, r *engine.Result) error {
	return hw.WriteDocument(w, jsonres.FromResult(r, hw.Options.JSON))
}

// WriteDocument writes results of one target as one HDF file, a profile
// per document.
func (hw Writer) WriteDocument(w io.Writer, docs ...*jsonres.Document) error {
	if len(docs) == 0 {
		return fmt.Errorf("hdf: no results to write")
	}
	exec, err := build(hw.Options, docs)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(exec); err != nil {
		return fmt.Errorf("hdf: %w", err)
	}
	return nil
}

// Exec is an HDF document (exec JSON).
type Exec struct {
	Platform   Platform   `json:"platform"`
	Profiles   []Profile  `json:"profiles"`
	Statistics Statistics `json:"statistics"`
	Version    string     `json:"version"`
}

// Platform names the tool and target.
type Platform struct {
	Name     string `json:"name"`
	Release  string `json:"release"`
	TargetID string `json:"target_id,omitempty"`
}

// Statistics holds the run's duration in seconds.
type Statistics struct {
	Duration float64 `json:"duration"`
}

// Profile is one benchmark.
type Profile struct {
	Name       string    `json:"name"`
	Title      string    `json:"title,omitempty"`
	Version    string    `json:"version,omitempty"`
	Maintainer string    `json:"maintainer,omitempty"`
	Summary    string    `json:"summary,omitempty"`
	License    string    `json:"license,omitempty"`
	Supports   []any     `json:"supports"`
	Attributes []any     `json:"attributes"`
	Groups     []Group   `json:"groups"`
	Status     string    `json:"status"`
	SHA256     string    `json:"sha256"`
	Controls   []Control `json:"controls"`
}

// Group lists the controls of one source (here: one benchmark file).
type Group struct {
	ID       string   `json:"id"`
	Title    string   `json:"title,omitempty"`
	Controls []string `json:"controls"`
}

// Control is one rule.
type Control struct {
	ID             string         `json:"id"`
	Title          string         `json:"title,omitempty"`
	Desc           string         `json:"desc,omitempty"`
	Descriptions   []Description  `json:"descriptions"`
	Impact         float64        `json:"impact"`
	Refs           []any          `json:"refs"`
	Tags           Tags           `json:"tags"`
	Code           string         `json:"code"`
	SourceLocation SourceLocation `json:"source_location"`
	Results        []Result       `json:"results"`
}

// Description is a labelled text of a control (default, check, fix).
type Description struct {
	Label string `json:"label"`
	Data  string `json:"data"`
}

// Tags are the DISA ids of a control.
type Tags struct {
	Severity  string   `json:"severity"`
	GTitle    string   `json:"gtitle,omitempty"`
	GID       string   `json:"gid,omitempty"`
	RID       string   `json:"rid,omitempty"`
	STIGID    string   `json:"stig_id,omitempty"`
	CCI       []string `json:"cci"`
	NIST      []string `json:"nist"`
	LegacyIDs []string `json:"legacy_id,omitempty"`
	// Weight is written as checklists write it ("10.0"), the form
	// hdf-converters expects when it turns HDF back into a checklist.
	Weight string `json:"weight"`
}

// SourceLocation says where the control came from.
type SourceLocation struct {
	Ref string `json:"ref,omitempty"`
}

// Result is one test of a control.
type Result struct {
	Status      string  `json:"status"`
	CodeDesc    string  `json:"code_desc"`
	Message     string  `json:"message,omitempty"`
	SkipMessage string  `json:"skip_message,omitempty"`
	Exception   string  `json:"exception,omitempty"`
	StartTime   string  `json:"start_time"`
	RunTime     float64 `json:"run_time"`
}

// Impact is HDF's numeric severity.
func Impact(severity string) float64 {
	switch ckl.Severity(severity) {
	case "high":
		return 0.7
	case "low":
		return 0.3
	}
	return 0.5
}

func build(opt Options, docs []*jsonres.Document) (*Exec, error) {
	d0 := docs[0]
	ex := &Exec{
		Platform: Platform{Name: report.Product, Release: or(d0.Generator.Version, "unknown"), TargetID: d0.HostName()},
		Version:  or(d0.Generator.Version, "unknown"),
	}
	for _, d := range docs {
		if !d.StartTime.IsZero() && d.EndTime.After(d.StartTime) {
			ex.Statistics.Duration += d.EndTime.Sub(d.StartTime).Seconds()
		}
		p, err := profile(opt, d)
		if err != nil {
			return nil, err
		}
		ex.Profiles = append(ex.Profiles, p)
	}
	return ex, nil
}

func or(v, def string) string {
	if v != "" {
		return v
	}
	return def
}

func profile(opt Options, d *jsonres.Document) (Profile, error) {
	b := &d.Benchmark
	p := Profile{
		Name: b.ID, Title: b.Title, Summary: b.Description, License: b.Notice,
		Supports: []any{}, Attributes: []any{}, Status: "loaded",
	}
	p.Version = b.Version
	if rel := releaseNumber(b.ReleaseInfo); rel != "" && b.Version != "" {
		p.Version = "V" + b.Version + "R" + rel
	}
	if b.Source == "STIG.DOD.MIL" {
		p.Maintainer = "DISA"
	}
	start := ""
	if !d.StartTime.IsZero() {
		start = d.StartTime.UTC().Format(time.RFC3339)
	}
	group := Group{ID: or(b.File, b.ID), Title: b.Title, Controls: []string{}}
	for i := range d.Rules {
		r := &d.Rules[i]
		if r.Status == string(engine.NotSelected) && r.Review == nil {
			continue
		}
		c := control(opt, r, start)
		c.SourceLocation.Ref = group.ID
		group.Controls = append(group.Controls, c.ID)
		p.Controls = append(p.Controls, c)
	}
	if p.Controls == nil {
		p.Controls = []Control{}
	}
	p.Groups = []Group{group}
	raw, err := json.Marshal(p)
	if err != nil {
		return p, fmt.Errorf("hdf: %w", err)
	}
	sum := sha256.Sum256(raw)
	p.SHA256 = hex.EncodeToString(sum[:])
	return p, nil
}

func releaseNumber(info string) string {
	f := strings.Fields(info)
	for i := 0; i+1 < len(f); i++ {
		if f[i] == "Release:" {
			return f[i+1]
		}
	}
	return ""
}

func control(opt Options, r *jsonres.Rule, start string) Control {
	t := r.Text
	if t == nil {
		t = &jsonres.RuleText{}
	}
	c := Control{
		ID:     or(r.VulnID, r.ID),
		Title:  r.Title,
		Desc:   t.Discussion,
		Impact: Impact(r.Severity),
		Refs:   []any{},
		Tags: Tags{
			Severity: ckl.Severity(r.Severity), GTitle: r.GroupTitle, GID: r.VulnID, RID: r.RuleID, STIGID: r.STIGID,
			CCI: nonNil(r.CCIs), NIST: nist(opt, r), LegacyIDs: r.LegacyIDs, Weight: strconv.FormatFloat(r.Weight, 'f', 1, 64),
		},
		Descriptions: []Description{{Label: "default", Data: t.Discussion}},
	}
	if t.Check != "" {
		c.Descriptions = append(c.Descriptions, Description{Label: "check", Data: t.Check})
	}
	if t.Fix != "" {
		c.Descriptions = append(c.Descriptions, Description{Label: "fix", Data: t.Fix})
	}
	if r.Check != nil {
		c.Code = strings.TrimSpace(fmt.Sprintf("%s %s %s", r.Check.System, r.Check.Href, r.Check.Name))
	}
	if rv := r.Review; rv != nil && rv.Status != "" {
		st := jsonres.ChecklistStatus(engine.Status(rv.Status))
		res := Result{
			Status:    hdfStatus(st),
			CodeDesc:  fmt.Sprintf("Manual review carried from %s (%s)", or(rv.Source, "a previous checklist"), or(rv.Date, "undated")),
			StartTime: start,
		}
		setText(&res, clean(joinLines(rv.Details, rv.Comments)))
		if st == engine.NotApplicable {
			c.Impact = 0
		}
		c.Results = []Result{res}
		return c
	}
	if r.Status == string(engine.NotApplicable) {
		c.Impact = 0
	}
	if len(r.Instances) > 0 {
		for _, in := range r.Instances {
			res := Result{Status: hdfStatus(engine.Status(in.Status)), CodeDesc: fmt.Sprintf("%s: %s", in.Name, in.Status), StartTime: start}
			setText(&res, found(in.Evidence, in.Messages))
			c.Results = append(c.Results, res)
		}
		return c
	}
	res := Result{Status: hdfStatus(engine.Status(r.Status)), CodeDesc: codeDesc(r), StartTime: start}
	setText(&res, found(r.Evidence, r.Messages))
	c.Results = []Result{res}
	return c
}

func codeDesc(r *jsonres.Rule) string {
	desc := "stigscan result: " + r.Status
	if r.Check != nil && r.Check.Name != "" {
		desc += " (" + r.Check.Name + ")"
	}
	return desc
}

// setText puts a result's explanation where HDF expects it for the status.
func setText(res *Result, text string) {
	switch res.Status {
	case "skipped":
		res.SkipMessage = or(text, "not evaluated automatically")
	case "error":
		res.Exception = or(text, "error")
		res.Message = res.Exception
	default:
		res.Message = text
	}
}

func hdfStatus(s engine.Status) string {
	switch s {
	case engine.Pass, engine.Fixed:
		return "passed"
	case engine.Fail:
		return "failed"
	case engine.Error, engine.Unknown:
		return "error"
	}
	return "skipped"
}

func found(evidence []string, msgs []jsonres.Message) string {
	var lines []string
	lines = append(lines, evidence...)
	for _, m := range msgs {
		if m.Severity != "" {
			lines = append(lines, m.Severity+": "+m.Text)
		} else {
			lines = append(lines, m.Text)
		}
	}
	return clean(strings.Join(lines, "\n"))
}

// clean replaces control characters other than tab and newline by U+FFFD:
// tools that turn HDF into checklists copy text into XML, which cannot
// carry them.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\n' && r != '\t' && r != '\r' {
			return '\uFFFD'
		}
		return r
	}, s)
}

func joinLines(parts ...string) string {
	var keep []string
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, "\n")
}

func nist(opt Options, r *jsonres.Rule) []string {
	if len(r.NIST) > 0 {
		return r.NIST
	}
	if opt.CCIToNIST == nil {
		return nonNil(cci.NIST(r.CCIs))
	}
	seen := map[string]bool{}
	out := []string{}
	for _, cci := range r.CCIs {
		for _, n := range opt.CCIToNIST[cci] {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	sort.Strings(out)
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
