package postgrestest

import (
	"context"
	"github.com/stigscan/stigscan/builtin/internal/checktest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/engine"
)

// TestSessionLimitOverrides: the server-wide timeouts are within the
// organization's limits (the passing fixture), but a role or database
// carries its own value (pg_db_role_setting) that lets its sessions
// escape them. PostgreSQL then does not end those sessions, so the
// session termination rules of the Crunchy Data releases fail and name
// the override; a stricter override, or one for another setting, passes.
func TestSessionLimitOverrides(t *testing.T) {
	r := startFixture(t, passing)
	ctx := context.Background()
	// hostile is an ordinary role: it may set its own session defaults.
	r.c.exec(t, "postgres", "CREATE ROLE hostile LOGIN", "CREATE ROLE app_short LOGIN", `CREATE ROLE "q'<x>&""`+"\n"+`y" LOGIN`)
	for _, tc := range []struct {
		name  string
		set   []string // run as the bootstrap superuser in database postgres
		reset []string
		want  engine.Status
		field string // in the evidence of a failure
	}{
		{name: "role disables its own idle timeout", want: engine.Fail, field: "role_name=hostile",
			set:   []string{"SET ROLE hostile", "ALTER ROLE hostile SET idle_session_timeout = 0"},
			reset: []string{"ALTER ROLE hostile RESET ALL"}},
		{name: "role lengthens idle in transaction, in units", want: engine.Fail, field: "idle_in_transaction_session_timeout",
			set:   []string{"ALTER ROLE hostile SET idle_in_transaction_session_timeout = '2d'"},
			reset: []string{"ALTER ROLE hostile RESET ALL"}},
		{name: "role in one database has no statement limit", want: engine.Fail, field: "database_name=fixture",
			set:   []string{"ALTER ROLE hostile IN DATABASE fixture SET statement_timeout = 0"},
			reset: []string{"ALTER ROLE hostile IN DATABASE fixture RESET ALL"}},
		{name: "database turns keepalives off", want: engine.Fail, field: "tcp_keepalives_idle",
			set:   []string{"ALTER DATABASE postgres SET tcp_keepalives_idle = 0"},
			reset: []string{"ALTER DATABASE postgres RESET ALL"}},
		{name: "keepalive count above the limit", want: engine.Fail, field: "tcp_keepalives_count",
			set:   []string{"ALTER ROLE hostile SET tcp_keepalives_count = 1000"},
			reset: []string{"ALTER ROLE hostile RESET ALL"}},
		// The scan's own session would read the override, not the
		// server-wide value, so the scan cannot see what other roles get.
		{name: "scan role's own override hides the server value", want: engine.Fail, field: "role_name=scanner",
			set:   []string{"ALTER ROLE scanner SET idle_session_timeout = '1s'"},
			reset: []string{"ALTER ROLE scanner RESET ALL"}},
		// A name with quotes, markup and a newline is evidence, not
		// syntax: the evidence line keeps it on one line.
		{name: "role named to break the evidence", want: engine.Fail, field: "role_name=q'<x>&\" y",
			set:   []string{`ALTER ROLE "q'<x>&""` + "\n" + `y" SET idle_session_timeout = 0`},
			reset: []string{`ALTER ROLE "q'<x>&""` + "\n" + `y" RESET ALL`}},
		{name: "setting name in capitals", want: engine.Fail, field: "role_name=hostile",
			set:   []string{`ALTER ROLE hostile SET "IDLE_SESSION_TIMEOUT" = 0`},
			reset: []string{"ALTER ROLE hostile RESET ALL"}},
		{name: "stricter override of another role", want: engine.Pass,
			set:   []string{"ALTER ROLE app_short SET idle_session_timeout = '5min'", "ALTER ROLE app_short SET statement_timeout = '30s'"},
			reset: []string{"ALTER ROLE app_short RESET ALL"}},
		{name: "override of an unrelated setting", want: engine.Pass,
			set:   []string{"ALTER ROLE hostile SET work_mem = '8MB'"},
			reset: []string{"ALTER ROLE hostile RESET ALL"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r.c.exec(t, "postgres", tc.set...)
			defer r.c.exec(t, "postgres", tc.reset...)
			for _, rel := range releases[1:] {
				res, err := r.prepare(t, rel.benchmark).Evaluate(ctx, r.open(t, "fixture"))
				require.NoError(t, err)
				rr := checktest.RuleByVuln(res, rel.idleVuln)
				require.NotNil(t, rr, rel.name)
				assert.Equal(t, tc.want, rr.Status, "%s %s: %v %v", rel.name, rel.idleVuln, rr.Evidence, rr.Messages)
				if tc.field == "" {
					continue
				}
				var line string
				for _, e := range rr.Evidence {
					if strings.HasPrefix(e, "no role or database sets its own") && strings.Contains(e, tc.field) {
						line = e
					}
				}
				assert.NotEmpty(t, line, "%s: the override is evidence: %v", rel.name, rr.Evidence)
				t.Logf("%s %s: %s", rel.name, rel.idleVuln, line)
			}
		})
	}
}
