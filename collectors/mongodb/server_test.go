package mongodb

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/local"
	"github.com/stigscan/stigscan/internal/testferret"
	"github.com/stigscan/stigscan/internal/testlog"
)

// These tests talk to a real MongoDB-protocol server (FerretDB, started by
// internal/testferret); they are skipped, saying so, when it is absent.

func TestMain(m *testing.M) { os.Exit(testferret.Main(m)) }

func openFerret(t *testing.T, s *testferret.Server, cfg Config, files host.Host) *Target {
	t.Helper()
	if cfg.Password.IsZero() && cfg.AuthMechanism == "" {
		cfg.Password = NewSecret(testferret.Password)
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = slowLogin
	}
	tg, err := Open(context.Background(), s.URI(), cfg, files)
	require.NoError(t, err)
	t.Cleanup(func() { _ = tg.Close() })
	return tg
}

// slowLogin is the ConnectTimeout of logins that must succeed: no test
// waits for it to expire, and a loaded machine can take many seconds for a
// TLS handshake and SCRAM login.
const slowLogin = 2 * time.Minute

// refusalBound is the ConnectTimeout of logins that must fail for their
// own reason. The driver reports some refusals (a TLS handshake the server
// or the client rejects) only when server selection gives up, at the
// connect timeout, so it is not minutes; yet it must leave the handshake
// time to fail rather than to time out: ten times what a healthy TLS login
// with a client certificate takes here and now, plus slack.
func refusalBound(t *testing.T, s *testferret.Server) time.Duration {
	t.Helper()
	start := time.Now()
	tg, err := Open(context.Background(), s.TLSURI(), Config{Password: NewSecret(testferret.Password),
		TLSCAFile: s.CAFile, TLSCertificateKeyFile: s.ClientCertKeyFile, ConnectTimeout: slowLogin}, nil)
	require.NoError(t, err)
	d := time.Since(start)
	require.NoError(t, tg.Close())
	bound := (10*d + 3*time.Second).Round(time.Second)
	t.Logf("healthy TLS login: %s; connect timeout of refusals %s", d.Round(time.Millisecond), bound)
	return bound
}

func TestOpenDescribeAndFacts(t *testing.T) {
	s := testferret.Start(t)
	tg := openFerret(t, s, Config{}, nil)
	assert.Equal(t, s.URI(), tg.Describe())
	assert.NotContains(t, tg.Describe(), testferret.Password)
	assert.NotEmpty(t, tg.ServerVersion())
	f, err := tg.Facts(context.Background())
	require.NoError(t, err)
	assert.NotEmpty(t, f.Hostname, "from hostInfo when the machine cannot be read")
	assert.NotEmpty(t, f.OS)
	_, err = tg.ReadFile(context.Background(), "/etc/mongod.conf")
	assert.ErrorIs(t, err, host.ErrNotCollected)
	assert.False(t, tg.IsLive())
	require.NoError(t, tg.Close())
	_, err = tg.RunCommand(context.Background(), "admin", []byte(`{"ping": 1}`))
	assert.ErrorIs(t, err, ErrClosed)
}

func TestOpenTLSWithClientCertificate(t *testing.T) {
	s := testferret.Start(t)
	pw := NewSecret(testferret.Password)
	tests := []struct {
		name string
		cfg  Config
		// errHas: the error holds one of these. Under TLS 1.3 the
		// server's "certificate required" alert reaches the client only
		// on its first read, and the driver's server selection retries
		// until the connect timeout, reporting its last attempt's error:
		// the alert, or that attempt's read cut short by the deadline.
		errHas []string
	}{
		{name: "CA and client certificate", cfg: Config{Password: pw, TLSCAFile: s.CAFile, TLSCertificateKeyFile: s.ClientCertKeyFile}},
		{name: "no client certificate", cfg: Config{Password: pw, TLSCAFile: s.CAFile}, errHas: []string{"certificate", "incomplete read of message header"}},
		{name: "server not trusted", cfg: Config{Password: pw, TLS: true, TLSCertificateKeyFile: s.ClientCertKeyFile}, errHas: []string{"certificate"}},
	}
	refusal := refusalBound(t, s)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.ConnectTimeout = slowLogin
			if tc.errHas != nil {
				tc.cfg.ConnectTimeout = refusal
			}
			tg, err := Open(context.Background(), s.TLSURI(), tc.cfg, nil)
			if tc.errHas != nil {
				require.Error(t, err)
				assert.True(t, slices.ContainsFunc(tc.errHas, func(w string) bool { return strings.Contains(err.Error(), w) }),
					"%q holds none of %q", err.Error(), tc.errHas)
				assert.NotContains(t, err.Error(), testferret.Password)
				return
			}
			require.NoError(t, err)
			defer tg.Close()
			cs, err := ConnectionStatus(context.Background(), tg)
			require.NoError(t, err)
			assert.Equal(t, []RoleRef{{Role: testferret.User, DB: "admin"}}, cs.Users)
		})
	}
}

