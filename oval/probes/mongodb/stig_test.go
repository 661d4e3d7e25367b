package mongodb_test

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/builtin"
	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/oval/probes/list"
	"github.com/stigscan/stigscan/xccdf"
)

type automation int

const (
	automated automation = iota
	partly
	manual
)

// stigRules is every rule of the built-in MongoDB 4.x benchmark: DISA's
// Vuln-ID, Rule-ID (V1R3) and STIG-ID, and how far stigscan decides it.
var stigRules = []struct {
	vuln, rule, stigID string
	auto               automation
}{
	{"V-252134", "SV-252134r879559_rule", "MD4X-00-000100", partly},
	{"V-252135", "SV-252135r879576_rule", "MD4X-00-000200", automated},
	{"V-252136", "SV-252136r879579_rule", "MD4X-00-000300", automated},
	{"V-252137", "SV-252137r879587_rule", "MD4X-00-000400", automated},
	{"V-252138", "SV-252138r879588_rule", "MD4X-00-000500", automated},
	{"V-252139", "SV-252139r879609_rule", "MD4X-00-000600", automated},
	{"V-252140", "SV-252140r879631_rule", "MD4X-00-000700", partly},
	{"V-252141", "SV-252141r879640_rule", "MD4X-00-000800", automated},
	{"V-252142", "SV-252142r879649_rule", "MD4X-00-000900", automated},
	{"V-252143", "SV-252143r879652_rule", "MD4X-00-001000", automated},
	{"V-252144", "SV-252144r879689_rule", "MD4X-00-001100", partly},
	{"V-252145", "SV-252145r879705_rule", "MD4X-00-001200", automated},
	{"V-252146", "SV-252146r879616_rule", "MD4X-00-001300", automated},
	{"V-252147", "SV-252147r879799_rule", "MD4X-00-001400", automated},
	{"V-252148", "SV-252148r879511_rule", "MD4X-00-001550", automated},
	{"V-252149", "SV-252149r879522_rule", "MD4X-00-001600", automated},
	{"V-252150", "SV-252150r879530_rule", "MD4X-00-001700", partly},
	{"V-252151", "SV-252151r879586_rule", "MD4X-00-002000", manual},
	{"V-252152", "SV-252152r879586_rule", "MD4X-00-002100", manual},
	{"V-252153", "SV-252153r879586_rule", "MD4X-00-002200", partly},
	{"V-252154", "SV-252154r879586_rule", "MD4X-00-002300", automated},
	{"V-252155", "SV-252155r879586_rule", "MD4X-00-002400", partly},
	{"V-252156", "SV-252156r879587_rule", "MD4X-00-002600", automated},
	{"V-252157", "SV-252157r879589_rule", "MD4X-00-002800", partly},
	{"V-252158", "SV-252158r879601_rule", "MD4X-00-002950", partly},
	{"V-252159", "SV-252159r879608_rule", "MD4X-00-003000", automated},
	{"V-252160", "SV-252160r879613_rule", "MD4X-00-003100", automated},
	{"V-252161", "SV-252161r879614_rule", "MD4X-00-003200", partly},
	{"V-252162", "SV-252162r879615_rule", "MD4X-00-003300", manual},
	{"V-252163", "SV-252163r879617_rule", "MD4X-00-003400", partly},
	{"V-252164", "SV-252164r879639_rule", "MD4X-00-003700", automated},
	{"V-252165", "SV-252165r879642_rule", "MD4X-00-003800", automated},
	{"V-252166", "SV-252166r879649_rule", "MD4X-00-004000", manual},
	{"V-252167", "SV-252167r879652_rule", "MD4X-00-004100", automated},
	{"V-252168", "SV-252168r879655_rule", "MD4X-00-004200", partly},
	{"V-252169", "SV-252169r879656_rule", "MD4X-00-004300", automated},
	{"V-252170", "SV-252170r879673_rule", "MD4X-00-004400", automated},
	{"V-252171", "SV-252171r879729_rule", "MD4X-00-004800", partly},
	{"V-252172", "SV-252172r879730_rule", "MD4X-00-004900", partly},
	{"V-252173", "SV-252173r879732_rule", "MD4X-00-005000", manual},
	{"V-252174", "SV-252174r879751_rule", "MD4X-00-005300", automated},
	{"V-252175", "SV-252175r879753_rule", "MD4X-00-005400", partly},
	{"V-252176", "SV-252176r879762_rule", "MD4X-00-005600", partly},
	{"V-252177", "SV-252177r879773_rule", "MD4X-00-005700", partly},
	{"V-252178", "SV-252178r879798_rule", "MD4X-00-005800", automated},
	{"V-252179", "SV-252179r879812_rule", "MD4X-00-006000", automated},
	{"V-252180", "SV-252180r879813_rule", "MD4X-00-006100", automated},
	{"V-252181", "SV-252181r879818_rule", "MD4X-00-006200", automated},
	{"V-252182", "SV-252182r879825_rule", "MD4X-00-006300", automated},
	{"V-252183", "SV-252183r879827_rule", "MD4X-00-006400", partly},
	{"V-252184", "SV-252184r944388_rule", "MD4X-00-006500", partly},
	{"V-252185", "SV-252185r879887_rule", "MD4X-00-006600", partly},
}

