package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/builtin"
	"github.com/stigscan/stigscan/collectors/local"
	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/fleet"
	"github.com/stigscan/stigscan/internal/cli"
	"github.com/stigscan/stigscan/internal/netdelay"
	"github.com/stigscan/stigscan/internal/testsshd"
	"github.com/stigscan/stigscan/oval/probes/list"
	"github.com/stigscan/stigscan/xccdf"
)

// builtinCounts is what the built-in baseline gives on this machine through
// the local host: every SSH target of these tests is this machine.
func builtinCounts(t *testing.T) map[engine.Status]int {
	t.Helper()
	data, err := builtin.Read(builtin.LinuxBenchmark)
	require.NoError(t, err)
	c, err := xccdf.OpenBytes(data, "builtin:"+builtin.LinuxBenchmark, builtin.FS(), xccdf.Options{})
	require.NoError(t, err)
	sel, err := xccdf.Resolve(c.Benchmark, nil, "")
	require.NoError(t, err)
	b, err := engine.Prepare(context.Background(), c, sel, engine.Options{Probes: list.Standard()})
	require.NoError(t, err)
	res, err := b.Evaluate(context.Background(), local.New())
	require.NoError(t, err)
	return res.Counts()
}

// inventory writes one line per target and returns the file.
func inventory(t *testing.T, lines ...string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "hosts.txt")
	require.NoError(t, os.WriteFile(p, []byte("# written by the e2e tests\n"+strings.Join(lines, "\n")+"\n"), 0o600))
	return p
}

// heapSampler records the peak of runtime.MemStats.HeapInuse above what was
// in use when it started.
type heapSampler struct {
	base, peak atomic.Uint64
	stop       chan struct{}
	done       chan struct{}
}

func sampleHeap() *heapSampler {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	s := &heapSampler{stop: make(chan struct{}), done: make(chan struct{})}
	s.base.Store(ms.HeapInuse)
	go func() {
		defer close(s.done)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > s.peak.Load() {
				s.peak.Store(ms.HeapInuse)
			}
			select {
			case <-s.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return s
}

// End returns the peak in MB above the start.
func (s *heapSampler) End() float64 {
	close(s.stop)
	<-s.done
	p, b := s.peak.Load(), s.base.Load()
	if p < b {
		return 0
	}
	return float64(p-b) / (1 << 20)
}

// scanFleet runs `stigscan scan` in-process on an inventory and returns
// the summaries it wrote, its output and the wall time.
func scanFleet(t *testing.T, inv, out string, extra ...string) (ss []fleet.Summary, stdout, stderr string, wall time.Duration, err error) {
	t.Helper()
	args := append([]string{"scan", "--targets", inv, "--out", out, "--ssh-agent=false", "--progress", "lines"}, extra...)
	var o, e bytes.Buffer
	start := time.Now()
	err = cli.Run(context.Background(), args, strings.NewReader(""), &o, &e)
	wall = time.Since(start)
	ss, merr := fleet.Merge(out)
	require.NoError(t, merr)
	return ss, o.String(), e.String(), wall, err
}

// TestFleet50 scans 1, 10, 16 and 50 targets (this machine through one sshd
// accepting that many logins) with --parallel 16 through the command line,
// first on plain loopback, then through a link with 25 ms of latency each
// way. Every target must give the local results and write its ARF. Times and
// heap peaks are logged, not asserted: docs/benchmarks.md records them.
//
// The server starts sessions with SHLVL=1 so that bash, the test user's
// login shell, does not read ~/.bashrc (bash reads it for commands run by
// sshd only at shell level 1): on a developer machine that file may start
// language toolchains, a cost of this machine's account that fifty separate
// targets would each pay on their own CPU, not on the scanner's.
func TestFleet50(t *testing.T) {
	srv := testsshd.Start(t, testsshd.Options{ExtraConfig: []string{"MaxStartups 200", "SetEnv SHLVL=1"}})
	want := builtinCounts(t)
	known := srv.KnownHosts(t)
	links := []struct {
		name  string
		delay time.Duration
	}{{"loopback", 0}, {"25ms each way", 25 * time.Millisecond}}
	for _, link := range links {
		t.Run(link.name, func(t *testing.T) {
			port := srv.Port
			if link.delay > 0 {
				p, err := netdelay.Start(srv.Addr(), link.delay)
				require.NoError(t, err)
				t.Cleanup(func() { _ = p.Close() })
				port = p.Port()
				known = srv.WriteKnownHosts(t, "known_hosts_proxy", strings.Replace(srv.KnownHostsLine(srv.HostKeys[0]), fmt.Sprintf(":%d ", srv.Port), fmt.Sprintf(":%d ", port), 1))
			}
			wall := map[int]time.Duration{}
			heap := map[int]float64{}
			for _, size := range []int{1, 10, 16, 50} {
				var lines []string
				for i := 1; i <= size; i++ {
					lines = append(lines, fmt.Sprintf("ssh://%s@127.0.0.1:%d name=t%02d", srv.User, port, i))
				}
				out := t.TempDir()
				hs := sampleHeap()
				ss, stdout, stderr, w, err := scanFleet(t, inventory(t, lines...), out,
					"--parallel", "16", "--ssh-key", srv.ClientKeyFile, "--known-hosts", known, "--connect-timeout", slowLogin)
				heap[size] = hs.End()
				wall[size] = w
				require.NoError(t, err, "stdout:\n%s\nstderr:\n%s\nsshd:\n%s", stdout, stderr, srv.Log())
				require.Len(t, ss, size)
				for _, s := range ss {
					assert.Empty(t, s.Error, s.Name)
					assert.Equal(t, want, s.Counts, "%s: the local results", s.Name)
					arf, err := os.ReadFile(filepath.Join(out, s.Name+"-arf.xml"))
					if assert.NoError(t, err, s.Name) {
						assert.Contains(t, string(arf), "asset-report-collection", s.Name)
					}
				}
				assert.Contains(t, stdout, fmt.Sprintf("0 of %d targets not fully scanned", size))
				assert.Equal(t, size, strings.Count(stderr, "\n"), "one progress line per target")
			}
			waves := float64((50 + 15) / 16)
			t.Logf("%s: wall 1 target %s, 10 targets %s, 50 targets %s; 50 vs %.0f waves of one: %.2f (50/16 waves: %.2f)",
				link.name, wall[1].Round(time.Millisecond), wall[10].Round(time.Millisecond), wall[50].Round(time.Millisecond),
				waves, wall[50].Seconds()/(waves*wall[1].Seconds()), wall[50].Seconds()/(50.0/16*wall[1].Seconds()))
			t.Logf("%s: peak heap in use above the start: 1 target %.1f MB, 10 targets %.1f MB, 16 targets %.1f MB, 50 targets %.1f MB",
				link.name, heap[1], heap[10], heap[16], heap[50])
		})
	}
}

// silentListener accepts TCP connections and never writes: a host that is
// up but whose SSH server hangs.
func silentListener(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		_ = l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			go func() { _, _ = io.Copy(io.Discard, c) }()
		}
	}()
	return l.Addr().(*net.TCPAddr).Port
}

