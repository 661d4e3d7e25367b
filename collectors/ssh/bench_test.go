package ssh

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/internal/testsshd"
)

// BenchmarkStat500 compares describing 500 paths in one batched Stat with
// one Stat per path, sequential and 8 at a time, over the loopback sshd.
// Run with -benchtime=1x: one-by-one takes a session per path.
func BenchmarkStat500(b *testing.B) {
	srv := testsshd.Start(b, testsshd.Options{})
	h := dial(b, srv, nil)
	ctx := context.Background()
	var paths []string
	for _, d := range []string{"/usr/bin", "/usr/lib", "/etc", "/usr/share"} {
		entries, err := os.ReadDir(d)
		require.NoError(b, err)
		for _, e := range entries {
			if len(paths) < 500 {
				paths = append(paths, filepath.Join(d, e.Name()))
			}
		}
	}
	require.Len(b, paths, 500)

	b.Run("batched", func(b *testing.B) {
		for b.Loop() {
			got, err := h.Stat(ctx, paths...)
			require.NoError(b, err)
			require.Len(b, got, len(paths))
		}
	})
	b.Run("one-by-one", func(b *testing.B) {
		for b.Loop() {
			for _, p := range paths {
				_, err := h.Stat(ctx, p)
				require.NoError(b, err)
			}
		}
	})
	b.Run("one-by-one-8-concurrent", func(b *testing.B) {
		for b.Loop() {
			var wg sync.WaitGroup
			sem := make(chan struct{}, 8)
			for _, p := range paths {
				wg.Add(1)
				sem <- struct{}{}
				go func() {
					defer wg.Done()
					defer func() { <-sem }()
					_, err := h.Stat(ctx, p)
					require.NoError(b, err)
				}()
			}
			wg.Wait()
		}
	})
}
