// Package testaccount makes throwaway Unix accounts and sudoers rules for
// tests that must log in as someone other than root: a real unprivileged
// user (useradd) and a real sudo policy (a drop-in in /etc/sudoers.d
// checked by visudo), both removed when the test ends, passed or failed.
//
// Tests that use it are skipped, with the reason, when they do not run as
// root or when useradd, userdel, sudo or visudo is missing (install the
// passwd and sudo packages).
package testaccount

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Account is a throwaway unprivileged user.
type Account struct {
	Name string
	UID  int
	Home string // its own directory under the system temporary directory
}

// SudoersDir is where drop-in rules go; sudo reads it through the
// "@includedir /etc/sudoers.d" line of Debian's /etc/sudoers.
const SudoersDir = "/etc/sudoers.d"

// skipUnlessRoot skips t unless it runs as root with the named tools.
func skipUnlessRoot(t testing.TB, tools ...string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("testaccount: creating accounts and sudoers rules needs root; test skipped")
	}
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("testaccount: %s not found (install the passwd and sudo packages); test skipped", tool)
		}
	}
}

// New creates an account with a random name, /bin/sh as its shell and a
// home directory of its own, and removes both when t ends. Its password
// field is "*": no password can log in, yet the account is not locked ("!"),
// which sshd without PAM would refuse even for key logins.
func New(t testing.TB) Account {
	t.Helper()
	skipUnlessRoot(t, "useradd", "userdel")
	var b [4]byte
	_, _ = rand.Read(b[:])
	name := "stgt" + hex.EncodeToString(b[:])
	home, err := os.MkdirTemp("", "testaccount-home-")
	if err != nil {
		t.Fatalf("testaccount: %v", err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(home) })
	// Other tests on the machine may hold the passwd lock for a moment.
	if out, err := retry(func() ([]byte, error) {
		return exec.Command("useradd", "--no-create-home", "--home-dir", home, "--shell", "/bin/sh",
			"--password", "*", "--user-group", name).CombinedOutput()
	}); err != nil {
		t.Fatalf("testaccount: useradd %s: %v: %s", name, err, out)
	}
	t.Cleanup(func() { remove(t, name) })
	u, err := user.Lookup(name)
	if err != nil {
		t.Fatalf("testaccount: %v", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(home, uid, gid); err != nil {
		t.Fatalf("testaccount: %v", err)
	}
	if err := os.Chmod(home, 0o700); err != nil {
		t.Fatalf("testaccount: %v", err)
	}
	return Account{Name: name, UID: uid, Home: home}
}

// remove deletes the account and its group. userdel refuses while a process
// of the user runs; the test's sshd sessions are killed in an earlier
// cleanup but may take a moment to go.
func remove(t testing.TB, name string) {
	t.Helper()
	out, err := retry(func() ([]byte, error) { return exec.Command("userdel", name).CombinedOutput() })
	if err != nil {
		t.Errorf("testaccount: userdel %s: %v: %s", name, err, out)
	}
}

// retryFor bounds retry: long, because what it waits for (another
// process's passwd lock, a session process that is exiting) takes longer
// on a loaded machine, and retry returns as soon as f succeeds.
const retryFor = time.Minute

// retry runs f, 100 ms apart, while it fails, for up to retryFor.
func retry(f func() ([]byte, error)) ([]byte, error) {
	deadline := time.Now().Add(retryFor)
	for {
		out, err := f()
		if err == nil || time.Now().After(deadline) {
			return out, err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Sudoers installs lines as /etc/sudoers.d/stigscan-test-NAME and removes
// the file when t ends. The lines are checked with visudo -cf before they
// are installed, and the file appears complete in one rename: a broken
// drop-in would stop sudo working for everyone on the machine.
func Sudoers(t testing.TB, name string, lines ...string) {
	t.Helper()
	skipUnlessRoot(t, "sudo", "visudo")
	if strings.ContainsAny(name, "./~") {
		t.Fatalf("testaccount: sudoers name %q: sudo skips names with '.' or '~'", name)
	}
	final := filepath.Join(SudoersDir, "stigscan-test-"+name)
	// sudo ignores names holding a '.', so the file is inert until renamed.
	tmp, err := os.CreateTemp(SudoersDir, ".stigscan-test-")
	if err != nil {
		t.Fatalf("testaccount: %v", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.WriteString(strings.Join(lines, "\n") + "\n")
	err = errors.Join(err, tmp.Chmod(0o440), tmp.Close())
	if err != nil {
		t.Fatalf("testaccount: %v", err)
	}
	if out, err := exec.Command("visudo", "-cf", tmp.Name()).CombinedOutput(); err != nil {
		t.Fatalf("testaccount: visudo rejects the rules: %v: %s", err, out)
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		t.Fatalf("testaccount: %v", err)
	}
	t.Cleanup(func() {
		if err := os.Remove(final); err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Errorf("testaccount: %v", err)
		}
	})
}

// SetPassword gives the account a password (chpasswd, which hashes it),
// so that a server checking passwords (sshd with PasswordAuthentication)
// accepts it: a test can then tell whether a client offered that
// password from the server's log of accepted logins. The account is
// removed with its password when the test ends.
func (a Account) SetPassword(t testing.TB, password string) {
	t.Helper()
	skipUnlessRoot(t, "chpasswd")
	if strings.ContainsAny(password, ":\n") {
		t.Fatalf("testaccount: a chpasswd password holds no ':' or newline")
	}
	out, err := retry(func() ([]byte, error) {
		cmd := exec.Command("chpasswd")
		cmd.Stdin = strings.NewReader(a.Name + ":" + password + "\n")
		return cmd.CombinedOutput()
	})
	if err != nil {
		t.Fatalf("testaccount: chpasswd %s: %v: %s", a.Name, err, out)
	}
}