func TestOpenRefusals(t *testing.T) {
	s := testferret.Start(t)
	tests := []struct {
		name    string
		uri     string
		cfg     Config
		wantErr error
		errHas  string
	}{
		{name: "wrong password", uri: s.URI(), cfg: Config{Password: NewSecret("wrong-" + testferret.Password)}, wantErr: ErrAuth},
		{name: "password in URI", uri: strings.Replace(s.URI(), "scanner@", "scanner:"+testferret.Password+"@", 1), wantErr: ErrPasswordInURI},
		{name: "user without password", uri: s.URI(), errHas: "needs a password"},
		{name: "x509 without certificate", uri: s.URI(), cfg: Config{AuthMechanism: "mongodb-x509"}, errHas: "client certificate"},
		{name: "unknown mechanism", uri: s.URI(), cfg: Config{AuthMechanism: "PLAIN"}, errHas: "AuthMechanism"},
	}
	refusal := refusalBound(t, s)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.ConnectTimeout = refusal
			_, err := Open(context.Background(), tc.uri, tc.cfg, nil)
			require.Error(t, err)
			if tc.wantErr != nil {
				assert.ErrorIs(t, err, tc.wantErr)
			}
			assert.Contains(t, err.Error(), tc.errHas)
			assert.NotContains(t, err.Error(), testferret.Password)
		})
	}
}

// FerretDB does not implement MONGODB-X509 authentication: the
// certificate is accepted by TLS and the login is refused by the server.
func TestX509AgainstServerWithoutIt(t *testing.T) {
	s := testferret.Start(t)
	_, err := Open(context.Background(), strings.Replace(s.TLSURI(), testferret.User+"@", "", 1), Config{
		AuthMechanism: MechanismX509, TLSCAFile: s.CAFile, TLSCertificateKeyFile: s.ClientCertKeyFile, ConnectTimeout: refusalBound(t, s),
	}, nil)
	require.Error(t, err, "FerretDB v1 has no MONGODB-X509 authentication")
	assert.Contains(t, err.Error(), "authenticate", "the certificate got through TLS; the server refused the mechanism")
}

// Refused commands never reach the server: the server's own command
// counters do not move, and the data written before is untouched.
func TestRefusedCommandsNeverReachTheServer(t *testing.T) {
	s := testferret.Start(t)
	s.Run(t, "refusals", bson.D{{Key: "insert", Value: "c"}, {Key: "documents", Value: bson.A{bson.D{{Key: "a", Value: 1}}}}})
	tg := openFerret(t, s, Config{}, nil)
	ctx := context.Background()
	counters := func() map[string]string {
		st, err := ServerStatus(ctx, tg)
		require.NoError(t, err)
		out := map[string]string{}
		for _, v := range Lookup(st, "metrics.commands") {
			d := cmd(t, v.Text)
			for _, e := range d {
				out[e.Key] = fmt.Sprint(e.Value)
			}
		}
		return out
	}
	before := counters()
	refused := []struct{ db, cmd string }{
		{"admin", `{"killSessions": []}`},
		{"admin", `{"killAllSessions": []}`},
		{"admin", `{"setParameter": 1, "localLogicalSessionTimeoutMinutes": 5}`},
		{"admin", `{"createUser": "intruder", "pwd": "x", "roles": []}`},
		{"refusals", `{"dropDatabase": 1}`},
		{"refusals", `{"insert": "c", "documents": [{"a": 2}]}`},
		{"refusals", `{"update": "c", "updates": [{"q": {}, "u": {"$set": {"a": 3}}}]}`},
		{"refusals", `{"delete": "c", "deletes": [{"q": {}, "limit": 0}]}`},
		{"refusals", `{"aggregate": "c", "pipeline": [{"$match": {}}, {"$out": "d"}], "cursor": {}}`},
		{"config", `{"aggregate": "system.sessions", "pipeline": [{"$listSessions": {}}, {"$merge": {"into": "d"}}], "cursor": {}}`},
		{"admin", `{"eval": "1"}`},
		{"refusals", `{"find": "c"}`},
		{"admin", `{"frobnicate": 1}`},
		// Reproduced against the old guard.
		{"admin", `{"aggregate": 1, "pipeline": [{"$currentOp": {}}, {"$unionWith": "system.users"}], "cursor": {}}`},
		{"admin", `{"aggregate": 1, "pipeline": [{"$listLocalSessions": {}}, {"$lookup": {"from": "system.keys", "pipeline": [], "as": "k"}}], "cursor": {}}`},
		{"admin", `{"aggregate": 1, "pipeline": [{"$currentOp": {}}, {"$facet": {"a": [{"$unionWith": "system.users"}]}}], "cursor": {}}`},
		{"admin", `{"aggregate": 1, "pipeline": [{"$currentOp": {}}], "pipeline": [{"$unionWith": "system.users"}], "cursor": {}}`},
		{"admin", `{"usersInfo": 1, "showCredentials": true}`},
	}
	for _, r := range refused {
		_, err := tg.RunCommand(ctx, r.db, []byte(r.cmd))
		require.ErrorIs(t, err, ErrRefused, r.cmd)
	}
	after := counters()
	for _, name := range []string{"killSessions", "killAllSessions", "setParameter", "createUser", "dropDatabase", "insert", "update", "delete", "aggregate", "eval", "find", "frobnicate"} {
		assert.Equal(t, before[name], after[name], "the server counted %s", name)
	}
	n := s.Run(t, "refusals", bson.D{{Key: "count", Value: "c"}}).Lookup("n")
	assert.Equal(t, "1", fmt.Sprint(n.AsInt64()))
	users, err := Users(ctx, tg)
	require.NoError(t, err)
	for _, u := range users {
		assert.NotEqual(t, "intruder", u.User)
	}
}

