package local_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/local"
)

// rootTree builds, under a temp dir, a folder "outside" holding a secret and a
// root folder full of symlinks that try to reach it. Returns the root's host
// path and the secret's.
func rootTree(t *testing.T) (root, secret string) {
	t.Helper()
	base := t.TempDir()
	outside := filepath.Join(base, "outside")
	root = filepath.Join(base, "root")
	secret = filepath.Join(outside, "secret")
	for _, d := range []string{outside, root + "/etc", root + "/usr/lib", root + "/dir/sub", root + "/outside", root + "/loops"} {
		require.NoError(t, os.MkdirAll(d, 0o755))
	}
	write := func(p, content string, mode os.FileMode) {
		require.NoError(t, os.WriteFile(p, []byte(content), mode))
	}
	write(secret, "SECRET", 0o644)
	write(root+"/outside/secret", "INSIDE", 0o644)
	write(root+"/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n", 0o644)
	write(root+"/etc/hostname", "offline-host\n", 0o644)
	write(root+"/etc/hosts", "127.0.0.1 localhost\n127.0.1.1 offline-host.example.org offline-host\n", 0o644)
	write(root+"/usr/lib/os-release", "PRETTY_NAME=\"Debian GNU/Linux 11 (bullseye)\"\n", 0o644)
	write(root+"/dir/sub/file", "in sub", 0o600)

	links := map[string]string{
		"etc/os-release":     "../usr/lib/os-release", // relative, as Debian ships it
		"abs-passwd":         "/etc/passwd",
		"etc-link":           "/etc",
		"rel-escape":         "../../../../../../outside/secret",
		"abs-escape":         "/../../../outside/secret",
		"host-abs":           secret, // the host path of the secret
		"host-dir":           filepath.Dir(secret),
		"dir/sub/up":         "../../../../outside/secret",
		"dir/sub/rootdotdot": "/..",
		"dangling":           "/no/such/file",
		"loops/self":         "self",
		"loops/a":            "b",
		"loops/b":            "a",
		"loops/dir-self":     "dir-self/x",
		"empty-target-link":  "dir/../etc/./passwd",
	}
	for l, target := range links {
		require.NoError(t, os.Symlink(target, filepath.Join(root, l)))
	}
	// A chain of 40 links resolves; 41 is one too many.
	for i := 1; i <= 41; i++ {
		target := fmt.Sprintf("c%d", i-1)
		if i == 1 {
			target = "/etc/passwd"
		}
		require.NoError(t, os.Symlink(target, filepath.Join(root, "loops", fmt.Sprintf("c%d", i))))
	}
	require.NoError(t, syscall.Mkfifo(root+"/fifo", 0o644))
	return root, secret
}

