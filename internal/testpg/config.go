package testpg

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"os"
	"path/filepath"

	"github.com/stigscan/stigscan/internal/testserver"
)

// HBA is the pg_hba.conf the server runs with. The first three lines admit
// the tests; the rest never match a test connection and are there for the
// parsers to read (quoting, lists, netmasks, keywords, options, @files).
const HBA = `# TYPE  DATABASE        USER            ADDRESS                 METHOD
local   all             all                                     scram-sha-256
host    all             all             127.0.0.1/32            scram-sha-256
host    all             all             ::1/128                 scram-sha-256

# never matched by the tests
hostssl "db with space",db2 +grp,"all"  10.0.0.0 255.0.0.0      scram-sha-256
host    replication     all             samenet                 reject
hostnossl sameuser      all             192.168.1.0/24          md5 # trailing comment
local   all             someone                                 peer map=m1
host    all             all             .example.com            scram-sha-256
hostssl all             all             10.1.0.0/16             cert
host    all             @admins.txt     10.2.0.0/16             scram-sha-256
host    "quoted""name"  all             fe80::/10               scram-sha-256
`

// AdminsFile is the @admins.txt list HBA refers to.
const AdminsFile = "alice, bob\n# comment\ncarol\n"

// ConfDir is the include_dir the harness appends to postgresql.conf, and
// ConfDirFile the file in it.
const (
	ConfDir     = "conf.d"
	ConfDirFile = "10-stigscan.conf"
)

// confDirContent exercises the configuration file syntax: no '=', quoted
// values with both escapes, a custom setting, a missing optional include.
const confDirContent = `# stigscan test settings
log_statement 'ddl'
log_line_prefix = '%m [%p] %q%u@%d it''s \'quoted\' '
idle_in_transaction_session_timeout=600000   # ms
stigscan.flag = on
include_if_exists 'missing.conf'
`

// writeConfig appends the harness settings to initdb's postgresql.conf and
// writes pg_hba.conf, the include directory and the TLS files.
func (s *Server) writeConfig(acct testserver.RunAs) error {
	if err := os.MkdirAll(s.SocketDir, 0o755); err != nil {
		return err
	}
	if err := os.Chown(s.SocketDir, acct.UID, acct.GID); err != nil {
		return err
	}
	orig := filepath.Join(s.DataDir, "postgresql.conf.initdb")
	base, err := os.ReadFile(orig)
	if os.IsNotExist(err) {
		if base, err = os.ReadFile(s.ConfigFile); err != nil {
			return err
		}
		if err := os.WriteFile(orig, base, 0o600); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	conf := string(base) + fmt.Sprintf(`
# testpg harness
listen_addresses = '127.0.0.1'
port = %d
unix_socket_directories = '%s'
ssl = on
ssl_cert_file = 'server.crt'
ssl_key_file = 'server.key'
max_connections = 40
shared_buffers = 16MB
fsync = off
synchronous_commit = off
full_page_writes = off
log_connections = on
log_disconnections = on
include_dir '%s'
`, s.Port, s.SocketDir, ConfDir)
	files := map[string]string{
		s.ConfigFile:                           conf,
		s.HBAFile:                              HBA,
		filepath.Join(s.DataDir, "admins.txt"): AdminsFile,
		filepath.Join(s.DataDir, ConfDir, ConfDirFile):    confDirContent,
		filepath.Join(s.DataDir, ConfDir, ".hidden.conf"): "log_statement = 'all'\n",
		filepath.Join(s.DataDir, ConfDir, "ignored.txt"):  "log_statement = 'all'\n",
	}
	if err := os.MkdirAll(filepath.Join(s.DataDir, ConfDir), 0o700); err != nil {
		return err
	}
	cert, key, ca, err := certificates()
	if err != nil {
		return err
	}
	files[filepath.Join(s.DataDir, "server.crt")] = cert
	files[filepath.Join(s.DataDir, "server.key")] = key
	for p, content := range files {
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			return err
		}
		if err := os.Chown(p, acct.UID, acct.GID); err != nil {
			return err
		}
	}
	if err := os.Chown(filepath.Join(s.DataDir, ConfDir), acct.UID, acct.GID); err != nil {
		return err
	}
	return os.WriteFile(s.RootCertFile, []byte(ca), 0o644)
}

// certificates makes a throwaway CA and a server certificate for
// 127.0.0.1, ::1 and localhost, PEM encoded.
func certificates() (cert, key, ca string, err error) {
	authority, err := testserver.NewCA(pkix.Name{CommonName: "testpg CA"})
	if err != nil {
		return "", "", "", err
	}
	c, k, err := authority.Issue(pkix.Name{CommonName: "localhost"}, x509.ExtKeyUsageServerAuth, "localhost", "127.0.0.1", "::1")
	if err != nil {
		return "", "", "", err
	}
	return string(c), string(k), string(authority.PEM), nil
}
