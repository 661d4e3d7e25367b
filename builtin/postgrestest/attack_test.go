package postgrestest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/builtin"
	"github.com/stigscan/stigscan/builtin/internal/checktest"
	"github.com/stigscan/stigscan/collectors/local"
	"github.com/stigscan/stigscan/collectors/postgres"
	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/report/arf"
	"github.com/stigscan/stigscan/report/jsonres"
)

// The attacks of issue 10, each against a real server and through the
// scan's own path (postgres.Open, QueryRows, the built-in benchmark). The
// failing fixture is the hostile server: a low-privileged user (dev) has
// CREATE on public and the scan role is a superuser.

// monitorPassword is the least-privileged scanning role's password.
const monitorPassword = "Mon-61f3-scan-secret"

// leastPrivilege is what the least-privileged scanning role is granted:
// pg_monitor (pg_read_all_settings, pg_read_all_stats, pg_stat_scan_tables)
// and pg_hba_file_rules, which PostgreSQL keeps to superusers by default.
// Catalog views are per database: the grants go into each scanned one.
var leastPrivilege = []string{
	"postgres:CREATE ROLE monitor LOGIN PASSWORD '" + monitorPassword + "' IN ROLE pg_monitor",
	"fixture:GRANT SELECT ON pg_catalog.pg_hba_file_rules TO monitor",
	"fixture:GRANT EXECUTE ON FUNCTION pg_catalog.pg_hba_file_rules() TO monitor",
}

// openRole opens the fixture database as role with password, with the
// offline root as the server machine.
func (r *running) openRole(t *testing.T, role, password string, cfg postgres.Config) *postgres.Target {
	t.Helper()
	t.Setenv("STIGSCAN_TEST_PG_ROLE_PASSWORD", password)
	pw, err := postgres.SecretFromEnv("STIGSCAN_TEST_PG_ROLE_PASSWORD")
	require.NoError(t, err)
	cfg.Password = pw
	ep, err := postgres.ParseTarget(fmt.Sprintf("postgres://%s@127.0.0.1:%d/fixture?sslmode=disable", role, r.c.port))
	require.NoError(t, err)
	files, err := local.NewRoot(r.root)
	require.NoError(t, err)
	tg, err := postgres.Open(context.Background(), ep, cfg, files)
	require.NoError(t, err)
	t.Cleanup(func() { _ = tg.Close() })
	return tg
}

// scanRoles are the two ways the attacks are run: as the fixture's
// superuser scan role and as the least-privileged one.
var scanRoles = []struct{ role, password string }{{"scanner", failPassword}, {"monitor", monitorPassword}}

// victim is a separate live session the trojan tries to terminate.
type victim struct{ conn *pgx.Conn }

func (r *running) newVictim(t *testing.T) *victim {
	t.Helper()
	ctx := context.Background()
	c, err := r.c.connect(ctx, "fixture")
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	_, err = c.Exec(ctx, "SET application_name = 'victim'")
	require.NoError(t, err)
	return &victim{conn: c}
}

