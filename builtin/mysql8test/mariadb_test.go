package mysql8test

import (
	"context"
	"database/sql"
	"fmt"
	"github.com/stigscan/stigscan/builtin/internal/checktest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/mysql"
	"github.com/stigscan/stigscan/collectors/mysql/mysqltest"
	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/oval"
)

// mariaDBRules are the rules whose statements MariaDB 10.11 answers as
// MySQL 8.0 does (the same tables, columns and @@global settings, with the
// same meaning), so they are tested on a real MariaDB server, passing and
// failing rule by rule. Every other automated rule reads something only
// MySQL 8.0 has (MySQL Enterprise Audit, mysql.component, validate_password,
// ssl_fips_mode, keyrings, the firewall, encryption settings, password
// lifetimes, performance_schema.global_variables) and is covered by the
// contract fixtures (TestContract) alone; so is V-235153, since MariaDB
// reports an unrestricted secure_file_priv as NULL, which on MySQL 8.0
// means import and export are disabled.
var mariaDBRules = map[string]string{
	"V-235096": "max_user_connections, globally and per account in mysql.user",
	"V-235104": "holders of SUPER in information_schema.USER_PRIVILEGES (AUDIT_ADMIN is MySQL's; MariaDB grants none)",
	"V-235136": "REQUIRE X509 accounts in mysql.user",
	"V-235139": "require_secure_transport",
	"V-235141": "holders of global privileges",
	"V-235143": "demonstration schemas",
	"V-235149": "anonymous accounts",
	"V-235150": "holders of global privileges",
	"V-235151": "privileges on the mysql schema and global INSERT or DELETE",
	"V-235163": "privileges on the mysql schema and global INSERT or DELETE",
	"V-235166": "holders of DDL and routine privileges",
	"V-235168": "holders of CREATE ROUTINE and ALTER ROUTINE",
	"V-235179": "holders of DDL privileges and grant options",
	"V-235180": "SQL SECURITY DEFINER routines",
	"V-235181": "SQL SECURITY DEFINER routines",
	"V-235185": "wait_timeout, interactive_timeout and the idle sessions of the processlist",
	"V-235186": "require_secure_transport",
	"V-235195": "sql_mode",
}

// appPassword is the application account's password in the fixtures.
const appPassword = "App-7c21e5-not-a-real-secret"

// mariaFixture is one MariaDB server: its my.cnf and what the harness's
// administrator runs after start.
type mariaFixture struct {
	name  string
	mycnf string
	setup []string
}

var (
	mariaPassing = mariaFixture{
		name: "passing",
		mycnf: "max_user_connections = 20\nwait_timeout = 600\ninteractive_timeout = 600\n" +
			"sql_mode = STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION\n",
		setup: []string{
			"CREATE DATABASE app",
			"CREATE USER 'app'@'%' IDENTIFIED BY '" + appPassword + "' WITH MAX_USER_CONNECTIONS 10",
			"GRANT SELECT, INSERT, UPDATE, DELETE ON app.* TO 'app'@'%'",
			"CREATE USER 'cert'@'%' REQUIRE SUBJECT '/CN=cert'",
			"CREATE PROCEDURE app.balance() SQL SECURITY INVOKER SELECT 1",
		},
	}
	mariaFailing = mariaFixture{
		name:  "failing",
		mycnf: "max_user_connections = 0\nwait_timeout = 28800\ninteractive_timeout = 28800\nsql_mode = NO_ENGINE_SUBSTITUTION\nsecure_file_priv = \"\"\n",
		setup: []string{
			"CREATE DATABASE app",
			"CREATE DATABASE sakila",
			"CREATE USER ''@'localhost'",
			"CREATE USER 'app'@'%' IDENTIFIED BY '" + appPassword + "' WITH MAX_USER_CONNECTIONS 100",
			"GRANT ALTER, CREATE ROUTINE, INSERT, SUPER ON *.* TO 'app'@'%'",
			"GRANT SELECT ON app.* TO 'app'@'%' WITH GRANT OPTION",
			"GRANT SELECT ON mysql.* TO 'app'@'%'",
			"CREATE USER 'cert'@'%' REQUIRE X509",
			"CREATE PROCEDURE app.reset_balance() SQL SECURITY DEFINER SELECT 1",
		},
	}
)

