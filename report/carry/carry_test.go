package carry_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/report/carry"
	"github.com/stigscan/stigscan/report/ckl"
	"github.com/stigscan/stigscan/report/cklb"
	"github.com/stigscan/stigscan/report/jsonres"
	"github.com/stigscan/stigscan/report/jsonres/jsonrestest"
	"github.com/stigscan/stigscan/xccdf"
)

const (
	v1r1 = "U_MDB_Enterprise_Advanced_4-x_STIG_V1R1_Manual-xccdf.xml"
	v1r3 = "U_MDB_Enterprise_Advanced_4-x_STIG_V1R3_Manual-xccdf.xml"
)

// manual is what a reviewer recorded in the V1R1 checklist, by Vuln-ID.
var manual = map[string]struct{ status, details, comments string }{
	"V-252134": {ckl.NotAFinding, "auditLog is configured to a file.", "Reviewed by J. Doe"},
	"V-252135": {ckl.Open, "Audit filter is missing.", "POA&M 42 <open>"},
	"V-252136": {ckl.NotApplicable, "No replica sets in this enclave.", ""},
	"V-252137": {ckl.Open, "Users can read audit logs.", "J. Doe\nstigscan: an old note that must not be carried"},
	"V-252138": {ckl.NotAFinding, "Checked by hand.", ""},
	"V-252139": {ckl.Open, "Found an issue.", "Needs a fix"},
	"V-252140": {ckl.NotAFinding, "", "Compliant"},
}

// newOutcome decides the V1R3 scan: most rules are manual (notchecked);
// a few are decided automatically, some against the previous review.
var newOutcome = map[string]engine.Status{
	"V-252138": engine.Fail,          // reviewer said NotAFinding: differs
	"V-252139": engine.Fail,          // reviewer said Open: agrees
	"V-252140": engine.Pass,          // reviewer said NotAFinding: agrees
	"V-252136": engine.Error,         // undecided: the review is carried
	"V-252141": engine.NotApplicable, // no previous review
}

// previousCKL writes the V1R1 checklist with the manual reviews.
func previousCKL(t *testing.T) *ckl.Checklist {
	old := jsonrestest.Result(t, jsonrestest.DISA(t, v1r1), "", func(int, *xccdf.Rule) jsonrestest.Outcome {
		return jsonrestest.Outcome{Status: engine.NotChecked, Messages: []engine.Message{{Severity: "info", Text: "manual check"}}}
	})
	c := ckl.FromDocuments(ckl.Options{}, jsonres.FromResult(old, jsonres.Options{}))
	for i := range c.STIGs[0].Vulns {
		v := &c.STIGs[0].Vulns[i]
		if m, ok := manual[v.Attr("Vuln_Num")]; ok {
			v.Status, v.FindingDetails, v.Comment = m.status, m.details, m.comments
		}
	}
	return c
}

func newResult(t *testing.T) *jsonres.Document {
	res := jsonrestest.Result(t, jsonrestest.DISA(t, v1r3), "", func(_ int, r *xccdf.Rule) jsonrestest.Outcome {
		if st, ok := newOutcome[r.Identity().VulnID]; ok {
			return jsonrestest.Outcome{Status: st, Evidence: []string{"auto evidence"}}
		}
		return jsonrestest.Outcome{Status: engine.NotChecked}
	})
	return jsonres.FromResult(res, jsonres.Options{})
}

func checkCarried(t *testing.T, d *jsonres.Document, sum carry.Summary, source string) {
	t.Helper()
	assert.Equal(t, 52, sum.Matched["vuln-id"], "every V1R3 rule has its V1R1 Vuln-ID")
	assert.Equal(t, 4, sum.Carried, "V-252134, V-252135, V-252136, V-252137")
	assert.Equal(t, 1, sum.Differs, "V-252138")
	byVuln := map[string]*jsonres.Rule{}
	for i := range d.Rules {
		byVuln[d.Rules[i].VulnID] = &d.Rules[i]
	}
	for _, vuln := range []string{"V-252134", "V-252135", "V-252136", "V-252137"} {
		r := byVuln[vuln]
		m := manual[vuln]
		require.NotNil(t, r.Review, vuln)
		assert.NotEqual(t, r.RuleID, r.Review.PreviousRuleID, "%s: DISA bumped the Rule-ID revision between releases", vuln)
		assert.Equal(t, "vuln-id", r.Review.MatchedBy)
		assert.Equal(t, source, r.Review.Source)
		assert.NotEmpty(t, r.Review.Date)
		v := r.Verdict()
		assert.True(t, v.Manual)
		assert.Equal(t, m.status, ckl.StatusOf(v.Status), vuln)
		assert.Equal(t, m.details, v.Details, vuln)
		assert.Contains(t, v.Comments, "review "+m.status+" carried from the previous checklist ("+source)
		assert.NotContains(t, v.Comments, "an old note", "stigscan's old notes are not carried again")
		if m.comments != "" {
			assert.True(t, strings.HasPrefix(v.Comments, strings.Split(m.comments, "\nstigscan:")[0]), "%s: reviewer's comments first: %q", vuln, v.Comments)
		}
	}
	// Automated results always win; a different one is noted.
	r := byVuln["V-252138"]
	assert.Nil(t, r.Review)
	assert.Equal(t, engine.Fail, r.Verdict().Status)
	assert.Contains(t, r.Verdict().Comments, "stigscan: automated result Open differs from the previous review NotAFinding ("+source)
	for _, vuln := range []string{"V-252139", "V-252140", "V-252141"} {
		assert.Nil(t, byVuln[vuln].Review, vuln)
		assert.Empty(t, byVuln[vuln].Comments, "%s: agrees with the previous review, or had none", vuln)
	}
	// Rules nobody reviewed stay not reviewed.
	assert.Nil(t, byVuln["V-252142"].Review)
	assert.Equal(t, engine.NotChecked, byVuln["V-252142"].Verdict().Status)
}

