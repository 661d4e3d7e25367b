package e2e

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/fleet"
	"github.com/stigscan/stigscan/internal/testsshd"
	"github.com/stigscan/stigscan/internal/testutil"
)

// buildCLI builds cmd/stigscan into a temporary directory.
func buildCLI(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "stigscan")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/stigscan")
	cmd.Dir = testutil.RepoRoot(t)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

// silentServer accepts TCP connections and never says anything: an SSH
// host that hangs before its banner. accepted counts connections.
func silentServer(t *testing.T, accepted *atomic.Int32) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
			accepted.Add(1)
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		<-done
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return ln.Addr().(*net.TCPAddr).Port
}

// TestSignalStopsScan runs the built CLI on a fleet of an offline root
// (finishes at once), then an SSH host that never answers (the scan
// waits on it, with a 10-minute connect timeout), then another such
// host, one at a time. Once it waits on the first hung host it gets
// SIGTERM (or SIGINT): it must exit within a generous bound with 143
// (130), having written the finished target's results and summaries
// marking the other two "not scanned: interrupted".
func TestSignalStopsScan(t *testing.T) {
	bin := buildCLI(t)
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGTERM, 143}, {syscall.SIGINT, 130}} {
		t.Run(tc.sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			root := filepath.Join(dir, "root")
			require.NoError(t, os.MkdirAll(filepath.Join(root, "etc"), 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(root, "etc", "passwd"), []byte("root:x:0:0::/root:/bin/sh\n"), 0o644))
			var accepted atomic.Int32
			port := silentServer(t, &accepted)
			inv := fmt.Sprintf("local:%s name=done\nssh://root@127.0.0.1:%d name=hung\nssh://root@127.0.0.1:%d name=queued\n", root, port, port)
			require.NoError(t, os.WriteFile(filepath.Join(dir, "hosts.txt"), []byte(inv), 0o644))
			out := filepath.Join(dir, "res")

			var stdout, stderr bytes.Buffer
			cmd := exec.Command(bin, "scan", "--profile", "offline", "--targets", filepath.Join(dir, "hosts.txt"), "--out", out,
				"--parallel", "1", "--connect-timeout", "10m", "--ssh-agent=false", "--ssh-password-env", "STIGSCAN_E2E_UNUSED",
				"--known-hosts", filepath.Join(dir, "known_hosts"), "--progress", "lines", "--json", "yes")
			cmd.Env = append(os.Environ(), "STIGSCAN_E2E_UNUSED=unused")
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			require.NoError(t, cmd.Start())
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()

			// Wait, on the condition and not a clock, until the scan hangs
			// on the first silent host.
			waitFor(t, exited, func() bool { return accepted.Load() > 0 }, "the scan reached the hung host")
			sent := time.Now()
			require.NoError(t, cmd.Process.Signal(tc.sig))
			var err error
			select {
			case err = <-exited:
			case <-time.After(20 * time.Second):
				_ = cmd.Process.Kill()
				t.Fatalf("still running 20s after %s\nstdout:\n%s\nstderr:\n%s", tc.sig, &stdout, &stderr)
			}
			took := time.Since(sent)
			t.Logf("%s: exited %v after %s", tc.sig, err, took.Round(time.Millisecond))
			var ee *exec.ExitError
			require.True(t, errors.As(err, &ee), "exit: %v", err)
			assert.Equal(t, tc.code, ee.ExitCode(), "stderr:\n%s", &stderr)
			assert.Contains(t, stderr.String(), "stopping")

			for _, f := range []string{"done-arf.xml", "done.json"} {
				_, err := os.Stat(filepath.Join(out, f))
				assert.NoError(t, err, "the finished target's results were written")
			}
			status := map[string]string{}
			for _, name := range []string{"done", "hung", "queued"} {
				data, err := os.ReadFile(filepath.Join(out, name+".summary.json"))
				require.NoError(t, err, "every target has its summary")
				var s fleet.Summary
				require.NoError(t, json.Unmarshal(data, &s))
				status[name] = s.Status
			}
			assert.Equal(t, map[string]string{"done": fleet.StatusScanned, "hung": fleet.StatusInterrupted, "queued": fleet.StatusInterrupted}, status)
			for _, name := range []string{"hung", "queued"} {
				_, err := os.Stat(filepath.Join(out, name+"-arf.xml"))
				assert.True(t, os.IsNotExist(err), "%s has no results", name)
			}
			table := stdout.String()
			assert.Regexp(t, `(?m)^hung .*not scanned: interrupted$`, table)
			assert.Regexp(t, `(?m)^queued .*not scanned: interrupted$`, table)
			assert.Contains(t, table, "2 of 3 targets not fully scanned")
			assert.Equal(t, int32(1), accepted.Load(), "the queued host was never contacted")
		})
	}
}

// TestSignalStopsScanOnFrozenHost: SIGTERM while the scan waits on a
// command to an SSH host that froze mid-scan (SIGSTOP: the connection
// stays open, nothing answers) ends the run within a generous bound,
// the finished target written and the frozen one marked not scanned.
func TestSignalStopsScanOnFrozenHost(t *testing.T) {
	bin := buildCLI(t)
	srv := testsshd.Start(t, testsshd.Options{})
	t.Cleanup(func() { srv.Thaw(t) })
	dir := t.TempDir()
	root := filepath.Join(dir, "root")
	require.NoError(t, os.MkdirAll(filepath.Join(root, "etc"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "etc", "passwd"), []byte("root:x:0:0::/root:/bin/sh\n"), 0o644))
	inv := fmt.Sprintf("local:%s name=done\n%s name=frozen key=%s known-hosts=%s\n", root, srv.Target(), srv.ClientKeyFile, srv.KnownHosts(t))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "hosts.txt"), []byte(inv), 0o644))
	out := filepath.Join(dir, "res")
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, "scan", "--profile", "offline", "--targets", filepath.Join(dir, "hosts.txt"), "--out", out,
		"--parallel", "1", "--command-timeout", "10m", "--ssh-agent=false", "--progress", "lines")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	waitFor(t, exited, func() bool { return strings.Contains(srv.Log(), "Starting session") }, "the scan started a session")
	srv.Freeze(t)
	sent := time.Now()
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	var err error
	select {
	case err = <-exited:
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("still running 20s after SIGTERM\nstdout:\n%s\nstderr:\n%s", &stdout, &stderr)
	}
	t.Logf("exited %v after %s", err, time.Since(sent).Round(time.Millisecond))
	var ee *exec.ExitError
	require.True(t, errors.As(err, &ee), "exit: %v", err)
	assert.Equal(t, 143, ee.ExitCode(), "stderr:\n%s", &stderr)
	for name, want := range map[string]string{"done": fleet.StatusScanned, "frozen": fleet.StatusInterrupted} {
		data, err := os.ReadFile(filepath.Join(out, name+".summary.json"))
		require.NoError(t, err)
		var s fleet.Summary
		require.NoError(t, json.Unmarshal(data, &s))
		assert.Equal(t, want, s.Status, name)
	}
	assert.Regexp(t, `(?m)^frozen .*not scanned: interrupted$`, stdout.String())
}

// waitFor polls cond until it holds; it fails the test if the process
// exits first.
func waitFor(t *testing.T, exited <-chan error, cond func() bool, what string) {
	t.Helper()
	for !cond() {
		select {
		case err := <-exited:
			t.Fatalf("exited (%v) before %s", err, what)
		case <-time.After(20 * time.Millisecond):
		}
	}
}
