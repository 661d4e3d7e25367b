package jsonres_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/report/jsonres"
	"github.com/stigscan/stigscan/report/jsonres/jsonrestest"
	"github.com/stigscan/stigscan/xccdf"
)

func TestRoundTrip(t *testing.T) {
	c := jsonrestest.DISA(t, "U_MDB_Enterprise_Advanced_4-x_STIG_V1R3_Manual-xccdf.xml")
	res := jsonrestest.Result(t, c, "MAC-1_Classified", jsonrestest.Assign)
	var buf bytes.Buffer
	require.NoError(t, jsonres.Writer{Options: jsonres.Options{Version: "1.2.3"}}.Write(&buf, res))

	d, err := jsonres.Read(bytes.NewReader(buf.Bytes()))
	require.NoError(t, err)
	assert.Equal(t, jsonres.Schema, d.Schema)
	assert.Equal(t, "stigscan", d.Generator.Product)
	assert.Equal(t, "1.2.3", d.Generator.Version)
	assert.Equal(t, "MongoDB_Enterprise_Advanced_4-x_STIG", d.Benchmark.ID)
	assert.Equal(t, "5459", d.Benchmark.TargetKey)
	assert.Equal(t, "MAC-1_Classified", d.Profile.ID)
	assert.Equal(t, "db01", d.Target.Hostname)
	assert.True(t, d.StartTime.Equal(jsonrestest.Start))
	require.Len(t, d.Rules, len(res.Rules))
	counts := res.Counts()
	for s, n := range counts {
		assert.Equal(t, n, d.Totals.ByStatus[string(s)], "total of %s", s)
	}
	for i, r := range d.Rules {
		rr := res.Rules[i]
		assert.Equal(t, string(rr.Status), r.Status)
		assert.Equal(t, rr.Identity.VulnID, r.VulnID)
		assert.Equal(t, rr.Identity.RuleID, r.RuleID)
		assert.Equal(t, rr.Identity.STIGID, r.STIGID)
		assert.Equal(t, rr.Identity.CCIs, r.CCIs)
		assert.Equal(t, rr.Evidence, r.Evidence)
		require.NotNil(t, r.Text)
		assert.Equal(t, rr.Rule.CheckText(), r.Text.Check)
		assert.Equal(t, rr.Rule.DISA.VulnDiscussion, r.Text.Discussion)
	}

	// Writing what was read gives the same bytes: nothing is lost.
	var again bytes.Buffer
	require.NoError(t, jsonres.Writer{}.WriteDocument(&again, d))
	assert.JSONEq(t, buf.String(), again.String())
}

func TestStableKeys(t *testing.T) {
	c := jsonrestest.DISA(t, "U_MDB_Enterprise_Advanced_4-x_STIG_V1R3_Manual-xccdf.xml")
	res := jsonrestest.Result(t, c, "", jsonrestest.Assign)
	var buf bytes.Buffer
	require.NoError(t, jsonres.Writer{}.Write(&buf, res))
	var m map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &m))
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	assert.ElementsMatch(t, []string{"schema", "generator", "benchmark", "target", "start_time", "end_time", "score", "max_score", "totals", "rules"}, keys)
	rule := m["rules"].([]any)[1].(map[string]any)
	for _, k := range []string{"id", "vuln_id", "rule_id", "stig_id", "ccis", "title", "group_title", "severity", "weight", "status", "evidence", "text"} {
		assert.Contains(t, rule, k)
	}
	assert.NotContains(t, buf.String(), `\u003c`, "markup characters are not escaped for HTML")
}

func TestReadRefuses(t *testing.T) {
	tests := []struct{ name, doc, want string }{
		{"other schema", `{"schema":"other/v1","rules":[]}`, "not a stigscan.results/v1"},
		{"no schema", `{}`, "not a stigscan.results/v1"},
		{"rule without status", `{"schema":"stigscan.results/v1","rules":[{"id":"x"}]}`, "no status"},
		{"not json", `<xml/>`, "jsonres:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := jsonres.Read(strings.NewReader(tt.doc))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestCombine(t *testing.T) {
	tests := []struct {
		name string
		in   []engine.Status
		want engine.Status
	}{
		{"all pass", []engine.Status{engine.Pass, engine.Pass}, engine.Pass},
		{"one fail", []engine.Status{engine.Pass, engine.Fail, engine.Error}, engine.Fail},
		{"error over pass", []engine.Status{engine.Pass, engine.Error}, engine.Error},
		{"pass over not applicable", []engine.Status{engine.NotApplicable, engine.Pass}, engine.Pass},
		{"all not applicable", []engine.Status{engine.NotApplicable, engine.NotApplicable}, engine.NotApplicable},
		{"unchecked part", []engine.Status{engine.Pass, engine.NotChecked}, engine.NotChecked},
		{"nothing", nil, engine.Unknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, jsonres.Combine(tt.in...))
		})
	}
}

