package postgrestest

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// fixture is one configuration of the server and its machine: the
// settings the server starts with, its pg_hba.conf, statements run after
// start (as the bootstrap superuser, in the database given before ':'),
// the organization's values (a tailoring file) and the offline root
// holding the server's files as the checks read them.
type fixture struct {
	name     string
	settings func(c *cluster) map[string]string
	hba      string
	setup    []string
	values   func(c *cluster) map[string]string
	root     func(c *cluster) []entry
	// scanner is how the scan logs in: by client certificate, or with
	// this password over a connection without TLS.
	password string
}

// entry is a file or directory of an offline root.
type entry struct {
	path     string
	dir      bool
	mode     fs.FileMode
	uid, gid int
	data     string
}

// policy is the organization's values shared by both fixtures: the same
// policy judges a compliant and a non-compliant server.
func policy(c *cluster) map[string]string {
	return map[string]string{
		"pg_approved_superusers":  "^(pgadmin|scanner)$",
		"pg_admin_roles":          "^(pgadmin|scanner)$",
		"pg_object_owners":        "^(app_owner|pg_database_owner)$",
		"pg_auth_methods":         "^(gss|sspi|ldap|cert|scram-sha-256)$",
		"pg_max_connections":      "100",
		"pg_idle_timeout":         "900",
		"pg_max_role_connections": "50",
	}
}

// serverFiles lays out the files of a server machine: the data directory
// with a few files, the configuration files, a log file, the TLS key and
// CRL, the kernel FIPS flag and the software directory.
func serverFiles(c *cluster, dirMode, fileMode, logMode, keyMode, keyDirMode, swMode fs.FileMode, owner, dataOwner, swOwner int, crl bool, fips string) []entry {
	d := c.data
	es := []entry{
		{path: d, dir: true, mode: dirMode, uid: dataOwner},
		{path: d + "/PG_VERSION", mode: fileMode, uid: owner, data: "15\n"},
		{path: d + "/postgresql.conf", mode: fileMode, uid: owner, data: "# settings come from the command line\n"},
		{path: d + "/pg_hba.conf", mode: fileMode, uid: owner, data: "hostssl all all 127.0.0.1/32 cert\n"},
		{path: d + "/base", dir: true, mode: dirMode, uid: owner},
		{path: d + "/base/1", dir: true, mode: dirMode, uid: owner},
		{path: d + "/base/1/1259", mode: fileMode, uid: owner, data: "x"},
		{path: d + "/global", dir: true, mode: dirMode, uid: owner},
		{path: d + "/global/pg_control", mode: fileMode, uid: owner, data: "x"},
		{path: d + "/log", dir: true, mode: keyDirMode, uid: owner},
		{path: d + "/log/postgresql-2026-11-22.log", mode: logMode, uid: owner, data: "LOG: started\n"},
		{path: c.tls, dir: true, mode: keyDirMode, uid: owner},
		{path: c.certs.serverKey, mode: keyMode, uid: owner, data: "key"},
		{path: "/proc/sys/crypto/fips_enabled", mode: 0o444, data: fips + "\n"},
		{path: "/usr/lib/postgresql", dir: true, mode: swMode | 0o755, uid: swOwner},
		{path: "/usr/lib/postgresql/15", dir: true, mode: swMode | 0o755, uid: swOwner},
		{path: "/usr/lib/postgresql/15/bin", dir: true, mode: swMode | 0o755, uid: swOwner},
		{path: "/usr/lib/postgresql/15/bin/postgres", mode: swMode | 0o755, uid: swOwner, data: "bin"},
		{path: "/usr/lib/postgresql/15/lib", dir: true, mode: swMode | 0o755, uid: swOwner},
		{path: "/usr/lib/postgresql/15/lib/pgaudit.so", mode: swMode | 0o644, uid: swOwner, data: "lib"},
	}
	if crl {
		es = append(es, entry{path: c.certs.crl, mode: 0o600, uid: owner, data: "crl"})
	}
	return es
}

var passing = fixture{
	name: "passing",
	settings: func(c *cluster) map[string]string {
		return map[string]string{
			"ssl": "on", "ssl_cert_file": c.certs.serverCert, "ssl_key_file": c.certs.serverKey,
			"ssl_ca_file": c.certs.ca, "ssl_crl_file": c.certs.crl,
			"shared_preload_libraries": "pgaudit", "pgaudit.log": "ddl,read,write,role", "pgaudit.log_catalog": "on",
			"log_connections": "on", "log_disconnections": "on", "log_line_prefix": "< %m %a %u %d %r %p %c %s >",
			"log_min_messages": "warning", "log_min_error_statement": "error",
			"log_destination": "stderr,syslog", "syslog_facility": "local0",
			"logging_collector": "on", "log_directory": "log", "log_file_mode": "0600", "log_timezone": "UTC",
			"client_min_messages": "error", "max_connections": "50", "password_encryption": "scram-sha-256",
			"tcp_keepalives_idle": "60", "tcp_keepalives_interval": "10", "tcp_keepalives_count": "5",
			"statement_timeout": "60000", "idle_session_timeout": "600000",
			"idle_in_transaction_session_timeout": "300000",
			"log_truncate_on_rotation":            "on", "log_filename": "postgresql-%a.log",
		}
	},
	hba: "local all all scram-sha-256\nhostssl all all 127.0.0.1/32 cert\n",
	setup: []string{
		"postgres:ALTER ROLE pgadmin CONNECTION LIMIT 10",
		"postgres:CREATE ROLE scanner LOGIN SUPERUSER CONNECTION LIMIT 40",
		"postgres:CREATE ROLE app_owner NOLOGIN CONNECTION LIMIT 0",
		"postgres:CREATE DATABASE fixture",
		"fixture:CREATE EXTENSION pgcrypto",
		"fixture:CREATE SCHEMA app AUTHORIZATION app_owner",
		"fixture:SET ROLE app_owner; CREATE TABLE app.accounts(id int PRIMARY KEY, name text); CREATE VIEW app.names AS SELECT name FROM app.accounts",
	},
	values: func(c *cluster) map[string]string {
		v := policy(c)
		v["pg_allowed_ports"] = fmt.Sprintf("^%d$", c.port)
		return v
	},
	root: func(c *cluster) []entry {
		return serverFiles(c, 0o700, 0o600, 0o600, 0o600, 0o700, 0, c.uid, c.uid, 0, true, "1")
	},
}

