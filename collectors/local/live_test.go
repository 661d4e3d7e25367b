package local_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/local"
)

// These run against the machine the tests run on.

func TestLiveRun(t *testing.T) {
	h := local.New()
	ctx := context.Background()
	assert.True(t, host.IsLive(h))
	assert.Equal(t, "local", h.Describe())

	tests := []struct {
		name    string
		cmd     string
		want    string
		wantErr string
	}{
		{name: "stdout", cmd: "echo hello; echo ignored >&2", want: "hello\n"},
		{name: "shell features", cmd: "printf '%s|' a b | tr '|' ','", want: "a,b,"},
		{name: "C locale", cmd: "echo $LC_ALL", want: "C\n"},
		{name: "non-zero exit carries stderr", cmd: "echo '  boom  ' >&2; exit 3", wantErr: "exit status 3: boom"},
		{name: "missing command", cmd: "no-such-command-xyz", wantErr: "not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := h.Run(ctx, tt.cmd)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(out))
		})
	}
}

func TestLiveRunDeadline(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := local.New().Run(ctx, "sleep 300")
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	// The deadline, not the command's end, returned: far below the sleep,
	// and far above what killing it takes even on a loaded machine.
	assert.Less(t, time.Since(start), 2*time.Minute)
}

func TestLiveFiles(t *testing.T) {
	h := local.New()
	ctx := context.Background()

	data, err := h.ReadFile(ctx, "/etc/passwd")
	require.NoError(t, err)
	assert.Contains(t, string(data), "root:")

	_, err = h.ReadFile(ctx, "/dev/null")
	assert.Error(t, err, "devices are not read")
	_, err = h.ReadFile(ctx, "etc/passwd")
	assert.Error(t, err, "relative paths are refused")

	fi, err := h.Stat(ctx, "/proc/self", "/etc", "/nope/nope")
	require.NoError(t, err)
	assert.Equal(t, os.ModeSymlink, fi[0].Mode.Type())
	assert.NotEmpty(t, fi[0].Target)
	assert.True(t, fi[1].Mode.IsDir())
	assert.Error(t, fi[2].Err)

	entries, err := h.ReadDir(ctx, "/etc")
	require.NoError(t, err)
	var sawPasswd bool
	for i, e := range entries {
		if i > 0 {
			assert.Less(t, entries[i-1].Path, e.Path, "sorted")
		}
		if e.Path == "/etc/passwd" {
			sawPasswd = true
			assert.Equal(t, int64(0), e.UID)
		}
	}
	assert.True(t, sawPasswd)

	st, err := h.StatFS(ctx, "/")
	require.NoError(t, err)
	assert.Positive(t, st.Blocks)
	assert.Positive(t, st.BlockSize)
}

func TestLiveFacts(t *testing.T) {
	f, err := local.New().Facts(context.Background())
	require.NoError(t, err)
	name, err := os.Hostname()
	require.NoError(t, err)
	assert.Equal(t, name, f.Hostname)
	assert.NotEmpty(t, f.FQDN)
	assert.NotEmpty(t, f.OS)
	for _, ip := range f.IPv4 {
		assert.False(t, strings.HasPrefix(ip, "127."), "loopback left out")
	}
	assert.NotContains(t, f.IPv6, "::1")
}

