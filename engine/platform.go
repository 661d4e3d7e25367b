package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/stigscan/stigscan/cpe"
	"github.com/stigscan/stigscan/oval"
	"github.com/stigscan/stigscan/xccdf"
)

// platforms holds the CPE dictionaries and the OVAL checks that decide
// platform applicability.
type platforms struct {
	dicts []*dictionary
	// names are the CPE names used by the benchmark.
	names []string
	// checks maps a CPE name to the OVAL check deciding it.
	checks map[string]platformCheck
	// facts holds the direct checks of cpe-lang:check-fact-ref elements,
	// by factKey; a fact whose content cannot be had is absent (false).
	facts map[string]platformCheck
	// libFacts are the check-fact-refs of the platforms of library rules
	// bound to the benchmark's rules, by libFactKey: a built-in rule that
	// applies only to one product keeps applying only to it under DISA's
	// rule.
	libFacts map[string]platformCheck
}

// libFactKey names a check-fact-ref of a library benchmark: its href
// resolves against the library's source.
func libFactKey(src *checkSource, f xccdf.CheckFactRef) string {
	return src.key(nil, f.Href) + "\x00" + f.IDRef
}

// factKey names a check-fact-ref.
func factKey(f xccdf.CheckFactRef) string { return f.System + "\x00" + f.Href + "\x00" + f.IDRef }

type dictionary struct {
	dict  *cpe.Dictionary
	owner *xccdf.ComponentRef // for a data stream's dictionary
}

type platformCheck struct {
	doc *ovalDoc
	key string
	id  string
}

func (b *Benchmark) preparePlatforms(ctx context.Context) (*platforms, error) {
	p := &platforms{checks: map[string]platformCheck{}, facts: map[string]platformCheck{}, libFacts: map[string]platformCheck{}}
	for _, ref := range b.content.Dictionaries() {
		cc, err := b.content.ComponentContent(ref)
		if err != nil {
			return nil, fmt.Errorf("engine: %w", err)
		}
		d, err := cpe.Parse(cc.Data, cc.Name)
		if err != nil {
			return nil, fmt.Errorf("engine: %w", err)
		}
		p.dicts = append(p.dicts, &dictionary{dict: d, owner: ref})
	}
	if extra := b.opts.CPEDictionary; extra != nil {
		if extra.Kind != xccdf.KindCPE {
			return nil, fmt.Errorf("engine: %s is a %s, not a CPE dictionary", extra.Path, extra.Kind)
		}
		d, err := cpe.Parse(extra.Data, extra.Path)
		if err != nil {
			return nil, fmt.Errorf("engine: %w", err)
		}
		p.dicts = append(p.dicts, &dictionary{dict: d})
	}
	// The CPE names used anywhere in the benchmark.
	seen := map[string]bool{}
	add := func(name string) {
		if !seen[name] {
			seen[name] = true
			p.names = append(p.names, name)
		}
	}
	var addRef func(idref string)
	var addTest func(lt *xccdf.LogicalTest)
	addTest = func(lt *xccdf.LogicalTest) {
		for _, f := range lt.FactRefs {
			add(f)
		}
		for _, f := range lt.CheckFactRefs {
			// The href resolves as a rule's check-content-ref does.
			k := factKey(f)
			if _, ok := p.facts[k]; ok || f.System != SystemOVAL {
				continue
			}
			doc := b.loadOVAL(b.main, nil, f.Href)
			p.facts[k] = platformCheck{doc: doc, key: b.main.key(nil, f.Href), id: f.IDRef}
		}
		for _, sub := range lt.Tests {
			addTest(sub)
		}
	}
	addRef = func(idref string) {
		if strings.HasPrefix(idref, "#") {
			if spec := b.content.Benchmark.PlatformSpecs[idref[1:]]; spec != nil {
				addTest(spec.Test)
			}
			return
		}
		add(idref)
	}
	bm := b.content.Benchmark
	for _, pl := range bm.Platforms {
		addRef(pl)
	}
	for _, g := range bm.Groups {
		for _, pl := range g.Platforms {
			addRef(pl)
		}
	}
	for _, r := range bm.Rules {
		for _, pl := range r.Platforms {
			addRef(pl)
		}
	}
	// The platforms of bound library rules (local platform-specification
	// references; a library rule's CPE names are not looked up).
	var addLib func(src *checkSource, lt *xccdf.LogicalTest)
	addLib = func(src *checkSource, lt *xccdf.LogicalTest) {
		for _, f := range lt.CheckFactRefs {
			k := libFactKey(src, f)
			if _, ok := p.libFacts[k]; ok || f.System != SystemOVAL {
				continue
			}
			p.libFacts[k] = platformCheck{doc: b.loadOVAL(src, nil, f.Href), key: src.key(nil, f.Href), id: f.IDRef}
		}
		for _, sub := range lt.Tests {
			addLib(src, sub)
		}
	}
	for _, pl := range b.plans {
		if pl.bound == nil {
			continue
		}
		for _, ref := range pl.bound.Platforms {
			if spec := pl.src.content.Benchmark.PlatformSpecs[strings.TrimPrefix(ref, "#")]; strings.HasPrefix(ref, "#") && spec != nil {
				addLib(pl.src, spec.Test)
			}
		}
	}
	for _, name := range p.names {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for _, d := range p.dicts {
			item := d.dict.Item(name)
			if item == nil {
				continue
			}
			for _, c := range item.Checks {
				if c.System != SystemOVAL {
					continue
				}
				src := b.main
				if d.owner == nil && b.opts.CPEDictionary != nil {
					src = &checkSource{content: b.opts.CPEDictionary, prefix: "cpe\x00"}
				}
				doc := b.loadOVAL(src, d.owner, c.Href)
				key := src.key(d.owner, c.Href)
				p.checks[name] = platformCheck{doc: doc, key: key, id: c.ID}
				break
			}
			if _, ok := p.checks[name]; ok {
				break
			}
		}
	}
	return p, nil
}

