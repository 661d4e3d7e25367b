package mysql8test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/builtin"
	"github.com/stigscan/stigscan/builtin/internal/checktest"
	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/internal/testutil"
	"github.com/stigscan/stigscan/oval/probes/list"
	"github.com/stigscan/stigscan/xccdf"
)

const (
	disaFile  = "U_Oracle_MySQL_8-0_STIG_V2R1_Manual-xccdf.xml"
	disaRules = 100
	minAuto   = 85 // percent automated or partly automated, at least
	idleVuln  = "V-235185"
)

func builtinContent(t testing.TB) *xccdf.Content {
	t.Helper()
	data, err := builtin.Read(builtin.MySQL8Benchmark)
	require.NoError(t, err)
	c, err := xccdf.OpenBytes(data, "builtin:"+builtin.MySQL8Benchmark, builtin.FS(), xccdf.Options{})
	require.NoError(t, err)
	return c
}

// prepare prepares the built-in benchmark with values set over the
// defaults (a tailoring file), or the defaults when values is empty.
func prepare(t testing.TB, values map[string]string) *engine.Benchmark {
	t.Helper()
	content := builtinContent(t)
	var tl *xccdf.Tailoring
	profile := ""
	if len(values) > 0 {
		var path string
		path, profile = tailoring(t, values)
		var err error
		tl, err = xccdf.OpenTailoring(path)
		require.NoError(t, err)
	}
	sel, err := xccdf.Resolve(content.Benchmark, tl, profile)
	require.NoError(t, err)
	require.Empty(t, sel.Problems)
	b, err := engine.Prepare(context.Background(), content, sel, engine.Options{Probes: list.Standard()})
	require.NoError(t, err)
	return b
}

