package oval

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/stigscan/stigscan/collectors/host"
)

// Query is what a probe receives: the object, its entities with variable
// values resolved, and the host. Its methods cache file reads for the run.
type Query struct {
	Host   host.Host
	Object *Object
	run    *run
	ents   map[string]*QueryEntity
	notes  []Message
	// fileErr is the first file error that is not "does not exist".
	fileErr error
}

// Note records a message for the collected object.
func (q *Query) Note(level, text string) {
	q.notes = append(q.notes, Message{Level: level, Text: text})
}

// QueryEntity is an object entity with its values resolved.
type QueryEntity struct {
	*Entity
	Values []string
	pats   []*pattern
	regex  *regexBudget // the run's
}

// Entity returns the named object entity, or nil when the object has none.
func (q *Query) Entity(name string) *QueryEntity { return q.ents[name] }

// Behavior returns a behaviors attribute, or def when absent.
func (q *Query) Behavior(name, def string) string {
	if v, ok := q.Object.Behaviors[name]; ok && v != "" {
		return v
	}
	return def
}

// ReadFile reads a file from the host once per run, at most the run's
// MaxFileBytes of it: a larger file is an error matching host.ErrTooLarge
// that names the path and the cap. What was read is kept for the run while
// the kept content stays within MaxCachedFileBytes; past that, files are
// read again when asked for again.
func (q *Query) ReadFile(ctx context.Context, path string) ([]byte, error) {
	r := q.run
	if fr, ok := r.files[path]; ok {
		return fr.data, fr.err
	}
	data, err := host.ReadFileLimit(ctx, q.Host, path, r.limits.MaxFileBytes)
	if err == nil && int64(len(data)) > r.limits.MaxFileBytes {
		// A host that ignores the cap it was asked for.
		data, err = nil, &host.TooLargeError{Path: path, Limit: r.limits.MaxFileBytes}
	}
	if r.cached+int64(len(data)) <= r.limits.MaxCachedFileBytes {
		r.cached += int64(len(data))
		r.files[path] = fileRead{data, err}
	}
	return data, err
}

// TooMany fails with an error naming the per-object item cap once n items
// are more than it: probes that build items in a loop check as they go, so
// an object matching millions of lines stops at the cap instead of
// building them all first.
func (q *Query) TooMany(n int) error {
	if n > q.run.limits.MaxItems {
		return tooManyItems(q.run.limits.MaxItems)
	}
	return nil
}

// MaxItems is the per-object item cap.
func (q *Query) MaxItems() int { return q.run.limits.MaxItems }

// Equals returns the literal values when the entity selects by equality,
// so a probe can look them up directly instead of enumerating.
func (e *QueryEntity) Equals() ([]string, bool) {
	if e == nil || e.Operation != opEquals || e.Nil {
		return nil, false
	}
	return e.Values, true
}

// Match reports whether a system value satisfies the entity. A nil entity
// matches everything.
func (e *QueryEntity) Match(v string) (bool, error) {
	if e == nil {
		return true, nil
	}
	varCheck := e.VarCheck
	if varCheck == "" {
		varCheck = "at least one"
		if e.VarRef == "" {
			varCheck = "all"
		}
	}
	rs := make([]Result, 0, len(e.Values))
	for i, want := range e.Values {
		var pat *pattern
		if e.Operation == opPattern {
			pat = e.pats[i]
		}
		dt := e.Datatype
		res, err := compareValues(e.regex, e.Operation, dt, v, want, pat)
		if err != nil {
			return false, fmt.Errorf("%s: %w", e.Name, err)
		}
		rs = append(rs, res)
	}
	switch combine(varCheck, rs) {
	case True:
		return true, nil
	case Error:
		return false, fmt.Errorf("%s: cannot compare %s", e.Name, quote(v))
	}
	return false, nil
}

// MatchItem reports whether every non-nil entity of the object matches the
// item's fields of the same name (any of them, for multi-valued fields).
func (q *Query) MatchItem(it *Item, skip ...string) (bool, error) {
	for name, e := range q.ents {
		if e.Nil || slices.Contains(skip, name) {
			continue
		}
		fs := it.field(name)
		if len(fs) == 0 {
			return false, nil
		}
		any := false
		for _, f := range fs {
			ok, err := e.Match(f.Value)
			if err != nil {
				return false, err
			}
			if ok {
				any = true
				break
			}
		}
		if !any {
			return false, nil
		}
	}
	return true, nil
}

// object collects one object, memoized for the run.
func (r *run) object(id string) *collected {
	if c, ok := r.objs[id]; ok {
		return c
	}
	o := r.p.objByID[id]
	if o == nil {
		return &collected{co: &CollectedObject{ID: id, Flag: FlagError, Messages: []Message{msg("unknown object %s", id)}}}
	}
	if r.objBusy[id] {
		return &collected{co: &CollectedObject{ID: id, Version: o.Version, Flag: FlagError, Messages: []Message{msg("object %s refers to itself through a set", id)}}}
	}
	c := r.collectOnce(id, o)
	for _, e := range o.Entities {
		if !e.Mask {
			continue
		}
		for _, it := range c.items {
			maskAll(it.field(e.Name))
		}
	}
	c.co.ID, c.co.Version, c.co.Comment = o.ID, o.Version, o.Comment
	for _, it := range c.items {
		c.co.ItemIDs = append(c.co.ItemIDs, it.ID)
	}
	r.objs[id] = c
	return c
}

