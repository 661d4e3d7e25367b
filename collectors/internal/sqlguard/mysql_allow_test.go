package sqlguard

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMySQLAccepts(t *testing.T) {
	tests := []struct{ name, query string }{
		{"plain", "SELECT 1"},
		{"version", "SELECT VERSION(), @@version_comment, @@global.max_connections, @@session.sql_mode;"},
		{"global variables", "SELECT VARIABLE_NAME, VARIABLE_VALUE FROM information_schema.GLOBAL_VARIABLES WHERE VARIABLE_NAME IN ('wait_timeout', 'interactive_timeout') ORDER BY 1"},
		{"backquoted", "SELECT `User`, `Host` FROM `mysql`.`user` WHERE `User` <> ''"},
		{"doubled backquote", "SELECT 1 AS `a``b; DELETE`"},
		{"join and alias", "SELECT u.User, p.PRIVILEGE_TYPE FROM mysql.user AS u JOIN information_schema.USER_PRIVILEGES p ON p.GRANTEE = CONCAT('''', u.User, '''@''', u.Host, '''')"},
		{"comma join", "SELECT a.x, b.y FROM performance_schema.threads a, performance_schema.session_connect_attrs b WHERE a.PROCESSLIST_ID = b.PROCESSLIST_ID"},
		{"hash comment", "SELECT 1 # ; DELETE FROM t\n"},
		{"dash comment", "SELECT 1 -- ; DELETE FROM t"},
		{"dash comment at the end", "SELECT 1 --"},
		{"double minus is arithmetic", "SELECT 1--1"},
		{"block comment", "SELECT /* ; DELETE */ 1"},
		{"backslash escape", `SELECT 'it\'s; DELETE FROM t' AS s`},
		{"double-quoted string", `SELECT "a\"b; INTO OUTFILE" AS s`},
		{"keywords in strings", "SELECT 'SLEEP(5) INTO OUTFILE FOR UPDATE' AS s"},
		{"executable comment", "SELECT /*! 1 + */ 1"},
		{"versioned executable comment", "SELECT 1 /*!50110 + 2 */"},
		{"mariadb executable comment", "SELECT 1 /*M!100500 + 2 */"},
		{"cte", "WITH v AS (SELECT VARIABLE_NAME n FROM information_schema.GLOBAL_VARIABLES) SELECT n FROM v"},
		{"cte columns", "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 3) SELECT n FROM c"},
		{"cast", "SELECT CAST(VARIABLE_VALUE AS DECIMAL(20, 0)) FROM performance_schema.global_variables"},
		{"convert", "SELECT CONVERT(x USING utf8mb4), CONVERT(x, CHAR(10)) FROM dual"},
		{"substring", "SELECT SUBSTRING('abc' FROM 1 FOR 2), EXTRACT(YEAR FROM NOW()), TRIM(LEADING 'a' FROM 'ab')"},
		{"count star", "SELECT COUNT(*) FROM mysql.user"},
		{"group concat", "SELECT GROUP_CONCAT(DISTINCT User ORDER BY User SEPARATOR ',') FROM mysql.user"},
		{"hex and binary", "SELECT 0x41, 0b01, X'41', _utf8mb4'a'"},
		{"digit-led identifier", "SELECT 1abc FROM information_schema.tables"},
		{"subquery", "SELECT (SELECT COUNT(*) FROM mysql.db) AS n, x FROM (SELECT 1 AS x) AS d"},
		{"in list", "SELECT 1 FROM dual WHERE 1 IN (1, 2)"},
		{"plugin", "SELECT PLUGIN_NAME, PLUGIN_STATUS FROM information_schema.PLUGINS WHERE PLUGIN_NAME = 'server_audit'"},
		{"replace function", "SELECT REPLACE('a', 'b', 'c')"},
		{"window", "SELECT ROW_NUMBER() OVER (PARTITION BY Host ORDER BY User) FROM mysql.user"},
		{"account without password", "SELECT User, Host FROM mysql.user WHERE plugin IN ('mysql_native_password', '')"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.NoError(t, CheckDialect(MySQL, tc.query))
		})
	}
}

