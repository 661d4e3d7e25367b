package mongodb

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// replies answers usersInfo and rolesInfo with fixed Extended JSON, as a
// server (or something posing as one) that shapes its replies would.
type replies struct{ users, roles string }

func (r replies) RunCommand(_ context.Context, _ string, command []byte) ([]byte, error) {
	var d bson.D
	if err := bson.UnmarshalExtJSON(command, false, &d); err != nil {
		return nil, err
	}
	if d[0].Key == "usersInfo" {
		return []byte(r.users), nil
	}
	return []byte(r.roles), nil
}

// TestGrantsRefuseHostileShapes: a reply whose users, roles or
// privileges have the wrong type cannot be read as "holds nothing",
// which would pass every rule that limits who holds a power. Each shape
// is an error naming what was wrong; the well-formed reply (a custom
// role that inherits killAnySession from another custom role) gives the
// grant.
func TestGrantsRefuseHostileShapes(t *testing.T) {
	const user = `{"users": [{"user": "app.$x", "db": "admin", "roles": [{"role": "helper", "db": "admin"}], "mechanisms": ["SCRAM-SHA-256"]}], "ok": 1}`
	role := func(inherited string) string {
		return `{"roles": [{"role": "helper", "db": "admin", "isBuiltin": false, "roles": [{"role": "base", "db": "admin"}], "inheritedRoles": [{"role": "base", "db": "admin"}], "privileges": [], "inheritedPrivileges": ` + inherited + `}], "ok": 1}`
	}
	const good = `[{"resource": {"cluster": true}, "actions": ["killAnySession"]}]`
	tests := []struct {
		name        string
		users, role string
		err         string // "" for the well-formed reply
	}{
		{name: "inherited killAnySession", users: user, role: role(good)},
		{name: "users not an array", users: `{"users": {"user": "x"}, "ok": 1}`, role: role(good), err: "users"},
		{name: "users missing", users: `{"ok": 1}`, role: role(good), err: "users"},
		{name: "a user not a document", users: `{"users": ["admin.root"], "ok": 1}`, role: role(good), err: "users"},
		{name: "user name not a string", users: `{"users": [{"user": 7, "db": "admin", "roles": []}], "ok": 1}`, role: role(good), err: "user"},
		{name: "a user's roles not an array", users: `{"users": [{"user": "u", "db": "admin", "roles": {"role": "helper", "db": "admin"}}], "ok": 1}`, role: role(good), err: "roles"},
		{name: "inherited privileges missing", users: user, role: `{"roles": [{"role": "helper", "db": "admin", "roles": [], "inheritedRoles": [], "privileges": []}], "ok": 1}`, err: "inheritedPrivileges"},
		{name: "inherited privileges not an array", users: user, role: role(`{"resource": {"cluster": true}, "actions": ["killAnySession"]}`), err: "inheritedPrivileges"},
		{name: "an action not a string", users: user, role: role(`[{"resource": {"cluster": true}, "actions": [{"$numberInt": "1"}]}]`), err: "actions"},
		{name: "actions missing", users: user, role: role(`[{"resource": {"cluster": true}}]`), err: "actions"},
		{name: "cluster as a string", users: user, role: role(`[{"resource": {"cluster": "true"}, "actions": ["killAnySession"]}]`), err: "cluster"},
		{name: "resource missing", users: user, role: role(`[{"actions": ["killAnySession"]}]`), err: "resource"},
		{name: "deeply nested resource", users: user, role: role(`[{"resource": {"db": {"db": {"db": {"db": "x"}}}}, "actions": ["find"]}]`), err: "db"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			grants, err := Grants(context.Background(), replies{users: tc.users, roles: tc.role})
			if tc.err != "" {
				require.Error(t, err, "grants %v", grants)
				assert.Contains(t, err.Error(), tc.err)
				assert.True(t, strings.HasPrefix(err.Error(), "mongodb: "), err.Error())
				return
			}
			require.NoError(t, err)
			assert.Equal(t, []Grant{{User: "admin.app.$x", Role: "admin.helper", Action: "killAnySession", Resource: "cluster"}}, grants)
		})
	}
}

// sessionReply answers $listSessions with a fixed reply.
type sessionReply string

func (r sessionReply) RunCommand(context.Context, string, []byte) ([]byte, error) {
	return []byte(r), nil
}

// TestSessionsRefuseHostileShapes: a session whose last use is missing
// or not a date would be idle for no time and pass the idle-session
// rules; a reply without its cursor would list no session at all.
func TestSessionsRefuseHostileShapes(t *testing.T) {
	// id opens a session document with its _id; callers close it.
	const id = `{"_id": {"id": {"$binary": {"base64": "AAAAAAAAAAAAAAAAAAAAAA==", "subType": "04"}}, "uid": {"$binary": {"base64": "AA==", "subType": "00"}}}`
	tests := []struct {
		name, reply, err string
	}{
		{name: "well formed", reply: `{"cursor": {"firstBatch": [` + id + `, "user": {"name": "app@admin"}, "lastUse": {"$date": "2026-01-01T00:00:00Z"}}], "id": 0, "ns": "config.system.sessions"}, "ok": 1}`},
		{name: "no cursor", reply: `{"ok": 1}`, err: "cursor"},
		{name: "firstBatch not an array", reply: `{"cursor": {"firstBatch": {"lastUse": 1}}, "ok": 1}`, err: "firstBatch"},
		{name: "a session not a document", reply: `{"cursor": {"firstBatch": [1]}, "ok": 1}`, err: "firstBatch[0]"},
		{name: "lastUse missing", reply: `{"cursor": {"firstBatch": [` + id + `}]}, "ok": 1}`, err: "lastUse"},
		{name: "lastUse a string", reply: `{"cursor": {"firstBatch": [` + id + `, "lastUse": "2026-01-01"}]}, "ok": 1}`, err: "lastUse"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ss, err := Sessions(context.Background(), sessionReply(tc.reply))
			if tc.err != "" {
				require.Error(t, err, "sessions %v", ss)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			require.Len(t, ss, 1)
			assert.Equal(t, "app@admin", ss[0].User)
			assert.False(t, ss[0].LastUse.IsZero())
		})
	}
}
