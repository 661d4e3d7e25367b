package oracletest

import (
	"context"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/builtin"
	"github.com/stigscan/stigscan/builtin/internal/checkgen"
	"github.com/stigscan/stigscan/collectors/oracle"
	"github.com/stigscan/stigscan/collectors/oracle/oracletest"
	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/internal/testutil"
	"github.com/stigscan/stigscan/oval/probes/list"
	"github.com/stigscan/stigscan/xccdf"
)

// The Oracle 19c checks (builtin/oracle-19c-*.xml) run here as the 12c
// ones do: their SQL on PostgreSQL 15 tables shaped like the Oracle 19c
// views (fixtures/oracle12c with fixtures/oracle19c over it). No live
// Oracle instance is used; TestLiveOracleBuiltin scans one when ORACLE_URL
// is set.

// Homes of the 19c fixtures' server machines.
const (
	passHome19 = "/u01/app/oracle/product/19.0.0/dbhome_1"
	failHome19 = "/usr/lib/oracle/product/19.0.0/dbhome_1"
)

// rehome moves a 12c fixture machine to another ORACLE_HOME.
func rehome(es []entry, from, to string) []entry {
	out := make([]entry, len(es))
	for i, e := range es {
		e.path = strings.ReplaceAll(e.path, from, to)
		e.data = strings.ReplaceAll(e.data, from, to)
		out[i] = e
	}
	return out
}

// passRoot19 is the passing 12c machine under a 19c home that grants the
// world nothing (V-270512).
func passRoot19() []entry {
	es := rehome(passRoot(), passHome, passHome19)
	for i, e := range es {
		if e.path == passHome19 {
			es[i].mode = 0o750
		}
	}
	return es
}

func failRoot19() []entry { return rehome(failRoot(), failHome, failHome19) }

func content19(t *testing.T) *xccdf.Content { return open(t, builtin.Oracle19cBenchmark) }

func scan19(t *testing.T, files []string, stmts []string, root []entry, values map[string]string) scanned {
	t.Helper()
	return scanDB(t, content19(t), oracletest.Load19c(t, files, stmts...), root, values)
}

var passValues = map[string]string{valueProduction: "true", valueNoEmergency: "true"}

// want19 is each 19c rule's expected result on the passing and the
// failing fixture (see want).
var want19 = map[string][2]engine.Status{
	"V-270495": {P, F}, "V-270496": {P, F}, "V-270497": {P, F}, "V-270498": {U, F}, "V-270499": {P, U},
	"V-270500": {N, N}, "V-270501": {U, F}, "V-270502": {U, F}, "V-270503": {P, U}, "V-270504": {U, F},
	"V-270505": {U, F}, "V-270506": {U, F}, "V-270507": {U, U}, "V-270508": {P, U}, "V-270509": {N, N},
	"V-270510": {U, F}, "V-270511": {U, F}, "V-270512": {U, F}, "V-270513": {U, F}, "V-270514": {P, U},
	"V-270515": {U, F}, "V-270516": {N, N}, "V-270517": {U, F}, "V-270518": {P, U}, "V-270519": {P, F},
	"V-270520": {U, F}, "V-270521": {P, U}, "V-270522": {P, U}, "V-270523": {P, F}, "V-270524": {P, F},
	"V-270525": {P, F}, "V-270526": {P, F}, "V-270527": {P, U}, "V-270528": {P, F}, "V-270529": {P, U},
	"V-270530": {P, U}, "V-270531": {P, F}, "V-270532": {P, F}, "V-270533": {P, U}, "V-270534": {P, P},
	"V-270535": {P, F}, "V-270536": {P, U}, "V-270537": {U, F}, "V-270538": {U, F}, "V-270539": {P, U},
	"V-270540": {P, F}, "V-270541": {U, F}, "V-270542": {P, F}, "V-270543": {P, F}, "V-270544": {U, F},
	"V-270545": {P, F}, "V-270546": {P, U}, "V-270547": {P, U}, "V-270548": {P, U}, "V-270549": {P, F},
	"V-270550": {P, F}, "V-270551": {P, F}, "V-270552": {P, F}, "V-270553": {P, U}, "V-270554": {P, U},
	"V-270555": {U, F}, "V-270556": {P, U}, "V-270557": {P, F}, "V-270558": {U, F}, "V-270559": {N, N},
	"V-270560": {N, N}, "V-270561": {P, F}, "V-270562": {P, U}, "V-270563": {P, F}, "V-270564": {U, F},
	"V-270565": {P, F}, "V-270566": {P, F}, "V-270567": {U, U}, "V-270568": {N, N}, "V-270569": {P, F},
	"V-270570": {N, N}, "V-270571": {P, F}, "V-270572": {N, N}, "V-270573": {P, F}, "V-270574": {P, U},
	"V-270575": {P, U}, "V-270576": {N, N}, "V-270577": {N, N}, "V-270578": {P, U}, "V-270579": {P, U},
	"V-270580": {U, F}, "V-270581": {N, N}, "V-270582": {N, N}, "V-270583": {U, F}, "V-270584": {N, N},
	"V-270585": {U, F}, "V-270586": {P, F}, "V-270587": {U, F}, "V-270588": {N, N}, "V-270589": {P, U},
}

