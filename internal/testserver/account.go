package testserver

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// RunAs is the account a test server runs as: the current user, or, when
// the tests run as root (as in CI), an unprivileged system account, since
// database servers refuse to run as root.
type RunAs struct {
	Cred     *syscall.Credential // nil: the current user
	UID, GID int
}

// Account returns the account a server runs as: the current user unless
// it is root, else the system account name, created (no home, no shell)
// when it does not exist.
func Account(name string) (RunAs, error) {
	if os.Geteuid() != 0 {
		return RunAs{UID: os.Geteuid(), GID: os.Getegid()}, nil
	}
	u, err := user.Lookup(name)
	if err != nil {
		var unknown user.UnknownUserError
		if !errors.As(err, &unknown) {
			return RunAs{}, fmt.Errorf("look up %s: %w", name, err)
		}
		out, err := exec.Command("useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
			"--shell", "/usr/sbin/nologin", "--user-group", name).CombinedOutput()
		if err != nil {
			// Another test binary may have created it at the same moment.
			if u2, err2 := user.Lookup(name); err2 == nil {
				return credOf(u2)
			}
			return RunAs{}, fmt.Errorf("useradd %s: %v: %s", name, err, strings.TrimSpace(string(out)))
		}
		if u, err = user.Lookup(name); err != nil {
			return RunAs{}, fmt.Errorf("look up %s after useradd: %w", name, err)
		}
	}
	return credOf(u)
}

func credOf(u *user.User) (RunAs, error) {
	uid, err := strconv.Atoi(u.Uid)
	if err != nil {
		return RunAs{}, fmt.Errorf("uid of %s: %w", u.Username, err)
	}
	gid, err := strconv.Atoi(u.Gid)
	if err != nil {
		return RunAs{}, fmt.Errorf("gid of %s: %w", u.Username, err)
	}
	return RunAs{Cred: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}, UID: uid, GID: gid}, nil
}

// Command is a command run as the account, in its own process group, with
// a minimal environment.
func (a RunAs) Command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/bin", "LANG=C", "LC_ALL=C", "HOME=/nonexistent"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: a.Cred, Setpgid: true}
	return cmd
}

// TempBase is where a server's directory goes: the usual temporary
// directory, unless the account could not reach into it (a TMPDIR private
// to root), then /tmp.
func (a RunAs) TempBase() string {
	base := os.TempDir()
	if a.Cred == nil {
		return base
	}
	for d := base; ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil || fi.Mode().Perm()&0o001 == 0 {
			return "/tmp"
		}
		if d == filepath.Dir(d) {
			return base
		}
	}
}
