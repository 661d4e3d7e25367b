package xccdf_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/builtin"
	"github.com/stigscan/stigscan/xccdf"
)

// Content keeps the document it parsed (Data), so writers that copy or
// embed the content need not read it again: a benchmark file, a zip entry,
// built-in content and a data stream, whose XCCDF component is found too.
func TestContentKeepsWhatItRead(t *testing.T) {
	bench, err := builtin.Read(builtin.LinuxBenchmark)
	require.NoError(t, err)
	oval, err := builtin.Read("linux-oval.xml")
	require.NoError(t, err)
	ds, err := os.ReadFile(filepath.Join("..", "fixtures", "content", "linux-ds.xml"))
	require.NoError(t, err)

	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "b.xml"), bench, 0o644))
	zipPath := writeZip(t, map[string][]byte{"content/linux-xccdf.xml": bench, "content/linux-oval.xml": oval})

	tests := []struct {
		name      string
		open      func() (*xccdf.Content, error)
		data      []byte
		entry     string
		benchmark []byte // nil: a component of Data (checked separately)
		component string
	}{
		{name: "benchmark file", open: func() (*xccdf.Content, error) { return xccdf.Open(filepath.Join(dir, "b.xml"), xccdf.Options{}) }, data: bench, benchmark: bench},
		{name: "zip entry", open: func() (*xccdf.Content, error) { return xccdf.Open(zipPath, xccdf.Options{}) }, data: bench, entry: "content/linux-xccdf.xml", benchmark: bench},
		{name: "built-in", open: func() (*xccdf.Content, error) { return builtin.Open(builtin.LinuxBenchmark, xccdf.Options{}) }, data: bench, benchmark: bench},
		{name: "data stream", open: func() (*xccdf.Content, error) {
			return xccdf.Open(filepath.Join("..", "fixtures", "content", "linux-ds.xml"), xccdf.Options{})
		}, data: ds},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := tc.open()
			require.NoError(t, err)
			assert.Equal(t, tc.data, c.Data)
			assert.Equal(t, tc.entry, c.Entry)
			if tc.benchmark != nil {
				assert.Equal(t, tc.benchmark, c.BenchmarkDocument())
				assert.Empty(t, c.BenchmarkComponent())
				return
			}
			require.NotNil(t, c.Checklist)
			id := c.BenchmarkComponent()
			require.NotEmpty(t, id)
			assert.Equal(t, "#"+id, c.Checklist.Href)
			assert.Equal(t, c.Collection.Component(id).Document(), c.BenchmarkDocument())
			// The component document parses to the same benchmark.
			again, err := xccdf.OpenBytes(c.BenchmarkDocument(), "component", nil, xccdf.Options{})
			require.NoError(t, err)
			assert.Equal(t, c.Benchmark.ID, again.Benchmark.ID)
			assert.Len(t, again.Benchmark.Rules, len(c.Benchmark.Rules))
		})
	}
}

// A tailoring file keeps its bytes too, and has no benchmark document.
func TestTailoringKeepsData(t *testing.T) {
	p := filepath.Join("..", "fixtures", "content", "tailoring.xml")
	data, err := os.ReadFile(p)
	require.NoError(t, err)
	c, err := xccdf.Open(p, xccdf.Options{})
	require.NoError(t, err)
	assert.Equal(t, xccdf.KindTailoring, c.Kind)
	assert.Equal(t, data, c.Data)
	assert.Nil(t, c.BenchmarkDocument())
}