func (v *victim) alive() error {
	var one int
	return v.conn.QueryRow(context.Background(), "SELECT 1").Scan(&one)
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func TestAttacks(t *testing.T) {
	r := startFixture(t, failing)
	r.grantLeastPrivilege(t)
	b := r.prepare(t, builtin.Postgres9xBenchmark)
	canary := filepath.Join(r.c.data, "stigscan_canary")

	// The trojans: an operator || (text, name), which the built-in checks'
	// 'literal' || n.nspname resolves to under the default search_path,
	// and lower(name), which content's lower(rolname) does. Both try to
	// terminate the victim and to run a program on the server.
	trojan := strings.ReplaceAll(`SET ROLE dev;
CREATE FUNCTION public.trojan_cat(a text, b name) RETURNS text LANGUAGE plpgsql AS $f$
BEGIN
	BEGIN
		PERFORM pg_catalog.pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity WHERE application_name = 'victim';
	EXCEPTION WHEN OTHERS THEN NULL;
	END;
	BEGIN
		EXECUTE 'COPY (SELECT 1) TO PROGRAM ''touch CANARY''';
	EXCEPTION WHEN OTHERS THEN NULL;
	END;
	RETURN a OPERATOR(pg_catalog.||) b::text;
END $f$;
CREATE OPERATOR public.|| (LEFTARG = text, RIGHTARG = name, FUNCTION = public.trojan_cat);
CREATE FUNCTION public.lower(n name) RETURNS text LANGUAGE plpgsql AS $f$ BEGIN RETURN public.trojan_cat('', n); END $f$;
CREATE VIEW public.trojan_view AS SELECT public.trojan_cat('a', 'b') AS x;
RESET ROLE`, "CANARY", canary)
	r.c.exec(t, "fixture", trojan)

	t.Run("the trojans are live without the pinned session", func(t *testing.T) {
		// Control: a superuser session with the default search_path, in
		// a read-only transaction, runs a built-in check's expression and
		// the trojan fires. Without this the assertions below prove
		// nothing.
		v := r.newVictim(t)
		ctx := context.Background()
		c, err := r.c.connect(ctx, "fixture")
		require.NoError(t, err)
		defer c.Close(ctx)
		_, err = c.Exec(ctx, "BEGIN READ ONLY")
		require.NoError(t, err)
		_, err = c.Exec(ctx, "SELECT 'schema ' || n.nspname FROM pg_catalog.pg_namespace n WHERE n.nspname = 'public'")
		require.NoError(t, err)
		_, err = c.Exec(ctx, "ROLLBACK")
		require.NoError(t, err)
		assert.True(t, fileExists(canary), "COPY TO PROGRAM ran inside the read-only transaction")
		assert.Error(t, v.alive(), "the victim was terminated")
		require.NoError(t, os.Remove(canary))
	})

	for _, sr := range scanRoles {
		t.Run("trojans/"+sr.role, func(t *testing.T) {
			v := r.newVictim(t)
			tg := r.openRole(t, sr.role, sr.password, postgres.Config{})
			ctx := context.Background()
			res, err := b.Evaluate(ctx, tg)
			require.NoError(t, err)
			require.NotEmpty(t, res.Rules)
			// Hostile content: what resolves through the search path is
			// accepted and reaches only the catalog; what names the
			// trojans is refused before the server sees it.
			for _, q := range []string{
				"SELECT 'x' || n.nspname AS s FROM pg_catalog.pg_namespace n",
				"SELECT lower(rolname) AS s FROM pg_catalog.pg_roles",
			} {
				_, rows, err := tg.QueryRows(ctx, q)
				require.NoError(t, err, q)
				require.NotEmpty(t, rows, q)
			}
			for _, tc := range []struct{ query, name string }{
				{"SELECT public.trojan_cat('a', 'b')", "public.trojan_cat"},
				{"SELECT trojan_cat('a', 'b')", "trojan_cat"},
				{"SELECT 'a' OPERATOR(public.||) 'b'::name", "OPERATOR"},
				{"SELECT public.lower('a'::name)", "public.lower"},
				{"SELECT x FROM public.trojan_view", "public.trojan_view"},
				{"SELECT x FROM trojan_view", "trojan_view"},
			} {
				_, _, err := tg.QueryRows(ctx, tc.query)
				require.Error(t, err, tc.query)
				assert.Contains(t, err.Error(), "sqlguard: query refused", tc.query)
				assert.Contains(t, err.Error(), tc.name, tc.query)
			}
			assert.False(t, fileExists(canary), "the trojan ran COPY TO PROGRAM")
			assert.NoError(t, v.alive(), "the trojan terminated the victim")
		})
	}

	t.Run("side effects", func(t *testing.T) {
		r.c.exec(t, "fixture",
			"CREATE TABLE public.se(id int, t tsvector) WITH (autovacuum_enabled = off)",
			"CREATE INDEX se_brin ON public.se USING brin(id) WITH (pages_per_range = 1)",
			"CREATE INDEX se_gin ON public.se USING gin(t) WITH (fastupdate = on)",
			"INSERT INTO public.se SELECT g, pg_catalog.to_tsvector('simple', 'w' || g) FROM generate_series(1, 2000) g")
		queries := []struct{ query, name string }{
			{"SELECT brin_summarize_new_values('public.se_brin'::regclass)", "brin_summarize_new_values"},
			{"SELECT pg_catalog.brin_summarize_range('public.se_brin'::regclass, 0)", "brin_summarize_range"},
			{"SELECT brin_desummarize_range('public.se_brin'::regclass, 0)", "brin_desummarize_range"},
			{"SELECT gin_clean_pending_list('public.se_gin'::regclass)", "gin_clean_pending_list"},
		}
		if fileExists("/usr/share/postgresql/15/extension/pg_surgery.control") {
			r.c.exec(t, "fixture", "CREATE EXTENSION pg_surgery")
			queries = append(queries,
				struct{ query, name string }{"SELECT heap_force_kill('public.se'::regclass, ARRAY['(0,1)']::tid[])", "heap_force_kill"},
				struct{ query, name string }{"SELECT public.heap_force_freeze('public.se'::regclass, ARRAY['(0,2)']::tid[])", "public.heap_force_freeze"})
		} else {
			t.Log("pg_surgery is not installed: heap_force_kill not tried")
		}
		if fileExists("/usr/share/postgresql/15/extension/pg_prewarm.control") {
			r.c.exec(t, "fixture", "CREATE EXTENSION pg_prewarm")
			queries = append(queries, struct{ query, name string }{"SELECT autoprewarm_dump_now()", "autoprewarm_dump_now"},
				struct{ query, name string }{"SELECT pg_prewarm('public.se'::regclass)", "pg_prewarm"})
		} else {
			t.Log("pg_prewarm is not installed: autoprewarm_dump_now not tried")
		}
		for _, sr := range scanRoles {
			tg := r.openRole(t, sr.role, sr.password, postgres.Config{})
			for _, tc := range queries {
				_, _, err := tg.QueryRows(context.Background(), tc.query)
				require.Error(t, err, tc.query)
				assert.Contains(t, err.Error(), "sqlguard: query refused", "%s: %s", sr.role, tc.query)
				assert.Contains(t, err.Error(), tc.name, tc.query)
			}
		}
		// The server's state after: every row is there, the BRIN ranges
		// are still unsummarized and the GIN pending list still full (the
		// administrator's own calls find work to do), and no autoprewarm
		// dump was written.
		ctx := context.Background()
		c, err := r.c.connect(ctx, "fixture")
		require.NoError(t, err)
		defer c.Close(ctx)
		var rows, summarized, cleaned int
		require.NoError(t, c.QueryRow(ctx, "SELECT count(*) FROM public.se").Scan(&rows))
		assert.Equal(t, 2000, rows)
		require.NoError(t, c.QueryRow(ctx, "SELECT brin_summarize_new_values('public.se_brin'::regclass)").Scan(&summarized))
		assert.Positive(t, summarized, "the scan summarized the BRIN index")
		require.NoError(t, c.QueryRow(ctx, "SELECT gin_clean_pending_list('public.se_gin'::regclass)").Scan(&cleaned))
		assert.Positive(t, cleaned, "the scan cleaned the GIN pending list")
		assert.False(t, fileExists(filepath.Join(r.c.data, "autoprewarm.blocks")), "the scan dumped autoprewarm.blocks")
	})

	t.Run("client_encoding SJIS", func(t *testing.T) {
		r.c.exec(t, "postgres", "ALTER ROLE scanner SET client_encoding = 'SJIS'", "ALTER ROLE monitor SET client_encoding = 'SJIS'")
		defer r.c.exec(t, "postgres", "ALTER ROLE scanner RESET client_encoding", "ALTER ROLE monitor RESET client_encoding")
		// Control: a session that does not pin its encoding gets SJIS.
		pc, err := pgconn.Connect(context.Background(), fmt.Sprintf("host=127.0.0.1 port=%d dbname=fixture user=scanner password=%s sslmode=disable", r.c.port, failPassword))
		require.NoError(t, err)
		assert.Equal(t, "SJIS", pc.ParameterStatus("client_encoding"), "the role's setting is live")
		_ = pc.Close(context.Background())

		// In SJIS the UTF-8 bytes of Á (C3 81) end in a lead byte that
		// swallows the backslash, so the server would close the literal
		// early and call pg_terminate_backend.
		const trick = `SELECT E'Á\' AS x, pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $$victim$$ --' AS s`
		for _, sr := range scanRoles {
			v := r.newVictim(t)
			tg := r.openRole(t, sr.role, sr.password, postgres.Config{})
			cols, rows, err := tg.QueryRows(context.Background(), trick)
			require.NoError(t, err, "the guard and the server both read one literal")
			assert.Equal(t, []string{"s"}, cols)
			require.Len(t, rows, 1)
			assert.True(t, strings.HasPrefix(*rows[0][0], "Á' AS x, pg_terminate_backend"), *rows[0][0])
			_, rows, err = tg.QueryRows(context.Background(), "SELECT current_setting('client_encoding')")
			require.NoError(t, err)
			assert.Equal(t, "UTF8", *rows[0][0])
			assert.NoError(t, v.alive(), "%s: the victim was terminated", sr.role)
		}
	})

	t.Run("disclosure", func(t *testing.T) {
		const fileSecret = "stigscan-file-secret-7d1c"
		ctx := context.Background()
		c, err := r.c.connect(ctx, "fixture")
		require.NoError(t, err)
		defer c.Close(ctx)
		_, err = c.Exec(ctx, "COPY (SELECT '"+fileSecret+"') TO '"+filepath.Join(r.c.data, "secret.txt")+"'")
		require.NoError(t, err)
		var hash string
		require.NoError(t, c.QueryRow(ctx, "SELECT rolpassword FROM pg_authid WHERE rolname = 'dev'").Scan(&hash))
		require.NotEmpty(t, hash)

		tg := r.openRole(t, "scanner", failPassword, postgres.Config{})
		for _, q := range []string{
			"SELECT pg_read_file('secret.txt')",
			"SELECT pg_catalog.pg_read_file('secret.txt', 0, 100)",
			"SELECT pg_read_binary_file('secret.txt')",
			"SELECT encode(pg_read_binary_file('secret.txt'), 'escape')",
			"SELECT * FROM pg_ls_dir('.') AS f",
			"SELECT pg_stat_file('secret.txt')",
			"SELECT rolpassword FROM pg_authid",
			"SELECT rolpassword FROM pg_catalog.pg_authid WHERE rolname = 'dev'",
			`SELECT a.rolpassword FROM "pg_catalog"."pg_authid" a`,
			"SELECT passwd FROM pg_shadow",
			"SELECT count(*) FROM pg_authid WHERE rolpassword LIKE 'SCRAM-SHA-256$4096:%'",
			"SELECT umoptions FROM pg_user_mappings",
		} {
			cols, rows, err := tg.QueryRows(ctx, q)
			require.Error(t, err, q)
			assert.Contains(t, err.Error(), "sqlguard: query refused", q)
			assert.Nil(t, cols, q)
			assert.Nil(t, rows, q)
			assert.NotContains(t, err.Error(), hash)
			assert.NotContains(t, err.Error(), fileSecret)
		}
		// The built-in password-storage check reads pg_authid and reports
		// only how each password is stored.
		res, err := b.Evaluate(ctx, tg)
		require.NoError(t, err)
		var out bytes.Buffer
		require.NoError(t, arf.Writer{}.Write(&out, res))
		require.NoError(t, jsonres.Writer{}.Write(&out, res))
		assert.Contains(t, out.String(), "password_storage")
		assert.NotContains(t, out.String(), hash, "a password hash reached the results")
		assert.NotContains(t, out.String(), strings.TrimPrefix(hash, "md5"), "a password hash reached the results")
		assert.NotContains(t, out.String(), fileSecret)
		// The superuser scan says so in its results.
		require.Len(t, res.Warnings, 1)
		assert.Contains(t, res.Warnings[0], "scanner, which is a superuser")
		assert.Contains(t, out.String(), "is a superuser")
	})

	t.Run("huge rows", func(t *testing.T) {
		tg := r.openRole(t, "scanner", failPassword, postgres.Config{})
		ctx := context.Background()
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, rows, err := tg.QueryRows(ctx, "SELECT repeat('x', 200*1024*1024) FROM generate_series(1, 5)")
		runtime.ReadMemStats(&after)
		require.Error(t, err)
		assert.Nil(t, rows)
		assert.True(t, errors.Is(err, postgres.ErrResultTooLarge), "%v", err)
		assert.Contains(t, err.Error(), fmt.Sprint(postgres.DefaultMaxResultBytes)+" bytes per result")
		assert.NotContains(t, err.Error(), "xxxx")
		alloc := after.TotalAlloc - before.TotalAlloc
		t.Logf("5 rows of 200 MiB refused; the client allocated %d KiB", alloc/1024)
		assert.Less(t, alloc, uint64(64<<20), "the refused result was read into memory")

		_, _, err = tg.QueryRows(ctx, "SELECT repeat('x', 2*1024*1024)")
		assert.True(t, errors.Is(err, postgres.ErrResultTooLarge), "%v", err)
		assert.Contains(t, err.Error(), fmt.Sprint(postgres.DefaultMaxValueBytes)+" bytes per value")
		_, _, err = tg.QueryRows(ctx, "SELECT repeat('x', 512*1024) FROM generate_series(1, 64)")
		assert.True(t, errors.Is(err, postgres.ErrResultTooLarge), "%v", err)
		assert.Contains(t, err.Error(), fmt.Sprint(postgres.DefaultMaxResultBytes)+" bytes per result")

		small := r.openRole(t, "scanner", failPassword, postgres.Config{MaxResultBytes: 1000})
		_, _, err = small.QueryRows(ctx, "SELECT repeat('x', 600) FROM generate_series(1, 2)")
		assert.True(t, errors.Is(err, postgres.ErrResultTooLarge), "%v", err)
		assert.Contains(t, err.Error(), "1000 bytes per result")

		_, rows, err = tg.QueryRows(ctx, "SELECT 1")
		require.NoError(t, err, "the target survives")
		assert.Equal(t, "1", *rows[0][0])
	})
}

func (r *running) grantLeastPrivilege(t *testing.T) {
	for _, s := range leastPrivilege {
		db, stmt, _ := strings.Cut(s, ":")
		r.c.exec(t, db, stmt)
	}
}

// TestLeastPrivilegedScan runs the built-in checks as the role
// leastPrivilege creates and as the superuser: every rule ends the same.
// Only V-214130's password-storage half needs a superuser (pg_authid);
// on this server the rule fails on password_encryption = md5 either way.
func TestLeastPrivilegedScan(t *testing.T) {
	r := startFixture(t, failing)
	r.grantLeastPrivilege(t)
	b := r.prepare(t, builtin.Postgres9xBenchmark)
	ctx := context.Background()
	super, err := b.Evaluate(ctx, r.openRole(t, "scanner", failPassword, postgres.Config{}))
	require.NoError(t, err)
	least, err := b.Evaluate(ctx, r.openRole(t, "monitor", monitorPassword, postgres.Config{}))
	require.NoError(t, err)
	assert.Empty(t, least.Warnings, "the least-privileged role draws no warning")
	assert.NotEmpty(t, super.Warnings)

	s := checktest.Statuses(super, checktest.RuleID)
	evidence := map[string]string{}
	for _, rr := range super.Rules {
		evidence[rr.Rule.ID] = strings.Join(rr.Evidence, "\n")
	}
	var differ []string
	for _, rr := range least.Rules {
		if ev := strings.Join(rr.Evidence, "\n"); ev != evidence[rr.Rule.ID] {
			t.Logf("%s: evidence differs:\nsuperuser: %s\nmonitor:   %s", rr.Identity.VulnID, evidence[rr.Rule.ID], ev)
		}
		if s[rr.Rule.ID] != rr.Status {
			var msgs []string
			for _, m := range rr.Messages {
				msgs = append(msgs, m.Text)
			}
			differ = append(differ, rr.Identity.VulnID)
			t.Logf("%s: superuser %s, monitor %s: %s", rr.Identity.VulnID, s[rr.Rule.ID], rr.Status, strings.Join(msgs, "; "))
		}
	}
	sort.Strings(differ)
	assert.Empty(t, differ)
	rr := checktest.RuleByVuln(least, "V-214130")
	require.NotNil(t, rr)
	assert.Equal(t, engine.Fail, rr.Status)
	// The password-storage half needs a superuser.
	const passwordStorage = `SELECT rolname, CASE WHEN rolpassword IS NULL THEN 'none' WHEN rolpassword LIKE 'SCRAM-SHA-256$%' THEN 'scram-sha-256' WHEN rolpassword ~ '^md5[0-9a-f]{32}$' THEN 'md5' ELSE 'plaintext' END AS password_storage FROM pg_catalog.pg_authid ORDER BY rolname`
	_, _, err = r.openRole(t, "monitor", monitorPassword, postgres.Config{}).QueryRows(ctx, passwordStorage)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "permission denied for table pg_authid")
}

