package local_test

import (
	"context"
	"os"
	"os/exec"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/local"
)

// TestDebootstrapRoot reads a real Debian tree made by debootstrap, e.g.
//
//	debootstrap --variant=minbase bullseye /tmp/deb11
//	STIGSCAN_TEST_ROOT=/tmp/deb11 go test ./collectors/local/
//
// The tree takes minutes and network access to build, so the test uses one
// that exists rather than building it.
func TestDebootstrapRoot(t *testing.T) {
	dir := os.Getenv("STIGSCAN_TEST_ROOT")
	if dir == "" {
		t.Skip("STIGSCAN_TEST_ROOT is not set: set it to a debootstrap tree to run this test")
	}
	h, err := local.NewRoot(dir)
	require.NoError(t, err)
	ctx := context.Background()

	rel, err := host.OSRelease(ctx, h)
	require.NoError(t, err, "/etc/os-release is a relative link into /usr/lib")
	assert.Equal(t, "debian", rel["ID"])

	f, err := h.Facts(ctx)
	require.NoError(t, err)
	assert.Equal(t, host.PrettyOSName(rel), f.OS)
	assert.Empty(t, f.IPv4)

	pkgs, err := host.DebPackages(ctx, h)
	require.NoError(t, err)
	require.NotEmpty(t, pkgs)
	names := map[string]host.DebPackage{}
	for _, p := range pkgs {
		names[p.Name] = p
	}
	assert.Contains(t, names, "base-files")
	assert.Contains(t, names, "dpkg")

	if _, err := exec.LookPath("dpkg-query"); err == nil {
		out, err := exec.Command("dpkg-query", "--admindir="+dir+"/var/lib/dpkg", "-W",
			"-f", "${db:Status-Status} ${Package}:${Architecture} ${Version}\n").Output()
		require.NoError(t, err)
		var want, got []string
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if rest, ok := strings.CutPrefix(line, "installed "); ok {
				want = append(want, rest)
			}
		}
		for _, p := range pkgs {
			got = append(got, p.Name+":"+p.Arch+" "+strings.TrimPrefix(p.EVR(), "0:"))
		}
		sort.Strings(want)
		sort.Strings(got)
		assert.Equal(t, want, got, "the same packages and versions as dpkg-query")
	}

	users, err := host.Passwd(ctx, h)
	require.NoError(t, err)
	require.NotEmpty(t, users)
	assert.Equal(t, "root", users[0].Username)
	assert.Equal(t, int64(0), users[0].UID)

	shadow, err := host.Shadow(ctx, h)
	require.NoError(t, err)
	require.NotEmpty(t, shadow)
	assert.Equal(t, "root", shadow[0].Username)

	// Merged /usr: /bin is a link; files behind it are read through it.
	data, err := h.ReadFile(ctx, "/bin/sh")
	require.NoError(t, err)
	assert.Equal(t, "\x7fELF", string(data[:4]))

	_, err = host.Processes(ctx, h)
	assert.ErrorIs(t, err, host.ErrNotCollected)
	_, err = h.Run(ctx, "true")
	assert.ErrorIs(t, err, host.ErrNotCollected)
}
