package xccdf_test

import (
	"archive/zip"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/builtin"
	"github.com/stigscan/stigscan/internal/testutil"
	"github.com/stigscan/stigscan/xccdf"
)

func writeZip(t *testing.T, files map[string][]byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "download.zip")
	f, err := os.Create(p)
	require.NoError(t, err)
	zw := zip.NewWriter(f)
	for name, data := range files {
		w, err := zw.Create(name)
		require.NoError(t, err)
		_, err = w.Write(data)
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	require.NoError(t, f.Close())
	return p
}

// DISA publishes SCAP benchmarks as zips holding the data stream; users
// import them as downloaded.
func TestOpenDISASCAPZip(t *testing.T) {
	src := filepath.Join(testutil.SharedContent(t, "disa-scap"), "U_RHEL_9_V2R9_STIG_SCAP_1-3_Benchmark.xml")
	data, err := os.ReadFile(src)
	require.NoError(t, err)
	p := writeZip(t, map[string][]byte{
		"U_RHEL_9_V2R9_STIG_SCAP_1-3_Benchmark.xml": data,
		"readme.txt": []byte("not content"),
	})
	c, err := xccdf.Open(p, xccdf.Options{})
	require.NoError(t, err)
	assert.Equal(t, xccdf.KindDataStream, c.Kind)
	assert.Len(t, c.Benchmark.Rules, 392)
	for _, ref := range c.Benchmark.CheckRefs() {
		_, err := c.CheckContent(ref.Href)
		require.NoError(t, err, ref.Href)
	}
}

// A benchmark zip with its OVAL file beside it in a folder.
func TestOpenZipBenchmarkWithOVALBeside(t *testing.T) {
	x, err := builtin.Read("linux-xccdf.xml")
	require.NoError(t, err)
	o, err := builtin.Read("linux-oval.xml")
	require.NoError(t, err)
	p := writeZip(t, map[string][]byte{"content/linux-xccdf.xml": x, "content/linux-oval.xml": o})
	c, err := xccdf.Open(p, xccdf.Options{})
	require.NoError(t, err)
	assert.Equal(t, xccdf.KindBenchmark, c.Kind)
	cc, err := c.CheckContent("linux-oval.xml")
	require.NoError(t, err)
	assert.Equal(t, "oval_definitions", cc.Root.Local)
}

func TestOpenZipWithoutContent(t *testing.T) {
	p := writeZip(t, map[string][]byte{"a.txt": []byte("x")})
	_, err := xccdf.Open(p, xccdf.Options{})
	require.Error(t, err)
	assert.ErrorIs(t, err, xccdf.ErrNotFound)
	assert.Contains(t, err.Error(), "download.zip")
}