// TestFleetFaults runs one fleet through the command line in which healthy
// targets sit beside a server killed mid-scan, a wrong password, a changed
// host key and a host that accepts TCP but never speaks. Each faulty host
// ends with its own clear error within its timeout, the healthy ones
// complete with the local results, and neither the password, nor the key's
// passphrase, nor any line of the private key appears in any output.
func TestFleetFaults(t *testing.T) {
	secret := func(prefix string) string {
		var b [8]byte
		_, _ = rand.Read(b[:])
		return fmt.Sprintf("%s-%x", prefix, b)
	}
	password := secret("E2e-Password")
	passphrase := secret("E2e-Passphrase")
	t.Setenv("STIGSCAN_E2E_PASSWORD", password)
	dir := t.TempDir()
	passFile := filepath.Join(dir, "passphrase")
	require.NoError(t, os.WriteFile(passFile, []byte(passphrase+"\n"), 0o600))

	opts := testsshd.Options{ClientKeyPassphrase: passphrase, ExtraConfig: []string{"PasswordAuthentication yes", "MaxStartups 200"}}
	srv := testsshd.Start(t, opts)
	victim := testsshd.Start(t, opts)
	known := srv.KnownHosts(t)
	victimKnown := victim.KnownHosts(t)
	other := testsshd.Keygen(t, filepath.Join(dir, "other_host_key"), "ed25519", "")
	changedKnown := srv.WriteKnownHosts(t, "known_hosts_changed", "[127.0.0.1]:"+fmt.Sprint(srv.Port)+" "+strings.TrimSpace(other))
	silent := silentListener(t)
	want := builtinCounts(t)

	tg := func(port int, name, settings string) string {
		return strings.TrimSpace(fmt.Sprintf("ssh://%s@127.0.0.1:%d name=%s %s", srv.User, port, name, settings))
	}
	inv := inventory(t,
		tg(srv.Port, "ok1", ""),
		tg(victim.Port, "killed", "key="+victim.ClientKeyFile+" known-hosts="+victimKnown),
		tg(srv.Port, "ok2", ""),
		tg(srv.Port, "wrong-password", "key= password-env=STIGSCAN_E2E_PASSWORD"),
		tg(srv.Port, "changed-key", "known-hosts="+changedKnown),
		tg(silent, "silent", ""),
		tg(srv.Port, "ok3", ""),
	)

	// The connect timeout bounds the healthy logins too: it is ten times
	// what one takes here and now (the key decrypted with its passphrase,
	// handshake, login) plus slack, rounded to seconds for the message.
	// The host timeout is only a backstop for a scan that hangs: no host
	// of this fleet may need it, healthy ones least of all.
	connectTimeout := (10*healthyLogin(t, srv, passFile) + 5*time.Second).Round(time.Second)
	const hostTimeout = 15 * time.Minute
	t.Logf("connect timeout %s, host timeout %s", connectTimeout, hostTimeout)

	// Kill the victim's sshd (and every session process) as soon as the
	// scan's first command starts on it, however long the login takes
	// (55 s on a loaded machine): the watch ends with the scan, not at a
	// fixed deadline.
	killed, scanned := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(killed)
		for {
			if strings.Contains(victim.Log(), "Starting session") {
				victim.Kill(t)
				return
			}
			select {
			case <-scanned:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()

	out := filepath.Join(dir, "results")
	ss, stdout, stderr, wall, err := scanFleet(t, inv, out,
		"--parallel", "8", "--ssh-key", srv.ClientKeyFile, "--ssh-key-passphrase-file", passFile,
		"--known-hosts", known, "--connect-timeout", connectTimeout.String(), "--host-timeout", hostTimeout.String())
	close(scanned)
	<-killed
	t.Logf("fleet of %d with 4 faults: %s\n%s", len(ss), wall.Round(time.Millisecond), stdout)
	var ee *cli.ExitError
	require.ErrorAs(t, err, &ee, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Equal(t, cli.ExitError1, ee.ExitCode())
	require.Len(t, ss, 7)

	byName := map[string]fleet.Summary{}
	for _, s := range ss {
		byName[s.Name] = s
	}
	for _, name := range []string{"ok1", "ok2", "ok3"} {
		s := byName[name]
		assert.Empty(t, s.Error, name)
		assert.Equal(t, want, s.Counts, "%s: the local results", name)
	}
	faults := []struct {
		name    string
		want    []string // all in the summary's error
		timeout time.Duration
	}{
		{name: "wrong-password", want: []string{"ssh: authentication failed", "accepted none of the configured credentials"}, timeout: connectTimeout},
		{name: "changed-key", want: []string{"ssh: host key changed", changedKnown, "ssh-keygen -R"}, timeout: connectTimeout},
		{name: "silent", want: []string{"ssh: connect timeout", "no SSH handshake and login within " + connectTimeout.String()}, timeout: connectTimeout},
	}
	for _, f := range faults {
		s := byName[f.name]
		for _, w := range f.want {
			assert.Contains(t, s.Error, w, f.name)
		}
		assert.Empty(t, s.Counts, "%s was not scanned", f.name)
		// Generous on purpose (these machines are loaded): what matters is
		// that the connect timeout, not the host timeout, ended it.
		assert.Less(t, s.Duration, 3*f.timeout, "%s ended by its connect timeout (%s), long before the host timeout", f.name, f.timeout)
		_, err := os.Stat(filepath.Join(out, f.name+"-arf.xml"))
		assert.ErrorIs(t, err, os.ErrNotExist, "no results for %s", f.name)
	}
	// The killed host: every check after the kill is an error naming the
	// lost connection, none passes or fails, and it ends long before its
	// host timeout.
	k := byName["killed"]
	assert.Less(t, k.Duration, hostTimeout/2, "the killed host ended when its connection died")
	assert.NotContains(t, k.Error, "deadline exceeded", "the connection's death, not the host timeout, ended it")
	assert.Zero(t, k.Counts[engine.Pass]+k.Counts[engine.Fail], "nothing judged on a dead host: %v", k.Counts)
	assert.Contains(t, k.Error, "connection lost", "the summary marks the killed host not fully scanned")
	arf, err := os.ReadFile(filepath.Join(out, "killed-arf.xml"))
	require.NoError(t, err)
	assert.Contains(t, string(arf), "ssh: connection lost", "the results say why")

	// No secret anywhere.
	keyPEM, err := os.ReadFile(srv.ClientKeyFile)
	require.NoError(t, err)
	needles := map[string]string{"password": password, "passphrase": passphrase}
	for i, line := range strings.Split(string(keyPEM), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "-----") {
			needles[fmt.Sprintf("private key line %d", i)] = line
		}
	}
	haystacks := map[string]string{"stdout": stdout, "stderr": stderr}
	require.NoError(t, filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		require.NoError(t, err)
		if !d.IsDir() {
			data, err := os.ReadFile(p)
			require.NoError(t, err)
			haystacks[p] = string(data)
		}
		return nil
	}))
	require.Greater(t, len(haystacks), 2+7, "stdout, stderr, summaries and ARF files searched")
	for hay, text := range haystacks {
		for what, needle := range needles {
			assert.NotContains(t, text, needle, "%s appears in %s", what, hay)
		}
	}
	t.Logf("searched %d outputs for %d secrets", len(haystacks), len(needles))
}
