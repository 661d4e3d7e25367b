package ssh

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
