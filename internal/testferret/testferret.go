// Package testferret starts a real MongoDB-protocol server for tests:
// FerretDB (MongoDB's wire protocol in Go, on SQLite) on free loopback
// ports, one listener in plain TCP and one in TLS that requires a client
// certificate (a throwaway CA, server and client certificate), with SCRAM
// authentication and a login user whose password is known.
//
// No mongod can be installed on the build machines, so this is the server
// the collector's tests talk to. FerretDB answers the commands a scan
// sends (getParameter, getCmdLineOpts, usersInfo, connectionStatus,
// serverStatus, buildInfo, hostInfo, listDatabases, listCollections,
// find), and lacks rolesInfo, $listSessions and MONGODB-X509
// authentication: the tests use that to check what a scan reports when a
// server does not support a command.
//
// One server is shared by the tests of a package: the first Start starts
// it and Main (called from TestMain) stops it and removes its files.
// Tests are skipped, with the reason, when the ferretdb binary is absent;
// install-ferretdb.sh in this directory builds it.
package testferret

import (
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/stigscan/stigscan/internal/testserver"
)

// Defaults of the harness.
const (
	// DefaultBinary is where install-ferretdb.sh puts the server.
	DefaultBinary = "/var/tmp/stigscan-tools/ferretdb"
	// BinaryEnv overrides DefaultBinary.
	BinaryEnv = "STIGSCAN_FERRETDB"
	// User is the SCRAM user created at startup, in the admin database.
	User = "scanner"
	// Password is User's password: known, so that tests can look for it
	// in everything a scan writes.
	Password = "Fdb-known-Pa55word"
)

// Server is the running FerretDB. Its fields are read-only after start.
type Server struct {
	Host    string
	Port    int    // plain TCP
	TLSPort int    // TLS, client certificate required
	Dir     string // state, data, certificates, log
	// CAFile signs the server and client certificates;
	// ClientCertKeyFile holds the client certificate and key in one PEM.
	CAFile, ClientCertKeyFile string
	// ClientSubject is the client certificate's subject (RFC 2253).
	ClientSubject string
	logf          string
	proc          *testserver.Process
}

// The shared server of this test binary. Test harness state: it lives for
// the process; nothing outside tests uses it.
var shared = testserver.NewShared("testferret", startServer, (*Server).stop)

// Main runs the package's tests and then stops the shared server, if one
// was started. Call it from TestMain: os.Exit(testferret.Main(m)).
func Main(m *testing.M) int { return shared.Main(m) }

// Start returns the shared server, starting it first if needed. It skips
// t when the ferretdb binary is absent.
func Start(t testing.TB) *Server {
	t.Helper()
	return shared.Get(t)
}

// Binary returns the ferretdb binary to run, or "" when there is none.
func Binary() string {
	if p := os.Getenv(BinaryEnv); p != "" {
		return p
	}
	if _, err := os.Stat(DefaultBinary); err == nil {
		return DefaultBinary
	}
	if p, err := exec.LookPath("ferretdb"); err == nil {
		return p
	}
	return ""
}

// URI is the stigscan target for User over plain TCP, without the
// password: mongodb://scanner@127.0.0.1:port/admin.
func (s *Server) URI() string {
	return fmt.Sprintf("mongodb://%s@%s/admin", User, net.JoinHostPort(s.Host, strconv.Itoa(s.Port)))
}

// TLSURI is URI on the TLS listener (give CAFile and ClientCertKeyFile in
// the collector's Config).
func (s *Server) TLSURI() string {
	return fmt.Sprintf("mongodb://%s@%s/admin", User, net.JoinHostPort(s.Host, strconv.Itoa(s.TLSPort)))
}

// Log returns the server's log so far.
func (s *Server) Log() string {
	b, _ := os.ReadFile(s.logf)
	return string(b)
}

// Client connects as User with the driver directly, closed when t ends:
// the harness's own connection for setting up what a test reads. The code
// under test never gets it.
func (s *Server) Client(t testing.TB) *mongo.Client {
	t.Helper()
	c, err := s.connect(User, Password)
	if err != nil {
		t.Fatalf("testferret: connect: %v", err)
	}
	t.Cleanup(func() { _ = c.Disconnect(context.Background()) })
	return c
}

func (s *Server) connect(user, password string) (*mongo.Client, error) {
	opts := options.Client().
		SetHosts([]string{net.JoinHostPort(s.Host, strconv.Itoa(s.Port))}).
		SetDirect(true).
		SetServerSelectionTimeout(10 * time.Second).
		SetAuth(options.Credential{Username: user, Password: password, AuthSource: "admin", PasswordSet: true})
	return mongo.Connect(opts)
}

// Run runs a command as User on database (for setup: inserts,
// createUser, createCollection) and fails t on error.
func (s *Server) Run(t testing.TB, database string, cmd bson.D) bson.Raw {
	t.Helper()
	c := s.Client(t)
	raw, err := c.Database(database).RunCommand(context.Background(), cmd).Raw()
	if err != nil {
		t.Fatalf("testferret: %s on %s: %v", cmd[0].Key, database, err)
	}
	return raw
}

