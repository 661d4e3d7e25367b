// Package testpg starts a real PostgreSQL server for tests: initdb in a
// temporary directory, the server on a free loopback port with TLS (a
// throwaway CA and server certificate) and scram-sha-256 password
// authentication, and per-test databases and roles with a known password.
//
// Starting a cluster takes seconds, so one server is shared by all the
// tests of a package: the first Start starts it, and Main (called from the
// package's TestMain) stops it and removes its files when the tests end.
// Each Start gives the test its own database and login role, dropped when
// the test ends.
//
// initdb and postgres refuse to run as root; when the tests run as root
// (as CI does) the server runs as the unprivileged system user RunAsUser,
// created with useradd when absent. Tests are skipped, with the reason,
// when the PostgreSQL server binaries are not installed.
package testpg

import (
	"context"
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

	"github.com/jackc/pgx/v5"

	"github.com/stigscan/stigscan/internal/testserver"
)

// Defaults of the harness.
const (
	// BinDir holds initdb and postgres (the Debian postgresql-15 package).
	BinDir = "/usr/lib/postgresql/15/bin"
	// RunAsUser runs the server when the tests run as root.
	RunAsUser = "stigscan-test"
	// Password is the password of every role Start and CreateRole make,
	// known so that tests can look for it where it must never appear.
	Password = "Tpg-7f3c9e1b-not-a-real-secret"
	// AdminUser is the cluster's bootstrap superuser.
	AdminUser = "testpg_admin"

	startTimeout = 2 * time.Minute
	stopTimeout  = 30 * time.Second
)

// Server is the running cluster. Its fields are read-only after start.
type Server struct {
	Host          string // 127.0.0.1
	Port          int
	Dir           string // temporary directory holding everything below
	DataDir       string
	SocketDir     string
	ConfigFile    string // postgresql.conf
	HBAFile       string // pg_hba.conf
	RootCertFile  string // CA certificate that signed the server's certificate
	AdminPassword string
	Version       string // server_version, e.g. "15.18 (Debian 15.18-0+deb12u1)"

	proc *testserver.Process
	logf string
}

// DB is one test's database on the shared server, with a login role that
// owns it.
type DB struct {
	*Server
	Name     string // database
	User     string // login role, owner of Name, password Password
	Password string
}

// The shared server of this test binary, and the sequence that names
// databases and roles. Test harness state: it lives for the process;
// nothing outside tests uses it.
var (
	shared = testserver.NewShared("testpg", startServer, (*Server).stop)
	seq    atomic.Int64
)

// Main runs the package's tests and then stops the shared server, if one
// was started. Call it from TestMain: os.Exit(testpg.Main(m)).
func Main(m *testing.M) int { return shared.Main(m) }