// What RunCommand sends carries the target's maxTimeMS and read concern,
// and usersInfo's reply holds no credentials or custom data.
func TestPinnedCommandsOnTheServer(t *testing.T) {
	s := testferret.Start(t)
	tg := openFerret(t, s, Config{}, nil)
	ctx := context.Background()
	for _, c := range []struct{ db, cmd string }{
		{"admin", `{"ping": 1}`},
		{"admin", `{"buildInfo": 1}`},
		{"admin", `{"getCmdLineOpts": 1}`},
		{"admin", `{"getParameter": "*"}`},
		{"admin", `{"serverStatus": 1}`},
		{"admin", `{"connectionStatus": 1}`},
		{"admin", `{"listDatabases": 1, "nameOnly": true}`},
		{"admin", `{"find": "system.version", "filter": {"_id": "authSchema"}}`},
	} {
		_, err := tg.RunCommand(ctx, c.db, []byte(c.cmd))
		assert.NoError(t, err, c.cmd)
	}
	reply, err := tg.RunCommand(ctx, "admin", []byte(`{"usersInfo": {"forAllDBs": true}}`))
	require.NoError(t, err)
	assert.Contains(t, string(reply), testferret.User)
	assert.NotContains(t, string(reply), `"credentials"`)
	assert.NotContains(t, string(reply), `"customData"`)
	assert.NotContains(t, string(reply), "storedKey")
	// The harness's user is not a least-privileged one; what Warnings
	// says is whatever connectionStatus reports for it, never a failure.
	t.Logf("warnings: %q", tg.Warnings())
}

func TestCollectionHelpers(t *testing.T) {
	s := testferret.Start(t)
	ctx := context.Background()
	s.Run(t, "shop", bson.D{{Key: "create", Value: "orders"}})
	s.Run(t, "shop", bson.D{{Key: "create", Value: "items"}})
	tg := openFerret(t, s, Config{}, nil)

	params, err := Parameters(ctx, tg)
	require.NoError(t, err)
	var names []string
	for _, p := range params {
		names = append(names, p.Name)
	}
	assert.Contains(t, names, "authenticationMechanisms")
	assert.IsIncreasing(t, names)

	cl, err := CmdLineOpts(ctx, tg)
	require.NoError(t, err)
	assert.Equal(t, []string{"ferretdb"}, cl.Argv)
	assert.Equal(t, SourceCmdLine, cl.Parsed.Source)

	users, err := Users(ctx, tg)
	require.NoError(t, err)
	var scanner *User
	for i := range users {
		if users[i].ID() == "admin."+testferret.User {
			scanner = &users[i]
		}
	}
	require.NotNil(t, scanner, "users: %v", users)
	assert.Contains(t, scanner.Mechanisms, "SCRAM-SHA-256")

	cs, err := ConnectionStatus(ctx, tg)
	require.NoError(t, err)
	assert.Equal(t, []RoleRef{{Role: testferret.User, DB: "admin"}}, cs.Users)

	bi, err := BuildInfo(ctx, tg)
	require.NoError(t, err)
	assert.Equal(t, tg.ServerVersion(), bi.Version)

	dbs, err := Databases(ctx, tg)
	require.NoError(t, err)
	assert.Contains(t, dbs, "shop")
	colls, err := Collections(ctx, tg, "shop")
	require.NoError(t, err)
	require.Len(t, colls, 2)
	assert.Equal(t, "items", colls[0].Name)
	assert.Equal(t, "", colls[0].Validator)

	st, err := ServerStatus(ctx, tg)
	require.NoError(t, err)
	assert.NotEmpty(t, Lookup(st, "version"))

	_, found, err := AuthSchemaVersion(ctx, tg)
	require.NoError(t, err)
	assert.False(t, found, "FerretDB keeps no admin.system.version document")
}

