package ssh

import (
	"context"
	"errors"
	"github.com/stigscan/stigscan/collectors/secret"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/internal/testsshd"
)

func TestWithDefaultsAgent(t *testing.T) {
	tests := []struct {
		name      string
		sock      string
		cfg       Config
		wantAgent bool
		wantErr   string
	}{
		{name: "no agent running, a key given: the key is used", cfg: Config{UseAgent: true, KeyFile: "/k"}},
		{name: "no agent running, a password given", cfg: Config{UseAgent: true, Password: secret.New("x")}},
		{name: "no agent running and nothing else", cfg: Config{UseAgent: true}, wantErr: "SSH_AUTH_SOCK is empty"},
		{name: "agent running", sock: "/run/agent.sock", cfg: Config{UseAgent: true, KeyFile: "/k"}, wantAgent: true},
		{name: "agent socket given", cfg: Config{UseAgent: true, AgentSocket: "/a"}, wantAgent: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("SSH_AUTH_SOCK", tt.sock)
			tt.cfg.KnownHostsFile = "/dev/null"
			got, err := tt.cfg.withDefaults()
			if tt.wantErr != "" {
				assert.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantAgent, got.UseAgent)
		})
	}
}

// TestCacheAnswersAsTheTargetDoes walks a tree of hostile names with a
// caching Host and with a NoCache one: listings, stats (present and absent
// paths) and file contents must be identical, and the caching Host must
// have answered the walk's stats without commands.
func TestCacheAnswersAsTheTargetDoes(t *testing.T) {
	srv := testsshd.Start(t, testsshd.Options{})
	dir, files := hostileTree(t)
	for _, n := range hostileNames[:4] {
		sub := filepath.Join(dir, "dir "+n)
		require.NoError(t, os.WriteFile(filepath.Join(sub, "inner "+n), []byte("inner\n"), 0o644))
		require.NoError(t, os.Mkdir(filepath.Join(sub, "deeper"), 0o700))
		require.NoError(t, os.WriteFile(filepath.Join(sub, "deeper", "leaf"), []byte("leaf"), 0o600))
	}
	cached := dial(t, srv, nil)
	fresh := dial(t, srv, func(c *Config) { c.NoCache = true })
	ctx := context.Background()

	// Walk as an OVAL probe does: list, then descend into directories.
	type walked struct {
		dirs  map[string][]host.FileInfo
		paths []string
	}
	walk := func(h *Host) walked {
		w := walked{dirs: map[string][]host.FileInfo{}}
		var rec func(d string)
		rec = func(d string) {
			entries, err := h.ReadDir(ctx, d)
			require.NoError(t, err, "%q", d)
			w.dirs[d] = entries
			for _, e := range entries {
				w.paths = append(w.paths, e.Path)
				if e.Mode.IsDir() {
					rec(e.Path)
				}
			}
		}
		rec(dir)
		return w
	}
	want := walk(fresh)
	before := cached.Commands()
	got := walk(cached)
	assert.LessOrEqual(t, cached.Commands()-before, int64(2), "a walk is one listing and one tree")
	require.Equal(t, len(want.dirs), len(got.dirs))
	for d, entries := range want.dirs {
		require.Len(t, got.dirs[d], len(entries), "%q", d)
		for i := range entries {
			assertSame(t, entries[i], got.dirs[d][i], false)
		}
	}

	// Every path of the walk, plus absent ones beside them, answered from
	// the listings.
	probe := append([]string{}, want.paths...)
	for _, p := range want.paths[:10] {
		probe = append(probe, p+"-absent", filepath.Join(filepath.Dir(p), "no such"))
	}
	before = cached.Commands()
	for _, p := range probe {
		g, err := cached.Stat(ctx, p)
		require.NoError(t, err)
		w, err := fresh.Stat(ctx, p)
		require.NoError(t, err)
		assertSame(t, w[0], g[0], false)
		if w[0].Err != nil {
			assert.ErrorIs(t, g[0].Err, fs.ErrNotExist, "%q", p)
			assert.Contains(t, g[0].Err.Error(), "No such file or directory")
		}
	}
	assert.Equal(t, before, cached.Commands(), "stats in listed directories cost no command")

	// Contents: the first read of a directory reads that file alone, the
	// second brings the directory's other world-readable small files;
	// files only owner and group may read are never read ahead.
	for p := range files {
		require.NoError(t, os.Chmod(p, 0o644))
	}
	// Read-ahead needs a directory others may reach; t.TempDir's parent
	// is 0700.
	require.NoError(t, os.Chmod(filepath.Dir(dir), 0o755))
	require.NoError(t, os.Chmod(dir, 0o755))
	private := filepath.Join(dir, "private key")
	require.NoError(t, os.WriteFile(private, []byte("-----BEGIN OPENSSH PRIVATE KEY-----\n"), 0o640))
	cached = dial(t, srv, nil)
	_, err := cached.ReadDir(ctx, dir)
	require.NoError(t, err)
	before = cached.Commands()
	for p, content := range files {
		data, err := cached.ReadFile(ctx, p)
		require.NoError(t, err, "%q", p)
		assert.Equal(t, content, data, "%q", p)
	}
	assert.LessOrEqual(t, cached.Commands()-before, int64(3), "the directory's files came in one batch after the first")
	_, ahead := cached.cache.file(private)
	assert.False(t, ahead, "a file others may not read is not read ahead")
	data, err := cached.ReadFile(ctx, private)
	require.NoError(t, err)
	assert.Contains(t, string(data), "PRIVATE KEY", "read when asked for")
	_, err = cached.ReadFile(ctx, filepath.Join(dir, "fifo"))
	assert.ErrorContains(t, err, "not a regular file")
	_, err = cached.ReadFile(ctx, filepath.Join(dir, "no such"))
	assert.ErrorIs(t, err, fs.ErrNotExist)
}

