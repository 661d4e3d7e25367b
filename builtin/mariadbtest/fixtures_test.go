package mariadbtest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	gomysql "github.com/go-sql-driver/mysql"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/local"
	"github.com/stigscan/stigscan/collectors/mysql"
	"github.com/stigscan/stigscan/collectors/mysql/mysqltest"
	"github.com/stigscan/stigscan/collectors/secret"
)

// scanUser is the fixtures' scan account: SELECT on mysql.*, PROCESS and
// SHOW DATABASES, as docs/mysql.md asks of a scan account.
const scanUser = "scanner"

// fixture is one server configuration and what the tests expect of it.
type fixture struct {
	name string
	// mycnf is the [mysqld] part of the server's option file; dir is a
	// directory the server may read (the key file of encryption at rest).
	mycnf func(dir string) string
	// setup runs as the administrator once the server is up.
	setup []string
	// secure sets require_secure_transport last (it would refuse the
	// harness's plain administrator connection).
	secure bool
	// fips is /proc/sys/crypto/fips_enabled of the offline root.
	fips string
	// dirMode and fileMode are the modes of the data directory, the files
	// below it, the audit log and the TLS key in the offline root.
	dirMode, fileMode os.FileMode
	// values are the tailoring's (Value keys without the prefix).
	values map[string]string
}

// The passing server: audit, password checks, encryption at rest, TLS
// required, every limit set; no root, anonymous or test leftovers.
var passing = fixture{
	name: "passing",
	mycnf: func(dir string) string {
		// simple_password_check is installed once the server is up: the
		// harness's administrator password, made at start by its init
		// file, is not written to pass it.
		return "plugin_load_add = server_audit\nplugin_load_add = file_key_management\n" +
			"file_key_management_filename = " + filepath.Join(dir, "keys.txt") + "\n" +
			"server_audit_logging = ON\nserver_audit_events = CONNECT,QUERY\nserver_audit_output_type = syslog\n" +
			"strict_password_validation = ON\ndefault_password_lifetime = 60\n" +
			"local_infile = OFF\nlog_bin = mariadb-bin\n" +
			"innodb_encrypt_tables = ON\ninnodb_encrypt_log = ON\nencrypt_binlog = ON\nencrypt_tmp_files = ON\naria_encrypt_tables = ON\n" +
			"tcp_keepalive_interval = 75\ntcp_keepalive_probes = 9\ntcp_keepalive_time = 300\ntcp_nodelay = ON\nmax_statement_time = 3600\n" +
			"wait_timeout = 600\ninteractive_timeout = 600\nidle_transaction_timeout = 300\nidle_readonly_transaction_timeout = 300\nidle_write_transaction_timeout = 300\n" +
			"default_time_zone = '+00:00'\ntls_version = TLSv1.2,TLSv1.3\nsql_mode = STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION\n"
	},
	setup: []string{
		"INSTALL SONAME 'simple_password_check'",
		"SET GLOBAL simple_password_check_minimal_length = 15",
		"DROP USER IF EXISTS 'root'@'localhost'",
		"ALTER USER '" + mysqltest.AdminUser + "'@'127.0.0.1' WITH MAX_USER_CONNECTIONS 10",
		"CREATE USER '" + scanUser + "'@'127.0.0.1' IDENTIFIED BY '" + mysqltest.Password + "' REQUIRE SSL WITH MAX_USER_CONNECTIONS 5",
		"GRANT SELECT ON mysql.* TO '" + scanUser + "'@'127.0.0.1'",
		"GRANT PROCESS, SHOW DATABASES ON *.* TO '" + scanUser + "'@'127.0.0.1'",
		"CREATE DATABASE appdb",
		"CREATE TABLE appdb.t (id INT PRIMARY KEY) ENGINE=InnoDB",
	},
	secure: true, fips: "1\n", dirMode: 0o700, fileMode: 0o600,
	values: map[string]string{
		"maria_local_accounts":               `^'(tadmin|scanner)'@'127\.0\.0\.1'$`,
		"maria_admin_accounts":               `^'(tadmin|scanner)'@'127\.0\.0\.1'$`,
		"maria_ddl_accounts":                 `^'tadmin'@'127\.0\.0\.1'$`,
		"maria_fips_ssl_library":             `^OpenSSL `,
		"maria_session_termination_required": "true",
		"maria_wait_timeout":                 "600",
		"maria_interactive_timeout":          "600",
		"maria_idle_transaction_timeout":     "300",
	},
}

