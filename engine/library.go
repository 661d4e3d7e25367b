package engine

import (
	"fmt"

	"github.com/stigscan/stigscan/xccdf"
)

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
