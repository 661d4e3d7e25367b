package cli

import (
	"context"
	"flag"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/builtin"
	"github.com/stigscan/stigscan/collectors/local"
	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/oval/probes/list"
	"github.com/stigscan/stigscan/report/formats"
	"github.com/stigscan/stigscan/report/jsonres"
	"github.com/stigscan/stigscan/xccdf"
)

// leakyHost is an offline root that describes itself with passwords in
// it, as a host whose description were built from a raw target string.
type leakyHost struct{ *local.Host }

const leakyPassword = "Describe-Pw-0W"

func (leakyHost) Describe() string {
	return "postgres://scan:" + leakyPassword + "@db01:5432/app?sslmode=require&password=" + leakyPassword
}

// TestEveryWriterNamesTargetRedacted: every result format (ARF, XCCDF,
// OVAL, CKL, CKLB, JSON, HDF, HTML) names the target from the redacted
// engine.Result.Target, so even a host whose description held a password
// is written without it.
func TestEveryWriterNamesTargetRedacted(t *testing.T) {
	data, err := builtin.Read(builtin.LinuxBenchmark)
	require.NoError(t, err)
	c, err := xccdf.OpenBytes(data, "builtin", builtin.FS(), xccdf.Options{})
	require.NoError(t, err)
	sel, err := xccdf.Resolve(c.Benchmark, nil, "xccdf_io.stigscan_profile_offline")
	require.NoError(t, err)
	b, err := engine.Prepare(context.Background(), c, sel, engine.Options{Probes: list.Standard()})
	require.NoError(t, err)
	root := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(root, "etc"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "etc", "passwd"), []byte("root:x:0:0::/root:/bin/sh\n"), 0o644))
	lh, err := local.NewRoot(root)
	require.NoError(t, err)
	res, err := b.Evaluate(context.Background(), leakyHost{lh})
	require.NoError(t, err)
	assert.Equal(t, "postgres://scan:[redacted]@db01:5432/app?sslmode=require&password=[redacted]", res.Target.String())

	out := t.TempDir()
	var o outputFlags
	o.register(flag.NewFlagSet("scan", flag.ContinueOnError))
	var outs []output
	for _, f := range o.formats {
		outs = append(outs, output{f, filepath.Join(out, "r."+f.Name)})
	}
	files, err := o.write(io.Discard, outs, c, res)
	require.NoError(t, err)
	require.Len(t, files, len(formats.All()), "one file per format (the baseline has one OVAL document)")
	doc, err := o.checklist.document(res, nil)
	require.NoError(t, err)
	require.NoError(t, o.writeCombined(io.Discard, []output{{mustFormat(t, "html"), filepath.Join(out, "fleet.html")}}, []*jsonres.Document{doc}))

	named := 0
	require.NoError(t, filepath.WalkDir(out, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		assert.NotContains(t, string(b), leakyPassword, p)
		if strings.Contains(string(b), "db01:5432") {
			named++
		}
		return nil
	}))
	assert.GreaterOrEqual(t, named, 5, "the formats that name the target name it, redacted")
}

func mustFormat(t *testing.T, name string) *formats.Format {
	t.Helper()
	f, ok := formats.Lookup(name)
	require.True(t, ok, name)
	return f
}
