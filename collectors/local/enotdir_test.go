package local_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/local"
)

// TestENOTDIRIsNotExist: a path under a regular file does not exist, and says
// so with an error matching fs.ErrNotExist (the Host contract, as the SSH
// host answers) while still matching ENOTDIR; listing a regular file itself
// is ENOTDIR but not "does not exist".
func TestENOTDIRIsNotExist(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "etc"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "etc", "file"), []byte("x\n"), 0o644))
	root, err := local.NewRoot(dir)
	require.NoError(t, err)
	hosts := []struct {
		name string
		h    host.Host
		base string // where "etc/file" is, as the host sees it
	}{
		{name: "live", h: local.New(), base: dir},
		{name: "root", h: root, base: "/"},
	}
	for _, hc := range hosts {
		file := filepath.Join(hc.base, "etc", "file")
		under := file + "/x"
		deeper := file + "/x/y"
		t.Run(hc.name, func(t *testing.T) {
			tests := []struct {
				name     string
				call     func() error
				notExist bool
			}{
				{name: "Stat under a file", notExist: true, call: func() error {
					fi, err := hc.h.Stat(ctx, under)
					require.NoError(t, err)
					return fi[0].Err
				}},
				{name: "Stat two levels under a file", notExist: true, call: func() error {
					fi, err := hc.h.Stat(ctx, deeper)
					require.NoError(t, err)
					return fi[0].Err
				}},
				{name: "ReadFile under a file", notExist: true, call: func() error {
					_, err := hc.h.ReadFile(ctx, under)
					return err
				}},
				{name: "ReadDir under a file", notExist: true, call: func() error {
					_, err := hc.h.ReadDir(ctx, under)
					return err
				}},
				{name: "ReadDir of the file itself", notExist: false, call: func() error {
					_, err := hc.h.ReadDir(ctx, file)
					return err
				}},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					err := tt.call()
					require.Error(t, err)
					assert.ErrorIs(t, err, syscall.ENOTDIR)
					assert.Equal(t, tt.notExist, errors.Is(err, fs.ErrNotExist), "errors.Is(%v, fs.ErrNotExist)", err)
				})
			}
		})
	}
}