// policy is the organization's Values for both servers: the harness's
// administrator, the installation's own accounts and the scan account are
// the administrators.
func policy(scan string) map[string]string {
	admins := fmt.Sprintf(`^'(root|mysql|mariadb\.sys|%s|%s)'@'(localhost|127\.0\.0\.1)'$`, mysqltest.AdminUser, regexp.QuoteMeta(scan))
	return map[string]string{
		"mysql_admin_accounts":       admins,
		"mysql_routine_creators":     admins,
		"mysql_audit_admins":         fmt.Sprintf(`^'(root|mysql|%s)'@'(localhost|127\.0\.0\.1)'$`, mysqltest.AdminUser),
		"mysql_max_user_connections": "50",
		"mysql_wait_timeout":         "900",
		"mysql_interactive_timeout":  "900",
	}
}

// mariaRun is a started fixture server with its scan account.
type mariaRun struct {
	s    *mysqltest.Server
	acct *mysqltest.Account
	// admin is one pinned administrator connection: the passing server
	// requires TLS of new connections once set up, which the harness's
	// administrator does not use.
	admin *sql.Conn
}

func startMaria(t *testing.T, f mariaFixture, secureTransport bool) *mariaRun {
	t.Helper()
	s := mysqltest.NewServer(t, mysqltest.Options{MyCnf: f.mycnf})
	s.Exec(t, f.setup...)
	// SHOW DATABASES: information_schema.SCHEMATA lists only the schemas
	// an account holds a privilege on without it (V-235143).
	acct := s.Account(t, "SHOW DATABASES ON *.*")
	conn, err := s.Admin(t).Conn(context.Background())
	require.NoError(t, err)
	r := &mariaRun{s: s, acct: acct, admin: conn}
	if secureTransport {
		_, err := conn.ExecContext(context.Background(), "SET GLOBAL require_secure_transport = ON")
		require.NoError(t, err)
		// Before the account is dropped (cleanups run last first).
		t.Cleanup(func() {
			_, _ = conn.ExecContext(context.Background(), "SET GLOBAL require_secure_transport = OFF")
			_ = conn.Close()
		})
	} else {
		t.Cleanup(func() { _ = conn.Close() })
	}
	return r
}

// asMySQL is the real MariaDB target with the product answers of a MySQL
// 8.0 server, as Oracle documents them: the mysql-8 rules carry a platform
// that makes them notapplicable on MariaDB (TestNotApplicableOnMariaDB),
// and these tests run the checks whose SQL and answer are the same on both
// servers, so only the platform's question is answered as MySQL would.
type asMySQL struct {
	*mysql.Target
	asked int
}

const productQuery = "SELECT VERSION() AS product_version, @@global.version_comment AS product_comment"

func (m *asMySQL) QueryRows(ctx context.Context, q string) ([]string, [][]*string, error) {
	if q == productQuery {
		m.asked++
		v, c := "8.0.36", "MySQL Community Server - GPL"
		return []string{"product_version", "product_comment"}, [][]*string{{&v, &c}}, nil
	}
	return m.Target.QueryRows(ctx, q)
}

// openAsMySQL is open with the platform's question answered as MySQL 8.0.
func (r *mariaRun) openAsMySQL(t *testing.T) *asMySQL {
	return &asMySQL{Target: r.open(t)}
}

func (r *mariaRun) open(t *testing.T) *mysql.Target {
	t.Helper()
	t.Setenv("STIGSCAN_TEST_MYSQL8_PASSWORD", r.acct.Password)
	pw, err := mysql.SecretFromEnv("STIGSCAN_TEST_MYSQL8_PASSWORD")
	require.NoError(t, err)
	ep, err := mysql.ParseTarget(r.acct.URL())
	require.NoError(t, err)
	tg, err := mysql.Open(context.Background(), ep, mysql.Config{Password: pw, TLSCA: r.s.CAFile}, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = tg.Close() })
	return tg
}