// TestCacheIsPerHost: a caching Host keeps what it read (a scan sees one
// snapshot); a NoCache Host, or a new Host, sees changes.
func TestCacheIsPerHost(t *testing.T) {
	srv := testsshd.Start(t, testsshd.Options{})
	ctx := context.Background()
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	require.NoError(t, os.WriteFile(p, []byte("one"), 0o644))
	cached := dial(t, srv, nil)
	fresh := dial(t, srv, func(c *Config) { c.NoCache = true })
	for _, h := range []*Host{cached, fresh} {
		data, err := h.ReadFile(ctx, p)
		require.NoError(t, err)
		require.Equal(t, "one", string(data))
	}
	require.NoError(t, os.WriteFile(p, []byte("two"), 0o644))
	data, err := cached.ReadFile(ctx, p)
	require.NoError(t, err)
	assert.Equal(t, "one", string(data), "the scan's snapshot")
	data, err = fresh.ReadFile(ctx, p)
	require.NoError(t, err)
	assert.Equal(t, "two", string(data))
	data, err = dial(t, srv, nil).ReadFile(ctx, p)
	require.NoError(t, err)
	assert.Equal(t, "two", string(data))
}

// TestReadAheadStaysOutOfProc: reading one file of /proc never reads its
// neighbours (/proc/kmsg blocks, /proc/kcore is huge); /proc/sys entries,
// which are what sysctl(8) reads, are read ahead.
func TestReadAheadStaysOutOfProc(t *testing.T) {
	srv := testsshd.Start(t, testsshd.Options{})
	h := dial(t, srv, nil)
	ctx := context.Background()
	_, err := h.ReadDir(ctx, "/proc")
	require.NoError(t, err)
	_, err = h.ReadFile(ctx, "/proc/version")
	require.NoError(t, err)
	for p := range h.cache.files {
		assert.Equal(t, "/proc/version", p, "read ahead under /proc")
	}

	_, err = h.ReadDir(ctx, "/proc/sys/kernel")
	require.NoError(t, err)
	data, err := h.ReadFile(ctx, "/proc/sys/kernel/ostype")
	require.NoError(t, err)
	assert.Equal(t, "Linux\n", string(data))
	want, err := os.ReadFile("/proc/sys/kernel/osrelease")
	require.NoError(t, err)
	before := h.Commands()
	got, err := h.ReadFile(ctx, "/proc/sys/kernel/osrelease")
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got))
	assert.Equal(t, before, h.Commands(), "read ahead with ostype")
}

// TestShells: commands share long-lived shells; a command that times out or
// is cancelled takes its shell with it and the next command gets a new one;
// exit and exec in a command end only that command; output that imitates
// the framing does not end a command early.
func TestShells(t *testing.T) {
	srv := testsshd.Start(t, testsshd.Options{})
	timeout := healthyBound(t, srv)
	h := dial(t, srv, func(c *Config) { c.CommandTimeout = timeout })
	ctx := context.Background()

	for i := 0; i < 5; i++ {
		out, err := h.Run(ctx, "echo $$; exit 0")
		require.NoError(t, err)
		require.NotEmpty(t, out)
	}
	assert.Equal(t, int64(1), h.Sessions(), "sequential commands share one shell")

	out, err := h.Run(ctx, "echo a; exit 7")
	var ee *ExitError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, 7, ee.Status)
	assert.Equal(t, "a\n", string(out))
	out, err = h.Run(ctx, "exec echo replaced")
	require.NoError(t, err)
	assert.Equal(t, "replaced\n", string(out))
	out, err = h.Run(ctx, "cat")
	require.NoError(t, err, "standard input of a command is empty, not the shell's")
	assert.Empty(t, out)

	fake := "before\x00stigscan-end-00000000000000000000000000000000 0\x00after\x00stigscan-ready\x00tail"
	f := filepath.Join(t.TempDir(), "framing")
	require.NoError(t, os.WriteFile(f, []byte(fake), 0o644))
	data, err := h.ReadFile(ctx, f)
	require.NoError(t, err)
	assert.Equal(t, fake, string(data))

	_, err = h.Run(ctx, sleepPast(timeout))
	assert.ErrorIs(t, err, ErrCommandTimeout)
	// The caller's deadline, far shorter than the command timeout: which
	// of the two ended the command is what is checked.
	cctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	_, err = h.Run(cctx, sleepPast(timeout))
	cancel()
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.False(t, errors.Is(err, ErrCommandTimeout), "the caller's deadline, not the command timeout")
	out, err = h.Run(ctx, "echo still here")
	require.NoError(t, err)
	assert.Equal(t, "still here\n", string(out))
	assert.Equal(t, int64(3), h.Sessions(), "each abandoned shell was replaced once")

	out, err = h.Run(ctx, "echo oops >&2; echo fine")
	require.NoError(t, err)
	assert.Equal(t, "fine\n", string(out))
	_, err = h.Run(ctx, "echo 'unbalanced")
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "exit status"), "%v", err)
	out, err = h.Run(ctx, "echo after a syntax error")
	require.NoError(t, err)
	assert.Equal(t, "after a syntax error\n", string(out))

	assert.NoError(t, h.Err())
	require.NoError(t, h.Close())
	assert.NoError(t, h.Err(), "closed by its owner is not a failure")
	_, err = h.Run(ctx, "true")
	assert.ErrorIs(t, err, ErrClosed)
}

