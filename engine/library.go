package engine

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/stigscan/stigscan/xccdf"
)

// LibraryBinding is what a tailoring says about library content: the
// values its profiles set for the library's Values (organization-defined
// limits such as an idle timeout), walking the selected profile's extends
// chain with the nearer profile winning, and the selection's problems
// without those about such Values. A DISA benchmark does not declare the
// Values of stigscan's built-in checks, so xccdf.Resolve reports each
// set-value as unknown; bound to the library, they are not.
//
// Prepare applies it from Options.Tailoring; it is exported for callers
// that report the problems before preparing.
func LibraryBinding(lib []*xccdf.Content, t *xccdf.Tailoring, sel *xccdf.Selection) (map[string]string, xccdf.Problems) {
	values := map[string]string{}
	if sel == nil {
		return values, nil
	}
	if t != nil && sel.Profile != nil && len(lib) > 0 {
		known := map[string]bool{}
		for _, c := range lib {
			if c == nil || c.Benchmark == nil {
				continue
			}
			for _, v := range c.Benchmark.Values {
				known[v.ID] = true
			}
		}
		for id, seen := sel.Profile.ID, map[string]bool{}; id != "" && !seen[id]; {
			seen[id] = true
			p := t.Profile(id)
			if p == nil {
				break
			}
			for _, sv := range p.SetValues {
				if _, set := values[sv.IDRef]; !set && known[sv.IDRef] {
					values[sv.IDRef] = sv.Value
				}
			}
			id = p.Extends
		}
	}
	var kept xccdf.Problems
	for _, p := range sel.Problems {
		if !aboutValue(p, values) {
			kept = append(kept, p)
		}
	}
	return values, kept
}

// aboutValue reports whether a selection problem names one of the Values
// (xccdf.Resolve quotes the id it could not find).
func aboutValue(p *xccdf.ContentError, values map[string]string) bool {
	for id := range values {
		if strings.Contains(p.Msg, "Value "+strconv.Quote(id)) {
			return true
		}
	}
	return false
}

// library indexes check content by DISA's ids, for binding imported rules
// to built-in checks.
type library struct {
	byVuln, byLegacy, bySTIG map[string]libRule
}

type libRule struct {
	rule *xccdf.Rule
	src  *checkSource
}

func newLibrary(contents []*xccdf.Content, overrides map[string]string) (*library, error) {
	if len(contents) == 0 {
		return nil, nil
	}
	l := &library{byVuln: map[string]libRule{}, byLegacy: map[string]libRule{}, bySTIG: map[string]libRule{}}
	for i, c := range contents {
		if c == nil || c.Benchmark == nil {
			return nil, fmt.Errorf("engine: library content %d is not a benchmark", i)
		}
		sel, err := xccdf.Resolve(c.Benchmark, nil, "")
		if err != nil {
			return nil, fmt.Errorf("engine: library %s: %w", c.Path, err)
		}
		values := map[string]string{}
		for k, v := range sel.Values {
			values[k] = v
		}
		for k, v := range overrides {
			if _, ok := values[k]; ok {
				values[k] = v
			}
		}
		src := &checkSource{content: c, values: values, prefix: fmt.Sprintf("lib%d\x00", i)}
		for _, r := range c.Benchmark.Rules {
			lr := libRule{rule: r, src: src}
			id := r.Identity()
			if id.VulnID != "" {
				l.byVuln[id.VulnID] = lr
			}
			for _, leg := range id.LegacyIDs {
				l.byLegacy[leg] = lr
			}
			if id.STIGID != "" {
				l.bySTIG[id.STIGID] = lr
			}
		}
	}
	return l, nil
}

// match finds the library rule for an imported rule: by Vuln-ID, else a
// legacy id (either side's), else STIG-ID.
func (l *library) match(r *xccdf.Rule) (*xccdf.Rule, *checkSource, string) {
	id := r.Identity()
	if lr, ok := l.byVuln[id.VulnID]; ok && id.VulnID != "" {
		return lr.rule, lr.src, "vuln-id"
	}
	for _, leg := range id.LegacyIDs {
		if lr, ok := l.byVuln[leg]; ok {
			return lr.rule, lr.src, "legacy-id"
		}
		if lr, ok := l.byLegacy[leg]; ok {
			return lr.rule, lr.src, "legacy-id"
		}
	}
	if id.VulnID != "" {
		if lr, ok := l.byLegacy[id.VulnID]; ok {
			return lr.rule, lr.src, "legacy-id"
		}
	}
	if lr, ok := l.bySTIG[id.STIGID]; ok && id.STIGID != "" {
		return lr.rule, lr.src, "stig-id"
	}
	return nil, nil, ""
}