// A pg_hba.conf may hold an LDAP bind password (or RADIUS shared secrets)
// as rule options. The built-in check that lists the rules keeps the values
// of the options it knows to be harmless (an allow-list in its SQL) and
// masks every other one on the server, so no secret reaches the results.
func TestHBASecretsStayOnTheServer(t *testing.T) {
	const ldapSecret = "Hba-ldap-secret-7731"
	r := startFixture(t, failing)
	// pg_hba_file_rules reads the file as it is on disk, so the lines
	// are there for the scan without a reload.
	hba := failing.hba + "host all ldapuser 10.0.0.0/8 ldap ldapserver=ldap.example.internal ldapbasedn=\"dc=example\" ldapbinddn=\"cn=scan\" ldapbindpasswd=" + ldapSecret + "\n"
	require.NoError(t, os.WriteFile(filepath.Join(r.c.data, "pg_hba.conf"), []byte(hba), 0o600))
	b := r.prepare(t, builtin.Postgres9xBenchmark)
	tg := r.open(t, "fixture")
	res, err := b.Evaluate(context.Background(), tg)
	require.NoError(t, err)
	var out bytes.Buffer
	require.NoError(t, arf.Writer{}.Write(&out, res))
	require.NoError(t, jsonres.Writer{}.Write(&out, res))
	for _, rr := range res.Rules {
		for _, e := range rr.Evidence {
			out.WriteString(e)
		}
	}
	assert.NotContains(t, out.String(), ldapSecret, "the LDAP bind password reached the results")
	assert.Contains(t, out.String(), "ldapbindpasswd=[redacted]")
	// Options on the allow-list keep their values: reviewers still see
	// which server and bind DN a rule names.
	assert.Contains(t, out.String(), "ldapserver=ldap.example.internal")
	assert.Contains(t, out.String(), "ldapbinddn=cn=scan")
	assert.Contains(t, out.String(), "ldapscope=")
	assert.NotContains(t, out.String(), "ldapscope=[redacted]")
}