// collectOnce collects o with its own regex budget, marked busy (a set
// that refers back to it is an error) until it returns or panics.
func (r *run) collectOnce(id string, o *Object) *collected {
	r.objBusy[id] = true
	defer delete(r.objBusy, id)
	defer r.regex.leave(r.regex.enter())
	t0 := time.Now()
	c := r.collect(o)
	if d := time.Since(t0); d > 200*time.Millisecond {
		r.p.log.Debug("slow object", "id", id, "took", d)
	}
	return c
}

func (r *run) collect(o *Object) *collected {
	if sc := r.p.opts.SystemCharacteristics; sc != nil {
		return r.replay(sc, o)
	}
	if o.Set != nil {
		items, flag, msgs := r.collectSet(o.Set)
		return &collected{co: &CollectedObject{Flag: flag, Messages: msgs}, items: items}
	}
	if !r.p.familySupported(o.Family) {
		return &collected{unsupported: true, co: &CollectedObject{Flag: FlagNotCollected, Messages: []Message{msg("%s: %s family is not supported", o.ID, o.Family)}}}
	}
	probe := r.p.probeFor(o)
	if probe == nil && unknownObjectType(o.Family, o.Type) {
		return &collected{co: &CollectedObject{Flag: FlagError, Messages: []Message{msg("%s: %s is no OVAL %s object type", o.ID, o.Type, o.Family)}}}
	}
	if probe == nil {
		return &collected{unsupported: true, co: &CollectedObject{Flag: FlagNotCollected, Messages: []Message{msg("%s: no probe for %s:%s", o.ID, o.Family, o.Type)}}}
	}
	q := &Query{Host: r.h, Object: o, run: r, ents: map[string]*QueryEntity{}}
	co := &CollectedObject{}
	for _, e := range o.Entities {
		qe := &QueryEntity{Entity: e, Values: []string{e.Value}, regex: r.regex}
		if e.VarRef != "" {
			vr := r.variable(e.VarRef)
			if vr.err != nil {
				co.Flag = FlagError
				co.Messages = append(co.Messages, msg("%s: %s: %v", o.ID, e.Name, vr.err))
				return &collected{co: co}
			}
			for _, v := range vr.values {
				co.Variables = append(co.Variables, VariableValue{ID: e.VarRef, Value: v})
			}
			if len(vr.values) == 0 {
				co.Flag = FlagDoesNotExist
				co.Messages = append(co.Messages, Message{Level: "info", Text: fmt.Sprintf("Referenced variable has no values (%s).", e.VarRef)})
				return &collected{co: co}
			}
			qe.Values = vr.values
		}
		if e.Operation == opPattern {
			for _, v := range qe.Values {
				var pat *pattern
				var err error
				if e.VarRef == "" {
					pat, err = r.p.patterns[e], r.p.badPatterns[e]
				} else {
					pat, err = r.p.cache.get(v, r.p.patternFlags(o))
				}
				if err != nil {
					co.Flag = FlagError
					co.Messages = append(co.Messages, msg("%s: %v", o.ID, err))
					return &collected{co: co}
				}
				qe.pats = append(qe.pats, pat)
			}
		}
		q.ents[e.Name] = qe
	}
	items, err := r.safeCollect(probe, q)
	if err == nil && len(items) > r.limits.MaxItems {
		items, err = nil, tooManyItems(r.limits.MaxItems)
	}
	co.Messages = append(co.Messages, q.notes...)
	if err != nil {
		co.Flag = flagFromErr(err)
		m := msg("%s: %v", o.ID, err)
		if co.Flag == FlagNotApplicable {
			m.Level = "info"
		}
		co.Messages = append(co.Messages, m)
		if co.Flag == FlagNotCollected || co.Flag == FlagNotApplicable {
			return &collected{co: co}
		}
	}
	items = r.applyFilters(items, o.Filters)
	out := make([]*Item, 0, len(items))
	for _, it := range items {
		out = append(out, r.addItem(it))
	}
	if co.Flag == "" {
		co.Flag = FlagComplete
		if len(out) == 0 {
			co.Flag = FlagDoesNotExist
		}
		for _, it := range out {
			if it.Status == statusError && co.Flag == FlagComplete {
				co.Flag = FlagIncomplete
			}
		}
	}
	return &collected{co: co, items: out}
}

func (r *run) applyFilters(items []*Item, filters []Filter) []*Item {
	if len(filters) == 0 {
		return items
	}
	var out []*Item
	for _, it := range items {
		keep := true
		for _, f := range filters {
			res, _ := r.evalState(f.StateRef, it)
			if f.Action == "include" {
				keep = keep && res == True
			} else if res == True {
				keep = false
			}
		}
		if keep {
			out = append(out, it)
		}
	}
	return out
}

type operand struct {
	items []*Item
	flag  string
}

