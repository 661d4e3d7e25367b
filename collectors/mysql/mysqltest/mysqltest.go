// Package mysqltest starts a real MariaDB server for tests: the Debian
// mariadb-server package's mariadb-install-db in a temporary directory,
// mariadbd on a free loopback port with TLS (a throwaway CA, a server
// certificate for 127.0.0.1 and a client certificate) and the general
// query log on, and per-test least-privileged scan accounts with a known
// password.
//
// Start gives an account on the server shared by a test binary;
// NewServer starts a dedicated one with a fixture's my.cnf (Options), for
// tests of settings the server reads only at start.
//
// Starting a server takes seconds, so one server is shared by all the
// tests of a package: the first Start starts it, and Main (called from the
// package's TestMain) stops it and removes its files when the tests end.
//
// mariadbd refuses to run as root without --user; when the tests run as
// root (as CI does) the server runs as the unprivileged system user
// RunAsUser, created with useradd when absent, and its files belong to
// it. Tests are skipped, with the reason, when the MariaDB binaries are
// not installed. The package does not import collectors/mysql, so that
// package's own tests can use it.
package mysqltest

import (
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"database/sql"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	gomysql "github.com/go-sql-driver/mysql"

	"github.com/stigscan/stigscan/internal/testserver"
)

// Defaults of the harness.
const (
	// Server and InstallDB are the Debian mariadb-server binaries.
	ServerBin = "/usr/sbin/mariadbd"
	InstallDB = "/usr/bin/mariadb-install-db"
	// RunAsUser runs the server when the tests run as root (the account
	// testpg uses too).
	RunAsUser = "stigscan-test"
	// Password is the password of every account Start makes, known so
	// that tests can look for it where it must never appear.
	Password = "Tmy-4b1d9c0e-not-a-real-secret"
	// AdminUser is the harness's administrator ('tadmin'@'127.0.0.1').
	AdminUser = "tadmin"

	startTimeout = 2 * time.Minute
	stopTimeout  = 30 * time.Second
)

// Server is the running server. Its fields are read-only after start.
type Server struct {
	Host string // 127.0.0.1
	Port int
	Dir  string // temporary directory holding everything below
	// DataDir is the data directory; FilesDir is secure_file_priv, the
	// one directory INTO OUTFILE could write to.
	DataDir, FilesDir string
	// GeneralLog is the general query log: every statement the server
	// received.
	GeneralLog string
	// ConfigFile is the server's option file (my.cnf): the harness's
	// settings and then Options.MyCnf.
	ConfigFile string
	// CAFile signed the server's certificate and ClientCert; ClientKey is
	// ClientCert's key. OtherCAFile is a CA that signed nothing here.
	CAFile, ClientCert, ClientKey, OtherCAFile string
	AdminPassword                              string
	Version                                    string // VERSION(), e.g. "10.11.19-MariaDB-0+deb12u1"

	proc *testserver.Process
	logf string
}

// Account is one test's scan account on the shared server:
// 'User'@'127.0.0.1' with Password, holding only what a scan needs
// (SELECT on mysql.*, PROCESS).
type Account struct {
	*Server
	User     string
	Password string
}

// The shared server of this test binary, and the sequence that names
// accounts. Test harness state: it lives for the process; nothing outside
// tests uses it.
var (
	shared = testserver.NewShared("mysqltest", func() (*Server, string, error) { return startServer(Options{}) }, (*Server).stop)
	seq    atomic.Int64
)

// Main runs the package's tests and then stops the shared server, if one
// was started. Call it from TestMain: os.Exit(mysqltest.Main(m)).
func Main(m *testing.M) int { return shared.Main(m) }

// Stop stops the shared server, if one was started, for a TestMain that
// also uses another harness: os.Exit(func() int { defer mysqltest.Stop();
// return testpg.Main(m) }()).
func Stop() { shared.Stop() }

