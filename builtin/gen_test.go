package builtin

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/builtin/internal/checkgen"
)

// TestGeneratedFilesAreCurrent fails when a checked-in benchmark, its OVAL
// or a generated section of docs/coverage.md differs from what builtin/gen
// writes from builtin/checks and builtin/stigs: edit the YAML and run
// "go generate ./builtin".
func TestGeneratedFilesAreCurrent(t *testing.T) {
	src, err := checkgen.Load(".")
	require.NoError(t, err)
	require.NotEmpty(t, src.Releases)
	cov, err := os.ReadFile(filepath.Join("..", "docs", "coverage.md"))
	require.NoError(t, err)
	var covered []*checkgen.Release
	var outs []*checkgen.Output
	for _, r := range src.Releases {
		t.Run(r.Name, func(t *testing.T) {
			out, err := src.Generate(r)
			require.NoError(t, err)
			if r.Coverage != nil {
				covered, outs = append(covered, r), append(outs, out)
			}
			for name, want := range map[string][]byte{r.XCCDFFile: out.XCCDF, r.OVALFile: out.OVAL} {
				got, err := Read(name)
				require.NoError(t, err, "%s is generated but not embedded", name)
				assert.True(t, string(got) == string(want), "%s is out of date: run go generate ./builtin", name)
			}
			if r.Coverage != nil {
				assert.Contains(t, string(cov), out.Coverage, "the %s section of docs/coverage.md is out of date: run go generate ./builtin", r.Name)
			}
		})
	}
	if len(outs) == len(covered) && !t.Failed() {
		assert.Contains(t, string(cov), checkgen.Summary(covered, outs), "the summary of docs/coverage.md is out of date: run go generate ./builtin")
	}
}

// TestReleasesMatchSource: the exported table says what the source says,
// and every release in the source is exported.
func TestReleasesMatchSource(t *testing.T) {
	src, err := checkgen.Load(".")
	require.NoError(t, err)
	var names []string
	for _, r := range src.Releases {
		names = append(names, r.Name)
		got, ok := ReleaseOf(r.Name)
		require.True(t, ok, r.Name)
		assert.Equal(t, Release{Name: r.Name, Target: r.Target, Product: r.Product, Release: r.Release, Benchmark: r.XCCDFFile, OVAL: r.OVALFile}, got)
		f, ok := STIG(r.Name)
		assert.True(t, ok)
		assert.Equal(t, r.XCCDFFile, f)
	}
	assert.Equal(t, names, STIGNames())
}