func TestCarryFromCKLAcrossReleases(t *testing.T) {
	prevCKL := previousCKL(t)
	var buf bytes.Buffer
	require.NoError(t, ckl.Encode(&buf, prevCKL))
	path := filepath.Join(t.TempDir(), "mongo-V1R1.ckl")
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o600))

	prev, err := carry.Load(path)
	require.NoError(t, err)
	assert.Equal(t, "mongo-V1R1.ckl", prev.Source)
	assert.Len(t, prev.Reviews, 52)
	d := newResult(t)
	sum := carry.Apply(d, prev)
	checkCarried(t, d, sum, "mongo-V1R1.ckl")

	// The carried document writes as a checklist STIG Manager reads with
	// the carried statuses.
	var out bytes.Buffer
	require.NoError(t, ckl.Writer{}.WriteDocument(&out, d))
	back, err := ckl.Read(bytes.NewReader(out.Bytes()))
	require.NoError(t, err)
	for _, v := range back.STIGs[0].Vulns {
		if m, ok := manual[v.Attr("Vuln_Num")]; ok && newOutcome[v.Attr("Vuln_Num")] == "" {
			assert.Equal(t, m.status, v.Status, v.Attr("Vuln_Num"))
		}
	}
	p := filepath.Join(t.TempDir(), "carried.ckl")
	require.NoError(t, os.WriteFile(p, out.Bytes(), 0o600))
	t.Run("stig manager reads the carried checklist", func(t *testing.T) { stigManagerAgrees(t, p, d) })

	// Carrying again from the carried checklist gives the same reviews and
	// does not pile up notes.
	again, err := carry.Load(p)
	require.NoError(t, err)
	d2 := newResult(t)
	carry.Apply(d2, again)
	for i := range d2.Rules {
		if d.Rules[i].Review != nil {
			require.NotNil(t, d2.Rules[i].Review)
			assert.Equal(t, d.Rules[i].Review.Status, d2.Rules[i].Review.Status)
			assert.Equal(t, d.Rules[i].Review.Details, d2.Rules[i].Review.Details)
			assert.Equal(t, d.Rules[i].Review.Comments, d2.Rules[i].Review.Comments, "no note carried as comment")
		}
	}
}

func TestCarryFromCKLB(t *testing.T) {
	prevCKL := previousCKL(t)
	// The same reviews in a STIG Viewer 3 checklist.
	old := jsonrestest.Result(t, jsonrestest.DISA(t, v1r1), "", func(int, *xccdf.Rule) jsonrestest.Outcome {
		return jsonrestest.Outcome{Status: engine.NotChecked}
	})
	cb := cklb.FromDocuments(ckl.Options{}, jsonres.FromResult(old, jsonres.Options{}))
	for i := range cb.STIGs[0].Rules {
		r := &cb.STIGs[0].Rules[i]
		v := prevCKL.STIGs[0].Vulns[i]
		require.Equal(t, string(r.GroupID), v.Attr("Vuln_Num"))
		r.Status = cklb.Text(cklb.StatusOf(ckl.ResultOf(v.Status)))
		r.FindingDetails, r.Comments = cklb.Text(v.FindingDetails), cklb.Text(v.Comment)
		r.UpdatedAt = "2025-11-30T10:00:00Z"
	}
	var buf bytes.Buffer
	require.NoError(t, cklb.Encode(&buf, cb))
	prev, err := carry.Read(&buf, "mongo-V1R1.cklb", "2025-12-01")
	require.NoError(t, err)
	d := newResult(t)
	sum := carry.Apply(d, prev)
	checkCarried(t, d, sum, "mongo-V1R1.cklb")
	for _, r := range d.Rules {
		if r.Review != nil {
			assert.Equal(t, "2025-11-30T10:00:00Z", r.Review.Date, "the rule's own review date wins")
		}
	}
}

