package hdf_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/report/ckl"
	"github.com/stigscan/stigscan/report/hdf"
	"github.com/stigscan/stigscan/report/jsonres"
	"github.com/stigscan/stigscan/report/jsonres/jsonrestest"
)

func mongo(t *testing.T) *jsonres.Document {
	c := jsonrestest.DISA(t, "U_MDB_Enterprise_Advanced_4-x_STIG_V1R3_Manual-xccdf.xml")
	res := jsonrestest.Result(t, c, "", jsonrestest.Assign)
	return jsonres.FromResult(res, jsonres.Options{Version: "0.1.0"})
}

// selected are the document's rules a profile selected, which HDF lists.
func selected(d *jsonres.Document) []jsonres.Rule {
	var out []jsonres.Rule
	for _, r := range d.Rules {
		if r.Status != string(engine.NotSelected) {
			out = append(out, r)
		}
	}
	return out
}

var wantStatus = map[string]string{
	"pass": "passed", "fixed": "passed", "fail": "failed", "error": "error", "unknown": "error",
	"notapplicable": "skipped", "notchecked": "skipped", "informational": "skipped",
}

func TestWrite(t *testing.T) {
	d := mongo(t)
	var buf bytes.Buffer
	require.NoError(t, hdf.Writer{Options: hdf.Options{CCIToNIST: map[string][]string{"CCI-000130": {"AU-3", "AU-3 a"}}}}.WriteDocument(&buf, d))
	var ex hdf.Exec
	require.NoError(t, json.Unmarshal(buf.Bytes(), &ex))
	assert.Equal(t, "stigscan", ex.Platform.Name)
	assert.Equal(t, "db01", ex.Platform.TargetID)
	assert.Equal(t, "0.1.0", ex.Version)
	assert.InDelta(t, 1.5, ex.Statistics.Duration, 1e-9)
	require.Len(t, ex.Profiles, 1)
	p := ex.Profiles[0]
	assert.Equal(t, "MongoDB_Enterprise_Advanced_4-x_STIG", p.Name)
	assert.Equal(t, "V1R3", p.Version)
	assert.Equal(t, "DISA", p.Maintainer)

	// The sha256 is that of the profile without it.
	sha := p.SHA256
	p.SHA256 = ""
	raw, err := json.Marshal(p)
	require.NoError(t, err)
	sum := sha256.Sum256(raw)
	assert.Equal(t, hex.EncodeToString(sum[:]), sha)

	rules := selected(d)
	assert.Less(t, len(rules), len(d.Rules), "the cycle leaves some rules unselected")
	require.Len(t, p.Controls, len(rules))
	for i, c := range p.Controls {
		r := rules[i]
		assert.Equal(t, r.VulnID, c.ID)
		assert.Equal(t, r.VulnID, c.Tags.GID)
		assert.Equal(t, r.RuleID, c.Tags.RID)
		assert.Equal(t, r.STIGID, c.Tags.STIGID)
		assert.Equal(t, r.CCIs, c.Tags.CCI)
		assert.Equal(t, r.Severity, c.Tags.Severity)
		require.Len(t, c.Results, 1)
		assert.Equal(t, wantStatus[r.Status], c.Results[0].Status, "rule %s (%s)", r.RuleID, r.Status)
		if r.Status == "notapplicable" {
			assert.Zero(t, c.Impact)
		} else {
			assert.Equal(t, hdf.Impact(r.Severity), c.Impact)
		}
		for _, e := range r.Evidence {
			// Control characters become U+FFFD: converters copy HDF text into XML.
			assert.Contains(t, c.Results[0].Message, strings.ReplaceAll(e, "\x01", "\uFFFD"))
		}
		assert.Equal(t, "2026-03-04T05:06:07Z", c.Results[0].StartTime)
		labels := []string{}
		for _, de := range c.Descriptions {
			labels = append(labels, de.Label)
		}
		assert.Equal(t, []string{"default", "check", "fix"}, labels)
	}
	assert.Equal(t, rules[0].NIST, p.Controls[0].Tags.NIST, "NIST from the JSON's nist, which DISA's CCI list filled")
	assert.Contains(t, p.Controls[0].Tags.NIST, "AU-3", "CCI-000130's control")

	var again bytes.Buffer
	require.NoError(t, hdf.Writer{Options: hdf.Options{CCIToNIST: map[string][]string{"CCI-000130": {"AU-3", "AU-3 a"}}}}.WriteDocument(&again, d))
	assert.Equal(t, buf.String(), again.String(), "deterministic")
}