func TestMultiCheckFolds(t *testing.T) {
	rule := &xccdf.Rule{ID: "xccdf_x_rule_multi", Title: "multi", Severity: "medium"}
	res := &engine.Result{Benchmark: &xccdf.Benchmark{ID: "b"}, Rules: []*engine.RuleResult{
		{Rule: rule, Status: engine.Pass, Instance: "oval:x:def:1", Evidence: []string{"a ok"}},
		{Rule: rule, Status: engine.Fail, Instance: "oval:x:def:2", Evidence: []string{"b bad"}},
	}}
	d := jsonres.FromResult(res, jsonres.Options{})
	require.Len(t, d.Rules, 1)
	r := d.Rules[0]
	assert.Equal(t, "fail", r.Status)
	require.Len(t, r.Instances, 2)
	assert.Equal(t, "oval:x:def:2", r.Instances[1].Name)
	details := r.FindingDetails()
	assert.Contains(t, details, "Instance oval:x:def:1: pass\nFound:\n  a ok")
	assert.Contains(t, details, "Instance oval:x:def:2: fail\nFound:\n  b bad")
}

func TestVerdict(t *testing.T) {
	tests := []struct {
		name string
		rule jsonres.Rule
		want jsonres.Verdict
	}{
		{"pass", jsonres.Rule{Status: "pass", Evidence: []string{"x=1"}},
			jsonres.Verdict{Status: engine.Pass, Details: "stigscan result: pass\nFound:\n  x=1"}},
		{"fixed is not a finding", jsonres.Rule{Status: "fixed"},
			jsonres.Verdict{Status: engine.Pass, Details: "stigscan result: fixed"}},
		{"error is not reviewed with the reason", jsonres.Rule{Status: "error", Messages: []jsonres.Message{{Severity: "error", Text: "permission denied"}}},
			jsonres.Verdict{Status: engine.NotChecked, Details: "stigscan could not decide this rule automatically (result: error).\nerror: permission denied"}},
		{"informational is not reviewed", jsonres.Rule{Status: "informational"},
			jsonres.Verdict{Status: engine.NotChecked, Details: "stigscan could not decide this rule automatically (result: informational)."}},
		{"carried review wins", jsonres.Rule{Status: "notchecked", Comments: "stigscan: carried", Review: &jsonres.Review{Status: "notapplicable", Details: "d", Comments: "c"}},
			jsonres.Verdict{Status: engine.NotApplicable, Details: "d", Comments: "c\n\nstigscan: carried", Manual: true}},
		{"check named", jsonres.Rule{Status: "fail", Check: &jsonres.Check{Href: "o.xml", Name: "oval:a:def:1"}},
			jsonres.Verdict{Status: engine.Fail, Details: "stigscan result: fail\nCheck: oval:a:def:1 in o.xml"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.rule.Verdict())
		})
	}
}

func TestTruncate(t *testing.T) {
	long := strings.Repeat("é", 40000)
	got := jsonres.Truncate(long, jsonres.MaxDetails)
	assert.LessOrEqual(t, len(got), jsonres.MaxDetails)
	assert.True(t, utf8.ValidString(got))
	assert.Contains(t, got, "[truncated by stigscan:")
	assert.Equal(t, "short", jsonres.Truncate("short", 10))
}

func TestUUID(t *testing.T) {
	a := jsonres.UUID("seed", "stig", "X")
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, a)
	assert.Equal(t, a, jsonres.UUID("seed", "stig", "X"))
	assert.NotEqual(t, a, jsonres.UUID("seed", "stigX"), "names are separated")
}

func TestNISTFromReferences(t *testing.T) {
	rule := &xccdf.Rule{ID: "r", References: []xccdf.Reference{
		{Href: "http://nvlpubs.nist.gov/nistpubs/SpecialPublications/NIST.SP.800-53r4.pdf", Value: "CM-6(a), AC-17 (1)"},
		{Href: "https://example.org/other", Value: "XX-1"},
	}}
	d := jsonres.FromResult(&engine.Result{Rules: []*engine.RuleResult{{Rule: rule, Status: engine.Pass}}}, jsonres.Options{})
	assert.Equal(t, []string{"AC-17(1)", "CM-6(a)"}, d.Rules[0].NIST)
}

func FuzzRead(f *testing.F) {
	f.Add([]byte(`{"schema":"stigscan.results/v1","rules":[{"id":"a","status":"pass","weight":1}]}`))
	f.Add([]byte(`{"schema":"stigscan.results/v1","rules":[{"id":"a","status":"pass","instances":[{"name":"x","status":"fail"}],"review":{"status":"fail"}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := jsonres.Read(bytes.NewReader(data))
		if err != nil {
			return
		}
		for i := range d.Rules {
			_ = d.Rules[i].Verdict()
		}
		if err := (jsonres.Writer{}).WriteDocument(&bytes.Buffer{}, d); err != nil {
			t.Fatal(err)
		}
	})
}
