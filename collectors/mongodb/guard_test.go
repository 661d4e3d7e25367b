package mongodb

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// The attacks reproduced against the old guard, and what an attacker
// would try next: each is refused, with the reason naming the part.
func TestCheckCommandAllowLists(t *testing.T) {
	const cur = `{"aggregate": 1, "pipeline": [{"$currentOp": {"allUsers": true}}, `
	const lls = `{"aggregate": 1, "pipeline": [{"$listLocalSessions": {}}, `
	tests := []struct {
		name, db, cmd string
		why           string // "" means accepted
	}{
		// Reproduced.
		{"currentOp then unionWith users", "admin", cur + `{"$unionWith": "system.users"}], "cursor": {}}`, "admin.system.users"},
		{"currentOp then unionWith keys pipeline form", "admin", cur + `{"$unionWith": {"coll": "system.keys", "pipeline": []}}], "cursor": {}}`, "admin.system.keys"},
		{"listLocalSessions then lookup users", "admin", lls + `{"$lookup": {"from": "system.users", "localField": "_id.uid", "foreignField": "_id", "as": "u"}}], "cursor": {}}`, "admin.system.users"},
		{"lookup in facet", "admin", cur + `{"$facet": {"x": [{"$lookup": {"from": "system.keys", "pipeline": [], "as": "k"}}]}}], "cursor": {}}`, "admin.system.keys"},
		{"nested facet", "admin", cur + `{"$facet": {"x": [{"$facet": {"y": [{"$unionWith": "system.users"}]}}]}}], "cursor": {}}`, "system.users"},
		{"duplicate pipeline", "admin", `{"aggregate": 1, "pipeline": [{"$currentOp": {}}], "pipeline": [{"$match": {}}], "cursor": {}}`, "duplicate key pipeline"},
		{"duplicate key deep inside", "admin", cur + `{"$match": {"a": {"b": 1, "b": 2}}}], "cursor": {}}`, "duplicate key b"},
		{"duplicate first field", "admin", `{"find": "system.version", "find": "system.users"}`, "duplicate key find"},
		// Other databases, other collections, other forms.
		{"lookup from another database", "admin", cur + `{"$lookup": {"from": {"db": "admin", "coll": "system.users"}, "pipeline": [], "as": "u"}}], "cursor": {}}`, "must name a collection of the same database"},
		{"lookup without from", "admin", cur + `{"$lookup": {"pipeline": [{"$documents": [{}]}], "as": "u"}}], "cursor": {}}`, "$documents"},
		{"graphLookup users", "admin", cur + `{"$graphLookup": {"from": "system.users", "startWith": "$x", "connectFromField": "a", "connectToField": "b", "as": "g"}}], "cursor": {}}`, "system.users"},
		{"lookup application data", "admin", cur + `{"$lookup": {"from": "customers", "localField": "a", "foreignField": "b", "as": "c"}}], "cursor": {}}`, "admin.customers"},
		{"unionWith a findable collection", "admin", cur + `{"$unionWith": {"coll": "system.version", "pipeline": [{"$match": {"_id": "authSchema"}}]}}], "cursor": {}}`, ""},
		{"lookup sub-pipeline with $out", "admin", cur + `{"$lookup": {"from": "system.version", "pipeline": [{"$out": "x"}], "as": "v"}}], "cursor": {}}`, "$out"},
		{"changeStream", "admin", cur + `{"$changeStream": {}}], "cursor": {}}`, "change stream"},
		{"changeStream first", "admin", `{"aggregate": 1, "pipeline": [{"$changeStream": {"allChangesForCluster": true}}], "cursor": {}}`, "change stream"},
		{"collStats", "admin", `{"aggregate": "system.users", "pipeline": [{"$collStats": {}}], "cursor": {}}`, "$collStats is not on the allow-list"},
		{"documents first", "admin", `{"aggregate": 1, "pipeline": [{"$documents": [{}]}], "cursor": {}}`, "$documents"},
		{"second session stage", "admin", cur + `{"$listSessions": {}}], "cursor": {}}`, "may only open"},
		{"stage with two fields", "admin", cur + `{"$match": {}, "$project": {"a": 1}}], "cursor": {}}`, "one field"},
		{"merge", "admin", cur + `{"$merge": "x"}], "cursor": {}}`, "writes a collection"},
		{"out in facet", "admin", cur + `{"$facet": {"a": [{"$out": "x"}]}}], "cursor": {}}`, "writes a collection"},
		{"where in match", "admin", cur + `{"$match": {"$where": "sleep(100)"}}], "cursor": {}}`, "JavaScript"},
		{"function in expr", "admin", cur + `{"$match": {"$expr": {"$function": {"body": "x", "args": [], "lang": "js"}}}}], "cursor": {}}`, "JavaScript"},
		{"accumulator in group", "admin", cur + `{"$group": {"_id": null, "a": {"$accumulator": {}}}}], "cursor": {}}`, "JavaScript"},
		{"unknown operator", "admin", cur + `{"$project": {"a": {"$frobnicate": 1}}}], "cursor": {}}`, "$frobnicate is not on the allow-list"},
		{"listed operators", "admin", cur + `{"$match": {"$and": [{"active": true}, {"secs_running": {"$gt": 5}}]}}, {"$project": {"op": 1, "n": {"$toUpper": "$desc"}}}, {"$count": "n"}], "cursor": {}}`, ""},
		{"deep nesting", "admin", `{"find": "system.version", "filter": ` + strings.Repeat(`{"a": `, 70) + `1` + strings.Repeat(`}`, 70) + `}`, "nested deeper"},
		// Arguments.
		{"database override", "config", `{"find": "system.sessions", "$db": "admin"}`, "argument $db"},
		{"readPreference override", "admin", `{"serverStatus": 1, "$readPreference": {"mode": "secondary"}}`, "argument $readPreference"},
		{"maxTimeMS from content", "admin", `{"serverStatus": 1, "maxTimeMS": 0}`, "argument maxTimeMS"},
		{"session from content", "admin", `{"ping": 1, "lsid": {"id": 1}}`, "argument lsid"},
		{"write concern", "admin", `{"usersInfo": 1, "writeConcern": {"w": 1}}`, "argument writeConcern"},
		{"let variables", "admin", cur + `{"$match": {}}], "cursor": {}, "let": {"x": 1}}`, "argument let"},
		{"allowDiskUse", "admin", cur + `{"$sort": {"a": 1}}], "cursor": {}, "allowDiskUse": true}`, "argument allowDiskUse"},
		{"explain", "admin", cur + `{"$match": {}}], "cursor": {}, "explain": true}`, "argument explain"},
		{"unknown argument", "admin", `{"hostInfo": 1, "x": 1}`, "argument x"},
		{"getParameter named", "admin", `{"getParameter": 1, "authenticationMechanisms": 1, "featureCompatibilityVersion": 1}`, ""},
		{"getParameter document value", "admin", `{"getParameter": 1, "x": {"$where": "1"}}`, "JavaScript"},
		{"serverStatus section toggle", "admin", `{"serverStatus": 1, "repl": 0, "metrics": 0}`, ""},
		{"serverStatus document value", "admin", `{"serverStatus": 1, "repl": {"a": 1}}`, "argument repl"},
		{"find with an unlisted option", "config", `{"find": "system.sessions", "filter": {}, "noCursorTimeout": true}`, "argument noCursorTimeout"},
		{"find keys", "admin", `{"find": "system.keys"}`, "may read only"},
		{"find users elsewhere", "test", `{"find": "system.users"}`, "may read only"},
		// Credentials.
		{"usersInfo showCredentials", "admin", `{"usersInfo": 1, "showCredentials": true}`, "password hashes"},
		{"usersInfo showCredentials as number", "admin", `{"usersInfo": 1, "showCredentials": 1}`, "password hashes"},
		{"usersInfo showCredentials as string", "admin", `{"usersInfo": 1, "showCredentials": "yes"}`, "password hashes"},
		{"usersInfo showCustomData", "admin", `{"usersInfo": 1, "showCustomData": true}`, "custom data"},
		{"usersInfo without", "admin", `{"usersInfo": 1, "showCredentials": false, "showCustomData": false}`, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckCommand(tc.db, cmd(t, tc.cmd))
			if tc.why == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrRefused)
			assert.Contains(t, err.Error(), tc.why)
		})
	}
}

