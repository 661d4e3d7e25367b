package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/internal/sqlguard"
	"github.com/stigscan/stigscan/collectors/local"
	"github.com/stigscan/stigscan/internal/testlog"
	"github.com/stigscan/stigscan/internal/testpg"
)

// These tests run against a real PostgreSQL 15 started by internal/testpg.

func TestMain(m *testing.M) { os.Exit(testpg.Main(m)) }

type opened struct {
	*Target
	log *testlog.Sink
}

// openAs opens the test database as role (password testpg.Password) with
// the local machine as the files host unless cfg says otherwise.
func openAs(t *testing.T, db *testpg.DB, role string, cfg Config, files host.Host) opened {
	t.Helper()
	ep, err := ParseTarget(fmt.Sprintf("postgres://%s@%s:%d/%s?sslmode=disable", role, db.Host, db.Port, db.Name))
	require.NoError(t, err)
	if cfg.Password.IsZero() {
		cfg.Password = secretOf(t, db.Password)
	}
	if cfg.ConnectTimeout == 0 {
		// Generous: these logins must succeed, and a loaded machine
		// can take many seconds for one.
		cfg.ConnectTimeout = 2 * time.Minute
	}
	sink := &testlog.Sink{}
	cfg.Logger = sink.JSON()
	if files == nil {
		files = local.New()
	}
	tg, err := Open(context.Background(), ep, cfg, files)
	require.NoError(t, err)
	t.Cleanup(func() { _ = tg.Close() })
	return opened{Target: tg, log: sink}
}

func secretOf(t *testing.T, v string) Secret {
	t.Helper()
	name := "STIGSCAN_PG_TEST_PASSWORD"
	t.Setenv(name, v)
	s, err := SecretFromEnv(name)
	require.NoError(t, err)
	return s
}

func TestOpenDescribeAndFacts(t *testing.T) {
	db := testpg.Start(t)
	tg := openAs(t, db, db.User, Config{}, host.Unavailable{Name: "dbhost", Reason: "no SSH access"})
	assert.Equal(t, fmt.Sprintf("postgres://%s@127.0.0.1:%d/%s", db.User, db.Port, db.Name), tg.Describe())
	assert.NotContains(t, tg.Describe(), db.Password)
	assert.Equal(t, "postgresql", tg.SQLEngine())
	assert.True(t, strings.HasPrefix(tg.ServerVersion(), "15."), tg.ServerVersion())
	assert.GreaterOrEqual(t, tg.ServerVersionNum(), 150000)
	assert.False(t, tg.TLS(), "sslmode=disable")
	assert.False(t, tg.IsLive(), "the files host is unavailable")

	f, err := tg.Facts(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []string{"127.0.0.1"}, f.IPv4, "the address the server accepted the connection on")
	assert.Empty(t, f.Hostname, "an IP address names no host")

	_, err = tg.ReadFile(context.Background(), "/etc/hostname")
	assert.ErrorIs(t, err, host.ErrNotCollected)
	_, err = tg.Run(context.Background(), "id")
	assert.ErrorIs(t, err, host.ErrNotCollected)

	// With the local machine as files host, files and facts come from it.
	tl := openAs(t, db, db.User, Config{}, nil)
	assert.True(t, tl.IsLive())
	b, err := tl.ReadFile(context.Background(), db.HBAFile)
	require.NoError(t, err)
	assert.Equal(t, testpg.HBA, string(b))
	lf, err := local.New().Facts(context.Background())
	require.NoError(t, err)
	f, err = tl.Facts(context.Background())
	require.NoError(t, err)
	assert.Equal(t, lf.Hostname, f.Hostname)

	require.NoError(t, tl.Close())
	require.NoError(t, tl.Close(), "Close twice is fine")
	_, _, err = tl.QueryRows(context.Background(), "SELECT 1")
	assert.ErrorIs(t, err, ErrClosed)
}