func TestRootReadFileConfinement(t *testing.T) {
	root, _ := rootTree(t)
	h, err := local.NewRoot(root)
	require.NoError(t, err)
	ctx := context.Background()

	tests := []struct {
		name    string
		path    string
		want    string
		wantErr error
	}{
		{name: "plain file", path: "/etc/passwd", want: "root:x:0:0:root:/root:/bin/bash\n"},
		{name: "relative link", path: "/etc/os-release", want: "PRETTY_NAME=\"Debian GNU/Linux 11 (bullseye)\"\n"},
		{name: "absolute link re-rooted", path: "/abs-passwd", want: "root:x:0:0:root:/root:/bin/bash\n"},
		{name: "absolute link to a directory", path: "/etc-link/passwd", want: "root:x:0:0:root:/root:/bin/bash\n"},
		{name: "dot-dot above root in the path", path: "/../../../etc/passwd", want: "root:x:0:0:root:/root:/bin/bash\n"},
		{name: "dot-dot in the path lands inside", path: "/etc/../../../outside/secret", want: "INSIDE"},
		{name: "relative link climbing out", path: "/rel-escape", want: "INSIDE"},
		{name: "absolute link climbing out", path: "/abs-escape", want: "INSIDE"},
		{name: "nested relative link climbing out", path: "/dir/sub/up", want: "INSIDE"},
		{name: "link to /.. then down", path: "/dir/sub/rootdotdot/etc/passwd", want: "root:x:0:0:root:/root:/bin/bash\n"},
		{name: "dots in a link target", path: "/empty-target-link", want: "root:x:0:0:root:/root:/bin/bash\n"},
		{name: "host path in a link is re-rooted", path: "/host-abs", wantErr: fs.ErrNotExist},
		{name: "host directory in a link is re-rooted", path: "/host-dir/secret", wantErr: fs.ErrNotExist},
		{name: "dangling link", path: "/dangling", wantErr: fs.ErrNotExist},
		{name: "missing file", path: "/etc/shadow", wantErr: fs.ErrNotExist},
		{name: "file used as directory", path: "/etc/passwd/x", wantErr: syscall.ENOTDIR},
		{name: "self loop", path: "/loops/self", wantErr: syscall.ELOOP},
		{name: "two-link loop", path: "/loops/a", wantErr: syscall.ELOOP},
		{name: "growing loop", path: "/loops/dir-self", wantErr: syscall.ELOOP},
		{name: "40 links resolve", path: "/loops/c40", want: "root:x:0:0:root:/root:/bin/bash\n"},
		{name: "41 links are too many", path: "/loops/c41", wantErr: syscall.ELOOP},
		{name: "directory", path: "/etc", wantErr: syscall.EISDIR},
		{name: "relative path refused", path: "etc/passwd", wantErr: nil /* any error */},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := h.ReadFile(ctx, tt.path)
			if tt.want != "" {
				require.NoError(t, err)
				assert.Equal(t, tt.want, string(got))
				return
			}
			require.Error(t, err)
			assert.NotContains(t, string(got), "SECRET")
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
			}
		})
	}
}

func TestRootFIFONeverOpened(t *testing.T) {
	root, _ := rootTree(t)
	h, err := local.NewRoot(root)
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() {
		_, err := h.ReadFile(context.Background(), "/fifo")
		done <- err
	}()
	select {
	case err := <-done:
		require.Error(t, err)
	case <-time.After(time.Minute): // blocked for good: only how long a failure takes
		t.Fatal("ReadFile blocked on a FIFO")
	}
}

func TestRootStat(t *testing.T) {
	root, _ := rootTree(t)
	h, err := local.NewRoot(root)
	require.NoError(t, err)
	ctx := context.Background()

	got, err := h.Stat(ctx, "/abs-passwd", "/etc/passwd", "/nope", "/etc-link/", "/dir/sub/file", "/", "/host-abs", "/dir/sub/..")
	require.NoError(t, err)
	require.Len(t, got, 8)

	assert.Equal(t, "/abs-passwd", got[0].Path)
	assert.Equal(t, fs.ModeSymlink, got[0].Mode.Type(), "Stat does not follow a final link")
	assert.Equal(t, "/etc/passwd", got[0].Target)
	assert.NoError(t, got[0].Err)

	assert.True(t, got[1].Mode.IsRegular())
	assert.Equal(t, int64(len("root:x:0:0:root:/root:/bin/bash\n")), got[1].Size)
	assert.Equal(t, fs.FileMode(0o644), got[1].Mode.Perm())
	assert.Equal(t, int64(os.Getuid()), got[1].UID)
	assert.WithinDuration(t, time.Now(), got[1].MTime, time.Minute)

	assert.ErrorIs(t, got[2].Err, fs.ErrNotExist)
	assert.True(t, got[3].Mode.IsDir(), "a trailing slash follows the link")
	assert.Equal(t, fs.FileMode(0o600), got[4].Mode.Perm())
	assert.True(t, got[5].Mode.IsDir())
	assert.Equal(t, fs.ModeSymlink, got[6].Mode.Type(), "a link to a host path is described, not followed")
	assert.True(t, got[7].Mode.IsDir())
	assert.Equal(t, "/dir/sub/..", got[7].Path, "Path is the path as asked")
}