func TestCarriedReview(t *testing.T) {
	d := &jsonres.Document{Benchmark: jsonres.Benchmark{ID: "B"}, Rules: []jsonres.Rule{
		{ID: "r1", VulnID: "V-1", Severity: "high", Status: "notchecked", Review: &jsonres.Review{Status: "notapplicable", Details: "no such feature", Source: "old.ckl", Date: "2025-01-01"}},
		{ID: "r2", VulnID: "V-2", Severity: "low", Status: "error", Review: &jsonres.Review{Status: "fail", Details: "found by hand"}},
	}}
	var buf bytes.Buffer
	require.NoError(t, hdf.Writer{}.WriteDocument(&buf, d))
	var ex hdf.Exec
	require.NoError(t, json.Unmarshal(buf.Bytes(), &ex))
	c := ex.Profiles[0].Controls
	assert.Zero(t, c[0].Impact)
	assert.Equal(t, "skipped", c[0].Results[0].Status)
	assert.Equal(t, "Manual review carried from old.ckl (2025-01-01)", c[0].Results[0].CodeDesc)
	assert.Equal(t, "no such feature", c[0].Results[0].SkipMessage)
	assert.Equal(t, 0.3, c[1].Impact)
	assert.Equal(t, "failed", c[1].Results[0].Status)
	assert.Equal(t, "found by hand", c[1].Results[0].Message)
}

// TestHeimdallToolsReadOurHDF parses our HDF with inspecjs' strict exec-JSON
// parser, checks the status Heimdall shows for each control, and has
// hdf-converters turn it into a checklist we read back.
func TestHeimdallToolsReadOurHDF(t *testing.T) {
	jsonrestest.NodeHarness(t)
	d := mongo(t)
	var buf bytes.Buffer
	require.NoError(t, hdf.Writer{}.WriteDocument(&buf, d))
	dir := t.TempDir()
	in, out := filepath.Join(dir, "ours.json"), filepath.Join(dir, "from-hdf.ckl")
	require.NoError(t, os.WriteFile(in, buf.Bytes(), 0o600))

	var got struct {
		Error    string `json:"error"`
		Kind     string `json:"kind"`
		Controls []struct {
			ID       string   `json:"id"`
			Status   string   `json:"status"`
			Severity string   `json:"severity"`
			NIST     []string `json:"nist"`
		} `json:"controls"`
		CKLVulns int `json:"cklVulns"`
	}
	require.NoError(t, json.Unmarshal(jsonrestest.RunNode(t, "hdfckl.cjs", "hdf", in, out), &got))
	require.Empty(t, got.Error)
	assert.Equal(t, "1_0_ExecJson", got.Kind, "inspecjs reads it as exec JSON")
	rules := selected(d)
	require.Len(t, got.Controls, len(rules))
	heimdall := map[string]string{"pass": "Passed", "fixed": "Passed", "fail": "Failed", "error": "Profile Error", "unknown": "Profile Error",
		"notapplicable": "Not Applicable", "notchecked": "Not Reviewed", "informational": "Not Reviewed"}
	for i, c := range got.Controls {
		assert.Equal(t, rules[i].VulnID, c.ID)
		assert.Equal(t, heimdall[rules[i].Status], c.Status, "rule %s (%s)", rules[i].RuleID, rules[i].Status)
		assert.Equal(t, rules[i].Severity, c.Severity)
		assert.NotEmpty(t, c.NIST, "inspecjs reads tags.nist of %s", c.ID)
		assert.Equal(t, rules[i].NIST, c.NIST, "inspecjs's NIST tags of %s", c.ID)
	}
	t.Logf("inspecjs read %d controls with the statuses and NIST tags stigscan wrote", len(got.Controls))

	// hdf-converters writes a checklist from our HDF; we read it back.
	assert.Equal(t, len(rules), got.CKLVulns)
	f, err := os.Open(out)
	require.NoError(t, err)
	defer f.Close()
	cl, err := ckl.Read(f)
	require.NoError(t, err)
	require.Len(t, cl.STIGs, 1)
	require.Len(t, cl.STIGs[0].Vulns, len(rules))
	counts := map[string]int{}
	for i, v := range cl.STIGs[0].Vulns {
		counts[v.Status]++
		assert.Equal(t, rules[i].VulnID, v.Attr("Vuln_Num"))
		want := ckl.StatusOf(jsonres.ChecklistStatus(engine.Status(rules[i].Status)))
		assert.Equal(t, want, v.Status, "rule %s (%s)", rules[i].RuleID, rules[i].Status)
	}
	t.Logf("hdf-converters wrote a checklist of %d rules from our HDF, statuses as ours: %v", len(cl.STIGs[0].Vulns), counts)
}