// Start returns a fresh database and login role on the shared server,
// starting the server first if needed, and drops both when t ends. It
// skips t when the server binaries are missing.
func Start(t testing.TB) *DB {
	t.Helper()
	srv := shared.Get(t)
	n := seq.Add(1)
	db := &DB{
		Server:   srv,
		Name:     fmt.Sprintf("tdb_%d_%d", os.Getpid(), n),
		User:     fmt.Sprintf("tuser_%d_%d", os.Getpid(), n),
		Password: Password,
	}
	ctx := context.Background()
	admin := srv.adminConn(t, "postgres")
	defer admin.Close(ctx)
	// Not logged: the server log must not hold the password, so that tests
	// can look for it there.
	mustExec(t, admin, "SET log_statement = 'none'")
	mustExec(t, admin, fmt.Sprintf("CREATE ROLE %s LOGIN PASSWORD '%s'", db.User, Password))
	mustExec(t, admin, fmt.Sprintf("CREATE DATABASE %s OWNER %s", db.Name, db.User))
	t.Cleanup(func() {
		c, err := srv.connect(ctx, AdminUser, srv.AdminPassword, "postgres")
		if err != nil {
			t.Errorf("testpg: cleanup: %v", err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", db.Name)); err != nil {
			t.Errorf("testpg: cleanup: %v", err)
		}
		if _, err := c.Exec(ctx, fmt.Sprintf("DROP ROLE IF EXISTS %s", db.User)); err != nil {
			t.Errorf("testpg: cleanup: %v", err)
		}
	})
	return db
}

// URL is the stigscan target for the test role: postgres://user@host:port/db.
func (d *DB) URL() string {
	return fmt.Sprintf("postgres://%s@%s/%s", d.User, net.JoinHostPort(d.Host, strconv.Itoa(d.Port)), d.Name)
}

// Admin returns a superuser connection to the test's database, closed when
// t ends. The harness uses it to set up what a test reads; the code under
// test never gets it.
func (d *DB) Admin(t testing.TB) *pgx.Conn {
	t.Helper()
	c := d.adminConn(t, d.Name)
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	return c
}

// Exec runs statements as the superuser in the test's database.
func (d *DB) Exec(t testing.TB, sql string) {
	t.Helper()
	c := d.adminConn(t, d.Name)
	defer c.Close(context.Background())
	mustExec(t, c, sql)
}

// Connect opens a connection as a role with Password, closed when t ends
// (for sessions a test wants to see from the outside).
func (d *DB) Connect(t testing.TB, role string) *pgx.Conn {
	t.Helper()
	c, err := d.connect(context.Background(), role, Password, d.Name)
	if err != nil {
		t.Fatalf("testpg: connect as %s: %v", role, err)
	}
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	return c
}

// CreateRole creates a role named after prefix with the given attributes
// (for example "LOGIN" or "LOGIN SUPERUSER CONNECTION LIMIT 3") and
// password Password, and drops it when t ends. It returns the name.
func (d *DB) CreateRole(t testing.TB, prefix, attrs string) string {
	t.Helper()
	name := fmt.Sprintf("%s_%d_%d", prefix, os.Getpid(), seq.Add(1))
	admin := d.adminConn(t, d.Name)
	mustExec(t, admin, "SET log_statement = 'none'") // keep the password out of the server log
	mustExec(t, admin, fmt.Sprintf("CREATE ROLE %s %s PASSWORD '%s'", name, attrs, Password))
	_ = admin.Close(context.Background())
	t.Cleanup(func() {
		ctx := context.Background()
		c, err := d.connect(ctx, AdminUser, d.AdminPassword, "postgres")
		if err != nil {
			t.Errorf("testpg: cleanup: %v", err)
			return
		}
		defer c.Close(ctx)
		// Objects the role owns live in the test's database, which goes
		// too; reassign first so DROP ROLE succeeds.
		for _, q := range []string{
			fmt.Sprintf("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '%s'", name),
		} {
			if _, err := c.Exec(ctx, q); err != nil {
				t.Errorf("testpg: cleanup: %v", err)
			}
		}
		if dc, err := d.connect(ctx, AdminUser, d.AdminPassword, d.Name); err == nil {
			_, _ = dc.Exec(ctx, fmt.Sprintf("REASSIGN OWNED BY %s TO %s; DROP OWNED BY %s", name, AdminUser, name))
			_ = dc.Close(ctx)
		}
		if _, err := c.Exec(ctx, "DROP ROLE IF EXISTS "+name); err != nil {
			t.Errorf("testpg: cleanup: %v", err)
		}
	})
	return name
}

// Log returns the server's log so far (for failure messages and for tests
// that look for what must not be logged).
func (s *Server) Log() string {
	b, _ := os.ReadFile(s.logf)
	return string(b)
}

func (s *Server) adminConn(t testing.TB, db string) *pgx.Conn {
	t.Helper()
	c, err := s.connect(context.Background(), AdminUser, s.AdminPassword, db)
	if err != nil {
		t.Fatalf("testpg: admin connection: %v", err)
	}
	return c
}

func (s *Server) connect(ctx context.Context, role, password, db string) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(fmt.Sprintf("host=%s port=%d dbname=%s user=%s sslmode=disable connect_timeout=30", s.Host, s.Port, db, role))
	if err != nil {
		return nil, err
	}
	cfg.Password = password
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	return pgx.ConnectConfig(ctx, cfg)
}

func mustExec(t testing.TB, c *pgx.Conn, sql string) {
	t.Helper()
	if _, err := c.Exec(context.Background(), sql); err != nil {
		t.Fatalf("testpg: %s: %v", firstWords(sql), err)
	}
}

