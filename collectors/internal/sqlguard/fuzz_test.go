package sqlguard

import (
	"strings"
	"testing"
)

// The guard reads queries from content and users; it must never panic, and
// whatever it accepts must stay one statement: appending a second
// statement to an accepted query must always be refused.
func FuzzCheckDialect(f *testing.F) {
	for _, s := range []string{
		"SELECT 1",
		"SELECT 'a''b' FROM t;",
		"WITH x AS (SELECT 1) SELECT * FROM x",
		"SELECT $a$ $$ $a$, E'\\'', U&'x', \"q\"\"x\"",
		"SELECT /* /* */ */ 1 -- c",
		"SELECT q'[x]' FROM dual",
		"WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x",
		"SELECT pg_catalog.pg_terminate_backend(1)",
		"SELECT x$a$; DELETE; $a$",
		"SELECT 1e'x'",
	} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, q string, oracle bool) {
		d := PostgreSQL
		if oracle {
			d = Oracle
		}
		err := CheckDialect(d, q)
		if err != nil {
			var ge *Error
			if !strings.HasPrefix(err.Error(), "sqlguard: ") || !asError(err, &ge) || ge.Offset < 0 || ge.Offset > len(q) {
				t.Fatalf("bad error %v", err)
			}
			return
		}
		if CheckDialect(d, q+"\n; DELETE FROM t") == nil {
			t.Fatalf("accepted a second statement after %q", q)
		}
		if CheckDialect(d, q+"\n; SELECT 1") == nil {
			t.Fatalf("accepted a second statement after %q", q)
		}
	})
}

func asError(err error, target **Error) bool {
	e, ok := err.(*Error)
	if ok {
		*target = e
	}
	return ok
}
