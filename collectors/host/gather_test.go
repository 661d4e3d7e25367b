package host_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/local"
)

// fixtureRoot lays the testdata files out as an offline root.
func fixtureRoot(t *testing.T) *local.Host {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{
		"dpkg-status": "var/lib/dpkg/status",
		"passwd":      "etc/passwd",
		"group":       "etc/group",
		"shadow":      "etc/shadow",
		"os-release":  "usr/lib/os-release",
	}
	for src, dst := range files {
		data, err := os.ReadFile(filepath.Join("testdata", src))
		require.NoError(t, err)
		require.NoError(t, os.MkdirAll(filepath.Join(root, filepath.Dir(dst)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(root, dst), data, 0o600))
	}
	// As Debian ships it: a relative link, which must stay in the root.
	require.NoError(t, os.Symlink("../usr/lib/os-release", filepath.Join(root, "etc/os-release")))
	h, err := local.NewRoot(root)
	require.NoError(t, err)
	return h
}

func TestGatherersOnRoot(t *testing.T) {
	h := fixtureRoot(t)
	ctx := context.Background()

	pkgs, err := host.DebPackages(ctx, h)
	require.NoError(t, err)
	assert.Len(t, pkgs, 7)

	users, err := host.Passwd(ctx, h)
	require.NoError(t, err)
	assert.Len(t, users, 5)

	groups, err := host.Group(ctx, h)
	require.NoError(t, err)
	assert.Len(t, groups, 4)

	shadow, err := host.Shadow(ctx, h)
	require.NoError(t, err)
	assert.Len(t, shadow, 13)

	rel, err := host.OSRelease(ctx, h)
	require.NoError(t, err)
	assert.Equal(t, "debian", rel["ID"])

	f, err := h.Facts(ctx)
	require.NoError(t, err)
	assert.Equal(t, "Debian GNU/Linux 11 (bullseye)", f.OS)
}

func TestOSReleaseFallback(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(root, "usr/lib"), 0o755))
	h, err := local.NewRoot(root)
	require.NoError(t, err)
	_, err = host.OSRelease(context.Background(), h)
	assert.ErrorIs(t, err, fs.ErrNotExist)

	require.NoError(t, os.WriteFile(filepath.Join(root, "usr/lib/os-release"), []byte("ID=fallback\n"), 0o644))
	rel, err := host.OSRelease(context.Background(), h)
	require.NoError(t, err)
	assert.Equal(t, "fallback", rel["ID"])
}

func TestNotCollectedOffline(t *testing.T) {
	h := fixtureRoot(t)
	ctx := context.Background()
	gatherers := map[string]func() error{
		"Sysctl":    func() error { _, err := host.Sysctl(ctx, h); return err },
		"Processes": func() error { _, err := host.Processes(ctx, h); return err },
		"Mounts":    func() error { _, err := host.Mounts(ctx, h); return err },
		"Environ":   func() error { _, err := host.Environ(ctx, h, 0); return err },
		"Uname":     func() error { _, err := host.Uname(ctx, h); return err },
		"RPM":       func() error { _, err := host.RPMPackages(ctx, h); return err },
		"Units":     func() error { _, err := host.SystemdUnits(ctx, h); return err },
		"Props":     func() error { _, err := host.SystemdUnitProperties(ctx, h, "ssh.service"); return err },
		"Deps":      func() error { _, err := host.SystemdUnitDependencies(ctx, h, "multi-user.target"); return err },
	}
	for name, g := range gatherers {
		t.Run(name, func(t *testing.T) {
			err := g()
			require.ErrorIs(t, err, host.ErrNotCollected)
			assert.Contains(t, err.Error(), h.Describe(), "the reason names the target")
		})
	}
}

// scripted is a live host whose files come from an offline root and whose
// commands answer from a table, standing in for a machine with rpm or
// systemd, which this one lacks.
type scripted struct {
	files    *local.Host
	commands map[string]string // command line -> stdout; a missing one fails like sh does
	ran      []string
}

func (s *scripted) ReadFile(ctx context.Context, p string) ([]byte, error) {
	return s.files.ReadFile(ctx, p)
}
func (s *scripted) Stat(ctx context.Context, p ...string) ([]host.FileInfo, error) {
	return s.files.Stat(ctx, p...)
}
func (s *scripted) ReadDir(ctx context.Context, p string) ([]host.FileInfo, error) {
	return s.files.ReadDir(ctx, p)
}
func (s *scripted) Run(_ context.Context, cmd string) ([]byte, error) {
	s.ran = append(s.ran, cmd)
	out, ok := s.commands[cmd]
	if !ok {
		return nil, fmt.Errorf("scripted: %q: exit status 127", cmd)
	}
	return []byte(out), nil
}
func (s *scripted) Describe() string { return "scripted" }
func (s *scripted) IsLive() bool     { return true }

func newScripted(t *testing.T, systemd bool, commands map[string]string) *scripted {
	root := t.TempDir()
	if systemd {
		require.NoError(t, os.MkdirAll(filepath.Join(root, "run/systemd/system"), 0o755))
	}
	files, err := local.NewRoot(root)
	require.NoError(t, err)
	return &scripted{files: files, commands: commands}
}

