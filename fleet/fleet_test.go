package fleet_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/builtin"
	"github.com/stigscan/stigscan/collectors/host"
	kinds "github.com/stigscan/stigscan/collectors/list"
	"github.com/stigscan/stigscan/collectors/local"
	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/fleet"
	"github.com/stigscan/stigscan/internal/attack"
	probes "github.com/stigscan/stigscan/oval/probes/list"
	"github.com/stigscan/stigscan/xccdf"
)

func TestParseInventory(t *testing.T) {
	inv := `# fleet
ssh://root@10.0.0.1:2222 key=/keys/a sudo=true
ssh://admin@web02   name=web-02

local:/srv/images/app
`
	ts, err := fleet.ParseInventory(strings.NewReader(inv), "hosts.txt", kinds.Standard().Name)
	require.NoError(t, err)
	require.Len(t, ts, 3)
	assert.Equal(t, fleet.Target{Spec: "ssh://root@10.0.0.1:2222", Name: "10.0.0.1_2222", Options: map[string]string{"key": "/keys/a", "sudo": "true"}, Line: 2}, ts[0])
	assert.Equal(t, "web-02", ts[1].Name)
	assert.Equal(t, "srv_images_app", ts[2].Name)

	tests := []struct{ name, inv, msg string }{
		{"secret inline", "ssh://a@b password=hunter2", "secrets are not written in an inventory"},
		{"not key=value", "ssh://a@b sudo", `hosts.txt:1: setting 1 is not key=value`},
		{"duplicate name", "ssh://a@b\nssh://c@b", `repeats line 1`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := fleet.ParseInventory(strings.NewReader(tc.inv), "hosts.txt", kinds.Standard().Name)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.msg)
			assert.NotContains(t, err.Error(), "hunter2")
		})
	}
}

func TestShard(t *testing.T) {
	var ts []fleet.Target
	for i := 0; i < 103; i++ {
		ts = append(ts, fleet.Target{Spec: fmt.Sprint(i), Name: fmt.Sprintf("h%03d", (i*37)%103)})
	}
	seen := map[string]int{}
	for k := 1; k <= 4; k++ {
		part, err := fleet.Shard(ts, k, 4)
		require.NoError(t, err)
		assert.InDelta(t, 103.0/4, len(part), 1)
		for _, p := range part {
			seen[p.Name]++
		}
		// Same shard whatever the inventory order.
		rev := append([]fleet.Target(nil), ts...)
		for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
			rev[i], rev[j] = rev[j], rev[i]
		}
		again, _ := fleet.Shard(rev, k, 4)
		assert.Equal(t, part, again)
	}
	assert.Len(t, seen, 103)
	for _, n := range seen {
		assert.Equal(t, 1, n)
	}
	_, err := fleet.Shard(ts, 5, 4)
	assert.Error(t, err)
	k, n, err := fleet.ParseShard("2/8")
	require.NoError(t, err)
	assert.Equal(t, [2]int{2, 8}, [2]int{k, n})
	_, _, err = fleet.ParseShard("0/8")
	assert.Error(t, err)
}

func builtinBenchmark(t *testing.T) *engine.Benchmark {
	t.Helper()
	data, err := builtin.Read(builtin.LinuxBenchmark)
	require.NoError(t, err)
	c, err := xccdf.OpenBytes(data, "builtin", builtin.FS(), xccdf.Options{})
	require.NoError(t, err)
	sel, err := xccdf.Resolve(c.Benchmark, nil, "xccdf_io.stigscan_profile_offline")
	require.NoError(t, err)
	b, err := engine.Prepare(context.Background(), c, sel, engine.Options{Probes: probes.Standard()})
	require.NoError(t, err)
	return b
}

