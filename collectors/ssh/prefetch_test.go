package ssh

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/internal/testaccount"
	"github.com/stigscan/stigscan/internal/testsshd"
)

// TestPrefetch: after Prefetch, the stats and reads it was told of are
// answered with no command, and every answer (present, absent, under a
// missing directory, under a regular file, through a symlinked directory,
// hostile names) is what a Host without a cache gives.
func TestPrefetch(t *testing.T) {
	srv := testsshd.Start(t, testsshd.Options{})
	dir, files := hostileTree(t)
	big := filepath.Join(dir, "big")
	require.NoError(t, os.WriteFile(big, make([]byte, readAheadMaxFile+1), 0o644))
	linked := filepath.Join(t.TempDir(), "linked")
	require.NoError(t, os.Symlink(dir, linked))

	var read []string
	for p := range files {
		read = append(read, p)
	}
	read = append(read,
		filepath.Join(dir, "no such file"),
		filepath.Join(dir, "no such dir", "file"),
		filepath.Join(dir, hostileNames[0], "under a file"),
		filepath.Join(linked, hostileNames[0]),
		big,
	)
	stat := []string{filepath.Join(dir, "fifo"), filepath.Join(dir, "sticky"), filepath.Join(dir, "dangling")}

	cached := dial(t, srv, nil)
	fresh := dial(t, srv, func(c *Config) { c.NoCache = true })
	ctx := context.Background()
	cached.Prefetch(ctx, stat, read)
	assert.LessOrEqual(t, cached.Commands(), int64(2), "one listing, one batch of reads")
	_, fetched := cached.cache.file(big)
	assert.False(t, fetched, "a file over the read-ahead size is read when asked, not before")

	before := cached.Commands()
	for _, p := range append(append([]string{}, stat...), read...) {
		g, err := cached.Stat(ctx, p)
		require.NoError(t, err)
		w, err := fresh.Stat(ctx, p)
		require.NoError(t, err)
		assertSame(t, w[0], g[0], false)
	}
	for p, content := range files {
		data, err := cached.ReadFile(ctx, p)
		require.NoError(t, err, "%q", p)
		assert.Equal(t, content, data, "%q", p)
	}
	// Paths under a missing directory or a regular file were not listed:
	// the stat of each went to the target (a listing that fails, then a
	// stat), and nothing else did.
	assert.Equal(t, int64(4), cached.Commands()-before, "what Prefetch was told of is answered from the cache")

	for _, p := range read[len(files):] {
		_, gotErr := cached.ReadFile(ctx, p)
		_, wantErr := fresh.ReadFile(ctx, p)
		if wantErr == nil {
			assert.NoError(t, gotErr, "%q", p)
		} else {
			assert.Error(t, gotErr, "%q", p)
		}
	}
}

// TestZeroSizeLinkToProcIsRead: a link to a pseudo-file of size 0
// (/etc/mtab -> ../proc/self/mounts) is read for what it holds through
// ReadFiles, not taken for an empty file.
func TestZeroSizeLinkToProcIsRead(t *testing.T) {
	srv := testsshd.Start(t, testsshd.Options{})
	dir := t.TempDir()
	mtab := filepath.Join(dir, "mtab")
	require.NoError(t, os.Symlink("/proc/self/mounts", mtab))
	other := filepath.Join(dir, "other")
	require.NoError(t, os.WriteFile(other, []byte("x\n"), 0o644))
	ctx := context.Background()

	fresh := dial(t, srv, func(c *Config) { c.NoCache = true })
	want, err := fresh.ReadFile(ctx, mtab)
	require.NoError(t, err)
	require.NotEmpty(t, want, "cat of the link gives the mount table")

	batch := dial(t, srv, nil)
	got, err := batch.ReadFiles(ctx, mtab, other)
	require.NoError(t, err)
	require.NoError(t, got[0].Err)
	assert.NotEmpty(t, got[0].Data, "ReadFiles of /etc/mtab-like link")

	bb := dial(t, srv, nil)
	bb.gnuFind.Store(findNo) // as on BusyBox, where listDirs finds no -printf
	bb.Prefetch(ctx, nil, []string{mtab})
	data, err := bb.ReadFile(ctx, mtab)
	require.NoError(t, err)
	assert.NotEmpty(t, data, "ReadFile after a BusyBox-style Prefetch")
}

// TestPrefetchSkipsUnsearchableDir: a directory the login may read but not
// search (r without x) is not listed by Prefetch (find would list nothing
// and report nothing), so ReadDir and Stat still say "Permission denied".
func TestPrefetchSkipsUnsearchableDir(t *testing.T) {
	acct := testaccount.New(t)
	srv := testsshd.Start(t, testsshd.Options{User: acct.Name})
	base, err := os.MkdirTemp("", "stigscan-prefetch-")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.Chmod(filepath.Join(base, "d"), 0o755); _ = os.RemoveAll(base) })
	require.NoError(t, os.Chmod(base, 0o755))
	d := filepath.Join(base, "d")
	require.NoError(t, os.Mkdir(d, 0o755))
	require.NoError(t, os.Chmod(d, 0o644)) // readable, not searchable
	p := filepath.Join(d, "sshd_config")
	ctx := context.Background()

	fresh := dial(t, srv, func(c *Config) { c.NoCache = true })
	cached := dial(t, srv, nil)
	cached.Prefetch(ctx, []string{p}, nil)

	w, err := fresh.Stat(ctx, p)
	require.NoError(t, err)
	g, err := cached.Stat(ctx, p)
	require.NoError(t, err)
	assert.Equal(t, errClass(w[0].Err), errClass(g[0].Err), "Stat of a path in the directory")

	_, werr := fresh.ReadDir(ctx, d)
	_, gerr := cached.ReadDir(ctx, d)
	assert.Equal(t, errClass(werr), errClass(gerr), "ReadDir of the directory")
}

// TestReadAheadSkipsPrivateDir: a 0644 file in a 0700 directory
// (/root/.my.cnf) is private all the same; two reads in such a directory
// (root_path_no_dot reads .bash_profile and .bashrc) do not bring it along.
func TestReadAheadSkipsPrivateDir(t *testing.T) {
	srv := testsshd.Start(t, testsshd.Options{})
	dir := t.TempDir()
	require.NoError(t, os.Chmod(dir, 0o700))
	for _, n := range []string{".bash_profile", ".bashrc"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, n), []byte("PATH=/usr/bin\n"), 0o644))
	}
	secret := filepath.Join(dir, ".my.cnf")
	require.NoError(t, os.WriteFile(secret, []byte("[client]\npassword=hunter2\n"), 0o644))
	ctx := context.Background()

	h := dial(t, srv, nil)
	_, err := h.ReadDir(ctx, dir)
	require.NoError(t, err)
	_, err = h.ReadFile(ctx, filepath.Join(dir, ".bash_profile"))
	require.NoError(t, err)
	_, err = h.ReadFile(ctx, filepath.Join(dir, ".bashrc"))
	require.NoError(t, err)
	_, fetched := h.cache.file(secret)
	assert.False(t, fetched, "a file only root can reach was read without being asked for")
}
