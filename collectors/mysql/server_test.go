package mysql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gomysql "github.com/go-sql-driver/mysql"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/internal/sqlguard"
	"github.com/stigscan/stigscan/collectors/mysql/mysqltest"
	"github.com/stigscan/stigscan/collectors/secret"
)

func TestMain(m *testing.M) { os.Exit(mysqltest.Main(m)) }

// open opens the account's target with cfg (the password filled in).
func open(t *testing.T, a *mysqltest.Account, cfg Config) (*Target, error) {
	t.Helper()
	ep, err := ParseTarget(a.URL())
	require.NoError(t, err)
	cfg.Password = secret.New(a.Password)
	tg, err := Open(context.Background(), ep, cfg, nil)
	if err == nil {
		t.Cleanup(func() { _ = tg.Close() })
	}
	return tg, err
}

func TestServerConnectAndDetect(t *testing.T) {
	a := mysqltest.Start(t)
	start := time.Now()
	tg, err := open(t, a, Config{})
	require.NoError(t, err)
	connected := time.Since(start)
	start = time.Now()
	cols, rows, err := tg.QueryRows(context.Background(), "SELECT VARIABLE_NAME, VARIABLE_VALUE FROM information_schema.GLOBAL_VARIABLES WHERE VARIABLE_NAME IN ('WAIT_TIMEOUT', 'INTERACTIVE_TIMEOUT') ORDER BY VARIABLE_NAME")
	require.NoError(t, err)
	t.Logf("connect (login, pinning, privileges) %s; one query %s", connected, time.Since(start))
	assert.Equal(t, []string{"VARIABLE_NAME", "VARIABLE_VALUE"}, cols)
	require.Len(t, rows, 2)
	assert.Equal(t, "INTERACTIVE_TIMEOUT", *rows[0][0])

	s := tg.Session()
	assert.Equal(t, ProductMariaDB, s.Product)
	assert.Equal(t, a.Version, s.Version)
	assert.True(t, strings.HasPrefix(s.Version, "10.11."), s.Version)
	assert.Equal(t, a.User+"@127.0.0.1", s.User)
	assert.Equal(t, "mysql", tg.SQLEngine())
	assert.Contains(t, tg.Describe(), "mariadb://"+a.User+"@127.0.0.1:")
	assert.Contains(t, tg.Describe(), "(MariaDB 10.11.")
	assert.NotContains(t, tg.Describe(), a.Password)
	assert.Empty(t, tg.Warnings(), "the harness's account is least-privileged")
	// The default mode, preferred, encrypts when the server offers TLS.
	assert.True(t, tg.TLS())
}

func TestServerWrongPassword(t *testing.T) {
	a := mysqltest.Start(t)
	ep, err := ParseTarget(a.URL())
	require.NoError(t, err)
	_, err = Open(context.Background(), ep, Config{Password: secret.New("Wrong-" + a.Password)}, nil)
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrAuth), "%v", err)
	assert.NotContains(t, err.Error(), a.Password)
}

func TestServerTLS(t *testing.T) {
	a := mysqltest.Start(t)
	tests := []struct {
		name    string
		cfg     Config
		wantErr bool
	}{
		{"verify_identity with the CA", Config{TLSMode: TLSVerifyIdentity, TLSCA: a.CAFile}, false},
		{"a CA file alone means verify_identity", Config{TLSCA: a.CAFile}, false},
		{"verify_ca with the CA", Config{TLSMode: TLSVerifyCA, TLSCA: a.CAFile}, false},
		{"required", Config{TLSMode: TLSRequired}, false},
		{"verify_identity with another CA", Config{TLSMode: TLSVerifyIdentity, TLSCA: a.OtherCAFile}, true},
		{"verify_ca with another CA", Config{TLSMode: TLSVerifyCA, TLSCA: a.OtherCAFile}, true},
		{"client certificate", Config{TLSMode: TLSVerifyIdentity, TLSCA: a.CAFile, TLSCert: a.ClientCert, TLSKey: a.ClientKey}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tg, err := open(t, a, tc.cfg)
			if tc.wantErr {
				require.Error(t, err)
				assert.NotContains(t, err.Error(), a.Password)
				return
			}
			require.NoError(t, err)
			assert.True(t, tg.TLS())
			assert.NotEmpty(t, tg.Session().TLSCipher)
		})
	}
	t.Run("disabled", func(t *testing.T) {
		tg, err := open(t, a, Config{TLSMode: TLSDisabled})
		require.NoError(t, err)
		assert.False(t, tg.TLS())
	})
	t.Run("an account that requires a client certificate", func(t *testing.T) {
		x := mysqltest.Start(t)
		x.Exec(t, fmt.Sprintf("ALTER USER '%s'@'127.0.0.1' REQUIRE X509", x.User))
		_, err := open(t, x, Config{TLSMode: TLSVerifyIdentity, TLSCA: x.CAFile})
		require.Error(t, err, "no client certificate")
		tg, err := open(t, x, Config{TLSMode: TLSVerifyIdentity, TLSCA: x.CAFile, TLSCert: x.ClientCert, TLSKey: x.ClientKey})
		require.NoError(t, err)
		assert.True(t, tg.TLS())
	})
}

