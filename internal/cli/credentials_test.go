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

	"github.com/stigscan/stigscan/internal/testaccount"
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
// sshd, with password authentication on, every attempt logged, and a
// throwaway login account whose password IS the database password: had
// the client offered the database password, sshd would have logged
// "Accepted password". Inventory lines (through the target registry:
// the database's password-env=, the server machine's ssh- settings) and
// the command-line form are tried; a control case gives the SSH login
// the database password on purpose (ssh-password-env= naming the same
// variable) and sees it accepted, so the harness does detect an offer.
func TestDatabasePasswordNeverOfferedToRealSSHD(t *testing.T) {
	acct := testaccount.New(t)
	acct.SetPassword(t, dbPassword)
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("STIGSCAN_T_DBPW", dbPassword)
	t.Setenv("STIGSCAN_T_SSHPW", sshPassword)
	wrongKey := filepath.Join(dir, "wrong_key")
	testsshd.Keygen(t, wrongKey, "ed25519", "")
	const db = "postgres://scan@127.0.0.1:1/app?sslmode=disable"

	tests := []struct {
		name string
		// settings of the inventory line besides db-host= and
		// ssh-known-hosts=, or nil for the command-line form
		settings string
		flags    []string
		// wantPasswords: password attempts sshd logged; control: the
		// last one was accepted
		wantPasswords int
		control       bool
	}{
		{name: "refused key", settings: "password-env=STIGSCAN_T_DBPW ssh-key=" + wrongKey},
		{name: "SSH password of its own", settings: "password-env=STIGSCAN_T_DBPW ssh-password-env=STIGSCAN_T_SSHPW", wantPasswords: 1},
		{name: "password file of the database, SSH password of its own", settings: "password-file=dbpw.txt ssh-password-env=STIGSCAN_T_SSHPW", wantPasswords: 1},
		{name: "command line", flags: []string{"--db-password-env", "STIGSCAN_T_DBPW", "--ssh-password-env", "STIGSCAN_T_SSHPW"}, wantPasswords: 1},
		{name: "control: the SSH login told to use the same password", settings: "ssh-password-env=STIGSCAN_T_DBPW", wantPasswords: 1, control: true},
	}
	require.NoError(t, os.WriteFile("dbpw.txt", []byte(dbPassword+"\n"), 0o600))
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := testsshd.Start(t, testsshd.Options{User: acct.Name, ExtraConfig: []string{
				"PasswordAuthentication yes", "KbdInteractiveAuthentication yes", "LogLevel DEBUG1",
			}})
			hostSpec := "ssh://" + acct.Name + "@" + srv.Addr()
			args := []string{"scan", "--ssh-agent=false", "--connect-timeout", "30s", "--progress", "none", "--out", fmt.Sprintf("res%d", i)}
			if tc.flags == nil {
				inv := fmt.Sprintf("%s name=db db-host=%s ssh-known-hosts=%s %s\n", db, hostSpec, srv.KnownHosts(t), tc.settings)
				require.NoError(t, os.WriteFile("hosts.txt", []byte(inv), 0o644))
				args = append(args, "--targets", "hosts.txt")
			} else {
				args = append(append(args, "--target", db, "--db-host", hostSpec, "--known-hosts", srv.KnownHosts(t)), tc.flags...)
			}
			out, errOut, err := run(t, args...)
			require.Error(t, err, "the database is not there")
			log := srv.Log()
			methods := srv.AuthMethods()
			t.Logf("methods attempted: %v", methods)
			failed := strings.Count(log, "Failed password for "+acct.Name)
			accepted := strings.Count(log, "Accepted password for "+acct.Name)
			assert.Equal(t, tc.wantPasswords, failed+accepted, "password attempts; sshd logged:\n%s", log)
			if tc.control {
				assert.Equal(t, 1, accepted, "sshd accepts the database password when it is offered:\n%s", log)
				assert.Contains(t, out, "postgres", "past SSH, the database connection was tried: %s", out)
				return
			}
			assert.Zero(t, accepted, "the database password was offered to sshd and accepted:\n%s", log)
			if tc.wantPasswords == 0 {
				assert.Contains(t, methods, "publickey", "sshd logged the attempts:\n%s", log)
				assert.NotContains(t, methods, "password")
				assert.NotContains(t, methods, "keyboard-interactive")
				assert.Contains(t, out, "the server accepted none of the configured credentials", errOut)
			}
			for _, s := range []string{log, out, errOut, err.Error()} {
				assert.NotContains(t, s, dbPassword)
				assert.NotContains(t, s, sshPassword)
			}
		})
	}
}
