package jsonres_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/secret"
	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/internal/testutil"
	"github.com/stigscan/stigscan/report/jsonres"
	"github.com/stigscan/stigscan/report/jsonres/jsonrestest"
	"github.com/stigscan/stigscan/xccdf"
)

// TestSchema validates what the writer produces against the documented
// schema (docs/results.schema.json) with Ajv, for real DISA benchmarks, a
// multi-check rule and a carried review, and checks that the schema refuses
// a document that breaks it.
func TestSchema(t *testing.T) {
	jsonrestest.NodeHarness(t)
	schema := filepath.Join(testutil.RepoRoot(t), "docs", "results.schema.json")
	dir := t.TempDir()
	var files []string
	write := func(name string, d *jsonres.Document) {
		var buf bytes.Buffer
		require.NoError(t, jsonres.Writer{Indent: true}.WriteDocument(&buf, d))
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, buf.Bytes(), 0o600))
		files = append(files, p)
	}
	for _, name := range []string{"U_MDB_Enterprise_Advanced_4-x_STIG_V1R3_Manual-xccdf.xml", "U_Oracle_Database_12c_STIG_V2R9_Manual-xccdf.xml"} {
		res := jsonrestest.Result(t, jsonrestest.DISA(t, name), "", jsonrestest.Assign)
		write(name+".json", jsonres.FromResult(res, jsonres.Options{Version: "0.1.0"}))
	}
	rule := &xccdf.Rule{ID: "xccdf_x_rule_multi", Severity: "low"}
	multi := jsonres.FromResult(&engine.Result{Benchmark: &xccdf.Benchmark{ID: "x"}, Target: secret.RedactTarget("local"),
		Warnings: []string{"the scan connected as scanner, which is a superuser"}, Rules: []*engine.RuleResult{
			{Rule: rule, Status: engine.Pass, Instance: "oval:x:def:1", Check: &engine.CheckOutcome{System: "oval", Href: "x.xml", Name: "oval:x:def:1"}},
			{Rule: rule, Status: engine.Error, Instance: "oval:x:def:2", Messages: []engine.Message{{Severity: "error", Text: "boom"}}},
		}}, jsonres.Options{})
	multi.Rules[0].Review = &jsonres.Review{Status: "notapplicable", MatchedBy: "stig-id", Source: "old.cklb"}
	write("multi.json", multi)

	bad := jsonres.FromResult(&engine.Result{Benchmark: &xccdf.Benchmark{ID: "x"}, Rules: []*engine.RuleResult{{Rule: rule, Status: "passed"}}}, jsonres.Options{})
	write("bad.json", bad)

	var got []struct {
		File   string   `json:"file"`
		Valid  bool     `json:"valid"`
		Errors []string `json:"errors"`
	}
	require.NoError(t, json.Unmarshal(jsonrestest.RunNode(t, "validate.mjs", append([]string{schema}, files...)...), &got))
	require.Len(t, got, len(files))
	for _, g := range got[:len(got)-1] {
		assert.True(t, g.Valid, "%s: %v", filepath.Base(g.File), g.Errors)
	}
	assert.False(t, got[len(got)-1].Valid, "a status outside XCCDF's is refused")
}