func TestMatchFallbacks(t *testing.T) {
	rule := jsonres.Rule{VulnID: "V-200", RuleID: "SV-200r2_rule", STIGID: "APP-01", LegacyIDs: []string{"V-100", "SV-150"}, Status: "notchecked"}
	tests := []struct {
		name   string
		review carry.Review
		want   string
	}{
		{"vuln-id", carry.Review{VulnID: "V-200", RuleID: "SV-200r1_rule"}, "vuln-id"},
		{"old vuln id is a legacy id", carry.Review{VulnID: "V-100", RuleID: "SV-99r1_rule"}, "legacy-id"},
		{"old rule stem is a legacy id", carry.Review{VulnID: "V-7", RuleID: "SV-150r3_rule"}, "legacy-id"},
		{"shared legacy id", carry.Review{VulnID: "V-8", LegacyIDs: []string{"SV-150"}}, "legacy-id"},
		{"stig-id", carry.Review{VulnID: "V-9", STIGID: "APP-01"}, "stig-id"},
		{"no match", carry.Review{VulnID: "V-10", STIGID: "APP-02"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.review.Status = engine.Pass
			tt.review.Details = "by hand"
			d := &jsonres.Document{Rules: []jsonres.Rule{rule}}
			sum := carry.Apply(d, &carry.Previous{Source: "p.ckl", Reviews: []carry.Review{tt.review}})
			if tt.want == "" {
				assert.Empty(t, sum.Matched)
				assert.Nil(t, d.Rules[0].Review)
				return
			}
			assert.Equal(t, map[string]int{tt.want: 1}, sum.Matched)
			require.NotNil(t, d.Rules[0].Review)
			assert.Equal(t, tt.want, d.Rules[0].Review.MatchedBy)
		})
	}
}

func TestNotCarried(t *testing.T) {
	tests := []struct {
		name   string
		review carry.Review
	}{
		{"nothing reviewed", carry.Review{VulnID: "V-1", Status: engine.NotChecked}},
		{"stigscan's own result", carry.Review{VulnID: "V-1", Status: engine.Pass, Details: "stigscan result: pass\nFound:\n  x"}},
		{"stigscan's own undecided result", carry.Review{VulnID: "V-1", Status: engine.NotChecked, Details: "stigscan could not decide this rule automatically (result: error).", Comments: "stigscan: note"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &jsonres.Document{Rules: []jsonres.Rule{{VulnID: "V-1", Status: "error"}}}
			sum := carry.Apply(d, &carry.Previous{Reviews: []carry.Review{tt.review}})
			assert.Zero(t, sum.Carried)
			assert.Nil(t, d.Rules[0].Review)
		})
	}
}

func TestPreferSameSTIG(t *testing.T) {
	d := &jsonres.Document{Benchmark: jsonres.Benchmark{ID: "B"}, Rules: []jsonres.Rule{{VulnID: "V-1", STIGID: "X-1", Status: "notchecked"}}}
	prev := &carry.Previous{Reviews: []carry.Review{
		{Benchmark: "A", VulnID: "V-1", Status: engine.Fail, Details: "from A"},
		{Benchmark: "B", STIGID: "X-1", Status: engine.Pass, Details: "from B"},
	}}
	carry.Apply(d, prev)
	require.NotNil(t, d.Rules[0].Review)
	assert.Equal(t, "from B", d.Rules[0].Review.Details)
}

func TestReadRefuses(t *testing.T) {
	_, err := carry.Read(strings.NewReader("not a checklist"), "x", "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "carry: x:")
	_, err = carry.Load(filepath.Join(t.TempDir(), "absent.ckl"))
	require.Error(t, err)
}

// stigManagerAgrees has STIG Manager parse the carried checklist: every
// rule's status must be the carried review's or stigscan's result.
func stigManagerAgrees(t *testing.T, path string, d *jsonres.Document) {
	t.Helper()
	jsonrestest.NodeHarness(t)
	var out []struct {
		Error      string `json:"error"`
		Checklists []struct {
			Reviews []struct {
				RuleID string `json:"ruleId"`
				Result string `json:"result"`
			} `json:"reviews"`
		} `json:"checklists"`
	}
	require.NoError(t, json.Unmarshal(jsonrestest.RunNode(t, "smparse.mjs", path), &out))
	require.Empty(t, out[0].Error)
	reviews := out[0].Checklists[0].Reviews
	require.Len(t, reviews, len(d.Rules))
	carried := 0
	for i, rv := range reviews {
		assert.Equal(t, d.Rules[i].RuleID, rv.RuleID)
		assert.Equal(t, string(d.Rules[i].Verdict().Status), rv.Result)
		if d.Rules[i].Review != nil {
			carried++
		}
	}
	t.Logf("STIG Manager read %d reviews, %d of them carried from V1R1", len(reviews), carried)
}
