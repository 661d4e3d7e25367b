package engine

import (
	"bytes"
	"fmt"

	"github.com/stigscan/stigscan/oval"
	"github.com/stigscan/stigscan/xccdf"
)

// ovalDoc is one OVAL document, parsed and prepared once.
type ovalDoc struct {
	href string
	name string
	prep *oval.Prepared
	err  error
	// the document's tests and states by id, for evidence (indexed once
	// here rather than per target)
	tests  map[string]*oval.Test
	states map[string]*oval.State
}

func (b *Benchmark) needComplex(src *checkSource, cc *xccdf.ComplexCheck) {
	for i := range cc.Checks {
		if cc.Checks[i].System == SystemOVAL {
			b.needOVAL(src, &cc.Checks[i])
		}
	}
	for _, sub := range cc.Complex {
		b.needComplex(src, sub)
	}
}

func (b *Benchmark) needOVAL(src *checkSource, c *xccdf.Check) {
	for _, ref := range c.ContentRefs {
		b.loadOVAL(src, nil, ref.Href)
	}
}

// loadOVAL parses and prepares an OVAL document once per source and href.
func (b *Benchmark) loadOVAL(src *checkSource, owner *xccdf.ComponentRef, href string) *ovalDoc {
	key := src.key(owner, href)
	if d, ok := b.ovals[key]; ok {
		return d
	}
	d := &ovalDoc{href: href, name: href}
	b.ovals[key] = d
	b.ovalOrder = append(b.ovalOrder, key)
	var cc *xccdf.CheckContent
	var err error
	if owner != nil {
		cc, err = src.content.CheckContentFrom(owner, href)
	} else {
		cc, err = src.content.CheckContent(href)
	}
	if err != nil {
		d.err = err
		return d
	}
	d.name = cc.Name
	if cc.Root.Local != "oval_definitions" {
		d.err = fmt.Errorf("engine: %s is a <%s>, not OVAL definitions", href, cc.Root.Local)
		return d
	}
	defs, err := oval.Parse(bytes.NewReader(cc.Data), cc.Name)
	if err != nil {
		d.err = err
		return d
	}
	d.prep, d.err = oval.Prepare(defs, oval.Options{Probes: b.opts.Probes, Logger: b.log, Now: b.now, Limits: b.opts.Limits})
	d.tests = make(map[string]*oval.Test, len(defs.Tests))
	for _, t := range defs.Tests {
		d.tests[t.ID] = t
	}
	d.states = make(map[string]*oval.State, len(defs.States))
	for _, st := range defs.States {
		d.states[st.ID] = st
	}
	for _, p := range d.prep.Problems() {
		b.log.Debug("oval content problem", "href", href, "problem", p)
	}
	return d
}
