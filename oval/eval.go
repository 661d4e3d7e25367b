package oval

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/stigscan/stigscan/collectors/host"
)

// run is the state of one Evaluate call: memoized results of definitions,
// tests, objects and variables for one host. It is used by one goroutine.
type run struct {
	ctx      context.Context
	p        *Prepared
	h        host.Host
	ext      ExternalVars
	defRes   map[string]*DefinitionResult
	defBusy  map[string]bool
	testRes  map[string]*TestResult
	objs     map[string]*collected
	objBusy  map[string]bool
	vars     map[string]*varResult
	varBusy  map[string]bool
	items    []*Item
	itemKeys map[string]*Item
	files    map[string]fileRead
	dirs     map[string]dirRead
	facts    map[string]any // per-run cache of host fact gatherers
	order    []string       // definitions in evaluation order
	sawDNE   bool           // a variable being computed read a nonexistent object
	limits   Limits         // with defaults filled
	regex    *regexBudget
	cached   int64 // bytes of file content in files
}

type collected struct {
	co          *CollectedObject
	items       []*Item
	unsupported bool
}

type dirRead struct {
	entries []host.FileInfo
	err     error
}

type fileRead struct {
	data []byte
	err  error
}

func newRun(ctx context.Context, p *Prepared, h host.Host, ext ExternalVars) *run {
	return &run{
		ctx: ctx, p: p, h: h, ext: ext, limits: p.limits,
		regex:  &regexBudget{perObject: p.limits.RegexPerObject, perRun: p.limits.RegexPerRun},
		defRes: map[string]*DefinitionResult{}, defBusy: map[string]bool{},
		testRes: map[string]*TestResult{}, objs: map[string]*collected{}, objBusy: map[string]bool{},
		vars: map[string]*varResult{}, varBusy: map[string]bool{},
		itemKeys: map[string]*Item{}, files: map[string]fileRead{}, dirs: map[string]dirRead{}, facts: map[string]any{},
	}
}

func msg(format string, a ...any) Message {
	return Message{Level: "error", Text: fmt.Sprintf(format, a...)}
}

// definition evaluates one definition, memoized.
func (r *run) definition(id string) *DefinitionResult {
	if dr, ok := r.defRes[id]; ok {
		return dr
	}
	d := r.p.defByID[id]
	if d == nil {
		dr := &DefinitionResult{ID: id, Result: Error, Messages: []Message{msg("unknown definition %s", id)}}
		return dr
	}
	if r.defBusy[id] {
		// A loop of extend_definition has no answer: "not evaluated", as
		// the reference interpreter says, with the loop named on the
		// definition that closes it (see criteria).
		return &DefinitionResult{ID: id, Version: d.Version, Class: d.Class, Result: NotEvaluated, Messages: []Message{msg("circular extend_definition through %s", id)}}
	}
	r.defBusy[id] = true
	dr := &DefinitionResult{ID: id, Version: d.Version, Class: d.Class}
	func() {
		defer delete(r.defBusy, id)
		defer func() {
			// A panic in evaluating the definition (a probe's is its
			// object's error already) is this definition's error.
			if v := recover(); v != nil {
				dr.Criteria, dr.Result = nil, Error
				dr.Messages = append(dr.Messages, msg("%v", r.recovered("definition "+id, v)))
			}
		}()
		if d.Criteria == nil {
			dr.Result = NotEvaluated
		} else {
			dr.Criteria = r.criteria(d.Criteria, dr)
			dr.Result = dr.Criteria.Result
		}
	}()
	r.defRes[id] = dr
	r.order = append(r.order, id)
	return dr
}

// criteria evaluates a criteria block of the definition dr is the result
// of; problems found on the way (a loop of extend_definition) are added to
// dr's messages.
func (r *run) criteria(c *Criteria, dr *DefinitionResult) *CriteriaResult {
	cr := &CriteriaResult{Kind: "criteria", Operator: c.Operator, Negate: c.Negate, ApplicabilityCheck: c.ApplicabilityCheck}
	var rs []Result
	for _, n := range c.Children {
		var ch *CriteriaResult
		switch n := n.(type) {
		case *Criteria:
			ch = r.criteria(n, dr)
		case *Criterion:
			ch = &CriteriaResult{Kind: "criterion", Negate: n.Negate, ApplicabilityCheck: n.ApplicabilityCheck, Ref: n.TestRef}
			tr := r.test(n.TestRef)
			ch.Version = tr.Version
			ch.Result = negate(tr.Result, n.Negate)
		case *ExtendDefinition:
			ch = &CriteriaResult{Kind: "extend_definition", Negate: n.Negate, ApplicabilityCheck: n.ApplicabilityCheck, Ref: n.DefinitionRef}
			if r.defBusy[n.DefinitionRef] {
				dr.Circular = true
				dr.Messages = append(dr.Messages, msg("circular extend_definition: %s extends %s, which is already being evaluated", dr.ID, n.DefinitionRef))
			}
			sub := r.definition(n.DefinitionRef)
			ch.Version = sub.Version
			ch.Result = negate(sub.Result, n.Negate)
		}
		cr.Children = append(cr.Children, ch)
		rs = append(rs, ch.Result)
	}
	cr.Result = negate(combine(c.Operator, rs), c.Negate)
	return cr
}

