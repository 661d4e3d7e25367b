package mariadbtest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/builtin"
	"github.com/stigscan/stigscan/builtin/internal/checktest"
	"github.com/stigscan/stigscan/collectors/mysql/mysqltest"
	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/internal/testutil"
	"github.com/stigscan/stigscan/oval"
	"github.com/stigscan/stigscan/oval/probes/list"
	"github.com/stigscan/stigscan/report/arf"
	"github.com/stigscan/stigscan/report/jsonres"
	"github.com/stigscan/stigscan/xccdf"
)

func TestMain(m *testing.M) { os.Exit(mysqltest.Main(m)) }

const (
	disaFile  = "U_MariaDB_Enterprise_10-x_STIG_V2R1_Manual-xccdf.xml"
	idleVuln  = "V-253717"
	valuePfx  = "xccdf_io.stigscan_value_"
	disaRules = 111
)

func builtinContent(t testing.TB) *xccdf.Content {
	t.Helper()
	data, err := builtin.Read(builtin.MariaDB10xBenchmark)
	require.NoError(t, err)
	c, err := xccdf.OpenBytes(data, "builtin:"+builtin.MariaDB10xBenchmark, builtin.FS(), xccdf.Options{})
	require.NoError(t, err)
	return c
}

// tailored is the fixture's Values, with the approved port the server's
// own on the passing server (the harness picks a free one) and 3306 on
// the failing one.
func (r *running) tailored(extra map[string]string) map[string]string {
	v := map[string]string{}
	for k, x := range r.values {
		v[k] = x
	}
	v["maria_allowed_ports"] = "^3306$"
	if r.name == "passing" {
		v["maria_allowed_ports"] = "^" + strconv.Itoa(r.port) + "$"
	}
	for k, x := range extra {
		v[k] = x
	}
	return v
}

func (r *running) prepare(t *testing.T, extra map[string]string) *engine.Benchmark {
	t.Helper()
	content := builtinContent(t)
	path, profile := tailoring(t, r.name, builtin.MariaDB10xBenchmark, r.tailored(extra))
	tl, err := xccdf.OpenTailoring(path)
	require.NoError(t, err)
	sel, err := xccdf.Resolve(content.Benchmark, tl, profile)
	require.NoError(t, err)
	require.Empty(t, sel.Problems)
	b, err := engine.Prepare(context.Background(), content, sel, engine.Options{Probes: list.Standard()})
	require.NoError(t, err)
	return b
}

func (r *running) scan(t *testing.T, b *engine.Benchmark) *engine.Result {
	t.Helper()
	tg := r.open(t)
	start := time.Now()
	res, err := b.Evaluate(context.Background(), tg)
	elapsed := time.Since(start)
	require.NoError(t, err)
	t.Logf("mariadb-10x on the %s server: %d rules evaluated in %s", r.name, len(res.Rules), elapsed)
	return res
}

// TestBuiltinChecks scans the passing and the failing server: every
// automated rule passes (fails), every manual one is notchecked.
func TestBuiltinChecks(t *testing.T) {
	for _, tc := range []struct {
		f    fixture
		want engine.Status
	}{{passing, engine.Pass}, {failing, engine.Fail}} {
		t.Run(tc.f.name, func(t *testing.T) {
			r := startFixture(t, tc.f)
			content := builtinContent(t)
			var auto, manual int
			for _, rule := range content.Benchmark.Rules {
				if len(rule.Checks) > 0 {
					auto++
				} else {
					manual++
				}
			}
			assert.Equal(t, disaRules, auto+manual, "one rule per DISA Vuln-ID")
			assert.GreaterOrEqual(t, auto*100/(auto+manual), 85, "at least 85% of the rules automated or partly automated")

			res := r.scan(t, r.prepare(t, nil))
			want := checktest.Expected(content, tc.want)
			assert.Equal(t, want, checktest.Statuses(res, checktest.RuleID), checktest.Explain(res, want, checktest.RuleID))
			counts := res.Counts()
			assert.Equal(t, auto, counts[tc.want])
			assert.Equal(t, manual, counts[engine.NotChecked])
			checkNoSecret(t, res, r)
			if tc.f.name == "passing" {
				rr := checktest.RuleByVuln(res, idleVuln)
				require.NotNil(t, rr)
				assert.Contains(t, strings.Join(rr.Evidence, "\n"), "idle_seconds=", "the sessions examined are evidence")
				// Auditing at startup is read from the site's my.cnf.
				rr = checktest.RuleByVuln(res, "V-253674")
				require.NotNil(t, rr)
				assert.Contains(t, strings.Join(rr.Evidence, "\n"), "/etc/mysql/my.cnf")
			}
		})
	}
}

