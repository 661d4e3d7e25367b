package oval

import (
	"context"
	"path"
	"slices"
	"strings"

	"github.com/stigscan/stigscan/collectors/host"
)

// Over SSH every call a probe makes is a round trip, and an evaluation
// makes them one object at a time: a definition that checks three
// configuration files costs six (a listing of each directory to stat the
// file, then the read). Before evaluating, Evaluate tells a host that can
// fetch ahead (host.Prefetcher) which files the objects of those
// definitions name literally — paths with operation equals and no
// variable, as each object's probe plans them (FilePlanner) — so the host
// fetches them together. Paths found by patterns, walks or variables are
// not known before collection and are fetched as they are asked for.

// prefetchPlan lists the paths the objects reachable from the definitions
// ids name literally: those to stat and those to read (which are stated
// too), sorted, without duplicates.
func (p *Prepared) prefetchPlan(ids []string) (stat, read []string) {
	seenDef := map[string]bool{}
	seenObj := map[string]bool{}
	var object func(id string)
	object = func(id string) {
		o := p.objByID[id]
		if o == nil || seenObj[id] {
			return
		}
		seenObj[id] = true
		if o.Set != nil {
			var set func(s *Set)
			set = func(s *Set) {
				for _, r := range s.ObjectRefs {
					object(r)
				}
				for _, sub := range s.Sets {
					set(sub)
				}
			}
			set(o.Set)
			return
		}
		if fp, ok := p.probeFor(o).(FilePlanner); ok {
			s, r := fp.PlanFiles(o)
			stat, read = append(stat, s...), append(read, r...)
		}
	}
	var criteria func(c *Criteria)
	var definition func(id string)
	criteria = func(c *Criteria) {
		if c == nil {
			return
		}
		for _, n := range c.Children {
			switch n := n.(type) {
			case *Criteria:
				criteria(n)
			case *Criterion:
				if t := p.tstByID[n.TestRef]; t != nil {
					object(t.ObjectRef)
				}
			case *ExtendDefinition:
				definition(n.DefinitionRef)
			}
		}
	}
	definition = func(id string) {
		d := p.defByID[id]
		if d == nil || seenDef[id] {
			return
		}
		seenDef[id] = true
		criteria(d.Criteria)
	}
	for _, id := range ids {
		definition(id)
	}
	clean := func(ps []string) []string {
		ps = slices.DeleteFunc(ps, func(s string) bool { return !path.IsAbs(s) || path.Clean(s) != s })
		slices.Sort(ps)
		return slices.Compact(ps)
	}
	return clean(stat), clean(read)
}

// LiteralPaths returns the file an object of the file kind names with
// literal values (equality, no variable): its filepath, or its path joined
// with its filename (the path alone when filename is nil, a directory
// object). It is what a FilePlanner of such objects plans.
func LiteralPaths(o *Object) []string {
	var fp, dir, name *Entity
	for _, e := range o.Entities {
		switch e.Name {
		case "filepath":
			fp = e
		case "path":
			dir = e
		case "filename":
			name = e
		}
	}
	literal := func(e *Entity) bool {
		return e != nil && !e.Nil && e.VarRef == "" && (e.Operation == "" || e.Operation == "equals") && e.Value != ""
	}
	switch {
	case fp != nil:
		if literal(fp) {
			return []string{fp.Value}
		}
	case literal(dir) && name != nil && name.Nil:
		return []string{dir.Value}
	case literal(dir) && literal(name):
		return []string{path.Join(dir.Value, name.Value)}
	}
	return nil
}

// sysctlPaths returns the kernel parameter files a sysctl object names by
// equality (as host.SysctlParamByName reads them).
func sysctlPaths(o *Object) []string {
	for _, e := range o.Entities {
		if e.Name != "name" || e.Nil || e.VarRef != "" || (e.Operation != "" && e.Operation != "equals") {
			continue
		}
		if e.Value == "" || strings.ContainsAny(e.Value, "/\x00") || strings.Contains(e.Value, "..") {
			continue
		}
		return []string{"/proc/sys/" + strings.ReplaceAll(e.Value, ".", "/")}
	}
	return nil
}

// prefetchReads tells a host that can fetch ahead the files a content
// probe found (by a pattern or a walk, which the plan could not know) and
// is about to read one after another, so they come in one batch.
func (q *Query) prefetchReads(ctx context.Context, refs []fileRef) {
	pf, ok := q.Host.(host.Prefetcher)
	if !ok || len(refs) < 2 {
		return
	}
	var read []string
	for _, f := range refs {
		if _, done := q.run.files[f.filepath]; !done {
			read = append(read, f.filepath)
		}
	}
	if len(read) > 1 {
		pf.Prefetch(ctx, nil, read)
	}
}

// prefetch hands the plan of ids to h when h can fetch ahead.
func (p *Prepared) prefetch(ctx context.Context, h host.Host, ids []string) {
	pf, ok := h.(host.Prefetcher)
	if !ok {
		return
	}
	stat, read := p.prefetchPlan(ids)
	if len(stat)+len(read) > 0 {
		pf.Prefetch(ctx, stat, read)
	}
}
