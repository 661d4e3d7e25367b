package mongodb

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/stigscan/stigscan/collectors/internal/dbtarget/dbtargettest"
)

const knownSecret = "Hunter2-not-to-be-seen"

func TestParseURI(t *testing.T) {
	dbtargettest.Run(t, ParseURI, knownSecret, false, []dbtargettest.Case[Endpoint]{
		{Name: "plain", In: "mongodb://scan@db1.example.com:27017/admin",
			Want: Endpoint{User: "scan", Hosts: []string{"db1.example.com:27017"}, Database: "admin"},
			Str:  "mongodb://scan@db1.example.com:27017/admin"},
		{Name: "no user", In: "mongodb://localhost",
			Want: Endpoint{Hosts: []string{"localhost"}}, Str: "mongodb://localhost/"},
		{Name: "replica set with options", In: "mongodb://scan@a:1,b:2/admin?replicaSet=rs0&tls=true",
			Want: Endpoint{User: "scan", Hosts: []string{"a:1", "b:2"}, Database: "admin", Options: []Option{{"replicaSet", "rs0"}, {"tls", "true"}}},
			Str:  "mongodb://scan@a:1,b:2/admin"},
		{Name: "srv", In: "mongodb+srv://scan@cluster0.example.net/?authSource=admin",
			Want: Endpoint{SRV: true, User: "scan", Hosts: []string{"cluster0.example.net"}, Options: []Option{{"authSource", "admin"}}},
			Str:  "mongodb+srv://scan@cluster0.example.net/"},
		{Name: "x509 subject user", In: "mongodb://CN%3Dscanner%2COU%3Dscans@h/?authMechanism=MONGODB-X509",
			Want: Endpoint{User: "CN=scanner,OU=scans", Hosts: []string{"h"}, Options: []Option{{"authMechanism", "MONGODB-X509"}}},
			Str:  "mongodb://CN=scanner%2COU=scans@h/"},
		// Found by FuzzParseURI: a ':' or '@' in a name must be escaped in
		// Describe's form, or it reads back as a password or another host.
		{Name: "colon in user", In: "mongodb://%3A@0",
			Want: Endpoint{User: ":", Hosts: []string{"0"}}, Str: "mongodb://%3A@0/"},
		{Name: "at sign in database", In: "mongodb://h/a%40b%3A",
			Want: Endpoint{Hosts: []string{"h"}, Database: "a@b:"}, Str: "mongodb://h/a%40b%3A"},
		{Name: "password refused", In: "mongodb://scan:" + knownSecret + "@h/admin", ErrIs: ErrPasswordInURI},
		{Name: "empty password refused", In: "mongodb://scan:@h/admin", ErrIs: ErrPasswordInURI},
		{Name: "password with slash refused", In: "mongodb://scan:a/" + knownSecret + "@h/admin", ErrIs: ErrPasswordInURI},
		{Name: "key password option refused", In: "mongodb://h/?tlsCertificateKeyFilePassword=" + knownSecret, ErrIs: ErrPasswordInURI},
		{Name: "aws token refused", In: "mongodb://h/?authMechanismProperties=AWS_SESSION_TOKEN:" + knownSecret, ErrIs: ErrPasswordInURI},
		{Name: "wrong scheme", In: "postgres://h/db", ErrHas: "must start with"},
		{Name: "no host", In: "mongodb:///admin", ErrHas: "no host"},
		{Name: "srv with port", In: "mongodb+srv://h:27017/", ErrHas: "exactly one host"},
		{Name: "bad escape", In: "mongodb://a%zz@h/", ErrHas: "percent-encoded"},
	})
}

func TestDriverURIHasNoUser(t *testing.T) {
	ep, err := ParseURI("mongodb://scan@a:1,b:2/admin?tls=true&replicaSet=rs0")
	require.NoError(t, err)
	assert.Equal(t, "mongodb://a:1,b:2/admin?replicaSet=rs0&tls=true", ep.driverURI())
}

func TestSecretNeverPrints(t *testing.T) {
	s := NewSecret(knownSecret)
	cfg := Config{Password: s}
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("cfg", "cfg", cfg, "pw", s)
	js, err := json.Marshal(cfg)
	require.NoError(t, err)
	for _, out := range []string{
		fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s %q %x %d", s, s, s, s, s, s, s),
		fmt.Sprintf("%v %+v %#v", cfg, cfg, cfg), string(js), logged.String(),
	} {
		assert.NotContains(t, out, knownSecret)
	}
	assert.Equal(t, knownSecret, s.Reveal())
	assert.True(t, Secret{}.IsZero())
}

