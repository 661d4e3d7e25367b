package oracletest

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/oracle"
	"github.com/stigscan/stigscan/collectors/oracle/oracletest"
	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/internal/testutil"
	"github.com/stigscan/stigscan/oval/probes/list"
	"github.com/stigscan/stigscan/xccdf"
)

// TestImportDISAReleases imports each Oracle 12c release DISA published
// (V2R1, V2R4, V2R9) with the built-in checks as the library: every rule
// DISA still publishes binds to the built-in check of its Vuln-ID, whatever
// the release's Rule-ID revision, and gets the same result as the built-in
// benchmark itself; rules retired before V2R9 stay not checked, except the
// one whose STIG-ID lives on under a new Vuln-ID.
func TestImportDISAReleases(t *testing.T) {
	dir := testutil.SharedContent(t, "disa-manual")
	lib := content(t)
	libRules := map[string]*xccdf.Rule{} // Vuln-ID → built-in rule with a check
	for _, r := range lib.Benchmark.Rules {
		if len(r.Checks) > 0 {
			libRules[r.Identity().VulnID] = r
		}
	}
	require.Len(t, libRules, 111)

	direct := scan(t, []string{oracletest.Pass}, nil, passRoot(), nil)
	directStatus := map[string]engine.Status{}
	for _, rr := range direct.res.Rules {
		directStatus[rr.Identity.VulnID] = rr.Status
	}
	tg := direct.db.Target(t, oracle.Config{}, newLiveRoot(t, passRoot()))

	for _, rel := range []struct {
		file    string
		rules   int
		retired []string
		byStig  map[string]string // imported Vuln-ID → library Vuln-ID matched by STIG-ID
	}{
		{"U_Oracle_Database_12c_STIG_V2R1_Manual-xccdf.xml", 143, []string{"V-220292", "V-237704", "V-237711", "V-237736", "V-237737", "V-237744"}, map[string]string{"V-237748": "V-251802"}},
		{"U_Oracle_Database_12c_STIG_V2R4_Manual-xccdf.xml", 142, []string{"V-220292", "V-237704", "V-237711", "V-237736", "V-237737"}, nil},
		{"U_Oracle_Database_12c_STIG_V2R9_Manual-xccdf.xml", 137, nil, nil},
	} {
		t.Run(rel.file, func(t *testing.T) {
			c, err := xccdf.Open(filepath.Join(dir, rel.file), xccdf.Options{})
			require.NoError(t, err)
			sel, err := xccdf.Resolve(c.Benchmark, nil, "")
			require.NoError(t, err)
			b, err := engine.Prepare(context.Background(), c, sel, engine.Options{Library: []*xccdf.Content{lib}, Probes: list.Standard(), Now: now})
			require.NoError(t, err)
			res, err := b.Evaluate(context.Background(), tg)
			require.NoError(t, err)
			require.Len(t, res.Rules, rel.rules)
			bound := 0
			for _, rr := range res.Rules {
				v := rr.Identity.VulnID
				target := v
				if s, ok := rel.byStig[v]; ok {
					target = s
				}
				lr := libRules[target]
				if lr == nil {
					assert.Nil(t, rr.BoundTo, "%s is manual or retired", v)
					assert.Equal(t, engine.NotChecked, rr.Status, v)
					continue
				}
				bound++
				require.NotNil(t, rr.BoundTo, v)
				assert.Equal(t, lr.ID, rr.BoundTo.ID, v)
				assert.Equal(t, directStatus[target], rr.Status, "%s: same result as the built-in benchmark", v)
				assert.NotEmpty(t, rr.Check.Content, "%s: DISA's check text is kept", v)
				joined := ""
				for _, m := range rr.Messages {
					joined += m.Text + "\n"
				}
				assert.Contains(t, joined, "written against stigscan checks for the Oracle Database 12c STIG Version 2 Release 9", v)
			}
			for _, v := range rel.retired {
				for _, rr := range res.Rules {
					if rr.Identity.VulnID == v {
						assert.Nil(t, rr.BoundTo, v)
					}
				}
			}
			// In V2R1, V-237748 stands in for V-251802 (same STIG-ID).
			assert.Equal(t, 111, bound)
		})
	}
}

// TestLibraryValuesTailorTheLimits: an organization's idle limit of 5
// minutes (engine.Options.LibraryValues, as from a tailoring file) fails
// V-220295 on the passing fixture and names the profile over it.
func TestLibraryValuesTailorTheLimits(t *testing.T) {
	dir := testutil.SharedContent(t, "disa-manual")
	c, err := xccdf.Open(filepath.Join(dir, "U_Oracle_Database_12c_STIG_V2R9_Manual-xccdf.xml"), xccdf.Options{})
	require.NoError(t, err)
	sel, err := xccdf.Resolve(c.Benchmark, nil, "")
	require.NoError(t, err)
	b, err := engine.Prepare(context.Background(), c, sel, engine.Options{
		Library: []*xccdf.Content{content(t)}, Probes: list.Standard(), Now: now,
		LibraryValues: map[string]string{"xccdf_io.stigscan_value_oracle_idle_time": "5"},
	})
	require.NoError(t, err)
	db := oracletest.Load(t, []string{oracletest.Pass})
	res, err := b.Evaluate(context.Background(), db.Target(t, oracle.Config{}, newLiveRoot(t, passRoot())))
	require.NoError(t, err)
	rr := byVuln(res)["V-220295"]
	require.Equal(t, engine.Fail, rr.Status, explain(rr))
	ev := strings.Join(rr.Evidence, "\n")
	assert.Contains(t, ev, "idle_time=10, profile=STIG_PROFILE, username=DBA_ALICE")
	assert.Contains(t, ev, "idle_time=15, profile=DEFAULT, username=SYS")
	assert.Contains(t, ev, "no active Resource Manager plan")
	// A value that is not a whole number never reaches the SQL.
	b, err = engine.Prepare(context.Background(), c, sel, engine.Options{
		Library: []*xccdf.Content{content(t)}, Probes: list.Standard(), Now: now,
		LibraryValues: map[string]string{"xccdf_io.stigscan_value_oracle_idle_time": "15 OR 1=1"},
	})
	require.NoError(t, err)
	res, err = b.Evaluate(context.Background(), db.Target(t, oracle.Config{}, newLiveRoot(t, passRoot())))
	require.NoError(t, err)
	rr = byVuln(res)["V-220295"]
	assert.Equal(t, engine.Error, rr.Status, explain(rr))
	assert.Contains(t, explain(rr), `"15 OR 1=1" is not an int`)
}