// automation19 reads each 19c rule's automation from the source of the
// checks (builtin/stigs/oracle-19c.yaml and builtin/checks/oracle.yaml), so
// the fixtures are held to what the coverage table claims.
func automation19(t *testing.T) map[string]checkgen.Automation {
	t.Helper()
	src, err := checkgen.Load(filepath.Join(testutil.RepoRoot(t), "builtin"))
	require.NoError(t, err)
	out := map[string]checkgen.Automation{}
	for _, r := range src.Releases {
		if r.Name != "oracle-19c" {
			continue
		}
		cat := src.Catalogs[r.Catalog]
		for _, row := range r.Rules {
			out[row.Vuln] = cat.Checks.Items[row.Check].Automation
		}
	}
	require.Len(t, out, 95)
	return out
}

// assertRules19 checks every rule against want19 and against its
// automation: an automated rule passes on the passing fixture and fails on
// the failing one (but for the exceptions named), a manual rule is not
// checked, a partly automated one never passes on the failing fixture.
func assertRules19(t *testing.T, res *engine.Result, column int, except ...string) {
	t.Helper()
	got := byVuln(res)
	require.Len(t, got, len(want19))
	auto := automation19(t)
	var vulns []string
	for v := range want19 {
		vulns = append(vulns, v)
	}
	sort.Strings(vulns)
	counts := map[engine.Status]int{}
	for _, v := range vulns {
		rr := got[v]
		require.NotNil(t, rr, v)
		counts[rr.Status]++
		assert.Equal(t, want19[v][column], rr.Status, "%s %s%s", v, rr.Rule.Title, explain(rr))
		excepted := false
		for _, e := range except {
			excepted = excepted || e == v
		}
		switch {
		case auto[v] == checkgen.Manual:
			assert.Equal(t, N, rr.Status, "%s is manual", v)
		case auto[v] == checkgen.Automated && !excepted:
			assert.Equal(t, [2]engine.Status{P, F}[column], rr.Status, "%s is automated%s", v, explain(rr))
		case auto[v] == checkgen.Partly && column == 1:
			assert.NotEqual(t, P, rr.Status, "%s passes on the failing fixture", v)
		}
	}
	t.Logf("results: %v", counts)
}

// TestPassingFixture19c: every automated 19c rule passes on the passing
// container database.
func TestPassingFixture19c(t *testing.T) {
	s := scan19(t, []string{oracletest.Pass}, nil, passRoot19(), passValues)
	assertRules19(t, s.res, 0)
	t.Logf("oracle-19c evaluation on the passing fixture took %v (goal: under 1 s)", s.took)
}

