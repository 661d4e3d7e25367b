package oracletest

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/builtin"
	"github.com/stigscan/stigscan/collectors/oracle"
	"github.com/stigscan/stigscan/collectors/oracle/oracletest"
	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/internal/testpg"
	"github.com/stigscan/stigscan/oval/probes/list"
	"github.com/stigscan/stigscan/xccdf"
)

func TestMain(m *testing.M) { os.Exit(testpg.Main(m)) }

var now = func() time.Time { return time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC) }

const (
	P = engine.Pass
	F = engine.Fail
	U = engine.Unknown
	N = engine.NotChecked
)

// want is each rule's expected result on the passing and the failing
// fixture. Automated rules pass and fail; partly automated rules pass or
// fail where their technical part decides, else stay unknown; manual rules
// are not checked.
var want = map[string][2]engine.Status{
	"V-219824": {P, U}, "V-219825": {P, U}, "V-219826": {P, U}, "V-219827": {U, F}, "V-219828": {P, F},
	"V-219829": {P, F}, "V-219830": {P, F}, "V-219831": {P, U}, "V-219832": {P, F}, "V-219833": {P, F},
	"V-219834": {P, U}, "V-219835": {P, F}, "V-219836": {P, U}, "V-219837": {P, U}, "V-219838": {P, F},
	"V-219839": {P, F}, "V-219840": {P, U}, "V-219841": {P, U}, "V-219842": {N, N}, "V-219843": {P, U},
	"V-219844": {P, U}, "V-219847": {P, F}, "V-219848": {U, F}, "V-219849": {P, P}, "V-219850": {P, F},
	"V-219851": {P, U}, "V-219852": {N, N}, "V-219853": {N, N}, "V-219861": {U, F}, "V-219862": {P, P},
	"V-219865": {P, F}, "V-219866": {P, F}, "V-219867": {P, U}, "V-219868": {P, F}, "V-219871": {P, U},
	"V-219872": {P, F}, "V-219873": {U, F}, "V-219874": {P, F}, "V-219875": {P, F},
	"V-220263": {P, F}, "V-220264": {P, F}, "V-220265": {P, U}, "V-220266": {N, N}, "V-220267": {U, F},
	"V-220268": {P, U}, "V-220269": {U, F}, "V-220270": {P, F}, "V-220271": {P, F}, "V-220272": {P, F},
	"V-220273": {P, F}, "V-220274": {P, F}, "V-220275": {P, F}, "V-220276": {U, F}, "V-220277": {U, F},
	"V-220278": {U, F}, "V-220279": {U, F}, "V-220280": {U, F}, "V-220281": {U, F}, "V-220282": {U, F},
	"V-220283": {P, U}, "V-220284": {P, F}, "V-220285": {P, U}, "V-220286": {P, U}, "V-220287": {P, U},
	"V-220288": {P, F}, "V-220289": {U, F}, "V-220290": {N, N}, "V-220291": {P, U}, "V-220293": {P, U},
	"V-220294": {P, F}, "V-220295": {P, F}, "V-220296": {P, F}, "V-220297": {P, U}, "V-220298": {N, N},
	"V-220299": {N, N}, "V-220300": {U, F}, "V-220301": {N, N}, "V-220302": {N, N}, "V-220303": {N, N},
	"V-220304": {N, N}, "V-220305": {U, F}, "V-220306": {P, U}, "V-220307": {P, U}, "V-220308": {N, N},
	"V-220309": {U, F}, "V-220310": {N, N}, "V-220311": {N, N}, "V-220312": {N, N}, "V-220313": {U, F},
	"V-237696": {U, F}, "V-237697": {U, F}, "V-237698": {P, F}, "V-237699": {P, U}, "V-237700": {P, U},
	"V-237701": {P, U}, "V-237702": {P, U}, "V-237703": {N, N}, "V-237705": {N, N}, "V-237706": {N, N},
	"V-237707": {P, U}, "V-237708": {P, U}, "V-237709": {P, F}, "V-237710": {U, F}, "V-237712": {U, F},
	"V-237713": {P, F}, "V-237714": {P, F}, "V-237715": {N, N}, "V-237716": {N, N}, "V-237717": {P, U},
	"V-237718": {N, N}, "V-237719": {N, N}, "V-237720": {N, N}, "V-237721": {N, N}, "V-237722": {U, F},
	"V-237723": {U, F}, "V-237724": {N, N}, "V-237725": {P, F}, "V-237726": {P, F}, "V-237727": {P, F},
	"V-237728": {P, F}, "V-237729": {P, F}, "V-237730": {P, F}, "V-237731": {P, F}, "V-237732": {P, F},
	"V-237733": {P, U}, "V-237734": {N, N}, "V-237735": {P, F}, "V-237738": {P, F}, "V-237739": {P, F},
	"V-237740": {U, F}, "V-237741": {P, U}, "V-237742": {P, U}, "V-237743": {P, U}, "V-237745": {P, U},
	"V-237746": {U, F}, "V-237747": {U, U}, "V-251802": {U, F},
}

func content(t *testing.T) *xccdf.Content { return open(t, builtin.Oracle12cBenchmark) }

// open parses a built-in benchmark.
func open(t *testing.T, name string) *xccdf.Content {
	t.Helper()
	data, err := builtin.Read(name)
	require.NoError(t, err)
	c, err := xccdf.OpenBytes(data, name, builtin.FS(), xccdf.Options{})
	require.NoError(t, err)
	return c
}

