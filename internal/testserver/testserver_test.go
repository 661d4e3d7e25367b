package testserver

import (
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCAIssuesVerifiableCertificates(t *testing.T) {
	ca, err := NewCA(pkix.Name{CommonName: "test CA"})
	require.NoError(t, err)
	roots := x509.NewCertPool()
	require.True(t, roots.AppendCertsFromPEM(ca.PEM))

	certPEM, keyPEM, err := ca.Issue(pkix.Name{CommonName: "localhost"}, x509.ExtKeyUsageServerAuth, "localhost", "127.0.0.1", "::1")
	require.NoError(t, err)
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	require.NoError(t, err, "the key goes with the certificate")
	leaf, err := x509.ParseCertificate(pair.Certificate[0])
	require.NoError(t, err)
	for _, name := range []string{"localhost", "127.0.0.1", "::1"} {
		_, err := leaf.Verify(x509.VerifyOptions{Roots: roots, DNSName: name})
		assert.NoError(t, err, name)
	}

	clientPEM, clientKey, err := ca.Issue(pkix.Name{CommonName: "client"}, x509.ExtKeyUsageClientAuth)
	require.NoError(t, err)
	client, err := tls.X509KeyPair(clientPEM, clientKey)
	require.NoError(t, err)
	cl, err := x509.ParseCertificate(client.Certificate[0])
	require.NoError(t, err)
	_, err = cl.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
	assert.NoError(t, err)
	assert.NotEqual(t, leaf.SerialNumber, cl.SerialNumber)
}

func TestProcessReadyAndStopped(t *testing.T) {
	logPath := filepath.Join(t.TempDir(), "server.log")
	p, err := Start("sleeper", exec.Command("sh", "-c", "echo listening; exec sleep 600"), logPath)
	require.NoError(t, err)
	require.NoError(t, p.WaitReady(time.Minute, func() error {
		if !strings.Contains(p.Log(), "listening") {
			return errors.New("not yet")
		}
		return nil
	}))
	dir := t.TempDir()
	require.NoError(t, p.StopAndRemove(syscall.SIGTERM, time.Minute, dir))
	assert.NoDirExists(t, dir)
	assert.NoError(t, p.Stop(syscall.SIGTERM, time.Minute), "stopping again does nothing")
	var never *Process
	assert.NoError(t, never.Stop(syscall.SIGTERM, time.Minute), "a server never started needs no stopping")
}

func TestProcessExitingDuringStart(t *testing.T) {
	logPath := filepath.Join(t.TempDir(), "server.log")
	p, err := Start("crasher", exec.Command("sh", "-c", "echo could not bind; exit 3"), logPath)
	require.NoError(t, err)
	err = p.WaitReady(time.Minute, func() error { return errors.New("no answer") })
	require.Error(t, err)
	assert.Contains(t, err.Error(), "crasher exited during start: exit status 3: could not bind")
}

func TestSharedStartsOnce(t *testing.T) {
	type server struct{ n int }
	starts := 0
	sh := NewShared("test", func() (*server, string, error) {
		starts++
		return &server{n: starts}, "", nil
	}, func(*server) error { return nil })
	a, b := sh.Get(t), sh.Get(t)
	assert.Same(t, a, b)
	assert.Equal(t, 1, starts)

	skipping := NewShared("test", func() (*server, string, error) { return nil, "no server binary here", nil }, func(*server) error { return nil })
	t.Run("skipped", func(t *testing.T) {
		skipping.Get(t)
		t.Error("Get must skip")
	})
}

func TestTail(t *testing.T) {
	assert.Equal(t, "x", Tail("\n x \n"))
	long := strings.Repeat("a", 3000) + "end"
	got := Tail(long)
	assert.Len(t, got, 2003)
	assert.True(t, strings.HasSuffix(got, "end"))
}