// Many offline roots at once; one target cannot be opened and the others
// still complete; at most Parallel run together.
func TestRunFleet(t *testing.T) {
	b := builtinBenchmark(t)
	root := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(root, "etc"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "etc", "passwd"), []byte("root:x:0:0:root:/root:/bin/sh\n"), 0o644))
	var ts []fleet.Target
	for i := 0; i < 50; i++ {
		ts = append(ts, fleet.Target{Spec: "local:" + root, Name: fmt.Sprintf("host%02d", i)})
	}
	ts[7].Spec = "local:/does/not/exist"
	var running, peak atomic.Int32
	open := func(ctx context.Context, tg fleet.Target) (host.Host, func() error, error) {
		n := running.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		h, err := local.NewRoot(strings.TrimPrefix(tg.Spec, "local:"))
		if err != nil {
			running.Add(-1)
			return nil, nil, err
		}
		return h, func() error { running.Add(-1); return nil }, nil
	}
	var written atomic.Int32
	out := t.TempDir()
	write := func(ctx context.Context, tg fleet.Target, res *engine.Result) ([]string, error) {
		written.Add(1)
		p := filepath.Join(out, tg.Name+".txt")
		return []string{p}, os.WriteFile(p, []byte(res.Target.String()), 0o644)
	}
	var log bytes.Buffer
	ss, err := fleet.Run(context.Background(), b, ts, open, fleet.Options{Parallel: 16, Write: write, Progress: &fleet.LineProgress{W: &log}})
	require.NoError(t, err)
	require.Len(t, ss, 50)
	assert.LessOrEqual(t, peak.Load(), int32(16))
	assert.Equal(t, int32(49), written.Load())
	for i, s := range ss {
		assert.Equal(t, ts[i].Name, s.Name)
		if i == 7 {
			assert.Contains(t, s.Error, "/does/not/exist")
			continue
		}
		assert.Empty(t, s.Error)
		assert.Positive(t, s.Duration)
		assert.Positive(t, s.Counts[engine.Pass]+s.Counts[engine.Fail]+s.Counts[engine.Error]+s.Counts[engine.Unknown])
	}
	assert.Equal(t, 50, strings.Count(log.String(), "\n"))

	require.NoError(t, fleet.WriteSummaries(out, ss[:25]))
	out2 := t.TempDir()
	require.NoError(t, fleet.WriteSummaries(out2, ss[25:]))
	merged, err := fleet.Merge(out, out2)
	require.NoError(t, err)
	require.Len(t, merged, 50)
	var tbl bytes.Buffer
	fleet.Table(&tbl, merged)
	assert.Contains(t, tbl.String(), "1 of 50 targets not fully scanned")
}

func TestRunCancelled(t *testing.T) {
	b := builtinBenchmark(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	open := func(ctx context.Context, tg fleet.Target) (host.Host, func() error, error) {
		return nil, nil, errors.New("unreachable")
	}
	_, err := fleet.Run(ctx, b, []fleet.Target{{Name: "a"}}, open, fleet.Options{})
	assert.ErrorIs(t, err, context.Canceled)
}

// panicHost panics on every file read, as a collector with a bug would.
type panicHost struct{ host.Host }

func (panicHost) ReadFile(ctx context.Context, p string) ([]byte, error) {
	panic("collector bug reading " + p)
}

// TestFleetNaNValueAndPanickingHost: a tailoring file sets a number Value
// to NaN. The rule that uses it is an error naming the variable on every
// host; the rule that does not passes; a host whose reads panic gives
// error results of its own; every host is written and none stops the run.
func TestFleetNaNValueAndPanickingHost(t *testing.T) {
	dir := t.TempDir()
	usesValue := attack.LinesRule("uses_value", 1, "/etc/conf", `^n=(\d+)$`, `<ind:subexpression datatype="int" operation="less than or equal" var_ref="oval:t:var:n"/>`)
	usesValue.Export = "n"
	xf, err := attack.WriteContent(dir, []attack.Rule{
		usesValue,
		attack.LinesRule("plain", 2, "/etc/conf", `^n=(\d+)$`, ""),
	}, []attack.Value{{Name: "n", Type: "number", Default: "5"}})
	require.NoError(t, err)
	tf, profile, err := attack.WriteTailoring(dir, map[string]string{"n": "NaN"})
	require.NoError(t, err)
	c, err := xccdf.Open(xf, xccdf.Options{})
	require.NoError(t, err)
	tl, err := xccdf.OpenTailoring(tf)
	require.NoError(t, err)
	sel, err := xccdf.Resolve(c.Benchmark, tl, profile)
	require.NoError(t, err)
	b, err := engine.Prepare(context.Background(), c, sel, engine.Options{Probes: probes.Standard()})
	require.NoError(t, err)

	root := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(root, "etc"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "etc", "conf"), []byte("n=3\n"), 0o644))
	var ts []fleet.Target
	for i := 0; i < 5; i++ {
		ts = append(ts, fleet.Target{Spec: "local:" + root, Name: fmt.Sprintf("host%d", i)})
	}
	ts[2].Name = "buggy"
	ts[3].Name = "opener-bug"
	open := func(ctx context.Context, tg fleet.Target) (host.Host, func() error, error) {
		if tg.Name == "opener-bug" {
			var h *local.Host
			h.Describe() // a nil dereference while connecting
		}
		h, err := local.NewRoot(strings.TrimPrefix(tg.Spec, "local:"))
		if tg.Name == "buggy" {
			return panicHost{h}, nil, err
		}
		return h, nil, err
	}
	results := map[string]*engine.Result{}
	var mu sync.Mutex
	write := func(ctx context.Context, tg fleet.Target, res *engine.Result) ([]string, error) {
		mu.Lock()
		defer mu.Unlock()
		results[tg.Name] = res
		return []string{tg.Name}, nil
	}
	ss, err := fleet.Run(context.Background(), b, ts, open, fleet.Options{Parallel: 2, Write: write})
	require.NoError(t, err)
	require.Len(t, ss, 5)
	require.Len(t, results, 4, "every host that could be opened is written")
	for _, s := range ss {
		if s.Name == "opener-bug" {
			assert.Contains(t, s.Error, "internal error in scan of opener-bug: panic: runtime error: invalid memory address")
			assert.NotContains(t, s.Error, "goroutine")
			continue
		}
		assert.Empty(t, s.Error, s.Name)
		res := results[s.Name]
		byRule := map[string]*engine.RuleResult{}
		for _, rr := range res.Rules {
			byRule[rr.Rule.ID] = rr
		}
		nan := byRule[attack.RuleID("uses_value")]
		require.NotNil(t, nan)
		assert.Equal(t, engine.Error, nan.Status, s.Name)
		if s.Name == "buggy" {
			assert.Equal(t, engine.Error, byRule[attack.RuleID("plain")].Status)
			assert.Contains(t, fmt.Sprint(byRule[attack.RuleID("plain")].Messages), "panic: collector bug reading /etc/conf")
			continue
		}
		assert.Equal(t, engine.Pass, byRule[attack.RuleID("plain")].Status, s.Name)
		assert.Contains(t, fmt.Sprint(nan.Messages), `variable oval:t:var:n: value "NaN" is not an int`)
	}
}

