package sqlguard

import (
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/internal/testutil"
)

func TestOracleAllowListAccepts(t *testing.T) {
	tests := []struct{ name, query string }{
		{"dictionary view", "SELECT username, account_status FROM dba_users WHERE account_status = 'OPEN'"},
		{"sys qualified", "SELECT u.username FROM sys.dba_users u"},
		{"quoted sys and view", `SELECT "U".username FROM "SYS"."DBA_USERS" "U"`},
		{"v$ and gv$", "SELECT p.name, g.inst_id FROM v$parameter p, gv$instance g"},
		{"cdb and all and user views", "SELECT c.con_id FROM cdb_users c JOIN all_users a ON a.username = c.username LEFT OUTER JOIN user_users s ON s.username = a.username"},
		{"dual and session views", "SELECT privilege FROM session_privs UNION SELECT role FROM session_roles UNION SELECT dummy FROM dual"},
		{"unified audit", "SELECT COUNT(*) FROM unified_audit_trail WHERE action_name = 'LOGON'"},
		{"default passwords by name", "SELECT username FROM dba_users_with_defpwd"},
		{"string and numeric functions", "SELECT UPPER(TRIM(name)), LENGTH(value), NVL(value, 'x'), DECODE(isdefault, 'TRUE', 1, 0), ROUND(1.5), MOD(7, 2) FROM v$parameter"},
		{"regexp", "SELECT REGEXP_SUBSTR(name, '^.*/') FROM v$controlfile WHERE REGEXP_LIKE(name, '^/u0[0-9]')"},
		{"extract from is not a clause", "SELECT EXTRACT(YEAR FROM created), TRIM(BOTH ' ' FROM username) FROM dba_users"},
		{"cast with precision", "SELECT CAST(username AS VARCHAR2(30)), CAST(created AS TIMESTAMP(6)) FROM dba_users"},
		{"interval", "SELECT created + INTERVAL '1' DAY(3) FROM dba_users"},
		{"case and exists", "SELECT CASE WHEN EXISTS (SELECT 1 FROM v$rsrc_plan p WHERE p.name = d.plan) THEN 'YES' ELSE 'NO' END FROM dba_rsrc_plan_directives d"},
		{"analytic", "SELECT ROW_NUMBER() OVER (PARTITION BY profile ORDER BY username), LISTAGG(username, ',') WITHIN GROUP (ORDER BY username) FROM dba_users GROUP BY profile, username"},
		{"keep dense rank", "SELECT MAX(username) KEEP (DENSE_RANK FIRST ORDER BY created) FROM dba_users"},
		{"correlated subquery sees outer alias", "SELECT u.username FROM dba_users u WHERE NOT EXISTS (SELECT 1 FROM dba_role_privs r WHERE r.grantee = u.username)"},
		{"scalar subquery in select list", "SELECT (SELECT COUNT(*) FROM dba_role_privs r WHERE r.grantee = u.username) FROM dba_users u"},
		{"inline view", "SELECT x.username FROM (SELECT u.username FROM dba_users u) x"},
		{"nested inline view", "SELECT x.n FROM ((SELECT 1 AS n FROM dual)) x"},
		{"cte", "WITH r AS (SELECT grantee FROM dba_role_privs WHERE granted_role = 'DBA') SELECT r.grantee FROM r"},
		{"recursive cte with columns", "WITH t (n) AS (SELECT 1 FROM dual UNION ALL SELECT t.n + 1 FROM t WHERE t.n < 5) SELECT n FROM t"},
		{"two ctes", "WITH a AS (SELECT 1 AS n FROM dual), b AS (SELECT a.n FROM a) SELECT b.n FROM b"},
		{"cte in parentheses", "(WITH a AS (SELECT 1 AS n FROM dual) SELECT a.n FROM a)"},
		{"old outer join", "SELECT u.username FROM dba_users u, dba_profiles p WHERE u.profile = p.profile(+)"},
		{"quoted column", `SELECT p."LIMIT" FROM dba_profiles p`},
		{"hint and comments", "SELECT /*+ FIRST_ROWS(1) */ -- first\n name FROM v$parameter"},
		{"q-quote literal holding names", "SELECT q'[sys.user$ @link dbms_lock.sleep(1)]' FROM dual"},
		{"sys_context userenv", "SELECT SYS_CONTEXT('USERENV', 'CON_NAME'), SYS_CONTEXT('userenv', 'db_name', 64) FROM dual"},
		{"connect by", "SELECT LEVEL FROM dual CONNECT BY LEVEL < 3"},
		{"count star", "SELECT COUNT(*) FROM dba_users HAVING COUNT(*) > 0"},
		{"multiplication is not a star projection", "SELECT 2 * 3 FROM dual"},
		{"fetch first", "SELECT username FROM dba_users ORDER BY 1 FETCH FIRST 5 ROWS ONLY"},
		{"bind variable", "SELECT username FROM dba_users WHERE username = :1"},
		{"sysdate and user", "SELECT SYSDATE, USER, ROWNUM FROM dual"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.NoError(t, CheckDialect(Oracle, tt.query))
		})
	}
}

