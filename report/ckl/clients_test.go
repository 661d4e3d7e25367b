package ckl_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/local"
	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/internal/testutil"
	"github.com/stigscan/stigscan/report/ckl"
	"github.com/stigscan/stigscan/report/jsonres"
	"github.com/stigscan/stigscan/report/jsonres/jsonrestest"
)

// TestSTIGManagerReadsOurChecklists imports checklists written from two real
// DISA benchmarks with STIG Manager's parser: no error, and per rule the
// review status STIG Manager sees is the one stigscan decided.
func TestSTIGManagerReadsOurChecklists(t *testing.T) {
	jsonrestest.NodeHarness(t)
	tests := []struct {
		name, file, profile string
		opt                 ckl.Options
		benchmark, revision string
	}{
		{"mongodb 4.x database", "U_MDB_Enterprise_Advanced_4-x_STIG_V1R3_Manual-xccdf.xml", "MAC-1_Classified",
			ckl.Options{Database: true, Site: "prod", Instance: "mongod"}, "MongoDB_Enterprise_Advanced_4-x_STIG", "V1R3"},
		{"oracle 12c", "U_Oracle_Database_12c_STIG_V2R9_Manual-xccdf.xml", "", ckl.Options{}, "Oracle_Database_12c_STIG", "V2R9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := jsonrestest.Result(t, jsonrestest.DISA(t, tt.file), tt.profile, jsonrestest.Assign)
			d := jsonres.FromResult(res, jsonres.Options{})
			var buf bytes.Buffer
			require.NoError(t, ckl.Writer{Options: tt.opt}.WriteDocument(&buf, d))
			p := writeFile(t, "ours.ckl", buf.Bytes())

			got := jsonrestest.STIGManager(t, p)[0]
			require.Empty(t, got.Error)
			assert.Empty(t, got.Errors)
			assert.Equal(t, "db01", got.Target["name"])
			assert.Equal(t, "192.0.2.10, 192.0.2.11", got.Target["ip"])
			if tt.opt.Database {
				md := got.Target["metadata"].(map[string]any)
				assert.Equal(t, "true", md["cklWebOrDatabase"])
				assert.Equal(t, "mongod", md["cklWebDbInstance"])
			}
			require.Len(t, got.Checklists, 1)
			cl := got.Checklists[0]
			assert.Equal(t, tt.benchmark, cl.BenchmarkID)
			assert.Equal(t, tt.revision, cl.RevisionStr)
			require.Len(t, cl.Reviews, len(d.Rules))
			for i, rv := range cl.Reviews {
				r := d.Rules[i]
				v := r.Verdict()
				assert.Equal(t, r.RuleID, rv.RuleID)
				want := string(v.Status)
				assert.Equal(t, want, rv.Result, "rule %s: stigscan %s", r.RuleID, r.Status)
				require.NotNil(t, rv.Detail)
				// XML cannot carry control characters: the writer replaces them.
				assert.Equal(t, strings.ReplaceAll(strings.TrimSpace(v.Details), "\x01", "\uFFFD"), *rv.Detail)
			}
			t.Logf("STIG Manager imported %d reviews with the statuses stigscan wrote", len(cl.Reviews))
		})
	}
}

// TestSTIGManagerRoundTrip reads every sample checklist with our reader,
// writes it back, and has STIG Manager parse both: it must see the same
// target and the same reviews.
func TestSTIGManagerRoundTrip(t *testing.T) {
	jsonrestest.NodeHarness(t)
	dir := filepath.Join(testutil.SharedContent(t, "checklists"), "ckl")
	files, err := filepath.Glob(filepath.Join(dir, "*.ckl"))
	require.NoError(t, err)
	var args []string
	refused := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		c, err := ckl.Read(bytes.NewReader(data))
		if err != nil {
			// TestRoundTripSamples checks that only malformed XML is refused.
			t.Logf("%s: we refuse it (%v)", filepath.Base(f), err)
			refused++
			continue
		}
		var buf bytes.Buffer
		require.NoError(t, ckl.Encode(&buf, c))
		args = append(args, f, writeFile(t, filepath.Base(f), buf.Bytes()))
	}
	got := jsonrestest.STIGManager(t, args...)
	same, parsed, reviews := 0, 0, 0
	var hostless []string
	for i := 0; i < len(got); i += 2 {
		orig, ours := got[i], got[i+1]
		name := filepath.Base(orig.File)
		ours.File = orig.File
		if assert.Equal(t, orig, ours, "%s: STIG Manager sees something else in our copy", name) {
			same++
		}
		if orig.Error != "" {
			t.Logf("%s: STIG Manager refuses the original and our copy alike: %s", name, orig.Error)
			if orig.Error == "No host_name in ASSET" {
				hostless = append(hostless, orig.File)
			}
			continue
		}
		parsed++
		for _, c := range orig.Checklists {
			reviews += len(c.Reviews)
		}
	}
	t.Logf("%d sample checklists: %d refused by our reader; of %d round-tripped, STIG Manager saw the same result in %d (%d imported, %d reviews; the rest refused alike)",
		len(files), refused, len(got)/2, same, parsed, reviews)

	// Give the host-less samples a host name, in the original text and in
	// our model, so STIG Manager imports their reviews too.
	args = nil
	for _, f := range hostless {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		patched := reHostName.ReplaceAll(data, []byte("<HOST_NAME>patched</HOST_NAME>"))
		require.NotEqual(t, data, patched)
		c, err := ckl.Read(bytes.NewReader(data))
		require.NoError(t, err)
		c.Asset.HostName = "patched"
		var buf bytes.Buffer
		require.NoError(t, ckl.Encode(&buf, c))
		args = append(args, writeFile(t, "orig-"+filepath.Base(f), patched), writeFile(t, filepath.Base(f), buf.Bytes()))
	}
	if len(args) == 0 {
		return
	}
	got = jsonrestest.STIGManager(t, args...)
	same, reviews = 0, 0
	for i := 0; i < len(got); i += 2 {
		orig, ours := got[i], got[i+1]
		require.Empty(t, orig.Error)
		ours.File = orig.File
		if assert.Equal(t, orig, ours, "%s: STIG Manager sees something else in our copy", filepath.Base(ours.File)) {
			same++
		}
		for _, c := range orig.Checklists {
			reviews += len(c.Reviews)
		}
	}
	t.Logf("with a host name: STIG Manager saw the same reviews in %d of %d more checklists (%d reviews)", same, len(got)/2, reviews)
}