func TestRootReadDir(t *testing.T) {
	root, _ := rootTree(t)
	h, err := local.NewRoot(root)
	require.NoError(t, err)
	ctx := context.Background()

	got, err := h.ReadDir(ctx, "/etc-link")
	require.NoError(t, err)
	var names []string
	for _, fi := range got {
		names = append(names, fi.Path)
	}
	assert.Equal(t, []string{"/etc-link/hostname", "/etc-link/hosts", "/etc-link/os-release", "/etc-link/passwd"}, names)
	assert.Equal(t, "../usr/lib/os-release", got[2].Target)

	_, err = h.ReadDir(ctx, "/host-dir")
	assert.ErrorIs(t, err, fs.ErrNotExist)
	_, err = h.ReadDir(ctx, "/etc/passwd")
	assert.ErrorIs(t, err, syscall.ENOTDIR)

	top, err := h.ReadDir(ctx, "/../..")
	require.NoError(t, err)
	assert.NotEmpty(t, top)
	assert.Equal(t, "/abs-escape", top[0].Path)
}

func TestRootHost(t *testing.T) {
	root, _ := rootTree(t)
	h, err := local.NewRoot(root)
	require.NoError(t, err)
	ctx := context.Background()

	assert.False(t, h.IsLive())
	assert.False(t, host.IsLive(h))
	assert.Equal(t, "local:"+root, h.Describe())

	_, err = h.Run(ctx, "true")
	assert.ErrorIs(t, err, host.ErrNotCollected)
	_, err = h.Uname(ctx)
	assert.ErrorIs(t, err, host.ErrNotCollected)

	f, err := h.Facts(ctx)
	require.NoError(t, err)
	assert.Equal(t, host.Facts{Hostname: "offline-host", FQDN: "offline-host.example.org", OS: "Debian GNU/Linux 11 (bullseye)"}, f)

	st, err := h.StatFS(ctx, "/etc")
	require.NoError(t, err)
	assert.Positive(t, st.Blocks)

	_, err = local.NewRoot(filepath.Join(root, "etc/passwd"))
	assert.Error(t, err)
	_, err = local.NewRoot(filepath.Join(root, "missing"))
	assert.ErrorIs(t, err, fs.ErrNotExist)
}

func TestRootRemovedUnderneath(t *testing.T) {
	root, _ := rootTree(t)
	h, err := local.NewRoot(root)
	require.NoError(t, err)
	require.NoError(t, os.RemoveAll(root))
	_, err = h.Stat(context.Background(), "/etc/passwd")
	assert.Error(t, err, "a root that is gone fails the whole call")
	_, err = h.ReadFile(context.Background(), "/etc/passwd")
	assert.True(t, errors.Is(err, fs.ErrNotExist))
}

// TestReadCap: a file over the host's cap is an error matching
// host.ErrTooLarge naming the path and the cap, a 1 GB sparse file
// included (refused from its size, not read); a kernel file that reports
// size 0 is cut by the limited reader all the same.
func TestReadCap(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "etc"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "etc", "f"), []byte("0123456789"), 0o644))
	f, err := os.Create(filepath.Join(dir, "etc", "sparse"))
	require.NoError(t, err)
	require.NoError(t, f.Truncate(1<<30))
	require.NoError(t, f.Close())
	h, err := local.NewRoot(dir, local.WithMaxFileBytes(10))
	require.NoError(t, err)
	ctx := context.Background()
	data, err := h.ReadFile(ctx, "/etc/f")
	require.NoError(t, err)
	assert.Equal(t, "0123456789", string(data))
	_, err = h.ReadFile(ctx, "/etc/sparse")
	assert.ErrorIs(t, err, host.ErrTooLarge)
	assert.ErrorContains(t, err, "/etc/sparse: file is larger than the read cap of 10 bytes")
	_, err = h.ReadFileLimit(ctx, "/etc/f", 9)
	assert.ErrorIs(t, err, host.ErrTooLarge)

	live := local.New(local.WithMaxFileBytes(16))
	fis, err := live.Stat(ctx, "/proc/self/status")
	require.NoError(t, err)
	require.Zero(t, fis[0].Size, "the kernel says size 0")
	_, err = live.ReadFile(ctx, "/proc/self/status")
	assert.ErrorIs(t, err, host.ErrTooLarge)
	data, err = local.New().ReadFile(ctx, "/proc/self/status")
	require.NoError(t, err)
	assert.Greater(t, len(data), 16)
}
