package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/local"
	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/oval/probes/list"
	"github.com/stigscan/stigscan/xccdf"
)

// semanticsRoot builds an offline root whose /etc/words holds alpha and beta.
func semanticsRoot(t *testing.T) *local.Host {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "etc"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "etc", "words"), []byte("alpha\nbeta\n"), 0o644))
	h, err := local.NewRoot(dir)
	require.NoError(t, err)
	return h
}

func prepare(t *testing.T, file, profile string) *engine.Benchmark {
	t.Helper()
	c, err := xccdf.Open(file, xccdf.Options{})
	require.NoError(t, err)
	sel, err := xccdf.Resolve(c.Benchmark, nil, profile)
	require.NoError(t, err)
	fixed := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	b, err := engine.Prepare(context.Background(), c, sel, engine.Options{Probes: list.Standard(), Now: func() time.Time { return fixed }})
	require.NoError(t, err)
	return b
}

// The expected results are what oscap gives on the same root, except where
// a comment says why stigscan differs on purpose.
func TestCheckSemantics(t *testing.T) {
	b := prepare(t, "testdata/semantics-xccdf.xml", "xccdf_io.stigscan_profile_all")
	res, err := b.Evaluate(context.Background(), semanticsRoot(t))
	require.NoError(t, err)

	const p = "xccdf_io.stigscan_rule_"
	want := []struct {
		rule, instance string
		status         engine.Status
		msg            string
	}{
		{rule: "pass", status: engine.Pass},
		{rule: "fail", status: engine.Fail},
		{rule: "negated", status: engine.Pass},
		{rule: "export", status: engine.Pass},
		{rule: "complex_and", status: engine.Fail},
		{rule: "complex_or_negated", status: engine.Fail},
		{rule: "vulnerability", status: engine.Fail},
		{rule: "multi", instance: "oval:s:def:1", status: engine.Pass},
		{rule: "multi", instance: "oval:s:def:2", status: engine.Fail},
		{rule: "all_defs", status: engine.Fail},
		// oscap says notchecked for a missing document or definition; a
		// reference that leads nowhere is a content error to stigscan.
		{rule: "missing_doc", status: engine.Error, msg: "does-not-exist.xml"},
		{rule: "missing_def", status: engine.Error, msg: "oval:t:def:999"},
		{rule: "manual", status: engine.NotChecked, msg: "no automated check"},
		{rule: "unselected", status: engine.NotSelected},
		{rule: "unchecked_role", status: engine.NotChecked},
		{rule: "selector", status: engine.Fail},
		{rule: "bad_regex", status: engine.Error, msg: "oval:t:obj:5"},
		// Bad content never stops the scan: each broken reference is an
		// error on the rule it touches, naming the id, and the rest of the
		// document is evaluated.
		{rule: "dangling_test", status: engine.Error, msg: "oval:t:tst:404"},
		{rule: "dangling_object", status: engine.Error, msg: "oval:t:obj:404"},
		{rule: "circular", status: engine.Error, msg: "oval:t:def:8"},
		{rule: "unknown_type", status: engine.Error, msg: "frobnicate_object"},
		{rule: "after_errors", status: engine.Pass},
		{rule: "unchecked_complex", status: engine.NotChecked, msg: "role=unchecked"},
	}
	require.Len(t, res.Rules, len(want))
	for i, w := range want {
		rr := res.Rules[i]
		t.Run(w.rule+w.instance, func(t *testing.T) {
			assert.Equal(t, p+w.rule, rr.Rule.ID)
			assert.Equal(t, w.instance, rr.Instance)
			assert.Equal(t, w.status, rr.Status, "messages: %v", rr.Messages)
			if w.msg != "" {
				var texts []string
				for _, m := range rr.Messages {
					texts = append(texts, m.Text)
				}
				assert.Contains(t, joinAll(texts), w.msg)
			}
		})
	}
	assert.Equal(t, []string{"alpha: textfilecontent filepath=/etc/words path=/etc filename=words pattern=^alpha$ instance=1 text=alpha → found"}, res.Rules[0].Evidence)
	assert.Equal(t, []string{"gamma: no matching items (test false)"}, res.Rules[1].Evidence)
	exp := res.Rules[3].Check
	require.NotNil(t, exp)
	assert.Equal(t, []engine.ExportValue{{ValueID: "xccdf_io.stigscan_value_word", ExportName: "oval:t:var:1", Value: "beta"}}, exp.Exports)
	assert.Equal(t, "Ask the administrator.", res.Rules[12].Check.Content)

	// Default scoring: 4 passes of 18 scored rules (the multi-check rule
	// scores once, as the AND of its instances; errors score as failures).
	assert.InDelta(t, 100*4.0/18, res.Score, 0.001)
	assert.Equal(t, 100.0, res.MaxScore)
	require.Len(t, res.OVAL, 2)
}