// applies is the answer of a platform test, three-valued as the CPE
// applicability language's TRUE, FALSE and ERROR: a platform whose check
// could not be evaluated (its OVAL document failed to load, its evaluation
// failed, or its definition came out error or unknown) is undecided, with
// the reasons.
type applies struct {
	yes     bool
	unknown []string // why the answer is not known; nil when it is
}

var (
	appliesYes = applies{yes: true}
	appliesNo  = applies{}
)

func (a applies) undecided() bool { return len(a.unknown) > 0 }

// anyApplies is OR: one yes decides; otherwise any undecided one leaves the
// answer undecided.
func anyApplies(vals []applies) applies {
	var why []string
	for _, v := range vals {
		if v.undecided() {
			why = append(why, v.unknown...)
		} else if v.yes {
			return appliesYes
		}
	}
	return applies{unknown: why}
}

// allApply is AND: one no decides; otherwise any undecided one leaves the
// answer undecided. No values at all is no, as a test with nothing in it
// holds nothing.
func allApply(vals []applies) applies {
	if len(vals) == 0 {
		return appliesNo
	}
	var why []string
	for _, v := range vals {
		if v.undecided() {
			why = append(why, v.unknown...)
		} else if !v.yes {
			return appliesNo
		}
	}
	if why != nil {
		return applies{unknown: why}
	}
	return appliesYes
}

