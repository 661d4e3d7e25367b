// Package engine evaluates an XCCDF benchmark against targets: it prepares a
// benchmark once (profile resolved, check content parsed and compiled) and
// evaluates it per target, mapping check results onto XCCDF rule results
// keyed by DISA's ids.
//
// Prepare once, evaluate many: a *Benchmark is immutable after Prepare and
// safe for concurrent Evaluate calls on different hosts.
package engine

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/secret"
	"github.com/stigscan/stigscan/oval"
	"github.com/stigscan/stigscan/xccdf"
)

// Check systems stigscan evaluates.
const (
	SystemOVAL = "http://oval.mitre.org/XMLSchema/oval-definitions-5"
	SystemOCIL = "http://scap.nist.gov/schema/ocil/2"
)

// Options configure Prepare.
type Options struct {
	Logger *slog.Logger
	// Now is the clock for result times (injected so outputs reproduce).
	Now func() time.Time
	// Probes adds or replaces OVAL probes (see oval.Options).
	Probes map[string]oval.Probe
	// CPEDictionary is a CPE dictionary file for content that is not a data
	// stream (a data stream's own dictionaries are always used).
	CPEDictionary *xccdf.Content
	// Library holds check content (stigscan's built-in checks) that
	// automates rules the benchmark only describes: a rule without an
	// automated check is bound to the library rule with the same Vuln-ID,
	// else legacy id, else STIG-ID.
	Library []*xccdf.Content
	// LibraryValues override the library benchmarks' Value defaults
	// (organization-defined limits from a tailoring file).
	LibraryValues map[string]string
	// Limits bound each OVAL evaluation: bytes per file read, file content
	// kept per run, items per object, regex time per object and per
	// target (zero fields: oval's defaults).
	Limits oval.Limits
}

// Benchmark is a benchmark prepared for evaluation.
type Benchmark struct {
	content *xccdf.Content
	sel     *xccdf.Selection
	opts    Options
	log     *slog.Logger
	now     func() time.Time

	// ovals holds each OVAL document rules reference, by key (see
	// checkSource.key).
	ovals     map[string]*ovalDoc
	ovalOrder []string
	plans     []*rulePlan
	platforms *platforms
	main      *checkSource
}

// checkSource is content whose check hrefs resolve together, with the Values
// its check-exports read.
type checkSource struct {
	content *xccdf.Content
	values  map[string]string
	prefix  string // "" for the benchmark itself
}

func (s *checkSource) key(owner *xccdf.ComponentRef, href string) string {
	k := s.prefix + href
	if owner != nil {
		k = s.prefix + owner.ID + "#" + href
	}
	return k
}

// ovalDoc is one OVAL document, parsed and prepared once.
type ovalDoc struct {
	href string
	name string
	prep *oval.Prepared
	err  error
}

// rulePlan is what Prepare decided about one rule.
type rulePlan struct {
	rule    *xccdf.Rule
	sel     *xccdf.SelectedRule // nil: not selected
	src     *checkSource        // where the check's content resolves
	check   *xccdf.Check        // the check to run (nil with complex or none)
	complex *xccdf.ComplexCheck
	reason  string // why the rule cannot be checked automatically
	// bound is the library rule whose check automates this rule, if any.
	bound   *xccdf.Rule
	boundBy string
	// manual is the rule's own manual check, kept for its text.
	manual *xccdf.Check
}

