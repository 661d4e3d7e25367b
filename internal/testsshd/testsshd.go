// Package testsshd starts a real OpenSSH server (/usr/sbin/sshd) on
// 127.0.0.1 for tests: a throwaway host key and client key made by
// ssh-keygen in a temporary directory, key authentication for the user
// running the tests (or another account, Options.User), and helpers to kill
// or freeze the server mid-test.
//
// Tests that use it are skipped, with the reason, when sshd or ssh-keygen is
// not installed (install the openssh-server and openssh-client packages).
package testsshd

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// SSHDPath is where the OpenSSH server is expected.
const SSHDPath = "/usr/sbin/sshd"

// Options shape one server.
type Options struct {
	// HostKeyTypes lists the host key types the server offers, for
	// ssh-keygen -t; default ed25519 only.
	HostKeyTypes []string
	// ExtraConfig lines come first in sshd_config, so they override the
	// harness defaults (sshd keeps the first value of a keyword). No
	// Match blocks.
	ExtraConfig []string
	// ClientKeyPassphrase, when set, encrypts the generated client key.
	ClientKeyPassphrase string
	// User is the account the client key logs in as; default the user
	// running the tests. sshd reads authorized_keys as that user, so for
	// another account the file is put in a directory anyone may read (it
	// holds only a public key) instead of the test's private one.
	User string
}

// Server is one running sshd. Its fields are read-only after Start.
type Server struct {
	Host          string // always 127.0.0.1
	Port          int
	Dir           string // temporary directory holding keys and config
	User          string // the user tests log in as (Options.User, else the current user)
	ClientKeyFile string // private key accepted by the server
	// HostKeys are the server's public host keys, in HostKeyTypes order.
	HostKeys []gossh.PublicKey

	cmd    *exec.Cmd
	logMu  sync.Mutex
	log    bytes.Buffer
	exited chan struct{}
}

// Start runs sshd for the life of the test, or skips the test when the
// OpenSSH binaries are missing.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	if _, err := os.Stat(SSHDPath); err != nil {
		t.Skipf("testsshd: %s not found (install openssh-server): real-sshd tests skipped", SSHDPath)
	}
	if _, err := exec.LookPath("ssh-keygen"); err != nil {
		t.Skip("testsshd: ssh-keygen not found (install openssh-client): real-sshd tests skipped")
	}
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
		t.Skipf("testsshd: sshd needs its privilege separation directory /run/sshd: %v", err)
	}
	login := opts.User
	if login == "" {
		u, err := user.Current()
		if err != nil {
			t.Fatalf("testsshd: current user: %v", err)
		}
		login = u.Username
	}
	types := opts.HostKeyTypes
	if len(types) == 0 {
		types = []string{"ed25519"}
	}
	dir := t.TempDir()
	s := &Server{Host: "127.0.0.1", Dir: dir, User: login}
	var hostKeyLines []string
	for _, typ := range types {
		path := filepath.Join(dir, "host_"+typ)
		pub := Keygen(t, path, typ, "")
		k, _, _, _, err := gossh.ParseAuthorizedKey([]byte(pub))
		if err != nil {
			t.Fatalf("testsshd: parse host key: %v", err)
		}
		s.HostKeys = append(s.HostKeys, k)
		hostKeyLines = append(hostKeyLines, "HostKey "+path)
	}
	s.ClientKeyFile = filepath.Join(dir, "client_ed25519")
	pub := Keygen(t, s.ClientKeyFile, "ed25519", opts.ClientKeyPassphrase)
	authKeys, authMode := filepath.Join(dir, "authorized_keys"), fs.FileMode(0o600)
	if opts.User != "" {
		// t.TempDir's directories are private to the user running the
		// tests; sshd would not be able to read the file as opts.User.
		pubDir, err := os.MkdirTemp("", "testsshd-authkeys-")
		if err != nil {
			t.Fatalf("testsshd: %v", err)
		}
		t.Cleanup(func() { _ = os.RemoveAll(pubDir) })
		if err := os.Chmod(pubDir, 0o755); err != nil {
			t.Fatalf("testsshd: %v", err)
		}
		authKeys, authMode = filepath.Join(pubDir, "authorized_keys"), 0o644
	}
	if err := os.WriteFile(authKeys, []byte(pub), authMode); err != nil {
		t.Fatalf("testsshd: %v", err)
	}

	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		port := freePort(t)
		// sshd keeps the first value it reads for a keyword, so the
		// extra lines go first and override the defaults below.
		conf := append(append([]string{}, opts.ExtraConfig...),
			"Port "+strconv.Itoa(port),
			"ListenAddress 127.0.0.1",
			"PidFile none",
			"AuthorizedKeysFile "+authKeys,
			"PermitRootLogin yes",
			"PubkeyAuthentication yes",
			"PasswordAuthentication no",
			"KbdInteractiveAuthentication no",
			"UsePAM no",
			"StrictModes no",
			"MaxSessions 10",
			"LogLevel VERBOSE",
		)
		if opts.User != "" {
			// The key file names no user, so without this the key
			// would log in as root too.
			conf = append(conf, "AllowUsers "+opts.User)
		}
		conf = append(conf, hostKeyLines...)
		confPath := filepath.Join(dir, "sshd_config")
		if err := os.WriteFile(confPath, []byte(strings.Join(conf, "\n")+"\n"), 0o600); err != nil {
			t.Fatalf("testsshd: %v", err)
		}
		s.Port = port
		if lastErr = s.run(confPath); lastErr == nil {
			t.Cleanup(s.stop)
			return s
		}
	}
	t.Fatalf("testsshd: sshd did not start: %v\n%s", lastErr, s.Log())
	return nil
}