func TestOpenOverUnixSocket(t *testing.T) {
	db := testpg.Start(t)
	ep, err := ParseTarget(fmt.Sprintf("postgres://%s@%s:%d/%s", db.User, url.PathEscape(db.SocketDir), db.Port, db.Name))
	require.NoError(t, err)
	tg, err := Open(context.Background(), ep, Config{Password: secretOf(t, db.Password)}, nil)
	require.NoError(t, err)
	defer tg.Close()
	_, rows, err := tg.QueryRows(context.Background(), "SELECT inet_server_addr() IS NULL")
	require.NoError(t, err)
	assert.Equal(t, "t", *rows[0][0], "a Unix socket has no server address")
	_, err = tg.ReadFile(context.Background(), "/etc/hostname")
	assert.ErrorIs(t, err, host.ErrNotCollected, "nil files means Unavailable")
}

func TestOpenTLS(t *testing.T) {
	db := testpg.Start(t)
	tests := []struct {
		name    string
		mode    string
		root    string
		wantTLS bool
		wantErr string
	}{
		{name: "verify-full with the CA", mode: "verify-full", root: db.RootCertFile, wantTLS: true},
		{name: "verify-ca with the CA", mode: "verify-ca", root: db.RootCertFile, wantTLS: true},
		{name: "require", mode: "require", wantTLS: true},
		{name: "prefer", mode: "prefer", wantTLS: true},
		{name: "disable", mode: "disable", wantTLS: false},
		{name: "verify-full without the CA", mode: "verify-full", wantErr: "certificate"},
		{name: "missing CA file", mode: "verify-full", root: "/nonexistent/root.crt", wantErr: "CA file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ep, err := ParseTarget(fmt.Sprintf("postgres://%s@%s:%d/%s", db.User, db.Host, db.Port, db.Name))
			require.NoError(t, err)
			cfg := Config{Password: secretOf(t, db.Password), SSLMode: tt.mode, SSLRootCert: tt.root, ConnectTimeout: 2 * time.Minute}
			if tt.root == "" {
				// An empty root must not mean ~/.postgresql/root.crt.
				t.Setenv("HOME", t.TempDir())
			}
			tg, err := Open(context.Background(), ep, cfg, nil)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				assert.NotContains(t, err.Error(), db.Password)
				return
			}
			require.NoError(t, err)
			defer tg.Close()
			assert.Equal(t, tt.wantTLS, tg.TLS())
		})
	}
}

func TestOpenIgnoresPGEnvironment(t *testing.T) {
	db := testpg.Start(t)
	t.Setenv("PGHOST", "192.0.2.1")
	t.Setenv("PGPORT", "1")
	t.Setenv("PGDATABASE", "nothere")
	t.Setenv("PGSSLMODE", "verify-full")
	t.Setenv("PGOPTIONS", "-c default_transaction_read_only=off")
	tg := openAs(t, db, db.User, Config{}, nil)
	_, rows, err := tg.QueryRows(context.Background(), "SELECT current_database(), current_setting('application_name')")
	require.NoError(t, err)
	assert.Equal(t, db.Name, *rows[0][0])
	assert.Equal(t, "stigscan", *rows[0][1])
}

func TestOpenWrongPassword(t *testing.T) {
	db := testpg.Start(t)
	ep, err := ParseTarget(db.URL())
	require.NoError(t, err)
	const wrong = "Wrong-pw-4417"
	_, err = Open(context.Background(), ep, Config{Password: secretOf(t, wrong), SSLMode: "disable"}, nil)
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrAuth)
	assert.NotContains(t, err.Error(), wrong)
	assert.NotContains(t, err.Error(), db.Password)
	assert.Contains(t, err.Error(), ep.String())
}