// TestServerSessionPinned reads the pinned session back through the
// guard, and writes through the raw session (no guard) with an account
// that may write: the session's read-only mode refuses it.
func TestServerSessionPinned(t *testing.T) {
	a := mysqltest.Start(t, "INSERT, CREATE ON tdb_pin.*")
	a.Exec(t, "CREATE DATABASE IF NOT EXISTS tdb_pin", "CREATE TABLE IF NOT EXISTS tdb_pin.t (x INT)")
	tg, err := open(t, a, Config{QueryTimeout: 7 * time.Second})
	require.NoError(t, err)
	ctx := context.Background()
	_, rows, err := tg.QueryRows(ctx, "SELECT @@session.sql_mode, @@session.character_set_client, @@session.character_set_connection, @@session.tx_read_only, @@session.max_statement_time, @@session.lock_wait_timeout, @@session.innodb_lock_wait_timeout")
	require.NoError(t, err)
	require.Len(t, rows, 1)
	got := make([]string, len(rows[0]))
	for i, v := range rows[0] {
		got[i] = str(v)
	}
	assert.Equal(t, []string{SQLMode, "utf8mb4", "utf8mb4", "1", "7", "7", "7"}, got)

	for _, stmt := range []string{"INSERT INTO tdb_pin.t VALUES (1)", "CREATE TABLE tdb_pin.u (x INT)"} {
		_, err := tg.db.ExecContext(ctx, stmt)
		require.Error(t, err, stmt)
		assert.Contains(t, err.Error(), "READ ONLY", stmt)
	}
	var n int
	require.NoError(t, a.Admin(t).QueryRow("SELECT COUNT(*) FROM tdb_pin.t").Scan(&n))
	assert.Zero(t, n)
}

func TestServerBounds(t *testing.T) {
	a := mysqltest.Start(t)
	tg, err := open(t, a, Config{MaxRows: 1, MaxValueBytes: 100})
	require.NoError(t, err)
	ctx := context.Background()
	_, _, err = tg.QueryRows(ctx, "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA")
	assert.True(t, errors.Is(err, ErrTooManyRows), "%v", err)
	_, _, err = tg.QueryRows(ctx, "SELECT REPEAT('x', 101)")
	assert.True(t, errors.Is(err, ErrResultTooLarge), "%v", err)
	_, rows, err := tg.QueryRows(ctx, "SELECT REPEAT('x', 100), NULL")
	require.NoError(t, err)
	assert.Nil(t, rows[0][1])
}

