// Package sql57 is OVAL's independent sql57 probe: it runs the object's SQL
// statement on the target's own database connection and records each row
// as a result record of a sql57_item.
//
// How OVAL maps onto stigscan:
//
//   - sql57_object's sql selects the statement (equality only: a statement
//     is not something to enumerate).
//   - engine must name the target's engine (host.SQLDatabase.SQLEngine); the
//     OVAL enumeration spells PostgreSQL "postgre", which is accepted as
//     "postgresql". Another engine, or a target that is not a SQL database,
//     gives "not collected" with the reason.
//   - connection_string is never used: the connection is the target's,
//     opened with the target's credentials. The item's connection_string is
//     written empty, so a string in content (which may hold a password)
//     never reaches results.
//   - version is copied from the object into the item; it does not select
//     anything.
//   - Each row becomes one result entity (datatype record) with one field
//     per column, named by the column in lower case; a NULL is a field with
//     status "does not exist".
//
// The probe reaches the database only through host.SQLDatabase.QueryRows,
// which runs nothing but one read-only SELECT. It is engine-neutral: the
// PostgreSQL, Oracle and MySQL targets all use it. MySQL and MariaDB are
// both engine "mysql" (OVAL's enumeration has no MariaDB); the target's
// Describe and Session say which product answered.
package sql57

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/oval"
)

// Key is the probe's key in oval.Options.Probes.
const Key = "independent:sql57_object"

// Probe collects sql57_object items. The zero value is ready to use and it
// is safe for concurrent use.
type Probe struct{}

var (
	_ oval.Probe    = Probe{}
	_ oval.Requirer = Probe{}
)

// New returns the probe.
func New() Probe { return Probe{} }

// Probes returns the probes this package provides, keyed for
// oval.Options.Probes.
func Probes() map[string]oval.Probe { return map[string]oval.Probe{Key: Probe{}} }

// canonicalEngine maps OVAL's engine names onto the names targets report.
func canonicalEngine(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "postgre" {
		return "postgresql"
	}
	return s
}

// Requires a SQL database target (host.SQLDatabase).
func (Probe) Requires(h host.Host, o *oval.Object) error {
	_, err := sqlDatabase(h)
	return err
}

func sqlDatabase(h host.Host) (host.SQLDatabase, error) {
	db, ok := h.(host.SQLDatabase)
	if !ok {
		return nil, fmt.Errorf("%w: sql57: %s is not a SQL database target", host.ErrNotCollected, host.Describe(h))
	}
	return db, nil
}

// Collect runs the object's statement on the target's database.
func (Probe) Collect(ctx context.Context, q *oval.Query) ([]*oval.Item, error) {
	db, err := sqlDatabase(q.Host)
	if err != nil {
		return nil, err
	}
	sqlEnt := q.Entity("sql")
	stmts, ok := sqlEnt.Equals()
	if !ok {
		return nil, errors.New("sql57: the sql entity must be given with operation equals")
	}
	engine := db.SQLEngine()
	engEnt := q.Entity("engine")
	if engEnt == nil {
		return nil, errors.New("sql57: object has no engine entity")
	}
	named, match, err := engineMatch(engEnt, engine)
	if err != nil {
		return nil, fmt.Errorf("sql57: engine: %w", err)
	}
	if !match {
		return nil, fmt.Errorf("%w: sql57: the object is for engine %s; %s is %s", host.ErrNotCollected,
			strings.Join(engEnt.Values, ", "), host.Describe(q.Host), engine)
	}
	versions := []string{""}
	if ve := q.Entity("version"); ve != nil && !ve.Nil {
		if vs, ok := ve.Equals(); ok {
			versions = vs
		}
	}
	var items []*oval.Item
	for _, stmt := range stmts {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		cols, rows, err := db.QueryRows(ctx, stmt)
		if err != nil {
			// The target's errors name the target and the server's
			// reason; statements carry no secrets (connections come
			// from the target).
			return items, fmt.Errorf("sql57: %w", err)
		}
		for _, v := range versions {
			items = append(items, item(named, v, stmt, cols, rows))
		}
	}
	return items, nil
}

// engineMatch compares the object's engine entity with the target's engine,
// OVAL's "postgre" being PostgreSQL.
// It returns the name the item records: the object's value when given by
// equality, else the target's engine.
func engineMatch(e *oval.QueryEntity, engine string) (string, bool, error) {
	if vals, ok := e.Equals(); ok {
		for _, v := range vals {
			if canonicalEngine(v) == canonicalEngine(engine) {
				return v, true, nil
			}
		}
		return "", false, nil
	}
	names := []string{engine}
	if canonicalEngine(engine) == "postgresql" {
		names = append(names, "postgre")
	}
	for _, name := range names {
		ok, err := e.Match(name)
		if err != nil || ok {
			return name, ok, err
		}
	}
	return "", false, nil
}

// item builds one sql57_item; its connection_string is always empty.
func item(engine, version, stmt string, cols []string, rows [][]*string) *oval.Item {
	it := oval.NewItem("sql57_item", "independent",
		oval.StringField("engine", engine), oval.StringField("version", version),
		oval.StringField("connection_string", ""), oval.StringField("sql", stmt))
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = strings.ToLower(c)
	}
	for _, row := range rows {
		rec := &oval.Field{Name: "result", Datatype: "record", Fields: make([]*oval.Field, 0, len(row))}
		for i, v := range row {
			name := fmt.Sprintf("column%d", i+1)
			if i < len(names) && names[i] != "" {
				name = names[i]
			}
			f := &oval.Field{Name: name}
			if v == nil {
				f.Status = "does not exist"
			} else {
				f.Value = *v
			}
			rec.Fields = append(rec.Fields, f)
		}
		it.Fields = append(it.Fields, rec)
	}
	return it
}
