package mysql8test

import (
	"github.com/stigscan/stigscan/builtin/internal/checktest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/local"
	"github.com/stigscan/stigscan/engine"
)

// serverUID owns the server's files in an offline root built as root
// (the server runs under its own account, never root); otherwise the
// test's own account does.
const serverUID = 4242

// file is one entry of an offline root: a directory or a file, its mode,
// and whether root owns it (the option files may be root's).
type file struct {
	path   string
	dir    bool
	mode   os.FileMode
	byRoot bool
}

// fileSet is the server host's files, by path.
type fileSet map[string]file

// passingFiles are the files of the documented passing server (the paths
// its server-files reply names), with the modes DISA's check texts show:
// data and audit directories 750, audit files 640 and encrypted, the key
// 600, certificates 644, the error log 600, mysqld-auto.cnf 640 and
// /etc/mysql/my.cnf root's 644.
func passingFiles() fileSet {
	return fileSet{
		"/var/lib/mysql":                               {dir: true, mode: 0o750},
		"/var/lib/mysql/mysql":                         {dir: true, mode: 0o750},
		"/var/lib/mysql/mysql.ibd":                     {mode: 0o640},
		"/var/lib/mysql/ibdata1":                       {mode: 0o640},
		"/var/lib/mysql/audit.log.enc":                 {mode: 0o640},
		"/var/lib/mysql/audit.20261207T101010.log.enc": {mode: 0o640},
		"/var/lib/mysql/mysqld-auto.cnf":               {mode: 0o640},
		"/var/lib/mysql/host.err":                      {mode: 0o600},
		"/var/lib/mysql/server-key.pem":                {mode: 0o600},
		"/var/lib/mysql/server-cert.pem":               {mode: 0o644},
		"/var/lib/mysql/ca.pem":                        {mode: 0o644},
		"/var/log/mysql":                               {dir: true, mode: 0o750},
		"/var/log/mysql/error.log":                     {mode: 0o600},
		"/etc/mysql":                                   {dir: true, mode: 0o755, byRoot: true},
		"/etc/mysql/my.cnf":                            {mode: 0o644, byRoot: true},
	}
}

// failingFiles are the passing server's files opened up: everything the
// file tests must catch at once.
func failingFiles() fileSet {
	fs := passingFiles()
	delete(fs, "/var/lib/mysql/audit.log.enc")
	fs["/var/lib/mysql"] = file{dir: true, mode: 0o755}
	fs["/var/lib/mysql/ibdata1"] = file{mode: 0o644}
	fs["/var/lib/mysql/audit.log"] = file{mode: 0o644}
	fs["/var/lib/mysql/mysqld-auto.cnf"] = file{mode: 0o666}
	fs["/var/lib/mysql/host.err"] = file{mode: 0o644}
	fs["/var/lib/mysql/server-key.pem"] = file{mode: 0o644}
	fs["/var/lib/mysql/server-cert.pem"] = file{mode: 0o666}
	fs["/var/lib/mysql/ca.pem"] = file{mode: 0o666}
	fs["/var/log/mysql/error.log"] = file{mode: 0o644}
	fs["/etc/mysql/my.cnf"] = file{mode: 0o666, byRoot: true}
	return fs
}

var fileSets = map[string]fileSet{"passing": passingFiles(), "failing": failingFiles()}

// offlineRoot writes fs below a new directory: parents first, then the
// modes and owners (deepest first, so a closed directory does not stop
// the chmod of what is in it).
func offlineRoot(t testing.TB, fs fileSet) string {
	t.Helper()
	root := t.TempDir()
	paths := make([]string, 0, len(fs))
	for p := range fs {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		full := filepath.Join(root, p)
		require.NoError(t, os.MkdirAll(filepath.Dir(full), 0o755))
		if fs[p].dir {
			require.NoError(t, os.MkdirAll(full, 0o755))
		} else {
			require.NoError(t, os.WriteFile(full, []byte("x\n"), 0o600))
		}
	}
	sort.Slice(paths, func(i, j int) bool { return len(paths[i]) > len(paths[j]) })
	for _, p := range paths {
		full := filepath.Join(root, p)
		if os.Getuid() == 0 && !fs[p].byRoot {
			require.NoError(t, os.Lchown(full, serverUID, serverUID))
		}
		require.NoError(t, os.Chmod(full, fs[p].mode))
	}
	return root
}

func offlineHost(t testing.TB, fs fileSet) host.Host {
	t.Helper()
	h, err := local.NewRoot(offlineRoot(t, fs))
	require.NoError(t, err)
	return h
}

// fileVulns are the rules whose checks judge files on the server's host.
var fileVulns = []string{"V-235097", "V-235099", "V-235100", "V-235101", "V-235135", "V-235153", "V-235169"}

// dodGuidanceVuln passes only when every other automated rule does.
const dodGuidanceVuln = "V-235142"

