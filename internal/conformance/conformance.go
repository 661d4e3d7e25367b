// Package conformance compares stigscan's results with OpenSCAP's on the same
// content and the same offline root: per OVAL definition and per XCCDF rule.
// It backs `make conformance`.
package conformance

import (
	"context"
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/stigscan/stigscan/collectors/local"
	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/oval"
	"github.com/stigscan/stigscan/xccdf"
)

// Results maps an id (definition or rule) to its result name.
type Results map[string]string

// Diff is one id whose results differ.
type Diff struct {
	ID, Oscap, Ours string
}

// Compare lists the ids whose results differ and the share that agree.
func Compare(oscap, ours Results) ([]Diff, float64) {
	ids := map[string]bool{}
	for id := range oscap {
		ids[id] = true
	}
	for id := range ours {
		ids[id] = true
	}
	var diffs []Diff
	for id := range ids {
		if oscap[id] != ours[id] {
			diffs = append(diffs, Diff{ID: id, Oscap: oscap[id], Ours: ours[id]})
		}
	}
	sort.Slice(diffs, func(i, j int) bool { return diffs[i].ID < diffs[j].ID })
	if len(ids) == 0 {
		return nil, 1
	}
	return diffs, float64(len(ids)-len(diffs)) / float64(len(ids))
}

// Documented reads the differences a Markdown document explains: the rows
// of every table whose header is "| id | oscap | stigscan | cause |"
// (ids in backticks or not), keyed by the difference, with the cause.
// Other tables (agreement figures, offline behaviour, content errors) are
// not differences and are not read, whatever their width.
func Documented(md []byte) map[Diff]string {
	out := map[Diff]string{}
	inDiffs := false // within the rows of a differences table
	for _, line := range strings.Split(string(md), "\n") {
		cells, ok := tableRow(line)
		if !ok {
			inDiffs = false // a table ends at its first line that is no row
			continue
		}
		if isDiffHeader(cells) {
			inDiffs = true
			continue
		}
		if !inDiffs || len(cells) != 4 || isSeparator(cells) || cells[0] == "" || cells[3] == "" {
			continue
		}
		out[Diff{ID: cells[0], Oscap: cells[1], Ours: cells[2]}] = cells[3]
	}
	return out
}

// tableRow splits a Markdown table row into its trimmed cells, backticks
// removed.
func tableRow(line string) ([]string, bool) {
	line = strings.TrimSpace(line)
	if len(line) < 2 || !strings.HasPrefix(line, "|") || !strings.HasSuffix(line, "|") {
		return nil, false
	}
	cells := strings.Split(strings.Trim(line, "|"), "|")
	for i := range cells {
		cells[i] = strings.Trim(strings.TrimSpace(cells[i]), "`")
	}
	return cells, true
}

// isDiffHeader reports the header row of a table of differences.
func isDiffHeader(cells []string) bool {
	want := []string{"id", "oscap", "stigscan", "cause"}
	if len(cells) != len(want) {
		return false
	}
	for i, w := range want {
		if !strings.EqualFold(cells[i], w) {
			return false
		}
	}
	return true
}

// isSeparator reports a header separator row: "|---|:--:|".
func isSeparator(cells []string) bool {
	for _, c := range cells {
		if strings.Trim(c, "-: ") != "" {
			return false
		}
	}
	return true
}

// OscapOVAL runs `oscap oval eval` on an offline root.
func OscapOVAL(ctx context.Context, root, ovalFile, workDir string) (Results, error) {
	out := filepath.Join(workDir, "oscap-oval-results.xml")
	cmd := exec.CommandContext(ctx, "oscap", "oval", "eval", "--results", out, ovalFile)
	cmd.Env = append(os.Environ(), "OSCAP_PROBE_ROOT="+root)
	cmd.Dir = workDir
	if b, err := cmd.CombinedOutput(); err != nil && !fileExists(out) {
		return nil, fmt.Errorf("conformance: oscap oval eval: %w: %s", err, tail(b))
	}
	return readOVALResults(out)
}