func tailoring(t testing.TB, values map[string]string) (string, string) {
	t.Helper()
	id := "xccdf_io.stigscan_profile_mysql8_fixture"
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>
<Tailoring xmlns="http://checklists.nist.gov/xccdf/1.2" id="xccdf_io.stigscan_tailoring_mysql8">
  <benchmark href="%s"/>
  <version time="2026-12-08T00:00:00">1</version>
  <Profile id="%s">
    <title>fixture</title>
`, builtin.MySQL8Benchmark, id)
	for _, k := range sortedKeys(values) {
		fmt.Fprintf(&b, "    <set-value idref=\"xccdf_io.stigscan_value_%s\">%s</set-value>\n", k,
			strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(values[k]))
	}
	b.WriteString("  </Profile>\n</Tailoring>\n")
	p := filepath.Join(t.TempDir(), "tailoring.xml")
	require.NoError(t, os.WriteFile(p, []byte(b.String()), 0o644))
	return p, id
}

// automatedVulns lists the Vuln-IDs of the rules with a check.
func automatedVulns(t testing.TB) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, r := range builtinContent(t).Benchmark.Rules {
		if len(r.Checks) > 0 {
			out[r.Identity().VulnID] = true
		}
	}
	return out
}

// TestCoverage: one rule per DISA Vuln-ID, enough of them automated, and
// every manual rule says why.
func TestCoverage(t *testing.T) {
	content := builtinContent(t)
	var auto, manual int
	for _, r := range content.Benchmark.Rules {
		if len(r.Checks) > 0 {
			auto++
			continue
		}
		manual++
		assert.Contains(t, r.Description.Plain(), "Manual", r.ID)
	}
	assert.Equal(t, disaRules, auto+manual)
	assert.GreaterOrEqual(t, auto*100/(auto+manual), minAuto)
	t.Logf("mysql-8: %d rules automated or partly automated, %d manual", auto, manual)
}

// TestContract scans the documented MySQL 8.0 replies of a compliant and
// a non-compliant server with the default Values: every automated rule
// passes (fails), every manual one is notchecked, and every reply of the
// fixture was asked for (so a fixture cannot hide a statement no check
// runs any more).
func TestContract(t *testing.T) {
	auto := automatedVulns(t)
	b := prepare(t, nil)
	for _, tc := range []struct {
		fixture string
		want    engine.Status
	}{{"passing", engine.Pass}, {"failing", engine.Fail}} {
		t.Run(tc.fixture, func(t *testing.T) {
			tg := loadDocumented(t, tc.fixture)
			start := time.Now()
			res, err := b.Evaluate(context.Background(), tg)
			elapsed := time.Since(start)
			require.NoError(t, err)
			t.Logf("mysql-8 on the documented %s MySQL 8.0 server: %d rules evaluated in %s", tc.fixture, len(res.Rules), elapsed)
			want := map[string]engine.Status{}
			for _, rr := range res.Rules {
				want[rr.Identity.VulnID] = engine.NotChecked
				if auto[rr.Identity.VulnID] {
					want[rr.Identity.VulnID] = tc.want
				}
			}
			assert.Equal(t, want, checktest.Statuses(res, checktest.VulnID), checktest.Explain(res, want, checktest.VulnID))
			assert.Empty(t, tg.unasked(), "replies no check asked for")
			if tc.fixture == "failing" {
				// The idle session is the session rule's evidence.
				rr := checktest.RuleByVuln(res, idleVuln)
				require.NotNil(t, rr)
				ev := strings.Join(rr.Evidence, "\n")
				assert.Contains(t, ev, "idle_seconds=28000", ev)
				assert.Contains(t, ev, "wait_timeout=28800", ev)
			}
		})
	}
}

// TestImportDISA binds DISA's Manual XCCDF to the built-in checks by
// Vuln-ID and scans the documented passing server with it: each
// automated rule passes and names the check and the release it was
// written against; manual rules keep DISA's check text.
func TestImportDISA(t *testing.T) {
	dir := testutil.SharedContent(t, "disa-manual")
	disa, err := xccdf.Open(filepath.Join(dir, disaFile), xccdf.Options{})
	require.NoError(t, err)
	sel, err := xccdf.Resolve(disa.Benchmark, nil, "")
	require.NoError(t, err)
	lib := builtinContent(t)
	b, err := engine.Prepare(context.Background(), disa, sel, engine.Options{Probes: list.Standard(), Library: []*xccdf.Content{lib}})
	require.NoError(t, err)
	start := time.Now()
	res, err := b.Evaluate(context.Background(), loadDocumented(t, "passing"))
	elapsed := time.Since(start)
	require.NoError(t, err)
	t.Logf("DISA's %s imported, on the documented passing server: %d rules evaluated in %s", disaFile, len(res.Rules), elapsed)
	require.Len(t, res.Rules, disaRules)
	auto := map[string]string{}
	for _, lr := range lib.Benchmark.Rules {
		if len(lr.Checks) > 0 {
			auto[lr.Identity().VulnID] = lr.ID
		}
	}
	for _, rr := range res.Rules {
		v := rr.Identity.VulnID
		if auto[v] == "" {
			assert.Equal(t, engine.NotChecked, rr.Status, v)
			require.NotNil(t, rr.Check, v)
			assert.NotEmpty(t, rr.Check.Content, "a manual rule carries DISA's check text")
			continue
		}
		assert.Equal(t, engine.Pass, rr.Status, v)
		require.NotNil(t, rr.BoundTo, v)
		assert.Equal(t, v, rr.BoundTo.Identity().VulnID)
		require.NotEmpty(t, rr.Messages, v)
		msg := rr.Messages[0].Text
		assert.Contains(t, msg, "automated by stigscan check "+auto[v], v)
		assert.Contains(t, msg, "written against "+lib.Benchmark.Title, v)
		assert.Contains(t, msg, "V2R1", v)
		partly := strings.HasPrefix(rr.BoundTo.Description.Plain(), "Partly automated.")
		var left bool
		for _, m := range rr.Messages {
			left = left || strings.HasPrefix(m.Text, "Left to a reviewer: ")
		}
		assert.Equal(t, partly, left, "%s: a partly automated result names what is left to a reviewer", v)
	}
	assert.Equal(t, len(auto), res.Counts()[engine.Pass])
}