func TestSecretFromFileAndEnv(t *testing.T) {
	f := t.TempDir() + "/pw"
	require.NoError(t, writeFile(f, knownSecret+"\n"))
	s, err := SecretFromFile(f)
	require.NoError(t, err)
	assert.Equal(t, knownSecret, s.Reveal())
	require.NoError(t, writeFile(f, ""))
	_, err = SecretFromFile(f)
	require.Error(t, err)
	t.Setenv("STIGSCAN_TEST_MDB_PW", knownSecret)
	s, err = SecretFromEnv("STIGSCAN_TEST_MDB_PW")
	require.NoError(t, err)
	assert.Equal(t, knownSecret, s.Reveal())
	_, err = SecretFromEnv("STIGSCAN_TEST_MDB_PW_UNSET")
	require.Error(t, err)
}

func cmd(t *testing.T, js string) bson.D {
	t.Helper()
	var d bson.D
	require.NoError(t, bson.UnmarshalExtJSON([]byte(js), false, &d))
	return d
}

func TestCheckCommand(t *testing.T) {
	tests := []struct {
		name, db, cmd string
		refused       bool
		why           string
	}{
		{name: "getParameter", db: "admin", cmd: `{"getParameter": "*"}`},
		{name: "getCmdLineOpts", db: "admin", cmd: `{"getCmdLineOpts": 1}`},
		{name: "usersInfo", db: "admin", cmd: `{"usersInfo": {"forAllDBs": true}}`},
		{name: "rolesInfo", db: "test", cmd: `{"rolesInfo": 1, "showPrivileges": true, "showBuiltinRoles": true}`},
		{name: "connectionStatus", db: "admin", cmd: `{"connectionStatus": 1}`},
		{name: "serverStatus", db: "admin", cmd: `{"serverStatus": 1}`},
		{name: "buildInfo", db: "admin", cmd: `{"buildInfo": 1}`},
		{name: "hostInfo", db: "admin", cmd: `{"hostInfo": 1}`},
		{name: "listDatabases", db: "admin", cmd: `{"listDatabases": 1, "nameOnly": true}`},
		{name: "listCollections", db: "test", cmd: `{"listCollections": 1, "cursor": {}}`},
		{name: "getLog", db: "admin", cmd: `{"getLog": "global"}`},
		{name: "listSessions", db: "config", cmd: `{"aggregate": "system.sessions", "pipeline": [{"$listSessions": {"allUsers": true}}, {"$sort": {"lastUse": 1}}], "cursor": {}}`},
		{name: "currentOp", db: "admin", cmd: `{"aggregate": 1, "pipeline": [{"$currentOp": {"allUsers": true}}], "cursor": {}}`},
		{name: "currentOp idle sessions (7.x session termination)", db: "admin", cmd: `{"aggregate": 1, "pipeline": [{"$currentOp": {"allUsers": true, "idleSessions": true, "idleConnections": false}}, {"$match": {"type": "idleSession"}}], "cursor": {}}`},
		{name: "find sessions", db: "config", cmd: `{"find": "system.sessions", "filter": {}}`},
		{name: "find authSchema", db: "admin", cmd: `{"find": "system.version", "filter": {"_id": "authSchema"}}`},

		{name: "killSessions", db: "admin", cmd: `{"killSessions": []}`, refused: true, why: "allow-list"},
		{name: "killAllSessions", db: "admin", cmd: `{"killAllSessions": []}`, refused: true, why: "allow-list"},
		{name: "killAllSessionsByPattern", db: "admin", cmd: `{"killAllSessionsByPattern": []}`, refused: true, why: "allow-list"},
		{name: "killOp of what currentOp lists", db: "admin", cmd: `{"killOp": 1, "op": 1234}`, refused: true, why: "allow-list"},
		{name: "abortTransaction of an idle session", db: "admin", cmd: `{"abortTransaction": 1}`, refused: true, why: "allow-list"},
		{name: "setParameter", db: "admin", cmd: `{"setParameter": 1, "localLogicalSessionTimeoutMinutes": 5}`, refused: true, why: "allow-list"},
		{name: "createUser", db: "admin", cmd: `{"createUser": "x", "pwd": "y", "roles": []}`, refused: true, why: "allow-list"},
		{name: "dropDatabase", db: "test", cmd: `{"dropDatabase": 1}`, refused: true, why: "allow-list"},
		{name: "insert", db: "test", cmd: `{"insert": "c", "documents": [{"a": 1}]}`, refused: true, why: "allow-list"},
		{name: "update", db: "test", cmd: `{"update": "c", "updates": [{"q": {}, "u": {"$set": {"a": 1}}}]}`, refused: true, why: "allow-list"},
		{name: "delete", db: "test", cmd: `{"delete": "c", "deletes": [{"q": {}, "limit": 0}]}`, refused: true, why: "allow-list"},
		{name: "eval", db: "admin", cmd: `{"eval": "db.dropDatabase()"}`, refused: true, why: "allow-list"},
		{name: "shutdown", db: "admin", cmd: `{"shutdown": 1}`, refused: true, why: "allow-list"},
		{name: "unknown", db: "admin", cmd: `{"frobnicate": 1}`, refused: true, why: "allow-list"},
		{name: "case variant", db: "admin", cmd: `{"GETPARAMETER": "*"}`, refused: true, why: "allow-list"},
		{name: "getMore from caller", db: "admin", cmd: `{"getMore": {"$numberLong": "1"}, "collection": "c"}`, refused: true, why: "allow-list"},
		{name: "empty", db: "admin", cmd: `{}`, refused: true, why: "empty"},
		{name: "aggregate $out", db: "config", cmd: `{"aggregate": "system.sessions", "pipeline": [{"$listSessions": {}}, {"$out": "copy"}], "cursor": {}}`, refused: true, why: "$out"},
		{name: "aggregate $merge", db: "admin", cmd: `{"aggregate": 1, "pipeline": [{"$currentOp": {}}, {"$merge": {"into": "x"}}], "cursor": {}}`, refused: true, why: "$merge"},
		{name: "aggregate $merge in $facet", db: "admin", cmd: `{"aggregate": 1, "pipeline": [{"$currentOp": {}}, {"$facet": {"a": [{"$merge": {"into": "x"}}]}}], "cursor": {}}`, refused: true, why: "$merge"},
		{name: "aggregate on data", db: "test", cmd: `{"aggregate": "c", "pipeline": [{"$match": {}}], "cursor": {}}`, refused: true, why: "must start"},
		{name: "aggregate empty pipeline", db: "test", cmd: `{"aggregate": "c", "pipeline": [], "cursor": {}}`, refused: true, why: "empty pipeline"},
		{name: "aggregate $function", db: "admin", cmd: `{"aggregate": 1, "pipeline": [{"$currentOp": {}}, {"$addFields": {"x": {"$function": {"body": "f", "args": [], "lang": "js"}}}}], "cursor": {}}`, refused: true, why: "JavaScript"},
		{name: "find elsewhere", db: "test", cmd: `{"find": "customers"}`, refused: true, why: "may read only"},
		{name: "find users collection", db: "admin", cmd: `{"find": "system.users"}`, refused: true, why: "may read only"},
		{name: "find $where", db: "config", cmd: `{"find": "system.sessions", "filter": {"$where": "sleep(1000)"}}`, refused: true, why: "JavaScript"},
		{name: "usersInfo credentials", db: "admin", cmd: `{"usersInfo": 1, "showCredentials": true}`, refused: true, why: "password hashes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckCommand(tc.db, cmd(t, tc.cmd))
			if !tc.refused {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrRefused)
			assert.Contains(t, err.Error(), tc.why)
		})
	}
}

