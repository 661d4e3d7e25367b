package oracletest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/stigscan/stigscan/collectors/oracle/oracletest"
	"github.com/stigscan/stigscan/engine"
)

// withSqlnet returns the passing machine with sqlnet.ora's text edited.
func withSqlnet(edit func(string) string) []entry {
	es := passRoot()
	for i, e := range es {
		if strings.HasSuffix(e.path, "/network/admin/sqlnet.ora") {
			es[i].data = edit(e.data)
		}
	}
	return es
}

// TestSessionTermination changes one thing at a time on the passing
// fixture and checks V-220295 (and V-237738, which shares its idle test)
// decides on it, naming what it found.
func TestSessionTermination(t *testing.T) {
	rmOnly := []string{
		`UPDATE dba_profiles SET "LIMIT" = 'UNLIMITED' WHERE resource_name = 'IDLE_TIME'`,
		"UPDATE v$rsrc_plan SET is_top_plan = 'TRUE'",
		"INSERT INTO dba_rsrc_plan_directives VALUES ('DEFAULT_MAINTENANCE_PLAN', 'SYS_GROUP', 'CONSUMER_GROUP', 600)",
	}
	tests := []struct {
		name     string
		stmts    []string
		root     []entry
		status   engine.Status
		network  engine.Status // V-237738
		evidence string
	}{
		{name: "RESOURCE_LIMIT FALSE", stmts: []string{"UPDATE v$parameter SET value = 'FALSE' WHERE name = 'resource_limit'"},
			status: engine.Fail, network: engine.Fail, evidence: "parameter=resource_limit, value=FALSE, verdict=FAIL"},
		{name: "idle sessions ended by Resource Manager alone",
			stmts:  append(append([]string{}, rmOnly...), "UPDATE dba_rsrc_plan_directives SET max_idle_time = 600"),
			status: engine.Pass, network: engine.Pass, evidence: "consumer_group=, max_idle_seconds=, plan_name=, verdict=PASS"},
		{name: "a Resource Manager directive over the limit",
			stmts:  append(append([]string{}, rmOnly...), "UPDATE dba_rsrc_plan_directives SET max_idle_time = 1200 WHERE group_or_subplan = 'OTHER_GROUPS'"),
			status: engine.Fail, network: engine.Fail, evidence: "consumer_group=OTHER_GROUPS, max_idle_seconds=1200, plan_name=DEFAULT_MAINTENANCE_PLAN, verdict=FAIL"},
		{name: "a profile's DEFAULT resolves through the DEFAULT profile",
			stmts:  []string{`UPDATE dba_profiles SET "LIMIT" = 'UNLIMITED' WHERE profile = 'DEFAULT' AND resource_name = 'CONNECT_TIME'`},
			status: engine.Fail, network: engine.Pass, evidence: "connect_time=UNLIMITED, profile=STIG_PROFILE, username=DBA_ALICE, verdict=FAIL"},
		{name: "SESSIONS_PER_USER over the limit",
			stmts:  []string{`UPDATE dba_profiles SET "LIMIT" = '20' WHERE profile = 'STIG_PROFILE' AND resource_name = 'SESSIONS_PER_USER'`},
			status: engine.Fail, network: engine.Pass, evidence: "profile=STIG_PROFILE, sessions_per_user=20, username=APP_SVC, verdict=FAIL"},
		{name: "only open accounts' profiles count",
			stmts: []string{
				"INSERT INTO dba_users VALUES ('OLD_APP', 'LOCKED', 'LAX', 'PASSWORD', 'USERS', 'TEMP', 'N')",
				`INSERT INTO dba_profiles VALUES ('LAX', 'IDLE_TIME', 'KERNEL', 'UNLIMITED'), ('LAX', 'CONNECT_TIME', 'KERNEL', 'UNLIMITED'), ('LAX', 'SESSIONS_PER_USER', 'KERNEL', '3')`,
			},
			status: engine.Pass, network: engine.Pass},
		{name: "no SQLNET.INBOUND_CONNECT_TIMEOUT",
			root:   withSqlnet(func(s string) string { return strings.Replace(s, "SQLNET.INBOUND_CONNECT_TIMEOUT = 60\n", "", 1) }),
			status: engine.Fail, network: engine.Pass, evidence: "SQLNET.INBOUND_CONNECT_TIMEOUT in the active sqlnet.ora is set (greater than 0): no matching items (test false)"},
		{name: "SQLNET.EXPIRE_TIME 0",
			root: withSqlnet(func(s string) string {
				return strings.Replace(s, "SQLNET.EXPIRE_TIME = 10", "SQLNET.EXPIRE_TIME = 0", 1)
			}),
			status: engine.Fail, network: engine.Fail, evidence: "parameter=SQLNET.EXPIRE_TIME value=0 element=0 → false"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := tc.root
			if root == nil {
				root = passRoot()
			}
			s := scan(t, []string{oracletest.Pass}, tc.stmts, root, nil)
			got := byVuln(s.res)
			assert.Equal(t, tc.status, got["V-220295"].Status, explain(got["V-220295"]))
			assert.Equal(t, tc.network, got["V-237738"].Status, explain(got["V-237738"]))
			if tc.evidence != "" {
				assert.Contains(t, strings.Join(got["V-220295"].Evidence, "\n"), tc.evidence)
			}
		})
	}
}
