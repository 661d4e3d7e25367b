package xccdf_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/xccdf"
)

// TestDataStreamTailoring opens tailoring components held in a data stream
// (oscap's --tailoring-id), in the same file and in one whose benchmark and
// checks are components of another local data stream.
func TestDataStreamTailoring(t *testing.T) {
	tests := []struct {
		name, file, tailoringID, profile string
		wantRules                        []string
		wantOrigin                       string
	}{
		{
			name: "component-ref id", file: "testdata/tailored-ds.xml", tailoringID: "scap_io.stigscan_cref_tailoring",
			profile: "xccdf_io.stigscan_profile_only_a", wantRules: []string{"xccdf_io.stigscan_rule_a"},
			wantOrigin: "xccdf_io.stigscan_tailoring_only_a",
		},
		{
			name: "component id", file: "testdata/tailored-ds.xml", tailoringID: "scap_io.stigscan_comp_tailoring",
			profile: "xccdf_io.stigscan_profile_only_a", wantRules: []string{"xccdf_io.stigscan_rule_a"},
			wantOrigin: "xccdf_io.stigscan_tailoring_only_a",
		},
		{
			name: "benchmark in another file", file: "testdata/external-ds.xml", tailoringID: "scap_io.stigscan_cref_my_tailoring",
			profile: "xccdf_io.stigscan_profile_only_b", wantRules: []string{"xccdf_io.stigscan_rule_b"},
			wantOrigin: "xccdf_io.stigscan_tailoring_only_b",
		},
		{
			name: "no tailoring asked for", file: "testdata/tailored-ds.xml",
			profile: "xccdf_io.stigscan_profile_both", wantRules: []string{"xccdf_io.stigscan_rule_a", "xccdf_io.stigscan_rule_b"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := xccdf.Open(tc.file, xccdf.Options{TailoringID: tc.tailoringID})
			require.NoError(t, err)
			require.NotNil(t, c.Benchmark)
			assert.Equal(t, "xccdf_io.stigscan_benchmark_tailored", c.Benchmark.ID)
			if tc.wantOrigin == "" {
				assert.Nil(t, c.Tailoring)
			} else {
				require.NotNil(t, c.Tailoring)
				assert.Equal(t, tc.wantOrigin, c.Tailoring.ID)
			}
			sel, err := xccdf.Resolve(c.Benchmark, c.Tailoring, tc.profile)
			require.NoError(t, err)
			var got []string
			for _, r := range sel.Rules {
				got = append(got, r.ID)
			}
			assert.Equal(t, tc.wantRules, got)
			// Check hrefs resolve through the catalog, across files too.
			cc, err := c.CheckContent("checks.xml")
			require.NoError(t, err)
			assert.Equal(t, "scap_io.stigscan_comp_oval", cc.Name)
			assert.Equal(t, "oval_definitions", cc.Root.Local)
		})
	}
}

func TestDataStreamTailoringErrors(t *testing.T) {
	tests := []struct {
		name, id, msg string
		is            error
	}{
		{name: "unknown id", id: "scap_io.stigscan_cref_nope", msg: "no such tailoring component-ref", is: xccdf.ErrNotFound},
		{name: "not a tailoring", id: "scap_io.stigscan_cref_xccdf", msg: "not an XCCDF Tailoring"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := xccdf.Open("testdata/tailored-ds.xml", xccdf.Options{TailoringID: tc.id})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.msg)
			assert.Contains(t, err.Error(), tc.id)
			if tc.is != nil {
				assert.ErrorIs(t, err, tc.is)
			}
		})
	}
}
