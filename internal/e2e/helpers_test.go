package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/ssh"
	"github.com/stigscan/stigscan/internal/testsshd"
	"github.com/stigscan/stigscan/internal/testutil"
)

// ssgFile returns a file of the ComplianceAsCode content, or skips.
func ssgFile(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join(testutil.SSGContent(t), name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("%s is absent (install Debian's ssg-debian package): %v", p, err)
	}
	return p
}

// dialLoopback logs in to srv as the test user with key authentication and
// the known_hosts file the harness wrote; sudo asks for "sudo -n".
func dialLoopback(t *testing.T, srv *testsshd.Server, sudo ...bool) *ssh.Host {
	t.Helper()
	tg, err := ssh.ParseTarget(srv.Target())
	require.NoError(t, err)
	h, err := ssh.Dial(context.Background(), tg, ssh.Config{
		KeyFile:        srv.ClientKeyFile,
		KnownHostsFile: srv.KnownHosts(t),
		// Generous: no test here waits for either to expire. A loaded
		// machine can take many seconds to log in, and more than the
		// default 2 minutes for one command that walks a whole tree or
		// reads ahead the files of many definitions.
		ConnectTimeout: 2 * time.Minute,
		CommandTimeout: 20 * time.Minute,
		Sudo:           len(sudo) > 0 && sudo[0],
	})
	require.NoError(t, err, "sshd log:\n%s", srv.Log())
	t.Cleanup(func() { _ = h.Close() })
	return h
}

// slowLogin is the --connect-timeout of command-line scans whose logins
// must succeed: far above the 15 s default, which a loaded machine can
// approach, and no test waits for it to expire.
const slowLogin = "2m"

// healthyLogin measures what one login to srv takes here and now, with
// its client key decrypted by the passphrase in passFile, so that tests
// can derive the connect timeout they pass from it.
func healthyLogin(t *testing.T, srv *testsshd.Server, passFile string) time.Duration {
	t.Helper()
	tg, err := ssh.ParseTarget(srv.Target())
	require.NoError(t, err)
	pass, err := ssh.SecretFromFile(passFile)
	require.NoError(t, err)
	start := time.Now()
	h, err := ssh.Dial(context.Background(), tg, ssh.Config{
		KeyFile:        srv.ClientKeyFile,
		KeyPassphrase:  pass,
		KnownHostsFile: srv.KnownHosts(t),
		ConnectTimeout: 2 * time.Minute,
	})
	require.NoError(t, err, "sshd log:\n%s", srv.Log())
	d := time.Since(start)
	require.NoError(t, h.Close())
	t.Logf("healthy login: %s", d.Round(time.Millisecond))
	return d
}

// outcome compares two results of the same item (a definition, a test, a
// rule) from two local evaluations and a remote one.
type outcome struct{ local1, remote, local2 string }

// diffReport sorts keys into agreeing, unstable (the two local runs differ:
// the machine changed between runs, which says nothing about the remote
// host) and differing (local runs agree, remote differs). known lists the
// differences that are understood, with their cause; a known entry that no
// longer differs is reported so the list does not rot.
type diffReport struct {
	agree     int
	unstable  []string
	explained []string
	differ    []string
	stale     []string
}

func compareOutcomes(got map[string]outcome, known map[string]string) diffReport {
	var r diffReport
	keys := make([]string, 0, len(got))
	for k := range got {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		o := got[k]
		switch {
		case o.local1 != o.local2:
			r.unstable = append(r.unstable, fmt.Sprintf("%s: local %s then %s (remote %s)", k, o.local1, o.local2, o.remote))
		case o.local1 == o.remote:
			r.agree++
			if _, ok := known[k]; ok {
				r.stale = append(r.stale, k)
			}
		case known[k] != "":
			r.explained = append(r.explained, fmt.Sprintf("%s: local %s, remote %s (%s)", k, o.local1, o.remote, known[k]))
		default:
			r.differ = append(r.differ, fmt.Sprintf("%s: local %s, remote %s", k, o.local1, o.remote))
		}
	}
	return r
}

// check fails on unexplained differences and logs the rest. At most a few
// unstable items are tolerated: other work on the machine creates and
// deletes files during the runs.
func (r diffReport) check(t *testing.T, what string, total int) {
	t.Helper()
	t.Logf("%s: %d compared, %d agree, %d explained, %d unstable between the two local runs, %d differ",
		what, total, r.agree, len(r.explained), len(r.unstable), len(r.differ))
	for _, s := range r.explained {
		t.Logf("explained: %s", s)
	}
	for _, s := range r.unstable {
		t.Logf("unstable (machine changed between runs): %s", s)
	}
	for _, s := range r.stale {
		t.Logf("skip-list entry %s no longer differs", s)
	}
	require.Empty(t, r.differ, "%s: remote results differ from local ones", what)
	require.LessOrEqual(t, len(r.unstable), max(3, total/50), "%s: too many results changed between two local runs to compare", what)
	require.Greater(t, r.agree, 0)
}