func (s *Server) run(confPath string) error {
	s.logMu.Lock()
	s.log.Reset()
	s.logMu.Unlock()
	cmd := exec.Command(SSHDPath, "-D", "-e", "-f", confPath)
	cmd.Stdout = (*logWriter)(s)
	cmd.Stderr = (*logWriter)(s)
	// Should the test binary die without running its cleanups (go test's
	// -timeout panics), the server goes too instead of lingering.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return err
	}
	s.cmd = cmd
	s.exited = make(chan struct{})
	go func() { _ = cmd.Wait(); close(s.exited) }()
	// Generous: the loop ends as soon as sshd answers, and a loaded
	// machine can take many seconds to start it.
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		select {
		case <-s.exited:
			return fmt.Errorf("sshd exited early")
		default:
		}
		if bannerOK(s.Addr()) {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.stop()
	return fmt.Errorf("sshd did not answer on %s", s.Addr())
}

func bannerOK(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	return err == nil && strings.HasPrefix(line, "SSH-2.0-")
}

type logWriter Server

func (w *logWriter) Write(p []byte) (int, error) {
	w.logMu.Lock()
	defer w.logMu.Unlock()
	return w.log.Write(p)
}

// Log returns what sshd wrote so far, for failure messages.
func (s *Server) Log() string {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	return s.log.String()
}

// Addr is host:port.
func (s *Server) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// Target is the ssh:// form of the server for the test user.
func (s *Server) Target() string { return "ssh://" + s.User + "@" + s.Addr() }

// KnownHostsLine is the known_hosts line binding key to this server.
func (s *Server) KnownHostsLine(key gossh.PublicKey) string {
	return "[" + s.Host + "]:" + strconv.Itoa(s.Port) + " " + strings.TrimSpace(string(gossh.MarshalAuthorizedKey(key)))
}

// WriteKnownHosts writes a known_hosts file holding the given lines and
// returns its path.
func (s *Server) WriteKnownHosts(t testing.TB, name string, lines ...string) string {
	t.Helper()
	path := filepath.Join(s.Dir, name)
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatalf("testsshd: %v", err)
	}
	return path
}