func openBuiltin(t *testing.T) *xccdf.Content {
	t.Helper()
	data, err := builtin.Read(builtin.MongoDB4xBenchmark)
	require.NoError(t, err)
	c, err := xccdf.OpenBytes(data, builtin.MongoDB4xBenchmark, builtin.FS(), xccdf.Options{})
	require.NoError(t, err)
	return c
}

func engineOptions() engine.Options {
	now := func() time.Time { return fixedTime }
	return engine.Options{Now: now, Probes: list.Standard()}
}

// scanBuiltin evaluates the built-in benchmark, tailored by the set's
// tailoring file, on h.
func scanBuiltin(t *testing.T, tailoring, profile string, h host.Host) *engine.Result {
	t.Helper()
	c := openBuiltin(t)
	var tl *xccdf.Tailoring
	if tailoring != "" {
		var err error
		tl, err = xccdf.OpenTailoring(tailoring)
		require.NoError(t, err)
	}
	sel, err := xccdf.Resolve(c.Benchmark, tl, profile)
	require.NoError(t, err)
	b, err := engine.Prepare(context.Background(), c, sel, engineOptions())
	require.NoError(t, err)
	res, err := b.Evaluate(context.Background(), h)
	require.NoError(t, err)
	return res
}

func byRule(res *engine.Result) map[string]*engine.RuleResult {
	out := map[string]*engine.RuleResult{}
	for _, rr := range res.Rules {
		out[rr.Identity.RuleID] = rr
	}
	return out
}

func messages(rr *engine.RuleResult) string {
	var b strings.Builder
	for _, m := range rr.Messages {
		b.WriteString(m.Severity + ": " + m.Text + "\n")
	}
	for _, e := range rr.Evidence {
		b.WriteString("evidence: " + e + "\n")
	}
	return b.String()
}

// The tailored reply sets pass and fail every automated and partly
// automated rule; manual rules are notchecked either way.
func TestBuiltinSTIGPassAndFail(t *testing.T) {
	sets := []struct {
		name, tailoring, profile string
		dirs                     []string
		want                     engine.Status
	}{
		{name: "pass", dirs: []string{"mongod44", "stig-pass"}, tailoring: "stig-pass/tailoring.xml", profile: "xccdf_io.stigscan_profile_mongodb_pass", want: engine.Pass},
		{name: "fail", dirs: []string{"mongod44", "stig-pass", "stig-fail"}, tailoring: "stig-fail/tailoring.xml", profile: "xccdf_io.stigscan_profile_mongodb_fail", want: engine.Fail},
	}
	for _, set := range sets {
		t.Run(set.name, func(t *testing.T) {
			var dirs []string
			for _, d := range set.dirs {
				dirs = append(dirs, filepath.Join("testdata", d))
			}
			h := loadReplay(t, dirs...)
			res := scanBuiltin(t, filepath.Join("testdata", set.tailoring), set.profile, h)
			got := byRule(res)
			require.Len(t, res.Rules, len(stigRules))
			for _, r := range stigRules {
				t.Run(r.vuln, func(t *testing.T) {
					rr := got[r.rule]
					require.NotNil(t, rr, r.rule)
					assert.Equal(t, r.vuln, rr.Identity.VulnID)
					assert.Equal(t, r.stigID, rr.Identity.STIGID)
					want := set.want
					if r.auto == manual {
						want = engine.NotChecked
					}
					assert.Equal(t, want, rr.Status, "%s", messages(rr))
					if r.auto != manual {
						assert.NotEmpty(t, rr.Evidence, "an automated rule shows what it examined")
					}
				})
			}
		})
	}
}

