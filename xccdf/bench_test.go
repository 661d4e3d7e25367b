package xccdf_test

import (
	"path/filepath"
	"testing"

	"github.com/stigscan/stigscan/internal/testutil"
	"github.com/stigscan/stigscan/xccdf"
)

// BenchmarkOpenResolveUbuntu2204 loads the 11 MB ComplianceAsCode data
// stream and resolves every profile: the work of `stigscan info`.
func BenchmarkOpenResolveUbuntu2204(b *testing.B) {
	f := filepath.Join(testutil.SSGContent(b), "ssg-ubuntu2204-ds.xml")
	b.ReportAllocs()
	for b.Loop() {
		c, err := xccdf.Open(f, xccdf.Options{})
		if err != nil {
			b.Fatal(err)
		}
		for _, p := range c.Benchmark.Profiles {
			if _, err := xccdf.Resolve(c.Benchmark, nil, p.ID); err != nil {
				b.Fatal(err)
			}
		}
	}
}