// failPassword is the scan role's password on the failing server; the
// tests look for it where it must never appear.
const failPassword = "Fail-9c41e7d2-scan-secret"

var failing = fixture{
	name: "failing",
	settings: func(c *cluster) map[string]string {
		return map[string]string{
			"ssl": "off", "ssl_key_file": c.certs.serverKey, "ssl_crl_file": "",
			"log_connections": "off", "log_disconnections": "off", "log_line_prefix": "%t ",
			"log_min_messages": "fatal", "log_min_error_statement": "panic",
			"log_destination": "csvlog", "syslog_facility": "local0",
			"logging_collector": "on", "log_directory": "log", "log_file_mode": "0644", "log_timezone": "America/New_York",
			"client_min_messages": "debug1", "max_connections": "200", "password_encryption": "md5",
			"tcp_keepalives_idle": "0", "tcp_keepalives_interval": "0", "tcp_keepalives_count": "0",
			"statement_timeout": "0", "idle_session_timeout": "0",
		}
	},
	// The certificate rule names a user name map pg_ident.conf lacks; it
	// cannot match while ssl is off, but the server still parses it.
	hba: "local all all trust\nhost all all 127.0.0.1/32 password\nhostssl all all 192.0.2.0/24 cert map=nosuchmap\n",
	setup: []string{
		"postgres:CREATE ROLE scanner LOGIN SUPERUSER PASSWORD '" + failPassword + "'",
		"postgres:CREATE ROLE rogue_su SUPERUSER NOLOGIN",
		"postgres:CREATE ROLE dev LOGIN CREATEDB PASSWORD 'dev-password'",
		"postgres:CREATE ROLE app_owner NOLOGIN",
		"postgres:CREATE DATABASE fixture",
		"fixture:CREATE EXTENSION citext",
		"fixture:GRANT CREATE ON SCHEMA public TO PUBLIC",
		"fixture:CREATE TABLE public.leftover(id int); ALTER TABLE public.leftover OWNER TO dev",
		"fixture:CREATE FUNCTION public.elevate() RETURNS int LANGUAGE sql SECURITY DEFINER AS 'SELECT 1'",
		"fixture:GRANT INSERT ON pg_catalog.pg_description TO PUBLIC",
	},
	values: func(c *cluster) map[string]string {
		v := policy(c)
		v["pg_allowed_ports"] = "^5432$"
		v["pg_listen_addresses"] = `^192\.0\.2\.10$`
		// The server is the same build as the passing one: an
		// organization requiring a later release judges it out of date.
		v["pg_min_version_num"] = "160000"
		v["pg_min_patched_version_num"] = "150019"
		return v
	},
	root: func(c *cluster) []entry {
		return serverFiles(c, 0o755, 0o666, 0o644, 0o644, 0o777, 0o022, 4321, 0, 4321, false, "0")
	},
	password: failPassword,
}

// buildRoot writes entries under a new offline root folder.
func buildRoot(t testing.TB, es []entry) string {
	t.Helper()
	root := t.TempDir()
	for _, e := range es {
		p := filepath.Join(root, e.path)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		if e.dir {
			require.NoError(t, os.MkdirAll(p, 0o755))
		} else {
			require.NoError(t, os.WriteFile(p, []byte(e.data), 0o600))
		}
	}
	// Modes and owners last, deepest first, so directories closed to
	// everyone do not stop the writes above.
	for i := len(es) - 1; i >= 0; i-- {
		e := es[i]
		p := filepath.Join(root, e.path)
		require.NoError(t, os.Lchown(p, e.uid, e.gid))
		require.NoError(t, os.Chmod(p, e.mode))
	}
	return root
}

// tailoring writes a tailoring file setting values over the built-in
// benchmark and returns its path and profile id.
func tailoring(t testing.TB, name, benchmark string, values map[string]string) (string, string) {
	t.Helper()
	id := "xccdf_io.stigscan_profile_" + name
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>
<Tailoring xmlns="http://checklists.nist.gov/xccdf/1.2" id="xccdf_io.stigscan_tailoring_%s">
  <benchmark href="%s"/>
  <version time="2026-11-22T00:00:00">1</version>
  <Profile id="%s">
    <title>%s fixture</title>
`, name, benchmark, id, name)
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "    <set-value idref=\"xccdf_io.stigscan_value_%s\">%s</set-value>\n", k, xmlEscape(values[k]))
	}
	b.WriteString("  </Profile>\n</Tailoring>\n")
	p := filepath.Join(t.TempDir(), name+"-tailoring.xml")
	require.NoError(t, os.WriteFile(p, []byte(b.String()), 0o644))
	return p, id
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
