package cklb_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/internal/testutil"
	"github.com/stigscan/stigscan/report/ckl"
	"github.com/stigscan/stigscan/report/cklb"
	"github.com/stigscan/stigscan/report/jsonres"
	"github.com/stigscan/stigscan/report/jsonres/jsonrestest"
)

func tempFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, data, 0o600))
	return p
}

// TestSTIGManagerReadsOurChecklists imports CKLB written from real DISA
// benchmarks with STIG Manager's parser.
func TestSTIGManagerReadsOurChecklists(t *testing.T) {
	jsonrestest.NodeHarness(t)
	tests := []struct {
		name, file, profile string
		benchmark, revision string
	}{
		{"mongodb 4.x", "U_MDB_Enterprise_Advanced_4-x_STIG_V1R3_Manual-xccdf.xml", "MAC-1_Classified", "MongoDB_Enterprise_Advanced_4-x_STIG", "V1R3"},
		{"postgresql 9.x", "U_PGS_SQL_9-x_STIG_V2R5_Manual-xccdf.xml", "", "PostgreSQL_9-x_STIG", "V2R5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := jsonrestest.Result(t, jsonrestest.DISA(t, tt.file), tt.profile, jsonrestest.Assign)
			d := jsonres.FromResult(res, jsonres.Options{})
			var buf bytes.Buffer
			require.NoError(t, cklb.Writer{Options: ckl.Options{Database: true, Instance: "db"}}.WriteDocument(&buf, d))
			got := jsonrestest.STIGManager(t, tempFile(t, "ours.cklb", buf.Bytes()))[0]
			require.Empty(t, got.Error)
			assert.Equal(t, "db01", got.Target["name"])
			assert.Equal(t, "db", got.Target["metadata"].(map[string]any)["cklWebDbInstance"])
			require.Len(t, got.Checklists, 1)
			cl := got.Checklists[0]
			assert.Equal(t, tt.benchmark, cl.BenchmarkID)
			assert.Equal(t, tt.revision, cl.RevisionStr)
			require.Len(t, cl.Reviews, len(d.Rules))
			for i, rv := range cl.Reviews {
				r := d.Rules[i]
				v := r.Verdict()
				assert.Equal(t, r.RuleID, rv.RuleID)
				assert.Equal(t, string(v.Status), rv.Result, "rule %s: stigscan %s", r.RuleID, r.Status)
				require.NotNil(t, rv.Detail)
				assert.Equal(t, v.Details, *rv.Detail)
			}
			t.Logf("STIG Manager imported %d reviews with the statuses stigscan wrote", len(cl.Reviews))
		})
	}
}

// TestSTIGManagerRoundTrip: every sample CKLB read and written back is
// parsed by STIG Manager exactly as the original.
func TestSTIGManagerRoundTrip(t *testing.T) {
	jsonrestest.NodeHarness(t)
	files, err := filepath.Glob(filepath.Join(testutil.SharedContent(t, "checklists"), "cklb", "*.cklb"))
	require.NoError(t, err)
	var args []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		c, err := cklb.Read(bytes.NewReader(data))
		require.NoError(t, err)
		var buf bytes.Buffer
		require.NoError(t, cklb.Encode(&buf, c))
		args = append(args, f, tempFile(t, filepath.Base(f), buf.Bytes()))
	}
	got := jsonrestest.STIGManager(t, args...)
	same, reviews := 0, 0
	for i := 0; i < len(got); i += 2 {
		orig, ours := got[i], got[i+1]
		require.Empty(t, orig.Error, orig.File)
		ours.File = orig.File
		if assert.Equal(t, orig, ours, "%s", filepath.Base(orig.File)) {
			same++
		}
		for _, c := range orig.Checklists {
			reviews += len(c.Reviews)
		}
	}
	t.Logf("STIG Manager saw the same target and reviews in %d of %d round-tripped CKLB (%d reviews)", same, len(got)/2, reviews)
}
