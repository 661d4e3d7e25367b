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

// FuzzPostgresAllowList checks, for every query the PostgreSQL guard
// accepts, with a reading of the tokens simpler than the guard's own:
//
//   - every name directly before '(' is an allow-listed pg_catalog
//     function (unqualified or qualified with pg_catalog), a keyword of
//     the grammar, or stands where a type or an alias does (after AS or
//     ::, or as a CTE's name);
//   - no restricted relation is named anywhere (unless the statement is
//     the reviewed password-storage query);
//   - no name is qualified with a schema other than pg_catalog or
//     information_schema where a relation is read (after FROM or JOIN).
//
// Seeds are the built-in checks' queries and the attacks of issue 10.
func FuzzPostgresAllowList(f *testing.F) {
	for _, q := range builtinQueries(f) {
		f.Add(q)
	}
	for _, q := range []string{
		"SELECT 'schema ' || n.nspname FROM pg_catalog.pg_namespace n",
		"SELECT 'a' OPERATOR(public.||) 'b'::name",
		"SELECT public.trojan_cat('a', 'b')",
		"SELECT brin_summarize_new_values('i'::regclass)",
		"SELECT heap_force_kill('t'::regclass, ARRAY['(0,1)']::tid[])",
		`SELECT E'Á\' AS x, pg_terminate_backend(pid) FROM pg_stat_activity --'`,
		"SELECT pg_read_file('x'), rolpassword FROM pg_authid",
		"SELECT * FROM pg_ls_dir('.') AS f(x)",
		"WITH x(a) AS (SELECT 1) SELECT a FROM x, LATERAL unnest(ARRAY[1]) AS u(v)",
		"SELECT 1 FROM (pg_roles r JOIN app.t x ON true)",
		"SELECT CAST('1' AS numeric(10,2)), '1'::pg_catalog.int4",
	} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		if CheckDialect(PostgreSQL, q) != nil {
			return
		}
		toks, err := lex(PostgreSQL, q)
		if err != nil {
			t.Fatalf("accepted a query the lexer refuses: %v", err)
		}
		reviewed := pgReviewedStatement(q)
		var opens []int // indexes of the open '('
		for i, tk := range toks {
			switch {
			case isPunct(tk, "("):
				opens = append(opens, i)
			case isPunct(tk, ")") && len(opens) > 0:
				opens = opens[:len(opens)-1]
			}
			if !isName(tk) {
				continue
			}
			inArgs := len(opens) > 0 && opens[len(opens)-1] > 0 && fromArgs(toks[opens[len(opens)-1]-1])
			if !reviewed && restrictedName(tk.name()) != "" {
				t.Fatalf("accepted %q naming restricted relation %s", q, tk.name())
			}
			// After '.', FROM and JOIN are names (x.from is a column).
			label := i >= 2 && isPunct(toks[i-2], ".")
			if i > 0 && !label && ((isWord(toks[i-1], "from") && !inArgs && !isDistinctFrom(toks, i-1)) || isWord(toks[i-1], "join")) &&
				i+2 < len(toks) && isPunct(toks[i+1], ".") && isName(toks[i+2]) {
				if s := tk.name(); s != "pg_catalog" && s != "information_schema" {
					t.Fatalf("accepted %q reading a relation of schema %s", q, s)
				}
			}
			if i+1 >= len(toks) || !isPunct(toks[i+1], "(") {
				continue
			}
			start := chainStart(toks, i)
			if start > 0 && (isWord(toks[start-1], "as") || isCast(toks, start) ||
				isWord(toks[start-1], "with") || isWord(toks[start-1], "recursive")) {
				continue
			}
			qualified := start != i
			if qualified && !(start+2 == i && toks[start].name() == "pg_catalog") {
				t.Fatalf("accepted %q calling a function qualified with another schema", q)
			}
			if n := tk.name(); !pgCatalogFunction(n) && !(tk.kind == kWord && pgSyntaxWord(n)) {
				t.Fatalf("accepted %q calling %s, which is not allow-listed", q, n)
			}
		}
	})
}

