package postgrestest

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/internal/testpg"
)

// adminUser is the bootstrap superuser of the test clusters.
const adminUser = "pgadmin"

// cluster is a PostgreSQL cluster of one test: initdb'd in a temporary
// directory, started with the settings of a fixture.
type cluster struct {
	dir, data, sock, tls string
	port                 int
	uid, gid             int
	cred                 *syscall.Credential
	adminPW              string
	cmd                  *exec.Cmd
	exited               chan struct{}
	logf                 string
	certs                certs
}

// certs are the TLS files of a cluster.
type certs struct {
	ca, serverCert, serverKey, crl, clientCert, clientKey string
}

// serverAccount is who runs the server: the current user, or the testpg
// account when the tests run as root (initdb refuses root).
func serverAccount(t testing.TB) (uid, gid int, cred *syscall.Credential) {
	t.Helper()
	if os.Geteuid() != 0 {
		return os.Geteuid(), os.Getegid(), nil
	}
	u, err := user.Lookup(testpg.RunAsUser)
	if err != nil {
		out, err := exec.Command("useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
			"--shell", "/usr/sbin/nologin", "--user-group", testpg.RunAsUser).CombinedOutput()
		if u2, err2 := user.Lookup(testpg.RunAsUser); err2 == nil {
			u = u2
		} else {
			t.Fatalf("useradd %s: %v: %s", testpg.RunAsUser, err, out)
		}
	}
	uid, _ = strconv.Atoi(u.Uid)
	gid, _ = strconv.Atoi(u.Gid)
	return uid, gid, &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}
}

// newCluster runs initdb; the cluster is removed when t ends.
func newCluster(t testing.TB) *cluster {
	t.Helper()
	for _, bin := range []string{"initdb", "postgres"} {
		if _, err := os.Stat(filepath.Join(testpg.BinDir, bin)); err != nil {
			t.Skipf("%s not found (install the Debian package postgresql-15): real-PostgreSQL tests skipped", filepath.Join(testpg.BinDir, bin))
		}
	}
	uid, gid, cred := serverAccount(t)
	base := os.TempDir()
	if cred != nil {
		base = "/tmp" // the server account must reach it
	}
	dir, err := os.MkdirTemp(base, "pgstig-")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	c := &cluster{dir: dir, data: filepath.Join(dir, "data"), sock: filepath.Join(dir, "sock"), tls: filepath.Join(dir, "tls"),
		uid: uid, gid: gid, cred: cred, adminPW: "Adm-" + strconv.FormatInt(time.Now().UnixNano(), 36), logf: filepath.Join(dir, "server.log")}
	require.NoError(t, os.Chmod(dir, 0o755))
	require.NoError(t, os.Chown(dir, uid, gid))
	for _, d := range []string{c.sock, c.tls} {
		require.NoError(t, os.Mkdir(d, 0o700))
		require.NoError(t, os.Chown(d, uid, gid))
	}
	pw := filepath.Join(dir, "pwfile")
	require.NoError(t, os.WriteFile(pw, []byte(c.adminPW+"\n"), 0o600))
	require.NoError(t, os.Chown(pw, uid, gid))
	out, err := c.command(filepath.Join(testpg.BinDir, "initdb"), "--pgdata", c.data, "--username", adminUser, "--pwfile", pw,
		"--auth", "scram-sha-256", "--encoding", "UTF8", "--locale", "C", "--no-sync").CombinedOutput()
	_ = os.Remove(pw)
	require.NoError(t, err, "initdb: %s", out)
	c.certs = makeCerts(t, c.tls, uid, gid)
	return c
}

func (c *cluster) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "LANG=C", "LC_ALL=C", "HOME=/nonexistent"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred, Setpgid: true, Pdeathsig: syscall.SIGINT}
	return cmd
}

// start writes pg_hba.conf and starts the server with settings (passed as
// -c options, so postgresql.conf stays initdb's), stopping it when t ends.
func (c *cluster) start(t testing.TB, settings map[string]string, hba string) {
	t.Helper()
	hbaFile := filepath.Join(c.data, "pg_hba.conf")
	require.NoError(t, os.WriteFile(hbaFile, []byte(hba), 0o600))
	require.NoError(t, os.Chown(hbaFile, c.uid, c.gid))
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		c.port = freePort(t)
		args := []string{"-D", c.data, "-c", "port=" + strconv.Itoa(c.port), "-c", "listen_addresses=127.0.0.1",
			"-c", "unix_socket_directories=" + c.sock, "-c", "fsync=off"}
		keys := make([]string, 0, len(settings))
		for k := range settings {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			args = append(args, "-c", k+"="+settings[k])
		}
		logFile, err := os.OpenFile(c.logf, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		require.NoError(t, err)
		c.cmd = c.command(filepath.Join(testpg.BinDir, "postgres"), args...)
		c.cmd.Stdout, c.cmd.Stderr = logFile, logFile
		require.NoError(t, c.cmd.Start())
		_ = logFile.Close()
		c.exited = make(chan struct{})
		go func(cmd *exec.Cmd, ch chan struct{}) { _ = cmd.Wait(); close(ch) }(c.cmd, c.exited)
		if lastErr = c.waitReady(); lastErr == nil {
			t.Cleanup(c.stop)
			return
		}
		c.stop()
		if !strings.Contains(c.log(), "could not bind") {
			break
		}
	}
	t.Fatalf("postgres did not start: %v\n%s", lastErr, tail(c.log()))
}