func TestCheckCommandRefusesUncheckableDocuments(t *testing.T) {
	err := CheckCommand("admin", bson.D{{Key: "serverStatus", Value: 1}, {Key: "x", Value: bson.M{"a": 1}}})
	assert.ErrorIs(t, err, ErrRefused)
	assert.ErrorContains(t, err, "use bson.D")
}

func TestCheckCommandClipsNames(t *testing.T) {
	long := strings.Repeat("k", 500)
	err := CheckCommand("admin", cmd(t, `{"`+long+`": 1}`))
	require.Error(t, err)
	assert.Less(t, len(err.Error()), 200)
}

func TestPinCommand(t *testing.T) {
	got := pinCommand(cmd(t, `{"find": "system.sessions", "filter": {}}`), 1500*time.Millisecond)
	assert.Equal(t, bson.D{{Key: "find", Value: "system.sessions"}, {Key: "filter", Value: bson.D{}},
		{Key: "maxTimeMS", Value: int64(1500)}, {Key: "readConcern", Value: bson.D{{Key: "level", Value: "local"}}}}, got)

	got = pinCommand(cmd(t, `{"usersInfo": 1, "showCredentials": false}`), time.Microsecond)
	assert.Equal(t, bson.D{{Key: "usersInfo", Value: int32(1)}, {Key: "showCredentials", Value: false},
		{Key: "maxTimeMS", Value: int64(1)}, {Key: "showCustomData", Value: false}}, got)
	// What is sent still passes the guard (no duplicate key was added).
	require.NoError(t, walkDocument("usersInfo", got, 0))

	got = pinCommand(cmd(t, `{"ping": 1}`), time.Minute)
	assert.Equal(t, bson.D{{Key: "ping", Value: int32(1)}, {Key: "maxTimeMS", Value: int64(60000)}}, got)
}

// Whatever a server returns, usersInfo's credentials and custom data never
// reach results.
func TestScrubUsers(t *testing.T) {
	reply := cmd(t, `{"users": [
		{"user": "a", "db": "admin", "credentials": {"SCRAM-SHA-256": {"storedKey": "c2VjcmV0", "serverKey": "c2VjcmV0"}}, "customData": {"ssn": "123"}, "roles": []},
		{"user": "b", "db": "x", "roles": [{"role": "read", "db": "x"}]}], "ok": 1}`)
	scrubUsers(reply)
	js, err := bson.MarshalExtJSON(reply, false, false)
	require.NoError(t, err)
	assert.NotContains(t, string(js), "credentials")
	assert.NotContains(t, string(js), "storedKey")
	assert.NotContains(t, string(js), "ssn")
	assert.Contains(t, string(js), `"user":"a"`)
	assert.Contains(t, string(js), `"role":"read"`)
}

func TestPinCommandAggregate(t *testing.T) {
	got := pinCommand(cmd(t, `{"aggregate": 1, "pipeline": [{"$currentOp": {}}], "cursor": {}}`), time.Second)
	assert.True(t, hasKey(got, "readConcern"))
	assert.False(t, hasKey(got, "maxTimeMS"), "FerretDB drops the connection on it")
}
