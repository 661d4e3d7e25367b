package oracle_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/internal/sqlguard"
	"github.com/stigscan/stigscan/collectors/local"
	"github.com/stigscan/stigscan/collectors/oracle"
	"github.com/stigscan/stigscan/collectors/oracle/oracletest"
	"github.com/stigscan/stigscan/collectors/secret"
	"github.com/stigscan/stigscan/internal/testpg"
)

// These tests run the target's code above the driver (guard, read-only
// transaction, collection queries) against PostgreSQL tables shaped like
// Oracle's views: no Oracle server can run here. TestLiveOracle runs
// against a real one when ORACLE_URL is set.

func TestMain(m *testing.M) { os.Exit(testpg.Main(m)) }

func TestQueryRowsIsReadOnly(t *testing.T) {
	db := oracletest.Load(t, []string{oracletest.Pass},
		"CREATE SEQUENCE scan_seq",
		"CREATE TABLE dba_scratch (n integer)",
		"CREATE FUNCTION sneaky() RETURNS integer LANGUAGE sql AS 'INSERT INTO dba_scratch VALUES (1) RETURNING n'",
		// Views the allow-list accepts by name, standing for what the
		// guard cannot see into: a dictionary view whose body writes.
		"CREATE VIEW dba_sneaky AS SELECT sneaky() AS n",
		"CREATE VIEW v$sneaky_seq AS SELECT nextval('scan_seq') AS n")
	db.Exec(t, "GRANT USAGE ON SEQUENCE scan_seq TO "+db.User+"; GRANT INSERT ON dba_scratch TO "+db.User+"; GRANT EXECUTE ON FUNCTION sneaky() TO "+db.User)
	tg := db.Target(t, oracle.Config{}, nil)
	ctx := context.Background()

	cols, rows, err := tg.QueryRows(ctx, "SELECT name, value FROM v$parameter WHERE name = 'resource_limit'")
	require.NoError(t, err)
	assert.Equal(t, []string{"name", "value"}, cols)
	require.Len(t, rows, 1)
	assert.Equal(t, "TRUE", *rows[0][1])

	for _, q := range []string{"DELETE FROM dual", "SELECT 1 FROM dual; DROP TABLE dual", "UPDATE dual SET dummy = 'Y'", "SELECT * INTO x FROM dual",
		"SELECT sneaky() FROM dual", "SELECT nextval('scan_seq') FROM dual", "SELECT n FROM scratch"} {
		_, _, err := tg.QueryRows(ctx, q)
		assert.True(t, errors.Is(err, sqlguard.ErrRefused), "%q: %v", q, err)
	}
	// What the guard cannot know (a view's body) the read-only
	// transaction refuses.
	for _, q := range []string{"SELECT n FROM dba_sneaky", "SELECT n FROM v$sneaky_seq"} {
		_, _, err := tg.QueryRows(ctx, q)
		require.Error(t, err, q)
		assert.Contains(t, err.Error(), "read-only transaction", q)
	}
	_, rows, err = tg.QueryRows(ctx, "SELECT COUNT(*) FROM dba_scratch")
	require.NoError(t, err)
	assert.Equal(t, "0", *rows[0][0])

	assert.Equal(t, "oracle", tg.SQLEngine())
	assert.Equal(t, "ORCL", tg.Instance())
	assert.Equal(t, "19.22.0.0.0", tg.Version())
	require.NoError(t, tg.Close())
	_, _, err = tg.QueryRows(ctx, "SELECT 1 FROM dual")
	assert.True(t, errors.Is(err, oracle.ErrClosed))
}

