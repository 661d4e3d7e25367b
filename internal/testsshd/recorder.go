package testsshd

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"testing"

	gossh "golang.org/x/crypto/ssh"
)

// authRequest is sshd's debug1 record of one authentication attempt.
var authRequest = regexp.MustCompile(`userauth-request for user (\S+) service ssh-connection method (\S+)`)

// AuthMethods lists the authentication methods clients attempted, in
// order, from sshd's log ("none", "publickey", "password",
// "keyboard-interactive"). The server must log at DEBUG1 or above
// (ExtraConfig "LogLevel DEBUG1"); a real sshd never logs the password
// itself, so use a Recorder to see what password was offered.
func (s *Server) AuthMethods() []string {
	var out []string
	for _, m := range authRequest.FindAllStringSubmatch(s.Log(), -1) {
		out = append(out, m[2])
	}
	return out
}

// Recorder is an in-process SSH server (golang.org/x/crypto/ssh) that
// records every credential a client offers: each password, each
// keyboard-interactive answer, each public key's fingerprint. It accepts
// the password Accept (if not empty) and refuses everything else. After
// a login it refuses every channel.
type Recorder struct {
	Host    string
	Port    int
	HostKey gossh.PublicKey
	Accept  string

	mu        sync.Mutex
	passwords []string
	answers   []string
	keys      []string
	logins    int
}

// StartRecorder runs a Recorder on 127.0.0.1 for the life of the test.
func StartRecorder(t testing.TB, accept string) *Recorder {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatalf("testsshd: %v", err)
	}
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatalf("testsshd: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("testsshd: %v", err)
	}
	r := &Recorder{Host: "127.0.0.1", Port: ln.Addr().(*net.TCPAddr).Port, HostKey: signer.PublicKey(), Accept: accept}
	cfg := &gossh.ServerConfig{
		PasswordCallback: func(_ gossh.ConnMetadata, pw []byte) (*gossh.Permissions, error) {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.passwords = append(r.passwords, string(pw))
			if r.Accept != "" && string(pw) == r.Accept {
				r.logins++
				return nil, nil
			}
			return nil, errors.New("refused")
		},
		KeyboardInteractiveCallback: func(_ gossh.ConnMetadata, ask gossh.KeyboardInteractiveChallenge) (*gossh.Permissions, error) {
			answers, err := ask("", "", []string{"Password: "}, []bool{false})
			if err != nil {
				return nil, err
			}
			r.mu.Lock()
			defer r.mu.Unlock()
			r.answers = append(r.answers, answers...)
			return nil, errors.New("refused")
		},
		PublicKeyCallback: func(_ gossh.ConnMetadata, k gossh.PublicKey) (*gossh.Permissions, error) {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.keys = append(r.keys, gossh.FingerprintSHA256(k))
			return nil, errors.New("refused")
		},
	}
	cfg.AddHostKey(signer)
	var wg sync.WaitGroup
	t.Cleanup(func() { _ = ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				_, chans, reqs, err := gossh.NewServerConn(c, cfg)
				if err != nil {
					return
				}
				go gossh.DiscardRequests(reqs)
				for ch := range chans {
					_ = ch.Reject(gossh.Prohibited, "recorder: no channels")
				}
			}()
		}
	}()
	return r
}

// Addr is host:port.
func (r *Recorder) Addr() string { return net.JoinHostPort(r.Host, strconv.Itoa(r.Port)) }

// KnownHosts writes a known_hosts file trusting the recorder's key into
// dir and returns its path.
func (r *Recorder) KnownHosts(t testing.TB, dir string) string {
	t.Helper()
	line := "[" + r.Host + "]:" + strconv.Itoa(r.Port) + " " + string(gossh.MarshalAuthorizedKey(r.HostKey))
	path := filepath.Join(dir, "known_hosts_recorder")
	if err := os.WriteFile(path, []byte(line), 0o600); err != nil {
		t.Fatalf("testsshd: %v", err)
	}
	return path
}

// Offered returns what clients offered so far: passwords, then
// keyboard-interactive answers, then public key fingerprints, and how
// many logins were accepted.
func (r *Recorder) Offered() (passwords, answers, keys []string, logins int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.passwords...), append([]string(nil), r.answers...), append([]string(nil), r.keys...), r.logins
}