// TestFailingFixture19c: every automated 19c rule but V-270534 fails (see
// TestArchiveLogVariant19c), and each failure says what was found.
func TestFailingFixture19c(t *testing.T) {
	s := scan19(t, []string{oracletest.Fail}, nil, failRoot19(), nil)
	assertRules19(t, s.res, 1, "V-270534")
	t.Logf("oracle-19c evaluation on the failing fixture took %v (goal: under 1 s)", s.took)
	got := byVuln(s.res)
	for v, ev := range map[string]string{
		"V-270497": "con_id=1, idle_time=UNLIMITED, profile=DEFAULT, username=SYS",
		"V-270524": "con_id=1, parameter=remote_os_roles, value=TRUE",
		"V-270545": "con_id=3, username=HR",
		"V-270550": "con_id=3, failed_login_attempts=10, profile=APP_PROFILE",
		"V-270586": "con_id=3, password_life_time=UNLIMITED, profile=APP_PROFILE",
		"V-270564": "password_versions=10G 11G 12C, username=SCOTT",
		"V-270498": "policy_name=HR_POLICY, status=DISABLED",
		"V-270583": "parameter=sec_return_server_release_banner, value=TRUE",
		"V-270561": "password_verify_function=NULL",
		"V-270505": "enabled=NO, object_name=ORDERS, object_schema=APP_OWNER, policy_name=ORDERS_PII_ACCESS",
	} {
		assert.Contains(t, strings.Join(got[v].Evidence, "\n"), ev, "%s%s", v, explain(got[v]))
	}
}

// TestArchiveLogVariant19c: V-270534 passes in NOARCHIVELOG mode, which
// V-270573 needs to fail; in ARCHIVELOG mode its destinations (open to
// others) fail it.
func TestArchiveLogVariant19c(t *testing.T) {
	s := scan19(t, []string{oracletest.Fail}, []string{"UPDATE v$database SET log_mode = 'ARCHIVELOG'"}, failRoot19(), nil)
	got := byVuln(s.res)
	assert.Equal(t, F, got["V-270534"].Status, explain(got["V-270534"]))
	assert.Equal(t, P, got["V-270573"].Status, explain(got["V-270573"]))
	assert.Contains(t, strings.Join(got["V-270534"].Evidence, "\n"), "/u01/app/oracle/arch")
}