// Start returns a fresh least-privileged scan account on the shared
// server, starting the server first if needed, and drops it when t ends.
// grants are further GRANT privilege lists ("INSERT ON tdb.*"), for tests
// that need an account holding more. It skips t when the binaries are
// missing.
func Start(t testing.TB, grants ...string) *Account {
	t.Helper()
	return shared.Get(t).Account(t, grants...)
}

// Options are what a dedicated server (NewServer) runs with.
type Options struct {
	// MyCnf is added to the [mysqld] group of the server's option file
	// (Server.ConfigFile, read with --defaults-file), after the harness's
	// own settings, so that it may override them (later lines win):
	// "max_connections = 10\n", "plugin_load_add = server_audit\n", or
	// further groups and !include / !includedir lines.
	MyCnf string
	// Args are further mariadbd command-line options; they override the
	// option file.
	Args []string
}

// NewServer starts a server of its own for t, configured by opts (a
// fixture's my.cnf), and stops it and removes its files when t ends. It
// takes seconds: tests that need no special configuration use Start.
func NewServer(t testing.TB, opts Options) *Server {
	t.Helper()
	s, skip, err := startServer(opts)
	if skip != "" {
		t.Skip(skip)
	}
	if err != nil {
		t.Fatalf("mysqltest: %v", err)
	}
	t.Cleanup(func() {
		if err := s.stop(); err != nil {
			t.Errorf("mysqltest: %v", err)
		}
	})
	return s
}

// Account makes a fresh least-privileged scan account (SELECT on mysql.*,
// PROCESS) plus grants, and drops it when t ends.
func (s *Server) Account(t testing.TB, grants ...string) *Account {
	t.Helper()
	a := &Account{Server: s, User: fmt.Sprintf("tscan_%d_%d", os.Getpid(), seq.Add(1)), Password: Password}
	stmts := []string{
		fmt.Sprintf("CREATE USER '%s'@'127.0.0.1' IDENTIFIED BY '%s'", a.User, Password),
		fmt.Sprintf("GRANT SELECT ON mysql.* TO '%s'@'127.0.0.1'", a.User),
		fmt.Sprintf("GRANT PROCESS ON *.* TO '%s'@'127.0.0.1'", a.User),
	}
	for _, g := range grants {
		stmts = append(stmts, fmt.Sprintf("GRANT %s TO '%s'@'127.0.0.1'", g, a.User))
	}
	s.Exec(t, stmts...)
	t.Cleanup(func() {
		db, err := s.admin()
		if err != nil {
			t.Errorf("mysqltest: cleanup: %v", err)
			return
		}
		defer db.Close()
		if _, err := db.Exec(fmt.Sprintf("DROP USER IF EXISTS '%s'@'127.0.0.1'", a.User)); err != nil {
			t.Errorf("mysqltest: cleanup: %v", err)
		}
	})
	return a
}

// URL is the account's target: mariadb://user@127.0.0.1:port/.
func (a *Account) URL() string { return fmt.Sprintf("mariadb://%s@%s:%d/", a.User, a.Host, a.Port) }

// Exec runs statements as the administrator.
func (s *Server) Exec(t testing.TB, stmts ...string) {
	t.Helper()
	db, err := s.admin()
	if err != nil {
		t.Fatalf("mysqltest: %v", err)
	}
	defer db.Close()
	for _, st := range stmts {
		if _, err := db.Exec(st); err != nil {
			t.Fatalf("mysqltest: %s: %v", strings.ReplaceAll(st, Password, "***"), err)
		}
	}
}