func TestQueryRowsValuesAsText(t *testing.T) {
	db := testpg.Start(t)
	tg := openAs(t, db, db.User, Config{}, nil)
	cols, rows, err := tg.QueryRows(context.Background(), `SELECT 42 AS i, NULL::text AS n, true AS b, 1.50::numeric AS num,
		'2024-01-02 03:04:05+00'::timestamptz AT TIME ZONE 'UTC' AS ts, ARRAY[1,2] AS arr, '\x0102'::bytea AS by,
		'{"a": 1}'::jsonb AS j, 'it''s'::text AS s, '10.0.0.0/8'::cidr AS net;`)
	require.NoError(t, err)
	assert.Equal(t, []string{"i", "n", "b", "num", "ts", "arr", "by", "j", "s", "net"}, cols)
	require.Len(t, rows, 1)
	got := make([]any, len(rows[0]))
	for i, v := range rows[0] {
		if v == nil {
			got[i] = nil
		} else {
			got[i] = *v
		}
	}
	assert.Equal(t, []any{"42", nil, "t", "1.50", "2024-01-02 03:04:05", "{1,2}", `\x0102`, `{"a": 1}`, "it's", "10.0.0.0/8"}, got)

	cols, rows, err = tg.QueryRows(context.Background(), "SELECT n FROM generate_series(1, 3) n WHERE n > 5")
	require.NoError(t, err)
	assert.Equal(t, []string{"n"}, cols, "columns even without rows")
	assert.Empty(t, rows)

	_, _, err = tg.QueryRows(context.Background(), "SELECT * FROM no_such_table")
	assert.ErrorIs(t, err, sqlguard.ErrRefused, "only catalog relations may be read")
	_, _, err = tg.QueryRows(context.Background(), "SELECT 1 / 0")
	var pe *pgconn.PgError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "22012", pe.Code)
	_, rows, err = tg.QueryRows(context.Background(), "SELECT 1")
	require.NoError(t, err, "the connection survives a failed query")
	assert.Equal(t, "1", *rows[0][0])
}

func TestQueryRowsLimits(t *testing.T) {
	db := testpg.Start(t)
	ctx := context.Background()
	// The statement_timeout bounds every query of the target, so it is
	// twenty times what a healthy one takes here and now, plus slack.
	probe := openAs(t, db, db.User, Config{}, nil)
	var slowest time.Duration
	for range 3 {
		start := time.Now()
		_, _, err := probe.QueryRows(ctx, "SELECT generate_series(1, 5)")
		require.NoError(t, err)
		slowest = max(slowest, time.Since(start))
	}
	timeout := (20*slowest + time.Second).Round(time.Millisecond)
	t.Logf("healthy query: %s; statement_timeout %s", slowest.Round(time.Millisecond), timeout)
	tg := openAs(t, db, db.User, Config{QueryTimeout: timeout, MaxRows: 5}, nil)

	// Ten billion rows to count: far more work than the timeout allows.
	_, _, err := tg.QueryRows(ctx, "SELECT count(*) FROM generate_series(1, 10000000000)")
	var pe *pgconn.PgError
	require.ErrorAs(t, err, &pe, "statement_timeout cancels the statement on the server")
	assert.Equal(t, "57014", pe.Code)

	_, _, err = tg.QueryRows(ctx, "SELECT generate_series(1, 6)")
	assert.ErrorIs(t, err, ErrTooManyRows)
	_, rows, err := tg.QueryRows(ctx, "SELECT generate_series(1, 5)")
	require.NoError(t, err)
	assert.Len(t, rows, 5)

	// A context that ends cancels the query; the target stays usable.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, _, err = tg.QueryRows(cctx, "SELECT 1")
	assert.ErrorIs(t, err, context.Canceled)
	_, _, err = tg.QueryRows(ctx, "SELECT 1")
	assert.NoError(t, err)
}