// A scan as a privileged account says so; a least-privileged one does
// not. The stand-in's SYS_CONTEXT, SESSION_ROLES and SESSION_PRIVS answer
// as Oracle's would for a DBA connected AS SYSDBA as SYSTEM.
func TestPrivilegedAccountWarns(t *testing.T) {
	plain := oracletest.Load(t, []string{oracletest.Pass},
		"CREATE TABLE session_roles (role text)", "INSERT INTO session_roles VALUES ('SELECT_CATALOG_ROLE'), ('AUDIT_VIEWER')",
		"CREATE TABLE session_privs (privilege text)", "INSERT INTO session_privs VALUES ('CREATE SESSION')")
	assert.Empty(t, plain.Target(t, oracle.Config{}, nil).Warnings())

	dba := oracletest.Load(t, []string{oracletest.Pass},
		"CREATE TABLE session_roles (role text)", "INSERT INTO session_roles VALUES ('DBA'), ('SELECT_CATALOG_ROLE')",
		"CREATE TABLE session_privs (privilege text)", "INSERT INTO session_privs VALUES ('CREATE SESSION'), ('SELECT ANY TABLE')",
		"CREATE FUNCTION sys_context(ns text, p text) RETURNS text LANGUAGE sql AS $$SELECT CASE p WHEN 'ISDBA' THEN 'TRUE' ELSE 'SYSTEM' END$$")
	w := dba.Target(t, oracle.Config{}, nil).Warnings()
	require.Len(t, w, 4, "%q", w)
	all := strings.Join(w, "\n")
	for _, want := range []string{"AS SYSDBA", "is SYSTEM", "has role DBA", "has system privilege SELECT ANY TABLE"} {
		assert.Contains(t, all, want)
	}
	assert.NotContains(t, all, "has role SELECT_CATALOG_ROLE", "a needed role is not a warning")
	assert.Contains(t, w[0], oracle.LeastPrivilege)
}

func TestMaxRows(t *testing.T) {
	db := oracletest.Load(t, []string{oracletest.Fail})
	tg := db.Target(t, oracle.Config{MaxRows: 5}, nil)
	_, _, err := tg.QueryRows(context.Background(), "SELECT username FROM dba_users")
	assert.True(t, errors.Is(err, oracle.ErrTooManyRows), "%v", err)
}

// A view the account may not read, or one that is missing (Oracle answers
// ORA-00942 for both), fails as ErrPrivilege with the server's code, never
// as an empty answer.
func TestMissingViewIsErrPrivilege(t *testing.T) {
	db := oracletest.Load(t, []string{oracletest.Pass}, "REVOKE ALL ON dba_profiles FROM PUBLIC")
	db.Exec(t, "DROP TABLE v$session")
	db.Exec(t, "REVOKE SELECT ON dba_profiles FROM "+db.User)
	tg := db.Target(t, oracle.Config{}, nil)
	ctx := context.Background()
	_, _, err := tg.QueryRows(ctx, `SELECT profile, resource_name, resource_type, "LIMIT" FROM dba_profiles`)
	require.Error(t, err)
	assert.True(t, errors.Is(err, oracle.ErrPrivilege), "%v", err)
	assert.Contains(t, err.Error(), "42501")

	_, _, err = tg.QueryRows(ctx, "SELECT sid, username FROM v$session WHERE type = 'USER'")
	require.Error(t, err)
	assert.True(t, errors.Is(err, oracle.ErrPrivilege), "%v", err)
	assert.Contains(t, err.Error(), "42P01")
}

// A wrong password fails Open as ErrAuth, without the password in the text.
func TestWrongPassword(t *testing.T) {
	db := oracletest.Load(t, nil)
	sqlDB := db.SQLDB(t)
	_ = sqlDB.Close()
	db.Password = "Wrong-0a1b-not-the-password"
	_, err := oracle.OpenDB(context.Background(), db.Endpoint(), db.SQLDB(t), oracle.Config{}, nil)
	require.Error(t, err)
	assert.True(t, errors.Is(err, oracle.ErrAuth), "%v", err)
	assert.NotContains(t, err.Error(), "Wrong-0a1b")
}