// Admin is a connection pool of the administrator, closed when t ends.
func (s *Server) Admin(t testing.TB) *sql.DB {
	t.Helper()
	db, err := s.admin()
	if err != nil {
		t.Fatalf("mysqltest: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// ServerLog is what mariadbd wrote to its error log.
func (s *Server) ServerLog() string { return s.proc.Log() }

// GeneralLogText is the general query log so far.
func (s *Server) GeneralLogText(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile(s.GeneralLog)
	if err != nil {
		t.Fatalf("mysqltest: general log: %v", err)
	}
	return string(b)
}

func (s *Server) admin() (*sql.DB, error) {
	c := gomysql.NewConfig()
	c.User, c.Passwd, c.Net = AdminUser, s.AdminPassword, "tcp"
	c.Addr = net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
	c.Timeout = 10 * time.Second
	conn, err := gomysql.NewConnector(c)
	if err != nil {
		return nil, err
	}
	db := sql.OpenDB(conn)
	db.SetMaxOpenConns(1)
	return db, nil
}

func startServer(opts Options) (*Server, string, error) {
	for _, bin := range []string{ServerBin, InstallDB} {
		if _, err := os.Stat(bin); err != nil {
			return nil, bin + " not found (install the Debian package mariadb-server): real-MariaDB tests skipped", nil
		}
	}
	acct, err := testserver.Account(RunAsUser)
	if err != nil {
		return nil, "", err
	}
	dir, err := os.MkdirTemp(acct.TempBase(), "mystig-")
	if err != nil {
		return nil, "", err
	}
	s := &Server{Host: "127.0.0.1", Dir: dir, DataDir: filepath.Join(dir, "data"), FilesDir: filepath.Join(dir, "files"),
		GeneralLog: filepath.Join(dir, "general.log"), logf: filepath.Join(dir, "server.log"), ConfigFile: filepath.Join(dir, "my.cnf"),
		AdminPassword: "Adm-" + strconv.FormatInt(time.Now().UnixNano(), 36)}
	fail := func(err error) (*Server, string, error) {
		_ = os.RemoveAll(dir)
		return nil, "", err
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return fail(err)
	}
	for _, d := range []string{s.DataDir, s.FilesDir, filepath.Join(dir, "tls")} {
		if err := os.Mkdir(d, 0o700); err != nil {
			return fail(err)
		}
	}
	if err := s.writeCerts(); err != nil {
		return fail(err)
	}
	// The administrator, created on every start by the init file (the
	// install's root is reachable only over the socket as the OS root).
	initFile := filepath.Join(dir, "init.sql")
	init := fmt.Sprintf("CREATE USER IF NOT EXISTS '%s'@'127.0.0.1' IDENTIFIED BY '%s';\nGRANT ALL PRIVILEGES ON *.* TO '%s'@'127.0.0.1' WITH GRANT OPTION;\n",
		AdminUser, s.AdminPassword, AdminUser)
	if err := os.WriteFile(initFile, []byte(init), 0o600); err != nil {
		return fail(err)
	}
	// A temporary directory of the server's own: servers bootstrapped at
	// the same moment in a shared /tmp (the test binaries run in parallel)
	// removed each other's temporary tables and failed the install.
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o700); err != nil {
		return fail(err)
	}
	// The harness's settings first, so that the fixture's may override them.
	cnf := "[mysqld]\n" +
		"tmpdir = " + tmp + "\n" +
		"secure_file_priv = " + s.FilesDir + "\n" +
		"general_log = 1\ngeneral_log_file = " + s.GeneralLog + "\n" +
		"ssl_ca = " + s.CAFile + "\nssl_cert = " + filepath.Join(dir, "tls", "server.crt") + "\nssl_key = " + filepath.Join(dir, "tls", "server.key") + "\n" +
		"innodb_buffer_pool_size = 32M\nskip_log_bin\nmax_connections = 50\n" + opts.MyCnf
	if err := os.WriteFile(s.ConfigFile, []byte(cnf), 0o644); err != nil {
		return fail(err)
	}
	if err := chownAll(dir, acct); err != nil {
		return fail(err)
	}
	out, err := acct.Command(InstallDB, "--no-defaults", "--datadir="+s.DataDir, "--tmpdir="+tmp, "--skip-test-db",
		"--auth-root-authentication-method=socket", "--skip-name-resolve").CombinedOutput()
	if err != nil {
		return fail(fmt.Errorf("mariadb-install-db: %v: %s", err, testserver.Tail(string(out))))
	}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		if s.Port, err = testserver.FreePort(); err != nil {
			return fail(err)
		}
		// Where the server lives is the harness's: on the command line,
		// which the option file cannot override.
		args := append([]string{"--defaults-file=" + s.ConfigFile, "--datadir=" + s.DataDir, "--port=" + strconv.Itoa(s.Port),
			"--bind-address=127.0.0.1", "--socket=" + filepath.Join(dir, "mysqld.sock"), "--pid-file=" + filepath.Join(dir, "mysqld.pid"),
			"--skip-name-resolve", "--init-file=" + initFile, "--log-error=" + s.logf}, opts.Args...)
		cmd := acct.Command(ServerBin, args...)
		if s.proc, err = testserver.Start("mariadbd", cmd, filepath.Join(dir, "stdout.log")); err != nil {
			return fail(err)
		}
		lastErr = s.proc.WaitReady(startTimeout, s.ping)
		if lastErr == nil {
			db, err := s.admin()
			if err == nil {
				err = db.QueryRow("SELECT VERSION()").Scan(&s.Version)
				db.Close()
			}
			if err != nil {
				_ = s.stop()
				return nil, "", err
			}
			return s, "", nil
		}
		_ = s.proc.Stop(syscall.SIGTERM, stopTimeout)
		b, _ := os.ReadFile(s.logf)
		if !strings.Contains(string(b), "Address already in use") {
			break
		}
	}
	b, _ := os.ReadFile(s.logf)
	return fail(fmt.Errorf("%v: %s", lastErr, testserver.Tail(string(b))))
}

func (s *Server) ping() error {
	db, err := s.admin()
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return db.PingContext(ctx)
}

func (s *Server) stop() error { return s.proc.StopAndRemove(syscall.SIGTERM, stopTimeout, s.Dir) }

// writeCerts writes a CA, the server's certificate for 127.0.0.1, a
// client certificate, and a second CA that signed none of them.
func (s *Server) writeCerts() error {
	tlsDir := filepath.Join(s.Dir, "tls")
	ca, err := testserver.NewCA(pkix.Name{CommonName: "stigscan mysqltest CA"})
	if err != nil {
		return err
	}
	other, err := testserver.NewCA(pkix.Name{CommonName: "stigscan mysqltest other CA"})
	if err != nil {
		return err
	}
	srvCert, srvKey, err := ca.Issue(pkix.Name{CommonName: "127.0.0.1"}, x509.ExtKeyUsageServerAuth, "127.0.0.1")
	if err != nil {
		return err
	}
	cliCert, cliKey, err := ca.Issue(pkix.Name{CommonName: "scanner"}, x509.ExtKeyUsageClientAuth)
	if err != nil {
		return err
	}
	s.CAFile, s.OtherCAFile = filepath.Join(tlsDir, "ca.crt"), filepath.Join(s.Dir, "other-ca.crt")
	s.ClientCert, s.ClientKey = filepath.Join(s.Dir, "client.crt"), filepath.Join(s.Dir, "client.key")
	for p, b := range map[string][]byte{s.CAFile: ca.PEM, s.OtherCAFile: other.PEM, filepath.Join(tlsDir, "server.crt"): srvCert,
		filepath.Join(tlsDir, "server.key"): srvKey, s.ClientCert: cliCert, s.ClientKey: cliKey} {
		if err := os.WriteFile(p, b, 0o600); err != nil {
			return err
		}
	}
	return nil
}

// chownAll gives the server's account everything under dir but the
// client's files, which the test process reads.
func chownAll(dir string, acct testserver.RunAs) error {
	if acct.Cred == nil {
		return nil
	}
	return filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		switch filepath.Base(p) {
		case "client.crt", "client.key", "other-ca.crt":
			return nil
		}
		return os.Lchown(p, acct.UID, acct.GID)
	})
}
