package cli_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/internal/testsshd"
)

const (
	dbPassword  = "Db-Only-Pw-6H"
	sshPassword = "Ssh-Only-Pw-1V"
)

// TestDatabasePasswordNeverOfferedToSSH: a database line with
// password-env= and db-host=ssh://… logs in to the SSH server with SSH
// credentials only. An in-process SSH server records every password and
// keyboard-interactive answer offered: the database password is never
// among them, whether the SSH login has a key the server refuses, no
// credential at all, or an SSH password of its own (ssh-password-env=,
// which is offered and accepted). The same holds for --db-password-env
// with --db-host on the command line.
func TestDatabasePasswordNeverOfferedToSSH(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("STIGSCAN_T_DBPW", dbPassword)
	t.Setenv("STIGSCAN_T_SSHPW", sshPassword)
	wrongKey := filepath.Join(dir, "wrong_key")
	testsshd.Keygen(t, wrongKey, "ed25519", "")

	tests := []struct {
		name string
		// settings of the inventory line, or nil for the command-line form
		settings   string
		flags      []string
		wantLogins int
		wantPw     []string
	}{
		{name: "refused key", settings: "password-env=STIGSCAN_T_DBPW ssh-key=" + wrongKey},
		{name: "no SSH credential", settings: "password-env=STIGSCAN_T_DBPW"},
		{name: "SSH password of its own", settings: "password-env=STIGSCAN_T_DBPW ssh-password-env=STIGSCAN_T_SSHPW", wantLogins: 1, wantPw: []string{sshPassword}},
		{name: "command line, refused key", flags: []string{"--db-password-env", "STIGSCAN_T_DBPW", "--ssh-key", wrongKey}},
		{name: "command line, SSH password flag", flags: []string{"--db-password-env", "STIGSCAN_T_DBPW", "--ssh-password-env", "STIGSCAN_T_SSHPW"}, wantLogins: 1, wantPw: []string{sshPassword}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := testsshd.StartRecorder(t, sshPassword)
			// Nothing listens on port 1: the database connection fails
			// at once, after the server's machine was logged in to.
			db := "postgres://scan@127.0.0.1:1/app?sslmode=disable"
			hostSpec := "ssh://root@" + rec.Addr()
			args := []string{"scan", "--ssh-agent=false", "--known-hosts", rec.KnownHosts(t, t.TempDir()),
				"--connect-timeout", "30s", "--log-level", "debug", "--progress", "none", "--out", fmt.Sprintf("res%d", i)}
			if tc.flags == nil {
				inv := fmt.Sprintf("%s name=db db-host=%s %s\n", db, hostSpec, tc.settings)
				require.NoError(t, os.WriteFile("hosts.txt", []byte(inv), 0o644))
				args = append(args, "--targets", "hosts.txt")
			} else {
				args = append(append(args, "--target", db, "--db-host", hostSpec), tc.flags...)
			}
			out, errOut, err := run(t, args...)
			require.Error(t, err, "the database is not there")
			pws, answers, keys, logins := rec.Offered()
			t.Logf("offered: %d passwords, %d answers, %d keys; %d logins", len(pws), len(answers), len(keys), logins)
			assert.NotContains(t, pws, dbPassword, "the database password was offered to the SSH server")
			assert.NotContains(t, answers, dbPassword, "the database password was typed into a keyboard-interactive prompt")
			assert.Equal(t, tc.wantPw, pws)
			assert.Empty(t, answers)
			assert.Equal(t, tc.wantLogins, logins)
			if slices.Contains(args, wrongKey) || strings.Contains(tc.settings, wrongKey) {
				assert.NotEmpty(t, keys, "the refused key was offered")
			}
			if tc.wantLogins > 0 {
				assert.Contains(t, out, "postgres", "past SSH, the database connection was tried: %s", out)
			}
			for _, s := range []string{out, errOut, err.Error()} {
				assert.NotContains(t, s, dbPassword)
				assert.NotContains(t, s, sshPassword)
			}
		})
	}
}

// TestDatabasePasswordNeverOfferedToRealSSHD: the same against OpenSSH's
// sshd with password and keyboard-interactive authentication enabled and
// every attempt logged: the client attempts public key authentication
// only, never a password method, though the line names a database
// password.
func TestDatabasePasswordNeverOfferedToRealSSHD(t *testing.T) {
	srv := testsshd.Start(t, testsshd.Options{ExtraConfig: []string{
		"PasswordAuthentication yes", "KbdInteractiveAuthentication yes", "LogLevel DEBUG1",
	}})
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("STIGSCAN_T_DBPW", dbPassword)
	wrongKey := filepath.Join(dir, "wrong_key")
	testsshd.Keygen(t, wrongKey, "ed25519", "")
	inv := fmt.Sprintf("postgres://scan@127.0.0.1:1/app?sslmode=disable name=db db-host=%s password-env=STIGSCAN_T_DBPW ssh-key=%s ssh-known-hosts=%s\n",
		srv.Target(), wrongKey, srv.KnownHosts(t))
	require.NoError(t, os.WriteFile("hosts.txt", []byte(inv), 0o644))
	out, errOut, err := run(t, "scan", "--targets", "hosts.txt", "--ssh-agent=false", "--connect-timeout", "30s", "--progress", "none", "--out", "res")
	require.Error(t, err)
	assert.Contains(t, out, "the server accepted none of the configured credentials", errOut)
	methods := srv.AuthMethods()
	t.Logf("methods attempted: %v", methods)
	assert.Contains(t, methods, "publickey", "sshd logged the attempts:\n%s", srv.Log())
	assert.NotContains(t, methods, "password")
	assert.NotContains(t, methods, "keyboard-interactive")
	assert.NotContains(t, srv.Log(), dbPassword)
}