func TestMySQLRefuses(t *testing.T) {
	tests := []struct{ name, query, reason string }{
		{"into outfile", "SELECT 1 INTO OUTFILE '/tmp/x'", "INTO"},
		{"into dumpfile", "SELECT 1 INTO DUMPFILE '/tmp/x'", "INTO"},
		{"into variable", "SELECT 1 INTO @v", "INTO"},
		{"into outfile in an executable comment", "SELECT 1 /*! INTO OUTFILE '/tmp/x' */", "INTO"},
		{"into in a versioned comment", "SELECT 1 /*!99999 INTO OUTFILE '/tmp/x' */", "INTO"},
		{"into in a mariadb comment", "SELECT 1 /*M! INTO OUTFILE '/tmp/x' */", "INTO"},
		{"into in a six-digit mariadb comment", "SELECT 1 /*M!100100 INTO DUMPFILE '/tmp/x' */", "INTO"},
		{"load_file", "SELECT LOAD_FILE('/etc/passwd')", "reads a server file"},
		{"load_file in a comment", "SELECT /*!LOAD_FILE('/etc/passwd')*/", "reads a server file"},
		{"for update", "SELECT User FROM mysql.user FOR UPDATE", "FOR"},
		{"for share", "SELECT User FROM mysql.user FOR SHARE", "FOR"},
		{"lock in share mode", "SELECT User FROM mysql.user LOCK IN SHARE MODE", "locking"},
		{"for update in a comment", "SELECT User FROM mysql.user /*!50000 FOR UPDATE */", "FOR"},
		{"get_lock", "SELECT GET_LOCK('x', 10)", "named locks"},
		{"release_lock", "SELECT RELEASE_LOCK('x')", "named locks"},
		{"is_free_lock", "SELECT IS_FREE_LOCK('x')", "named locks"},
		{"sleep", "SELECT SLEEP(5)", "wait"},
		{"sleep lower case", "select sleep(5)", "wait"},
		{"benchmark", "SELECT BENCHMARK(1000000000, MD5('x'))", "burn"},
		{"stored function", "SELECT mydb.f(1)", "stored function"},
		{"qualified builtin name", "SELECT mysql.abs(1)", "stored function"},
		{"digit-led qualified", "SELECT mysql.1abs(1)", "stored function"},
		{"backquoted call", "SELECT `abs`(1)", "stored or user-defined"},
		{"spaced call", "SELECT abs (1)", "space"},
		{"comment between name and paren", "SELECT abs/**/(1)", "space"},
		{"executable name", "SELECT /*!sleep*/(5)", "space"},
		{"unknown function", "SELECT my_udf(1)", "allow-list"},
		{"sys_exec", "SELECT sys_exec('id')", "runs commands"},
		{"two statements", "SELECT 1; SELECT 2", "more than one statement"},
		{"statement in an executable comment", "SELECT 1 /*!; DROP TABLE t */", "more than one statement"},
		{"hash comment does not hide a second line", "SELECT 1 # x\n; DROP TABLE t", "more than one statement"},
		{"dash without space is code", "SELECT 1 --1; DROP TABLE t", "more than one statement"},
		{"show", "SHOW VARIABLES", "only SELECT"},
		{"set", "SET SESSION sql_mode = ''", "only SELECT"},
		{"set in a comment", "/*! SET sql_mode = '' */ SELECT 1", "only SELECT"},
		{"insert", "INSERT INTO t VALUES (1)", "only SELECT"},
		{"replace statement", "SELECT 1 FROM dual WHERE 1 = 1 UNION REPLACE t", "REPLACE"},
		{"delete in subquery", "SELECT (DELETE FROM t)", "DELETE"},
		{"user variable", "SELECT @x", "user variables"},
		{"quoted user variable", "SELECT @'x'", "user variables"},
		{"assignment", "SELECT @@x := 1", "assignments"},
		{"optimizer hint", "SELECT /*+ MAX_EXECUTION_TIME(0) */ 1", "optimizer hints"},
		{"set_var hint", "SELECT /*+ SET_VAR(sql_mode='') */ 1", "optimizer hints"},
		{"user table", "SELECT a FROM app.secrets", "information_schema"},
		{"unqualified table", "SELECT a FROM secrets", "information_schema"},
		{"upper-case mysql", "SELECT a FROM MYSQL.user", "information_schema"},
		{"global_priv", "SELECT Host FROM mysql.global_priv", "password hashes"},
		{"general log", "SELECT argument FROM mysql.general_log", "statement text"},
		{"authentication string", "SELECT authentication_string FROM mysql.user", "password hashes"},
		{"password column", "SELECT `Password` FROM mysql.user", "password hashes"},
		{"select star", "SELECT * FROM mysql.user", "name the columns"},
		{"table star", "SELECT u.* FROM mysql.user u", "name the columns"},
		{"procedure analyse", "SELECT 1 FROM dual PROCEDURE ANALYSE()", "PROCEDURE"},
		{"next value", "SELECT NEXT VALUE FOR s", "sequence"},
		{"nextval", "SELECT NEXTVAL(s)", "sequence"},
		{"json_table", "SELECT j.a FROM JSON_TABLE('[]', '$[*]' COLUMNS(a INT PATH '$')) j", "not needed"},
		{"string as name", `SELECT "sleep"(5)`, "string before"},
		{"unterminated string", `SELECT 'a\'`, "unterminated"},
		{"unterminated executable comment", "SELECT 1 /*! + 1", "unterminated executable comment"},
		{"line comment in an executable comment", "SELECT 1 /*!99999 # */ , SLEEP(1)\n*/", "line comment"},
		{"string holding the end in an executable comment", "SELECT 1 /*!99999 '*/ INTO OUTFILE '/tmp/x' -- ' */", "inside a string"},
		{"comment in a comment", "SELECT /* /*! */ 1", "comment inside"},
		{"four-digit version", "SELECT 1 /*!5011 + 1 */", "5 digits"},
		{"six-digit mysql version", "SELECT 1 /*!100100 + 1 */", "5 digits"},
		{"backslash outside a string", `SELECT \N`, "outside a string"},
		{"nul", "SELECT 1\x00; DROP TABLE t", "NUL"},
		{"values statement", "VALUES ROW(1)", "only SELECT"},
		{"table statement", "TABLE mysql.user", "only SELECT"},
		{"handler", "HANDLER t OPEN", "only SELECT"},
		{"too many executable comments", "SELECT /*! 1*/ + /*! 1*/ + /*! 1*/ + /*! 1*/ + /*! 1*/", "more than 4"},
		{"sleep after a comma", "SELECT 1, SLEEP(1)", "wait"},
		{"cte column list is only a definition", "WITH c AS (SELECT 1 x) SELECT x, SLEEP(1) FROM c", "wait"},
		{"dollar-led name", "SELECT $abs(1)", "outside a string"},
		{"non-ascii name folding to a built-in", "SELECT ab\u017f(1)", "ASCII"},
		{"non-ascii schema", "SELECT a FROM \u0131nformation_schema.tables", "ASCII"},
		{"table after union", "SELECT 1 UNION TABLE app.t", "TABLE"},
		{"user table in a subquery", "SELECT (SELECT a FROM app.t)", "information_schema"},
		{"user table in a joined list", "SELECT 1 FROM mysql.user JOIN (app.t, mysql.db) ON 1", "information_schema"},
		{"user table in extract", "SELECT EXTRACT(YEAR FROM (SELECT d FROM app.t))", "information_schema"},
		{"sleep in a cte", "WITH c AS (SELECT SLEEP(1) x) SELECT x FROM c", "wait"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckDialect(MySQL, tc.query)
			require.Error(t, err)
			assert.True(t, errors.Is(err, ErrRefused))
			assert.Contains(t, err.Error(), tc.reason)
			var ge *Error
			require.True(t, errors.As(err, &ge))
			assert.LessOrEqual(t, ge.Offset, len(tc.query))
			// The refusal never repeats the query beyond a name.
			if len(tc.query) > 40 {
				assert.NotContains(t, err.Error(), tc.query)
			}
		})
	}
}

// TestMySQLReadings: an executable comment's code is checked with and
// without it, since whether the server runs it depends on its version.
func TestMySQLReadings(t *testing.T) {
	toks, n, err := lexMySQL("SELECT 1 /*!50000 + 2 */ /*M! + 3 */")
	require.NoError(t, err)
	require.Equal(t, 2, n)
	rs := readings(toks, n)
	require.Len(t, rs, 4)
	var got []string
	for _, r := range rs {
		var b strings.Builder
		for _, tk := range r {
			b.WriteString(tk.text)
		}
		got = append(got, b.String())
	}
	assert.Equal(t, []string{"SELECT1", "SELECT1+2", "SELECT1+3", "SELECT1+2+3"}, got)
}