// test evaluates one test, memoized. A missing test gives an error result.
func (r *run) test(id string) *TestResult {
	if tr, ok := r.testRes[id]; ok {
		return tr
	}
	tr := r.evalTest(id)
	r.testRes[id] = tr
	return tr
}

func (r *run) evalTest(id string) *TestResult {
	t := r.p.tstByID[id]
	if t == nil {
		return &TestResult{ID: id, Result: Error, Messages: []Message{msg("unknown test %s", id)}}
	}
	tr := &TestResult{ID: id, Version: t.Version, Check: t.Check, CheckExistence: t.CheckExistence, StateOperator: t.StateOperator}
	if t.Type == "unknown_test" {
		tr.Result = Unknown
		return tr
	}
	if !r.p.familySupported(t.Family) {
		tr.Result = NotEvaluated
		tr.Messages = append(tr.Messages, msg("%s: %s family is not supported", id, t.Family))
		return tr
	}
	c := r.object(t.ObjectRef)
	r.maskStates(t, c.items)
	tr.Variables = c.co.Variables
	for _, it := range c.items {
		tr.Items = append(tr.Items, TestedItem{ItemID: it.ID, Result: NotEvaluated})
	}
	switch c.co.Flag {
	case FlagError:
		tr.Result = Error
		tr.Messages = append(tr.Messages, c.co.Messages...)
		return tr
	case FlagNotCollected:
		tr.Result = Unknown
		if c.unsupported {
			tr.Result = NotEvaluated
		}
		tr.Messages = append(tr.Messages, c.co.Messages...)
		return tr
	case FlagNotApplicable:
		tr.Result = NotApplicable
		tr.Messages = append(tr.Messages, c.co.Messages...)
		return tr
	}
	check, checkExistence := t.Check, t.CheckExistence
	if check == "none exist" {
		check, checkExistence = "none satisfy", "none_exist"
	}
	tr.Result = r.testOutcome(t, c, check, checkExistence, tr)
	return tr
}

// testOutcome applies the object flag, check_existence, the states and
// check, with the reference interpreter's table for each flag.
func (r *run) testOutcome(t *Test, c *collected, check, checkExistence string, tr *TestResult) Result {
	hasState := len(t.StateRefs) > 0
	statuses := make([]string, len(c.items))
	for i, it := range c.items {
		statuses[i] = it.Status
	}
	exists, errs := countStatuses(statuses)
	switch c.co.Flag {
	case FlagError, FlagNotCollected, FlagNotApplicable:
		if checkExistence == "any_exist" && !hasState {
			return True
		}
		tr.Messages = append(tr.Messages, c.co.Messages...)
		switch {
		case c.co.Flag == FlagError:
			return Error
		case c.co.Flag == FlagNotApplicable:
			return NotApplicable
		case c.unsupported:
			return NotEvaluated
		}
		return Unknown
	case FlagDoesNotExist:
		if checkExistence == "none_exist" || checkExistence == "any_exist" {
			return True
		}
		return False
	case FlagIncomplete:
		var res Result
		switch {
		case checkExistence == "any_exist":
			res = True
		case checkExistence == "at_least_one_exists" && exists > 0:
			res = True
		case checkExistence == "none_exist" && exists > 0:
			res = False
		case checkExistence == "only_one_exists" && exists > 1:
			res = False
		default:
			res = Unknown
		}
		if res == True && hasState {
			res = r.checkStates(t, c, check, tr)
			if res == True && check != "at least one" {
				res = Unknown
			} else if res != False && res != True {
				res = Unknown
			}
		}
		return res
	}
	res := existence(checkExistence, exists, errs)
	if res == True && hasState {
		res = r.checkStates(t, c, check, tr)
	}
	return res
}