func TestOracleAllowListRefuses(t *testing.T) {
	tests := []struct{ name, query, reason string }{
		// Reproduced: network and file access, sleeping, password hashes.
		{"urifactory", "SELECT SYS.URIFACTORY.GETURI('http://attacker/x').GETCLOB() FROM dual", "qualified name SYS.URIFACTORY.GETURI"},
		{"httpuritype", "SELECT HTTPURITYPE('http://attacker/').GETCLOB() FROM dual", "httpuritype"},
		{"bfilename", "SELECT BFILENAME('DATA_PUMP_DIR', 'x.dmp') FROM dual", "function BFILENAME"},
		{"read2clob", "SELECT DBMS_XSLPROCESSOR.READ2CLOB('DIR', 'f') FROM dual", "qualified name DBMS_XSLPROCESSOR.READ2CLOB"},
		{"xmltype external dtd", `SELECT XMLTYPE('<!DOCTYPE x SYSTEM "http://attacker/x.dtd"><x/>') FROM dual`, "function XMLTYPE"},
		{"extractvalue xxe", "SELECT EXTRACTVALUE(XMLTYPE('<x/>'), '/x') FROM dual", "function EXTRACTVALUE"},
		{"user_lock sleep", "SELECT USER_LOCK.SLEEP(1000) FROM dual", "qualified name USER_LOCK.SLEEP"},
		{"dbms_lock deny-list still names it", "SELECT sys.dbms_lock.sleep(10) FROM dual", "dbms_lock"},
		{"user$", "SELECT name, password, spare4 FROM sys.user$", "PASSWORD holds secrets"},
		{"user$ by name", "SELECT name FROM sys.user$", "USER$"},
		{"quoted user$", `SELECT "NAME" FROM "SYS"."USER$"`, "USER$"},
		{"lower-case quoted view is another object", `SELECT username FROM "dba_users"`, "relation dba_users"},
		{"link$", "SELECT name FROM sys.link$", "LINK$"},
		{"x$ fixed table", "SELECT ksppinm FROM x$ksppi", "X$KSPPI"},
		{"dba_users password column", "SELECT username, password FROM dba_users", "PASSWORD"},
		{"db link password column", "SELECT db_link, passwordx FROM dba_db_links", "PASSWORDX"},
		{"audit trail statement text", "SELECT sql_text FROM unified_audit_trail", "SQL_TEXT"},
		{"audit trail binds", "SELECT sql_binds FROM unified_audit_trail", "SQL_BINDS"},
		{"select star", "SELECT * FROM dba_users", "SELECT *"},
		{"select star after hint", "SELECT /*+ ALL_ROWS */ * FROM dba_db_links", "SELECT *"},
		{"alias star", "SELECT u.* FROM dba_users u", "SELECT *"},
		{"distinct star", "SELECT DISTINCT * FROM dba_users", "SELECT *"},
		{"v$sql text", "SELECT sql_id FROM v$sql", "statement text"},
		{"bind capture", "SELECT name FROM v$sql_bind_capture", "statement text"},
		{"source code", "SELECT line FROM dba_source", "program text"},
		{"job arguments", "SELECT job_name FROM dba_scheduler_job_args", "program text"},
		// Relations outside the dictionary.
		{"application table", "SELECT ename FROM emp", "relation EMP is not a dictionary view"},
		{"other schema", "SELECT ename FROM scott.emp", "only SYS may qualify"},
		{"other schema's dictionary look-alike", "SELECT username FROM scott.dba_users", "only SYS may qualify"},
		{"three part name", "SELECT 1 FROM a.b.c", "relation A.B.C"},
		{"db link", "SELECT username FROM dba_users@remote", "database links"},
		{"db link on a cte", "WITH r AS (SELECT 1 FROM dual@remote) SELECT 1 FROM r", "database links"},
		{"join to application table", "SELECT u.username FROM dba_users u JOIN emp e ON e.ename = u.username", "relation EMP"},
		{"comma join to application table", "SELECT u.username FROM dba_users u, emp e", "relation EMP"},
		{"application table in subquery", "SELECT 1 FROM dual WHERE EXISTS (SELECT 1 FROM emp)", "relation EMP"},
		{"application table in scalar subquery", "SELECT (SELECT MAX(sal) FROM emp) FROM dual", "relation EMP"},
		{"parenthesised join", "SELECT 1 FROM (dba_users u JOIN emp e ON 1 = 1)", "must be a subquery"},
		{"doubly parenthesised join", "SELECT 1 FROM ((emp CROSS JOIN dual))", "must be a subquery"},
		{"table function", "SELECT column_value FROM TABLE(sys.odcivarchar2list('a'))", "relation TABLE"},
		{"containers", "SELECT username FROM CONTAINERS(dba_users)", "relation CONTAINERS"},
		{"partition clause", "SELECT 1 FROM dba_users PARTITION (p1)", "function PARTITION"},
		{"string as relation", "SELECT 1 FROM 'dba_users'", "table reference must be"},
		// Calls.
		{"unknown function", "SELECT my_func(1) FROM dual", "function MY_FUNC is not on the Oracle allow-list"},
		{"schema function", "SELECT scott.f(1) FROM dual", "qualified name SCOTT.F"},
		{"quoted function name", `SELECT "UPPER"('x') FROM dual`, "quoted name"},
		{"dbms_random", "SELECT DBMS_RANDOM.VALUE(1, 2) FROM dual", "DBMS_RANDOM.VALUE"},
		{"utl_inaddr", "SELECT UTL_INADDR.GET_HOST_ADDRESS('attacker') FROM dual", "utl_inaddr"},
		{"dbms_xmlgen deny-list", "SELECT DBMS_XMLGEN.GETXML('select 1 from dual') FROM dual", "dbms_xmlgen"},
		{"package function without parentheses", "SELECT dbms_random.value FROM dual", "is not a table alias or relation"},
		{"schema function without parentheses", "SELECT sys.some_function FROM dual", "is not a table alias or relation"},
		{"alias of a sibling under union", "SELECT dbms_random.value FROM dual UNION ALL SELECT 1 FROM dual dbms_random", "is not a table alias or relation"},
		{"alias of a sibling scalar subquery", "SELECT (SELECT dbms_random.value FROM dual), (SELECT 1 FROM dual dbms_random) FROM dual", "is not a table alias or relation"},
		{"inline view cannot see outer alias", "SELECT 1 FROM dual dbms_random, (SELECT dbms_random.value FROM dual)", "is not a table alias or relation"},
		{"cast to a type that is not one", "SELECT NUMBER(5) FROM dual", "function NUMBER"},
		{"type word outside cast", "SELECT DAY(1) FROM dual", "function DAY"},
		{"sys_context of an application namespace", "SELECT SYS_CONTEXT('APP_CTX', 'SSN') FROM dual", "SYS_CONTEXT"},
		{"sys_context of an unlisted parameter", "SELECT SYS_CONTEXT('USERENV', 'CLIENT_IDENTIFIER') FROM dual", "SYS_CONTEXT"},
		{"sys_context with an expression", "SELECT SYS_CONTEXT('USERENV', 'DB_' || 'NAME') FROM dual", "SYS_CONTEXT"},
		{"sys_context q-quote", "SELECT SYS_CONTEXT(q'[USERENV]', 'DB_NAME') FROM dual", "SYS_CONTEXT"},
		{"non-ascii identifier", "SELECT 1 FROM dba_uſers", "non-ASCII"},
		{"empty quoted identifier", `SELECT "" FROM dual`, "empty quoted"},
		{"unbalanced", "SELECT 1 FROM dual)", "unbalanced"},
		// CTE scope: a name is a CTE only where Oracle reads it as one.
		{"nested with does not cover the outer query", "SELECT 1 FROM (WITH emp AS (SELECT 1 AS n FROM dual) SELECT n FROM emp) x, emp", "relation EMP"},
		{"cte used before its definition", "WITH a AS (SELECT 1 FROM emp2), emp2 AS (SELECT 1 FROM dual) SELECT 1 FROM a", "relation EMP2"},
		{"with in a subquery defines nothing", "SELECT 1 FROM dual WHERE EXISTS (WITH e AS (SELECT 1 FROM dual) SELECT 1 FROM e)", "relation E"},
		// Unreserved words before '(' are calls.
		{"over without an aggregate", "SELECT OVER(1) FROM dual", "function OVER"},
		{"first is a call", "SELECT FIRST(1) FROM dual", "function FIRST"},
		{"join outside from", "SELECT JOIN(1) FROM dual", "JOIN outside a FROM clause"},
		{"join as a column", "SELECT JOIN a", "JOIN outside a FROM clause"},
		{"keyword as a package", "SELECT 1 FROM dual a LEFT JOIN dual b ON LEFT.UPPER(1) = 1", "'.' must join"},
		{"dot after select", "SELECT.EXTRACT(YEAR FROM SYSDATE) FROM dual", "'.' must join"},
		{"group outside within group", "SELECT GROUP(1) FROM dual", "function GROUP"},
		{"day after a string without interval", "SELECT 'a' DAY(1) FROM dual", "function DAY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckDialect(Oracle, tt.query)
			require.Error(t, err)
			var ge *Error
			require.True(t, errors.As(err, &ge))
			assert.Contains(t, ge.Reason, tt.reason)
			assert.True(t, ge.Offset >= 0 && ge.Offset <= len(tt.query))
		})
	}
}