func (c *cluster) waitReady() error {
	deadline := time.Now().Add(2 * time.Minute) // ends as soon as it answers
	for {
		select {
		case <-c.exited:
			return errors.New("postgres exited during start")
		default:
		}
		conn, err := c.connect(context.Background(), "postgres")
		if err == nil {
			_ = conn.Close(context.Background())
			return nil
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (c *cluster) stop() {
	if c.cmd == nil || c.cmd.Process == nil {
		return
	}
	_ = c.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-c.exited:
	case <-time.After(30 * time.Second):
		_ = syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL)
		<-c.exited
	}
	c.cmd = nil
}

func (c *cluster) log() string {
	b, _ := os.ReadFile(c.logf)
	return string(b)
}

// connect logs in as the bootstrap superuser over the Unix socket.
func (c *cluster) connect(ctx context.Context, db string) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(fmt.Sprintf("host=%s port=%d dbname=%s user=%s sslmode=disable connect_timeout=10", c.sock, c.port, db, adminUser))
	if err != nil {
		return nil, err
	}
	cfg.Password = c.adminPW
	return pgx.ConnectConfig(ctx, cfg)
}

// exec runs statements as the bootstrap superuser in db.
func (c *cluster) exec(t testing.TB, db string, stmts ...string) {
	t.Helper()
	ctx := context.Background()
	conn, err := c.connect(ctx, db)
	require.NoError(t, err)
	defer conn.Close(ctx)
	for _, s := range stmts {
		_, err := conn.Exec(ctx, s)
		require.NoError(t, err, "%s", s)
	}
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func tail(s string) string {
	if len(s) > 3000 {
		return s[len(s)-3000:]
	}
	return s
}

// makeCerts writes a throwaway CA, a server certificate for 127.0.0.1, an
// empty revocation list and a client certificate for the role "scanner".
func makeCerts(t testing.TB, dir string, uid, gid int) certs {
	t.Helper()
	newKey := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		require.NoError(t, err)
		return k
	}
	now := time.Now()
	caKey := newKey()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "stigscan test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	require.NoError(t, err)
	ca, err := x509.ParseCertificate(caDER)
	require.NoError(t, err)
	leaf := func(serial int64, cn string, ip net.IP, usage x509.ExtKeyUsage) ([]byte, *ecdsa.PrivateKey) {
		k := newKey()
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn},
			NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
			ExtKeyUsage: []x509.ExtKeyUsage{usage}}
		if ip != nil {
			tmpl.IPAddresses = []net.IP{ip}
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &k.PublicKey, caKey)
		require.NoError(t, err)
		return der, k
	}
	srvDER, srvKey := leaf(2, "127.0.0.1", net.IPv4(127, 0, 0, 1), x509.ExtKeyUsageServerAuth)
	cliDER, cliKey := leaf(3, "scanner", nil, x509.ExtKeyUsageClientAuth)
	crlDER, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{Number: big.NewInt(1), ThisUpdate: now.Add(-time.Hour), NextUpdate: now.Add(24 * time.Hour)}, ca, caKey)
	require.NoError(t, err)
	keyPEM := func(k *ecdsa.PrivateKey) []byte {
		der, err := x509.MarshalECPrivateKey(k)
		require.NoError(t, err)
		return pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der})
	}
	c := certs{ca: filepath.Join(dir, "root.crt"), serverCert: filepath.Join(dir, "server.crt"), serverKey: filepath.Join(dir, "server.key"),
		crl: filepath.Join(dir, "root.crl"), clientCert: filepath.Join(dir, "client.crt"), clientKey: filepath.Join(dir, "client.key")}
	write := func(p string, data []byte, owner int) {
		require.NoError(t, os.WriteFile(p, data, 0o600))
		require.NoError(t, os.Chown(p, owner, gid))
	}
	write(c.ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), uid)
	write(c.serverCert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srvDER}), uid)
	write(c.serverKey, keyPEM(srvKey), uid)
	write(c.crl, pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: crlDER}), uid)
	// The client's files are read by the test process.
	write(c.clientCert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cliDER}), os.Geteuid())
	write(c.clientKey, keyPEM(cliKey), os.Geteuid())
	return c
}
