package ssh

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	gossh "golang.org/x/crypto/ssh"

	"github.com/stigscan/stigscan/internal/testsshd"
)

// fakeSudo writes a "sudo" that insists on -n and runs its command, or one
// that refuses as sudo does when a password would be needed.
func fakeSudo(t *testing.T, path string, refuse bool, calls string) {
	t.Helper()
	script := "#!/bin/sh\n[ \"$1\" = -n ] || { echo 'sudo: -n missing' >&2; exit 1; }\nshift\n[ \"$1\" = -- ] && shift\necho call >> " + Quote(calls) + "\nexec \"$@\"\n"
	if refuse {
		script = "#!/bin/sh\necho 'sudo: a password is required' >&2\nexit 1\n"
	}
	tmp := path + ".tmp"
	require.NoError(t, os.WriteFile(tmp, []byte(script), 0o755))
	require.NoError(t, os.Rename(tmp, path))
}

func TestSudo(t *testing.T) {
	bin := t.TempDir()
	calls := filepath.Join(bin, "calls")
	sudo := filepath.Join(bin, "sudo")
	fakeSudo(t, sudo, false, calls)
	// sshd puts this PATH in every session, so the login shell finds the
	// fake sudo; the machine's own sudo (if any) is untouched.
	srv := testsshd.Start(t, testsshd.Options{ExtraConfig: []string{"SetEnv PATH=" + bin + ":/usr/bin:/bin"}})
	ctx := context.Background()

	t.Run("works through sudo -n", func(t *testing.T) {
		h := dial(t, srv, func(c *Config) { c.Sudo = true })
		assert.Contains(t, h.Describe(), "(sudo)")
		got, err := h.ReadFile(ctx, "/etc/passwd")
		require.NoError(t, err)
		want, err := os.ReadFile("/etc/passwd")
		require.NoError(t, err)
		assert.Equal(t, want, got)
		st, err := h.Stat(ctx, "/etc/passwd", "/nonexistent")
		require.NoError(t, err)
		assert.NoError(t, st[0].Err)
		assert.Error(t, st[1].Err)
		out, err := h.Run(ctx, "echo hi; echo err >&2")
		require.NoError(t, err)
		assert.Equal(t, "hi\n", string(out))
		_, err = h.Run(ctx, "exit 4")
		var ee *ExitError
		require.ErrorAs(t, err, &ee)
		assert.Equal(t, 4, ee.Status)
		f, err := h.Facts(ctx)
		require.NoError(t, err)
		assert.NotEmpty(t, f.Hostname)
		log, err := os.ReadFile(calls)
		require.NoError(t, err)
		// Every shell the Host keeps was started through sudo -n; the
		// commands above (Dial's check, ReadFile, Stat, two Runs,
		// Facts) ran one after another in one of them.
		assert.Equal(t, 6, int(h.Commands()))
		assert.Equal(t, 1, int(h.Sessions()))
		assert.Equal(t, int(h.Sessions()), strings.Count(string(log), "call"))
	})
	t.Run("refused at dial", func(t *testing.T) {
		fakeSudo(t, sudo, true, calls)
		defer fakeSudo(t, sudo, false, calls)
		_, err := dialErr(t, srv, func(c *Config) { c.Sudo = true })
		require.ErrorIs(t, err, ErrSudoRefused)
		assert.Equal(t, fmt.Sprintf("ssh: sudo -n refused on %s@%s: a password is required; "+
			"stigscan never answers a sudo password prompt, so %s needs a rule such as \"%s ALL=(root) NOPASSWD: /bin/sh\"",
			srv.User, srv.Addr(), srv.User, srv.User), err.Error())
	})
	t.Run("refused later", func(t *testing.T) {
		h := dial(t, srv, func(c *Config) { c.Sudo = true })
		fakeSudo(t, sudo, true, calls)
		defer fakeSudo(t, sudo, false, calls)
		// Keep the shell started at Dial busy, so each call below needs
		// a new one, which sudo now refuses: the busy command has
		// started (its flag exists) before the first call and runs
		// until the last one is done (the release flag).
		flags := t.TempDir()
		started, release := filepath.Join(flags, "started"), filepath.Join(flags, "release")
		busy := make(chan error, 1)
		go func() {
			_, err := h.Run(ctx, "touch "+Quote(started)+"; while [ ! -e "+Quote(release)+" ]; do sleep 0.05; done")
			busy <- err
		}()
		require.Eventually(t, func() bool { return fileExists(started) }, untilLong, 20*time.Millisecond)
		defer func() {
			require.NoError(t, os.WriteFile(release, nil, 0o600))
			assert.NoError(t, <-busy, "the shell started before the refusal keeps working")
		}()
		_, err := h.ReadFile(ctx, "/etc/passwd")
		assert.ErrorIs(t, err, ErrSudoRefused)
		_, err = h.Stat(ctx, "/etc/passwd")
		assert.ErrorIs(t, err, ErrSudoRefused)
		_, err = h.Run(ctx, "true")
		assert.ErrorIs(t, err, ErrSudoRefused)
	})
	t.Run("without sudo the fake is not used", func(t *testing.T) {
		before, _ := os.ReadFile(calls)
		h := dial(t, srv, nil)
		_, err := h.ReadFile(ctx, "/etc/passwd")
		require.NoError(t, err)
		after, _ := os.ReadFile(calls)
		assert.Equal(t, before, after)
	})
}

