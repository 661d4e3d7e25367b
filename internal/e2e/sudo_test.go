package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/local"
	"github.com/stigscan/stigscan/collectors/ssh"
	"github.com/stigscan/stigscan/internal/cli"
	"github.com/stigscan/stigscan/internal/testaccount"
	"github.com/stigscan/stigscan/internal/testsshd"
	"github.com/stigscan/stigscan/oval"
)

// jsonRule is what these tests read of a rule in --json output.
type jsonRule struct {
	ID       string `json:"id"`
	Status   string `json:"status"`
	Messages []struct {
		Severity string `json:"severity"`
		Text     string `json:"text"`
	} `json:"messages"`
}

// scanJSON runs `stigscan scan` of the built-in baseline in-process on one
// target and returns each rule by id from its --json output.
func scanJSON(t *testing.T, target string, extra ...string) (map[string]jsonRule, string) {
	t.Helper()
	dir := t.TempDir()
	out := filepath.Join(dir, "results.json")
	args := append([]string{"scan", "--target", target, "--json", out, "--arf", filepath.Join(dir, "arf.xml"),
		"--ssh-agent=false", "--quiet"}, extra...)
	var o, e bytes.Buffer
	err := cli.Run(context.Background(), args, strings.NewReader(""), &o, &e)
	require.NoError(t, err, "stdout %s\nstderr %s", o.String(), e.String())
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	var doc struct {
		Rules []jsonRule `json:"rules"`
	}
	require.NoError(t, json.Unmarshal(b, &doc))
	rules := map[string]jsonRule{}
	for _, r := range doc.Rules {
		rules[r.ID] = r
	}
	require.NotEmpty(t, rules)
	return rules, o.String()
}

func statuses(rules map[string]jsonRule) map[string]string {
	m := map[string]string{}
	for id, r := range rules {
		m[id] = r.Status
	}
	return m
}

// TestScanUnprivilegedSudo scans this machine with the built-in baseline
// through the command line, logged in over a real sshd as a throwaway
// unprivileged account. With --sudo and a NOPASSWD rule every rule has the
// result of a local scan (run as root); without --sudo the rule that reads
// /etc/shadow is an error that says the file could not be read, never a
// pass or fail, and the rules that need no privilege still agree.
func TestScanUnprivilegedSudo(t *testing.T) {
	acct := testaccount.New(t)
	srv := testsshd.Start(t, testsshd.Options{User: acct.Name})
	testaccount.Sudoers(t, acct.Name, acct.Name+" ALL=(root) NOPASSWD: /bin/sh")
	sshArgs := []string{"--ssh-key", srv.ClientKeyFile, "--known-hosts", srv.KnownHosts(t), "--connect-timeout", slowLogin}

	local, _ := scanJSON(t, "local")
	withSudo, summary := scanJSON(t, srv.Target(), append(sshArgs, "--sudo")...)
	assert.Equal(t, statuses(local), statuses(withSudo), "with --sudo the remote scan gives the local results")
	assert.Contains(t, summary, srv.Target())

	const shadowRule = "xccdf_io.stigscan_rule_no_empty_passwords"
	require.Contains(t, local, shadowRule)
	require.Contains(t, []string{"pass", "fail"}, local[shadowRule].Status, "the local scan (as root) decides the shadow rule")

	plain, _ := scanJSON(t, srv.Target(), sshArgs...)
	for id, r := range plain {
		if id == shadowRule {
			continue
		}
		assert.Equal(t, local[id].Status, r.Status, "%s needs no privilege", id)
	}
	got := plain[shadowRule]
	assert.Equal(t, "error", got.Status, "an unreadable /etc/shadow decides nothing")
	var texts []string
	for _, m := range got.Messages {
		texts = append(texts, m.Text)
	}
	msg := strings.Join(texts, "\n")
	assert.Contains(t, msg, "/etc/shadow", "the message names the file")
	assert.Contains(t, msg, "Permission denied", "the message gives the reason")
	t.Logf("%s without sudo: %s: %s", shadowRule, got.Status, msg)

	// A rule that wants a password: the target fails at once, saying why.
	testaccount.Sudoers(t, acct.Name, acct.Name+" ALL=(root) /bin/sh")
	args := append([]string{"scan", "--target", srv.Target(), "--arf", filepath.Join(t.TempDir(), "arf.xml"),
		"--ssh-agent=false", "--quiet", "--sudo"}, sshArgs...)
	var o, e bytes.Buffer
	err := cli.Run(context.Background(), args, strings.NewReader(""), &o, &e)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ssh: sudo -n refused on "+acct.Name+"@"+srv.Addr()+": a password is required")
	assert.Contains(t, err.Error(), "NOPASSWD: /bin/sh")
}

