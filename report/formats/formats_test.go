package formats_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/builtin"
	"github.com/stigscan/stigscan/collectors/local"
	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/report/formats"
	"github.com/stigscan/stigscan/report/jsonres"
	"github.com/stigscan/stigscan/xccdf"
)

// The registry's entries are consistent: names and flags unique, one
// default format, fleet names with one %s, and help that says what the
// flag means with several targets.
func TestRegistry(t *testing.T) {
	names, flags := map[string]bool{}, map[string]bool{}
	defaults := 0
	for _, f := range formats.All() {
		t.Run(f.Name, func(t *testing.T) {
			got, ok := formats.Lookup(f.Name)
			require.True(t, ok)
			assert.Equal(t, f.Flag, got.Flag)
			assert.False(t, names[f.Name], "name given twice")
			assert.False(t, flags[f.Flag], "flag given twice")
			names[f.Name], flags[f.Flag] = true, true
			assert.NotEmpty(t, f.Usage)
			assert.NotEmpty(t, f.Label)
			assert.NotNil(t, f.Write)
			if f.DefaultFile != "" {
				defaults++
				assert.Contains(t, f.Help(), f.DefaultFile)
			}
			if f.FleetFile != "" {
				assert.Equal(t, 1, strings.Count(f.FleetFile, "%s"), f.FleetFile)
				assert.Equal(t, strings.Replace(f.FleetFile, "%s", "web01", 1), f.FleetName("web01"))
				assert.Contains(t, f.Help(), f.FleetName("NAME"))
			}
			assert.False(t, f.Combined && f.FleetFile != "", "a combined format has no per-target file")
			assert.False(t, f.SingleOnly && !f.FleetAlways && f.FleetFile != "", "a single-file format's fleet file would never be written")
			assert.Contains(t, f.Help(), f.Usage)
		})
	}
	assert.Equal(t, 1, defaults, "one format is written when no output flag is given")
	_, ok := formats.Lookup("pdf")
	assert.False(t, ok)
}

// scan evaluates the built-in baseline on an offline root at a fixed time.
func scan(t *testing.T) (*xccdf.Content, *engine.Result) {
	t.Helper()
	c, err := builtin.Open(builtin.LinuxBenchmark, xccdf.Options{})
	require.NoError(t, err)
	sel, err := xccdf.Resolve(c.Benchmark, nil, "xccdf_io.stigscan_profile_offline")
	require.NoError(t, err)
	fixed := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	b, err := engine.Prepare(context.Background(), c, sel, engine.Options{Now: func() time.Time { return fixed }})
	require.NoError(t, err)
	root := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(root, "etc"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "etc", "passwd"), []byte("root:x:0:0::/root:/bin/sh\n"), 0o644))
	h, err := local.NewRoot(root)
	require.NoError(t, err)
	res, err := b.Evaluate(context.Background(), h)
	require.NoError(t, err)
	return c, res
}

// memory is a Files.Create that keeps the files in memory.
type memory map[string]*bytes.Buffer

func (m memory) create(name string) (io.WriteCloser, error) {
	b := &bytes.Buffer{}
	m[name] = b
	return nopCloser{b}, nil
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// Every format writes through the one signature, each file labelled.
func TestEveryFormatWrites(t *testing.T) {
	c, res := scan(t)
	doc := jsonres.FromResult(res, jsonres.Options{Version: "1.2.3"})
	for _, f := range formats.All() {
		t.Run(f.Name, func(t *testing.T) {
			mem := memory{}
			in := &formats.Input{Result: res, Content: c, Documents: []*jsonres.Document{doc}, Options: formats.Options{Version: "1.2.3"}}
			if f.Combined {
				in = &formats.Input{Documents: []*jsonres.Document{doc, doc}, Options: in.Options}
			}
			got, err := f.Run(&formats.Files{Create: mem.create}, "out/r."+f.Name, in)
			require.NoError(t, err)
			require.Len(t, got, 1, "the baseline has one OVAL document")
			assert.Equal(t, f.Label, got[0].Label)
			assert.Equal(t, "out/r."+f.Name, got[0].Name)
			require.Contains(t, mem, got[0].Name)
			body := mem[got[0].Name].String()
			assert.NotEmpty(t, body)
			if f.Name != "cklb" { // CKLB has no field for the generator
				assert.True(t, strings.Contains(body, "1.2.3"), "the version reaches the document")
			}
		})
	}
}

// The ARF embeds the content as read, and the XCCDF results copy the
// benchmark as read: the Content's Data, not a second read of the file.
func TestContentAsReadIsCopied(t *testing.T) {
	c, res := scan(t)
	mem := memory{}
	files := &formats.Files{Create: mem.create}
	arfFmt, _ := formats.Lookup("arf")
	xccdfFmt, _ := formats.Lookup("xccdf")
	in := &formats.Input{Result: res, Content: c, Options: formats.Options{EmbedContent: true}}
	_, err := arfFmt.Run(files, "a.xml", in)
	require.NoError(t, err)
	_, err = xccdfFmt.Run(files, "x.xml", in)
	require.NoError(t, err)
	assert.Equal(t, []string{"a.xml", "x.xml"}, files.Names())
	// The benchmark as written (its start tag and first elements, which the
	// model would write with other prefixes and order).
	i := bytes.Index(c.Data, []byte("<Benchmark"))
	require.Positive(t, i)
	head := c.Data[i : i+200]
	assert.True(t, bytes.Contains(mem["a.xml"].Bytes(), head), "the ARF embeds the benchmark as read")
	assert.True(t, bytes.Contains(mem["x.xml"].Bytes(), head), "the XCCDF results copy the benchmark as read")
}

func TestOVALWithoutDocumentsIsANote(t *testing.T) {
	f, _ := formats.Lookup("oval")
	got, err := f.Run(&formats.Files{Create: memory{}.create}, "o.xml", &formats.Input{Result: &engine.Result{Benchmark: &xccdf.Benchmark{ID: "x"}}})
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, "OVAL results: none (no OVAL document was evaluated)", got[0].String())
}

func TestOVALResultsName(t *testing.T) {
	tests := []struct {
		name, file, href string
		i                int
		want             string
	}{
		{name: "first keeps FILE", file: "out/oval.xml", href: "ssg-debian11-oval.xml", i: 0, want: "out/oval.xml"},
		{name: "others get the document name", file: "out/oval.xml", href: "ssg-debian11-cpe-oval.xml", i: 1, want: filepath.Join("out", "ssg-debian11-cpe-oval-oval.xml")},
		{name: "href with folders", file: "r.xml", href: "checks/U_RHEL_9_V2R9-oval.xml", i: 2, want: "U_RHEL_9_V2R9-oval-r.xml"},
		{name: "component reference", file: "r.xml", href: "#scap_comp_oval", i: 1, want: "_scap_comp_oval-r.xml"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, formats.OVALResultsName(tc.file, &engine.OVALReport{Href: tc.href}, tc.i))
		})
	}
}

// A file that cannot be created is an error naming it, and nothing is
// recorded as written.
func TestCreateError(t *testing.T) {
	f, _ := formats.Lookup("json")
	files := &formats.Files{}
	_, res := scan(t)
	doc := jsonres.FromResult(res, jsonres.Options{})
	_, err := f.Run(files, filepath.Join(t.TempDir(), "missing", "r.json"), &formats.Input{Result: res, Documents: []*jsonres.Document{doc}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "r.json")
	assert.Empty(t, files.Names())
}
