package mongodb

import (
	"context"
	"errors"
	"fmt"
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
	// Now is the clock idle times are measured with. Nil means the
	// evaluation's clock (oval.Options.Now, which the engine sets), so
	// results reproduce without a second clock to keep in step.
	Now func() time.Time
}

// Probes returns the probes keyed for oval.Options.Probes. They hold no
// state and are safe for concurrent use on many hosts.
func Probes(opts Options) map[string]oval.Probe {
	session := func(ctx context.Context, q *oval.Query, m host.MongoDatabase) ([]*oval.Item, error) {
		now := q.Now()
		if opts.Now != nil {
			now = opts.Now()
		}
		return sessionProbe(ctx, q, m, now)
	}
	return map[string]oval.Probe{
		Family + ":command_object":    probe(commandProbe),
		Family + ":parameter_object":  probe(parameterProbe),
		Family + ":mongodconf_object": confObjects{probe(confProbe)},
		Family + ":session_object":    probe(session),
		Family + ":privilege_object":  probe(privilegeProbe),
		Family + ":user_object":       probe(userProbe),
		Family + ":collection_object": probe(collectionProbe),
		// Read through the target's files host: no MongoDB connection.
		Family + ":certificate_object": oval.FileReader(certificateProbe),
	}
}

// probe is the probe of an object type read from the server: it requires a
// MongoDB target and collects through its connection.
type probe func(ctx context.Context, q *oval.Query, m host.MongoDatabase) ([]*oval.Item, error)

var (
	_ oval.Requirer    = probe(nil)
	_ oval.Requirer    = confObjects{}
	_ oval.FilePlanner = confObjects{}
)

// Collect runs p on the target's connection.
func (p probe) Collect(ctx context.Context, q *oval.Query) ([]*oval.Item, error) {
	m, err := database(q.Host, q.Object)
	if err != nil {
		return nil, err
	}
	return p(ctx, q, m)
}

// Requires a MongoDB target.
func (probe) Requires(h host.Host, o *oval.Object) error {
	_, err := database(h, o)
	return err
}

// database returns the target's MongoDB connection, or a "not collected"
// error naming the target.
func database(h host.Host, o *oval.Object) (host.MongoDatabase, error) {
	m, ok := h.(host.MongoDatabase)
	if !ok {
		return nil, fmt.Errorf("%w: %s is not a MongoDB target (%s)", host.ErrNotCollected, host.Describe(h), o.Type)
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
	return oval.NewItem(typ, Family, fields...)
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
