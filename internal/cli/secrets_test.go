package cli_test

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/list"
	"github.com/stigscan/stigscan/fleet"
)

// inlineSecrets are targets that write a password inline, in each form a
// target kind has, each with a password of its own.
var inlineSecrets = []struct{ name, spec, password string }{
	{"pg1_5432_app", "postgres://scan:Pw-PgUserinfo-7Q@pg1:5432/app", "Pw-PgUserinfo-7Q"},
	{"pg2_app", "postgresql://scan@pg2/app?sslmode=require&password=Pw-PgQuery-3Z", "Pw-PgQuery-3Z"},
	{"mg1_27017_admin", "mongodb://scan:Pw-Mongo-9K@mg1:27017/admin?authSource=admin", "Pw-Mongo-9K"},
	{"ora1_1521_ORCL", "oracle://scan:Pw-Oracle-5R@ora1:1521/ORCL", "Pw-Oracle-5R"},
	{"ora2_1521_ORCL", "oracle://scan@ora2:1521/ORCL?wallet_password=Pw-Wallet-2M", "Pw-Wallet-2M"},
	{"ssh1", "ssh://root:Pw-SSH-4T@ssh1", "Pw-SSH-4T"},
	{"ssh2_2222", "ssh://root:Pw/With@Signs-8X@ssh2:2222", "Pw/With@Signs-8X"},
}

// TestInlineSecretsNeverWritten: a fleet holding targets with inline
// passwords (inventory lines and --target flags, every kind) refuses
// them, still names each in the table and its summary (an error, the
// target redacted), scans the rest, and no password appears in any file
// under --out, the HTML report, stdout or stderr with debug logging.
func TestInlineSecretsNeverWritten(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	root := filepath.Join(dir, "root")
	require.NoError(t, os.MkdirAll(filepath.Join(root, "etc"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "etc", "passwd"), []byte("root:x:0:0::/root:/bin/sh\n"), 0o644))

	inv := "local:" + root + " name=img\n"
	args := []string{"scan", "--profile", "offline", "--out", "res", "--ckl", "yes", "--cklb", "yes", "--json", "yes",
		"--hdf", "yes", "--html", filepath.Join("res", "fleet.html"), "--progress", "lines", "--log-level", "debug",
		"--ssh-agent=false", "--connect-timeout", "5s", "--targets", "hosts.txt"}
	for i, s := range inlineSecrets {
		if i%2 == 0 {
			inv += s.spec + " name=" + s.name + "\n"
		} else {
			args = append(args, "--target", s.spec)
		}
	}
	require.NoError(t, os.WriteFile("hosts.txt", []byte(inv), 0o644))
	out, errOut, runErr := run(t, args...)
	require.Error(t, runErr)
	assert.Equal(t, 1, exitCode(runErr), "targets not fully scanned: %v", runErr)
	assert.Contains(t, errOut, "level=DEBUG", "debug logging is on")

	// Every target has its row and its summary.
	for _, s := range inlineSecrets {
		assert.Contains(t, out, s.name, "the table names the refused target")
		data, err := os.ReadFile(filepath.Join("res", s.name+".summary.json"))
		require.NoError(t, err, s.name)
		var sum fleet.Summary
		require.NoError(t, json.Unmarshal(data, &sum))
		assert.Equal(t, fleet.StatusError, sum.Status, s.name)
		assert.NotEmpty(t, sum.Error, s.name)
		assert.Contains(t, string(data), "[redacted]", "%s: the target is named, redacted", s.name)
	}
	data, err := os.ReadFile(filepath.Join("res", "img.summary.json"))
	require.NoError(t, err)
	assert.Contains(t, string(data), `"status": "scanned"`)

	// No byte written anywhere holds a password.
	var files int
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || p == filepath.Join(dir, "hosts.txt") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files++
		for _, s := range inlineSecrets {
			assert.NotContains(t, string(b), s.password, "%s holds the password of %s", p, s.name)
		}
		return nil
	}))
	t.Logf("%d files checked", files)
	// The passwd file of the root, a summary per target, and the ARF, CKL,
	// CKLB, JSON, HDF and HTML of the scanned one.
	assert.Equal(t, 1+len(inlineSecrets)+1+6, files, "everything was written")
	for _, s := range inlineSecrets {
		assert.NotContains(t, out, s.password, "stdout")
		assert.NotContains(t, errOut, s.password, "stderr")
		assert.NotContains(t, runErr.Error(), s.password, "the error")
	}
}

// TestInlineSecretSingleTarget: one target with an inline password is
// refused without repeating it.
func TestInlineSecretSingleTarget(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, s := range inlineSecrets {
		t.Run(s.name, func(t *testing.T) {
			out, errOut, err := run(t, "scan", "--target", s.spec, "--ssh-agent=false", "--log-level", "debug", "--quiet")
			require.Error(t, err)
			for _, text := range []string{out, errOut, err.Error()} {
				assert.NotContains(t, text, s.password)
			}
			_, statErr := os.Stat("stigscan-arf.xml")
			assert.True(t, os.IsNotExist(statErr), "nothing was written")
		})
	}
}

// TestSettingsOfOtherKindsRefused: an inventory setting a target's kind
// does not have is refused before anything is scanned, so a database
// line's SSH settings cannot be mistaken for its own.
func TestSettingsOfOtherKindsRefused(t *testing.T) {
	t.Chdir(t.TempDir())
	tests := []struct{ name, line, msg string }{
		{"ssh key on a database line", "postgres://u@db/x key=/k db-host=ssh://a@b", "key= is an SSH setting; on a database line the SSH login of db-host= is set with ssh-key="},
		{"database setting on a machine line", "ssh://a@b sslmode=require", "a machine target has no sslmode= setting"},
		{"ssh- setting on a machine line", "ssh://a@b ssh-password-env=X", "a machine target has no ssh-password-env= setting"},
		{"unknown key is not repeated", "ssh://a@b Hunter2Secret=1", "a setting is not one a machine target has"},
		{"settings on a local line", "local password-env=X", "a machine target has no password-env= setting"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.NoError(t, os.WriteFile("hosts.txt", []byte(tc.line+"\n"), 0o644))
			_, _, err := run(t, "scan", "--targets", "hosts.txt", "--out", "res")
			require.Error(t, err)
			assert.Equal(t, 2, exitCode(err))
			assert.Contains(t, err.Error(), tc.msg)
			assert.Contains(t, err.Error(), "line 1")
			assert.NotContains(t, err.Error(), "Hunter2Secret")
			_, statErr := os.Stat("res")
			assert.True(t, os.IsNotExist(statErr), "nothing was scanned")
		})
	}
}

func TestRedactedNamesHoldNoSecret(t *testing.T) {
	for _, s := range inlineSecrets {
		name := list.Standard().Name(s.spec)
		assert.Equal(t, s.name, name, s.spec)
		assert.False(t, strings.Contains(name, s.password))
	}
}
