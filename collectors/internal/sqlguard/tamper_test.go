package sqlguard

import (
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/internal/testutil"
)

// TestTamperedBuiltinQueriesAreRefused: a tampered copy of a built-in
// OVAL document of the new releases, each of its queries given a write,
// a second statement, a session change, a sleep or a call outside the
// catalog, is refused by the guard before any server sees it.
func TestTamperedBuiltinQueriesAreRefused(t *testing.T) {
	sqlRE := regexp.MustCompile(`(?s)<(?:\w+:)?sql>(.*?)</(?:\w+:)?sql>`)
	queries := func(file string) []string {
		raw, err := os.ReadFile(filepath.Join(testutil.RepoRoot(t), "builtin", file))
		require.NoError(t, err)
		var out []string
		for _, m := range sqlRE.FindAllStringSubmatch(string(raw), -1) {
			out = append(out, strings.TrimSpace(html.UnescapeString(m[1])))
		}
		require.NotEmpty(t, out, file)
		return out
	}
	// Each tampering turns an accepted query into one that must be refused.
	type tamper struct{ name, old, new string }
	pg := []tamper{
		{"terminate a backend", "SELECT ", "SELECT pg_catalog.pg_terminate_backend(1) AS k, "},
		{"change the session", "SELECT ", "SELECT pg_catalog.set_config('search_path', 'public', false) AS k, "},
		{"sleep", "SELECT ", "SELECT pg_catalog.pg_sleep(3600) AS k, "},
		{"read a server file", "SELECT ", "SELECT pg_catalog.pg_read_file('/etc/shadow') AS k, "},
		{"call a user function", "SELECT ", "SELECT public.f() AS k, "},
		{"write through a CTE", "", "WITH d AS (DELETE FROM pg_catalog.pg_class RETURNING 1) "},
		{"a second statement", "", "; UPDATE pg_catalog.pg_authid SET rolsuper = true"},
		{"lock rows", "", " FOR UPDATE"},
	}
	ora := []tamper{
		{"sleep", "SELECT ", "SELECT DBMS_LOCK.SLEEP(3600) AS k, "},
		{"call out", "SELECT ", "SELECT UTL_HTTP.REQUEST('http://x') AS k, "},
		{"a second statement", "", "; DROP USER scott"},
		{"lock rows", "", " FOR UPDATE"},
	}
	for _, tc := range []struct {
		file    string
		dialect Dialect
		tampers []tamper
	}{
		{"crunchy-pg-oval.xml", PostgreSQL, pg},
		{"postgres-16-oval.xml", PostgreSQL, pg},
		{"oracle-19c-oval.xml", Oracle, ora},
	} {
		qs := queries(tc.file)
		for _, q := range qs {
			require.NoError(t, CheckDialect(tc.dialect, q), "%s: the untampered query is accepted: %s", tc.file, q)
		}
		for _, tm := range tc.tampers {
			t.Run(tc.file+"/"+tm.name, func(t *testing.T) {
				for _, q := range qs {
					var bad string
					switch {
					case tm.old != "":
						bad = strings.Replace(q, tm.old, tm.new, 1)
					case strings.HasPrefix(tm.new, "WITH"):
						if strings.HasPrefix(q, "WITH") {
							bad = strings.Replace(q, "WITH ", tm.new[:len(tm.new)-1]+", ", 1)
						} else {
							bad = tm.new + q
						}
					default:
						bad = q + tm.new
					}
					assert.Error(t, CheckDialect(tc.dialect, bad), "accepted: %s", bad)
				}
				t.Logf("%s: %d queries tampered, every one refused", tc.file, len(qs))
			})
		}
	}
}