// A reply with an open cursor comes back whole.
func TestCursorIsDrained(t *testing.T) {
	s := testferret.Start(t)
	for i := range 7 {
		s.Run(t, "many", bson.D{{Key: "create", Value: fmt.Sprintf("c%d", i)}})
	}
	tg := openFerret(t, s, Config{}, nil)
	reply, err := tg.RunCommand(context.Background(), "many", []byte(`{"listCollections": 1, "cursor": {"batchSize": 2}}`))
	require.NoError(t, err)
	d, err := DecodeReply(reply)
	require.NoError(t, err)
	assert.Len(t, Lookup(d, "cursor.firstBatch.name"), 7)
	assert.Equal(t, "0", Lookup(d, "cursor.id")[0].Text)
}

// FerretDB has no rolesInfo and no $listSessions: the helpers say the
// server does not support them.
func TestUnsupportedCommands(t *testing.T) {
	s := testferret.Start(t)
	tg := openFerret(t, s, Config{}, nil)
	ctx := context.Background()
	_, err := Roles(ctx, tg, "admin")
	require.ErrorIs(t, err, ErrUnsupported)
	assert.Contains(t, err.Error(), "does not support rolesInfo")
	_, err = Sessions(ctx, tg)
	require.ErrorIs(t, err, ErrUnsupported)
	assert.Contains(t, err.Error(), "does not support aggregate $listSessions")
	// FerretDB's users hold no roles, so resolving grants needs no
	// rolesInfo and finds none.
	grants, err := Grants(ctx, tg)
	require.NoError(t, err)
	assert.Empty(t, grants)
}

func TestConfFromTheFilesHost(t *testing.T) {
	s := testferret.Start(t)
	root := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(root, "etc"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "etc", "mongod.conf"), []byte(sampleConf), 0o600))
	files, err := local.NewRoot(root)
	require.NoError(t, err)
	tg := openFerret(t, s, Config{}, files)
	assert.Equal(t, DefaultConfFile, tg.ConfPath(context.Background()), "FerretDB names no config file")
	c, err := tg.Conf(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "requireTLS", c.Get("net.tls.mode")[0].Text)

	other := openFerret(t, s, Config{ConfFile: "/etc/other.conf"}, files)
	_, err = other.Conf(context.Background())
	require.ErrorIs(t, err, os.ErrNotExist)
}

// Nothing the target writes holds the password: errors, logs at debug
// level, Describe, facts.
func TestPasswordNeverLeaks(t *testing.T) {
	s := testferret.Start(t)
	var sink testlog.Sink
	tg := openFerret(t, s, Config{Logger: sink.Text()}, nil)
	ctx := context.Background()
	var outputs []string
	add := func(v any, err error) {
		outputs = append(outputs, fmt.Sprintf("%+v", v))
		if err != nil {
			outputs = append(outputs, err.Error())
		}
	}
	add(Parameters(ctx, tg))
	add(Users(ctx, tg))
	add(CmdLineOpts(ctx, tg))
	add(Roles(ctx, tg, "admin"))
	add(Sessions(ctx, tg))
	add(tg.Facts(ctx))
	add(tg.RunCommand(ctx, "admin", []byte(`{"createUser": "x", "pwd": "y"}`)))
	_, err := Open(ctx, s.URI(), Config{Password: NewSecret(testferret.Password + "-wrong"), Logger: sink.Text(), ConnectTimeout: refusalBound(t, s)}, nil)
	add(nil, err)
	outputs = append(outputs, tg.Describe(), sink.String(), fmt.Sprintf("%+v", tg.cfg))
	require.NotEmpty(t, sink.String())
	for _, o := range outputs {
		assert.NotContains(t, o, testferret.Password)
	}
	assert.False(t, errors.Is(err, ErrUnsupported))
}
