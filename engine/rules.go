package engine

import (
	"fmt"
	"strings"

	"github.com/stigscan/stigscan/oval"
	"github.com/stigscan/stigscan/xccdf"
)

// safeRule is rule, with a panic made the rule's error result: the panic
// value (bounded) in its message, the stack in the debug log only.
func (ev *evaluation) safeRule(p *rulePlan, applicable func(*xccdf.Rule) applies) (out []*RuleResult) {
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
func (ev *evaluation) rule(p *rulePlan, applicable func(*xccdf.Rule) applies) []*RuleResult {
	rr := &RuleResult{Rule: p.rule, Identity: p.rule.Identity(), Severity: p.rule.Severity, Weight: p.rule.Weight, Role: p.rule.Role, Time: ev.b.now()}
	if p.sel == nil {
		rr.Status = NotSelected
		return []*RuleResult{rr}
	}
	rr.Severity, rr.Weight, rr.Role = p.sel.Severity, p.sel.Weight, p.sel.Role
	switch a := applicable(p.rule); {
	case a.undecided():
		// A platform whose check could not be evaluated has not been shown
		// not to match: XCCDF 1.2 keeps notapplicable for a rule whose
		// platforms do not match the target, and the CPE applicability
		// language gives such a check ERROR, not FALSE. So
		// the rule is an error naming the platform and the reason, as any
		// check that could not be completed is, and its check is not run:
		// a pass or fail on a target it may not apply to would mislead.
		rr.Status = Error
		for _, why := range sortedUnique(a.unknown) {
			rr.Messages = append(rr.Messages, Message{Severity: "error", Text: "whether the rule applies is not known: " + why})
		}
		return []*RuleResult{rr}
	case !a.yes:
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
	rr.Messages = append(rr.Messages, warningMessages(p)...)
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

// maxWarning bounds the text of one rule warning carried into a result.
const maxWarning = 2000

// warningMessages carries the warnings of the rule whose check decides the
// result (the bound built-in rule, else the rule itself) into the result
// as info messages: for stigscan's own partly automated checks they say
// what is left to a reviewer, which the checklists and reports must show
// even when DISA's rule text is the one displayed.
func warningMessages(p *rulePlan) []Message {
	decider := p.rule
	if p.bound != nil {
		decider = p.bound
	}
	var out []Message
	for _, w := range decider.Warnings {
		text := shorten(w.Text.Plain(), maxWarning)
		if text == "" {
			continue
		}
		if w.Category != "general" {
			text = w.Category + ": " + text
		}
		out = append(out, Message{Severity: "info", Text: text})
	}
	return out
}