// TestRunInterrupted: a run stopped while one target is being opened
// keeps the finished target's row, and marks the one in progress and the
// ones never started "not scanned: interrupted", each still named, with
// the target redacted.
func TestRunInterrupted(t *testing.T) {
	b := builtinBenchmark(t)
	root := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(root, "etc"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "etc", "passwd"), []byte("root:x:0:0:root:/root:/bin/sh\n"), 0o644))
	ts := []fleet.Target{
		{Spec: "local:" + root, Name: "done"},
		{Spec: "ssh://root:Pw-Stuck-1@stuck", Name: "stuck"},
		{Spec: "postgres://u@later/x?password=Pw-Later-2", Name: "later"},
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	open := func(ctx context.Context, tg fleet.Target) (host.Host, func() error, error) {
		if tg.Name == "done" {
			h, err := local.NewRoot(root)
			return h, nil, err
		}
		cancel() // the signal arrives while this target is opened
		<-ctx.Done()
		return nil, nil, fmt.Errorf("open %s: %w", tg.Name, ctx.Err())
	}
	ss, err := fleet.Run(ctx, b, ts, open, fleet.Options{Parallel: 1})
	require.ErrorIs(t, err, context.Canceled)
	assert.Contains(t, err.Error(), "interrupted: 2 of 3 targets not scanned")
	require.Len(t, ss, 3)
	assert.Equal(t, fleet.StatusScanned, ss[0].Status)
	assert.Positive(t, ss[0].Counts[engine.Pass])
	for _, s := range ss[1:] {
		assert.Equal(t, fleet.StatusInterrupted, s.Status, s.Name)
		assert.Equal(t, "not scanned: interrupted", s.Error, s.Name)
	}
	assert.Equal(t, []string{"done", "stuck", "later"}, []string{ss[0].Name, ss[1].Name, ss[2].Name})
	assert.Equal(t, "ssh://root:[redacted]@stuck", ss[1].Target.String())
	assert.Equal(t, "postgres://u@later/x?password=[redacted]", ss[2].Target.String())

	dir := t.TempDir()
	require.NoError(t, fleet.WriteSummaries(dir, ss))
	var table bytes.Buffer
	fleet.Table(&table, ss)
	assert.Regexp(t, `(?m)^later .*not scanned: interrupted$`, table.String())
	merged, err := fleet.Merge(dir)
	require.NoError(t, err)
	require.Len(t, merged, 3)
	for _, s := range merged {
		data, err := os.ReadFile(filepath.Join(dir, s.Name+".summary.json"))
		require.NoError(t, err)
		assert.NotContains(t, string(data), "Pw-")
	}
}
