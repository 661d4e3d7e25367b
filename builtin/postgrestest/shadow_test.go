package postgrestest

import (
	"context"
	"github.com/stigscan/stigscan/builtin/internal/checktest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/postgres"
	"github.com/stigscan/stigscan/engine"
)

// TestShadowedCatalogNames: a user with CREATE on public shadows every
// catalog name the Crunchy Data and Postgres 16 session rules read
// (pg_settings, pg_stat_activity, pg_db_role_setting, current_setting,
// lower, split_part, unnest, regexp_match, host, pg_has_role) with objects
// that lie (no sessions, no overrides, compliant settings) and try to
// terminate a victim and run a program. Both releases, as the superuser
// and the least-privileged scan role: nothing fires, and the session rule
// still fails on the hostile role's own idle_session_timeout of 0.
func TestShadowedCatalogNames(t *testing.T) {
	r := startFixture(t, failing)
	r.grantLeastPrivilege(t)
	canary := filepath.Join(r.c.data, "stigscan_shadow_canary")
	fire := strings.ReplaceAll(`BEGIN
	BEGIN PERFORM pg_catalog.pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity WHERE application_name = 'victim'; EXCEPTION WHEN OTHERS THEN NULL; END;
	BEGIN EXECUTE 'COPY (SELECT 1) TO PROGRAM ''touch CANARY'''; EXCEPTION WHEN OTHERS THEN NULL; END;
	RETURN true;
END`, "CANARY", canary)
	r.c.exec(t, "fixture", "SET ROLE dev",
		`CREATE FUNCTION public.fire() RETURNS boolean LANGUAGE plpgsql AS $f$ `+fire+` $f$`,
		`CREATE VIEW public.pg_settings AS SELECT s.name, '1000'::text AS reset_val FROM pg_catalog.pg_settings s WHERE public.fire()`,
		`CREATE VIEW public.pg_stat_activity AS SELECT * FROM pg_catalog.pg_stat_activity WHERE NOT public.fire()`,
		`CREATE VIEW public.pg_db_role_setting AS SELECT * FROM pg_catalog.pg_db_role_setting WHERE NOT public.fire()`,
		`CREATE FUNCTION public.current_setting(text) RETURNS text LANGUAGE sql AS $f$ SELECT CASE WHEN public.fire() THEN '1000' END $f$`,
		`CREATE FUNCTION public.lower(text) RETURNS text LANGUAGE sql AS $f$ SELECT CASE WHEN public.fire() THEN 'work_mem' END $f$`,
		`CREATE FUNCTION public.split_part(text, text, integer) RETURNS text LANGUAGE sql AS $f$ SELECT CASE WHEN public.fire() THEN 'work_mem' END $f$`,
		`CREATE FUNCTION public.unnest(text[]) RETURNS SETOF text LANGUAGE sql AS $f$ SELECT 'work_mem=1' WHERE public.fire() $f$`,
		`CREATE FUNCTION public.regexp_match(text, text) RETURNS text[] LANGUAGE sql AS $f$ SELECT CASE WHEN public.fire() THEN ARRAY['1', NULL, 'ms'] END $f$`,
		`CREATE FUNCTION public.host(inet) RETURNS text LANGUAGE sql AS $f$ SELECT CASE WHEN public.fire() THEN 'local' END $f$`,
		`CREATE FUNCTION public.pg_has_role(name, text) RETURNS boolean LANGUAGE sql AS $f$ SELECT public.fire() $f$`,
		// dev sets its own session default, as any role may.
		"ALTER ROLE dev SET idle_session_timeout = 0",
		"RESET ROLE")
	// Control: through the default search_path the shadows answer and fire.
	v := r.newVictim(t)
	ctx := context.Background()
	c, err := r.c.connect(ctx, "fixture")
	require.NoError(t, err)
	_, err = c.Exec(ctx, "SET search_path = public, pg_catalog")
	require.NoError(t, err)
	var n int
	require.NoError(t, c.QueryRow(ctx, "SELECT count(*) FROM pg_db_role_setting").Scan(&n))
	require.NoError(t, c.Close(ctx))
	assert.Equal(t, 0, n, "the shadow view hides every override")
	assert.FileExists(t, canary, "the shadows fire without the pinned session")
	assert.Error(t, v.alive(), "the shadows terminate the victim without the pinned session")
	require.NoError(t, os.Remove(canary))

	for _, rel := range releases[1:] {
		b := r.prepare(t, rel.benchmark)
		for _, sr := range scanRoles {
			t.Run(rel.name+"/"+sr.role, func(t *testing.T) {
				v := r.newVictim(t)
				res, err := b.Evaluate(ctx, r.openRole(t, sr.role, sr.password, postgres.Config{}))
				require.NoError(t, err)
				rr := checktest.RuleByVuln(res, rel.idleVuln)
				require.NotNil(t, rr)
				assert.Equal(t, engine.Fail, rr.Status, "%v", rr.Messages)
				var line string
				for _, e := range rr.Evidence {
					if strings.HasPrefix(e, "no role or database sets its own idle_session_timeout") && strings.Contains(e, "role_name=dev") {
						line = e
					}
				}
				assert.NotEmpty(t, line, "dev's override is evidence: %v", rr.Evidence)
				assert.NoFileExists(t, canary, "a shadow ran COPY TO PROGRAM")
				assert.NoError(t, v.alive(), "a shadow terminated the victim")
			})
		}
	}
}
