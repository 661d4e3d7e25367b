package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/internal/testutil"
)

func disaFile(t *testing.T) string {
	return filepath.Join(testutil.SharedContent(t, "disa-manual"), "U_Oracle_Database_12c_STIG_V2R9_Manual-xccdf.xml")
}

// TestCommittedFilesAreGenerated fails when the built-in files or the
// coverage section differ from what the generator writes now: edit
// rules.go and run "go run ./builtin/oracle-gen" from the repository root.
func TestCommittedFilesAreGenerated(t *testing.T) {
	out, err := Generate(disaFile(t))
	require.NoError(t, err)
	root := testutil.RepoRoot(t)
	for name, data := range map[string][]byte{XCCDFFile: out.XCCDF, OVALFile: out.OVAL} {
		got, err := os.ReadFile(filepath.Join(root, name))
		require.NoError(t, err)
		assert.True(t, string(got) == string(data), "%s is out of date: run go run ./builtin/oracle-gen", name)
	}
	cov, err := os.ReadFile(filepath.Join(root, CoverageFile))
	require.NoError(t, err)
	assert.Contains(t, string(cov), out.Coverage, "the Oracle section of %s is out of date", CoverageFile)
}

// TestCoverage: at least 80% of the STIG's rules are automated or partly
// automated, and every rule of DISA's V2R9 has exactly one entry.
func TestCoverage(t *testing.T) {
	out, err := Generate(disaFile(t))
	require.NoError(t, err)
	total := out.Counts[automated] + out.Counts[partial] + out.Counts[manual]
	assert.Equal(t, 137, total)
	assert.GreaterOrEqual(t, float64(out.Counts[automated]+out.Counts[partial])/float64(total), 0.80)
	t.Logf("automated %d, partly automated %d, manual %d", out.Counts[automated], out.Counts[partial], out.Counts[manual])
	for _, r := range rules {
		if r.kind == manual {
			assert.Nil(t, r.build, "%s is manual but has a check", r.vuln)
		}
		assert.NotEmpty(t, r.note, r.vuln)
		assert.False(t, strings.Contains(r.title, "must"), "%s: our own short titles, not DISA's wording", r.vuln)
	}
}

func TestSpliceCoverage(t *testing.T) {
	section := coverageBegin + "\nnew\n" + coverageEnd + "\n"
	assert.Equal(t, "# Coverage of DISA STIGs by stigscan's built-in checks\n\n"+section, string(SpliceCoverage(nil, section)))
	doc := "# C\n\n## Other\n\ntext\n"
	once := SpliceCoverage([]byte(doc), section)
	assert.Equal(t, doc+"\n"+section, string(once))
	again := SpliceCoverage([]byte(strings.Replace(string(once), "new", "old", 1)+"## After\n"), section)
	assert.Equal(t, doc+"\n"+section+"## After\n", string(again))
}

func TestTopCommas(t *testing.T) {
	assert.Equal(t, 1, topCommas("COUNT(*) AS n"))
	assert.Equal(t, 3, topCommas("a, CASE WHEN x IN (1, 2) THEN 'a,b' END AS c, d"))
}