// Prepare resolves everything about a benchmark that does not depend on the
// target: which rules run, which check each uses, and the parsed, compiled
// OVAL documents. Content problems do not fail Prepare; they become error
// results on the rules they touch.
func Prepare(ctx context.Context, content *xccdf.Content, sel *xccdf.Selection, opts Options) (*Benchmark, error) {
	if content == nil || content.Benchmark == nil || sel == nil {
		return nil, fmt.Errorf("engine: prepare: no benchmark")
	}
	b := &Benchmark{content: content, sel: sel, opts: opts, log: opts.Logger, now: opts.Now, ovals: map[string]*ovalDoc{}}
	if b.log == nil {
		b.log = slog.New(slog.DiscardHandler)
	}
	if b.now == nil {
		b.now = time.Now
	}
	b.main = &checkSource{content: content, values: sel.Values}
	lib, err := newLibrary(opts.Library, opts.LibraryValues)
	if err != nil {
		return nil, err
	}
	selected := map[string]*xccdf.SelectedRule{}
	for _, sr := range sel.Rules {
		selected[sr.ID] = sr
	}
	for _, r := range content.Benchmark.Rules {
		p := &rulePlan{rule: r, sel: selected[r.ID], src: b.main}
		b.plans = append(b.plans, p)
		if p.sel == nil {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("engine: prepare: %w", err)
		}
		if r.ComplexCheck != nil {
			p.complex = r.ComplexCheck
			b.needComplex(p.src, r.ComplexCheck)
			continue
		}
		p.check, p.reason = chooseCheck(r.Checks, p.sel.Selector)
		if p.reason != "" && lib != nil {
			if lr, src, by := lib.match(r); lr != nil {
				if c, reason := chooseCheck(lr.Checks, ""); reason == "" {
					p.manual, p.check, p.reason, p.src, p.bound, p.boundBy = p.check, c, "", src, lr, by
				}
			}
		}
		if p.check != nil && p.check.System == SystemOVAL && p.reason == "" {
			b.needOVAL(p.src, p.check)
		}
	}
	b.platforms, err = b.preparePlatforms(ctx)
	if err != nil {
		return nil, err
	}
	return b, nil
}

// Selection returns the profile selection the benchmark was prepared with.
func (b *Benchmark) Selection() *xccdf.Selection { return b.sel }

// Content returns the content the benchmark came from.
func (b *Benchmark) Content() *xccdf.Content { return b.content }

