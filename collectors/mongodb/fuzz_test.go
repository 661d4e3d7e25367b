package mongodb

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Parsers never panic, whatever they are given. Seeds: the unit tests'
// inputs and the mongod.conf files of the probe fixtures.

func FuzzParseConf(f *testing.F) {
	f.Add([]byte(sampleConf))
	for _, set := range []string{"stig-pass", "stig-fail"} {
		if data, err := os.ReadFile(filepath.Join("..", "..", "oval", "probes", "mongodb", "testdata", set, "files", "etc", "mongod.conf")); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("a: &x {b: *x}\n"))
	f.Add([]byte("net.tls: {mode: requireTLS}\nnet: {port: 1}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConf(data, "fuzz")
		if err == nil {
			for _, s := range c.Settings {
				_ = c.Get(s.Path)
			}
		}
	})
}

func FuzzParseURI(f *testing.F) {
	for _, s := range []string{
		"mongodb://scan@db1.example.com:27017/admin", "mongodb+srv://scan@cluster0.example.net/?authSource=admin",
		"mongodb://CN%3Dscanner%2COU%3Dscans@h/?authMechanism=MONGODB-X509", "mongodb://scan:pw@h/admin",
		"mongodb://a%zz@h/", "mongodb://h/?tlsCertificateKeyFilePassword=x", "mongodb://@/", "mongodb://a@b@c/d?e=f&g",
		"mongodb://%3A@0", "mongodb://h/a%40b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ep, err := ParseURI(s)
		if err != nil {
			return
		}
		_ = ep.String()
		_ = ep.driverURI()
		if again, err := ParseURI(ep.String()); err != nil || again.User != ep.User || len(again.Hosts) != len(ep.Hosts) {
			t.Errorf("Describe form %q of %q does not parse back the same (%v)", ep.String(), s, err)
		}
	})
}

func FuzzCheckCommandAndLookup(f *testing.F) {
	for _, s := range []string{
		`{"getParameter": "*"}`, `{"aggregate": "system.sessions", "pipeline": [{"$listSessions": {}}, {"$out": "x"}], "cursor": {}}`,
		`{"find": "system.sessions", "filter": {"$where": "1"}}`, `{"usersInfo": 1, "showCredentials": true}`,
		`{"users": [{"roles": [{"role": "root"}]}], "n": {"$numberLong": "1"}}`,
	} {
		f.Add(s, "admin", "users.roles.role")
	}
	f.Fuzz(func(t *testing.T, js, db, path string) {
		var d bson.D
		if err := bson.UnmarshalExtJSON([]byte(js), false, &d); err != nil {
			return
		}
		_ = CheckCommand(db, d)
		_ = Lookup(d, path)
		_ = Walk(d)
		_ = ConfFromCmdLine(d)
	})
}

// A command the guard accepts holds no repeated key, no writing or
// JavaScript operator, no stage outside the allow-list at a stage's
// place, and reads no collection but the two find may read; what the
// target sends for it passes the same checks.
func FuzzCheckCommandGuard(f *testing.F) {
	for _, s := range []string{
		`{"aggregate": 1, "pipeline": [{"$currentOp": {"allUsers": true}}, {"$unionWith": "system.users"}], "cursor": {}}`,
		`{"aggregate": 1, "pipeline": [{"$listLocalSessions": {}}, {"$lookup": {"from": "system.keys", "pipeline": [], "as": "k"}}], "cursor": {}}`,
		`{"aggregate": 1, "pipeline": [{"$currentOp": {}}, {"$facet": {"a": [{"$facet": {"b": [{"$unionWith": {"coll": "system.version", "pipeline": [{"$match": {"x": 1}}]}}]}}]}}], "cursor": {}}`,
		`{"aggregate": 1, "pipeline": [{"$currentOp": {}}], "pipeline": [{"$match": {}}], "cursor": {}}`,
		`{"aggregate": 1, "pipeline": [{"$currentOp": {}}, {"$lookup": {"from": {"db": "admin", "coll": "system.users"}, "pipeline": [], "as": "u"}}]}`,
		`{"find": "system.version", "filter": {"_id": "authSchema", "$where": "1"}}`,
		`{"usersInfo": {"forAllDBs": true}, "showCredentials": false}`,
		`{"getParameter": 1, "authenticationMechanisms": 1}`,
		`{"serverStatus": 1, "$db": "x"}`,
	} {
		f.Add(s, "admin")
	}
	f.Fuzz(func(t *testing.T, js, db string) {
		var d bson.D
		if err := bson.UnmarshalExtJSON([]byte(js), false, &d); err != nil {
			return
		}
		if CheckCommand(db, d) != nil {
			return
		}
		if err := CheckCommand(db, pinCommand(d, time.Second)); err != nil && !strings.Contains(err.Error(), "argument") {
			t.Fatalf("the pinned form of an accepted command is refused for another reason: %v", err)
		}
		reads := func(s string) {
			if !findable(db + "." + s) {
				t.Fatalf("accepted a read of %s.%s in %s", db, s, js)
			}
		}
		if s, ok := d[0].Value.(string); ok && d[0].Key == "find" {
			reads(s)
		}
		var walk func(v any, parent string)
		walk = func(v any, parent string) {
			switch v := v.(type) {
			case bson.D:
				seen := map[string]bool{}
				for _, e := range v {
					if seen[e.Key] {
						t.Fatalf("accepted a repeated key %q in %s", e.Key, js)
					}
					seen[e.Key] = true
					switch e.Key {
					case "$out", "$merge", "$where", "$function", "$accumulator", "$changeStream", "$documents", "$collStats":
						t.Fatalf("accepted %s in %s", e.Key, js)
					}
					s, isString := e.Value.(string)
					switch {
					case e.Key == "$unionWith" && isString,
						e.Key == "coll" && parent == "$unionWith",
						e.Key == "from" && (parent == "$lookup" || parent == "$graphLookup"):
						if !isString {
							t.Fatalf("accepted a %s.%s that is not a collection name in %s", parent, e.Key, js)
						}
						reads(s)
					}
					walk(e.Value, e.Key)
				}
			case bson.A:
				for _, x := range v {
					walk(x, parent)
				}
			}
		}
		walk(d, "")
	})
}