func joinAll(s []string) string {
	out := ""
	for _, x := range s {
		out += x + "\n"
	}
	return out
}

func TestEvaluateConcurrentHosts(t *testing.T) {
	b := prepare(t, "testdata/semantics-xccdf.xml", "xccdf_io.stigscan_profile_all")
	results := make([]*engine.Result, 8)
	done := make(chan int)
	for i := range results {
		go func() {
			r, err := b.Evaluate(context.Background(), semanticsRoot(t))
			assert.NoError(t, err)
			results[i] = r
			done <- i
		}()
	}
	for range results {
		<-done
	}
	for _, r := range results[1:] {
		require.Len(t, r.Rules, len(results[0].Rules))
		for i := range r.Rules {
			assert.Equal(t, results[0].Rules[i].Status, r.Rules[i].Status)
		}
	}
}

func TestCancelledContext(t *testing.T) {
	b := prepare(t, "testdata/semantics-xccdf.xml", "xccdf_io.stigscan_profile_all")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := b.Evaluate(ctx, semanticsRoot(t))
	require.Error(t, err)
	assert.ErrorIs(t, err, context.Canceled)
}

// TestLibraryPlatforms: a library rule's platform applies under the rule
// bound to it, so a check written for one product is notapplicable under
// DISA's rule on another, and is not run.
func TestLibraryPlatforms(t *testing.T) {
	lib, err := xccdf.Open("testdata/library-platforms-xccdf.xml", xccdf.Options{})
	require.NoError(t, err)
	c, err := xccdf.Open(filepath.Join("..", "fixtures", "content", "tiny-xccdf11.xml"), xccdf.Options{})
	require.NoError(t, err)
	sel, err := xccdf.Resolve(c.Benchmark, nil, "")
	require.NoError(t, err)
	b, err := engine.Prepare(context.Background(), c, sel, engine.Options{Probes: list.Standard(), Library: []*xccdf.Content{lib}})
	require.NoError(t, err)
	res, err := b.Evaluate(context.Background(), semanticsRoot(t))
	require.NoError(t, err)
	require.Len(t, res.Rules, 2)
	assert.Equal(t, engine.NotApplicable, res.Rules[0].Status, "the bound rule's platform is false")
	assert.Nil(t, res.Rules[0].Check, "its check is not run")
	assert.Equal(t, engine.Fail, res.Rules[1].Status, "the bound rule's platform is true: the check decides")
	require.NotNil(t, res.Rules[1].BoundTo)
}

// DISA's manual STIGs have no automated checks: every rule is notchecked and
// keeps its DISA ids and check text.
func TestDISAManualAllNotChecked(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "content", "disa-manual")
	f := filepath.Join(dir, "U_MDB_Enterprise_Advanced_4-x_STIG_V1R3_Manual-xccdf.xml")
	if _, err := os.Stat(f); err != nil {
		t.Skipf("shared DISA content absent (%v)", err)
	}
	b := prepare(t, f, "MAC-1_Classified")
	res, err := b.Evaluate(context.Background(), semanticsRoot(t))
	require.NoError(t, err)
	require.NotEmpty(t, res.Rules)
	for _, rr := range res.Rules {
		assert.Equal(t, engine.NotChecked, rr.Status, rr.Rule.ID)
		assert.NotEmpty(t, rr.Identity.VulnID)
		require.NotNil(t, rr.Check)
		assert.NotEmpty(t, rr.Check.Content)
	}
}