func TestLookup(t *testing.T) {
	doc := cmd(t, `{"users": [
		{"user": "a", "db": "admin", "roles": [{"role": "root", "db": "admin"}, {"role": "read", "db": "x"}]},
		{"user": "b", "db": "x", "roles": []}],
		"n": {"$numberInt": "3"}, "f": {"$numberDouble": "1.5"}, "t": true, "nil": null,
		"when": {"$date": {"$numberLong": "1632440083951"}},
		"id": {"$binary": {"base64": "s7UGQVTGTW2pbqIjn63OPA==", "subType": "04"}},
		"sub": {"k": "v"}}`)
	tests := []struct {
		path string
		want []Value
	}{
		{"users.roles.role", []Value{{"users.roles.role", "users.0.roles.0.role", "root", "string", false}, {"users.roles.role", "users.0.roles.1.role", "read", "string", false}}},
		{"users.1.user", []Value{{"users.user", "users.1.user", "b", "string", false}}},
		{"users.7.user", nil},
		{"n", []Value{{"n", "n", "3", "int", false}}},
		{"f", []Value{{"f", "f", "1.5", "float", false}}},
		{"t", []Value{{"t", "t", "true", "boolean", false}}},
		{"nil", []Value{{"nil", "nil", "", "string", true}}},
		{"when", []Value{{"when", "when", "2021-09-23T23:34:43.951Z", "string", false}}},
		{"id", []Value{{"id", "id", "b3b50641-54c6-4d6d-a96e-a2239fadce3c", "string", false}}},
		{"sub", []Value{{"sub", "sub", `{"k":"v"}`, "string", false}}},
		{"missing.path", nil},
	}
	walked := Walk(cmd(t, `{"a": {"b": [1, {"c": true}]}}`))
	var paths []string
	for _, v := range walked {
		paths = append(paths, v.Path+"@"+v.Location+"="+v.Text)
	}
	assert.Equal(t, []string{`a@a={"b":[1,{"c":true}]}`, "a.b@a.b.0=1", `a.b@a.b.1={"c":true}`, "a.b.c@a.b.1.c=true"}, paths)
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			assert.Equal(t, tc.want, Lookup(doc, tc.path))
		})
	}
}