// The failing server: each setting, account, grant, plugin and file the
// checks look at is wrong.
var failing = fixture{
	name: "failing",
	mycnf: func(string) string {
		return "plugin_load_add = server_audit\nplugin_load_add = sql_errlog\n" +
			"server_audit_logging = OFF\nserver_audit_events = TABLE\nserver_audit_excl_users = tadmin\nserver_audit_output_type = file\nserver_audit_file_rotations = 0\n" +
			"local_infile = ON\ndefault_password_lifetime = 0\n" +
			"tcp_keepalive_time = 0\nmax_statement_time = 0\nwait_timeout = 28800\ninteractive_timeout = 28800\nidle_transaction_timeout = 0\n" +
			"default_time_zone = '+05:00'\nsql_mode = ''\nskip_ssl\n"
	},
	setup: []string{
		"CREATE USER ''@'localhost'",
		"CREATE USER 'app'@'%' IDENTIFIED BY 'App-pass-1234567890'",
		"CREATE USER 'old'@'localhost' IDENTIFIED VIA mysql_old_password USING '378b243e220ca493'",
		"CREATE USER 'cert'@'%' REQUIRE ISSUER '/CN=some CA'",
		"CREATE USER '" + scanUser + "'@'127.0.0.1' IDENTIFIED BY '" + mysqltest.Password + "' WITH MAX_USER_CONNECTIONS 5",
		"GRANT SELECT ON mysql.* TO '" + scanUser + "'@'127.0.0.1'",
		"GRANT PROCESS, SHOW DATABASES ON *.* TO '" + scanUser + "'@'127.0.0.1'",
		"GRANT SUPER ON *.* TO 'app'@'%'",
		"GRANT INSERT ON mysql.* TO 'app'@'%'",
		"CREATE DATABASE test",
		"CREATE DATABASE appdb",
		"GRANT CREATE ROUTINE, ALTER ROUTINE ON appdb.* TO 'app'@'%'",
		"GRANT SELECT ON appdb.* TO PUBLIC",
		"CREATE PROCEDURE appdb.dyn() SQL SECURITY DEFINER BEGIN PREPARE s FROM 'SELECT 1'; EXECUTE s; END",
	},
	fips: "0\n", dirMode: 0o755, fileMode: 0o644,
	values: map[string]string{
		"maria_local_accounts":   passing.values["maria_local_accounts"],
		"maria_admin_accounts":   passing.values["maria_admin_accounts"],
		"maria_ddl_accounts":     passing.values["maria_ddl_accounts"],
		"maria_fips_ssl_library": passing.values["maria_fips_ssl_library"],
		"maria_classified":       "true",
		// The failing site's policy wants a newer release than the lab's.
		"maria_supported_versions":       `^(11\.4|11\.8)\.`,
		"maria_min_version":              "10.11.99",
		"maria_wait_timeout":             "600",
		"maria_interactive_timeout":      "600",
		"maria_idle_transaction_timeout": "300",
	},
}

// running is a fixture's server, set up, with its offline root.
type running struct {
	fixture
	s    *mysqltest.Server
	root string
	port int
	dir  string // the directory of the fixture's own files (the key file)
}

func startFixture(t *testing.T, f fixture) *running {
	t.Helper()
	// Not under t.TempDir, whose parent only the test's user may enter.
	dir, err := os.MkdirTemp("", "mariadbtest-")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	require.NoError(t, os.Chmod(dir, 0o755))
	// A key for file_key_management (id 1, 256 bits), readable by the
	// server's account.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "keys.txt"), []byte("1;"+strings.Repeat("0a1b2c3d", 8)+"\n"), 0o644))
	s := mysqltest.NewServer(t, mysqltest.Options{MyCnf: f.mycnf(dir)})
	s.Exec(t, f.setup...)
	if f.secure {
		s.Exec(t, "SET GLOBAL require_secure_transport = ON")
	}
	r := &running{fixture: f, s: s, port: s.Port, dir: dir}
	r.root = r.buildRoot(t)
	return r
}

// settings reads a few server settings as the administrator (over TLS
// when the server requires it).
func (r *running) setting(t *testing.T, name string) string {
	t.Helper()
	var v sql.NullString
	require.NoError(t, r.admin(t).QueryRow("SELECT @@global."+name).Scan(&v))
	return v.String
}

