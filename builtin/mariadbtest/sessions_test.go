package mariadbtest

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

// TestSessionTermination varies V-253717 on the passing server: each
// setting past its limit fails the rule with the setting as evidence, the
// documented exception passes without measuring, and a session idle past
// the limit fails it, named in the evidence (the session set its own
// wait_timeout, which no server-wide setting shows).
func TestSessionTermination(t *testing.T) {
	r := startFixture(t, passing)
	admin := r.admin(t)
	for _, tc := range []struct {
		name   string
		values map[string]string
		want   engine.Status
		shows  string // in the evidence
	}{
		{name: "within the limits", want: engine.Pass, shows: "idle_seconds="},
		{name: "wait_timeout past the limit", values: map[string]string{"maria_wait_timeout": "300"}, want: engine.Fail, shows: "wait_timeout is within the organization's idle limit: sql57 result={name=wait_timeout, value=600} → false"},
		{name: "interactive_timeout past the limit", values: map[string]string{"maria_interactive_timeout": "60"}, want: engine.Fail, shows: "name=interactive_timeout, value=600} → false"},
		{name: "idle transaction timeouts past the limit", values: map[string]string{"maria_idle_transaction_timeout": "120"}, want: engine.Fail, shows: "name=idle_write_transaction_timeout, value=300} → false"},
		{name: "documented as not required", values: map[string]string{"maria_session_termination_required": "false", "maria_wait_timeout": "1"}, want: engine.Pass, shows: "value=false → true"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rr := r.idleRule(t, tc.values)
			assert.Equal(t, tc.want, rr.Status, strings.Join(rr.Evidence, "\n"))
			assert.Contains(t, strings.Join(rr.Evidence, "\n"), tc.shows)
		})
	}

	t.Run("a session idle past the limit", func(t *testing.T) {
		// The server ends idle sessions after 2 s, but this one asked for
		// more; it stays and sleeps past the organization's limit of 2 s.
		_, err := admin.Exec("SET GLOBAL wait_timeout = 2, GLOBAL interactive_timeout = 2")
		require.NoError(t, err)
		t.Cleanup(func() { _, _ = admin.Exec("SET GLOBAL wait_timeout = 600, GLOBAL interactive_timeout = 600") })
		idle := r.admin(t)
		idle.SetMaxOpenConns(1)
		conn, err := idle.Conn(context.Background())
		require.NoError(t, err)
		t.Cleanup(func() { _ = conn.Close() })
		_, err = conn.ExecContext(context.Background(), "SET SESSION wait_timeout = 3600")
		require.NoError(t, err)
		var id string
		require.NoError(t, conn.QueryRowContext(context.Background(), "SELECT CONNECTION_ID()").Scan(&id))
		time.Sleep(3500 * time.Millisecond)

		rr := r.idleRule(t, map[string]string{"maria_wait_timeout": "2", "maria_interactive_timeout": "2"})
		ev := strings.Join(rr.Evidence, "\n")
		assert.Equal(t, engine.Fail, rr.Status, ev)
		assert.Contains(t, ev, "no client session has been idle (Sleep) longer than the idle limit")
		assert.Contains(t, ev, "id="+id+",")
		assert.Contains(t, ev, "verdict=FAIL")
		// The server-wide settings themselves are within the limit.
		assert.Contains(t, ev, "name=wait_timeout, value=2} → true")
	})
	t.Run("a session idle in a transaction past the limit", func(t *testing.T) {
		// The server ends idle transactions after 2 s, but this session
		// turned that off for itself and left a transaction open.
		_, err := admin.Exec("SET GLOBAL idle_transaction_timeout = 2, GLOBAL idle_readonly_transaction_timeout = 2, GLOBAL idle_write_transaction_timeout = 2")
		require.NoError(t, err)
		t.Cleanup(func() {
			_, _ = admin.Exec("SET GLOBAL idle_transaction_timeout = 300, GLOBAL idle_readonly_transaction_timeout = 300, GLOBAL idle_write_transaction_timeout = 300")
		})
		idle := r.admin(t)
		conn, err := idle.Conn(context.Background())
		require.NoError(t, err)
		t.Cleanup(func() { _ = conn.Close() })
		ctx := context.Background()
		for _, q := range []string{"SET SESSION idle_transaction_timeout = 0, SESSION idle_readonly_transaction_timeout = 0, SESSION idle_write_transaction_timeout = 0",
			"START TRANSACTION", "INSERT INTO appdb.t VALUES (1)"} {
			_, err = conn.ExecContext(ctx, q)
			require.NoError(t, err, q)
		}
		var id string
		require.NoError(t, conn.QueryRowContext(ctx, "SELECT CONNECTION_ID()").Scan(&id))
		time.Sleep(3500 * time.Millisecond)

		rr := r.idleRule(t, map[string]string{"maria_idle_transaction_timeout": "2"})
		ev := strings.Join(rr.Evidence, "\n")
		assert.Equal(t, engine.Fail, rr.Status, ev)
		assert.Contains(t, ev, "no client session has been idle (Sleep) inside an open transaction")
		assert.Contains(t, ev, "id="+id+",")
		assert.Contains(t, ev, "name=idle_write_transaction_timeout, value=2} → true")
	})
}

// idleRule scans the passing server with the fixture's Values and extra
// and returns V-253717's result.
func (r *running) idleRule(t *testing.T, extra map[string]string) *engine.RuleResult {
	t.Helper()
	res := r.scan(t, r.prepare(t, extra))
	rr := checktest.RuleByVuln(res, idleVuln)
	require.NotNil(t, rr)
	return rr
}