// TestFiles scans the documented passing replies on the passing files
// changed one way at a time: the rules that judge the changed file fail,
// naming it in their evidence, and every other automated rule still
// passes. With every file opened up all the file rules fail, and with
// no host to read (no --db-host) they are unknown, never a pass.
func TestFiles(t *testing.T) {
	auto := automatedVulns(t)
	b := prepare(t, nil)
	for _, tc := range []struct {
		name   string
		change func(fileSet)
		fail   []string
		named  string // a path the first failing rule's evidence names
	}{
		{name: "passing files", change: func(fileSet) {}},
		{name: "every file opened up", change: func(fs fileSet) {
			for p, f := range failingFiles() {
				fs[p] = f
			}
			delete(fs, "/var/lib/mysql/audit.log.enc")
		}, fail: fileVulns, named: "audit.log"},
		{name: "private key readable by its group", change: func(fs fileSet) {
			fs["/var/lib/mysql/server-key.pem"] = file{mode: 0o640}
		}, fail: []string{"V-235135"}, named: "server-key.pem"},
		{name: "CA file writable by others", change: func(fs fileSet) {
			fs["/var/lib/mysql/ca.pem"] = file{mode: 0o646}
		}, fail: []string{"V-235135"}, named: "ca.pem"},
		{name: "private key missing", change: func(fs fileSet) {
			delete(fs, "/var/lib/mysql/server-key.pem")
		}, fail: []string{"V-235135"}},
		{name: "rotated audit file readable by others", change: func(fs fileSet) {
			fs["/var/lib/mysql/audit.20261207T101010.log.enc"] = file{mode: 0o644}
		}, fail: []string{"V-235097", "V-235099", "V-235100", "V-235101", "V-235153"}, named: "audit.20261207T101010.log.enc"},
		{name: "plaintext audit file", change: func(fs fileSet) {
			fs["/var/lib/mysql/audit.20261207T101009.log"] = file{mode: 0o640}
		}, fail: []string{"V-235097"}, named: "audit.20261207T101009.log"},
		{name: "no audit file", change: func(fs fileSet) {
			delete(fs, "/var/lib/mysql/audit.log.enc")
			delete(fs, "/var/lib/mysql/audit.20261207T101010.log.enc")
		}, fail: []string{"V-235097", "V-235099", "V-235100", "V-235101"}},
		{name: "data directory open to others", change: func(fs fileSet) {
			fs["/var/lib/mysql"] = file{dir: true, mode: 0o755}
		}, fail: []string{"V-235097", "V-235099", "V-235100", "V-235101", "V-235153"}, named: "/var/lib/mysql"},
		{name: "error log readable by its group", change: func(fs fileSet) {
			fs["/var/log/mysql/error.log"] = file{mode: 0o640}
		}, fail: []string{"V-235153"}, named: "error.log"},
		{name: "my.cnf writable by its group", change: func(fs fileSet) {
			fs["/etc/mysql/my.cnf"] = file{mode: 0o664, byRoot: true}
		}, fail: []string{"V-235169"}, named: "my.cnf"},
		{name: "no option file", change: func(fs fileSet) {
			delete(fs, "/etc/mysql/my.cnf")
		}, fail: []string{"V-235169"}},
		{name: "mysqld-auto.cnf readable by others", change: func(fs fileSet) {
			fs["/var/lib/mysql/mysqld-auto.cnf"] = file{mode: 0o644}
		}, fail: []string{"V-235153", "V-235169"}, named: "mysqld-auto.cnf"},
		{name: "nothing persisted", change: func(fs fileSet) {
			delete(fs, "/var/lib/mysql/mysqld-auto.cnf")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := passingFiles()
			tc.change(fs)
			res, err := b.Evaluate(t.Context(), loadDocumentedOn(t, "passing", offlineHost(t, fs)))
			require.NoError(t, err)
			want := map[string]engine.Status{}
			for v := range auto {
				want[v] = engine.Pass
			}
			for _, v := range tc.fail {
				want[v] = engine.Fail
			}
			if len(tc.fail) > 0 {
				want[dodGuidanceVuln] = engine.Fail // every other check passes
			}
			got := map[string]engine.Status{}
			for v, s := range checktest.Statuses(res, checktest.VulnID) {
				if auto[v] {
					got[v] = s
				}
			}
			assert.Equal(t, want, got, checktest.Explain(res, want, checktest.VulnID))
			if tc.named != "" {
				rr := checktest.RuleByVuln(res, tc.fail[0])
				require.NotNil(t, rr)
				ev := strings.Join(rr.Evidence, "\n")
				assert.Contains(t, ev, tc.named, ev)
			}
		})
	}

	t.Run("error log on stderr", func(t *testing.T) {
		// log_error stderr: no file to judge, so V-235153 is left
		// undecided (an error), never a pass.
		d := loadDocumentedOn(t, "passing", offlineHost(t, passingFiles()))
		var found bool
		for q, r := range d.replies {
			if strings.HasPrefix(q, "SELECT @@global.datadir AS datadir, ") {
				require.Equal(t, "error_log", r.Columns[6])
				none := ""
				r.Rows = [][]*string{append(append([]*string{}, r.Rows[0][:6]...), &none)}
				d.replies[q] = r
				found = true
			}
		}
		require.True(t, found, "the server-files reply")
		res, err := b.Evaluate(t.Context(), d)
		require.NoError(t, err)
		rr := checktest.RuleByVuln(res, "V-235153")
		require.NotNil(t, rr)
		assert.Equal(t, engine.Error, rr.Status, strings.Join(rr.Evidence, "\n"))
	})

	t.Run("no host", func(t *testing.T) {
		un := host.Unavailable{Name: "mysql80-contract:passing", Reason: "no --db-host given"}
		res, err := b.Evaluate(t.Context(), loadDocumentedOn(t, "passing", un))
		require.NoError(t, err)
		for _, v := range fileVulns {
			rr := checktest.RuleByVuln(res, v)
			require.NotNil(t, rr, v)
			assert.Equal(t, engine.Unknown, rr.Status, "%s: a file not collected is neither a pass nor a finding", v)
		}
	})
}
