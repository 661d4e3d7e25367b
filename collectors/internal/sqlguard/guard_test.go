package sqlguard

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckDialectAccepts(t *testing.T) {
	tests := []struct {
		name    string
		dialect Dialect
		query   string
	}{
		{"plain select", PostgreSQL, "SELECT 1"},
		{"lower case and trailing semicolon", PostgreSQL, "select name, setting from pg_settings;"},
		{"trailing semicolon then comment", PostgreSQL, "SELECT 1; -- done"},
		{"trailing semicolon then block comment", PostgreSQL, "SELECT 1 ; /* done */ \n"},
		{"parenthesized", PostgreSQL, "((SELECT 1)) UNION (SELECT 2)"},
		{"leading comments", PostgreSQL, "-- why\n/* what */ SELECT 1"},
		{"with select", PostgreSQL, "WITH r AS (SELECT rolname FROM pg_roles) SELECT * FROM r"},
		{"with recursive", PostgreSQL, "WITH RECURSIVE t(n) AS (VALUES (1) UNION ALL SELECT n+1 FROM t WHERE n < 5) SELECT n FROM t"},
		{"with materialized", PostgreSQL, "WITH a AS MATERIALIZED (SELECT 1) SELECT * FROM a"},
		{"keywords inside strings", PostgreSQL, "SELECT 'DELETE FROM t; DROP TABLE x' AS s"},
		{"privilege names in strings", PostgreSQL, "SELECT has_table_privilege('t', 'UPDATE')"},
		{"semicolon in a string", PostgreSQL, "SELECT ';' AS s"},
		{"doubled quote in a string", PostgreSQL, "SELECT 'it''s; DELETE' AS s"},
		{"keyword as a quoted identifier", PostgreSQL, `SELECT "delete", "into" FROM pg_roles AS "update"`},
		{"doubled quote in an identifier", PostgreSQL, `SELECT 1 AS "a"";DELETE"`},
		{"dollar quoted", PostgreSQL, "SELECT $$; DELETE FROM t$$"},
		{"tagged dollar quote holding another", PostgreSQL, "SELECT $a$ $b$ ; $b$ $a$"},
		{"e-string with escaped quote", PostgreSQL, `SELECT E'\'; DELETE FROM t; --'`},
		{"e-string with escaped backslash", PostgreSQL, `SELECT E'\\' AS s`},
		{"backslash is literal in a plain string", PostgreSQL, `SELECT 'a\' AS s`},
		{"nested block comment", PostgreSQL, "SELECT /* a /* b */ ; DELETE */ 1"},
		{"line comment hides semicolon", PostgreSQL, "SELECT 1 -- ; DELETE FROM t\n"},
		{"dollar in identifier is not a quote", PostgreSQL, "SELECT a$b FROM pg_roles"},
		{"parameter", PostgreSQL, "SELECT $1"},
		{"substring for", PostgreSQL, "SELECT substring('abc' FROM 1 FOR 2)"},
		{"for ordinality", PostgreSQL, "SELECT * FROM unnest(ARRAY[1]) WITH ORDINALITY"},
		{"harmless functions", PostgreSQL, "SELECT current_setting('log_connections'), pg_catalog.version()"},
		{"exponent then word", PostgreSQL, "SELECT 1e5 AS x, .5 AS y"},
		{"non-ascii identifier", PostgreSQL, "SELECT 1 AS größe"},
		{"oracle select", Oracle, "SELECT value FROM v$parameter WHERE name = 'audit_trail'"},
		{"oracle q-quote", Oracle, "SELECT q'[it's; DELETE]' FROM dual"},
		{"oracle nq-quote braces", Oracle, "SELECT nq'{x;y}' FROM dual"},
		{"oracle q-quote same char", Oracle, "SELECT Q'#a;b#' FROM dual"},
		{"oracle hash in identifier", Oracle, "SELECT ts# FROM v$tablespace"},
		{"oracle comment does not nest", Oracle, "SELECT /* /* */ 1 FROM dual"},
		{"oracle connect by start with", Oracle, "SELECT level FROM dual CONNECT BY level < 3 START WITH 1 = 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.NoError(t, CheckDialect(tt.dialect, tt.query))
		})
	}
}

