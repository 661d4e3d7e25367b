package mongodb

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/stigscan/stigscan/collectors/host"
	mdb "github.com/stigscan/stigscan/collectors/mongodb"
	"github.com/stigscan/stigscan/oval"
)

// Namespace is the OVAL definitions namespace of the types; Family their
// family.
const (
	Namespace = "urn:stigscan:oval-definitions-5#mongodb"
	Family    = "mongodb"
)

// Options configure the probes.
type Options struct {
	// Now is the clock idle times are measured with; give the engine's
	// clock so results reproduce. Nil means time.Now.
	Now func() time.Time
}

// Probes returns the probes keyed for oval.Options.Probes. They hold no
// state and are safe for concurrent use on many hosts.
func Probes(opts Options) map[string]oval.Probe {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	return map[string]oval.Probe{
		Family + ":command_object":     oval.ProbeFunc(commandProbe),
		Family + ":parameter_object":   oval.ProbeFunc(parameterProbe),
		Family + ":mongodconf_object":  oval.ProbeFunc(confProbe),
		Family + ":session_object":     oval.ProbeFunc(func(ctx context.Context, q *oval.Query) ([]*oval.Item, error) { return sessionProbe(ctx, q, now()) }),
		Family + ":privilege_object":   oval.ProbeFunc(privilegeProbe),
		Family + ":user_object":        oval.ProbeFunc(userProbe),
		Family + ":collection_object":  oval.ProbeFunc(collectionProbe),
		Family + ":certificate_object": oval.ProbeFunc(certificateProbe),
	}
}

// database returns the target's MongoDB connection, or a "not collected"
// error naming the target.
func database(q *oval.Query) (host.MongoDatabase, error) {
	m, ok := q.Host.(host.MongoDatabase)
	if !ok {
		return nil, fmt.Errorf("%w: %s is not a MongoDB target (%s)", host.ErrNotCollected, host.Describe(q.Host), q.Object.Type)
	}
	return m, nil
}

// collectErr words a collection error for the object's messages: the
// server's lack of support is said plainly.
func collectErr(err error) error {
	var ue *mdb.UnsupportedError
	if errors.As(err, &ue) {
		return fmt.Errorf("%s; MongoDB Enterprise 4.x answers it, this server does not: %w", ue.Error(), mdb.ErrUnsupported)
	}
	return err
}

func newItem(typ string, fields ...*oval.Field) *oval.Item {
	return &oval.Item{Type: typ, Family: Family, Status: "exists", Fields: fields}
}

func str(name, v string) *oval.Field { return &oval.Field{Name: name, Value: v} }

func boolean(name string, b bool) *oval.Field {
	return &oval.Field{Name: name, Value: strconv.FormatBool(b), Datatype: "boolean"}
}

func integer(name string, n int64) *oval.Field {
	return &oval.Field{Name: name, Value: strconv.FormatInt(n, 10), Datatype: "int"}
}

// valueField renders a value found in a document.
func valueField(name string, v mdb.Value) *oval.Field {
	f := &oval.Field{Name: name, Value: v.Text, Datatype: v.Datatype}
	if f.Datatype == "string" {
		f.Datatype = ""
	}
	if v.Null {
		f.Nil = true
	}
	return f
}

// keep reports whether v satisfies the object entity named name (an absent
// entity keeps everything).
func keep(q *oval.Query, name, v string) (bool, error) {
	e := q.Entity(name)
	if e == nil || e.Nil {
		return true, nil
	}
	return e.Match(v)
}

// filter keeps the items whose fields match every object entity.
func filter(q *oval.Query, items []*oval.Item, skip ...string) ([]*oval.Item, error) {
	var out []*oval.Item
	for _, it := range items {
		ok, err := q.MatchItem(it, skip...)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, it)
		}
	}
	return out, nil
}
