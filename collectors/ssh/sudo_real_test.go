package ssh

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/host"
	localhost "github.com/stigscan/stigscan/collectors/local"
	"github.com/stigscan/stigscan/internal/testaccount"
	"github.com/stigscan/stigscan/internal/testsshd"
)

// rootOnlyDir makes a directory only root may list or enter, holding one
// file, where every account can reach it (t.TempDir's parents are private
// to root already, which would hide the directory itself).
func rootOnlyDir(t *testing.T) (dir, file string) {
	t.Helper()
	dir, err := os.MkdirTemp("", "stigscan-rootonly-")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	require.NoError(t, os.Chmod(dir, 0o700))
	file = filepath.Join(dir, "secret.conf")
	require.NoError(t, os.WriteFile(file, []byte("setting = 1\n"), 0o600))
	return dir, file
}

// hostname is the name sudo gives this machine in its messages.
func hostname(t *testing.T) string {
	t.Helper()
	h, err := os.Hostname()
	require.NoError(t, err)
	return h
}

// sudoShells counts the shells sudo logged starting for user.
func sudoShells(t *testing.T, logFile, user string) int {
	t.Helper()
	b, err := os.ReadFile(logFile)
	if errors.Is(err, fs.ErrNotExist) {
		return 0
	}
	require.NoError(t, err)
	// sudo wraps long entries; a continuation line starts with spaces.
	text := strings.ReplaceAll(string(b), "\n    ", " ")
	n := 0
	for line := range strings.SplitSeq(text, "\n") {
		if strings.Contains(line, " : "+user+" : ") && strings.Contains(line, "USER=root ; COMMAND=/bin/sh -s") {
			n++
		}
	}
	return n
}

