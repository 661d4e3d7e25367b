// Package testserver is what the harnesses that start a real server for
// tests (testpg, testferret, mysqltest) share: one server per test binary, started
// by the first test that needs it and stopped once the tests end; the
// server process with its log, waiting until it answers, and stopping it;
// free loopback ports; throwaway TLS certificates; and the unprivileged
// account a server runs as when the tests run as root.
package testserver

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Shared is the one server of a test binary. It is test harness state: a
// harness keeps it in a package variable for the life of the process,
// guarded by its Once; nothing outside tests uses it.
type Shared[S any] struct {
	name  string
	start func() (srv *S, skip string, err error)
	stop  func(*S) error

	once sync.Once
	mu   sync.Mutex
	srv  *S
	err  error
	skip string
}

// NewShared makes the shared server of the harness called name. start
// starts it; a non-empty skip instead says why this machine cannot run
// one. stop stops it and removes its files.
func NewShared[S any](name string, start func() (srv *S, skip string, err error), stop func(*S) error) *Shared[S] {
	return &Shared[S]{name: name, start: start, stop: stop}
}

// Get returns the server, starting it first if no test has. It skips t,
// with the reason, when the server cannot run here, and fails t when it
// did not start.
func (sh *Shared[S]) Get(t testing.TB) *S {
	t.Helper()
	sh.once.Do(func() {
		srv, skip, err := sh.start()
		sh.mu.Lock()
		sh.srv, sh.skip, sh.err = srv, skip, err
		sh.mu.Unlock()
	})
	if sh.skip != "" {
		t.Skip(sh.skip)
	}
	if sh.err != nil {
		t.Fatalf("%s: %v", sh.name, sh.err)
	}
	return sh.srv
}

// Main runs the package's tests and then stops the server, if one was
// started. A harness's Main calls it from the package's TestMain.
func (sh *Shared[S]) Main(m *testing.M) int {
	code := m.Run()
	sh.Stop()
	return code
}

// Stop stops the server, if one was started, reporting a failure on
// standard error. A TestMain whose package uses two harnesses calls one's
// Main and the other's Stop.
func (sh *Shared[S]) Stop() {
	sh.mu.Lock()
	srv := sh.srv
	sh.srv = nil
	sh.mu.Unlock()
	if srv != nil {
		if err := sh.stop(srv); err != nil {
			fmt.Fprintln(os.Stderr, sh.name+":", err)
		}
	}
}

// Process is a running server whose output goes to a log file.
type Process struct {
	name    string
	logPath string
	cmd     *exec.Cmd
	exited  chan struct{}
	waitErr error // set before exited is closed
}

// Start starts cmd in a process group of its own, writing its output to
// logPath (emptied first). name is what errors call the server.
func Start(name string, cmd *exec.Cmd, logPath string) (*Process, error) {
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &Process{name: name, logPath: logPath, cmd: cmd, exited: make(chan struct{})}
	go func() { p.waitErr = cmd.Wait(); close(p.exited) }()
	return p, nil
}

// Log returns what the server has written so far.
func (p *Process) Log() string {
	b, _ := os.ReadFile(p.logPath)
	return string(b)
}

// WaitReady calls ready until it succeeds, every 100ms for at most limit.
// When the server exits first or limit passes, the error says so with the
// end of the log; the caller then stops the server.
func (p *Process) WaitReady(limit time.Duration, ready func() error) error {
	deadline := time.Now().Add(limit)
	for {
		select {
		case <-p.exited:
			return fmt.Errorf("%s exited during start: %v: %s", p.name, p.waitErr, Tail(p.Log()))
		default:
		}
		err := ready()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready after %s: %v: %s", p.name, limit, err, Tail(p.Log()))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Stop sends the server sig and waits for it to exit; after grace it
// kills the server's process group and says so. A nil p was never
// started.
func (p *Process) Stop(sig syscall.Signal, grace time.Duration) error {
	if p == nil {
		return nil
	}
	_ = p.cmd.Process.Signal(sig)
	select {
	case <-p.exited:
		return nil
	case <-time.After(grace):
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.exited
		return fmt.Errorf("%s did not stop within %s; killed", p.name, grace)
	}
}

// StopAndRemove stops the server as Stop does, then removes dir, its
// files.
func (p *Process) StopAndRemove(sig syscall.Signal, grace time.Duration, dir string) error {
	err := p.Stop(sig, grace)
	if rmErr := os.RemoveAll(dir); rmErr != nil && err == nil {
		err = rmErr
	}
	return err
}

// FreePort returns a loopback TCP port that was free a moment ago.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Tail is the end of a log or a command's output, for an error message.
func Tail(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 2000 {
		s = "..." + s[len(s)-2000:]
	}
	return s
}
