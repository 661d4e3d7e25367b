package oval

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/stigscan/stigscan/collectors/host"
)

// ExternalVars holds the values of external variables, keyed by variable
// id. XCCDF check-export fills it.
type ExternalVars map[string][]string

// Options configure Prepare.
type Options struct {
	// Probes adds or replaces probes, keyed by "family:object_type", for
	// example "independent:textfilecontent54_object". Nil values remove a
	// built-in probe.
	Probes map[string]Probe
	// SystemCharacteristics, when set, replaces probing: every object's
	// flag and items come from this document (replay mode).
	SystemCharacteristics *SystemCharacteristics
	// Logger receives debug messages; nil discards them.
	Logger *slog.Logger
	// Now is the clock for time_difference and result timestamps.
	Now func() time.Time
	// Limits bound each evaluation (zero fields: the defaults).
	Limits Limits
}

// Probe collects the items of one object type from a host.
type Probe interface {
	Collect(ctx context.Context, q *Query) ([]*Item, error)
}

// ProbeFunc adapts a function to Probe.
type ProbeFunc func(ctx context.Context, q *Query) ([]*Item, error)

// Collect calls f.
func (f ProbeFunc) Collect(ctx context.Context, q *Query) ([]*Item, error) { return f(ctx, q) }

// Prepared is a definitions document ready to be evaluated: references
// indexed and literal patterns compiled. It is immutable (apart from an
// internal pattern cache) and safe for concurrent Evaluate calls.
type Prepared struct {
	defs    *Definitions
	opts    Options
	log     *slog.Logger
	now     func() time.Time
	probes  map[string]Probe
	defByID map[string]*Definition
	tstByID map[string]*Test
	objByID map[string]*Object
	steByID map[string]*State
	varByID map[string]*Variable
	// patterns holds the compiled literal pattern-match values of object
	// and state entities; badPatterns their compile errors.
	patterns    map[*Entity]*pattern
	badPatterns map[*Entity]error
	cache       patternCache
	problems    []error
	limits      Limits // opts.Limits with defaults
}

// Prepare indexes defs and compiles what can be compiled once. Problems in
// the content (dangling references, invalid patterns, unknown object types)
// do not fail Prepare: they are listed by Problems and turn into error
// results naming the id when evaluated.
func Prepare(defs *Definitions, opts Options) (*Prepared, error) {
	if defs == nil {
		return nil, errors.New("oval: prepare: nil definitions")
	}
	p := &Prepared{
		defs: defs, opts: opts, log: opts.Logger, now: opts.Now,
		defByID: map[string]*Definition{}, tstByID: map[string]*Test{}, objByID: map[string]*Object{},
		steByID: map[string]*State{}, varByID: map[string]*Variable{},
		patterns: map[*Entity]*pattern{}, badPatterns: map[*Entity]error{},
		limits: opts.Limits.withDefaults(),
	}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	if p.now == nil {
		p.now = time.Now
	}
	p.probes = BuiltinProbes()
	for k, v := range opts.Probes {
		if v == nil {
			delete(p.probes, k)
			continue
		}
		p.probes[k] = v
	}
	for _, d := range defs.Definitions {
		p.defByID[d.ID] = d
	}
	for _, t := range defs.Tests {
		p.tstByID[t.ID] = t
	}
	for _, o := range defs.Objects {
		p.objByID[o.ID] = o
		p.compileEntities(o.ID, o.Entities, p.patternFlags(o))
	}
	for _, s := range defs.States {
		p.steByID[s.ID] = s
		p.compileEntities(s.ID, s.Entities, "")
	}
	for _, v := range defs.Variables {
		p.varByID[v.ID] = v
	}
	p.validate()
	return p, nil
}

func (p *Prepared) compileEntities(id string, es []*Entity, flags string) {
	for _, e := range es {
		if len(e.Fields) > 0 {
			p.compileEntities(id, e.Fields, flags)
		}
		if e.Operation != opPattern || e.VarRef != "" {
			continue
		}
		pat, err := compilePattern(e.Value, flags)
		if err != nil {
			p.badPatterns[e] = fmt.Errorf("%s: %w", id, err)
			p.problems = append(p.problems, &ContentError{File: p.defs.Name, ID: id, Msg: err.Error()})
			continue
		}
		p.patterns[e] = pat
	}
}

// validate records dangling references and circular extend_definition.
func (p *Prepared) validate() {
	add := func(id, msg string) {
		p.problems = append(p.problems, &ContentError{File: p.defs.Name, ID: id, Msg: msg})
	}
	var walk func(id string, c *Criteria)
	walk = func(id string, c *Criteria) {
		if c == nil {
			return
		}
		for _, n := range c.Children {
			switch n := n.(type) {
			case *Criteria:
				walk(id, n)
			case *Criterion:
				if p.tstByID[n.TestRef] == nil {
					add(id, "criterion refers to unknown test "+n.TestRef)
				}
			case *ExtendDefinition:
				if p.defByID[n.DefinitionRef] == nil {
					add(id, "extend_definition refers to unknown definition "+n.DefinitionRef)
				}
			}
		}
	}
	for _, d := range p.defs.Definitions {
		walk(d.ID, d.Criteria)
	}
	for _, t := range p.defs.Tests {
		if t.ObjectRef != "" && p.objByID[t.ObjectRef] == nil {
			add(t.ID, "test refers to unknown object "+t.ObjectRef)
		}
		for _, s := range t.StateRefs {
			if p.steByID[s] == nil {
				add(t.ID, "test refers to unknown state "+s)
			}
		}
	}
	for _, o := range p.defs.Objects {
		if o.Set == nil && p.probeFor(o) == nil && p.opts.SystemCharacteristics == nil {
			add(o.ID, fmt.Sprintf("no probe for %s:%s", o.Family, o.Type))
		}
	}
}

// Problems lists the content problems found by Prepare, sorted by id.
func (p *Prepared) Problems() []error { return append([]error(nil), p.problems...) }

// Definitions returns the document p was prepared from.
func (p *Prepared) Definitions() *Definitions { return p.defs }

func (p *Prepared) probeFor(o *Object) Probe {
	return p.probes[o.Family+":"+o.Type]
}

// Evaluate evaluates the definitions named by ids (all of them when ids is
// empty) against h. Content problems become error results; the returned
// error is only for a cancelled context. ext supplies external variables.
func (p *Prepared) Evaluate(ctx context.Context, h host.Host, ext ExternalVars, ids ...string) (res *Results, err error) {
	r := newRun(ctx, p, h, ext)
	defer func() {
		// Definitions contain their own panics; this is for the rest
		// (prefetch, system info), and fails the evaluation alone.
		if v := recover(); v != nil {
			res, err = nil, fmt.Errorf("oval: evaluate: %w", r.recovered("evaluation", v))
		}
	}()
	if len(ids) == 0 {
		for _, d := range p.defs.Definitions {
			ids = append(ids, d.ID)
		}
	}
	p.prefetch(ctx, h, ids)
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("oval: evaluate: %w", err)
		}
		r.definition(id)
	}
	return r.results(), nil
}