// CreateUser creates a SCRAM user with password in database, dropped
// when t ends.
func (s *Server) CreateUser(t testing.TB, database, name, password string) {
	t.Helper()
	s.Run(t, database, bson.D{{Key: "createUser", Value: name}, {Key: "pwd", Value: password}, {Key: "roles", Value: bson.A{}}})
	t.Cleanup(func() {
		c, err := s.connect(User, Password)
		if err != nil {
			return
		}
		defer c.Disconnect(context.Background())
		_ = c.Database(database).RunCommand(context.Background(), bson.D{{Key: "dropUser", Value: name}}).Err()
	})
}

// startServer starts FerretDB. A non-empty skip means it cannot run here.
func startServer() (*Server, string, error) {
	bin := Binary()
	if bin == "" {
		return nil, fmt.Sprintf("testferret: no ferretdb binary (%s, $%s or PATH); build it with internal/testferret/install-ferretdb.sh: MongoDB-protocol server tests skipped", DefaultBinary, BinaryEnv), nil
	}
	dir, err := os.MkdirTemp("", "testferret-")
	if err != nil {
		return nil, "", err
	}
	fail := func(err error) (*Server, string, error) {
		_ = os.RemoveAll(dir)
		return nil, "", err
	}
	s := &Server{Host: "127.0.0.1", Dir: dir, logf: filepath.Join(dir, "ferretdb.log")}
	if err := s.writeCerts(); err != nil {
		return fail(err)
	}
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o700); err != nil {
		return fail(err)
	}
	if s.Port, err = testserver.FreePort(); err != nil {
		return fail(err)
	}
	if s.TLSPort, err = testserver.FreePort(); err != nil {
		return fail(err)
	}
	cmd := exec.Command(bin,
		"--handler=sqlite",
		"--sqlite-url=file:"+data+"/",
		"--state-dir="+dir,
		"--listen-addr="+net.JoinHostPort(s.Host, strconv.Itoa(s.Port)),
		"--listen-tls="+net.JoinHostPort(s.Host, strconv.Itoa(s.TLSPort)),
		"--listen-tls-cert-file="+filepath.Join(dir, "server.pem"),
		"--listen-tls-key-file="+filepath.Join(dir, "server.key"),
		"--listen-tls-ca-file="+s.CAFile,
		"--debug-addr=-",
		"--telemetry=disable",
		"--log-level=info",
		"--test-enable-new-auth",
		"--setup-database=admin",
		"--setup-username="+User,
		"--setup-password="+Password,
	)
	if s.proc, err = testserver.Start("ferretdb", cmd, s.logf); err != nil {
		return fail(err)
	}
	// Ready once User can log in and ping. Both bounds are generous: the
	// wait ends as soon as the server answers, and a loaded machine can
	// take long to start it or to finish a SCRAM login.
	err = s.proc.WaitReady(2*time.Minute, func() error {
		c, err := s.connect(User, Password)
		if err != nil {
			return err
		}
		defer c.Disconnect(context.Background())
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		return c.Ping(ctx, nil)
	})
	if err != nil {
		_ = s.stop()
		return nil, "", err
	}
	return s, "", nil
}

// stop ends the server and removes its files.
func (s *Server) stop() error {
	return s.proc.StopAndRemove(syscall.SIGTERM, 30*time.Second, s.Dir)
}

// writeCerts makes a throwaway CA, a server certificate for 127.0.0.1 and
// localhost, and a client certificate.
func (s *Server) writeCerts() error {
	ca, err := testserver.NewCA(pkix.Name{CommonName: "testferret CA", Organization: []string{"stigscan tests"}})
	if err != nil {
		return err
	}
	srvCert, srvKey, err := ca.Issue(pkix.Name{CommonName: "127.0.0.1"}, x509.ExtKeyUsageServerAuth, "127.0.0.1", "localhost")
	if err != nil {
		return err
	}
	clientSubject := pkix.Name{CommonName: "scanner", OrganizationalUnit: []string{"scans"}, Organization: []string{"stigscan tests"}}
	cliCert, cliKey, err := ca.Issue(clientSubject, x509.ExtKeyUsageClientAuth)
	if err != nil {
		return err
	}
	s.CAFile = filepath.Join(s.Dir, "ca.pem")
	s.ClientCertKeyFile = filepath.Join(s.Dir, "client.pem")
	s.ClientSubject = clientSubject.String()
	files := []struct {
		name string
		data []byte
	}{
		{s.CAFile, ca.PEM},
		{filepath.Join(s.Dir, "server.pem"), srvCert},
		{filepath.Join(s.Dir, "server.key"), srvKey},
		{s.ClientCertKeyFile, append(cliCert, cliKey...)},
	}
	for _, f := range files {
		if err := os.WriteFile(f.name, f.data, 0o600); err != nil {
			return err
		}
	}
	return nil
}