// Every query the built-in Oracle checks send (sql57 objects of
// builtin/oracle-12c-oval.xml and oracle-19c-oval.xml; those built with an
// organization-defined number are run through the real guard by
// builtin/oracletest) and the collector's own queries pass.
func TestOracleBuiltinQueriesAccepted(t *testing.T) {
	for file, least := range map[string]int{"oracle-12c-oval.xml": 80, "oracle-19c-oval.xml": 50} {
		f, err := os.Open(filepath.Join(testutil.RepoRoot(t), "builtin", file))
		require.NoError(t, err)
		dec := xml.NewDecoder(f)
		n := 0
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			require.NoError(t, err)
			se, ok := tok.(xml.StartElement)
			if !ok || se.Name.Local != "sql" {
				continue
			}
			var q string
			require.NoError(t, dec.DecodeElement(&q, &se))
			if strings.TrimSpace(q) == "" {
				continue // a state's sql entity
			}
			n++
			assert.NoError(t, CheckDialect(Oracle, q), "%s: %s", file, q)
		}
		f.Close()
		assert.Greater(t, n, least, "%s: sql57 objects found", file)
	}
	// The multitenant and 19c views the 19c checks read are read-only
	// dictionary views the allow-list already admits by family (CDB_, V$,
	// DBA_); program source stays refused.
	for _, q := range []string{
		`SELECT u.con_id, u.username FROM cdb_users u LEFT JOIN cdb_profiles p ON p.con_id = u.con_id AND p.profile = u.profile`,
		`SELECT c.con_id, c.name, c.open_mode FROM v$containers c WHERE c.name <> 'PDB$SEED'`,
		`SELECT p.con_id, p.name, p.open_mode FROM v$pdbs p`,
		`SELECT pd.con_id, pd.max_idle_time FROM cdb_rsrc_plan_directives pd JOIN v$rsrc_plan ap ON ap.con_id = pd.con_id`,
		`SELECT sp.policy_name, sp.status FROM dba_sa_policies sp`,
		`SELECT u.username, u.password_versions, u.external_name FROM dba_users u`,
		`SELECT ae.policy_name FROM audit_unified_enabled_policies ae WHERE ae.user_name = 'ALL USERS'`,
	} {
		assert.NoError(t, CheckDialect(Oracle, q), "%s", q)
	}
	assert.ErrorContains(t, CheckDialect(Oracle, "SELECT s.text FROM cdb_source s"), "program text")
	for _, q := range []string{
		"SELECT instance_name, host_name, version FROM v$instance",
		`SELECT profile, resource_name, resource_type, "LIMIT" FROM dba_profiles`,
		`SELECT username, account_status, profile, authentication_type FROM dba_users WHERE account_status = 'OPEN'`,
		`SELECT name, value, isdefault FROM v$parameter WHERE name IN ('a', 'b')`,
		`SELECT d.plan, d.group_or_subplan, d.type, d.max_idle_time,
		CASE WHEN EXISTS (SELECT 1 FROM v$rsrc_plan p WHERE p.name = d.plan AND p.is_top_plan = 'TRUE') THEN 'YES' ELSE 'NO' END
		FROM dba_rsrc_plan_directives d`,
		`SELECT sid, username, status, last_call_et, logon_time, program, machine FROM v$session WHERE type = 'USER'`,
	} {
		assert.NoError(t, CheckDialect(Oracle, q), "%s", q)
	}
}

func TestOracleErrorsDoNotRepeatLiterals(t *testing.T) {
	const secret = "s3cr3t-literal"
	for _, q := range []string{
		"SELECT '" + secret + "' FROM emp",
		"SELECT SYS_CONTEXT('" + secret + "', 'x') FROM dual",
		"SELECT bfilename('" + secret + "', 'x') FROM dual",
	} {
		err := CheckDialect(Oracle, q)
		require.Error(t, err)
		assert.NotContains(t, err.Error(), secret)
	}
	err := CheckDialect(Oracle, "SELECT "+strings.Repeat("f", 300)+"(1) FROM dual")
	require.Error(t, err)
	assert.Less(t, len(err.Error()), 200)
}