func TestCheckDialectRefuses(t *testing.T) {
	tests := []struct {
		name    string
		dialect Dialect
		query   string
		reason  string // substring of the reason
	}{
		{"empty", PostgreSQL, "", "no statement"},
		{"only comments", PostgreSQL, "-- nothing\n/* here */", "no statement"},
		{"only semicolon", PostgreSQL, ";", "no statement"},
		{"second statement", PostgreSQL, "SELECT 1; DELETE FROM t", "more than one statement"},
		{"second select", PostgreSQL, "SELECT 1; SELECT 2", "more than one statement"},
		{"two semicolons", PostgreSQL, "SELECT 1;;", "more than one statement"},
		{"semicolon in parentheses", PostgreSQL, "SELECT (1; DELETE FROM t)", "more than one statement"},
		{"insert", PostgreSQL, "INSERT INTO t VALUES (1)", "only SELECT"},
		{"update", PostgreSQL, "update t set a = 1", "only SELECT"},
		{"delete", PostgreSQL, "DELETE FROM t", "only SELECT"},
		{"drop", PostgreSQL, "DROP TABLE t", "not DROP"},
		{"set", PostgreSQL, "SET log_connections = off", "not SET"},
		{"alter system", PostgreSQL, "ALTER SYSTEM SET log_connections = off", "not ALTER"},
		{"copy to program", PostgreSQL, "COPY (SELECT 1) TO PROGRAM 'rm -rf /'", "not COPY"},
		{"do block", PostgreSQL, "DO $$BEGIN DELETE FROM t; END$$", "not DO"},
		{"call", PostgreSQL, "CALL p()", "not CALL"},
		{"explain analyze", PostgreSQL, "EXPLAIN ANALYZE DELETE FROM t", "not EXPLAIN"},
		{"values", PostgreSQL, "VALUES (1)", "not VALUES"},
		{"begin", PostgreSQL, "BEGIN", "not BEGIN"},
		{"starts with a string", PostgreSQL, "'x'", "only SELECT"},
		{"data-modifying cte delete", PostgreSQL, "WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x", "data-modifying DELETE"},
		{"data-modifying cte insert", PostgreSQL, "WITH x AS (INSERT INTO t VALUES (1) RETURNING *) SELECT 1", "data-modifying INSERT"},
		{"data-modifying cte update", PostgreSQL, "WITH x AS (UPDATE t SET a=1 RETURNING a) SELECT a FROM x", "data-modifying UPDATE"},
		{"with then delete", PostgreSQL, "WITH x AS (SELECT 1) DELETE FROM t", "data-modifying DELETE"},
		{"merge", PostgreSQL, "WITH x AS (SELECT 1) MERGE INTO t USING x ON true WHEN MATCHED THEN DELETE", "data-modifying MERGE"},
		{"comment inside keyword position", PostgreSQL, "WITH x AS (/* c */DELETE/**/FROM t RETURNING *) SELECT 1", "data-modifying DELETE"},
		{"select into", PostgreSQL, "SELECT * INTO newtable FROM t", "INTO"},
		{"select into temp", PostgreSQL, "SELECT 1 INTO TEMP x", "INTO"},
		{"for update", PostgreSQL, "SELECT * FROM t FOR UPDATE", "FOR UPDATE"},
		{"for share", PostgreSQL, "SELECT * FROM t FOR SHARE", "FOR SHARE"},
		{"for no key update", PostgreSQL, "SELECT * FROM t FOR NO KEY UPDATE", "FOR NO"},
		{"for key share", PostgreSQL, "select * from t for key share", "FOR KEY"},
		{"terminate backend", PostgreSQL, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity", "pg_terminate_backend terminates"},
		{"terminate backend qualified quoted spaced", PostgreSQL, `SELECT pg_catalog . "pg_terminate_backend" /* x */ (1)`, "pg_terminate_backend"},
		{"cancel backend upper case", PostgreSQL, "SELECT PG_CANCEL_BACKEND(1)", "pg_cancel_backend"},
		{"set_config", PostgreSQL, "SELECT set_config('log_statement', 'none', false)", "changes a setting"},
		{"reload conf", PostgreSQL, "SELECT pg_reload_conf()", "reloads"},
		{"sleep", PostgreSQL, "SELECT pg_sleep(100)", "sleeps"},
		{"large object import", PostgreSQL, "SELECT lo_import('/etc/passwd')", "large objects"},
		{"dblink", PostgreSQL, "SELECT * FROM dblink('db', 'DELETE FROM t') AS x(a int)", "dblink"},
		{"query_to_xml hides sql", PostgreSQL, "SELECT query_to_xml('select pg_terminate_backend(1)', true, true, '')", "query_to_xml"},
		{"crosstab hides sql", PostgreSQL, "SELECT * FROM crosstab('select pg_cancel_backend(1)') AS c(a text)", "crosstab"},
		{"crosstab3 hides sql", PostgreSQL, "SELECT * FROM crosstab3('select 1')", "crosstab3"},
		{"ts_stat hides sql", PostgreSQL, "SELECT * FROM ts_stat('select 1')", "ts_stat"},
		{"replication slot", PostgreSQL, "SELECT pg_create_logical_replication_slot('s', 'test_decoding')", "pg_create_"},
		{"switch wal", PostgreSQL, "SELECT pg_switch_wal()", "write-ahead log"},
		{"nextval", PostgreSQL, "SELECT nextval('s')", "sequence"},
		{"stat reset", PostgreSQL, "SELECT pg_stat_reset()", "resets statistics"},
		{"advisory lock", PostgreSQL, "SELECT pg_advisory_lock(1)", "advisory"},
		{"function in from", PostgreSQL, "SELECT * FROM pg_logical_slot_get_changes('s', NULL, NULL)", "pg_logical_"},
		{"function in a cte", PostgreSQL, "WITH k AS (SELECT pg_terminate_backend(1)) SELECT * FROM k", "pg_terminate_backend"},
		{"unterminated string", PostgreSQL, "SELECT 'abc", "unterminated string"},
		{"unterminated e-string", PostgreSQL, `SELECT E'abc\'`, "unterminated string"},
		{"unterminated identifier", PostgreSQL, `SELECT "abc`, "unterminated quoted identifier"},
		{"unterminated block comment", PostgreSQL, "SELECT 1 /* abc", "unterminated block comment"},
		{"unterminated nested comment", PostgreSQL, "SELECT 1 /* a /* b */ ; DELETE FROM t", "unterminated block comment"},
		{"unterminated dollar quote", PostgreSQL, "SELECT $x$ abc $y$", "unterminated dollar"},
		// The identifier x$a$ ends before ';': no dollar quote hides it.
		{"dollar inside identifier does not open a quote", PostgreSQL, "SELECT x$a$; DELETE FROM t; $a$ $a$", "more than one statement"},
		{"unicode escaped identifier", PostgreSQL, `SELECT U&"pg\0074erminate_backend"(1)`, "Unicode-escaped"},
		{"NUL byte", PostgreSQL, "SELECT 1\x00; DELETE FROM t", "NUL"},
		{"invalid utf-8", PostgreSQL, "SELECT '\xff'", "UTF-8"},
		{"word right after a number", PostgreSQL, "WITH x AS (1delete FROM t) SELECT 1", "data-modifying DELETE"},
		{"postgres dollar quote read by oracle", Oracle, "SELECT $$; DELETE FROM t$$ FROM dual", "more than one statement"},
		{"e-string read by oracle", Oracle, `SELECT E'\'; DELETE FROM t; --' FROM dual`, "more than one statement"},
		{"oracle comment does not nest", Oracle, "SELECT /* /* */ 1 FROM dual; DELETE FROM t */", "more than one statement"},
		{"oracle unterminated q-quote", Oracle, "SELECT q'[abc]  FROM dual", "unterminated q-quoted"},
		{"oracle bad q delimiter", Oracle, "SELECT q' abc ' FROM dual", "q-quote delimiter"},
		{"oracle for update", Oracle, "SELECT * FROM t FOR UPDATE NOWAIT", "FOR UPDATE"},
		{"oracle dbms_lock", Oracle, "SELECT sys.dbms_lock.sleep(10) FROM dual", "dbms_lock"},
		{"oracle utl_http", Oracle, "SELECT UTL_HTTP.REQUEST('http://x') FROM dual", "utl_http"},
		{"oracle inline plsql", Oracle, "WITH FUNCTION f RETURN NUMBER IS BEGIN RETURN 1; END; SELECT f FROM dual", "more than one statement"},
		{"unknown dialect", Dialect(9), "SELECT 1", "unknown SQL dialect"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckDialect(tt.dialect, tt.query)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrRefused)
			var ge *Error
			require.True(t, errors.As(err, &ge))
			assert.Contains(t, ge.Reason, tt.reason)
			assert.GreaterOrEqual(t, ge.Offset, 0)
			assert.LessOrEqual(t, ge.Offset, len(tt.query))
		})
	}
}