// applicability evaluates the platform checks on the target and returns a
// function telling whether a rule applies (its own platforms, its groups'
// and the benchmark's: an element with several platforms applies when any
// does; one with none applies everywhere). A CPE name no dictionary gives
// a check for does not apply; one whose check cannot be evaluated is
// undecided, with a reason naming the platform (see rule).
func (ev *evaluation) applicability() func(*xccdf.Rule) applies {
	pl := ev.b.platforms
	truth := map[string]applies{}
	factTruth := map[string]applies{}
	libTruth := map[string]applies{}
	if len(pl.checks) > 0 || len(pl.facts) > 0 || len(pl.libFacts) > 0 {
		byDoc := map[string][]string{}
		for _, name := range pl.names {
			if c, ok := pl.checks[name]; ok && c.doc.err == nil {
				byDoc[c.key] = append(byDoc[c.key], c.id)
			}
		}
		for _, c := range pl.facts {
			if c.doc.err == nil {
				byDoc[c.key] = append(byDoc[c.key], c.id)
			}
		}
		for _, c := range pl.libFacts {
			if c.doc.err == nil {
				byDoc[c.key] = append(byDoc[c.key], c.id)
			}
		}
		results := map[string]*oval.Results{}
		evalErr := map[string]error{}
		for key, ids := range byDoc {
			c := ev.b.ovals[key]
			res, err := c.prep.Evaluate(ev.ctx, ev.h, nil, ids...)
			if err != nil {
				evalErr[key] = err
				continue
			}
			results[key] = res
		}
		decide := func(what string, c platformCheck) applies {
			if c.doc.err != nil {
				return applies{unknown: []string{fmt.Sprintf("%s: %v", what, c.doc.err)}}
			}
			if err := evalErr[c.key]; err != nil {
				return applies{unknown: []string{fmt.Sprintf("%s: evaluating %s: %v", what, c.doc.href, err)}}
			}
			d := results[c.key].Definition(c.id)
			if d == nil {
				return applies{unknown: []string{fmt.Sprintf("%s: definition %s is not in the results of %s", what, c.id, c.doc.href)}}
			}
			switch d.Result {
			case oval.True:
				return appliesYes
			case oval.False, oval.NotApplicable:
				return appliesNo
			}
			reason := fmt.Sprintf("%s: definition %s is %s", what, c.id, d.Result)
			run := &ovalRun{results: results[c.key]}
			for _, m := range run.why(d) {
				reason += "; " + m.Text
			}
			return applies{unknown: []string{reason}}
		}
		for _, name := range pl.names {
			if c, ok := pl.checks[name]; ok {
				truth[name] = decide("platform "+name, c)
			}
		}
		for k, c := range pl.facts {
			factTruth[k] = decide("platform check "+c.id, c)
		}
		for k, c := range pl.libFacts {
			libTruth[k] = decide("platform check "+c.id+" of the bound check", c)
		}
	}
	bm := ev.b.content.Benchmark
	var testTruth func(lt *xccdf.LogicalTest) applies
	testTruth = func(lt *xccdf.LogicalTest) applies {
		var vals []applies
		for _, f := range lt.FactRefs {
			vals = append(vals, truth[f])
		}
		for _, f := range lt.CheckFactRefs {
			vals = append(vals, factTruth[factKey(f)])
		}
		for _, sub := range lt.Tests {
			vals = append(vals, testTruth(sub))
		}
		var out applies
		if lt.Operator == "OR" {
			out = anyApplies(vals)
		} else {
			out = allApply(vals)
		}
		if lt.Negate && !out.undecided() {
			out.yes = !out.yes
		}
		return out
	}
	refTruth := func(idref string) applies {
		if strings.HasPrefix(idref, "#") {
			if spec := bm.PlatformSpecs[idref[1:]]; spec != nil {
				return testTruth(spec.Test)
			}
			return appliesNo
		}
		return truth[idref]
	}
	anyOf := func(refs []string) applies {
		if len(refs) == 0 {
			return appliesYes
		}
		vals := make([]applies, len(refs))
		for i, r := range refs {
			vals[i] = refTruth(r)
		}
		return anyApplies(vals)
	}
	benchOK := anyOf(bm.Platforms)
	groupOK := map[*xccdf.Group]applies{}
	var groupApplies func(g *xccdf.Group) applies
	groupApplies = func(g *xccdf.Group) applies {
		if g == nil {
			return appliesYes
		}
		if v, ok := groupOK[g]; ok {
			return v
		}
		v := allApply([]applies{anyOf(g.Platforms), groupApplies(g.Parent)})
		groupOK[g] = v
		return v
	}
	// A rule bound to a library rule applies where both do.
	boundOK := map[*xccdf.Rule]applies{}
	for _, p := range ev.b.plans {
		if p.bound == nil || len(p.bound.Platforms) == 0 {
			continue
		}
		specs := p.src.content.Benchmark.PlatformSpecs
		var libTest func(lt *xccdf.LogicalTest) applies
		libTest = func(lt *xccdf.LogicalTest) applies {
			var vals []applies
			for _, f := range lt.CheckFactRefs {
				vals = append(vals, libTruth[libFactKey(p.src, f)])
			}
			for _, sub := range lt.Tests {
				vals = append(vals, libTest(sub))
			}
			out := allApply(vals)
			if lt.Operator == "OR" {
				out = anyApplies(vals)
			}
			if lt.Negate && !out.undecided() {
				out.yes = !out.yes
			}
			return out
		}
		var vals []applies
		for _, ref := range p.bound.Platforms {
			if spec := specs[strings.TrimPrefix(ref, "#")]; strings.HasPrefix(ref, "#") && spec != nil {
				vals = append(vals, libTest(spec.Test))
			} else {
				vals = append(vals, appliesYes) // a CPE name of the library: not looked up
			}
		}
		boundOK[p.rule] = anyApplies(vals)
	}
	return func(r *xccdf.Rule) applies {
		v := []applies{benchOK, groupApplies(r.Parent), anyOf(r.Platforms)}
		if b, ok := boundOK[r]; ok {
			v = append(v, b)
		}
		return allApply(v)
	}
}

// sortedUnique returns ss sorted without repeats.
func sortedUnique(ss []string) []string {
	out := slices.Clone(ss)
	slices.Sort(out)
	return slices.Compact(out)
}