var reHostName = regexp.MustCompile(`<HOST_NAME>\s*</HOST_NAME>|<HOST_NAME\s*/>`)

// TestHDFConvertersReadOurChecklist has MITRE's checklist mapper turn our
// CKL into HDF: every rule becomes a control with the status we wrote.
func TestHDFConvertersReadOurChecklist(t *testing.T) {
	jsonrestest.NodeHarness(t)
	res := jsonrestest.Result(t, jsonrestest.DISA(t, mongoV1R3), "MAC-1_Classified", jsonrestest.Assign)
	d := jsonres.FromResult(res, jsonres.Options{})
	var buf bytes.Buffer
	require.NoError(t, ckl.Writer{}.WriteDocument(&buf, d))
	p := writeFile(t, "ours.ckl", buf.Bytes())

	var out struct {
		Error    string `json:"error"`
		Profiles []struct {
			Name     string `json:"name"`
			Controls []struct {
				ID     string   `json:"id"`
				Impact float64  `json:"impact"`
				Status []string `json:"status"`
				CCI    []string `json:"cci"`
				STIGID string   `json:"stig_id"`
			} `json:"controls"`
		} `json:"profiles"`
	}
	require.NoError(t, json.Unmarshal(jsonrestest.RunNode(t, "hdfckl.cjs", "ckl", p), &out))
	require.Empty(t, out.Error)
	require.Len(t, out.Profiles, 1)
	assert.Equal(t, "MongoDB_Enterprise_Advanced_4-x_STIG", out.Profiles[0].Name)
	controls := out.Profiles[0].Controls
	require.Len(t, controls, len(d.Rules))
	for i, c := range controls {
		r := d.Rules[i]
		assert.Equal(t, r.VulnID, c.ID)
		assert.Equal(t, r.STIGID, c.STIGID)
		assert.Equal(t, r.CCIs, c.CCI)
		want := map[engine.Status]string{engine.Pass: "passed", engine.Fail: "failed"}[r.Verdict().Status]
		if want == "" {
			want = "skipped"
		}
		assert.Equal(t, []string{want}, c.Status, "rule %s (%s)", r.RuleID, r.Status)
		if r.Verdict().Status == engine.NotApplicable {
			assert.Zero(t, c.Impact, "not applicable has impact 0")
		}
	}
	t.Logf("hdf-converters mapped %d controls with the statuses stigscan wrote", len(controls))
}

// TestRealScan runs the real engine with the built-in Linux baseline on
// this machine and writes its checklist: valid against DISA's schema, and
// STIG Manager imports every rule with stigscan's status.
func TestRealScan(t *testing.T) {
	res := jsonrestest.Builtin(t, local.New())
	d := jsonres.FromResult(res, jsonres.Options{})
	var buf bytes.Buffer
	require.NoError(t, ckl.Writer{}.WriteDocument(&buf, d))
	p := writeFile(t, "builtin.ckl", buf.Bytes())
	ok, msg := schemaValid(t, p)
	require.True(t, ok, "xmllint: %s", msg)
	decided := 0
	for _, r := range d.Rules {
		if r.Decided() {
			decided++
		}
	}
	t.Logf("built-in baseline on this machine: %d rules, %d decided automatically, totals %v", len(d.Rules), decided, d.Totals.ByStatus)

	t.Run("stig manager", func(t *testing.T) {
		jsonrestest.NodeHarness(t)
		got := jsonrestest.STIGManager(t, p)[0]
		require.Empty(t, got.Error)
		require.Len(t, got.Checklists, 1)
		reviews := got.Checklists[0].Reviews
		require.Len(t, reviews, len(d.Rules))
		for i, rv := range reviews {
			assert.Equal(t, string(d.Rules[i].Verdict().Status), rv.Result, "rule %s (%s)", d.Rules[i].ID, d.Rules[i].Status)
		}
	})
}