// Check is the strict reading: a query passes only if every dialect's
// reading does.
func TestCheckEveryDialect(t *testing.T) {
	tests := []struct {
		name   string
		query  string
		wantOK bool
	}{
		{"portable select", "SELECT 'x;y' AS c -- z", true},
		{"postgres dollar quote with semicolon", "SELECT $$;$$", false},
		{"oracle q-quote", "SELECT q'[it's]' FROM dual", false},             // PostgreSQL reads an unterminated string
		{"postgres nested comment", "SELECT /* /* */ ; DELETE */ 1", false}, // Oracle ends the comment early
		{"delete", "DELETE FROM t", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(tt.query)
			if tt.wantOK {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, ErrRefused)
			}
		})
	}
}

func TestErrorDoesNotRepeatQuery(t *testing.T) {
	const secret = "s3cr3t-literal"
	for _, q := range []string{
		"SELECT '" + secret + "'; DELETE FROM t",
		"DELETE FROM t WHERE p = '" + secret + "'",
		"SELECT '" + secret,
		"SELECT pg_sleep(1) WHERE '" + secret + "' = ''",
	} {
		err := CheckDialect(PostgreSQL, q)
		require.Error(t, err)
		assert.NotContains(t, err.Error(), secret)
	}
	// A long leading word is cut.
	err := CheckDialect(PostgreSQL, strings.Repeat("x", 200))
	require.Error(t, err)
	assert.Less(t, len(err.Error()), 150)
}

func TestDialectString(t *testing.T) {
	assert.Equal(t, "postgresql", PostgreSQL.String())
	assert.Equal(t, "oracle", Oracle.String())
	assert.Equal(t, "dialect(7)", Dialect(7).String())
}
