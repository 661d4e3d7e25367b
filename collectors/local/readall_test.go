package local

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/host"
)

// endless is a file that never ends; it cancels its context once it has
// handed out after bytes, as a SIGTERM arriving mid-read does.
type endless struct {
	n, after int
	cancel   context.CancelFunc
}

func (e *endless) Read(p []byte) (int, error) {
	clear(p)
	e.n += len(p)
	if e.n >= e.after {
		e.cancel()
	}
	return len(p), nil
}

func TestReadAllStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	r := &endless{after: 8 << 20, cancel: cancel}
	_, err := host.ReadAllLimit(ctxReader{ctx, r}, "/endless", 0, 1<<40)
	require.ErrorIs(t, err, context.Canceled)
	assert.Less(t, r.n, r.after+2*readChunk, "no more than one chunk is read after the cancel")
}

func TestReadAllReadsWhole(t *testing.T) {
	for _, size := range []int{0, 1, 511, 512, 513, readChunk - 1, readChunk, 3*readChunk + 7} {
		want := bytes.Repeat([]byte("0123456789abcdef"), size/16+1)[:size]
		got, err := host.ReadAllLimit(ctxReader{context.Background(), bytes.NewReader(want)}, "/f", int64(size), 1<<30)
		require.NoError(t, err)
		assert.Equal(t, want, got, "size %d", size)
	}
}

// TestReadFileCancelled: a scan stopped while a huge (sparse) file waits
// to be read does not read it.
func TestReadFileCancelled(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(root, "var"), 0o755))
	f, err := os.Create(filepath.Join(root, "var", "huge"))
	require.NoError(t, err)
	require.NoError(t, f.Truncate(1<<40)) // 1 TiB, no blocks
	require.NoError(t, f.Close())
	h, err := NewRoot(root)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = h.ReadFile(ctx, "/var/huge")
	assert.ErrorIs(t, err, context.Canceled)
}