// One prepared benchmark scans several targets at once (run with -race):
// the probes hold no state.
func TestBuiltinConcurrentTargets(t *testing.T) {
	c := openBuiltin(t)
	sel, err := xccdf.Resolve(c.Benchmark, nil, "")
	require.NoError(t, err)
	b, err := engine.Prepare(context.Background(), c, sel, engineOptions())
	require.NoError(t, err)
	hosts := []host.Host{
		replays(t, "mongod44", "stig-pass"), replays(t, "mongod44", "stig-pass", "stig-fail"),
		replays(t, "mongod44", "stig-pass"), replays(t, "mongod44", "stig-pass", "stig-fail"),
	}
	results := make([]*engine.Result, len(hosts))
	var wg sync.WaitGroup
	for i, h := range hosts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := b.Evaluate(context.Background(), h)
			assert.NoError(t, err)
			results[i] = r
		}()
	}
	wg.Wait()
	for i := 2; i < len(results); i++ {
		require.Len(t, results[i].Rules, len(stigRules))
		for j, rr := range results[i].Rules {
			assert.Equal(t, results[i-2].Rules[j].Status, rr.Status, rr.Identity.VulnID)
		}
	}
	fails := 0
	for j := range results[0].Rules {
		if results[0].Rules[j].Status != results[1].Rules[j].Status {
			fails++
		}
	}
	assert.Positive(t, fails, "the passing and failing targets differ")
}

// V-252170's organization-defined answers are Values: whether termination
// is required and the idle limit decide what the session timeout, the
// sessions and the session powers in force must satisfy.
func TestSessionTerminationValues(t *testing.T) {
	const (
		required = "xccdf_io.stigscan_value_mdb_session_termination_required"
		limit    = "xccdf_io.stigscan_value_mdb_session_idle_limit_minutes"
		rule     = "SV-252170r879673_rule"
	)
	tests := []struct {
		name   string
		sets   []string
		values map[string]string
		want   engine.Status
		why    string
	}{
		{name: "defaults on the passing set", sets: []string{"mongod44", "stig-pass"}, want: engine.Pass},
		{name: "defaults on the failing set", sets: []string{"mongod44", "stig-pass", "stig-fail"}, want: engine.Fail, why: "idle_minutes=2715145"},
		{name: "termination not required", sets: []string{"mongod44", "stig-pass", "stig-fail"}, values: map[string]string{required: "false"}, want: engine.Pass},
		{name: "limit below the timeout in force", sets: []string{"mongod44", "stig-pass"}, values: map[string]string{limit: "10"}, want: engine.Fail, why: "localLogicalSessionTimeoutMinutes value=15 source=startup → false"},
		{name: "limit below a session's idle time", sets: []string{"mongod44", "stig-pass"}, values: map[string]string{limit: "5"}, want: engine.Fail, why: "user=app@inventory last_use=2026-11-22T11:52:10Z idle_minutes=7 → false"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := openBuiltin(t)
			sel, err := xccdf.Resolve(c.Benchmark, nil, "")
			require.NoError(t, err)
			for k, v := range tc.values {
				_, ok := sel.Values[k]
				require.True(t, ok, k)
				sel.Values[k] = v
			}
			b, err := engine.Prepare(context.Background(), c, sel, engineOptions())
			require.NoError(t, err)
			res, err := b.Evaluate(context.Background(), replays(t, tc.sets...))
			require.NoError(t, err)
			rr := byRule(res)[rule]
			require.NotNil(t, rr)
			assert.Equal(t, tc.want, rr.Status, messages(rr))
			assert.Contains(t, messages(rr), tc.why)
		})
	}
}

// The engine registers the mongodb probes itself (as it does sql57), so a
// scan given no probes decides the MongoDB rules too.
func TestEngineRegistersProbesByDefault(t *testing.T) {
	c := openBuiltin(t)
	sel, err := xccdf.Resolve(c.Benchmark, nil, "")
	require.NoError(t, err)
	b, err := engine.Prepare(context.Background(), c, sel, engine.Options{Probes: list.Standard(), Now: func() time.Time { return fixedTime }})
	require.NoError(t, err)
	res, err := b.Evaluate(context.Background(), replays(t, "mongod44", "stig-pass"))
	require.NoError(t, err)
	rr := byRule(res)["SV-252170r879673_rule"]
	require.NotNil(t, rr)
	assert.Equal(t, engine.Pass, rr.Status, messages(rr))
	assert.Contains(t, messages(rr), "idle_minutes=7")
}