// An Oracle query the guard accepts calls only allow-listed names and
// reads only allowed relations, checked here on the tokens without the
// guard's block walk: every '(' follows a keyword, an allowed function, a
// type, a CTE name or t.col (+); every FROM or JOIN outside a call names
// an allowed view, a CTE or a subquery; no name is a refused one.
func FuzzOracleAllowList(f *testing.F) {
	for _, s := range []string{
		"SELECT u.username FROM sys.dba_users u JOIN dba_profiles p ON p.profile = u.profile",
		"SELECT SYS.URIFACTORY.GETURI('http://x').GETCLOB() FROM dual",
		"SELECT BFILENAME('D', 'f') FROM dual",
		"SELECT DBMS_XSLPROCESSOR.READ2CLOB('D', 'f') FROM dual",
		`SELECT XMLTYPE('<!DOCTYPE x SYSTEM "http://x/">') FROM dual`,
		"SELECT USER_LOCK.SLEEP(1) FROM dual",
		`SELECT name, spare4 FROM "SYS"."USER$"`,
		"SELECT 1 FROM dba_users@remote",
		"SELECT /*+ hint */ q'[x]' FROM dual -- c",
		"WITH t (n) AS (SELECT 1 FROM dual) SELECT t.n FROM t",
		"SELECT x.a FROM (SELECT 1 AS a FROM dual) x WHERE EXISTS (SELECT 1 FROM emp)",
		"SELECT EXTRACT(YEAR FROM created) FROM dba_users",
		"SELECT SYS_CONTEXT('USERENV', 'DB_NAME') FROM dual",
		"SELECT dbms_random.value FROM dual UNION SELECT 1 FROM dual dbms_random",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		if CheckDialect(Oracle, q) != nil {
			return
		}
		toks, err := lex(Oracle, q)
		if err != nil {
			t.Fatalf("accepted %q the lexer refuses: %v", q, err)
		}
		ctes := leadingCTEs(toks)
		var opens []string // per open '(': the word before it
		for i, tk := range toks {
			word := func(j int) string {
				if j >= 0 && j < len(toks) && toks[j].kind == kWord {
					return strings.ToUpper(toks[j].text)
				}
				return ""
			}
			switch {
			case tk.kind == kPunct && tk.text == "@":
				t.Fatalf("accepted a database link: %q", q)
			case tk.kind == kPunct && tk.text == "(":
				prev := word(i - 1)
				opens = append(opens, prev)
				if i == 0 || toks[i-1].kind == kPunct || toks[i-1].kind == kString || toks[i-1].kind == kNumber {
					continue
				}
				if i+2 < len(toks) && toks[i+1].text == "+" && toks[i+2].text == ")" {
					continue // col(+), the outer-join marker: no call
				}
				if toks[i-1].kind == kQuoted {
					t.Fatalf("accepted a call of a quoted name: %q", q)
				}
				if i >= 2 && toks[i-2].kind == kPunct && toks[i-2].text == "." {
					t.Fatalf("accepted a qualified call: %q", q)
				}
				if !oracleFunction(prev) && !oracleWordBeforeParen(prev, prevTok(toks, i-1)) && !oracleTypeWord(toks, i-1) && prev != "SYS_CONTEXT" && !cteAt(ctes, prev, i-1) && !(prev == "" && toks[i-1].kind != kWord) {
					t.Fatalf("accepted a call of %s: %q", prev, q)
				}
			case tk.kind == kPunct && tk.text == ")":
				if len(opens) > 0 {
					opens = opens[:len(opens)-1]
				}
			case tk.kind == kWord || tk.kind == kQuoted:
				n := oraIdent(tk)
				if oracleSecretColumn(n) || strings.Contains(n, "$") && !strings.HasPrefix(n, "V$") && !strings.HasPrefix(n, "GV$") {
					t.Fatalf("accepted refused name %s: %q", n, q)
				}
				w := word(i)
				inCall := len(opens) > 0 && oracleFunction(opens[len(opens)-1])
				afterDot := i > 0 && toks[i-1].kind == kPunct && toks[i-1].text == "."
				if (w == "FROM" && !inCall || w == "JOIN") && !afterDot && i+1 < len(toks) && (toks[i+1].kind == kWord || toks[i+1].kind == kQuoted) {
					end := nameEnd(toks, i+1)
					last := oraIdent(toks[end-1])
					at, isCTE := ctes[last]
					if ok, _ := oracleRelation(last); !ok && !(end == i+2 && isCTE && at < i+1) {
						t.Fatalf("accepted relation %s: %q", last, q)
					}
					if end > i+2 && (end != i+4 || oraIdent(toks[i+1]) != "SYS") {
						t.Fatalf("accepted a relation of another schema: %q", q)
					}
				}
			}
		}
	})
}

// FuzzMySQL: the MySQL dialect never panics, its refusals are *Error with
// an offset inside the query, and whatever it accepts stays one statement,
// even when the text appended after it might close an executable comment.
func FuzzMySQL(f *testing.F) {
	for _, s := range []string{
		"SELECT 1",
		"SELECT `a``b` FROM mysql.user # c",
		"SELECT 'a\\'b', \"c\" -- d",
		"SELECT 1 /*! + 1 */ /*M!100500 + 2 */ /*!50110 + 3 */",
		"SELECT 1--1",
		"SELECT @@global.max_connections, 0x41, 1abc",
		"SELECT 1 /*!99999 '*/ INTO OUTFILE '/tmp/x' -- ' */",
		"SELECT SUBSTRING('a' FROM 1 FOR 1)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		err := CheckDialect(MySQL, q)
		if err != nil {
			var ge *Error
			if !strings.HasPrefix(err.Error(), "sqlguard: ") || !asError(err, &ge) || ge.Offset < 0 || ge.Offset > len(q) {
				t.Fatalf("bad error %v", err)
			}
			return
		}
		// Read independently of the guard's walk: in every reading, no
		// refused word, and every name directly before '(' is a syntax
		// word, a type, a CTE or an allow-listed built-in.
		toks, n, lexErr := lexMySQL(q)
		if lexErr != nil {
			t.Fatalf("accepted %q that does not lex: %v", q, lexErr)
		}
		_, defs := mysqlCTEs(toks)
		for _, r := range readings(toks, n) {
			for i, tk := range r {
				if tk.kind != kWord {
					continue
				}
				w := strings.ToUpper(tk.text)
				switch w {
				case "INTO", "OUTFILE", "DUMPFILE", "LOCK", "SLEEP", "BENCHMARK", "GET_LOCK", "LOAD_FILE":
					if !(i+1 < len(r) && isPunct(r[i+1], "(") && mysqlFunction(w)) {
						t.Fatalf("accepted %q holding %s", q, w)
					}
				}
				if i+1 < len(r) && isPunct(r[i+1], "(") && !mysqlSyntaxWord(w) && !mysqlTypeWord(w) && !mysqlFunction(w) {
					idx := -1
					for j, orig := range toks {
						if orig.pos == tk.pos {
							idx = j
						}
					}
					if !defs[idx] {
						t.Fatalf("accepted %q calling %s", q, w)
					}
				}
			}
		}
		for _, tail := range []string{"\n; DELETE FROM t", "\n*/; SELECT 1", "\n INTO OUTFILE '/tmp/x'", "\n, SLEEP(1)"} {
			if CheckDialect(MySQL, q+tail) == nil {
				t.Fatalf("accepted %q after %q", tail, q)
			}
		}
	})
}
