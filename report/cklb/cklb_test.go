package cklb_test

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
	"github.com/stigscan/stigscan/internal/testutil"
	"github.com/stigscan/stigscan/report/ckl"
	"github.com/stigscan/stigscan/report/cklb"
	"github.com/stigscan/stigscan/report/jsonres/jsonrestest"
)

func TestWriteFromDISABenchmark(t *testing.T) {
	c := jsonrestest.DISA(t, "U_MDB_Enterprise_Advanced_4-x_STIG_V1R3_Manual-xccdf.xml")
	res := jsonrestest.Result(t, c, "MAC-1_Classified", jsonrestest.Assign)
	var buf bytes.Buffer
	opt := ckl.Options{Seed: "s1", Database: true, Instance: "mongod:27017"}
	require.NoError(t, cklb.Writer{Options: opt}.Write(&buf, res))

	var raw map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &raw), "valid JSON")
	rule0 := raw["stigs"].([]any)[0].(map[string]any)["rules"].([]any)[0].(map[string]any)
	for _, k := range []string{"uuid", "stig_uuid", "group_id", "rule_id", "rule_id_src", "status", "finding_details", "comments", "ccis", "legacy_ids", "group_tree", "overrides", "check_content_ref"} {
		assert.Contains(t, rule0, k)
	}
	assert.Equal(t, map[string]any{}, rule0["overrides"])
	assert.Equal(t, []any{}, rule0["legacy_ids"], "an empty list, never null")

	cl, err := cklb.Read(bytes.NewReader(buf.Bytes()))
	require.NoError(t, err)
	assert.Equal(t, cklb.Text("db01"), cl.TargetData.HostName)
	assert.True(t, cl.TargetData.IsWebDatabase)
	assert.Equal(t, cklb.Text("mongod:27017"), cl.TargetData.WebDBInstance)
	assert.Equal(t, cklb.Text("Database Review"), cl.TargetData.TechnologyArea)
	require.Len(t, cl.STIGs, 1)
	s := cl.STIGs[0]
	assert.Equal(t, cklb.Text("MongoDB_Enterprise_Advanced_4-x_STIG"), s.STIGID)
	assert.Equal(t, cklb.Text("MongoDB Enterprise Advanced 4.x"), s.DisplayName)
	assert.Equal(t, cklb.Text("5459"), s.ReferenceIdentifier)
	assert.Equal(t, len(res.Rules), s.Size)
	require.Len(t, s.Rules, len(res.Rules))
	seen := map[cklb.Text]bool{}
	for i, r := range s.Rules {
		rr := res.Rules[i]
		assert.Equal(t, cklb.Text(rr.Identity.VulnID), r.GroupID)
		assert.Equal(t, cklb.Text(rr.Identity.RuleID), r.RuleIDSrc)
		assert.Equal(t, cklb.Text(rr.Identity.RuleStem+"r"+rr.Identity.Revision), r.RuleID, "rule_id has no _rule suffix")
		assert.Equal(t, cklb.Text(rr.Identity.STIGID), r.RuleVersion)
		assert.Equal(t, rr.Identity.CCIs, r.CCIs)
		assert.Equal(t, s.UUID, r.STIGUUID)
		assert.False(t, seen[r.UUID], "rule uuids are distinct")
		seen[r.UUID] = true
		want := map[engine.Status]string{engine.Pass: cklb.NotAFinding, engine.Fixed: cklb.NotAFinding, engine.Fail: cklb.Open, engine.NotApplicable: cklb.NotApplicable}[rr.Status]
		if want == "" {
			want = cklb.NotReviewed
		}
		assert.Equal(t, cklb.Text(want), r.Status, "rule %s (%s)", rr.Rule.ID, rr.Status)
		for _, e := range rr.Evidence {
			assert.Contains(t, string(r.FindingDetails), e)
		}
		assert.Equal(t, cklb.Text(rr.Rule.CheckText()), r.CheckContent)
		assert.Equal(t, cklb.Text("2026-03-04T05:06:07Z"), r.UpdatedAt)
	}

	var again bytes.Buffer
	require.NoError(t, cklb.Writer{Options: opt}.Write(&again, res))
	assert.Equal(t, buf.String(), again.String(), "same seed, same bytes")
	var other bytes.Buffer
	require.NoError(t, cklb.Writer{Options: ckl.Options{Seed: "s2"}}.Write(&other, res))
	o, err := cklb.Read(&other)
	require.NoError(t, err)
	assert.NotEqual(t, cl.ID, o.ID)
	assert.NotEqual(t, s.Rules[0].UUID, o.STIGs[0].Rules[0].UUID)
}

func TestRoundTripSamples(t *testing.T) {
	dir := filepath.Join(testutil.SharedContent(t, "checklists"), "cklb")
	files, err := filepath.Glob(filepath.Join(dir, "*.cklb"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			c1, err := cklb.Read(bytes.NewReader(data))
			require.NoError(t, err)
			var buf bytes.Buffer
			require.NoError(t, cklb.Encode(&buf, c1))
			c2, err := cklb.Read(bytes.NewReader(buf.Bytes()))
			require.NoError(t, err)
			assert.Equal(t, c1, c2)

			// Keys we do not model survive.
			var orig, back map[string]any
			require.NoError(t, json.Unmarshal(data, &orig))
			require.NoError(t, json.Unmarshal(buf.Bytes(), &back))
			for k := range orig {
				assert.Contains(t, back, k)
			}
			assert.Equal(t, orig["evaluate-stig"], back["evaluate-stig"])
			os0 := orig["stigs"].([]any)[0].(map[string]any)
			bs0 := back["stigs"].([]any)[0].(map[string]any)
			assert.Equal(t, os0["evaluate-stig"], bs0["evaluate-stig"])
			assert.Equal(t, len(os0["rules"].([]any)), len(bs0["rules"].([]any)))
		})
	}
}

func TestReadRefuses(t *testing.T) {
	tests := []struct{ name, doc, want string }{
		{"not json", `<CHECKLIST/>`, "cklb:"},
		{"no stigs", `{"title":"x"}`, "not a STIG Viewer 3 checklist"},
		{"object where text", `{"stigs":[{"stig_id":{"a":1}}]}`, "expected a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := cklb.Read(strings.NewReader(tt.doc))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestLenientText(t *testing.T) {
	var s cklb.STIG
	require.NoError(t, json.Unmarshal([]byte(`{"version": 1, "release_info": null, "stig_id": "X", "size": 3}`), &s))
	require.NotNil(t, s.Version)
	assert.Equal(t, cklb.Text("1"), *s.Version)
	assert.Equal(t, cklb.Text(""), s.ReleaseInfo)
	assert.Equal(t, 3, s.Size)
}

func FuzzRead(f *testing.F) {
	f.Add([]byte(`{"stigs":[{"rules":[{"status":"open","x":1}]}],"target_data":{"host_name":"a"}}`))
	f.Add([]byte(`{"stigs":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := cklb.Read(bytes.NewReader(data))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := cklb.Encode(&buf, c); err != nil {
			t.Fatal(err)
		}
	})
}
