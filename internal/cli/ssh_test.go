package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/internal/testsshd"
	"github.com/stigscan/stigscan/internal/testutil"
)

// TestScanSSHHostKeys: a host absent from known_hosts is refused with a
// message naming the flag that accepts it, and scanned with that flag; a
// changed key is refused even with it.
func TestScanSSHHostKeys(t *testing.T) {
	srv := testsshd.Start(t, testsshd.Options{})
	dir := t.TempDir()
	empty := filepath.Join(dir, "known_hosts_empty")
	require.NoError(t, os.WriteFile(empty, nil, 0o600))
	other := testsshd.Keygen(t, filepath.Join(dir, "other"), "ed25519", "")
	changed := srv.WriteKnownHosts(t, "known_hosts_changed", "[127.0.0.1]:"+strings.Split(srv.Addr(), ":")[1]+" "+strings.TrimSpace(other))
	// A generous connect timeout: the 15 s default is not what is tested,
	// and a loaded machine can approach it.
	base := []string{"scan", "--target", srv.Target(), "--ssh-key", srv.ClientKeyFile, "--ssh-agent=false", "--quiet", "--arf", filepath.Join(dir, "arf.xml"), "--connect-timeout", "2m"}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     []string // in the error
	}{
		{name: "unknown host refused", args: []string{"--known-hosts", empty}, wantCode: 1,
			want: []string{"ssh: host key unknown", "--accept-unknown-host-keys", srv.Addr()}},
		{name: "unknown host accepted with the flag", args: []string{"--known-hosts", empty, "--accept-unknown-host-keys"}},
		{name: "known host", args: []string{"--known-hosts", srv.KnownHosts(t)}},
		{name: "changed key refused even with the flag", args: []string{"--known-hosts", changed, "--accept-unknown-host-keys"}, wantCode: 1,
			want: []string{"ssh: host key changed", "ssh-keygen -R"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, err := run(t, append(append([]string{}, base...), tt.args...)...)
			require.Equal(t, tt.wantCode, exitCode(err), "err %v\nstdout %s\nstderr %s", err, stdout, stderr)
			if tt.wantCode != 0 {
				for _, w := range tt.want {
					assert.Contains(t, err.Error(), w)
				}
				return
			}
			assert.Contains(t, stdout, "ssh://"+srv.User+"@"+srv.Addr()+": pass")
		})
	}
}

// TestOVALEvalOverSSH: `oval eval` of the built-in OVAL file prints the
// same definition results through SSH as on the local host.
func TestOVALEvalOverSSH(t *testing.T) {
	srv := testsshd.Start(t, testsshd.Options{})
	file := filepath.Join(testutil.RepoRoot(t), "builtin", "linux-oval.xml")
	local, stderr, err := run(t, "oval", "eval", file, "--target", "local")
	require.NoError(t, err, stderr)
	remote, stderr, err := run(t, "oval", "eval", file, "--target", srv.Target(),
		"--ssh-key", srv.ClientKeyFile, "--known-hosts", srv.KnownHosts(t), "--ssh-agent=false", "--connect-timeout", "2m")
	require.NoError(t, err, stderr)
	assert.Equal(t, local, remote)
	assert.GreaterOrEqual(t, strings.Count(local, "\n"), 8, "one line per definition")
}