// TestSudoRefusalMessage: the reason is sudo's last line, after any
// warnings, and says what the target needs.
func TestSudoRefusalMessage(t *testing.T) {
	h := &Host{name: "scan@db1:22", user: "scan", sudo: true}
	tests := []struct {
		name   string
		stderr string
		status int
		want   string
	}{
		{"password required", "sudo: a password is required\n", 1,
			`a password is required; stigscan never answers a sudo password prompt, so scan needs a rule such as "scan ALL=(root) NOPASSWD: /bin/sh"`},
		{"warnings first", "sudo: unable to resolve host db1: Name or service not known\nsudo: setrlimit(RLIMIT_CORE): Operation not permitted\nsudo: a password is required\n", 1,
			`a password is required; stigscan never answers a sudo password prompt, so scan needs a rule such as "scan ALL=(root) NOPASSWD: /bin/sh"`},
		{"not allowed", "Sorry, user scan is not allowed to execute '/bin/sh -s' as root on db1.\n", 1,
			`Sorry, user scan is not allowed to execute '/bin/sh -s' as root on db1; stigscan never answers a sudo password prompt, so scan needs a rule such as "scan ALL=(root) NOPASSWD: /bin/sh"`},
		{"requiretty", "sudo: sorry, you must have a tty to run sudo\n", 1,
			`sorry, you must have a tty to run sudo; stigscan runs sudo without a terminal, so scan needs "Defaults:scan !requiretty"`},
		{"no sudo", "sh: 1: sudo: not found\n", 127, "sudo is not installed or not in PATH (sh: 1: sudo: not found)"},
		{"silent", "", 1, "exit status 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := h.notStarted(output{stderr: tt.stderr, status: tt.status})
			require.ErrorIs(t, err, ErrSudoRefused)
			assert.Equal(t, "ssh: sudo -n refused on scan@db1:22: "+tt.want, err.Error())
		})
	}
}

func TestRealSudo(t *testing.T) {
	if _, err := exec.LookPath("sudo"); err != nil {
		t.Skip("sudo is not installed here; sudo handling is covered by TestSudo's stand-in")
	}
	if u, err := user.Current(); err != nil || u.Uid != "0" {
		t.Skip("real sudo -n is only sure to work for root")
	}
	srv := testsshd.Start(t, testsshd.Options{})
	h := dial(t, srv, func(c *Config) { c.Sudo = true })
	out, err := h.Run(context.Background(), "id -u")
	require.NoError(t, err)
	assert.Equal(t, "0\n", string(out))
}