// Every mutating statement is refused by the guard before it reaches the
// server: the server, logging every statement, never sees them; a role
// that owns the table and could write cannot change anything, not even
// through a function of its own (the guard admits only catalog functions;
// the read-only transaction stays behind it).
func TestQueryRowsCannotWrite(t *testing.T) {
	db := testpg.Start(t)
	db.Exec(t, fmt.Sprintf(`CREATE TABLE t (id int PRIMARY KEY, v text);
		INSERT INTO t SELECT g, 'row ' || g FROM generate_series(1, 10) g;
		CREATE SEQUENCE s;
		CREATE FUNCTION wipe() RETURNS int LANGUAGE sql AS 'DELETE FROM t; SELECT 1';
		ALTER TABLE t OWNER TO %[1]s; ALTER SEQUENCE s OWNER TO %[1]s; ALTER FUNCTION wipe() OWNER TO %[1]s;
		ALTER ROLE %[1]s SET log_statement = 'all'`, db.User))
	tg := openAs(t, db, db.User, Config{}, nil)
	ctx := context.Background()
	admin := db.Admin(t)
	count := func() (n int, sum string) {
		t.Helper()
		require.NoError(t, admin.QueryRow(ctx, "SELECT count(*), coalesce(string_agg(id || v, ',' ORDER BY id), '') FROM t").Scan(&n, &sum))
		return n, sum
	}
	n0, sum0 := count()
	require.Equal(t, 10, n0)

	// The role could write through an ordinary connection: it owns t.
	owner := db.Connect(t, db.User)
	_, err := owner.Exec(ctx, "UPDATE t SET v = v WHERE id = 1")
	require.NoError(t, err, "the role has write privilege")

	refused := []string{
		"DELETE FROM t /*probe-1*/",
		"UPDATE t SET v = 'x' /*probe-2*/",
		"INSERT INTO t VALUES (99, 'x') /*probe-3*/",
		"WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x /*probe-4*/",
		"WITH x AS (UPDATE t SET v = 'x' RETURNING *) SELECT count(*) FROM x /*probe-5*/",
		"WITH x AS (INSERT INTO t VALUES (98, 'x') RETURNING *) SELECT 1 /*probe-6*/",
		"SELECT 1; DELETE FROM t /*probe-7*/",
		"SELECT * INTO t2 FROM t /*probe-8*/",
		"SELECT * FROM t FOR UPDATE /*probe-9*/",
		"TRUNCATE t /*probe-10*/",
		"DROP TABLE t /*probe-11*/",
		"ALTER TABLE t ADD COLUMN w int /*probe-12*/",
		"SELECT nextval('s') /*probe-13*/",
		"SELECT pg_terminate_backend(pid) FROM pg_stat_activity /*probe-14*/",
		"SELECT set_config('log_statement', 'none', false) /*probe-15*/",
		"COPY t TO STDOUT /*probe-16*/",
		"MERGE INTO t USING (SELECT 1 AS id) s ON t.id = s.id WHEN MATCHED THEN DELETE /*probe-17*/",
		"BEGIN; DELETE FROM t; COMMIT /*probe-18*/",
		"SET default_transaction_read_only = off /*probe-19*/",
		"SELECT $$ /*probe-20*/ $$; DELETE FROM t",
		`SELECT E'\''; DELETE FROM t; --' /*probe-21*/`,
		"select 1 /* nested /* comment */ ; delete from t; */ ; delete from t /*probe-22*/",
		"SELECT wipe() /*probe-23*/",
		"SELECT public.wipe() /*probe-24*/",
		"SELECT count(*) FROM t /*probe-25*/",
	}
	for i, q := range refused {
		_, _, err := tg.QueryRows(ctx, q)
		require.Error(t, err, q)
		assert.ErrorIs(t, err, sqlguard.ErrRefused, q)
		n, sum := count()
		assert.Equal(t, n0, n, q)
		assert.Equal(t, sum0, sum, q)
		assert.NotContains(t, tg.log.String(), fmt.Sprintf("probe-%d*", i+1), "refused queries are not logged as run")
	}

	_, rows, err := tg.QueryRows(ctx, "SELECT count(*) FROM pg_catalog.pg_roles WHERE rolname = current_user /*probe-ok-2*/")
	require.NoError(t, err)
	assert.Equal(t, "1", *rows[0][0])

	// The server logged what it was sent (log_statement = all for the
	// role): the accepted queries, never a refused one.
	require.Eventually(t, func() bool { return strings.Contains(db.Log(), "probe-ok-2") }, 2*time.Minute, 50*time.Millisecond,
		"the server log shows accepted queries, so its silence about refused ones means something")
	serverLog := db.Log()
	for i := range refused {
		assert.NotContains(t, serverLog, fmt.Sprintf("probe-%d*", i+1), refused[i])
	}
	assert.Contains(t, serverLog, "BEGIN READ ONLY")
}

