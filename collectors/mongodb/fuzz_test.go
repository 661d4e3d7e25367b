package mongodb

import (
	"os"
	"path/filepath"
	"testing"

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
