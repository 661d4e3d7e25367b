package mongodb

import (
	"context"

	"github.com/stigscan/stigscan/collectors/host"
	mdb "github.com/stigscan/stigscan/collectors/mongodb"
	"github.com/stigscan/stigscan/oval"
)

// privilegeProbe implements privilege_object: one item per action a user
// may take on a resource, with the role that grants it.
func privilegeProbe(ctx context.Context, q *oval.Query, m host.MongoDatabase) ([]*oval.Item, error) {
	grants, err := mdb.Grants(ctx, m)
	if err != nil {
		return nil, collectErr(err)
	}
	items := make([]*oval.Item, 0, len(grants))
	for _, g := range grants {
		items = append(items, newItem("privilege_item", oval.StringField("user", g.User), oval.StringField("role", g.Role), oval.StringField("action", g.Action), oval.StringField("resource", g.Resource)))
	}
	return q.Filter(items)
}

// userProbe implements user_object: users with their roles and
// authentication mechanisms.
func userProbe(ctx context.Context, q *oval.Query, m host.MongoDatabase) ([]*oval.Item, error) {
	users, err := mdb.Users(ctx, m)
	if err != nil {
		return nil, collectErr(err)
	}
	items := make([]*oval.Item, 0, len(users))
	for _, u := range users {
		it := newItem("user_item", oval.StringField("user", u.ID()))
		for _, r := range u.Roles {
			it.Fields = append(it.Fields, oval.StringField("role", r.String()))
		}
		for _, mech := range u.Mechanisms {
			it.Fields = append(it.Fields, oval.StringField("mechanism", mech))
		}
		items = append(items, it)
	}
	// A role entity keeps the users holding any matching role.
	return q.Filter(items)
}

// collectionProbe implements collection_object: the collections of the
// selected databases and whether each has a validator.
func collectionProbe(ctx context.Context, q *oval.Query, m host.MongoDatabase) ([]*oval.Item, error) {
	dbs, err := databases(ctx, q, m, "database", "admin")
	if err != nil {
		return nil, collectErr(err)
	}
	var items []*oval.Item
	for _, db := range dbs {
		colls, err := mdb.Collections(ctx, m, db)
		if err != nil {
			return nil, collectErr(err)
		}
		for _, c := range colls {
			if ok, err := q.Keeps("collection", c.Name); err != nil {
				return nil, err
			} else if !ok {
				continue
			}
			it := newItem("collection_item", oval.StringField("database", db), oval.StringField("collection", c.Name), oval.StringField("type", c.Type), oval.BoolField("has_validator", c.Validator != ""))
			if c.Validator != "" {
				it.Fields = append(it.Fields, oval.StringField("validator", c.Validator))
			}
			items = append(items, it)
		}
	}
	return items, nil
}
