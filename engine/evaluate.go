package engine

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/secret"
	"github.com/stigscan/stigscan/oval"
	"github.com/stigscan/stigscan/xccdf"
)

// Evaluate runs the benchmark on one target. It always returns a result:
// what could not be collected or evaluated is an error (or notchecked)
// result with the reason. The error return is for a cancelled context.
//
// A panic while evaluating one rule is that rule's error; one elsewhere
// (reading the target's facts, its platforms) is returned as an error
// matching oval.ErrPanic, so a caller scanning many targets goes on.
func (b *Benchmark) Evaluate(ctx context.Context, h host.Host) (_ *Result, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("engine: evaluate: %w", oval.Recovered(b.log, "evaluation", v))
		}
	}()
	res := &Result{
		Benchmark: b.content.Benchmark,
		Profile:   b.sel.Profile,
		Source:    b.content.Path,
		Values:    b.sel.Values,
		Target:    secret.RedactTarget(h.Describe()),
		Kind:      host.KindOf(h),
		StartTime: b.now(),
	}
	if fp, ok := h.(host.FactsProvider); ok {
		facts, err := fp.Facts(ctx)
		if err != nil {
			res.FactsErr = err.Error()
		}
		res.Facts = facts
	}
	if w, ok := h.(host.Warner); ok {
		res.Warnings = append([]string(nil), w.Warnings()...)
	}
	ev := &evaluation{b: b, ctx: ctx, h: h, res: res, runs: map[string]*ovalRun{}}
	applicable := ev.applicability()

	// Gather per OVAL document the definitions and exports to evaluate, so
	// each document is evaluated once and shares collected objects.
	for _, p := range b.plans {
		if p.sel == nil || !applicable(p.rule).yes {
			continue
		}
		if p.sel.Role == "unchecked" {
			continue
		}
		if p.check != nil && p.check.System == SystemOVAL && p.reason == "" {
			ev.want(p.src, p.check)
		}
		if p.complex != nil {
			ev.wantComplex(p.src, p.complex)
		}
	}
	if err := ev.runOVAL(); err != nil {
		return nil, err
	}
	for _, p := range b.plans {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("engine: evaluate %s: %w", host.Describe(h), err)
		}
		res.Rules = append(res.Rules, ev.safeRule(p, applicable)...)
	}
	for _, key := range b.ovalOrder {
		if run := ev.runs[key]; run != nil && run.results != nil && len(run.ids)+boolInt(run.all) > 0 {
			res.OVAL = append(res.OVAL, &OVALReport{Href: run.doc.href, Name: run.doc.name, Results: run.results})
		}
	}
	res.Score, res.MaxScore = score(b.content.Benchmark, res.Rules)
	res.EndTime = b.now()
	return res, nil
}

// evaluation is the state of one Evaluate call.
type evaluation struct {
	b    *Benchmark
	ctx  context.Context
	h    host.Host
	res  *Result
	runs map[string]*ovalRun
	mu   sync.Mutex
}

// ovalRun gathers what one OVAL document must evaluate on this target.
type ovalRun struct {
	doc     *ovalDoc
	ids     map[string]bool
	all     bool
	ext     oval.ExternalVars
	results *oval.Results
	err     error
	// indexes built on first use by why and evidence
	tests map[string]*oval.TestResult
	items map[int]*oval.Item
}

func (ev *evaluation) run(key string) *ovalRun {
	r := ev.runs[key]
	if r == nil {
		r = &ovalRun{doc: ev.b.ovals[key], ids: map[string]bool{}, ext: oval.ExternalVars{}}
		ev.runs[key] = r
	}
	return r
}

func (ev *evaluation) want(src *checkSource, c *xccdf.Check) {
	ref, key, ok := ev.pickRef(src, c)
	if !ok {
		return
	}
	r := ev.run(key)
	if ref.Name == "" {
		r.all = true
	} else {
		r.ids[ref.Name] = true
	}
	for _, ex := range c.Exports {
		if v, ok := src.values[ex.ValueID]; ok {
			r.ext[ex.ExportName] = []string{v}
		}
	}
}

func (ev *evaluation) wantComplex(src *checkSource, cc *xccdf.ComplexCheck) {
	for i := range cc.Checks {
		if cc.Checks[i].System == SystemOVAL {
			ev.want(src, &cc.Checks[i])
		}
	}
	for _, sub := range cc.Complex {
		ev.wantComplex(src, sub)
	}
}

// pickRef returns the first content ref whose document loaded, and the
// document's key.
func (ev *evaluation) pickRef(src *checkSource, c *xccdf.Check) (xccdf.ContentRef, string, bool) {
	for _, ref := range c.ContentRefs {
		key := src.key(nil, ref.Href)
		if d := ev.b.ovals[key]; d != nil && d.err == nil {
			return ref, key, true
		}
	}
	return xccdf.ContentRef{}, "", false
}

func (ev *evaluation) runOVAL() error {
	keys := make([]string, 0, len(ev.runs))
	for k := range ev.runs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		r := ev.runs[k]
		if r.doc == nil || r.doc.err != nil || r.results != nil {
			continue
		}
		var ids []string
		if !r.all {
			for id := range r.ids {
				ids = append(ids, id)
			}
			sort.Strings(ids)
		}
		res, err := r.doc.prep.Evaluate(ev.ctx, ev.h, r.ext, ids...)
		if err != nil {
			if ev.ctx.Err() != nil {
				return fmt.Errorf("engine: evaluate %s: %w", host.Describe(ev.h), err)
			}
			r.err = err
			continue
		}
		r.results = res
	}
	return nil
}
