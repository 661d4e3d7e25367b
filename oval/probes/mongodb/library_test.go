package mongodb_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/internal/testutil"
	"github.com/stigscan/stigscan/xccdf"
)

// passValues are the pass fixture's tailoring, as library overrides.
var passValues = map[string]string{
	"xccdf_io.stigscan_value_mdb_security_labeling_required": "true",
	"xccdf_io.stigscan_value_mdb_ldap_required":              "true",
	"xccdf_io.stigscan_value_mdb_audit_destination_pattern":  "^file$",
	"xccdf_io.stigscan_value_mdb_audit_offloaded":            "true",
}

// Scanning with each release of DISA's MongoDB 4.x benchmark binds the
// same built-in checks to the same Vuln-IDs, whatever the release's
// Rule-ID revisions; DISA's check text stays in the result; rules without
// a built-in check stay notchecked.
func TestDISAReleasesBindToBuiltinChecks(t *testing.T) {
	lib := openBuiltin(t)
	h := replays(t, "mongod44", "stig-pass")
	wantAuto := map[string]automation{}
	builtinRule := map[string]string{}
	for _, r := range stigRules {
		wantAuto[r.vuln] = r.auto
		builtinRule[r.vuln] = "xccdf_io.stigscan_rule_" + r.rule
	}
	type outcome struct {
		bound  string
		status engine.Status
	}
	var first map[string]outcome
	for _, rel := range []string{"V1R1", "V1R2", "V1R3"} {
		t.Run(rel, func(t *testing.T) {
			f := filepath.Join(testutil.SharedContent(t, "disa-manual"), "U_MDB_Enterprise_Advanced_4-x_STIG_"+rel+"_Manual-xccdf.xml")
			c, err := xccdf.Open(f, xccdf.Options{})
			require.NoError(t, err)
			sel, err := xccdf.Resolve(c.Benchmark, nil, "MAC-1_Classified")
			require.NoError(t, err)
			opts := engineOptions()
			opts.Library = []*xccdf.Content{lib}
			opts.LibraryValues = passValues
			b, err := engine.Prepare(context.Background(), c, sel, opts)
			require.NoError(t, err)
			res, err := b.Evaluate(context.Background(), h)
			require.NoError(t, err)
			require.Len(t, res.Rules, len(stigRules))
			got := map[string]outcome{}
			for _, rr := range res.Rules {
				vuln := rr.Identity.VulnID
				auto, ok := wantAuto[vuln]
				require.True(t, ok, "unknown Vuln-ID %s", vuln)
				require.NotNil(t, rr.Check, vuln)
				assert.NotEmpty(t, rr.Check.Content, "%s keeps DISA's check text", vuln)
				o := outcome{status: rr.Status}
				if rr.BoundTo != nil {
					o.bound = rr.BoundTo.ID
				}
				got[vuln] = o
				if auto == manual {
					assert.Equal(t, engine.NotChecked, rr.Status, vuln)
					assert.Nil(t, rr.BoundTo, vuln)
					continue
				}
				assert.Equal(t, builtinRule[vuln], o.bound, vuln)
				assert.Equal(t, engine.Pass, rr.Status, "%s: %s", vuln, messages(rr))
				require.NotEmpty(t, rr.Messages, vuln)
				assert.True(t, strings.Contains(rr.Messages[0].Text, "matched by vuln-id") && strings.Contains(rr.Messages[0].Text, "Release: 3"), rr.Messages[0].Text)
			}
			if first == nil {
				first = got
				return
			}
			assert.Equal(t, first, got, "bindings and results differ from V1R1's")
		})
	}
}