// TestServerHostile: every refused form is refused before it reaches the
// server (the general query log never holds its marker), and the file
// INTO OUTFILE names never appears, although the administrator's
// identical statement shows that the server would write it.
func TestServerHostile(t *testing.T) {
	a := mysqltest.Start(t)
	tg, err := open(t, a, Config{})
	require.NoError(t, err)
	ctx := context.Background()
	out := filepath.Join(a.FilesDir, "hostile-out.txt")
	hostile := []string{
		"SELECT 1 INTO OUTFILE '" + out + "'",
		"SELECT 1 INTO DUMPFILE '" + out + "'",
		"SELECT 1 INTO @v",
		"SELECT 1 /*! INTO OUTFILE '" + out + "' */",
		"SELECT 1 /*!50000 INTO OUTFILE '" + out + "' */",
		"SELECT 1 /*M!100000 INTO OUTFILE '" + out + "' */",
		"SELECT LOAD_FILE('/etc/passwd')",
		"SELECT User FROM mysql.user FOR UPDATE",
		"SELECT User FROM mysql.user FOR SHARE",
		"SELECT User FROM mysql.user LOCK IN SHARE MODE",
		"SELECT GET_LOCK('stigscan', 1)",
		"SELECT RELEASE_ALL_LOCKS()",
		"SELECT SLEEP(3)",
		"SELECT BENCHMARK(100000000, MD5('x'))",
		"SELECT mysql.f(1)",
		"SELECT `f`(1)",
		"SELECT f (1)",
		"SELECT 1; SELECT 2",
		"SHOW GRANTS",
		"SET SESSION sql_mode = ''",
		"/*! SET SESSION TRANSACTION READ WRITE */ SELECT 1",
		"SELECT /*+ MAX_EXECUTION_TIME(0) */ 1",
		"SELECT authentication_string FROM mysql.user",
		"SELECT * FROM mysql.user",
		"SELECT a FROM tdb.secrets",
		"SELECT 1 --1; DROP TABLE x",
	}
	for i, q := range hostile {
		marker := fmt.Sprintf("hostile_marker_%d_%d", os.Getpid(), i)
		q := strings.Replace(q, "SELECT", "SELECT '"+marker+"',", 1)
		if !strings.Contains(q, marker) {
			q = q + " # " + marker
		}
		_, _, err := tg.QueryRows(ctx, q)
		require.Error(t, err, q)
		assert.True(t, errors.Is(err, sqlguard.ErrRefused), "%s: %v", q, err)
		assert.NotContains(t, a.GeneralLogText(t), marker, "%s reached the server", q)
	}
	_, err = os.Stat(out)
	assert.True(t, errors.Is(err, os.ErrNotExist), "%s: %v", out, err)

	// The controls: an accepted query's marker does reach the general log,
	_, _, err = tg.QueryRows(ctx, fmt.Sprintf("SELECT 'accepted_marker_%d'", os.Getpid()))
	require.NoError(t, err)
	assert.Contains(t, a.GeneralLogText(t), fmt.Sprintf("accepted_marker_%d", os.Getpid()))

	// and the same INTO OUTFILE from the administrator writes.
	ctl := filepath.Join(a.FilesDir, fmt.Sprintf("control-%d.txt", os.Getpid()))
	a.Exec(t, "SELECT 1 INTO OUTFILE '"+ctl+"'")
	_, err = os.Stat(ctl)
	assert.NoError(t, err, "the control statement did not write; the test would prove nothing")
}

