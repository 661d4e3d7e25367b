package postgrestest

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/builtin"
	"github.com/stigscan/stigscan/builtin/internal/checktest"
	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/local"
	"github.com/stigscan/stigscan/collectors/postgres"
	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/fleet"
)

// TestInsufficientAccess scans with a role that is neither superuser nor
// a member of pg_read_all_settings or pg_read_all_stats, with no access to
// the server machine: what the role may not read is an error (database) or
// unknown (files not collected) with the reason, never pass or fail.
func TestInsufficientAccess(t *testing.T) {
	r := startFixture(t, failing)
	const pw = "Limited-5be1-scan-secret"
	// The role's own idle_session_timeout makes the public half of the
	// idle-session rule pass, so the sessions it may not read decide.
	r.c.exec(t, "postgres", "CREATE ROLE limited LOGIN PASSWORD '"+pw+"'", "ALTER ROLE limited SET idle_session_timeout = '600s'")
	t.Setenv("STIGSCAN_TEST_PG_LIMITED", pw)
	secret, err := postgres.SecretFromEnv("STIGSCAN_TEST_PG_LIMITED")
	require.NoError(t, err)
	ep, err := postgres.ParseTarget(fmt.Sprintf("postgres://limited@127.0.0.1:%d/fixture?sslmode=disable", r.c.port))
	require.NoError(t, err)
	tg, err := postgres.Open(context.Background(), ep, postgres.Config{Password: secret}, nil)
	require.NoError(t, err)
	defer tg.Close()
	// md5 is accepted here so that password storage, which only a
	// superuser may read, decides V-214130.
	res, err := r.prepare(t, builtin.Postgres9xBenchmark, map[string]string{"pg_password_hashes": "^(md5|scram-sha-256)$"}).Evaluate(context.Background(), tg)
	require.NoError(t, err)

	want := map[string]struct {
		status engine.Status
		reason string
	}{
		"V-214130": {engine.Error, "permission denied for table pg_authid"},
		"V-214056": {engine.Error, "pg_hba_file_rules"},
		"V-214085": {engine.Error, "pg_read_all_settings"},
		"V-214054": {engine.Error, "pg_read_all_settings"},
		"V-214147": {engine.Error, "pg_read_all_stats"},
		"V-214117": {engine.Unknown, "no access to the database server's machine"},
		"V-214053": {engine.Fail, ""}, // client_min_messages is public: still decided
	}
	for vuln, w := range want {
		rr := checktest.RuleByVuln(res, vuln)
		require.NotNil(t, rr, vuln)
		assert.Equal(t, w.status, rr.Status, "%s: %v", vuln, rr.Messages)
		var msgs []string
		for _, m := range rr.Messages {
			msgs = append(msgs, m.Text)
		}
		assert.Contains(t, strings.Join(msgs, "\n"), w.reason, vuln)
	}
	var all strings.Builder
	for _, rr := range res.Rules {
		for _, m := range rr.Messages {
			all.WriteString(m.Text)
		}
	}
	assert.NotContains(t, all.String(), pw)
}

// TestFleet scans N databases of one server (N from STIGSCAN_PG_FLEET,
// e.g. 100) with 16 at once through fleet.Run and logs how long it took.
// It is a measurement, not a unit test: scripts/bench-postgres-fleet.sh
// runs it.
func TestFleet(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("STIGSCAN_PG_FLEET"))
	if n <= 0 {
		t.Skip("set STIGSCAN_PG_FLEET=100 to scan 100 databases (scripts/bench-postgres-fleet.sh)")
	}
	r := startFixture(t, passing)
	var targets []fleet.Target
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("fleet_%03d", i)
		r.c.exec(t, "postgres", "CREATE DATABASE "+name)
		targets = append(targets, fleet.Target{Spec: fmt.Sprintf("postgres://scanner@127.0.0.1:%d/%s", r.c.port, name), Name: name})
	}
	b := r.prepare(t, builtin.Postgres9xBenchmark)
	files, err := local.NewRoot(r.root)
	require.NoError(t, err)
	open := func(ctx context.Context, ft fleet.Target) (host.Host, func() error, error) {
		ep, err := postgres.ParseTarget(ft.Spec + "?sslmode=verify-full")
		if err != nil {
			return nil, nil, err
		}
		cfg := postgres.Config{SSLRootCert: r.c.certs.ca, SSLCert: r.c.certs.clientCert, SSLKey: r.c.certs.clientKey}
		tg, err := postgres.Open(ctx, ep, cfg, files)
		if err != nil {
			return nil, nil, err
		}
		return tg, tg.Close, nil
	}
	start := time.Now()
	sums, err := fleet.Run(context.Background(), b, targets, open, fleet.Options{Parallel: 16})
	elapsed := time.Since(start)
	require.NoError(t, err)
	for _, s := range sums {
		assert.Empty(t, s.Error, s.Name)
		total := 0
		for _, c := range s.Counts {
			total += c
		}
		assert.Equal(t, 110, total, s.Name)
	}
	t.Logf("%d database targets, --parallel 16: %s (%.0f ms per target)", n, elapsed.Round(time.Millisecond), float64(elapsed.Milliseconds())/float64(n))
}
