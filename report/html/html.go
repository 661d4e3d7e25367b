// Package html writes one self-contained HTML report for a scan or a fleet
// of scans: totals by status and severity, and a table of every rule with
// its ids, CCIs and evidence that can be filtered by status, severity,
// target and text, with each rule's details on demand.
//
// The page loads nothing: styles and script are inline and a
// Content-Security-Policy forbids any fetch. Filters can be preset in the
// URL fragment: #status=fail,error&severity=high&target=db01&q=audit.
package html

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/report"
	"github.com/stigscan/stigscan/report/jsonres"
)

//go:embed page.html.tmpl
var files embed.FS

// Options tune the page.
type Options struct {
	// JSON options used when converting an engine.Result.
	JSON jsonres.Options
	// Title heads the page; the default names the benchmark (one scan) or
	// the number of targets (a fleet).
	Title string
}

// Writer writes the HTML report. It implements report.Writer; a fleet is
// written with WriteDocument. Its zero value is ready to use.
type Writer struct {
	Options Options
}

var _ report.Writer = Writer{}

// Write writes the report of one scan.
func (hw Writer) Write(w io.Writer, r *engine.Result) error {
	return hw.WriteDocument(w, jsonres.FromResult(r, hw.Options.JSON))
}

// WriteDocument writes one report for several results (a fleet), in the
// order given.
func (hw Writer) WriteDocument(w io.Writer, docs ...*jsonres.Document) error {
	if len(docs) == 0 {
		return fmt.Errorf("html: no results to write")
	}
	tmpl, err := template.New("page.html.tmpl").Funcs(funcs).ParseFS(files, "page.html.tmpl")
	if err != nil {
		return fmt.Errorf("html: %w", err)
	}
	if err := tmpl.Execute(w, build(hw.Options, docs)); err != nil {
		return fmt.Errorf("html: %w", err)
	}
	return nil
}

// statusOrder is the order statuses are shown in; labels name them.
var statusOrder = []string{"fail", "error", "unknown", "notchecked", "informational", "pass", "fixed", "notapplicable", "notselected"}

var statusLabel = map[string]string{
	"fail": "Fail", "error": "Error", "unknown": "Unknown", "notchecked": "Not checked",
	"informational": "Informational", "pass": "Pass", "fixed": "Fixed",
	"notapplicable": "Not applicable", "notselected": "Not selected",
}

var severityOrder = []string{"high", "medium", "low", "info", "unknown"}

var funcs = template.FuncMap{
	"label": func(s string) string {
		if l, ok := statusLabel[s]; ok {
			return l
		}
		return s
	},
	"join": strings.Join,
	"time": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04:05 UTC")
	},
	"cat": func(sev string) string {
		switch sev {
		case "high":
			return "CAT I"
		case "medium":
			return "CAT II"
		case "low":
			return "CAT III"
		}
		return ""
	},
}

type page struct {
	Title      string
	Product    string
	Version    string
	Fleet      bool
	Targets    []target
	Statuses   []count // overall, in display order, present ones only
	Severities []string
	// Matrix is severity × status counts for the totals table.
	Matrix []matrixRow
	Rows   []row
	Total  int
	// DefaultOff lists statuses hidden until chosen (not selected rules).
	DefaultOff string
}

type count struct {
	Status string
	N      int
}

type matrixRow struct {
	Severity string
	Counts   []count
	Total    int
}

type target struct {
	Name, Host, OS, Benchmark, Release, Profile string
	Start, End                                  time.Time
	Score, MaxScore                             float64
	Counts                                      []count
	// Warnings are what the target said about how it was scanned (a
	// database scan as a superuser).
	Warnings []string
}

type row struct {
	Target   string
	Status   string
	Manual   bool
	Severity string
	VulnID   string
	RuleID   string
	STIGID   string
	CCIs     []string
	CCIShown []string // the first few, for the table
	CCIMore  int      // how many more the details list
	Title    string
	Summary  string // first evidence or message line
	Details  string // what stigscan found (finding details)
	Review   *jsonres.Review
	Comments string
	Text     *jsonres.RuleText
	Check    *jsonres.Check
}