func TestRPMPackages(t *testing.T) {
	ctx := context.Background()
	query := `rpm -qa --qf '%{NAME}\t%{ARCH}\t%{EPOCH}\t%{VERSION}\t%{RELEASE}\t%|SIGPGP?{%{SIGPGP:pgpsig}}:{%|RSAHEADER?{%{RSAHEADER:pgpsig}}:{(none)}|}|\n'`

	h := newScripted(t, false, map[string]string{
		"command -v rpm": "/usr/bin/rpm\n",
		query:            "zlib\tx86_64\t(none)\t1.2.11\t40.el9\tRSA/SHA256, Key ID 199e2f91fd431d51\nbash\tx86_64\t(none)\t5.1.8\t6.el9\t(none)\n",
	})
	pkgs, err := host.RPMPackages(ctx, h)
	require.NoError(t, err)
	assert.Equal(t, []host.RPMPackage{
		{Name: "bash", Arch: "x86_64", Epoch: "0", Version: "5.1.8", Release: "6.el9"},
		{Name: "zlib", Arch: "x86_64", Epoch: "0", Version: "1.2.11", Release: "40.el9", SignatureKeyID: "199e2f91fd431d51"},
	}, pkgs)

	noRPM := newScripted(t, false, nil)
	_, err = host.RPMPackages(ctx, noRPM)
	require.ErrorIs(t, err, host.ErrNotCollected)
	assert.Contains(t, err.Error(), "rpm is not installed")
}

func TestSystemd(t *testing.T) {
	ctx := context.Background()
	h := newScripted(t, true, map[string]string{
		"systemctl list-units --all --full --no-legend --no-pager --plain": "ssh.service loaded active running OpenBSD Secure Shell server\n" +
			"multi-user.target loaded active active Multi-User System\n",
		"systemctl list-unit-files --full --no-legend --no-pager --plain":       "ssh.service enabled enabled\nrsh.socket disabled enabled\n",
		"systemctl show --no-pager -- 'ssh.service'":                            "Id=ssh.service\nWantedBy=multi-user.target\nDescription=OpenBSD Secure Shell server\nExecStart=\n",
		"systemctl show --no-pager -p Requires -p Wants -- 'multi-user.target'": "Requires=basic.target\nWants=ssh.service getty.target\n",
		"systemctl show --no-pager -p Requires -p Wants -- 'basic.target' 'getty.target'": "Requires=sysinit.target\nWants=\n\n" +
			"Requires=\nWants=getty@tty1.service\n",
		"systemctl show --no-pager -p Requires -p Wants -- 'sysinit.target'": "Requires=\nWants=systemd-journald.service multi-user.target\n",
	})

	units, err := host.SystemdUnits(ctx, h)
	require.NoError(t, err)
	assert.Equal(t, []string{"multi-user.target", "rsh.socket", "ssh.service"}, units)

	props, err := host.SystemdUnitProperties(ctx, h, "ssh.service")
	require.NoError(t, err)
	assert.Equal(t, map[string][]string{
		"Id":          {"ssh.service"},
		"WantedBy":    {"multi-user.target"},
		"Description": {"OpenBSD Secure Shell server"},
		"ExecStart":   {""},
	}, props)

	deps, err := host.SystemdUnitDependencies(ctx, h, "multi-user.target")
	require.NoError(t, err)
	assert.Equal(t, []string{"basic.target", "getty.target", "getty@tty1.service", "ssh.service",
		"sysinit.target", "systemd-journald.service"}, deps)

	deps, err = host.SystemdUnitDependencies(ctx, h, "ssh.service")
	require.NoError(t, err)
	assert.Empty(t, deps, "only targets have dependencies in OVAL's sense")

	_, err = host.SystemdUnitProperties(ctx, h, "x'; rm -rf / #")
	require.Error(t, err)
	assert.Equal(t, `systemctl show --no-pager -- 'x'\''; rm -rf / #'`, h.ran[len(h.ran)-1], "unit names are quoted")

	noSystemd := newScripted(t, false, nil)
	_, err = host.SystemdUnits(ctx, noSystemd)
	require.ErrorIs(t, err, host.ErrNotCollected)
	assert.Contains(t, err.Error(), "systemd is not running as PID 1")
	assert.Empty(t, noSystemd.ran, "nothing is run when systemd is absent")
}

func TestUnameThroughRun(t *testing.T) {
	h := newScripted(t, false, map[string]string{
		"uname -m; uname -n; uname -s; uname -r; uname -v; uname -p": "aarch64\nbox\nLinux\n6.1.0\n#1 SMP\naarch64\n",
	})
	u, err := host.Uname(context.Background(), h)
	require.NoError(t, err)
	assert.Equal(t, host.UnameInfo{MachineClass: "aarch64", NodeName: "box", OSName: "Linux", OSRelease: "6.1.0",
		OSVersion: "#1 SMP", ProcessorType: "aarch64"}, u)

	broken := newScripted(t, false, nil)
	_, err = host.Uname(context.Background(), broken)
	require.Error(t, err)
	assert.False(t, errors.Is(err, host.ErrNotCollected), "a failing command is an error, not a missing ability")
}

func TestSysctlCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := host.Sysctl(ctx, local.New())
	require.Error(t, err)
	assert.ErrorIs(t, err, context.Canceled)
}