// chooseCheck picks the check to run: those with the refined selector (else
// the default, unselected ones), the first in a system stigscan evaluates.
func chooseCheck(checks []xccdf.Check, selector string) (*xccdf.Check, string) {
	var cands []*xccdf.Check
	for i := range checks {
		if checks[i].Selector == selector {
			cands = append(cands, &checks[i])
		}
	}
	if len(cands) == 0 {
		for i := range checks {
			if checks[i].Selector == "" {
				cands = append(cands, &checks[i])
			}
		}
	}
	if len(cands) == 0 {
		return nil, "the rule has no check"
	}
	var systems []string
	for _, c := range cands {
		if c.System == SystemOVAL {
			return c, ""
		}
		systems = append(systems, c.System)
	}
	// A manual check: keep it so its text is carried into the results.
	return cands[0], fmt.Sprintf("no automated check in a supported system (have: %s)", strings.Join(systems, ", "))
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
	d.prep, d.err = oval.Prepare(defs, oval.Options{Probes: b.probes(), Logger: b.log, Now: b.now, Limits: b.opts.Limits})
	for _, p := range d.prep.Problems() {
		b.log.Debug("oval content problem", "href", href, "problem", p)
	}
	return d
}

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
		if p.sel == nil || !applicable(p.rule) {
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
	tests    map[string]*oval.TestResult
	items    map[int]*oval.Item
	srcTests map[string]*oval.Test
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

// safeRule is rule, with a panic made the rule's error result: the panic
// value (bounded) in its message, the stack in the debug log only.
func (ev *evaluation) safeRule(p *rulePlan, applicable func(*xccdf.Rule) bool) (out []*RuleResult) {
	defer func() {
		if v := recover(); v != nil {
			pe := oval.Recovered(ev.b.log, "rule "+p.rule.ID, v)
			rr := &RuleResult{Rule: p.rule, Identity: p.rule.Identity(), Severity: p.rule.Severity, Weight: p.rule.Weight, Role: p.rule.Role, Time: ev.b.now(), Status: Error}
			rr.Messages = append(rr.Messages, Message{Severity: "error", Text: pe.Error()})
			out = []*RuleResult{rr}
		}
	}()
	return ev.rule(p, applicable)
}

// rule computes the result(s) of one rule.
func (ev *evaluation) rule(p *rulePlan, applicable func(*xccdf.Rule) bool) []*RuleResult {
	rr := &RuleResult{Rule: p.rule, Identity: p.rule.Identity(), Severity: p.rule.Severity, Weight: p.rule.Weight, Role: p.rule.Role, Time: ev.b.now()}
	if p.sel == nil {
		rr.Status = NotSelected
		return []*RuleResult{rr}
	}
	rr.Severity, rr.Weight, rr.Role = p.sel.Severity, p.sel.Weight, p.sel.Role
	if !applicable(p.rule) {
		rr.Status = NotApplicable
		return []*RuleResult{rr}
	}
	if p.sel.Role == "unchecked" {
		// XCCDF 1.2 §6.4.4.3: an unchecked rule is not evaluated, whatever
		// its check, and its result is notchecked.
		rr.Status = NotChecked
		rr.Messages = append(rr.Messages, Message{Severity: "info", Text: "the profile sets role=unchecked"})
		if p.check != nil {
			rr.Check = ev.outcome(p.src, p.check)
		}
		return []*RuleResult{rr}
	}
	if p.complex != nil {
		rr.Status = ev.complex(p.src, p.complex, rr)
		if p.sel.Role == "unscored" && (rr.Status == Pass || rr.Status == Fail) {
			rr.Status = Informational
		}
		return []*RuleResult{rr}
	}
	if p.check == nil {
		rr.Status = NotChecked
		rr.Messages = append(rr.Messages, Message{Severity: "info", Text: p.reason})
		return []*RuleResult{rr}
	}
	rr.Check = ev.outcome(p.src, p.check)
	if p.bound != nil {
		rr.BoundTo = p.bound
		rr.Messages = append(rr.Messages, Message{Severity: "info", Text: fmt.Sprintf("automated by stigscan check %s (matched by %s; written against %s)", p.bound.ID, p.boundBy, p.src.content.Benchmark.Title+" "+p.src.content.Benchmark.ReleaseInfo)})
		if p.manual != nil {
			rr.Check.Content = p.manual.Content
		}
	}
	if p.reason != "" {
		rr.Status = NotChecked
		rr.Messages = append(rr.Messages, Message{Severity: "info", Text: p.reason})
		return []*RuleResult{rr}
	}
	if p.check.MultiCheck && ev.unnamed(p.src, p.check) {
		return ev.multi(p, rr)
	}
	rr.Status = ev.ovalCheck(p.src, p.check, rr)
	if p.sel.Role == "unscored" && (rr.Status == Pass || rr.Status == Fail) {
		rr.Status = Informational
	}
	return []*RuleResult{rr}
}

func (ev *evaluation) outcome(src *checkSource, c *xccdf.Check) *CheckOutcome {
	co := &CheckOutcome{System: c.System, Negate: c.Negate, Selector: c.Selector, Content: c.Content}
	if len(c.ContentRefs) > 0 {
		ref := c.ContentRefs[0]
		if r, _, ok := ev.pickRef(src, c); ok {
			ref = r
		}
		co.Href, co.Name = ref.Href, ref.Name
	}
	for _, ex := range c.Exports {
		co.Exports = append(co.Exports, ExportValue{ValueID: ex.ValueID, ExportName: ex.ExportName, Value: src.values[ex.ValueID]})
	}
	return co
}

func (ev *evaluation) unnamed(src *checkSource, c *xccdf.Check) bool {
	ref, _, ok := ev.pickRef(src, c)
	return ok && ref.Name == ""
}

// ovalCheck decides one OVAL check.
func (ev *evaluation) ovalCheck(src *checkSource, c *xccdf.Check, rr *RuleResult) Status {
	ref, key, ok := ev.pickRef(src, c)
	if !ok {
		msg := "no OVAL document could be read for this check"
		for _, cr := range c.ContentRefs {
			if d := ev.b.ovals[src.key(nil, cr.Href)]; d != nil && d.err != nil {
				msg = d.err.Error()
				break
			}
		}
		rr.Messages = append(rr.Messages, Message{Severity: "error", Text: msg})
		return Error
	}
	run := ev.runs[key]
	if run == nil || run.results == nil {
		text := "the OVAL document was not evaluated"
		if run != nil && run.err != nil {
			text = run.err.Error()
		}
		rr.Messages = append(rr.Messages, Message{Severity: "error", Text: text})
		return Error
	}
	var st Status
	if ref.Name == "" {
		// All definitions of the document, combined with AND.
		var parts []Status
		for _, d := range run.results.Definitions {
			parts = append(parts, ev.mapDefinition(run, d.ID, rr))
		}
		st = combine("AND", parts)
	} else {
		st = ev.mapDefinition(run, ref.Name, rr)
	}
	return negateStatus(st, c.Negate)
}

// mapDefinition turns an OVAL definition result into an XCCDF status.
func (ev *evaluation) mapDefinition(run *ovalRun, id string, rr *RuleResult) Status {
	d := run.results.Definition(id)
	if d == nil {
		rr.Messages = append(rr.Messages, Message{Severity: "error", Text: fmt.Sprintf("OVAL definition %s is not in %s", id, run.doc.name)})
		return Error
	}
	for _, m := range d.Messages {
		rr.Messages = append(rr.Messages, Message{Severity: strings.ToLower(m.Level), Text: m.Text})
	}
	rr.Evidence = append(rr.Evidence, run.evidence(id)...)
	if d.Result == oval.Error || d.Result == oval.Unknown || d.Result == oval.NotEvaluated {
		rr.Messages = append(rr.Messages, run.why(d)...)
	}
	inverted := d.Class == "vulnerability" || d.Class == "patch"
	switch d.Result {
	case oval.True:
		if inverted {
			return Fail
		}
		return Pass
	case oval.False:
		if inverted {
			return Pass
		}
		return Fail
	case oval.Error:
		return Error
	case oval.Unknown:
		return Unknown
	case oval.NotApplicable:
		return NotApplicable
	case oval.NotEvaluated:
		// OVAL leaves a loop of extend_definition "not evaluated"; to
		// XCCDF that is broken content, not a check that cannot run.
		if run.circular(d) {
			return Error
		}
	}
	return NotChecked
}

// circular reports whether d reaches a loop of extend_definition.
func (r *ovalRun) circular(d *oval.DefinitionResult) bool {
	seen := map[string]bool{}
	var walk func(d *oval.DefinitionResult) bool
	var crit func(c *oval.CriteriaResult) bool
	walk = func(d *oval.DefinitionResult) bool {
		if d == nil || seen[d.ID] {
			return false
		}
		seen[d.ID] = true
		return d.Circular || crit(d.Criteria)
	}
	crit = func(c *oval.CriteriaResult) bool {
		if c == nil || c.Result != oval.NotEvaluated {
			return false
		}
		if c.Kind == "extend_definition" && walk(r.results.Definition(c.Ref)) {
			return true
		}
		for _, ch := range c.Children {
			if crit(ch) {
				return true
			}
		}
		return false
	}
	return walk(d)
}

// multi gives one result per definition of an unnamed multi-check.
func (ev *evaluation) multi(p *rulePlan, proto *RuleResult) []*RuleResult {
	_, key, _ := ev.pickRef(p.src, p.check)
	run := ev.runs[key]
	if run == nil || run.results == nil {
		proto.Status = ev.ovalCheck(p.src, p.check, proto)
		return []*RuleResult{proto}
	}
	var out []*RuleResult
	for _, d := range run.results.Definitions {
		rr := *proto
		rr.Messages = nil
		co := *proto.Check
		co.Name = d.ID
		rr.Check = &co
		rr.Instance = d.ID
		rr.Status = negateStatus(ev.mapDefinition(run, d.ID, &rr), p.check.Negate)
		out = append(out, &rr)
	}
	if len(out) == 0 {
		proto.Status = Unknown
		proto.Messages = append(proto.Messages, Message{Severity: "warning", Text: "multi-check over an OVAL document with no definitions"})
		return []*RuleResult{proto}
	}
	return out
}

// complex evaluates a complex-check.
func (ev *evaluation) complex(src *checkSource, cc *xccdf.ComplexCheck, rr *RuleResult) Status {
	var parts []Status
	for i := range cc.Checks {
		c := &cc.Checks[i]
		if rr.Check == nil {
			rr.Check = ev.outcome(src, c)
		}
		if c.System != SystemOVAL {
			parts = append(parts, NotChecked)
			continue
		}
		parts = append(parts, ev.ovalCheck(src, c, rr))
	}
	for _, sub := range cc.Complex {
		parts = append(parts, ev.complex(src, sub, rr))
	}
	return negateStatus(combine(cc.Operator, parts), cc.Negate)
}

func negateStatus(s Status, neg bool) Status {
	if !neg {
		return s
	}
	switch s {
	case Pass:
		return Fail
	case Fail:
		return Pass
	}
	return s
}

// combine applies an XCCDF complex-check operator. Results that carry no
// truth value (notapplicable, notchecked, informational, notselected) do
// not take part.
func combine(op string, parts []Status) Status {
	var pass, fail, errs, unknown, other int
	for _, s := range parts {
		switch s {
		case Pass, Fixed:
			pass++
		case Fail:
			fail++
		case Error:
			errs++
		case Unknown:
			unknown++
		default:
			other++
		}
	}
	if pass+fail+errs+unknown == 0 {
		if other > 0 {
			return parts[0]
		}
		return Unknown
	}
	if strings.EqualFold(op, "OR") {
		switch {
		case pass > 0:
			return Pass
		case errs > 0:
			return Error
		case unknown > 0:
			return Unknown
		}
		return Fail
	}
	switch {
	case fail > 0:
		return Fail
	case errs > 0:
		return Error
	case unknown > 0:
		return Unknown
	}
	return Pass
}

// score computes the XCCDF default scoring model over the benchmark tree.
func score(b *xccdf.Benchmark, rules []*RuleResult) (float64, float64) {
	// A multi-check rule scores once, as the AND of its instances.
	byRule := map[*xccdf.Rule]*RuleResult{}
	for _, rr := range rules {
		if prev, ok := byRule[rr.Rule]; ok {
			merged := *prev
			merged.Status = combine("AND", []Status{prev.Status, rr.Status})
			byRule[rr.Rule] = &merged
			continue
		}
		byRule[rr.Rule] = rr
	}
	var walk func(items []xccdf.Item) (float64, float64, int)
	walk = func(items []xccdf.Item) (sum, weights float64, count int) {
		for _, it := range items {
			switch v := it.(type) {
			case *xccdf.Rule:
				rr := byRule[v]
				if rr == nil {
					continue
				}
				switch rr.Status {
				case Pass, Fixed:
					sum += 100 * rr.Weight
				case Fail, Error, Unknown:
				default:
					continue
				}
				weights += rr.Weight
				count++
			case *xccdf.Group:
				s, w, c := walk(v.Items)
				if c == 0 || w == 0 {
					continue
				}
				sum += (s / w) * v.Weight
				weights += v.Weight
				count++
			}
		}
		return sum, weights, count
	}
	s, w, _ := walk(b.Items)
	if w == 0 {
		return 0, 100
	}
	return s / w, 100
}

// why collects the messages of the tests under a definition that did not
// give a true or false answer, so an error result says what went wrong.
func (r *ovalRun) why(d *oval.DefinitionResult) []Message {
	if r.tests == nil {
		r.tests = make(map[string]*oval.TestResult, len(r.results.Tests))
		for _, t := range r.results.Tests {
			r.tests[t.ID] = t
		}
	}
	var out []Message
	seen := map[string]bool{}
	var walk func(c *oval.CriteriaResult, depth int)
	walk = func(c *oval.CriteriaResult, depth int) {
		if c == nil || depth > 64 || c.Result == oval.True || c.Result == oval.False {
			return
		}
		switch c.Kind {
		case "criterion":
			if t := r.tests[c.Ref]; t != nil {
				for _, m := range t.Messages {
					if !seen[m.Text] {
						seen[m.Text] = true
						out = append(out, Message{Severity: strings.ToLower(m.Level), Text: m.Text})
					}
				}
			}
		case "extend_definition":
			if sub := r.results.Definition(c.Ref); sub != nil {
				for _, m := range sub.Messages {
					if !seen[m.Text] {
						seen[m.Text] = true
						out = append(out, Message{Severity: strings.ToLower(m.Level), Text: m.Text})
					}
				}
				walk(sub.Criteria, depth+1)
			}
		}
		for _, ch := range c.Children {
			walk(ch, depth+1)
		}
	}
	walk(d.Criteria, 0)
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
