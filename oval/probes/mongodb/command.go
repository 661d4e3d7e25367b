package mongodb

import (
	"context"
	"errors"
	"fmt"

	"github.com/stigscan/stigscan/collectors/host"
	mdb "github.com/stigscan/stigscan/collectors/mongodb"
	"github.com/stigscan/stigscan/oval"
)

// databases resolves a database entity: its values when it selects by
// equality, else the server's databases (listDatabases) that match.
func databases(ctx context.Context, q *oval.Query, m host.MongoDatabase, name, def string) ([]string, error) {
	e := q.Entity(name)
	if e == nil || e.Nil {
		return []string{def}, nil
	}
	if vals, ok := e.Equals(); ok {
		return vals, nil
	}
	all, err := mdb.Databases(ctx, m)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, db := range all {
		ok, err := e.Match(db)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, db)
		}
	}
	return out, nil
}

// commandProbe implements command_object: each command (Extended JSON,
// equality only) runs on each selected database; every value found at the
// path becomes one command_item.
func commandProbe(ctx context.Context, q *oval.Query, m host.MongoDatabase) ([]*oval.Item, error) {
	cmds, ok := q.Entity("command").Equals()
	if !ok {
		return nil, errors.New("command_object: the command entity must be given with operation equals")
	}
	dbs, err := databases(ctx, q, m, "database", "admin")
	if err != nil {
		return nil, collectErr(err)
	}
	pe := q.Entity("path")
	var items []*oval.Item
	for _, db := range dbs {
		for _, cmd := range cmds {
			raw, err := m.RunCommand(ctx, db, []byte(cmd))
			if err != nil {
				return nil, collectErr(err)
			}
			reply, err := mdb.DecodeReply(raw)
			if err != nil {
				return nil, err
			}
			add := func(path string, v mdb.Value) {
				items = append(items, newItem("command_item", oval.StringField("database", db), oval.StringField("command", cmd), oval.StringField("path", path), valueField("value", v)))
			}
			if paths, ok := pe.Equals(); ok {
				for _, p := range paths {
					for _, v := range mdb.Lookup(reply, p) {
						add(p, v)
					}
				}
				continue
			}
			for _, v := range mdb.Walk(reply) {
				if ok, err := q.Keeps("path", v.Path); err != nil {
					return nil, fmt.Errorf("command_object: %w", err)
				} else if ok {
					add(v.Path, v)
				}
			}
		}
	}
	return items, nil
}
