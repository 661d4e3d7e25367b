package postgrestest

import (
	"context"
	"github.com/stigscan/stigscan/builtin/internal/checktest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/engine"
)

// TestSessionTermination: the session termination rules of the Crunchy
// Data releases fail on a session left idle (or idle in a transaction)
// past the organization's limit even when every timeout setting is
// within it, and name that session in the evidence.
func TestSessionTermination(t *testing.T) {
	r := startFixture(t, passing)
	// Timeouts of 2 s for every role (ALTER ROLE ALL outranks the server's
	// command line) keep them within a 2 s limit; a value for the scan
	// role alone would hide what other roles get and fail the rule (see
	// TestSessionLimitOverrides). The held session
	// below keeps its own 0, as any role may: what PostgreSQL cannot be
	// made to enforce is what the live half reports.
	r.c.exec(t, "postgres", "ALTER ROLE ALL SET idle_session_timeout = '2s'",
		"ALTER ROLE ALL SET idle_in_transaction_session_timeout = '2s'")
	ctx := context.Background()
	// With no session held open the same limits pass: the settings half
	// is within them, so what fails below is the session.
	for _, rel := range releases[1:] {
		b := r.prepare(t, rel.benchmark, map[string]string{"pg_idle_timeout": "2", "pg_idle_in_transaction_timeout": "2"})
		res, err := b.Evaluate(ctx, r.open(t, "fixture"))
		require.NoError(t, err)
		rr := checktest.RuleByVuln(res, rel.idleVuln)
		require.NotNil(t, rr, rel.name)
		assert.Equal(t, engine.Pass, rr.Status, "%s %s: %v", rel.name, rel.idleVuln, rr.Evidence)
	}
	for _, tc := range []struct {
		name  string
		start string // what the held session runs before it idles
		field string // the evidence field of the session
	}{
		{"idle", "SELECT 1", "idle_seconds="},
		{"idle in transaction", "BEGIN; SELECT 1", "idle_in_transaction_seconds="},
	} {
		t.Run(tc.name, func(t *testing.T) {
			held, err := r.c.connect(ctx, "fixture")
			require.NoError(t, err)
			defer held.Close(ctx)
			_, err = held.Exec(ctx, "SET idle_session_timeout = 0; SET idle_in_transaction_session_timeout = 0; SET application_name = 'held-session'; "+tc.start)
			require.NoError(t, err)
			time.Sleep(3 * time.Second)
			for _, rel := range releases[1:] {
				b := r.prepare(t, rel.benchmark, map[string]string{"pg_idle_timeout": "2", "pg_idle_in_transaction_timeout": "2"})
				res, err := b.Evaluate(ctx, r.open(t, "fixture"))
				require.NoError(t, err)
				rr := checktest.RuleByVuln(res, rel.idleVuln)
				require.NotNil(t, rr, rel.name)
				assert.Equal(t, engine.Fail, rr.Status, "%s %s: %s", rel.name, rel.idleVuln, checktest.Explain(res, map[string]engine.Status{}, checktest.RuleID))
				var heldLine string
				for _, e := range rr.Evidence {
					if strings.Contains(e, "held-session") && strings.Contains(e, tc.field) {
						heldLine = e
					}
				}
				assert.NotEmpty(t, heldLine, "%s: the held session is evidence: %v", rel.name, rr.Evidence)
				t.Logf("%s %s: %s", rel.name, rel.idleVuln, heldLine)
			}
		})
	}
}

// TestSessionTerminationNotRequired: where the system documentation states
// that sessions need not end (pg_session_termination_required false), DISA
// calls the Crunchy Data session rules not a finding, so they pass even on
// the failing server; by default termination is required and they fail
// there (TestBuiltinChecks).
func TestSessionTerminationNotRequired(t *testing.T) {
	r := startFixture(t, failing)
	for _, rel := range releases[1:] {
		b := r.prepare(t, rel.benchmark, map[string]string{"pg_session_termination_required": "false"})
		res, err := b.Evaluate(context.Background(), r.open(t, "fixture"))
		require.NoError(t, err)
		rr := checktest.RuleByVuln(res, rel.idleVuln)
		require.NotNil(t, rr, rel.name)
		assert.Equal(t, engine.Pass, rr.Status, "%s %s: %v", rel.name, rel.idleVuln, rr.Evidence)
		assert.Contains(t, strings.Join(rr.Evidence, "\n"), "The organization documents that sessions need not end automatically", rel.name)
	}
}