// The password never appears in an error, a log record, Describe or the
// printed forms of Config and Target.
func TestPasswordNeverLeaks(t *testing.T) {
	db := testpg.Start(t)
	ctx := context.Background()
	pw := db.Password
	var outputs []string
	sink := &testlog.Sink{}
	add := func(err error) {
		if err != nil {
			outputs = append(outputs, err.Error(), fmt.Sprintf("%+v %#v", err, err))
		}
	}
	ep, err := ParseTarget(db.URL())
	require.NoError(t, err)

	// A password in the target.
	_, err = ParseTarget(fmt.Sprintf("postgres://%s:%s@%s:%d/%s", db.User, pw, db.Host, db.Port, db.Name))
	require.ErrorIs(t, err, ErrPasswordInTarget)
	add(err)
	_, err = ParseTarget(db.URL() + "?password=" + pw)
	require.ErrorIs(t, err, ErrPasswordInTarget)
	add(err)

	// Failing logins: the right password with the wrong user, database or
	// TLS settings.
	for _, bad := range []struct {
		ep  Endpoint
		cfg Config
	}{
		{Endpoint{User: "nobody", Host: db.Host, Port: db.Port, Database: db.Name, SSLMode: "disable"}, Config{}},
		{Endpoint{User: db.User, Host: db.Host, Port: db.Port, Database: "nothere", SSLMode: "disable"}, Config{}},
		{ep, Config{SSLMode: "verify-full"}},
		{ep, Config{SSLMode: "verify-full", SSLRootCert: "/nonexistent"}},
		{Endpoint{User: db.User, Host: db.Host, Port: 1, SSLMode: "disable"}, Config{}},
	} {
		bad.cfg.Password = secretOf(t, pw)
		bad.cfg.Logger = sink.JSON()
		bad.cfg.ConnectTimeout = 5 * time.Second
		_, err := Open(ctx, bad.ep, bad.cfg, nil)
		require.Error(t, err)
		add(err)
	}

	tg := openAs(t, db, db.User, Config{}, host.Unavailable{Name: "db", Reason: "none"})
	for _, q := range []string{"DELETE FROM x", "SELECT * FROM nothere", "SELECT 1/0", "SELECT '" + pw + "'; DELETE FROM t"} {
		_, _, err := tg.QueryRows(ctx, q)
		require.Error(t, err)
		add(err)
	}
	cfgJSON, err := json.Marshal(tg.cfg)
	require.NoError(t, err)
	outputs = append(outputs, tg.Describe(), tg.Endpoint().String(), string(cfgJSON),
		fmt.Sprintf("%v %+v %#v", tg.cfg, tg.cfg, tg.cfg), fmt.Sprintf("%+v", tg.Target),
		sink.String(), tg.log.String(), db.Log())
	require.Greater(t, len(outputs), 20)
	for i, out := range outputs {
		assert.False(t, strings.Contains(out, pw), "output %d holds the password", i)
	}
	assert.Contains(t, tg.log.String(), "postgres: connected", "the logger did receive records")
}

func BenchmarkQueryRows(b *testing.B) {
	db := testpg.Start(b)
	ep, err := ParseTarget(db.URL() + "?sslmode=disable")
	require.NoError(b, err)
	b.Setenv("STIGSCAN_PG_BENCH_PASSWORD", db.Password)
	pw, err := SecretFromEnv("STIGSCAN_PG_BENCH_PASSWORD")
	require.NoError(b, err)
	tg, err := Open(context.Background(), ep, Config{Password: pw}, nil)
	require.NoError(b, err)
	defer tg.Close()
	for _, bm := range []struct{ name, query string }{
		{"select_1", "SELECT 1"},
		{"pg_settings_log", "SELECT name, setting FROM pg_settings WHERE name LIKE 'log%'"},
	} {
		q := bm.query
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := tg.QueryRows(context.Background(), q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
