package hdf_test

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/cci"
	"github.com/stigscan/stigscan/internal/testutil"
	"github.com/stigscan/stigscan/report/hdf"
	"github.com/stigscan/stigscan/report/jsonres"
	"github.com/stigscan/stigscan/report/jsonres/jsonrestest"
)

// Every rule with a CCI of every DISA benchmark in shared content gets at
// least one NIST control in JSON (nist) and in HDF (tags.nist), from the
// compiled CCI list.
func TestEveryDISARuleWithCCIHasNIST(t *testing.T) {
	dir := testutil.SharedContent(t, "disa-manual")
	files, err := filepath.Glob(filepath.Join(dir, "*-xccdf.xml"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			c := jsonrestest.DISA(t, name)
			// JSON has every rule; HDF the rules the default selection selects.
			res := jsonrestest.Result(t, c, "", jsonrestest.Assign)
			d := jsonres.FromResult(res, jsonres.Options{Version: "0.1.0"})
			var buf bytes.Buffer
			require.NoError(t, jsonres.Writer{}.WriteDocument(&buf, d))
			back, err := jsonres.Read(bytes.NewReader(buf.Bytes()))
			require.NoError(t, err)
			withCCI := 0
			byID := map[string]jsonres.Rule{}
			for _, r := range back.Rules {
				byID[r.VulnID] = r
				if len(r.CCIs) == 0 {
					continue
				}
				withCCI++
				assert.NotEmpty(t, r.NIST, "JSON nist of %s (CCIs %v)", r.VulnID, r.CCIs)
			}
			buf.Reset()
			require.NoError(t, hdf.Writer{}.WriteDocument(&buf, back))
			var ex hdf.Exec
			require.NoError(t, json.Unmarshal(buf.Bytes(), &ex))
			require.Len(t, ex.Profiles, 1)
			for _, ctl := range ex.Profiles[0].Controls {
				if len(ctl.Tags.CCI) > 0 {
					assert.NotEmpty(t, ctl.Tags.NIST, "HDF tags.nist of %s (CCIs %v)", ctl.ID, ctl.Tags.CCI)
					assert.Equal(t, byID[ctl.ID].NIST, ctl.Tags.NIST, ctl.ID)
				}
			}
			t.Logf("%d rules, %d with CCIs, %d HDF controls", len(back.Rules), withCCI, len(ex.Profiles[0].Controls))
		})
	}
}

// A JSON document written before nist existed gets tags.nist from the
// compiled list, or from the caller's map when one is given.
func TestNISTForOlderJSON(t *testing.T) {
	d := mongo(t)
	require.Contains(t, d.Rules[0].CCIs, "CCI-000130")
	require.NotEqual(t, "notselected", d.Rules[0].Status, "the first rule is the first HDF control")
	for i := range d.Rules {
		d.Rules[i].NIST, d.Rules[i].NISTRev4 = nil, nil
	}
	tests := []struct {
		name string
		opt  hdf.Options
		want []string
	}{
		{name: "compiled list", want: cci.NIST(d.Rules[0].CCIs)},
		{name: "caller's map", opt: hdf.Options{CCIToNIST: map[string][]string{"CCI-000130": {"AU-3", "AU-3 a"}}}, want: []string{"AU-3", "AU-3 a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, hdf.Writer{Options: tt.opt}.WriteDocument(&buf, d))
			var ex hdf.Exec
			require.NoError(t, json.Unmarshal(buf.Bytes(), &ex))
			require.NotEmpty(t, ex.Profiles[0].Controls)
			require.Equal(t, d.Rules[0].CCIs, ex.Profiles[0].Controls[0].Tags.CCI)
			assert.Equal(t, tt.want, ex.Profiles[0].Controls[0].Tags.NIST)
		})
	}
}
