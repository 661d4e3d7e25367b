package mongodb

import (
	"context"
	"time"

	mdb "github.com/stigscan/stigscan/collectors/mongodb"
	"github.com/stigscan/stigscan/oval"
)

// sessionProbe implements session_object: every user's logical sessions
// with their idle time at now.
func sessionProbe(ctx context.Context, q *oval.Query, now time.Time) ([]*oval.Item, error) {
	m, err := database(q)
	if err != nil {
		return nil, err
	}
	sessions, err := mdb.Sessions(ctx, m)
	if err != nil {
		return nil, collectErr(err)
	}
	var items []*oval.Item
	for _, s := range sessions {
		it := newItem("session_item", str("id", s.ID), str("user", s.User))
		if s.LastUse.IsZero() {
			it.Fields = append(it.Fields, &oval.Field{Name: "last_use", Nil: true})
		} else {
			it.Fields = append(it.Fields, str("last_use", s.LastUse.Format(time.RFC3339)))
		}
		it.Fields = append(it.Fields, integer("idle_minutes", int64(s.Idle(now)/time.Minute)))
		items = append(items, it)
	}
	return filter(q, items)
}