const sampleConf = `# mongod.conf
storage:
  dbPath: /var/lib/mongo
  journal:
    enabled: true
net:
  port: 27017
  bindIp: 127.0.0.1
  tls:
    mode: requireTLS
    certificateKeyFile: /etc/ssl/mongodb.pem
    allowInvalidCertificates: False
  http: {}
security:
  authorization: enabled
  javascriptEnabled: false
setParameter:
  authenticationMechanisms: SCRAM-SHA-256
  localLogicalSessionTimeoutMinutes: 15
auditLog:
  destination: file
  path: /var/log/mongodb/audit/auditLog.bson
  filter: '{ atype: { $in: [ "createCollection" ] } }'
systemLog.path: /var/log/mongodb/mongod.log
list: [a, b]
empty:
`

func TestParseConf(t *testing.T) {
	c, err := ParseConf([]byte(sampleConf), "/etc/mongod.conf")
	require.NoError(t, err)
	get := func(p string) []string {
		var out []string
		for _, s := range c.Get(p) {
			out = append(out, s.Text+"|"+s.Datatype)
		}
		return out
	}
	assert.Equal(t, []string{"true|boolean"}, get("storage.journal.enabled"))
	assert.Equal(t, []string{"27017|int"}, get("net.port"))
	assert.Equal(t, []string{"false|boolean"}, get("net.tls.allowInvalidCertificates"))
	assert.Equal(t, []string{"{}|string"}, get("net.http"), "an empty section is still present")
	assert.Equal(t, []string{"enabled|string"}, get("security.authorization"))
	assert.Equal(t, []string{"15|int"}, get("setParameter.localLogicalSessionTimeoutMinutes"))
	assert.Equal(t, []string{`{ atype: { $in: [ "createCollection" ] } }|string`}, get("auditLog.filter"))
	assert.Equal(t, []string{"/var/log/mongodb/mongod.log|string"}, get("systemLog.path"), "dotted keys are options too")
	assert.Equal(t, []string{"a|string", "b|string"}, get("list"))
	assert.True(t, c.Get("empty")[0].Null)
	assert.Equal(t, 5, c.Get("storage.journal.enabled")[0].Line)
	assert.True(t, c.Get("net.tls")[0].Section)

	_, err = ParseConf([]byte("- a\n- b\n"), "x")
	require.Error(t, err)
	_, err = ParseConf([]byte("a: [\n"), "x")
	require.Error(t, err)
	empty, err := ParseConf(nil, "x")
	require.NoError(t, err)
	assert.Empty(t, empty.Settings)
}