// An imported DISA manual benchmark is bound to library checks by legacy id
// and by Vuln-ID; the DISA check text stays in the result.
func TestLibraryBinding(t *testing.T) {
	lib, err := xccdf.Open("testdata/library-xccdf.xml", xccdf.Options{})
	require.NoError(t, err)
	c, err := xccdf.Open(filepath.Join("..", "fixtures", "content", "tiny-xccdf11.xml"), xccdf.Options{})
	require.NoError(t, err)
	sel, err := xccdf.Resolve(c.Benchmark, nil, "")
	require.NoError(t, err)
	tests := []struct {
		name      string
		overrides map[string]string
		want      []engine.Status
	}{
		{name: "library defaults", want: []engine.Status{engine.Pass, engine.Fail}},
		{name: "tailored value", overrides: map[string]string{"xccdf_io.stigscan_value_word": "zeta"}, want: []engine.Status{engine.Fail, engine.Fail}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := engine.Prepare(context.Background(), c, sel, engine.Options{Probes: list.Standard(), Library: []*xccdf.Content{lib}, LibraryValues: tc.overrides})
			require.NoError(t, err)
			res, err := b.Evaluate(context.Background(), semanticsRoot(t))
			require.NoError(t, err)
			require.Len(t, res.Rules, 2)
			for i, rr := range res.Rules {
				assert.Equal(t, tc.want[i], rr.Status, rr.Rule.ID)
				require.NotNil(t, rr.BoundTo)
				assert.Equal(t, rr.Rule.Identity().VulnID, []string{"V-100001", "V-100002"}[i])
				assert.NotEmpty(t, rr.Check.Content, "DISA's manual check text is kept")
			}
			assert.Equal(t, "xccdf_io.stigscan_rule_SV-999999r1_rule", res.Rules[0].BoundTo.ID)
			assert.Contains(t, res.Rules[0].Messages[0].Text, "legacy-id")
			assert.Contains(t, res.Rules[1].Messages[0].Text, "vuln-id")
			// The bound check's warning (what it leaves to a reviewer)
			// reaches the result, though DISA's rule has no such text.
			assert.Contains(t, messageTexts(res.Rules[0]), "Left to a reviewer: whether the word is the approved one.")
			assert.NotContains(t, strings.Join(messageTexts(res.Rules[1]), "\n"), "reviewer")
		})
	}
}

// TestCheckFactRefPlatforms decides applicability from cpe-lang
// check-fact-ref platforms, with no CPE dictionary (as NIST's R1200 and
// R3010 validation content does).
func TestCheckFactRefPlatforms(t *testing.T) {
	b := prepare(t, "testdata/platforms-xccdf.xml", "")
	res, err := b.Evaluate(context.Background(), semanticsRoot(t))
	require.NoError(t, err)
	got := map[string]engine.Status{}
	msgs := map[string][]string{}
	for _, rr := range res.Rules {
		id := strings.TrimPrefix(rr.Rule.ID, "xccdf_io.stigscan_rule_")
		got[id] = rr.Status
		for _, m := range rr.Messages {
			msgs[id] = append(msgs[id], m.Severity+": "+m.Text)
		}
	}
	assert.Equal(t, map[string]engine.Status{
		"yes":        engine.Pass,
		"no":         engine.NotApplicable,
		"yes_and_no": engine.NotApplicable,
		"yes_or_no":  engine.Pass,
		"not_no":     engine.Pass,
		// A platform that cannot be evaluated has not been shown not to
		// apply: the rule is an error saying why, never notapplicable.
		"missing_doc":  engine.Error,
		"error":        engine.Error,
		"not_error":    engine.Error,
		"error_or_yes": engine.Pass,          // one platform that applies decides
		"error_and_no": engine.NotApplicable, // one that does not, decides too
		"in_no_group":  engine.NotApplicable, // the group's platform applies to its rules
	}, got)

	for _, tt := range []struct {
		name string
		want []string // substrings of the one message
	}{
		{name: "missing_doc", want: []string{"error: whether the rule applies is not known: platform check oval:t:def:1", "does-not-exist.xml"}},
		{name: "error", want: []string{"error: whether the rule applies is not known: platform check oval:t:def:5", "definition oval:t:def:5 is error", "oval:t:obj:5"}},
		{name: "not_error", want: []string{"platform check oval:t:def:5", "is error"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			require.Len(t, msgs[tt.name], 1, "%q", msgs[tt.name])
			for _, w := range tt.want {
				assert.Contains(t, msgs[tt.name][0], w)
			}
		})
	}
	assert.Empty(t, msgs["error_or_yes"], "a decided platform says nothing")
}

func messageTexts(rr *engine.RuleResult) []string {
	var out []string
	for _, m := range rr.Messages {
		out = append(out, m.Text)
	}
	return out
}
