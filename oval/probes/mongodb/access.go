package mongodb

import (
	"context"

	mdb "github.com/stigscan/stigscan/collectors/mongodb"
	"github.com/stigscan/stigscan/oval"
)

// privilegeProbe implements privilege_object: one item per action a user
// may take on a resource, with the role that grants it.
func privilegeProbe(ctx context.Context, q *oval.Query) ([]*oval.Item, error) {
	m, err := database(q)
	if err != nil {
		return nil, err
	}
	grants, err := mdb.Grants(ctx, m)
	if err != nil {
		return nil, collectErr(err)
	}
	items := make([]*oval.Item, 0, len(grants))
	for _, g := range grants {
		items = append(items, newItem("privilege_item", str("user", g.User), str("role", g.Role), str("action", g.Action), str("resource", g.Resource)))
	}
	return filter(q, items)
}

// userProbe implements user_object: users with their roles and
// authentication mechanisms.
func userProbe(ctx context.Context, q *oval.Query) ([]*oval.Item, error) {
	m, err := database(q)
	if err != nil {
		return nil, err
	}
	users, err := mdb.Users(ctx, m)
	if err != nil {
		return nil, collectErr(err)
	}
	items := make([]*oval.Item, 0, len(users))
	for _, u := range users {
		it := newItem("user_item", str("user", u.ID()))
		for _, r := range u.Roles {
			it.Fields = append(it.Fields, str("role", r.String()))
		}
		for _, mech := range u.Mechanisms {
			it.Fields = append(it.Fields, str("mechanism", mech))
		}
		items = append(items, it)
	}
	// A role entity keeps the users holding any matching role.
	return filter(q, items)
}

// collectionProbe implements collection_object: the collections of the
// selected databases and whether each has a validator.
func collectionProbe(ctx context.Context, q *oval.Query) ([]*oval.Item, error) {
	m, err := database(q)
	if err != nil {
		return nil, err
	}
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
			if ok, err := keep(q, "collection", c.Name); err != nil {
				return nil, err
			} else if !ok {
				continue
			}
			it := newItem("collection_item", str("database", db), str("collection", c.Name), str("type", c.Type), boolean("has_validator", c.Validator != ""))
			if c.Validator != "" {
				it.Fields = append(it.Fields, str("validator", c.Validator))
			}
			items = append(items, it)
		}
	}
	return items, nil
}