func TestConfFromCmdLine(t *testing.T) {
	parsed := cmd(t, `{"config": "/etc/mongod.conf", "net": {"port": {"$numberInt": "27017"}, "tls": {"mode": "requireTLS", "FIPSMode": true}},
		"setParameter": {"localLogicalSessionTimeoutMinutes": "15"}, "storage": {"journal": {"enabled": true}}}`)
	c := ConfFromCmdLine(parsed)
	assert.Equal(t, SourceCmdLine, c.Source)
	assert.Equal(t, "true", c.Get("net.tls.FIPSMode")[0].Text)
	assert.Equal(t, "boolean", c.Get("net.tls.FIPSMode")[0].Datatype)
	assert.Equal(t, "27017", c.Get("net.port")[0].Text)
	assert.Equal(t, "15", c.Get("setParameter.localLogicalSessionTimeoutMinutes")[0].Text)
	assert.True(t, c.Has("net.tls"))
	assert.False(t, c.Has("net.http"))
}

func TestIdleSessions(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	ss := []Session{
		{ID: "a", LastUse: now.Add(-2 * time.Hour)},
		{ID: "b", LastUse: now.Add(-10 * time.Minute)},
		{ID: "c", LastUse: now.Add(time.Minute)}, // clock skew: not idle
	}
	idle := IdleSessions(ss, now, 30*time.Minute)
	require.Len(t, idle, 1)
	assert.Equal(t, "a", idle[0].ID)
	assert.Equal(t, time.Duration(0), ss[2].Idle(now))
}

func TestCommandErrors(t *testing.T) {
	u := &UnsupportedError{Command: "rolesInfo", Server: "no such command"}
	assert.ErrorIs(t, u, ErrUnsupported)
	p := &PrivilegeError{What: "usersInfo", Server: "not authorized"}
	assert.ErrorIs(t, p, ErrPrivilege)
	assert.True(t, IsNotCollected(p))
	assert.False(t, errors.Is(u, ErrPrivilege))
}

func TestConfigDefaults(t *testing.T) {
	c, err := Config{}.withDefaults()
	require.NoError(t, err)
	assert.Equal(t, DefaultConnectTimeout, c.ConnectTimeout)
	assert.Equal(t, DefaultCommandTimeout, c.CommandTimeout)
	assert.NotNil(t, c.Logger)
	c, err = Config{AuthMechanism: "scram-sha-256", ConnectTimeout: time.Second, CommandTimeout: 2 * time.Second}.withDefaults()
	require.NoError(t, err)
	assert.Equal(t, MechanismSCRAMSHA256, c.AuthMechanism)
	assert.Equal(t, time.Second, c.ConnectTimeout)
	assert.Equal(t, 2*time.Second, c.CommandTimeout)
	_, err = Config{AuthMechanism: "GSSAPI"}.withDefaults()
	require.Error(t, err)
}

// The driver gets the timeouts, the credential and direct connection
// from the endpoint and Config; the URI it parses has no user.
func TestClientOptions(t *testing.T) {
	ep, err := ParseURI("mongodb://scan@db:27017/admin")
	require.NoError(t, err)
	cfg, err := Config{Password: NewSecret(knownSecret), ConnectTimeout: 3 * time.Second}.withDefaults()
	require.NoError(t, err)
	opts, err := clientOptions(ep, cfg)
	require.NoError(t, err)
	require.NotNil(t, opts.Auth)
	assert.Equal(t, "scan", opts.Auth.Username)
	assert.Equal(t, "admin", opts.Auth.AuthSource)
	assert.Equal(t, 3*time.Second, *opts.ConnectTimeout)
	assert.Equal(t, 3*time.Second, *opts.ServerSelectionTimeout)
	require.NotNil(t, opts.Direct)
	assert.True(t, *opts.Direct, "one host without replicaSet is reached directly")

	rs, err := ParseURI("mongodb://scan@a,b/?replicaSet=rs0&authSource=users")
	require.NoError(t, err)
	opts, err = clientOptions(rs, cfg)
	require.NoError(t, err)
	assert.Nil(t, opts.Direct)
	assert.Equal(t, "users", opts.Auth.AuthSource)

	x509, err := ParseURI("mongodb://db/?authMechanism=MONGODB-X509")
	require.NoError(t, err)
	opts, err = clientOptions(x509, Config{TLSCertificateKeyFile: "/nonexistent.pem"})
	require.Error(t, err, "the certificate file is read when the options are built")
	assert.Contains(t, err.Error(), "/nonexistent.pem")
}