// TestSessionTermination19c changes one thing at a time on the passing
// container database and checks V-270497 decides on it, naming what it
// found: MAX_IDLE_TIME, RESOURCE_LIMIT, profiles resolved per open account
// and per container, Resource Manager plans per open container, and the
// active sqlnet.ora read from the server machine.
func TestSessionTermination19c(t *testing.T) {
	rmOnly := []string{
		`UPDATE cdb_profiles SET "LIMIT" = 'UNLIMITED' WHERE resource_name = 'IDLE_TIME'`,
		"UPDATE v$rsrc_plan SET is_top_plan = 'TRUE'",
	}
	tests := []struct {
		name     string
		stmts    []string
		root     []entry
		values   map[string]string
		status   engine.Status
		evidence string
	}{
		{name: "MAX_IDLE_TIME over the limit", stmts: []string{"UPDATE v$parameter SET value = '30' WHERE name = 'max_idle_time'"},
			status: F, evidence: "parameter=max_idle_time, value=30, verdict=FAIL"},
		{name: "MAX_IDLE_TIME 0 is no limit", stmts: []string{"UPDATE v$parameter SET value = '0' WHERE name = 'max_idle_time'"},
			status: F, evidence: "parameter=max_idle_time, value=0, verdict=FAIL"},
		{name: "no MAX_IDLE_TIME (before 19c)", stmts: []string{"DELETE FROM v$parameter WHERE name = 'max_idle_time'"},
			status: F, evidence: "parameter=max_idle_time, value=absent, verdict=FAIL"},
		{name: "RESOURCE_LIMIT FALSE", stmts: []string{"UPDATE v$parameter SET value = 'FALSE' WHERE name = 'resource_limit'"},
			status: F, evidence: "parameter=resource_limit, value=FALSE, verdict=FAIL"},
		{name: "a PDB's DEFAULT profile resolves for its accounts only",
			stmts:  []string{`UPDATE cdb_profiles SET "LIMIT" = 'UNLIMITED' WHERE con_id = 3 AND profile = 'DEFAULT' AND resource_name = 'IDLE_TIME'`},
			status: F, evidence: "con_id=3, idle_time=UNLIMITED, profile=APP_PROFILE, username=APP_SVC, verdict=FAIL"},
		{name: "the root's DEFAULT CONNECT_TIME reaches a common user's profile",
			stmts:  []string{`UPDATE cdb_profiles SET "LIMIT" = 'UNLIMITED' WHERE con_id = 1 AND profile = 'DEFAULT' AND resource_name = 'CONNECT_TIME'`},
			status: F, evidence: "con_id=1, connect_time=UNLIMITED, profile=C##STIG_PROFILE, username=C##DBA_ALICE, verdict=FAIL"},
		{name: "a locked account's unlimited profile counts once the account opens",
			stmts:  []string{"UPDATE cdb_users SET account_status = 'OPEN' WHERE username = 'OLD_APP'"},
			status: F, evidence: "con_id=3, idle_time=UNLIMITED, profile=LAX, username=OLD_APP, verdict=FAIL"},
		{name: "idle sessions ended by Resource Manager in every open container",
			stmts:  append(append([]string{}, rmOnly...), "UPDATE cdb_rsrc_plan_directives SET max_idle_time = 600"),
			status: P},
		{name: "an open PDB without an active plan",
			stmts:  append(append([]string{}, rmOnly...), "UPDATE cdb_rsrc_plan_directives SET max_idle_time = 600", "UPDATE v$rsrc_plan SET is_top_plan = 'FALSE' WHERE con_id = 3"),
			status: F, evidence: "con_id=3, consumer_group=no active Resource Manager plan, max_idle_seconds=, plan_name=none, verdict=FAIL"},
		{name: "a directive over the limit",
			stmts:  append(append([]string{}, rmOnly...), "UPDATE cdb_rsrc_plan_directives SET max_idle_time = 600 WHERE con_id = 1", "UPDATE cdb_rsrc_plan_directives SET max_idle_time = 1200 WHERE con_id = 3"),
			status: F, evidence: "con_id=3, consumer_group=OTHER_GROUPS, max_idle_seconds=1200, plan_name=DEFAULT_PLAN, verdict=FAIL"},
		{name: "no SQLNET.INBOUND_CONNECT_TIMEOUT",
			root:   withSqlnet19(func(s string) string { return strings.Replace(s, "SQLNET.INBOUND_CONNECT_TIMEOUT = 60\n", "", 1) }),
			status: F, evidence: "SQLNET.INBOUND_CONNECT_TIMEOUT in the active sqlnet.ora is set (greater than 0): no matching items (test false)"},
		{name: "SQLNET.EXPIRE_TIME 0",
			root: withSqlnet19(func(s string) string {
				return strings.Replace(s, "SQLNET.EXPIRE_TIME = 10", "SQLNET.EXPIRE_TIME = 0", 1)
			}),
			status: F, evidence: "parameter=SQLNET.EXPIRE_TIME value=0 element=0 → false"},
		{name: "a tailored idle limit of 20 minutes", values: map[string]string{valueIdleTime: "20"},
			stmts:  []string{"UPDATE v$parameter SET value = '20' WHERE name = 'max_idle_time'"},
			status: P},
		{name: "a tailored idle limit of 5 minutes", values: map[string]string{valueIdleTime: "5"},
			status: F, evidence: "con_id=1, idle_time=10, profile=C##STIG_PROFILE, username=C##DBA_ALICE, verdict=FAIL"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := tc.root
			if root == nil {
				root = passRoot19()
			}
			s := scan19(t, []string{oracletest.Pass}, tc.stmts, root, tc.values)
			rr := byVuln(s.res)["V-270497"]
			assert.Equal(t, tc.status, rr.Status, explain(rr))
			if tc.evidence != "" {
				assert.Contains(t, strings.Join(rr.Evidence, "\n"), tc.evidence)
			}
		})
	}
}