// checkStates compares every item with the test's states.
func (r *run) checkStates(t *Test, c *collected, check string, tr *TestResult) Result {
	defer r.regex.leave(r.regex.enter())
	irs := make([]Result, 0, len(c.items))
	for i, it := range c.items {
		var ir Result
		switch it.Status {
		case statusExists, "":
			var srs []Result
			for _, sref := range t.StateRefs {
				sr, m := r.evalState(sref, it)
				if m != "" {
					tr.Messages = append(tr.Messages, msg("%s", m))
				}
				srs = append(srs, sr)
			}
			ir = combine(t.StateOperator, srs)
		case statusDoesNotExist:
			ir = False
		default:
			ir = Error
		}
		tr.Items[i].Result = ir
		irs = append(irs, ir)
	}
	return combine(check, irs)
}

// evalState compares an item with a state. The string is a message for an
// error result.
func (r *run) evalState(id string, it *Item) (Result, string) {
	s := r.p.steByID[id]
	if s == nil {
		return Error, "unknown state " + id
	}
	var rs []Result
	var msgs []string
	for _, e := range s.Entities {
		res, err := r.evalEntity(id, e, stateFields(s, e, it), it.Fields)
		if err != nil {
			msgs = append(msgs, fmt.Sprintf("%s: %s: %v", id, e.Name, err))
		}
		rs = append(rs, res)
	}
	return combine(s.Operator, rs), strings.Join(msgs, "; ")
}

// stateFields returns the fields of it that entity e of state s is
// compared with: those named like it, except that the deprecated line
// entity of a textfilecontent_state means the matched text (the item's
// line holds the object's pattern).
func stateFields(s *State, e *Entity, it *Item) []*Field {
	if e.Name == "line" && s.Type == "textfilecontent_state" {
		if text := it.field("text"); len(text) > 0 {
			return text
		}
	}
	return it.field(e.Name)
}

// maskAll marks fields as not to be written.
func maskAll(fields []*Field) {
	for _, f := range fields {
		f.Mask = true
	}
}

// evalEntity compares the fields of an item named like a state entity.
// all is every field of the item: as in the reference interpreter, the
// entity's check_existence counts them all.
func (r *run) evalEntity(stateID string, e *Entity, fields, all []*Field) (Result, error) {
	exists, errs := 0, 0
	for _, f := range all {
		switch f.Status {
		case statusExists, "":
			exists++
		case statusError:
			errs++
		}
	}
	if ex := existence(e.CheckExistence, exists, errs); ex != True {
		return ex, nil
	}
	values, datatype, err := r.entityValues(e)
	if err != nil {
		return Error, err
	}
	var firstErr error
	var frs []Result
	for _, f := range fields {
		var vr []Result
		if e.Datatype == "record" {
			vr = append(vr, r.evalRecord(stateID, e, f))
		} else {
			for _, v := range values {
				res, err := r.compareEntity(e, datatype, f, v)
				if err != nil && firstErr == nil {
					firstErr = err
				}
				vr = append(vr, res)
			}
		}
		varCheck := e.VarCheck
		if varCheck == "" {
			varCheck = "all"
		}
		frs = append(frs, combine(varCheck, vr))
	}
	return combine(e.EntityCheck, frs), firstErr
}

// evalRecord compares one record (a row of a sql57 result) with a state's
// record entity. Unlike item entities, a field's check_existence counts
// only the record's fields of that name, and a field with status "does not
// exist" (a NULL) takes part in existence only, never in comparisons.
func (r *run) evalRecord(stateID string, e *Entity, f *Field) Result {
	it := &Item{Fields: f.Fields}
	var rs []Result
	for _, fe := range e.Fields {
		named := it.field(fe.Name)
		present := make([]*Field, 0, len(named))
		for _, nf := range named {
			if nf.Status == "" || nf.Status == statusExists {
				present = append(present, nf)
			}
		}
		if len(present) == 0 {
			statuses := make([]string, 0, len(named))
			for _, nf := range named {
				statuses = append(statuses, nf.Status)
			}
			exists, errs := countStatuses(statuses)
			rs = append(rs, existence(fe.CheckExistence, exists, errs))
			continue
		}
		res, _ := r.evalEntity(stateID, fe, present, named)
		rs = append(rs, res)
	}
	return combine("AND", rs)
}

