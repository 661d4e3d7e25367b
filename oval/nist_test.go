package oval_test

import (
	"context"
	"encoding/xml"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/local"
	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/oval/probes/list"
	"github.com/stigscan/stigscan/xccdf"
)

// nistCatalog is the validation harness control file of NIST's SCAP test
// content: which benchmark and profile to run and the expected rule
// results.
type nistCatalog struct {
	Suites []struct {
		Name       string `xml:"suiteName"`
		Datastream string `xml:"datastreamFile"`
		StreamID   string `xml:"datastreamID"`
		Benchmark  string `xml:"benchmarkID"`
		Profile    string `xml:"xccdfProfile"`
		Tailoring  string `xml:"tailoringID"`
		Expected   struct {
			Type    string `xml:"reportType,attr"`
			Results []struct {
				Rule string `xml:"definition,attr"`
				Want string `xml:"expectedResult,attr"`
			} `xml:"result"`
		} `xml:"expectedResults"`
	} `xml:"testSuite"`
}

func nistDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		dir = filepath.Dir(dir)
	}
	p := filepath.Join(dir, "..", "shared", "content", "openscap-tests", "nist")
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared test content %s is absent: %v", p, err)
	}
	return p
}

// openBenchmark opens the data stream checklist whose benchmark has id.
func openBenchmark(t *testing.T, path, id string, opt xccdf.Options) *xccdf.Content {
	t.Helper()
	c, err := xccdf.Open(path, opt)
	require.NoError(t, err)
	if id == "" || (c.Benchmark != nil && c.Benchmark.ID == id) || c.Stream == nil {
		return c
	}
	for _, ref := range c.Stream.Checklists {
		o := opt
		o.ChecklistID = ref.ID
		cc, err := xccdf.Open(path, o)
		require.NoError(t, err)
		if cc.Benchmark != nil && cc.Benchmark.ID == id {
			return cc
		}
	}
	t.Fatalf("no benchmark %s in %s", id, path)
	return nil
}

// TestNISTCatalogs evaluates NIST's SCAP validation content (as OpenSCAP
// ships it) through XCCDF and OVAL and compares rule results with the
// catalogs' expected results. Suites whose checks need the Windows or
// Red Hat systems they were written for are skipped with the reason.
func TestNISTCatalogs(t *testing.T) {
	dir := nistDir(t)
	catalogs, _ := filepath.Glob(filepath.Join(dir, "*", "catalog.xml"))
	require.NotEmpty(t, catalogs)
	skip := map[string]string{
		"R1100": "SCAP 1.0/1.1 Windows and RHEL content: its checks read a Windows registry and RHEL packages",
	}
	for _, cat := range catalogs {
		bundle := filepath.Base(filepath.Dir(cat))
		t.Run(bundle, func(t *testing.T) {
			if why := skip[bundle]; why != "" {
				t.Skip(why)
			}
			data, err := os.ReadFile(cat)
			require.NoError(t, err)
			var c nistCatalog
			require.NoError(t, xml.Unmarshal(data, &c))
			for _, s := range c.Suites {
				t.Run(s.Name, func(t *testing.T) {
					opt := xccdf.Options{DataStreamID: s.StreamID, TailoringID: s.Tailoring}
					content := openBenchmark(t, filepath.Join(filepath.Dir(cat), s.Datastream), s.Benchmark, opt)
					if s.Tailoring != "" {
						require.NotNil(t, content.Tailoring, "tailoring component %s", s.Tailoring)
					}
					sel, err := xccdf.Resolve(content.Benchmark, content.Tailoring, s.Profile)
					require.NoError(t, err)
					b, err := engine.Prepare(context.Background(), content, sel, engine.Options{Probes: list.Standard()})
					require.NoError(t, err)
					h, err := local.NewRoot(t.TempDir())
					require.NoError(t, err)
					res, err := b.Evaluate(context.Background(), h)
					require.NoError(t, err)
					got := map[string]string{}
					for _, rr := range res.Rules {
						got[rr.Rule.ID] = string(rr.Status)
					}
					pass := 0
					for _, want := range s.Expected.Results {
						if assert.Equal(t, want.Want, got[want.Rule], "rule %s", want.Rule) {
							pass++
						}
					}
					t.Logf("%d/%d rule results as expected", pass, len(s.Expected.Results))
				})
			}
		})
	}
}