func TestLiveGatherers(t *testing.T) {
	h := local.New()
	ctx := context.Background()

	t.Run("passwd has root", func(t *testing.T) {
		users, err := host.Passwd(ctx, h)
		require.NoError(t, err)
		require.NotEmpty(t, users)
		assert.Equal(t, "root", users[0].Username)
		assert.Equal(t, int64(0), users[0].UID)
	})
	t.Run("group has root", func(t *testing.T) {
		groups, err := host.Group(ctx, h)
		require.NoError(t, err)
		require.NotEmpty(t, groups)
		assert.Equal(t, "root", groups[0].Name)
	})
	t.Run("processes include this one", func(t *testing.T) {
		procs, err := host.Processes(ctx, h)
		require.NoError(t, err)
		var me *host.Process
		for i := range procs {
			if procs[i].PID == int64(os.Getpid()) {
				me = &procs[i]
			}
		}
		require.NotNil(t, me, "pid %d not listed", os.Getpid())
		assert.Equal(t, int64(os.Getppid()), me.PPID)
		assert.Equal(t, int64(os.Getuid()), me.UID)
		assert.Equal(t, int64(os.Geteuid()), me.EUID)
		assert.Equal(t, int64(os.Getgid()), me.GID)
		exe, err := os.Executable()
		require.NoError(t, err)
		assert.Equal(t, exe, me.Exe)
		assert.Equal(t, strings.Join(os.Args, " "), me.CommandLine)
		assert.Regexp(t, `^(\d\d:\d\d:\d\d|[A-Z][a-z]{2}_\d\d)$`, me.StartTime)
		assert.Regexp(t, `^(\d+-)?\d\d:\d\d:\d\d$`, me.ExecTime)
		assert.WithinDuration(t, time.Now(), me.Started, time.Hour)
	})
	t.Run("sysctl kernel.hostname is the hostname", func(t *testing.T) {
		params, skipped, err := host.SysctlTree(ctx, h)
		require.NoError(t, err)
		name, err := os.Hostname()
		require.NoError(t, err)
		found := map[string]string{}
		for _, p := range params {
			found[p.Name] = p.Value
			assert.NotContains(t, p.Value, "\t")
		}
		assert.Equal(t, name, found["kernel.hostname"])
		assert.Contains(t, found, "kernel.osrelease")
		t.Logf("%d parameters, %d skipped", len(params), skipped)
	})
	t.Run("mounts include /", func(t *testing.T) {
		mounts, err := host.Mounts(ctx, h)
		require.NoError(t, err)
		var root *host.Mount
		for i := range mounts {
			if mounts[i].MountPoint == "/" {
				root = &mounts[i]
			}
		}
		require.NotNil(t, root)
		assert.Positive(t, root.TotalBlocks)
		assert.Equal(t, root.TotalBlocks-root.FreeBlocks, root.SpaceUsed)
	})
	t.Run("environ of self", func(t *testing.T) {
		env, err := host.Environ(ctx, h, 0)
		require.NoError(t, err)
		assert.Equal(t, os.Getenv("PATH"), env["PATH"])
		env2, err := host.Environ(ctx, h, int64(os.Getpid()))
		require.NoError(t, err)
		assert.Equal(t, env, env2)
	})
	t.Run("uname directly and through uname(1) agree", func(t *testing.T) {
		direct, err := host.Uname(ctx, h)
		require.NoError(t, err)
		name, _ := os.Hostname()
		assert.Equal(t, name, direct.NodeName)
		assert.Equal(t, "Linux", direct.OSName)
		viaRun, err := host.Uname(ctx, runOnly{h})
		require.NoError(t, err)
		assert.Equal(t, direct, viaRun)
	})
	t.Run("os-release", func(t *testing.T) {
		rel, err := host.OSRelease(ctx, h)
		require.NoError(t, err)
		assert.NotEmpty(t, rel["ID"])
	})
	t.Run("dpkg packages match dpkg-query", func(t *testing.T) {
		if _, err := os.Stat(host.DpkgStatusPath); err != nil {
			t.Skip("not a dpkg system")
		}
		pkgs, err := host.DebPackages(ctx, h)
		require.NoError(t, err)
		out, err := h.Run(ctx, `dpkg-query -W -f '${db:Status-Status} ${Package}:${Architecture} ${Version}\n' | awk '$1=="installed"{print $2" "$3}' | sort`)
		require.NoError(t, err)
		var got []string
		for _, p := range pkgs {
			v := p.Version
			if p.Epoch != "0" {
				v = p.Epoch + ":" + v
			}
			if p.Release != "" {
				v += "-" + p.Release
			}
			got = append(got, p.Name+":"+p.Arch+" "+v)
		}
		want := strings.Split(strings.TrimSpace(string(out)), "\n")
		assert.ElementsMatch(t, want, got)
	})
	t.Run("systemd says why it is not asked", func(t *testing.T) {
		if _, err := os.Stat("/run/systemd/system"); err == nil {
			units, err := host.SystemdUnits(ctx, h)
			require.NoError(t, err)
			assert.NotEmpty(t, units)
			return
		}
		_, err := host.SystemdUnits(ctx, h)
		assert.ErrorIs(t, err, host.ErrNotCollected)
		assert.Contains(t, err.Error(), "systemd is not running as PID 1")
	})
}

// runOnly hides every optional ability of a host but being live, so gatherers
// take their generic path.
type runOnly struct{ h *local.Host }

func (r runOnly) ReadFile(ctx context.Context, p string) ([]byte, error) { return r.h.ReadFile(ctx, p) }
func (r runOnly) Stat(ctx context.Context, p ...string) ([]host.FileInfo, error) {
	return r.h.Stat(ctx, p...)
}
func (r runOnly) ReadDir(ctx context.Context, p string) ([]host.FileInfo, error) {
	return r.h.ReadDir(ctx, p)
}
func (r runOnly) Run(ctx context.Context, cmd string) ([]byte, error) { return r.h.Run(ctx, cmd) }
func (r runOnly) Describe() string                                    { return "run-only" }
func (r runOnly) IsLive() bool                                        { return true }