// TestMariaDB scans a passing and a failing MariaDB 10.11 server: every
// rule of mariaDBRules passes (fails); the others, which read what only
// MySQL 8.0 has, are left to the contract fixtures.
func TestMariaDB(t *testing.T) {
	auto := automatedVulns(t)
	for v := range mariaDBRules {
		require.True(t, auto[v], "%s is an automated rule", v)
	}
	for _, tc := range []struct {
		f    mariaFixture
		want engine.Status
	}{{mariaPassing, engine.Pass}, {mariaFailing, engine.Fail}} {
		t.Run(tc.f.name, func(t *testing.T) {
			r := startMaria(t, tc.f, tc.want == engine.Pass)
			b := prepare(t, policy(r.acct.User))
			tg := r.openAsMySQL(t)
			start := time.Now()
			res, err := b.Evaluate(context.Background(), tg)
			elapsed := time.Since(start)
			require.NoError(t, err)
			t.Logf("mysql-8 on the %s MariaDB %s server: %d rules evaluated in %s", tc.f.name, r.s.Version, len(res.Rules), elapsed)
			want, got := map[string]engine.Status{}, map[string]engine.Status{}
			all := checktest.Statuses(res, checktest.VulnID)
			for v := range mariaDBRules {
				want[v], got[v] = tc.want, all[v]
			}
			assert.Equal(t, want, got, checktest.Explain(res, want, checktest.VulnID))
			checkNoSecret(t, res, r)
		})
	}
}

// TestMariaDBIdleSession: a session asleep longer than the idle limit
// (tailored to one second here) fails the session rule, and the session
// (its id and idle time) is the evidence.
func TestMariaDBIdleSession(t *testing.T) {
	r := startMaria(t, mariaFailing, false)
	var id string
	require.NoError(t, r.admin.QueryRowContext(context.Background(), "SELECT CONNECTION_ID()").Scan(&id))
	time.Sleep(3 * time.Second) // the administrator's connection sleeps
	values := policy(r.acct.User)
	values["mysql_wait_timeout"] = "1"
	res, err := prepare(t, values).Evaluate(context.Background(), r.openAsMySQL(t))
	require.NoError(t, err)
	rr := checktest.RuleByVuln(res, idleVuln)
	require.NotNil(t, rr)
	assert.Equal(t, engine.Fail, rr.Status)
	ev := strings.Join(rr.Evidence, "\n")
	assert.Regexp(t, `id=`+id+`\b`, ev)
	assert.Contains(t, ev, "idle_seconds=")
	checkNoSecret(t, res, r)
}

// checkNoSecret looks for the fixtures' passwords in everything a scan
// produces: rule results, evidence, messages and OVAL results.
func checkNoSecret(t *testing.T, res *engine.Result, r *mariaRun) {
	t.Helper()
	var all strings.Builder
	for _, rep := range res.OVAL {
		data, err := oval.ResultsBytes(rep.Results, oval.WriteOptions{})
		require.NoError(t, err)
		all.Write(data)
	}
	for _, rr := range res.Rules {
		for _, m := range rr.Messages {
			all.WriteString(m.Text + "\n")
		}
		all.WriteString(strings.Join(rr.Evidence, "\n"))
	}
	for _, pw := range []string{r.acct.Password, r.s.AdminPassword, appPassword} {
		assert.NotContains(t, all.String(), pw)
	}
}

// TestNotApplicableOnMariaDB: on a server that answers as MariaDB (the
// real one, unwrapped) every mysql-8 rule is notapplicable: none is judged
// as if the server were MySQL 8.0.
func TestNotApplicableOnMariaDB(t *testing.T) {
	r := startMaria(t, mariaPassing, true)
	res, err := prepare(t, policy(r.acct.User)).Evaluate(context.Background(), r.open(t))
	require.NoError(t, err)
	require.Len(t, res.Rules, 100)
	for _, rr := range res.Rules {
		assert.Equal(t, engine.NotApplicable, rr.Status, rr.Identity.VulnID)
	}
}