// TestSecretsNeverLeak configures a key passphrase (from a file) and a
// password (from the environment), drives successes and every kind of
// failure, and looks for either secret in every error text, every
// formatted or marshalled Config and everything logged at debug level.
func TestSecretsNeverLeak(t *testing.T) {
	const passphrase = "Pass-Phrase-7f3a91"
	const password = "Pass-Word-c0ffee42"
	srv := testsshd.Start(t, testsshd.Options{
		ClientKeyPassphrase: passphrase,
		ExtraConfig:         []string{"PasswordAuthentication yes"},
	})
	ppFile := filepath.Join(t.TempDir(), "passphrase")
	require.NoError(t, os.WriteFile(ppFile, []byte(passphrase+"\n"), 0o600))
	pp, err := SecretFromFile(ppFile)
	require.NoError(t, err)
	t.Setenv("STIGSCAN_TEST_SSH_PASSWORD", password)
	pw, err := SecretFromEnv("STIGSCAN_TEST_SSH_PASSWORD")
	require.NoError(t, err)

	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var texts []string
	collect := func(err error) {
		if err != nil {
			texts = append(texts, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
		}
	}
	base := func(c *Config) {
		c.KeyPassphrase = pp
		c.Password = pw
		c.Logger = logger
	}
	ctx := context.Background()

	h := dial(t, srv, base)
	_, err = h.ReadFile(ctx, "/nonexistent")
	collect(err)
	_, err = h.ReadFile(ctx, "/etc")
	collect(err)
	st, err := h.Stat(ctx, "/nonexistent", "relative")
	require.NoError(t, err)
	collect(st[0].Err)
	collect(st[1].Err)
	_, err = h.ReadDir(ctx, "/nonexistent")
	collect(err)
	_, err = h.Run(ctx, "echo failing >&2; exit 9")
	collect(err)
	_, err = h.Facts(ctx)
	collect(err)
	texts = append(texts, h.Describe(), fmt.Sprintf("%+v", h))
	require.NoError(t, h.Close())
	_, err = h.ReadFile(ctx, "/etc/passwd")
	collect(err)

	otherKey := filepath.Join(t.TempDir(), "other")
	testsshd.Keygen(t, otherKey, "ed25519", passphrase)
	failures := []func(c *Config){
		// wrong key: the password is then sent and refused
		func(c *Config) { base(c); c.KeyFile = otherKey },
		func(c *Config) { base(c); c.KeyPassphrase = pw },
		func(c *Config) { base(c); c.KeyPassphrase = Secret{} },
		func(c *Config) { base(c); c.KnownHostsFile = filepath.Join(t.TempDir(), "none") },
		func(c *Config) {
			base(c)
			c.KnownHostsFile = srv.WriteKnownHosts(t, "changed", srv.KnownHostsLine(mustPub(t, otherKey)))
		},
		func(c *Config) { base(c); c.User = ""; c.KeyFile = "/nonexistent/key" },
	}
	for i, mod := range failures {
		_, err := dialErr(t, srv, mod)
		require.Error(t, err, "failure case %d", i)
		if i == 0 {
			require.ErrorIs(t, err, ErrAuth)
		}
		collect(err)
	}
	assert.Contains(t, srv.Log(), "Failed password for", "the password was really offered to sshd")
	_, err = ParseTarget("ssh://root:" + password + "@host")
	collect(err)

	cfg := Config{User: "u", KeyPassphrase: pp, Password: pw, Logger: logger}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		texts = append(texts, fmt.Sprintf(verb, cfg), fmt.Sprintf(verb, &cfg))
	}
	j, err := json.Marshal(cfg)
	require.NoError(t, err)
	texts = append(texts, string(j))
	logger.Debug("config", "cfg", cfg)
	texts = append(texts, logs.String())

	require.NotEmpty(t, logs.String(), "debug logging produced nothing to check")
	require.GreaterOrEqual(t, len(texts), 30)
	for _, s := range texts {
		for _, secret := range []string{passphrase, password} {
			assert.NotContains(t, s, secret)
			assert.NotContains(t, s, fmt.Sprintf("%x", secret))
		}
	}
}

func mustPub(t *testing.T, keyFile string) gossh.PublicKey {
	t.Helper()
	b, err := os.ReadFile(keyFile + ".pub")
	require.NoError(t, err)
	pk, err := parsePub(string(b))
	require.NoError(t, err)
	return pk
}