func (r *run) collectSet(s *Set) ([]*Item, string, []Message) {
	var ops []operand
	var msgs []Message
	for _, ref := range s.ObjectRefs {
		c := r.object(ref)
		msgs = append(msgs, c.co.Messages...)
		ops = append(ops, operand{items: r.applyFilters(c.items, s.Filters), flag: c.co.Flag})
	}
	for _, sub := range s.Sets {
		items, flag, m := r.collectSet(sub)
		msgs = append(msgs, m...)
		ops = append(ops, operand{items: items, flag: flag})
	}
	for _, op := range ops {
		if op.flag == FlagError {
			return nil, FlagError, msgs
		}
	}
	if len(ops) == 0 {
		return nil, FlagError, append(msgs, msg("empty set"))
	}
	// Item sets by id, built once per operand: objects hold up to
	// MaxItems items, and a scan of one list per item would be quadratic.
	idSets := map[*[]*Item]map[int]bool{}
	has := func(items *[]*Item, it *Item) bool {
		set, ok := idSets[items]
		if !ok {
			set = make(map[int]bool, len(*items))
			for _, x := range *items {
				set[x.ID] = true
			}
			idSets[items] = set
		}
		return set[it.ID]
	}
	var out []*Item
	uncertain := false
	switch s.Operator {
	case "INTERSECTION":
		for _, it := range ops[0].items {
			in := true
			for j := 1; j < len(ops); j++ {
				in = in && has(&ops[j].items, it)
			}
			if in {
				out = append(out, it)
			}
		}
		for _, op := range ops {
			if op.flag == FlagDoesNotExist {
				return nil, FlagDoesNotExist, msgs
			}
			uncertain = uncertain || op.flag == FlagIncomplete || op.flag == FlagNotCollected
		}
	case "COMPLEMENT":
		if ops[0].flag == FlagNotCollected {
			return nil, FlagNotCollected, msgs
		}
		for _, it := range ops[0].items {
			if len(ops) < 2 || !has(&ops[1].items, it) {
				out = append(out, it)
			}
		}
		uncertain = ops[0].flag == FlagIncomplete || (len(ops) > 1 && (ops[1].flag == FlagIncomplete || ops[1].flag == FlagNotCollected))
	default: // UNION
		allNC := true
		seen := map[int]bool{}
		for _, op := range ops {
			for _, it := range op.items {
				if !seen[it.ID] {
					seen[it.ID] = true
					out = append(out, it)
				}
			}
			uncertain = uncertain || op.flag == FlagIncomplete || op.flag == FlagNotCollected
			allNC = allNC && op.flag == FlagNotCollected
		}
		if allNC {
			return nil, FlagNotCollected, msgs
		}
	}
	switch {
	case uncertain:
		return out, FlagIncomplete, msgs
	case len(out) == 0:
		return nil, FlagDoesNotExist, msgs
	}
	return out, FlagComplete, msgs
}

// replay takes an object's flag and items from system characteristics.
func (r *run) replay(sc *SystemCharacteristics, o *Object) *collected {
	so, ok := sc.Objects[o.ID]
	if !ok {
		return &collected{co: &CollectedObject{Flag: FlagNotCollected, Messages: []Message{msg("%s: not in the system characteristics", o.ID)}}}
	}
	c := &collected{co: &CollectedObject{Flag: so.Flag, Messages: so.Messages, Variables: so.Variables}}
	for _, ref := range so.ItemRefs {
		it, ok := sc.Items[ref]
		if !ok {
			c.co.Flag = FlagError
			c.co.Messages = append(c.co.Messages, msg("%s: item %s missing from the system characteristics", o.ID, ref))
			continue
		}
		// A copy down to the fields: masking marks fields, and the
		// document may serve other runs at the same time.
		cp := *it
		cp.Fields = cloneFields(it.Fields)
		c.items = append(c.items, r.addItem(&cp))
	}
	return c
}

// systemInfo describes the host, from the replayed document or the host's
// facts.
func (r *run) systemInfo() SystemInfo {
	if sc := r.p.opts.SystemCharacteristics; sc != nil {
		return sc.SystemInfo
	}
	si := SystemInfo{OSName: "Linux", HostName: host.Describe(r.h)}
	if fp, ok := r.h.(host.FactsProvider); ok {
		if f, err := fp.Facts(r.ctx); err == nil {
			if f.Hostname != "" {
				si.HostName = f.Hostname
			}
			for _, ip := range f.IPv4 {
				si.Interfaces = append(si.Interfaces, Interface{IPAddress: ip})
			}
		}
	}
	if u, err := unameOf(r); err == nil {
		si.OSName, si.OSVersion, si.Architecture = u.OSName, u.OSVersion, u.ProcessorType
		if u.NodeName != "" {
			si.HostName = u.NodeName
		}
	}
	return si
}

func cloneFields(fs []*Field) []*Field {
	if fs == nil {
		return nil
	}
	out := make([]*Field, len(fs))
	for i, f := range fs {
		cp := *f
		cp.Fields = cloneFields(f.Fields)
		out[i] = &cp
	}
	return out
}