func firstWords(s string) string {
	f := strings.Fields(s)
	if len(f) > 3 {
		f = f[:3]
	}
	return strings.Join(f, " ")
}

// startServer makes and starts the cluster. A non-empty skip means the
// machine cannot run one at all.
func startServer() (*Server, string, error) {
	for _, bin := range []string{"initdb", "postgres"} {
		if _, err := os.Stat(filepath.Join(BinDir, bin)); err != nil {
			return nil, fmt.Sprintf("testpg: %s not found (install the Debian package postgresql-15): real-PostgreSQL tests skipped", filepath.Join(BinDir, bin)), nil
		}
	}
	acct, err := testserver.Account(RunAsUser)
	if err != nil {
		return nil, "", err
	}
	dir, err := os.MkdirTemp(acct.TempBase(), "testpg-")
	if err != nil {
		return nil, "", err
	}
	s := &Server{
		Host:          "127.0.0.1",
		Dir:           dir,
		DataDir:       filepath.Join(dir, "data"),
		SocketDir:     filepath.Join(dir, "sock"),
		RootCertFile:  filepath.Join(dir, "root.crt"),
		AdminPassword: "Adm-" + strconv.FormatInt(time.Now().UnixNano(), 36),
		logf:          filepath.Join(dir, "server.log"),
	}
	s.ConfigFile = filepath.Join(s.DataDir, "postgresql.conf")
	s.HBAFile = filepath.Join(s.DataDir, "pg_hba.conf")
	fail := func(err error) (*Server, string, error) {
		_ = os.RemoveAll(dir)
		return nil, "", err
	}
	if err := s.initdb(acct); err != nil {
		return fail(err)
	}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		if s.Port, err = testserver.FreePort(); err != nil {
			return fail(err)
		}
		if err := s.writeConfig(acct); err != nil {
			return fail(err)
		}
		if lastErr = s.run(acct); lastErr == nil {
			return s, "", nil
		}
		if !strings.Contains(s.Log(), "could not bind") {
			break
		}
	}
	return fail(lastErr)
}

func (s *Server) initdb(acct testserver.RunAs) error {
	pw := filepath.Join(s.Dir, "pwfile")
	if err := os.WriteFile(pw, []byte(s.AdminPassword+"\n"), 0o600); err != nil {
		return err
	}
	for _, p := range []string{s.Dir, pw} {
		if err := os.Chown(p, acct.UID, acct.GID); err != nil {
			return fmt.Errorf("chown %s: %w", p, err)
		}
	}
	cmd := acct.Command(filepath.Join(BinDir, "initdb"), "--pgdata", s.DataDir, "--username", AdminUser,
		"--pwfile", pw, "--auth", "scram-sha-256", "--encoding", "UTF8", "--locale", "C", "--no-sync")
	out, err := cmd.CombinedOutput()
	_ = os.Remove(pw)
	if err != nil {
		return fmt.Errorf("initdb: %v: %s", err, testserver.Tail(string(out)))
	}
	return nil
}

// run starts postgres and waits until it accepts the admin login.
func (s *Server) run(acct testserver.RunAs) error {
	cmd := acct.Command(filepath.Join(BinDir, "postgres"), "-D", s.DataDir)
	// Should the test binary die without running Main, the server goes too.
	cmd.SysProcAttr.Pdeathsig = syscall.SIGINT
	proc, err := testserver.Start("postgres", cmd, s.logf)
	if err != nil {
		return err
	}
	s.proc = proc
	err = proc.WaitReady(startTimeout, func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		c, err := s.connect(ctx, AdminUser, s.AdminPassword, "postgres")
		cancel()
		if err != nil {
			return err
		}
		defer c.Close(context.Background())
		return c.QueryRow(context.Background(), "SHOW server_version").Scan(&s.Version)
	})
	if err != nil {
		_ = proc.Stop(syscall.SIGINT, stopTimeout)
	}
	return err
}

// stop shuts the server down (fast shutdown, then kill) and removes its
// files.
func (s *Server) stop() error {
	return s.proc.StopAndRemove(syscall.SIGINT, stopTimeout, s.Dir)
}