// KnownHosts writes a known_hosts file that trusts every host key of the
// server and returns its path.
func (s *Server) KnownHosts(t testing.TB) string {
	t.Helper()
	var lines []string
	for _, k := range s.HostKeys {
		lines = append(lines, s.KnownHostsLine(k))
	}
	return s.WriteKnownHosts(t, "known_hosts", lines...)
}

// Kill sends SIGKILL to sshd and every process it started (the
// per-connection processes leave sshd's process group, so they are found
// through /proc), as a crashed or powered-off server would look.
func (s *Server) Kill(t testing.TB) {
	t.Helper()
	s.signalTree(t, syscall.SIGKILL)
}

// Freeze stops sshd and its children with SIGSTOP: TCP stays open but no
// SSH packet is answered, as with a hung host or a silently dropped link.
func (s *Server) Freeze(t testing.TB) {
	t.Helper()
	s.signalTree(t, syscall.SIGSTOP)
}

// Thaw resumes a frozen server.
func (s *Server) Thaw(t testing.TB) {
	t.Helper()
	s.signalTree(t, syscall.SIGCONT)
}

func (s *Server) signalTree(t testing.TB, sig syscall.Signal) {
	t.Helper()
	pids, err := descendants(s.cmd.Process.Pid)
	if err != nil {
		t.Fatalf("testsshd: list sshd processes: %v", err)
	}
	for _, pid := range pids {
		_ = syscall.Kill(pid, sig)
	}
}

func (s *Server) stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	if pids, err := descendants(s.cmd.Process.Pid); err == nil {
		for _, pid := range pids {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	} else {
		_ = s.cmd.Process.Kill()
	}
	<-s.exited
}

// descendants returns root and every process below it, parents first.
func descendants(root int) ([]int, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	children := map[int][]int{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// The command name is in parentheses and may hold spaces; the
		// parent pid is the second field after it.
		i := bytes.LastIndexByte(b, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(b[i+1:]))
		if len(f) < 2 {
			continue
		}
		ppid, err := strconv.Atoi(f[1])
		if err != nil {
			continue
		}
		children[ppid] = append(children[ppid], pid)
	}
	out := []int{root}
	for i := 0; i < len(out); i++ {
		out = append(out, children[out[i]]...)
	}
	return out, nil
}

// Keygen makes a key pair with ssh-keygen at path (and path.pub) and returns
// the public key line.
func Keygen(t testing.TB, path, typ, passphrase string) string {
	t.Helper()
	out, err := exec.Command("ssh-keygen", "-q", "-t", typ, "-N", passphrase, "-C", "stigscan-test", "-f", path).CombinedOutput()
	if err != nil {
		t.Fatalf("testsshd: ssh-keygen -t %s: %v: %s", typ, err, out)
	}
	pub, err := os.ReadFile(path + ".pub")
	if err != nil {
		t.Fatalf("testsshd: %v", err)
	}
	return string(pub)
}

// StartAgent runs a real ssh-agent on a socket in a temporary directory,
// loads the given unencrypted keys into it, and returns the socket path.
func StartAgent(t testing.TB, keyFiles ...string) string {
	t.Helper()
	if _, err := exec.LookPath("ssh-agent"); err != nil {
		t.Skip("testsshd: ssh-agent not found (install openssh-client)")
	}
	dir, err := os.MkdirTemp("", "agent")
	if err != nil {
		t.Fatalf("testsshd: %v", err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	sock := filepath.Join(dir, "s")
	cmd := exec.Command("ssh-agent", "-D", "-a", sock)
	cmd.Stdout, cmd.Stderr = nil, nil
	if err := cmd.Start(); err != nil {
		t.Fatalf("testsshd: ssh-agent: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if _, err := os.Stat(sock); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("testsshd: ssh-agent socket did not appear")
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, k := range keyFiles {
		add := exec.Command("ssh-add", k)
		add.Env = append(os.Environ(), "SSH_AUTH_SOCK="+sock)
		if out, err := add.CombinedOutput(); err != nil {
			t.Fatalf("testsshd: ssh-add %s: %v: %s", k, err, out)
		}
	}
	return sock
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("testsshd: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
