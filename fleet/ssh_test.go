package fleet_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/local"
	"github.com/stigscan/stigscan/collectors/ssh"
	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/fleet"
	"github.com/stigscan/stigscan/internal/testsshd"
)

// sshOpener dials targets whose Options name their server's key and
// known_hosts file, and counts connections open at once. Keepalives are
// off: the frozen host must be ended by the fleet's host timeout, which is
// what is tested, not by the connection's keepalive (45 s by default),
// which collectors/ssh tests.
func sshOpener(open, peak *atomic.Int32) fleet.Opener {
	return func(ctx context.Context, tg fleet.Target) (host.Host, func() error, error) {
		st, err := ssh.ParseTarget(tg.Spec)
		if err != nil {
			return nil, nil, err
		}
		h, err := ssh.Dial(ctx, st, ssh.Config{KeyFile: tg.Options["key"], KnownHostsFile: tg.Options["known-hosts"],
			ConnectTimeout: 2 * time.Minute, KeepaliveInterval: -1})
		if err != nil {
			return nil, nil, err
		}
		n := open.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		return h, func() error { open.Add(-1); return h.Close() }, nil
	}
}

// TestRunSSHFrozenHost: a target whose server stops answering mid-scan
// (SIGSTOP: TCP stays open, nothing is answered) ends at the fleet's host
// timeout with an error saying so, while 20 healthy SSH targets complete
// with the local results and at most Parallel connections are open at once.
//
// The host timeout bounds healthy targets too, so it is not a fixed few
// seconds: a first fleet of healthy targets only, as many at once as below,
// measures how long one takes here and now, and the host timeout is ten
// times the slowest of them plus slack.
func TestRunSSHFrozenHost(t *testing.T) {
	b := builtinBenchmark(t)
	localRes, err := b.Evaluate(context.Background(), local.New())
	require.NoError(t, err)
	srv := testsshd.Start(t, testsshd.Options{ExtraConfig: []string{"MaxStartups 100"}})
	frozen := testsshd.Start(t, testsshd.Options{})
	t.Cleanup(func() { frozen.Thaw(t) })

	opts := func(s *testsshd.Server) map[string]string {
		return map[string]string{"key": s.ClientKeyFile, "known-hosts": s.KnownHosts(t)}
	}
	var ts []fleet.Target
	for i := 0; i < 20; i++ {
		ts = append(ts, fleet.Target{Spec: srv.Target(), Name: fmt.Sprintf("ok%02d", i), Options: opts(srv)})
	}
	healthy := ts[:len(ts):len(ts)]
	ts = append(ts[:5:5], append([]fleet.Target{{Spec: frozen.Target(), Name: "frozen", Options: opts(frozen)}}, ts[5:]...)...)

	const parallel = 6
	var open, peak atomic.Int32
	warm, err := fleet.Run(context.Background(), b, healthy[:parallel], sshOpener(&open, &peak), fleet.Options{Parallel: parallel})
	require.NoError(t, err)
	var slowest time.Duration
	for _, s := range warm {
		require.Empty(t, s.Error, s.Name)
		slowest = max(slowest, s.Duration)
	}
	hostTimeout := 10*slowest + 5*time.Second
	t.Logf("healthy targets, %d at once: slowest %s; host timeout %s", parallel, slowest.Round(time.Millisecond), hostTimeout.Round(time.Millisecond))
	peak.Store(0)

	// Freeze the server once the scan's first command starts on it,
	// however long the login takes: the watch ends with the run, not at
	// a fixed deadline.
	ran, watched := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(watched)
		for !strings.Contains(frozen.Log(), "Starting session") {
			select {
			case <-ran:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
		frozen.Freeze(t)
	}()
	start := time.Now()
	ss, err := fleet.Run(context.Background(), b, ts, sshOpener(&open, &peak), fleet.Options{Parallel: parallel, HostTimeout: hostTimeout})
	close(ran)
	<-watched
	require.NoError(t, err)
	t.Logf("21 targets, one frozen: %s", time.Since(start).Round(time.Millisecond))
	require.Len(t, ss, len(ts))
	assert.LessOrEqual(t, peak.Load(), int32(parallel))
	assert.Zero(t, open.Load(), "every connection closed")
	for _, s := range ss {
		if s.Name == "frozen" {
			t.Logf("frozen: %s", s.Error)
			assert.Contains(t, s.Error, "deadline exceeded", "the host timeout ended it")
			assert.Less(t, s.Duration, hostTimeout+hostTimeout/2, "ended at the host timeout, not later")
			continue
		}
		assert.Empty(t, s.Error, s.Name)
		assert.Equal(t, localRes.Counts(), s.Counts, s.Name)
		assert.Positive(t, s.Counts[engine.Pass]+s.Counts[engine.Fail], s.Name)
	}
}
