package xccdf_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stigscan/stigscan/builtin"
	"github.com/stigscan/stigscan/internal/testutil"
	"github.com/stigscan/stigscan/xccdf"
)

// FuzzOpen checks that no input makes the parser panic or hang; seeds are the
// project's own fixtures and built-in content.
func FuzzOpen(f *testing.F) {
	root := testutil.RepoRoot(f)
	seeds, _ := filepath.Glob(filepath.Join(root, "fixtures", "*", "*.xml"))
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	for _, name := range []string{"linux-xccdf.xml", "linux-oval.xml"} {
		if data, err := builtin.Read(name); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := xccdf.OpenBytes(data, "fuzz.xml", nil, xccdf.Options{})
		if err != nil || c.Benchmark == nil {
			return
		}
		for _, p := range c.Benchmark.Profiles {
			_, _ = xccdf.Resolve(c.Benchmark, nil, p.ID)
		}
		for _, r := range c.Benchmark.Rules {
			_ = r.Identity()
			_ = r.Description.Plain()
		}
		for _, ref := range c.Benchmark.CheckRefs() {
			_, _ = c.CheckContent(ref.Href)
		}
	})
}