const valueIdleTime = "xccdf_io.stigscan_value_oracle_idle_time"

// withSqlnet19 returns the passing 19c machine with sqlnet.ora's text edited.
func withSqlnet19(edit func(string) string) []entry {
	es := passRoot19()
	for i, e := range es {
		if strings.HasSuffix(e.path, "/network/admin/sqlnet.ora") {
			es[i].data = edit(e.data)
		}
	}
	return es
}

// TestValuesAreShared19c: the 12c and 19c benchmarks declare the same
// Values (the catalog's, same ids, same defaults), so one tailoring file
// serves both releases; the one meaning DISA's 19c text adds (documented
// that sessions need not end) is declared by 12c too, marked unused there.
func TestValuesAreShared19c(t *testing.T) {
	v12 := map[string]string{}
	desc12 := map[string]string{}
	for _, v := range content(t).Benchmark.Values {
		v12[v.ID] = v.Select("")
		desc12[v.ID] = v.Description.Plain()
	}
	vals := content19(t).Benchmark.Values
	require.NotEmpty(t, vals)
	assert.Len(t, vals, len(v12))
	for _, v := range vals {
		d, ok := v12[v.ID]
		require.True(t, ok, "%s is a 19c Value the 12c benchmark lacks", v.ID)
		assert.Equal(t, d, v.Select(""), v.ID)
	}
	assert.Contains(t, desc12[valueTerminationRequired], "No check of this release uses it")
	assert.Greater(t, len(vals), 10)
}

const valueTerminationRequired = "xccdf_io.stigscan_value_oracle_session_termination_required"

// TestSessionTerminationNotRequired19c: where the documentation states
// that sessions need not end (Value false), V-270497 passes even on the
// failing fixture; by default it is required and fails there.
func TestSessionTerminationNotRequired19c(t *testing.T) {
	s := scan19(t, []string{oracletest.Fail}, nil, failRoot19(), map[string]string{valueTerminationRequired: "false"})
	rr := byVuln(s.res)["V-270497"]
	assert.Equal(t, P, rr.Status, explain(rr))
	assert.Contains(t, strings.Join(rr.Evidence, "\n"), "The organization documents that sessions need not end automatically")
}