// TestServerPinBeatsInitConnect: the server's init_connect runs before the
// pinning, so a configuration that loosens the session cannot undo it.
func TestServerPinBeatsInitConnect(t *testing.T) {
	a := mysqltest.Start(t)
	a.Exec(t, `SET GLOBAL init_connect = 'SET SESSION sql_mode = ''ANSI_QUOTES,NO_BACKSLASH_ESCAPES'', SESSION max_statement_time = 0'`)
	t.Cleanup(func() { a.Exec(t, "SET GLOBAL init_connect = ''") })
	// The control: a session nobody pinned has the loosened settings.
	dc := gomysql.NewConfig()
	dc.User, dc.Passwd, dc.Net, dc.Addr = a.User, a.Password, "tcp", fmt.Sprintf("%s:%d", a.Host, a.Port)
	raw, err := gomysql.NewConnector(dc)
	require.NoError(t, err)
	rawDB := sql.OpenDB(raw)
	defer rawDB.Close()
	var mode string
	require.NoError(t, rawDB.QueryRow("SELECT @@session.sql_mode").Scan(&mode))
	require.Equal(t, "ANSI_QUOTES,NO_BACKSLASH_ESCAPES", mode)

	var logBuf strings.Builder
	tg, err := open(t, a, Config{Logger: slog.New(slog.NewTextHandler(&logBuf, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	require.NoError(t, err)
	_, rows, err := tg.QueryRows(context.Background(), "SELECT @@session.sql_mode, @@session.max_statement_time, \"a\\\"b\"")
	require.NoError(t, err)
	assert.Equal(t, SQLMode, str(rows[0][0]))
	assert.NotEqual(t, "0", str(rows[0][1]))
	assert.Equal(t, `a"b`, str(rows[0][2]), "the server reads strings as the guard does")
	assert.NotContains(t, logBuf.String(), a.Password)
	assert.Contains(t, logBuf.String(), "mysql: connected")
}

// TestLiveMySQL runs against a real MySQL 8.0 server when MYSQL_URL (a
// mysql:// target) and MYSQL_PASSWORD are set; none can be installed here.
func TestLiveMySQL(t *testing.T) {
	url, pw := os.Getenv("MYSQL_URL"), os.Getenv("MYSQL_PASSWORD")
	if url == "" {
		t.Skip("MYSQL_URL is not set: no MySQL 8.0 server to test against (MariaDB is tested by the harness)")
	}
	ep, err := ParseTarget(url)
	require.NoError(t, err)
	tg, err := Open(context.Background(), ep, Config{Password: secret.New(pw)}, nil)
	require.NoError(t, err)
	defer tg.Close()
	t.Logf("%s: %+v", tg.Describe(), tg.Session())
	_, rows, err := tg.QueryRows(context.Background(), "SELECT @@session.transaction_read_only, @@session.max_execution_time, @@session.sql_mode")
	require.NoError(t, err)
	assert.Equal(t, "1", str(rows[0][0]))
	assert.Equal(t, SQLMode, str(rows[0][2]))
}

func TestServerWarnsOfPower(t *testing.T) {
	a := mysqltest.Start(t, "FILE ON *.*", "INSERT ON *.*")
	tg, err := open(t, a, Config{})
	require.NoError(t, err)
	w := tg.Warnings()
	require.Len(t, w, 1)
	assert.Contains(t, w[0], "FILE, INSERT")
	assert.Contains(t, w[0], a.User+"@127.0.0.1")
}

// TestServerScanAccountReads: what the STIG checks read, the
// least-privileged account may read through the guard: every account,
// grant, role, plugin, setting and session on the server.
func TestServerScanAccountReads(t *testing.T) {
	a := mysqltest.Start(t)
	admin := a.Admin(t)
	require.NoError(t, admin.Ping())
	tg, err := open(t, a, Config{})
	require.NoError(t, err)
	queries := []struct {
		name, query, want string // want: a value some row must hold
	}{
		{"accounts", "SELECT User, Host, plugin, password_expired, is_role FROM mysql.user ORDER BY User, Host", mysqltest.AdminUser},
		{"global grants of every account", "SELECT GRANTEE, PRIVILEGE_TYPE, IS_GRANTABLE FROM information_schema.USER_PRIVILEGES ORDER BY 1, 2", "'" + mysqltest.AdminUser + "'@'127.0.0.1'"},
		{"database grants", "SELECT User, Host, Db FROM mysql.db ORDER BY 1", ""},
		{"roles", "SELECT User, Host, Role, Admin_option FROM mysql.roles_mapping ORDER BY 1", ""},
		{"plugins", "SELECT PLUGIN_NAME, PLUGIN_STATUS, PLUGIN_LIBRARY FROM information_schema.PLUGINS ORDER BY 1", "mysql_native_password"},
		{"settings", "SELECT LOWER(VARIABLE_NAME), VARIABLE_VALUE FROM information_schema.GLOBAL_VARIABLES WHERE VARIABLE_NAME LIKE '%timeout%' ORDER BY 1", "wait_timeout"},
		{"sessions of every account", "SELECT ID, USER, HOST, COMMAND, TIME FROM information_schema.PROCESSLIST ORDER BY ID", mysqltest.AdminUser},
		{"status", "SELECT VARIABLE_NAME, VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'UPTIME'", "UPTIME"},
	}
	for _, q := range queries {
		t.Run(q.name, func(t *testing.T) {
			start := time.Now()
			_, rows, err := tg.QueryRows(context.Background(), q.query)
			require.NoError(t, err)
			t.Logf("%d rows in %s", len(rows), time.Since(start))
			if q.want == "" {
				return
			}
			found := false
			for _, r := range rows {
				for _, v := range r {
					found = found || str(v) == q.want
				}
			}
			assert.True(t, found, "no row holds %q", q.want)
		})
	}
}