// entityValues returns the content values of an entity and their
// datatype: its text, or the values of the variable it refers to (compared
// with the variable's datatype, as the reference interpreter does).
func (r *run) entityValues(e *Entity) ([]string, string, error) {
	if e.VarRef == "" {
		return []string{e.Value}, e.Datatype, nil
	}
	vr := r.variable(e.VarRef)
	if vr.err != nil {
		return nil, "", vr.err
	}
	if len(vr.values) == 0 {
		return nil, "", fmt.Errorf("variable %s has no value", e.VarRef)
	}
	dt := e.Datatype
	if v := r.p.varByID[e.VarRef]; v != nil && v.Datatype != "" {
		dt = v.Datatype
	}
	return vr.values, dt, nil
}

func (r *run) compareEntity(e *Entity, datatype string, f *Field, want string) (Result, error) {
	var pat *pattern
	if e.Operation == opPattern {
		if err := r.p.badPatterns[e]; err != nil {
			return Error, err
		}
		pat = r.p.patterns[e]
		if pat == nil || e.VarRef != "" {
			var err error
			if pat, err = r.p.cache.get(want, ""); err != nil {
				return Error, err
			}
		}
	}
	if f.Nil && e.Nil {
		return True, nil
	}
	if f.withheld {
		return Error, fmt.Errorf("%s was masked in the system characteristics: its value is not there to compare", f.Name)
	}
	res, err := compareValues(r.regex, e.Operation, datatype, f.Value, want, pat)
	if err != nil && f.Mask {
		// compareValues quotes the value it could not read; a masked
		// one must not reach a message.
		err = fmt.Errorf("the masked %s value cannot be compared as %s with %q", f.Name, orDefault(datatype, "string"), e.Operation)
	}
	return res, err
}

// addItem records an item in the run, giving it an id; identical items
// share one id.
func (r *run) addItem(it *Item) *Item {
	var b strings.Builder
	b.WriteString(it.Family)
	b.WriteByte(0)
	b.WriteString(it.Type)
	b.WriteByte(0)
	b.WriteString(it.Status)
	writeFieldsKey(&b, it.Fields)
	key := b.String()
	if old, ok := r.itemKeys[key]; ok {
		return old
	}
	it.ID = len(r.items) + 1
	r.items = append(r.items, it)
	r.itemKeys[key] = it
	return it
}

func writeFieldsKey(b *strings.Builder, fs []*Field) {
	for _, f := range fs {
		b.WriteByte(1)
		b.WriteString(f.Name)
		b.WriteByte(0)
		b.WriteString(f.Datatype)
		b.WriteByte(0)
		b.WriteString(f.Status)
		b.WriteByte(0)
		b.WriteString(strconv.FormatBool(f.Nil))
		b.WriteByte(0)
		b.WriteString(f.Value)
		if len(f.Fields) > 0 {
			b.WriteByte(2)
			writeFieldsKey(b, f.Fields)
			b.WriteByte(3)
		}
	}
}

// results assembles the sorted results of the run.
func (r *run) results() *Results {
	res := &Results{Generator: r.p.defs.Generator, Time: r.p.now(), source: r.p.defs, defIndex: map[string]*DefinitionResult{}, Items: r.items}
	for _, dr := range r.defRes {
		res.Definitions = append(res.Definitions, dr)
		res.defIndex[dr.ID] = dr
	}
	for _, tr := range r.testRes {
		res.Tests = append(res.Tests, tr)
	}
	for _, c := range r.objs {
		res.Objects = append(res.Objects, c.co)
	}
	slices.SortFunc(res.Definitions, func(a, b *DefinitionResult) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(res.Tests, func(a, b *TestResult) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(res.Objects, func(a, b *CollectedObject) int { return strings.Compare(a.ID, b.ID) })
	res.SystemInfo = r.systemInfo()
	return res
}

// flagFromErr maps a probe error onto an object flag.
func flagFromErr(err error) string {
	if errors.Is(err, ErrNotApplicable) {
		return FlagNotApplicable
	}
	if errors.Is(err, host.ErrNotCollected) {
		return FlagNotCollected
	}
	return FlagError
}

// maskStates marks the item fields that a state of t masks (mask="true"),
// whether or not the state ends up compared, so they are not written.
func (r *run) maskStates(t *Test, items []*Item) {
	for _, id := range t.StateRefs {
		s := r.p.steByID[id]
		if s == nil {
			continue
		}
		for _, e := range s.Entities {
			if !e.Mask {
				continue
			}
			for _, it := range items {
				maskAll(it.field(e.Name))
				maskAll(stateFields(s, e, it))
			}
		}
	}
}