// TestProcSysReadFiles reads every kernel parameter in one ReadFiles call
// (the shell reads them without starting a process each) and compares with
// local reads before and after; parameters whose value moved meanwhile are
// left out. Unreadable ones give the local error's meaning.
func TestProcSysReadFiles(t *testing.T) {
	srv := testsshd.Start(t, testsshd.Options{})
	h := dial(t, srv, nil)
	var paths []string
	require.NoError(t, filepath.WalkDir("/proc/sys", func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil && fi.Mode().Perm()&0o400 != 0 {
				paths = append(paths, p)
			}
		}
		return nil
	}))
	require.Greater(t, len(paths), 100)
	type read struct {
		data []byte
		err  error
	}
	localReads := func() []read {
		out := make([]read, len(paths))
		for i, p := range paths {
			out[i].data, out[i].err = os.ReadFile(p)
		}
		return out
	}
	l1 := localReads()
	before := h.Commands()
	got, err := h.ReadFiles(context.Background(), paths...)
	require.NoError(t, err)
	assert.LessOrEqual(t, h.Commands()-before, int64((len(paths)+readChunk-1)/readChunk))
	l2 := localReads()
	compared, failed := 0, 0
	for i, p := range paths {
		want1, err1 := l1[i].data, l1[i].err
		if (err1 == nil) != (l2[i].err == nil) || string(want1) != string(l2[i].data) {
			continue
		}
		if err1 != nil {
			failed++
			assert.Error(t, got[i].Err, "%s fails locally: %v", p, err1)
			continue
		}
		compared++
		require.NoError(t, got[i].Err, "%q", p)
		assert.Equal(t, string(want1), string(got[i].Data), "%q", p)
	}
	t.Logf("%d kernel parameters compared, %d unreadable on both sides", compared, failed)
	assert.Greater(t, compared, len(paths)/2)
}

func TestSplitHeads(t *testing.T) {
	paths := []string{"/proc/sys/a", "/proc/sys/b", "/proc/sys/c", "/proc/sys/d"}
	tests := []struct {
		name string
		out  string
		want map[string]string
	}{
		{name: "all", out: "==> /proc/sys/a <==\n1\n\n==> /proc/sys/b <==\n2\n\n==> /proc/sys/c <==\n\n==> /proc/sys/d <==\nx y\n",
			want: map[string]string{"/proc/sys/a": "1\n", "/proc/sys/b": "2\n", "/proc/sys/c": "", "/proc/sys/d": "x y\n"}},
		{name: "first and third could not be opened", out: "==> /proc/sys/b <==\n2\n\n==> /proc/sys/d <==\n4\n",
			want: map[string]string{"/proc/sys/b": "2\n", "/proc/sys/d": "4\n"}},
		{name: "no trailing newline", out: "==> /proc/sys/a <==\n1\n==> /proc/sys/b <==\n2",
			want: map[string]string{"/proc/sys/a": "1", "/proc/sys/b": "2"}},
		{name: "content naming an earlier path is content", out: "==> /proc/sys/a <==\n\n==> /proc/sys/a <==\n\n==> /proc/sys/b <==\n2\n",
			want: map[string]string{"/proc/sys/a": "\n==> /proc/sys/a <==\n", "/proc/sys/b": "2\n"}},
		{name: "nothing", out: "", want: map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string]string{}
			for k, v := range splitHeads([]byte(tt.out), paths) {
				got[k] = string(v)
			}
			assert.Equal(t, tt.want, got)
		})
	}
}
