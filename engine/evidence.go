package engine

import (
	"fmt"
	"sort"
	"strings"

	"github.com/stigscan/stigscan/internal/clip"
	"github.com/stigscan/stigscan/oval"
)

// maxEvidence bounds the evidence lines kept per rule; the rest is counted.
const maxEvidence = 25

// Ranks of evidence lines that did not hold, most telling first: the
// first line is what summaries show, so it should be why the check failed.
const (
	rankStateFailed  = iota // an item whose values the test's states rejected
	rankNothingFound        // a test that found nothing where something was wanted
	rankFound               // an item whose mere existence is part of the answer
)

// evidence describes what a definition's tests examined: each item with
// its identifying fields and whether it satisfied the test's states. Lines
// that did not hold come first, ranked: an item whose values failed, then
// a test that found nothing, then an item that was merely found (for
// PermitRootLogin, "no matching items" for the setting leads, not the
// sshd_config that exists). The fields a test's states compared are always
// shown, and not shortened as others are (PASS_MAX_DAYS's subexpression). Checklists show it as finding
// details; summaries show its first line.
func (r *ovalRun) evidence(defID string) []string {
	d := r.results.Definition(defID)
	if d == nil {
		return nil
	}
	r.index()
	type evLine struct {
		text string
		rank int
	}
	var bad []evLine
	var good []string
	seen := map[string]bool{}
	var walk func(c *oval.CriteriaResult, depth int)
	walk = func(c *oval.CriteriaResult, depth int) {
		if c == nil || depth > 64 {
			return
		}
		switch c.Kind {
		case "criterion":
			if seen[c.Ref] {
				return
			}
			seen[c.Ref] = true
			t := r.tests[c.Ref]
			if t == nil {
				return
			}
			label := c.Ref
			if src := r.srcTest(c.Ref); src != nil && src.Comment != "" {
				label = src.Comment
			}
			if len(t.Items) == 0 {
				line := fmt.Sprintf("%s: no matching items (test %s)", label, t.Result)
				if c.Result == oval.True {
					good = append(good, line)
				} else {
					bad = append(bad, evLine{line, rankNothingFound})
				}
				return
			}
			compared := r.comparedFields(c.Ref)
			for _, ti := range t.Items {
				it := r.items[ti.ItemID]
				if it == nil {
					continue
				}
				verdict, ok, rank := ti.Result.String(), ti.Result == oval.True, rankStateFailed
				if ti.Result == oval.NotEvaluated {
					// a test without states: the item's existence is the answer
					verdict, ok, rank = "found", c.Result == oval.True, rankFound
				}
				text := fmt.Sprintf("%s: %s → %s", label, describeItem(it, compared), verdict)
				if ok {
					good = append(good, text)
				} else {
					bad = append(bad, evLine{text, rank})
				}
			}
		case "extend_definition":
			if sub := r.results.Definition(c.Ref); sub != nil {
				walk(sub.Criteria, depth+1)
			}
		}
		for _, ch := range c.Children {
			walk(ch, depth+1)
		}
	}
	walk(d.Criteria, 0)
	sort.SliceStable(bad, func(i, j int) bool { return bad[i].rank < bad[j].rank })
	all := make([]string, 0, len(bad)+len(good))
	for _, l := range bad {
		all = append(all, l.text)
	}
	all = append(all, good...)
	if len(all) > maxEvidence {
		n := len(all) - maxEvidence
		all = append(all[:maxEvidence:maxEvidence], fmt.Sprintf("… and %d more items", n))
	}
	return all
}

func (r *ovalRun) index() {
	if r.items != nil {
		return
	}
	r.items = make(map[int]*oval.Item, len(r.results.Items))
	for _, it := range r.results.Items {
		r.items[it.ID] = it
	}
	if r.tests == nil {
		r.tests = make(map[string]*oval.TestResult, len(r.results.Tests))
		for _, t := range r.results.Tests {
			r.tests[t.ID] = t
		}
	}
}

// srcTest is the document's test with the id; nil when unknown.
func (r *ovalRun) srcTest(id string) *oval.Test {
	if r.doc == nil {
		return nil
	}
	return r.doc.tests[id]
}

// comparedFields names the item fields the states of test compare.
func (r *ovalRun) comparedFields(test string) map[string]bool {
	t := r.srcTest(test)
	if t == nil || len(t.StateRefs) == 0 {
		return nil
	}
	out := map[string]bool{}
	for _, id := range t.StateRefs {
		if st := r.doc.states[id]; st != nil {
			for _, e := range st.Entities {
				out[e.Name] = true
			}
		}
	}
	return out
}

// Bounds of describeItem: how many fields it shows besides those compared,
// and how long a value of each kind may be.
const (
	maxItemFields    = 6
	maxFieldValue    = 120
	maxComparedValue = 1024
)

// describeItem renders an item as its type and fields, in the item's
// order: every field in compared (what the test's states judged, so the
// value that failed is always there, whole up to maxComparedValue bytes)
// and up to maxItemFields others, shortened to maxFieldValue bytes.
func describeItem(it *oval.Item, compared map[string]bool) string {
	var parts []string
	others, cut := 0, false
	for _, f := range it.Fields {
		if it.Type == "sql57_item" && f.Name != "result" {
			// The statement is the content's; the rows are the evidence.
			continue
		}
		limit := maxComparedValue
		if !compared[f.Name] {
			if others == maxItemFields {
				cut = true
				continue
			}
			others++
			limit = maxFieldValue
		}
		short := func(s string) string { return shorten(s, limit) }
		v := f.Value
		if f.Mask {
			// Masked in the OVAL results (a password hash, or the
			// content's mask="true"): not shown here either.
			parts = append(parts, f.Name+"=(masked)")
			continue
		}
		if len(f.Fields) > 0 {
			var sub []string
			for _, ff := range f.Fields {
				if ff.Mask {
					sub = append(sub, ff.Name+"=(masked)")
					continue
				}
				sub = append(sub, ff.Name+"="+short(ff.Value))
			}
			sort.Strings(sub)
			v = "{" + strings.Join(sub, ", ") + "}"
		} else {
			v = short(v)
		}
		parts = append(parts, f.Name+"="+v)
	}
	if cut {
		parts = append(parts, "…")
	}
	kind := strings.TrimSuffix(it.Type, "_item")
	if it.Status != "" && it.Status != "exists" {
		kind += " (" + it.Status + ")"
	}
	return kind + " " + strings.Join(parts, " ")
}

// shorten folds white space and cuts s to at most n bytes, on a
// character boundary.
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	return clip.Cut(s, n-3, "...")
}
