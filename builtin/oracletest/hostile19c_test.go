package oracletest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/stigscan/stigscan/collectors/oracle/oracletest"
	"github.com/stigscan/stigscan/engine"
)

// TestSessionTermination19cHostile: what a hostile account or site does
// to V-270497 never passes it: an account named with quotes and markup
// (evidence, not syntax), a DEFAULT profile whose own limit says DEFAULT
// (nothing to resolve to), a container without a DEFAULT profile row, a
// later lower-case duplicate of SQLNET.EXPIRE_TIME, and an IFILE the scan
// cannot read after the compliant setting.
func TestSessionTermination19cHostile(t *testing.T) {
	tests := []struct {
		name     string
		stmts    []string
		root     []entry
		status   engine.Status
		evidence string
	}{
		{name: "an account named with quotes and markup",
			stmts:  []string{`UPDATE cdb_users SET username = 'O''"<x>&]]>', profile = 'LAX' WHERE username = 'APP_SVC'`},
			status: F, evidence: `idle_time=UNLIMITED, profile=LAX, username=O'"<x>&]]>`},
		{name: "DEFAULT profile's own IDLE_TIME is DEFAULT",
			stmts:  []string{`UPDATE cdb_profiles SET "LIMIT" = 'DEFAULT' WHERE con_id = 3 AND profile = 'DEFAULT' AND resource_name = 'IDLE_TIME'`},
			status: engine.Error},
		{name: "a container without a DEFAULT profile row",
			stmts:  []string{`DELETE FROM cdb_profiles WHERE con_id = 3 AND profile = 'DEFAULT' AND resource_name = 'IDLE_TIME'`, `UPDATE cdb_profiles SET "LIMIT" = 'DEFAULT' WHERE con_id = 3 AND resource_name = 'IDLE_TIME'`},
			status: F, evidence: "con_id=3"},
		{name: "a later lower-case SQLNET.EXPIRE_TIME of 0",
			root:   withSqlnet19(func(s string) string { return s + "\nsqlnet.expire_time = 0\n" }),
			status: F, evidence: "value=0"},
		{name: "an IFILE that cannot be read after the setting",
			root:   withSqlnet19(func(s string) string { return s + "\nIFILE = /nowhere/site.ora\n" }),
			status: engine.Error},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := tc.root
			if root == nil {
				root = passRoot19()
			}
			s := scan19(t, []string{oracletest.Pass}, tc.stmts, root, nil)
			rr := byVuln(s.res)["V-270497"]
			assert.Equal(t, tc.status, rr.Status, explain(rr))
			if tc.evidence != "" {
				assert.Contains(t, strings.Join(rr.Evidence, "\n"), tc.evidence)
			}
		})
	}
}