// OursOVAL evaluates every definition of an OVAL file on an offline root.
func OursOVAL(ctx context.Context, root, ovalFile string) (Results, error) {
	defs, err := oval.ParseFile(ovalFile)
	if err != nil {
		return nil, err
	}
	p, err := oval.Prepare(defs, oval.Options{})
	if err != nil {
		return nil, err
	}
	h, err := local.NewRoot(root)
	if err != nil {
		return nil, err
	}
	res, err := p.Evaluate(ctx, h, nil)
	if err != nil {
		return nil, err
	}
	out := Results{}
	for _, d := range res.Definitions {
		out[d.ID] = d.Result.String()
	}
	return out, nil
}

// OscapXCCDF runs `oscap xccdf eval` of a profile on an offline root.
// cpeDict, when not empty, is a CPE dictionary for a plain XCCDF file
// (oscap's --cpe).
func OscapXCCDF(ctx context.Context, root, ds, profile, workDir string, cpeDict ...string) (Results, error) {
	out := filepath.Join(workDir, "oscap-xccdf-"+sanitize(profile)+".xml")
	args := []string{"xccdf", "eval", "--profile", profile, "--results", out}
	for _, c := range cpeDict {
		args = append(args, "--cpe", c)
	}
	cmd := exec.CommandContext(ctx, "oscap", append(args, ds)...)
	cmd.Env = append(os.Environ(), "OSCAP_PROBE_ROOT="+root)
	cmd.Dir = workDir
	// oscap exits 2 when a rule fails; only a missing results file is an error.
	if b, err := cmd.CombinedOutput(); err != nil && !fileExists(out) {
		return nil, fmt.Errorf("conformance: oscap xccdf eval: %w: %s", err, tail(b))
	}
	return readXCCDFResults(out)
}

// OursXCCDF evaluates a profile of a data stream on an offline root.
func OursXCCDF(ctx context.Context, root, ds, profile string, cpeDict ...string) (Results, error) {
	c, err := xccdf.Open(ds, xccdf.Options{})
	if err != nil {
		return nil, err
	}
	sel, err := xccdf.Resolve(c.Benchmark, nil, profile)
	if err != nil {
		return nil, err
	}
	var opts engine.Options
	for _, d := range cpeDict {
		if opts.CPEDictionary, err = xccdf.Open(d, xccdf.Options{}); err != nil {
			return nil, err
		}
	}
	b, err := engine.Prepare(ctx, c, sel, opts)
	if err != nil {
		return nil, err
	}
	h, err := local.NewRoot(root)
	if err != nil {
		return nil, err
	}
	res, err := b.Evaluate(ctx, h)
	if err != nil {
		return nil, err
	}
	out := Results{}
	for _, rr := range res.Rules {
		if rr.Status == engine.NotSelected {
			continue
		}
		id := rr.Rule.ID
		if rr.Instance != "" {
			id += "#" + rr.Instance
		}
		out[id] = string(rr.Status)
	}
	return out, nil
}

func readOVALResults(path string) (Results, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	d := xml.NewDecoder(f)
	out := Results{}
	inResults := false
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if se.Name.Local == "results" {
			inResults = true
		}
		if inResults && se.Name.Local == "definition" {
			out[attr(se, "definition_id")] = attr(se, "result")
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("conformance: %s holds no definition results", path)
	}
	return out, nil
}

func readXCCDFResults(path string) (Results, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	type rr struct{ rule, name, result string }
	var all []rr
	count := map[string]int{}
	d := xml.NewDecoder(f)
	var cur rr
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		t, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch t.Name.Local {
		case "rule-result":
			cur = rr{rule: attr(t, "idref")}
		case "check-content-ref":
			cur.name = attr(t, "name")
		case "result":
			var s string
			if err := d.DecodeElement(&s, &t); err == nil && cur.rule != "" {
				cur.result = strings.TrimSpace(s)
				if cur.result != "notselected" {
					all = append(all, cur)
					count[cur.rule]++
				}
			}
		}
	}
	out := Results{}
	for _, r := range all {
		id := r.rule
		if count[r.rule] > 1 {
			id += "#" + r.name // a multi-check rule: one result per definition
		}
		out[id] = r.result
	}
	return out, nil
}

func attr(se xml.StartElement, name string) string {
	for _, a := range se.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == ' ' {
			return '_'
		}
		return r
	}, s)
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

func tail(b []byte) string {
	if len(b) > 400 {
		b = b[len(b)-400:]
	}
	return strings.TrimSpace(string(b))
}
