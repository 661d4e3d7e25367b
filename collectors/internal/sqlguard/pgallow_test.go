package sqlguard

import (
	"errors"
	"html"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// builtinQueries are the SQL texts of the built-in PostgreSQL checks of
// every release (9.x, Crunchy Data, Postgres 16), each once.
func builtinQueries(t testing.TB) []string {
	var out []string
	seen := map[string]bool{}
	for _, f := range []string{"postgres-9x-oval.xml", "crunchy-pg-oval.xml", "postgres-16-oval.xml"} {
		raw, err := os.ReadFile("../../../builtin/" + f)
		require.NoError(t, err)
		for _, m := range regexp.MustCompile(`(?s)<(?:\w+:)?sql>(.*?)</(?:\w+:)?sql>`).FindAllStringSubmatch(string(raw), -1) {
			q := strings.TrimSpace(html.UnescapeString(m[1]))
			if !seen[q] {
				seen[q] = true
				out = append(out, q)
			}
		}
	}
	require.NotEmpty(t, out)
	return out
}

func TestPostgresAllowsBuiltinChecks(t *testing.T) {
	found := false
	for _, q := range builtinQueries(t) {
		assert.NoError(t, CheckDialect(PostgreSQL, q), q)
		found = found || q == PasswordStorageQuery
	}
	assert.True(t, found, "the built-in password-storage check no longer matches PasswordStorageQuery")
}

func TestPostgresAllowList(t *testing.T) {
	accept := []struct{ name, query string }{
		{"catalog view unqualified", "SELECT rolname FROM pg_roles"},
		{"catalog view qualified and quoted", `SELECT 1 FROM "pg_catalog"."pg_settings" s`},
		{"information schema", "SELECT table_name FROM information_schema.tables"},
		{"cte", "WITH x AS (SELECT 1 AS a) SELECT a FROM x"},
		{"cte with columns", "WITH x(a) AS (SELECT 1) SELECT a FROM x"},
		{"joined table in parentheses", "SELECT 1 FROM (pg_roles r JOIN pg_auth_members m ON m.member = r.oid)"},
		{"lateral function", "SELECT a.privilege_type FROM pg_class c, LATERAL aclexplode(c.relacl) AS a"},
		{"casts", "SELECT '1'::int4, CAST('2' AS numeric(10, 2)), 'x'::pg_catalog.text, '3'::varchar(3)"},
		{"distinct from", "SELECT 1 FROM pg_roles WHERE rolname IS DISTINCT FROM 'x'"},
		{"extract", "SELECT extract(epoch FROM pg_catalog.now()), substring('abc' FROM 1 FOR 2), trim(both 'x' FROM 'xax')"},
		{"array subquery", "SELECT ARRAY(SELECT rolname FROM pg_roles)"},
		{"catalog operator", "SELECT 1 OPERATOR(pg_catalog.+) 2"},
		{"reviewed volatile", "SELECT clock_timestamp()"},
		{"pg_ident.conf as the server parses it", "SELECT map_name, sys_name, pg_username FROM pg_catalog.pg_ident_file_mappings WHERE error IS NULL"},
		{"lateral unnest of hba options", "SELECT m.map FROM pg_hba_file_rules r LEFT JOIN LATERAL (SELECT substr(o, 5) AS map FROM unnest(r.options) AS o WHERE o LIKE 'map=%' LIMIT 1) AS m ON true"},
	}
	for _, tt := range accept {
		t.Run("accept/"+tt.name, func(t *testing.T) {
			assert.NoError(t, CheckDialect(PostgreSQL, tt.query))
		})
	}
	refuse := []struct{ name, query, reason string }{
		{"user table", "SELECT * FROM t", "relation t is not an allowed"},
		{"user schema table", "SELECT * FROM public.accounts", "relation public.accounts"},
		{"user view in a join", "SELECT 1 FROM pg_roles r JOIN public.v ON true", "relation public.v"},
		{"user table after a comma", "SELECT 1 FROM pg_roles r, app.secrets s", "relation app.secrets"},
		{"user table in parentheses", "SELECT 1 FROM (pg_roles r JOIN app.t x ON true)", "relation app.t"},
		{"user table in a subquery", "SELECT (SELECT count(*) FROM app.t)", "relation app.t"},
		{"user table in array()", "SELECT ARRAY(SELECT a FROM app.t)", "relation app.t"},
		{"distinct with an empty list", "SELECT DISTINCT FROM public.t", "relation public.t"},
		{"from in a parenthesized expression", "SELECT (FROM a.b)", "relation a.b"},
		{"unclosed parenthesis", "SELECT (1", "unbalanced"},
		{"three-part name", "SELECT 1 FROM db.pg_catalog.pg_roles", "schema.relation"},
		{"pg_temp", "SELECT 1 FROM pg_temp.x", "relation pg_temp.x"},
		{"table command", "WITH x AS (TABLE pg_roles) SELECT 1 FROM x", "TABLE"},
		{"pg_authid", "SELECT rolpassword FROM pg_authid", "password hashes"},
		{"pg_authid qualified", "SELECT rolpassword FROM pg_catalog.pg_authid", "password hashes"},
		{"pg_authid upper case", "SELECT 1 FROM PG_AUTHID", "password hashes"},
		{"pg_shadow", "SELECT passwd FROM pg_shadow", "password hashes"},
		{"pg_authid behind a cte of its name", "SELECT (WITH pg_authid AS (SELECT 1) SELECT 1), rolpassword FROM pg_authid", "password hashes"},
		{"user mappings", "SELECT umoptions FROM pg_user_mappings", "user-mapping"},
		{"statistics", "SELECT most_common_vals FROM pg_stats", "sample values"},
		{"large objects", "SELECT data FROM pg_largeobject", "large-object"},
		{"password query altered", PasswordStorageQuery + " LIMIT 1", "password hashes"},
		{"user function", "SELECT public.f(1)", "function public.f is not allowed"},
		{"unknown function", "SELECT heap_force_kill('t'::regclass, ARRAY[]::tid[])", "heap_force_kill"},
		{"user operator", "SELECT 'a' OPERATOR(public.||) 'b'", "OPERATOR"},
		{"user type cast", "SELECT 'x'::public.evil", "type public.evil"},
		{"user type in cast()", "SELECT CAST('x' AS public.evil)", "type public.evil"},
		{"user type literal", "SELECT public.evil 'x'", "type public.evil"},
		{"read file", "SELECT pg_read_file('/etc/passwd')", "reads server files"},
		{"read binary file", "SELECT pg_catalog.pg_read_binary_file('PG_VERSION')", "reads server files"},
		{"list directory", "SELECT * FROM pg_ls_dir('.')", "reads server files"},
		{"stat file", "SELECT pg_stat_file('postgresql.conf')", "reads server files"},
		{"brin summarize", "SELECT brin_summarize_new_values('i'::regclass)", "brin_summarize_new_values"},
		{"brin desummarize", "SELECT brin_desummarize_range('i'::regclass, 0)", "brin_desummarize_range"},
		{"gin clean", "SELECT gin_clean_pending_list('i'::regclass)", "gin_clean_pending_list"},
		{"autoprewarm", "SELECT autoprewarm_dump_now()", "autoprewarm_dump_now"},
		{"query_to_xml", "SELECT query_to_xml('select 1', true, true, '')", "query_to_xml"},
		{"txid_current", "SELECT txid_current()", "transaction id"},
		{"quoted name is not folded", `SELECT "LOWER"('x')`, "LOWER"},
		{"unbalanced", "SELECT (1))", "unbalanced"},
	}
	for _, tt := range refuse {
		t.Run("refuse/"+tt.name, func(t *testing.T) {
			err := CheckDialect(PostgreSQL, tt.query)
			require.Error(t, err)
			var ge *Error
			require.True(t, errors.As(err, &ge))
			assert.Contains(t, ge.Reason, tt.reason)
		})
	}
}

// The generated list keeps out what the exclusions name and every
// function the built-in checks call is on it.
func TestPostgresCatalogExclusions(t *testing.T) {
	for _, n := range []string{"pg_read_file", "pg_read_binary_file", "pg_ls_dir", "pg_stat_file", "query_to_xml",
		"set_config", "pg_terminate_backend", "brin_summarize_new_values", "gin_clean_pending_list", "lo_get", "txid_current"} {
		assert.False(t, pgCatalogFunction(n), n)
	}
	for _, r := range []string{"pg_authid", "pg_shadow", "pg_user_mapping", "pg_user_mappings", "pg_statistic", "pg_stats", "pg_largeobject", "pg_subscription"} {
		assert.False(t, pgCatalogRelation("pg_catalog", r), r)
	}
	assert.True(t, pgCatalogRelation("pg_catalog", "pg_roles"))
	assert.True(t, pgCatalogRelation("information_schema", "tables"))
}
