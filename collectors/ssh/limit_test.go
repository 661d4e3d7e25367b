package ssh

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/internal/testsshd"
)

// TestFileReadCap: over a real sshd, a file over the cap (a sparse
// gigabyte, and a real file just over a small cap) is an error naming the
// path and the cap, read alone, in a batch and from the cache, and hardly
// any of it crosses the connection; a file within the cap reads as usual.
func TestFileReadCap(t *testing.T) {
	srv := testsshd.Start(t, testsshd.Options{})
	dir := t.TempDir()
	require.NoError(t, os.Chmod(dir, 0o755))
	sparse := filepath.Join(dir, "sparse")
	f, err := os.Create(sparse)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(1<<30))
	require.NoError(t, f.Close())
	over := filepath.Join(dir, "over")
	require.NoError(t, os.WriteFile(over, []byte(strings.Repeat("x", 300<<10)), 0o644))
	small := filepath.Join(dir, "small")
	require.NoError(t, os.WriteFile(small, []byte("good=1\n"), 0o644))
	const limit = 256 << 10

	for _, noCache := range []bool{true, false} {
		name := "cached"
		if noCache {
			name = "no cache"
		}
		t.Run(name, func(t *testing.T) {
			h := dial(t, srv, func(c *Config) { c.MaxFileBytes = limit; c.NoCache = noCache })
			before := h.conn.received.Load()
			for _, p := range []string{sparse, over} {
				_, err := h.ReadFile(context.Background(), p)
				var tl *host.TooLargeError
				require.True(t, errors.As(err, &tl), "%s: %v", p, err)
				assert.Equal(t, p, tl.Path)
				assert.Equal(t, int64(limit), tl.Limit)
				assert.ErrorIs(t, err, host.ErrTooLarge)
				assert.Contains(t, err.Error(), "read cap of 262144 bytes")
			}
			got, err := h.ReadFiles(context.Background(), sparse, over, small)
			require.NoError(t, err)
			assert.ErrorIs(t, got[0].Err, host.ErrTooLarge)
			assert.ErrorIs(t, got[1].Err, host.ErrTooLarge)
			require.NoError(t, got[2].Err)
			assert.Equal(t, "good=1\n", string(got[2].Data))
			data, err := h.ReadFile(context.Background(), small)
			require.NoError(t, err)
			assert.Equal(t, "good=1\n", string(data))
			// The batch may send the 300 KiB file before its cap
			// stops it; the gigabyte never crosses.
			assert.Less(t, h.conn.received.Load()-before, int64(4<<20), "bytes received")
		})
	}
}
