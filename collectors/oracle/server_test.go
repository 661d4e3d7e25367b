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

func TestCollectionHelpers(t *testing.T) {
	db := oracletest.Load(t, []string{oracletest.Pass})
	tg := db.Target(t, oracle.Config{}, nil)
	ctx := context.Background()

	profiles, err := tg.Profiles(ctx)
	require.NoError(t, err)
	require.Len(t, profiles, 22)
	get := func(profile, res string) oracle.ProfileLimit {
		for _, p := range profiles {
			if p.Profile == profile && p.Resource == res {
				return p
			}
		}
		t.Fatalf("no %s %s", profile, res)
		return oracle.ProfileLimit{}
	}
	assert.Equal(t, oracle.ProfileLimit{Profile: "STIG_PROFILE", Resource: "CONNECT_TIME", ResourceType: "KERNEL", Limit: "DEFAULT", Effective: "480"}, get("STIG_PROFILE", "CONNECT_TIME"))
	assert.Equal(t, "10", get("STIG_PROFILE", "IDLE_TIME").Effective)
	assert.Equal(t, "DEFAULT", profiles[0].Profile, "sorted by profile")

	open, err := tg.Accounts(ctx, true)
	require.NoError(t, err)
	var names []string
	for _, a := range open {
		names = append(names, a.Username)
	}
	assert.Equal(t, []string{"APP_SVC", "DBA_ALICE", "SYS", "SYSTEM"}, names)
	all, err := tg.Accounts(ctx, false)
	require.NoError(t, err)
	assert.Len(t, all, 7)

	params, err := tg.Parameters(ctx, "RESOURCE_LIMIT", "audit_trail")
	require.NoError(t, err)
	assert.Equal(t, []oracle.Parameter{{Name: "audit_trail", Value: "DB"}, {Name: "resource_limit", Value: "TRUE"}}, params)
	_, err = tg.Parameters(ctx, "x' OR '1'='1")
	assert.ErrorContains(t, err, "invalid parameter name")

	dirs, err := tg.PlanDirectives(ctx)
	require.NoError(t, err)
	assert.Equal(t, []oracle.PlanDirective{{Plan: "DEFAULT_MAINTENANCE_PLAN", Group: "OTHER_GROUPS", Type: "CONSUMER_GROUP", MaxIdleTime: -1}}, dirs)

	sessions, err := tg.Sessions(ctx)
	require.NoError(t, err)
	require.Len(t, sessions, 2, "background sessions are left out")
	assert.Equal(t, 12, sessions[0].SID)
	assert.Equal(t, 0, sessions[0].IdleSeconds, "an active session is not idle")
	assert.Equal(t, "DBA_ALICE", sessions[1].Username)
	assert.Equal(t, 300, sessions[1].IdleSeconds)
	assert.True(t, strings.HasPrefix(sessions[1].LogonTime, "2026-11-22T09:00:00"), sessions[1].LogonTime)
}

func TestPlanDirectivesOfTheActivePlan(t *testing.T) {
	db := oracletest.Load(t, []string{oracletest.Fail})
	tg := db.Target(t, oracle.Config{}, nil)
	dirs, err := tg.PlanDirectives(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []oracle.PlanDirective{
		{Plan: "DAYTIME", Group: "BATCH", Type: "CONSUMER_GROUP", MaxIdleTime: 7200, Active: true},
		{Plan: "DAYTIME", Group: "OTHER_GROUPS", Type: "CONSUMER_GROUP", MaxIdleTime: -1, Active: true},
	}, dirs)
}

// A view the account may not read gives a PrivilegeError: not collected,
// never an empty answer.
func TestMissingViewIsAPrivilegeError(t *testing.T) {
	db := oracletest.Load(t, []string{oracletest.Pass}, "REVOKE ALL ON dba_profiles FROM PUBLIC")
	db.Exec(t, "DROP TABLE v$session")
	db.Exec(t, "REVOKE SELECT ON dba_profiles FROM "+db.User)
	tg := db.Target(t, oracle.Config{}, nil)
	_, err := tg.Profiles(context.Background())
	var pe *oracle.PrivilegeError
	require.True(t, errors.As(err, &pe), "%v", err)
	assert.Equal(t, "42501", pe.Code)
	assert.True(t, errors.Is(err, host.ErrNotCollected))
	assert.Contains(t, err.Error(), "DBA_PROFILES")

	_, err = tg.Sessions(context.Background())
	require.True(t, errors.As(err, &pe), "%v", err)
	assert.Equal(t, "42P01", pe.Code)
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
	profiles, err := tg.Profiles(ctx)
	require.NoError(t, err)
	assert.NotEmpty(t, profiles)
	_, err = tg.Accounts(ctx, true)
	require.NoError(t, err)
	_, err = tg.Sessions(ctx)
	require.NoError(t, err)
	assert.NotEmpty(t, tg.Version())
}