// rootOnlyOVAL writes definitions about a file in a directory only root
// may read: "no *.conf file in DIR" through a path and a filename pattern,
// through a filepath pattern (a walk), and the file's content. As root all
// three find the file (false); as a user who cannot list DIR none can be
// decided.
func rootOnlyOVAL(t *testing.T, dir string) string {
	t.Helper()
	const head = `<?xml version="1.0" encoding="UTF-8"?>
<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5"
    xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5"
    xmlns:ind="http://oval.mitre.org/XMLSchema/oval-definitions-5#independent"
    xmlns:unix="http://oval.mitre.org/XMLSchema/oval-definitions-5#unix">
  <generator><oval:schema_version>5.11.2</oval:schema_version><oval:timestamp>2026-11-22T00:00:00</oval:timestamp></generator>
  <definitions>`
	var defs, tests, objects strings.Builder
	add := func(n int, title, test, object string) {
		fmt.Fprintf(&defs, `
    <definition id="oval:t:def:%d" version="1" class="compliance"><metadata><title>%s</title><description>x</description></metadata>
      <criteria><criterion test_ref="oval:t:tst:%d"/></criteria></definition>`, n, title, n)
		fmt.Fprintf(&tests, "\n    "+test, n, n)
		fmt.Fprintf(&objects, "\n    "+object, n)
	}
	add(1, "no conf file by path and filename pattern",
		`<unix:file_test id="oval:t:tst:%d" version="1" check="all" check_existence="none_exist"><unix:object object_ref="oval:t:obj:%d"/></unix:file_test>`,
		`<unix:file_object id="oval:t:obj:%d" version="1"><unix:path>`+dir+`</unix:path><unix:filename operation="pattern match">\.conf$</unix:filename></unix:file_object>`)
	add(2, "no conf file by filepath pattern",
		`<unix:file_test id="oval:t:tst:%d" version="1" check="all" check_existence="none_exist"><unix:object object_ref="oval:t:obj:%d"/></unix:file_test>`,
		`<unix:file_object id="oval:t:obj:%d" version="1"><unix:filepath operation="pattern match">^`+regexp.QuoteMeta(dir)+`/.*\.conf$</unix:filepath></unix:file_object>`)
	add(3, "no setting line",
		`<ind:textfilecontent54_test id="oval:t:tst:%d" version="1" check="all" check_existence="none_exist"><ind:object object_ref="oval:t:obj:%d"/></ind:textfilecontent54_test>`,
		`<ind:textfilecontent54_object id="oval:t:obj:%d" version="1"><ind:path>`+dir+`</ind:path><ind:filename operation="pattern match">\.conf$</ind:filename><ind:pattern operation="pattern match">^setting</ind:pattern><ind:instance datatype="int" operation="greater than or equal">1</ind:instance></ind:textfilecontent54_object>`)
	doc := head + defs.String() + "\n  </definitions>\n  <tests>" + tests.String() + "\n  </tests>\n  <objects>" + objects.String() + "\n  </objects>\n</oval_definitions>\n"
	p := filepath.Join(t.TempDir(), "rootonly-oval.xml")
	require.NoError(t, os.WriteFile(p, []byte(doc), 0o600))
	return p
}

