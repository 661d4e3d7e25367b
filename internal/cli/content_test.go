package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/internal/testutil"
)

// A tailoring of an imported DISA benchmark that sets a built-in check's
// Value is no content problem once the engine binds the built-in checks:
// scan warns only about the Value nobody declares. With
// --no-builtin-checks nothing is bound, so both are warned about.
func TestScanBindsTailoredLibraryValues(t *testing.T) {
	disa := filepath.Join(testutil.SharedContent(t, "disa-manual"), "U_MDB_Enterprise_Advanced_4-x_STIG_V1R3_Manual-xccdf.xml")
	dir := t.TempDir()
	t.Chdir(dir)
	tailoring := `<?xml version="1.0" encoding="UTF-8"?>
<Tailoring xmlns="http://checklists.nist.gov/xccdf/1.2" id="xccdf_io.stigscan_tailoring_org">
  <version time="2026-11-22T00:00:00">1</version>
  <Profile id="xccdf_io.stigscan_profile_org" extends="MAC-1_Classified">
    <title>Organization</title>
    <set-value idref="xccdf_io.stigscan_value_mdb_session_idle_limit_minutes">5</set-value>
  </Profile>
  <Profile id="xccdf_io.stigscan_profile_site" extends="xccdf_io.stigscan_profile_org">
    <title>Site</title>
    <set-value idref="xccdf_io.stigscan_value_nowhere">1</set-value>
  </Profile>
</Tailoring>
`
	require.NoError(t, os.WriteFile("tailoring.xml", []byte(tailoring), 0o644))
	tests := []struct {
		name  string
		extra []string
		bound bool
	}{
		{name: "built-in checks bound", bound: true},
		{name: "no built-in checks", extra: []string{"--no-builtin-checks"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"scan", "--quiet", "--benchmark", disa, "--tailoring-file", "tailoring.xml",
				"--profile", "xccdf_io.stigscan_profile_site", "--json", "r.json"}, tc.extra...)
			_, stderr, err := run(t, args...)
			require.NoError(t, err)
			assert.Contains(t, stderr, `unknown Value "xccdf_io.stigscan_value_nowhere"`)
			if tc.bound {
				assert.NotContains(t, stderr, "mdb_session_idle_limit_minutes")
			} else {
				assert.Contains(t, stderr, `unknown Value "xccdf_io.stigscan_value_mdb_session_idle_limit_minutes"`)
			}
			// rules lists the same content with the same warnings.
			rules := append([]string{"rules", disa, "--tailoring-file", "tailoring.xml", "--profile", "xccdf_io.stigscan_profile_site"}, tc.extra...)
			_, rulesErr, err := run(t, rules...)
			require.NoError(t, err)
			assert.Equal(t, warnings(stderr), warnings(rulesErr))
		})
	}
}

// warnings are the "warning:" lines of a command's stderr.
func warnings(stderr string) []string {
	var out []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(l, "warning:") {
			out = append(out, l)
		}
	}
	return out
}