type scanned struct {
	res  *engine.Result
	db   *oracletest.DB
	took time.Duration // Evaluate alone
}

// scan loads a fixture, builds its server machine and evaluates the
// built-in benchmark with the Values given.
func scan(t *testing.T, sqlFiles []string, stmts []string, root []entry, values map[string]string) scanned {
	t.Helper()
	return scanDB(t, content(t), oracletest.Load(t, sqlFiles, stmts...), root, values)
}

// scanDB evaluates benchmark c on a loaded fixture and its server machine,
// with the Values given.
func scanDB(t *testing.T, c *xccdf.Content, db *oracletest.DB, root []entry, values map[string]string) scanned {
	t.Helper()
	tg := db.Target(t, oracle.Config{}, newLiveRoot(t, root))
	sel, err := xccdf.Resolve(c.Benchmark, nil, "")
	require.NoError(t, err)
	require.Empty(t, sel.Problems)
	for k, v := range values {
		_, ok := sel.Values[k]
		require.True(t, ok, "no Value %s", k)
		sel.Values[k] = v
	}
	b, err := engine.Prepare(context.Background(), c, sel, engine.Options{Probes: list.Standard(), Now: now})
	require.NoError(t, err)
	start := time.Now()
	res, err := b.Evaluate(context.Background(), tg)
	took := time.Since(start)
	require.NoError(t, err)
	return scanned{res: res, db: db, took: took}
}

func byVuln(res *engine.Result) map[string]*engine.RuleResult {
	out := map[string]*engine.RuleResult{}
	for _, rr := range res.Rules {
		out[rr.Identity.VulnID] = rr
	}
	return out
}

func explain(rr *engine.RuleResult) string {
	var b strings.Builder
	for _, m := range rr.Messages {
		fmt.Fprintf(&b, "\n  message: %s", m.Text)
	}
	for _, e := range rr.Evidence {
		fmt.Fprintf(&b, "\n  evidence: %s", e)
	}
	return b.String()
}

func assertRules(t *testing.T, res *engine.Result, column int) {
	t.Helper()
	got := byVuln(res)
	require.Len(t, got, len(want))
	counts := map[engine.Status]int{}
	var vulns []string
	for v := range want {
		vulns = append(vulns, v)
	}
	sort.Strings(vulns)
	for _, v := range vulns {
		rr := got[v]
		require.NotNil(t, rr, v)
		counts[rr.Status]++
		assert.Equal(t, want[v][column], rr.Status, "%s %s%s", v, rr.Rule.Title, explain(rr))
	}
	t.Logf("results: %v", counts)
}

const (
	valueProduction  = "xccdf_io.stigscan_value_oracle_production"
	valueNoEmergency = "xccdf_io.stigscan_value_oracle_no_emergency_accounts"
)

// TestPassingFixture: every automated rule passes.
func TestPassingFixture(t *testing.T) {
	s := scan(t, []string{oracletest.Pass}, nil, passRoot(), map[string]string{valueProduction: "true", valueNoEmergency: "true"})
	assertRules(t, s.res, 0)
}

// TestFailingFixture: every automated rule but V-219849 fails (see
// TestArchiveLogVariant), and each failure names what was found.
func TestFailingFixture(t *testing.T) {
	s := scan(t, []string{oracletest.Fail}, nil, failRoot(), nil)
	assertRules(t, s.res, 1)
}

// TestArchiveLogVariant: V-219849 passes in NOARCHIVELOG mode, which
// V-220296 needs to fail, so the failing fixture cannot fail both; in
// ARCHIVELOG mode with file auditing, its destinations (open to others)
// fail it, and so do AUDIT_FILE_DEST's mode and place (V-219862).
func TestArchiveLogVariant(t *testing.T) {
	s := scan(t, []string{oracletest.Fail}, []string{
		"UPDATE v$database SET log_mode = 'ARCHIVELOG'",
		"UPDATE v$parameter SET value = 'OS' WHERE name = 'audit_trail'",
	}, failRoot(), nil)
	got := byVuln(s.res)
	for v, st := range map[string]engine.Status{"V-219849": F, "V-220296": P, "V-219862": F, "V-220277": F, "V-220267": U} {
		assert.Equal(t, st, got[v].Status, "%s%s", v, explain(got[v]))
	}
	assert.Contains(t, strings.Join(got["V-219849"].Evidence, "\n"), "/u01/app/oracle/arch")
}

// TestStandardProbes: the standard probe set (list.Standard, what the CLI
// scans with) knows the oracle family and sql57, so a scan of an Oracle
// target needs no other setup.
func TestStandardProbes(t *testing.T) {
	db := oracletest.Load(t, []string{oracletest.Pass})
	c := content(t)
	sel, err := xccdf.Resolve(c.Benchmark, nil, "")
	require.NoError(t, err)
	b, err := engine.Prepare(context.Background(), c, sel, engine.Options{Probes: list.Standard(), Now: now})
	require.NoError(t, err)
	res, err := b.Evaluate(context.Background(), db.Target(t, oracle.Config{}, newLiveRoot(t, passRoot())))
	require.NoError(t, err)
	for _, v := range []string{"V-220295", "V-219875", "V-220309"} {
		rr := byVuln(res)[v]
		assert.Equal(t, want[v][0], rr.Status, "%s%s", v, explain(rr))
	}
}