// TestRealSudoUnprivileged logs in through a real sshd as a throwaway
// unprivileged account and escalates with the real sudo: without sudo the
// root-only files are refused with fs.ErrPermission; with a NOPASSWD rule
// they read as the local host (root) reads them, every shell started
// through sudo; with a rule that wants a password, or none, Dial fails at
// once with ErrSudoRefused and sudo's own reason.
func TestRealSudoUnprivileged(t *testing.T) {
	acct := testaccount.New(t)
	sudoLog := filepath.Join(t.TempDir(), "sudo.log")
	srv := testsshd.Start(t, testsshd.Options{User: acct.Name})
	ctx := context.Background()
	dir, file := rootOnlyDir(t)
	root := localhost.New()

	t.Run("unprivileged without sudo", func(t *testing.T) {
		h := dial(t, srv, nil)
		assert.NotContains(t, h.Describe(), "sudo")
		out, err := h.Run(ctx, "id -u")
		require.NoError(t, err)
		assert.Equal(t, strconv.Itoa(acct.UID)+"\n", string(out), "logged in as the unprivileged account")

		for _, p := range []string{"/etc/shadow", file} {
			_, err = h.ReadFile(ctx, p)
			var pe *fs.PathError
			require.ErrorAs(t, err, &pe, p)
			assert.Equal(t, p, pe.Path)
			assert.ErrorIs(t, err, fs.ErrPermission, p)
			assert.Contains(t, err.Error(), p)
			assert.Contains(t, err.Error(), "Permission denied")
		}
		got, err := h.ReadFiles(ctx, "/etc/shadow", "/etc/passwd")
		require.NoError(t, err)
		assert.ErrorIs(t, got[0].Err, fs.ErrPermission)
		assert.NoError(t, got[1].Err)

		_, err = h.ReadDir(ctx, dir)
		var pe *fs.PathError
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, dir, pe.Path)
		assert.ErrorIs(t, err, fs.ErrPermission)
		assert.Contains(t, err.Error(), dir)

		st, err := h.Stat(ctx, file)
		require.NoError(t, err)
		assert.ErrorIs(t, st[0].Err, fs.ErrPermission, "a path in a directory the user cannot search")

		_, err = host.Shadow(ctx, h)
		assert.ErrorIs(t, err, fs.ErrPermission)

		f, err := h.Facts(ctx)
		require.NoError(t, err, "facts need no privilege")
		assert.NotEmpty(t, f.Hostname)
	})

	nopasswd := []string{
		fmt.Sprintf("Defaults:%s logfile=%q", acct.Name, sudoLog),
		acct.Name + " ALL=(root) NOPASSWD: /bin/sh",
	}

	t.Run("sudo with a NOPASSWD rule reads what root reads", func(t *testing.T) {
		testaccount.Sudoers(t, acct.Name, nopasswd...)
		before := sudoShells(t, sudoLog, acct.Name)
		h := dial(t, srv, func(c *Config) { c.Sudo = true })
		assert.Equal(t, "ssh://"+acct.Name+"@"+srv.Addr()+" (sudo)", h.Describe())

		want, err := root.ReadFile(ctx, "/etc/shadow")
		require.NoError(t, err)
		got, err := h.ReadFile(ctx, "/etc/shadow")
		require.NoError(t, err)
		if again, _ := root.ReadFile(ctx, "/etc/shadow"); bytes.Equal(want, again) {
			// Other tests on the machine add accounts; compare only a
			// file that held still.
			assert.Equal(t, string(want), string(got))
		}
		entries, err := host.Shadow(ctx, h)
		require.NoError(t, err)
		var names []string
		for _, e := range entries {
			names = append(names, e.Username)
		}
		assert.Contains(t, names, acct.Name)
		assert.Contains(t, names, "root")

		wantFile, err := root.ReadFile(ctx, file)
		require.NoError(t, err)
		gotFile, err := h.ReadFile(ctx, file)
		require.NoError(t, err)
		assert.Equal(t, wantFile, gotFile)

		wantDir, err := root.ReadDir(ctx, dir)
		require.NoError(t, err)
		gotDir, err := h.ReadDir(ctx, dir)
		require.NoError(t, err)
		require.Len(t, gotDir, len(wantDir))
		for i := range wantDir {
			assert.Equal(t, wantDir[i].Path, gotDir[i].Path)
			assert.Equal(t, wantDir[i].Mode, gotDir[i].Mode)
			assert.Equal(t, wantDir[i].UID, gotDir[i].UID)
			assert.Equal(t, wantDir[i].Size, gotDir[i].Size)
		}
		st, err := h.Stat(ctx, file)
		require.NoError(t, err)
		require.NoError(t, st[0].Err)
		assert.Equal(t, fs.FileMode(0o600), st[0].Mode)

		// Several commands at once need several shells: each must be
		// root, and sudo must have started each.
		const parallel = 4
		ids := make([]string, parallel)
		errs := make([]error, parallel)
		var wg sync.WaitGroup
		for i := range parallel {
			wg.Go(func() {
				out, err := h.Run(ctx, "sleep 0.5; id -u")
				ids[i], errs[i] = string(out), err
			})
		}
		wg.Wait()
		for i := range parallel {
			require.NoError(t, errs[i])
			assert.Equal(t, "0\n", ids[i])
		}
		assert.GreaterOrEqual(t, h.Sessions(), int64(2))
		assert.Equal(t, int(h.Sessions()), sudoShells(t, sudoLog, acct.Name)-before,
			"sudo's log names one /bin/sh -s per shell the Host opened")
	})

	t.Run("sudo refused after Dial", func(t *testing.T) {
		testaccount.Sudoers(t, acct.Name, nopasswd...)
		h := dial(t, srv, func(c *Config) { c.Sudo = true })
		// Keep the shell Dial started busy, so the next call needs a
		// new one, which sudo refuses once the rule is gone.
		flags := t.TempDir()
		started, release := filepath.Join(flags, "started"), filepath.Join(flags, "release")
		busy := make(chan error, 1)
		go func() {
			_, err := h.Run(ctx, "touch "+Quote(started)+"; while [ ! -e "+Quote(release)+" ]; do sleep 0.05; done")
			busy <- err
		}()
		require.Eventually(t, func() bool { _, err := os.Stat(started); return err == nil }, untilLong, 20*time.Millisecond)
		testaccount.Sudoers(t, acct.Name, acct.Name+" ALL=(root) /bin/sh")
		_, err := h.ReadFile(ctx, "/etc/shadow")
		assert.ErrorIs(t, err, ErrSudoRefused)
		assert.NotErrorIs(t, err, fs.ErrPermission, "a refusal is not an unreadable file")
		assert.False(t, isPerFile(err), "a refusal stops the host, it is no file's error")
		require.NoError(t, os.WriteFile(release, nil, 0o600))
		assert.NoError(t, <-busy, "the shell started before the refusal keeps working")
	})

	const secret = "Never-Typed-9c1e4f"
	t.Setenv("STIGSCAN_TEST_SUDO_SECRET", secret)
	pw, err := SecretFromEnv("STIGSCAN_TEST_SUDO_SECRET")
	require.NoError(t, err)

	nopasswdHint := fmt.Sprintf(`; stigscan never answers a sudo password prompt, so %s needs a rule such as "%s ALL=(root) NOPASSWD: /bin/sh"`, acct.Name, acct.Name)
	refusals := []struct {
		name  string
		rules []string // none: no rule at all
		want  string   // after "ssh: sudo -n refused on USER@HOST:PORT: "
	}{
		{name: "rule that wants a password", rules: []string{acct.Name + " ALL=(root) /bin/sh"},
			want: "a password is required" + nopasswdHint},
		{name: "no rule", want: "a password is required" + nopasswdHint},
		{name: "NOPASSWD for another command only", rules: []string{acct.Name + " ALL=(root) NOPASSWD: /usr/bin/id"},
			want: "a password is required" + nopasswdHint},
		{name: "not allowed, no authentication", rules: []string{"Defaults:" + acct.Name + " !authenticate", acct.Name + " ALL=(root) /usr/bin/id"},
			want: "Sorry, user " + acct.Name + " is not allowed to execute '/bin/sh -s' as root on " + hostname(t) + nopasswdHint},
		{name: "requiretty", rules: []string{"Defaults:" + acct.Name + " requiretty", acct.Name + " ALL=(root) NOPASSWD: /bin/sh"},
			want: fmt.Sprintf(`sorry, you must have a tty to run sudo; stigscan runs sudo without a terminal, so %s needs "Defaults:%s !requiretty"`, acct.Name, acct.Name)},
	}
	for _, tt := range refusals {
		t.Run("refused: "+tt.name, func(t *testing.T) {
			if len(tt.rules) > 0 {
				testaccount.Sudoers(t, acct.Name, tt.rules...)
			} else {
				testaccount.Sudoers(t, acct.Name, "# no rule for "+acct.Name)
			}
			tg, err := ParseTarget(srv.Target())
			require.NoError(t, err)
			// Generous: the point is that sudo -n answers rather than
			// waiting for a password that never comes.
			dctx, cancel := context.WithTimeout(ctx, untilLong)
			defer cancel()
			_, err = Dial(dctx, tg, Config{
				KeyFile:        srv.ClientKeyFile,
				KnownHostsFile: srv.KnownHosts(t),
				Password:       pw, // offered to sshd only; must not reach any message
				Sudo:           true,
			})
			require.ErrorIs(t, err, ErrSudoRefused)
			require.NoError(t, dctx.Err(), "Dial returned only at the deadline")
			assert.Equal(t, "ssh: sudo -n refused on "+acct.Name+"@"+srv.Addr()+": "+tt.want, err.Error())
			assert.NotContains(t, err.Error(), secret)
			assert.NotContains(t, fmt.Sprintf("%+v %#v", err, err), secret)
		})
	}
}
