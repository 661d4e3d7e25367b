package engine

import (
	"fmt"
	"sort"
	"strings"

	"github.com/stigscan/stigscan/oval"
)

// maxEvidence bounds the evidence lines kept per rule; the rest is counted.
const maxEvidence = 25

// evidence describes what a definition's tests examined: each item with
// its identifying fields and whether it satisfied the test's states, items
// that did not first. Checklists show it as finding details.
func (r *ovalRun) evidence(defID string) []string {
	d := r.results.Definition(defID)
	if d == nil {
		return nil
	}
	r.index()
	var bad, good []string
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
			if src := r.srcTests[c.Ref]; src != nil && src.Comment != "" {
				label = src.Comment
			}
			if len(t.Items) == 0 {
				line := fmt.Sprintf("%s: no matching items (test %s)", label, t.Result)
				if c.Result == oval.True {
					good = append(good, line)
				} else {
					bad = append(bad, line)
				}
				return
			}
			for _, ti := range t.Items {
				it := r.items[ti.ItemID]
				if it == nil {
					continue
				}
				verdict, ok := ti.Result.String(), ti.Result == oval.True
				if ti.Result == oval.NotEvaluated {
					// a test without states: the item's existence is the answer
					verdict, ok = "found", c.Result == oval.True
				}
				line := fmt.Sprintf("%s: %s → %s", label, describeItem(it), verdict)
				if ok {
					good = append(good, line)
				} else {
					bad = append(bad, line)
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
	all := append(bad, good...)
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
	r.srcTests = map[string]*oval.Test{}
	if r.doc != nil && r.doc.prep != nil {
		for _, t := range r.doc.prep.Definitions().Tests {
			r.srcTests[t.ID] = t
		}
	}
}

// describeItem renders an item as its type and short fields.
func describeItem(it *oval.Item) string {
	var parts []string
	for _, f := range it.Fields {
		if it.Type == "sql57_item" && f.Name != "result" {
			// The statement is the content's; the rows are the evidence.
			continue
		}
		if len(parts) == 6 {
			parts = append(parts, "…")
			break
		}
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
	kind := strings.TrimSuffix(it.Type, "_item")
	if it.Status != "" && it.Status != "exists" {
		kind += " (" + it.Status + ")"
	}
	return kind + " " + strings.Join(parts, " ")
}

func short(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 120 {
		return s[:117] + "..."
	}
	return s
}