// checkNoSecret looks for the passwords in everything a scan produces.
func checkNoSecret(t *testing.T, res *engine.Result, r *running) {
	t.Helper()
	var all strings.Builder
	for _, rep := range res.OVAL {
		data, err := oval.ResultsBytes(rep.Results, oval.WriteOptions{})
		require.NoError(t, err)
		all.Write(data)
	}
	for _, rr := range res.Rules {
		for _, m := range rr.Messages {
			all.WriteString(m.Text + "\n")
		}
		all.WriteString(strings.Join(rr.Evidence, "\n"))
		if rr.Check != nil {
			for _, ex := range rr.Check.Exports {
				all.WriteString(ex.Value + "\n")
			}
		}
	}
	all.WriteString(res.Target.String())
	var out bytes.Buffer
	require.NoError(t, arf.Writer{}.Write(&out, res))
	require.NoError(t, jsonres.Writer{}.Write(&out, res))
	require.Contains(t, out.String(), "sql57_item")
	all.Write(out.Bytes())
	for _, s := range []string{mysqltest.Password, r.s.AdminPassword} {
		assert.NotContains(t, all.String(), s, "a secret reached the results")
	}
}

// TestImportDISA binds DISA's Manual XCCDF to the built-in checks by
// Vuln-ID and scans the passing server with it.
func TestImportDISA(t *testing.T) {
	dir := testutil.SharedContent(t, "disa-manual")
	r := startFixture(t, passing)
	values := map[string]string{}
	for k, v := range r.tailored(nil) {
		values[valuePfx+k] = v
	}
	disa, err := xccdf.Open(filepath.Join(dir, disaFile), xccdf.Options{})
	require.NoError(t, err)
	sel, err := xccdf.Resolve(disa.Benchmark, nil, "")
	require.NoError(t, err)
	lib := builtinContent(t)
	b, err := engine.Prepare(context.Background(), disa, sel, engine.Options{Probes: list.Standard(), Library: []*xccdf.Content{lib}, LibraryValues: values})
	require.NoError(t, err)
	res := r.scan(t, b)
	require.Len(t, res.Rules, disaRules)

	auto := map[string]string{}
	for _, lr := range lib.Benchmark.Rules {
		if len(lr.Checks) > 0 {
			auto[lr.Identity().VulnID] = lr.ID
		}
	}
	want := map[string]engine.Status{}
	for _, rr := range res.Rules {
		want[rr.Rule.ID] = engine.NotChecked
		if auto[rr.Identity.VulnID] != "" {
			want[rr.Rule.ID] = engine.Pass
		}
	}
	assert.Equal(t, want, checktest.Statuses(res, checktest.RuleID), checktest.Explain(res, want, checktest.RuleID))
	for _, rr := range res.Rules {
		if auto[rr.Identity.VulnID] == "" {
			continue
		}
		require.NotNil(t, rr.BoundTo, rr.Identity.VulnID)
		require.NotEmpty(t, rr.Messages, rr.Identity.VulnID)
		msg := rr.Messages[0].Text
		assert.Contains(t, msg, "automated by stigscan check "+auto[rr.Identity.VulnID], rr.Identity.VulnID)
		assert.Contains(t, msg, "written against "+lib.Benchmark.Title, rr.Identity.VulnID)
		assert.Contains(t, msg, "V2R1", rr.Identity.VulnID)
		partly := strings.HasPrefix(rr.BoundTo.Description.Plain(), "Partly automated.")
		var left bool
		for _, m := range rr.Messages {
			left = left || strings.HasPrefix(m.Text, "Left to a reviewer: ")
		}
		assert.Equal(t, partly, left, "%s: a result names what is left to a reviewer exactly when its check is partly automated", rr.Identity.VulnID)
	}
	checkNoSecret(t, res, r)
}