// admin is an administrator connection that works whether or not the
// server requires TLS.
func (r *running) admin(t *testing.T) *sql.DB {
	t.Helper()
	c := gomysql.NewConfig()
	c.User, c.Passwd, c.Net = mysqltest.AdminUser, r.s.AdminPassword, "tcp"
	c.Addr = net.JoinHostPort(r.s.Host, strconv.Itoa(r.s.Port))
	c.Timeout = 10 * time.Second
	if r.secure {
		pem, err := os.ReadFile(r.s.CAFile)
		require.NoError(t, err)
		pool := x509.NewCertPool()
		require.True(t, pool.AppendCertsFromPEM(pem))
		c.TLS = &tls.Config{RootCAs: pool, ServerName: r.s.Host, MinVersion: tls.VersionTLS12}
	}
	conn, err := gomysql.NewConnector(c)
	require.NoError(t, err)
	db := sql.OpenDB(conn)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// buildRoot writes the offline root of the server's files: the data
// directory with a few files, the audit log, the TLS files and the
// kernel's FIPS flag, with the fixture's modes, owned by the server's
// account (not root).
func (r *running) buildRoot(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	owner := os.Getuid()
	if owner == 0 {
		owner = 4242
	}
	datadir := r.setting(t, "datadir")
	type entry struct {
		path string
		dir  bool
		mode os.FileMode
	}
	es := []entry{
		{path: datadir, dir: true, mode: r.dirMode},
		{path: filepath.Join(datadir, "mysql"), dir: true, mode: r.dirMode},
		{path: filepath.Join(datadir, "mysql", "db.frm"), mode: r.fileMode},
		{path: filepath.Join(datadir, "ibdata1"), mode: r.fileMode},
		{path: filepath.Join(datadir, "server_audit.log"), mode: r.fileMode},
		{path: filepath.Join(datadir, "server_audit.log.1"), mode: r.fileMode},
		{path: r.setting(t, "ssl_key"), mode: r.fileMode},
		{path: r.setting(t, "ssl_cert"), mode: r.fileMode &^ 0o022},
		{path: r.setting(t, "ssl_ca"), mode: r.fileMode &^ 0o022},
	}
	if r.name == "failing" {
		// Writable by everyone: what the checks must catch.
		es[len(es)-2].mode, es[len(es)-1].mode = 0o666, 0o666
		// The test database the failing server has.
		es = append(es, entry{path: filepath.Join(datadir, "test"), dir: true, mode: r.dirMode})
	}
	for _, e := range es {
		if e.path == "" {
			continue
		}
		p := filepath.Join(root, e.path)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		if e.dir {
			require.NoError(t, os.MkdirAll(p, 0o755))
		} else {
			require.NoError(t, os.WriteFile(p, []byte("x\n"), 0o600))
		}
	}
	// The site's option file: what the server loads at start.
	cnf := filepath.Join(root, "etc/mysql/my.cnf")
	require.NoError(t, os.MkdirAll(filepath.Dir(cnf), 0o755))
	require.NoError(t, os.WriteFile(cnf, []byte("[client-server]\n\n[mysqld]\n"+r.mycnf(r.dir)), 0o644))
	fips := filepath.Join(root, "proc/sys/crypto/fips_enabled")
	require.NoError(t, os.MkdirAll(filepath.Dir(fips), 0o755))
	require.NoError(t, os.WriteFile(fips, []byte(r.fips), 0o644))
	sort.Slice(es, func(i, j int) bool { return len(es[i].path) > len(es[j].path) })
	for _, e := range es {
		if e.path == "" {
			continue
		}
		p := filepath.Join(root, e.path)
		if os.Getuid() == 0 {
			require.NoError(t, os.Lchown(p, owner, owner))
		}
		require.NoError(t, os.Chmod(p, e.mode))
	}
	return root
}

// open connects as the scan account with the offline root as the server
// machine; the password comes from the environment, as a user's would.
func (r *running) open(t testing.TB) *mysql.Target {
	t.Helper()
	ep, err := mysql.ParseTarget(fmt.Sprintf("mariadb://%s@127.0.0.1:%d/", scanUser, r.port))
	require.NoError(t, err)
	cfg := mysql.Config{Password: secret.New(mysqltest.Password)}
	if r.secure {
		cfg.TLSCA = r.s.CAFile
	}
	files, err := local.NewRoot(r.root)
	require.NoError(t, err)
	tg, err := mysql.Open(context.Background(), ep, cfg, files)
	require.NoError(t, err)
	t.Cleanup(func() { _ = tg.Close() })
	return tg
}

// tailoring writes a tailoring file setting values over the built-in
// benchmark and returns its path and profile id.
func tailoring(t *testing.T, name, benchmark string, values map[string]string) (string, string) {
	t.Helper()
	id := "xccdf_io.stigscan_profile_" + name
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>
<Tailoring xmlns="http://checklists.nist.gov/xccdf/1.2" id="xccdf_io.stigscan_tailoring_%s">
  <benchmark href="%s"/>
  <version time="2026-12-08T00:00:00">1</version>
  <Profile id="%s">
    <title>%s fixture</title>
`, name, benchmark, id, name)
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(values[k])
		fmt.Fprintf(&b, "    <set-value idref=\"xccdf_io.stigscan_value_%s\">%s</set-value>\n", k, v)
	}
	b.WriteString("  </Profile>\n</Tailoring>\n")
	p := filepath.Join(t.TempDir(), name+"-tailoring.xml")
	require.NoError(t, os.WriteFile(p, []byte(b.String()), 0o644))
	return p, id
}