// TestOneTailoringServesBothReleases: one site's tailoring file (idle limit
// 5 minutes, password lifetime 30 days), applied to DISA's 12c V2R9 and 19c
// V1R1 benchmarks bound to the built-in checks, reaches both releases'
// checks: the passing fixtures now fail the session and password rules,
// naming the limits the site set.
func TestOneTailoringServesBothReleases(t *testing.T) {
	dir := testutil.SharedContent(t, "disa-manual")
	tl, err := xccdf.OpenTailoring(filepath.Join("testdata", "site-tailoring.xml"))
	require.NoError(t, err)
	lib, err := builtin.Library()
	require.NoError(t, err)
	for _, rel := range []struct {
		file  string
		db    *oracletest.DB
		root  []entry
		fails map[string]string // Vuln-ID → evidence of the tailored limit
	}{
		{"U_Oracle_Database_12c_STIG_V2R9_Manual-xccdf.xml", oracletest.Load(t, []string{oracletest.Pass}), passRoot(), map[string]string{
			"V-220295": "idle_time=10, profile=STIG_PROFILE, username=DBA_ALICE",
			"V-237735": "username=SYS",
		}},
		{"U_Oracle_Database_19c_STIG_V1R1_Manual-xccdf.xml", oracletest.Load19c(t, []string{oracletest.Pass}), passRoot19(), map[string]string{
			"V-270497": "parameter=max_idle_time, value=15",
			"V-270586": "con_id=1, password_life_time=35, profile=DEFAULT",
			"V-270563": "username=SYS",
		}},
	} {
		t.Run(rel.file, func(t *testing.T) {
			c, err := xccdf.Open(filepath.Join(dir, rel.file), xccdf.Options{})
			require.NoError(t, err)
			sel, err := xccdf.Resolve(c.Benchmark, tl, "xccdf_io.stigscan_profile_site_oracle")
			require.NoError(t, err)
			b, err := engine.Prepare(context.Background(), c, sel, engine.Options{Library: lib, Tailoring: tl, Probes: list.Standard(), Now: now})
			require.NoError(t, err)
			assert.Empty(t, b.Problems(), "every set-value is a Value of the built-in checks")
			res, err := b.Evaluate(context.Background(), rel.db.Target(t, oracle.Config{}, newLiveRoot(t, rel.root)))
			require.NoError(t, err)
			got := byVuln(res)
			for v, ev := range rel.fails {
				rr := got[v]
				require.NotNil(t, rr, v)
				assert.Equal(t, F, rr.Status, "%s%s", v, explain(rr))
				assert.Contains(t, strings.Join(rr.Evidence, "\n"), ev, v)
			}
		})
	}
}

// TestImportDISA19c imports DISA's Oracle 19c V1R1 benchmark with all of
// stigscan's built-in checks as the library (as the CLI does): every rule
// with a built-in check binds to the 19c check of its Vuln-ID, gets the
// same result as the built-in benchmark, and says which release the check
// was written against; manual rules stay not checked with DISA's text. The
// 12c releases keep binding to the 12c checks only.
func TestImportDISA19c(t *testing.T) {
	dir := testutil.SharedContent(t, "disa-manual")
	lib, err := builtin.Library()
	require.NoError(t, err)
	lib19 := content19(t)
	libRules := map[string]*xccdf.Rule{}
	for _, r := range lib19.Benchmark.Rules {
		if len(r.Checks) > 0 {
			libRules[r.Identity().VulnID] = r
		}
	}
	require.Len(t, libRules, 81)

	direct := scan19(t, []string{oracletest.Pass}, nil, passRoot19(), passValues)
	directStatus := map[string]engine.Status{}
	for _, rr := range direct.res.Rules {
		directStatus[rr.Identity.VulnID] = rr.Status
	}
	tg := direct.db.Target(t, oracle.Config{}, newLiveRoot(t, passRoot19()))

	c, err := xccdf.Open(filepath.Join(dir, "U_Oracle_Database_19c_STIG_V1R1_Manual-xccdf.xml"), xccdf.Options{})
	require.NoError(t, err)
	sel, err := xccdf.Resolve(c.Benchmark, nil, "")
	require.NoError(t, err)
	b, err := engine.Prepare(context.Background(), c, sel, engine.Options{Library: lib, Probes: list.Standard(), Now: now,
		LibraryValues: map[string]string{valueProduction: "true", valueNoEmergency: "true"}})
	require.NoError(t, err)
	res, err := b.Evaluate(context.Background(), tg)
	require.NoError(t, err)
	require.Len(t, res.Rules, 95)
	bound := 0
	for _, rr := range res.Rules {
		v := rr.Identity.VulnID
		lr := libRules[v]
		assert.NotEmpty(t, rr.Check.Content, "%s: DISA's check text is kept", v)
		if lr == nil {
			assert.Nil(t, rr.BoundTo, "%s is manual", v)
			assert.Equal(t, N, rr.Status, v)
			continue
		}
		bound++
		require.NotNil(t, rr.BoundTo, v)
		assert.Equal(t, lr.ID, rr.BoundTo.ID, "%s binds to the built-in 19c check", v)
		assert.Equal(t, directStatus[v], rr.Status, "%s: same result as the built-in benchmark", v)
		joined := ""
		for _, m := range rr.Messages {
			joined += m.Text + "\n"
		}
		assert.Contains(t, joined, "written against stigscan checks for the Oracle Database 19c STIG Version 1 Release 1", v)
	}
	assert.Equal(t, 81, bound)

	// DISA's 12c V2R9, imported with the same library, binds to the 12c
	// checks alone, as before.
	lib12 := map[string]bool{}
	for _, r := range content(t).Benchmark.Rules {
		lib12[r.ID] = true
	}
	c12, err := xccdf.Open(filepath.Join(dir, "U_Oracle_Database_12c_STIG_V2R9_Manual-xccdf.xml"), xccdf.Options{})
	require.NoError(t, err)
	sel12, err := xccdf.Resolve(c12.Benchmark, nil, "")
	require.NoError(t, err)
	b12, err := engine.Prepare(context.Background(), c12, sel12, engine.Options{Library: lib, Probes: list.Standard(), Now: now})
	require.NoError(t, err)
	res12, err := b12.Evaluate(context.Background(), oracletest.Load(t, []string{oracletest.Pass}).Target(t, oracle.Config{}, newLiveRoot(t, passRoot())))
	require.NoError(t, err)
	bound12 := 0
	for _, rr := range res12.Rules {
		if rr.BoundTo != nil {
			bound12++
			assert.True(t, lib12[rr.BoundTo.ID], "%s binds to %s, not a 12c check", rr.Identity.VulnID, rr.BoundTo.ID)
		}
	}
	assert.Equal(t, 111, bound12)
}