// TestOVALUnreadableDirectory: definitions about files in a directory the
// login cannot list are an error over SSH without sudo, never true (no
// such file found) as a skipped directory would make them; with sudo they
// are what the local host (root) finds.
func TestOVALUnreadableDirectory(t *testing.T) {
	acct := testaccount.New(t)
	srv := testsshd.Start(t, testsshd.Options{User: acct.Name})
	testaccount.Sudoers(t, acct.Name, acct.Name+" ALL=(root) NOPASSWD: /bin/sh")
	dir, err := os.MkdirTemp("", "stigscan-rootonly-")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	require.NoError(t, os.Chmod(dir, 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "secret.conf"), []byte("setting = 1\n"), 0o600))
	file := rootOnlyOVAL(t, dir)

	eval := func(target string, extra ...string) string {
		args := append([]string{"oval", "eval", file, "--target", target}, extra...)
		if target != "local" {
			args = append(args, "--ssh-key", srv.ClientKeyFile, "--known-hosts", srv.KnownHosts(t), "--ssh-agent=false", "--connect-timeout", slowLogin)
		}
		var o, e bytes.Buffer
		err := cli.Run(context.Background(), args, strings.NewReader(""), &o, &e)
		require.NoError(t, err, "stderr %s", e.String())
		return o.String()
	}
	want := "Definition oval:t:def:1: false\nDefinition oval:t:def:2: false\nDefinition oval:t:def:3: false\nEvaluation done.\n"
	require.Equal(t, want, eval("local"), "as root the file is found")
	assert.Equal(t, want, eval(srv.Target(), "--sudo"))
	assert.Equal(t, "Definition oval:t:def:1: error\nDefinition oval:t:def:2: error\nDefinition oval:t:def:3: error\nEvaluation done.\n", eval(srv.Target()))
}

// TestRemoteSudoEqualsLocalOVAL evaluates the Debian 11 ComplianceAsCode
// OVAL file (a sample in `make test`: ovalSample) logged in as a throwaway
// unprivileged account escalating with the real sudo: every definition,
// test and collected object must be what the local host, running as root,
// finds. Every read, listing, walk and kernel parameter of the content goes
// through "sudo -n -- /bin/sh -s".
func TestRemoteSudoEqualsLocalOVAL(t *testing.T) {
	file := ssgFile(t, "ssg-debian11-oval.xml")
	acct := testaccount.New(t)
	srv := testsshd.Start(t, testsshd.Options{User: acct.Name})
	testaccount.Sudoers(t, acct.Name, acct.Name+" ALL=(root) NOPASSWD: /bin/sh")
	remoteEqualsLocalOVAL(t, file, func() *ssh.Host {
		h := dialLoopback(t, srv, true)
		out, err := h.Run(context.Background(), "id -u")
		require.NoError(t, err)
		require.Equal(t, "0\n", string(out))
		return h
	})
}

// TestRemoteUnprivilegedNeverWrong evaluates the Debian 11 ComplianceAsCode
// OVAL file (a sample in `make test`: ovalSample) logged in as a throwaway unprivileged account without sudo.
// What the account may not read cannot be decided, so a definition or test
// may come out error or unknown where root decides it, but never true where
// root finds false or the reverse.
func TestRemoteUnprivilegedNeverWrong(t *testing.T) {
	file := ssgFile(t, "ssg-debian11-oval.xml")
	acct := testaccount.New(t)
	srv := testsshd.Start(t, testsshd.Options{User: acct.Name})
	ctx := context.Background()
	defs, err := oval.ParseFile(file)
	require.NoError(t, err)
	prep, err := oval.Prepare(defs, oval.Options{})
	require.NoError(t, err)
	ids := ovalSample(t, defs)
	eval := func(h host.Host) map[string]string {
		res, err := prep.Evaluate(ctx, h, nil, ids...)
		require.NoError(t, err)
		m := map[string]string{}
		for _, d := range res.Definitions {
			m["definition "+d.ID] = d.Result.String()
		}
		for _, tr := range res.Tests {
			m["test "+tr.ID] = tr.Result.String()
		}
		return m
	}
	l1 := eval(local.New())
	h := dialLoopback(t, srv)
	r := eval(h)
	l2 := eval(local.New())

	var wrong, undecided []string
	agree := 0
	for k, v := range l1 {
		switch {
		case l2[k] != v:
			continue // the machine changed between the local runs
		case r[k] == v:
			agree++
		case r[k] == "error" || r[k] == "unknown":
			undecided = append(undecided, fmt.Sprintf("%s: root %s, unprivileged %s", k, v, r[k]))
		default:
			wrong = append(wrong, fmt.Sprintf("%s: root %s, unprivileged %s", k, v, r[k]))
		}
	}
	sort.Strings(undecided)
	sort.Strings(wrong)
	t.Logf("%d agree, %d undecided without root, %d wrong", agree, len(undecided), len(wrong))
	for _, s := range undecided {
		t.Logf("undecided: %s", s)
	}
	assert.Empty(t, wrong, "results an unprivileged login decided differently from root")
	assert.NotEmpty(t, undecided, "some checks need root (the shadow file)")
}
