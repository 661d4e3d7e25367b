package mongodb

import (
	"context"
	"time"

	"github.com/stigscan/stigscan/collectors/host"
	mdb "github.com/stigscan/stigscan/collectors/mongodb"
	"github.com/stigscan/stigscan/oval"
)

// sessionProbe implements session_object: every user's logical sessions
// with their idle time at now.
func sessionProbe(ctx context.Context, q *oval.Query, m host.MongoDatabase, now time.Time) ([]*oval.Item, error) {
	sessions, err := mdb.Sessions(ctx, m)
	if err != nil {
		return nil, collectErr(err)
	}
	var items []*oval.Item
	for _, s := range sessions {
		it := newItem("session_item", oval.StringField("id", s.ID), oval.StringField("user", s.User))
		if s.LastUse.IsZero() {
			it.Fields = append(it.Fields, &oval.Field{Name: "last_use", Nil: true})
		} else {
			it.Fields = append(it.Fields, oval.StringField("last_use", s.LastUse.Format(time.RFC3339)))
		}
		it.Fields = append(it.Fields, oval.IntField("idle_minutes", int64(s.Idle(now)/time.Minute)))
		items = append(items, it)
	}
	return q.Filter(items)
}