// TestListenerRateLimit19c: V-270496 passes only on an address that is
// really rate limited. CONNECTION_RATE_<listener> without RATE_LIMIT on an
// address limits nothing, and RATE_LIMIT = YES without a listener rate
// sets no rate; a number on the address is a rate of its own.
func TestListenerRateLimit19c(t *testing.T) {
	const address = "(ADDRESS = (PROTOCOL = TCPS)(HOST = db1.example.com)(PORT = 2484)"
	for _, tc := range []struct {
		name string
		// edit changes the passing fixture's listener.ora.
		edit func(string) string
		want engine.Status
	}{
		{"rate limit yes and a listener rate", func(s string) string { return s }, P},
		{"rate limit yes without a listener rate", func(s string) string {
			return strings.Replace(s, "CONNECTION_RATE_LISTENER = 10\n", "", 1)
		}, F},
		{"a listener rate but no address limited", func(s string) string {
			return strings.Replace(s, address+"(RATE_LIMIT = yes))", address+")", 1)
		}, F},
		{"a listener rate with rate limit no", func(s string) string {
			return strings.Replace(s, "(RATE_LIMIT = yes)", "(RATE_LIMIT = no)", 1)
		}, F},
		{"a rate of the address's own", func(s string) string {
			s = strings.Replace(s, "CONNECTION_RATE_LISTENER = 10\n", "", 1)
			return strings.Replace(s, "(RATE_LIMIT = yes)", "(RATE_LIMIT = 8)", 1)
		}, P},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := passRoot19()
			found := false
			for i, e := range root {
				if strings.HasSuffix(e.path, "/network/admin/listener.ora") {
					edited := tc.edit(e.data)
					if tc.want == F {
						require.NotEqual(t, e.data, edited, "the edit changes listener.ora")
					}
					root[i].data = edited
					found = true
				}
			}
			require.True(t, found, "the passing fixture has a listener.ora")
			s := scan19(t, []string{oracletest.Pass}, nil, root, passValues)
			rr := byVuln(s.res)["V-270496"]
			assert.Equal(t, tc.want, rr.Status, explain(rr))
		})
	}
}