func TestOracleNetAndFacts(t *testing.T) {
	root := t.TempDir()
	const home = "/u01/app/oracle/product/12.1.0/dbhome_1"
	for p, data := range map[string]string{
		"/etc/oratab":                      "ORCL:" + home + ":Y\n",
		home + "/network/admin/sqlnet.ora": "SQLNET.EXPIRE_TIME = 10\n",
		"/etc/hostname":                    "db1\n",
	} {
		require.NoError(t, os.MkdirAll(filepath.Join(root, filepath.Dir(p)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(root, p), []byte(data), 0o644))
	}
	files, err := local.NewRoot(root)
	require.NoError(t, err)
	db := oracletest.Load(t, []string{oracletest.Pass})
	tg := db.Target(t, oracle.Config{}, files)
	loc, err := tg.OracleNet(context.Background())
	require.NoError(t, err)
	assert.Equal(t, home+"/network/admin", loc.Dir)
	assert.Equal(t, "/etc/oratab", loc.Source)
	f, err := tg.Facts(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "db1", f.Hostname)

	// Configured directories win; without files, discovery says why not.
	tg2 := db.Target(t, oracle.Config{TNSAdmin: "/etc/tns"}, nil)
	loc, err = tg2.OracleNet(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "/etc/tns", loc.Dir)
	tg3 := db.Target(t, oracle.Config{}, nil)
	_, err = tg3.OracleNet(context.Background())
	assert.True(t, errors.Is(err, host.ErrNotCollected), "%v", err)
	f, err = tg3.Facts(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "db1", f.Hostname, "from V$INSTANCE.HOST_NAME")
	assert.Equal(t, "db1.example.com", f.FQDN)
	assert.Contains(t, tg3.Describe(), "oracle://scan@127.0.0.1:")
}

// TestLiveOracle runs against a real Oracle database when ORACLE_URL
// (oracle://user@host:port/service) and ORACLE_PASSWORD are set.
func TestLiveOracle(t *testing.T) {
	u := os.Getenv("ORACLE_URL")
	if u == "" {
		t.Skip("ORACLE_URL is not set: no live Oracle database to test against (none can run here); set ORACLE_URL=oracle://user@host:port/service and ORACLE_PASSWORD to run")
	}
	ep, err := oracle.ParseTarget(u)
	require.NoError(t, err)
	var pw oracle.Secret
	if os.Getenv("ORACLE_PASSWORD") != "" {
		pw, err = secret.FromEnv("ORACLE_PASSWORD")
		require.NoError(t, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	tg, err := oracle.Open(ctx, ep, oracle.Config{Password: pw}, nil)
	require.NoError(t, err)
	defer tg.Close()
	_, rows, err := tg.QueryRows(ctx, "SELECT value FROM v$parameter WHERE name = 'resource_limit'")
	require.NoError(t, err)
	require.Len(t, rows, 1)
	_, _, err = tg.QueryRows(ctx, "DELETE FROM dual")
	assert.True(t, errors.Is(err, sqlguard.ErrRefused))
	// The session was pinned before the first query.
	_, rows, err = tg.QueryRows(ctx, "SELECT SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA') FROM dual")
	require.NoError(t, err)
	assert.Equal(t, "SYS", *rows[0][0])
	_, rows, err = tg.QueryRows(ctx, "SELECT value FROM nls_session_parameters WHERE parameter = 'NLS_NUMERIC_CHARACTERS'")
	require.NoError(t, err)
	assert.Equal(t, ".,", *rows[0][0])
	t.Logf("warnings: %q", tg.Warnings())
	_, rows, err = tg.QueryRows(ctx, `SELECT profile, resource_name, "LIMIT" FROM dba_profiles`)
	require.NoError(t, err)
	assert.NotEmpty(t, rows)
	_, _, err = tg.QueryRows(ctx, "SELECT sid, username, status, last_call_et FROM v$session WHERE type = 'USER'")
	require.NoError(t, err)
	assert.NotEmpty(t, tg.Version())
}