func build(opt Options, docs []*jsonres.Document) *page {
	p := &page{Product: report.Product, Version: docs[0].Generator.Version, Fleet: len(docs) > 1, DefaultOff: "notselected"}
	overall := map[string]int{}
	matrix := map[string]map[string]int{}
	sevSeen := map[string]bool{}
	for _, d := range docs {
		t := target{
			Name: d.HostName(), Host: d.Target.Name, OS: d.Target.OS, Benchmark: d.Benchmark.Title, Release: d.Benchmark.ReleaseInfo,
			Start: d.StartTime, End: d.EndTime, Score: d.Score, MaxScore: d.MaxScore, Warnings: d.Target.Warnings,
		}
		if t.Benchmark == "" {
			t.Benchmark = d.Benchmark.ID
		}
		if d.Profile != nil {
			t.Profile = d.Profile.ID
			if d.Profile.Title != "" {
				t.Profile = d.Profile.Title + " (" + d.Profile.ID + ")"
			}
		}
		per := map[string]int{}
		for i := range d.Rules {
			r := &d.Rules[i]
			rw := rowFrom(t.Name, r)
			per[rw.Status]++
			overall[rw.Status]++
			if matrix[rw.Severity] == nil {
				matrix[rw.Severity] = map[string]int{}
			}
			matrix[rw.Severity][rw.Status]++
			sevSeen[rw.Severity] = true
			p.Rows = append(p.Rows, rw)
		}
		t.Counts = ordered(per)
		p.Targets = append(p.Targets, t)
	}
	p.Total = len(p.Rows)
	p.Statuses = ordered(overall)
	for _, s := range severityOrder {
		if sevSeen[s] {
			p.Severities = append(p.Severities, s)
		}
	}
	for _, s := range p.Severities {
		mr := matrixRow{Severity: s}
		for _, c := range p.Statuses {
			n := matrix[s][c.Status]
			mr.Counts = append(mr.Counts, count{Status: c.Status, N: n})
			mr.Total += n
		}
		p.Matrix = append(p.Matrix, mr)
	}
	p.Title = opt.Title
	if p.Title == "" {
		if p.Fleet {
			p.Title = fmt.Sprintf("%s report: %d targets", report.Product, len(docs))
		} else {
			p.Title = fmt.Sprintf("%s report: %s on %s", report.Product, p.Targets[0].Benchmark, p.Targets[0].Name)
		}
	}
	return p
}

// ordered lists the statuses present in m in display order (unknown
// statuses last, sorted).
func ordered(m map[string]int) []count {
	var out []count
	seen := map[string]bool{}
	for _, s := range statusOrder {
		if m[s] > 0 {
			out = append(out, count{s, m[s]})
		}
		seen[s] = true
	}
	var rest []string
	for s := range m {
		if !seen[s] {
			rest = append(rest, s)
		}
	}
	sort.Strings(rest)
	for _, s := range rest {
		out = append(out, count{s, m[s]})
	}
	return out
}

func rowFrom(targetName string, r *jsonres.Rule) row {
	sev := r.Severity
	switch sev {
	case "high", "medium", "low", "info":
	default:
		sev = "unknown"
	}
	rw := row{
		Target: targetName, Status: r.Status, Severity: sev, VulnID: r.VulnID, RuleID: r.RuleID, STIGID: r.STIGID,
		CCIs: r.CCIs, Title: r.Title, Details: r.FindingDetails(), Comments: r.Comments, Text: r.Text, Check: r.Check,
	}
	if rw.RuleID == "" {
		rw.RuleID = r.ID
	}
	rw.CCIShown = rw.CCIs
	if len(rw.CCIs) > maxCCIShown {
		rw.CCIShown, rw.CCIMore = rw.CCIs[:maxCCIShown], len(rw.CCIs)-maxCCIShown
	}
	if rv := r.Review; rv != nil && rv.Status != "" {
		rw.Status, rw.Manual, rw.Review = rv.Status, true, rv
	}
	switch {
	case rw.Manual:
		rw.Summary = firstLine(r.Review.Details)
	case len(r.Evidence) > 0:
		rw.Summary = firstLine(r.Evidence[0])
	case len(r.Messages) > 0:
		rw.Summary = firstLine(r.Messages[0].Text)
	case len(r.Instances) > 0:
		rw.Summary = fmt.Sprintf("%d check instances", len(r.Instances))
	}
	return rw
}

// maxCCIShown is how many CCIs a table row lists; details list them all.
const maxCCIShown = 4

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i] + " …"
	}
	if len(s) > 160 {
		cut := 160
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}
