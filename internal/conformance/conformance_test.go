package conformance_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/internal/conformance"
	"github.com/stigscan/stigscan/internal/testutil"
	"github.com/stigscan/stigscan/xccdf"
)

// TestDebian11 compares stigscan with oscap on a Debian 11 root built by
// debootstrap (scripts/conformance.sh builds it and sets
// STIGSCAN_CONFORMANCE_ROOT). Every difference is printed; the test fails
// below 99% agreement.
func TestDebian11(t *testing.T) {
	root := os.Getenv("STIGSCAN_CONFORMANCE_ROOT")
	if root == "" {
		t.Skip("STIGSCAN_CONFORMANCE_ROOT is not set: run `make conformance`, which builds a Debian 11 root with debootstrap")
	}
	if _, err := exec.LookPath("oscap"); err != nil {
		t.Skip("oscap is not installed (openscap-scanner)")
	}
	const content = "/usr/share/xml/scap/ssg/content"
	ovalFile := filepath.Join(content, "ssg-debian11-oval.xml")
	ds := filepath.Join(content, "ssg-debian11-ds.xml")
	if _, err := os.Stat(ds); err != nil {
		t.Skip("ssg-debian is not installed")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	work := t.TempDir()
	var report strings.Builder
	docPath := filepath.Join(testutil.RepoRoot(t), "docs", "conformance.md")
	doc, err := os.ReadFile(docPath)
	require.NoError(t, err)
	documented := conformance.Documented(doc)
	seen := map[conformance.Diff]bool{}
	// Every difference must be explained in docs/conformance.md.
	explained := func(diffs []conformance.Diff) {
		for _, d := range diffs {
			seen[d] = true
			assert.Contains(t, documented, d, "difference not explained in docs/conformance.md: | %s | %s | %s |", d.ID, d.Oscap, d.Ours)
		}
	}

	theirs, err := conformance.OscapOVAL(ctx, root, ovalFile, work)
	require.NoError(t, err)
	ours, err := conformance.OursOVAL(ctx, root, ovalFile)
	require.NoError(t, err)
	diffs, agree := conformance.Compare(theirs, ours)
	fmt.Fprintf(&report, "## OVAL: %s\n\n%d definitions, %.2f%% agree\n\n", filepath.Base(ovalFile), len(theirs), 100*agree)
	writeDiffs(&report, diffs)
	explained(diffs)
	assert.GreaterOrEqual(t, agree, 0.99, "OVAL agreement")

	c, err := xccdf.Open(ds, xccdf.Options{})
	require.NoError(t, err)
	for _, p := range c.Benchmark.Profiles {
		theirs, err := conformance.OscapXCCDF(ctx, root, ds, p.ID, work)
		require.NoError(t, err)
		ours, err := conformance.OursXCCDF(ctx, root, ds, p.ID)
		require.NoError(t, err)
		diffs, agree := conformance.Compare(theirs, ours)
		fmt.Fprintf(&report, "## XCCDF: %s, %s\n\n%d rules, %.2f%% agree\n\n", filepath.Base(ds), p.ID, len(theirs), 100*agree)
		writeDiffs(&report, diffs)
		explained(diffs)
		assert.GreaterOrEqual(t, agree, 0.99, "XCCDF agreement for %s", p.ID)
	}
	// The plain XCCDF file with its CPE dictionary given separately (oscap's
	// --cpe, stigscan's --cpe): platform applicability through the
	// dictionary's own OVAL file.
	plain := filepath.Join(content, "ssg-debian11-xccdf.xml")
	dict := filepath.Join(content, "ssg-debian11-cpe-dictionary.xml")
	const standard = "xccdf_org.ssgproject.content_profile_standard"
	theirsPlain, err := conformance.OscapXCCDF(ctx, root, plain, standard, work, dict)
	require.NoError(t, err)
	oursPlain, err := conformance.OursXCCDF(ctx, root, plain, standard, dict)
	require.NoError(t, err)
	diffs, agree = conformance.Compare(theirsPlain, oursPlain)
	fmt.Fprintf(&report, "## XCCDF: %s with --cpe %s, %s\n\n%d rules, %.2f%% agree\n\n", filepath.Base(plain), filepath.Base(dict), standard, len(theirsPlain), 100*agree)
	writeDiffs(&report, diffs)
	explained(diffs)
	assert.GreaterOrEqual(t, agree, 0.99, "XCCDF agreement with a separate CPE dictionary")

	for d := range documented {
		if !seen[d] {
			t.Logf("docs/conformance.md explains a difference this run did not show (another oscap version?): %s %s/%s", d.ID, d.Oscap, d.Ours)
		}
	}
	t.Log("\n" + report.String())
	if out := os.Getenv("STIGSCAN_CONFORMANCE_REPORT"); out != "" {
		require.NoError(t, os.WriteFile(out, []byte(report.String()), 0o644))
	}
}

func writeDiffs(b *strings.Builder, diffs []conformance.Diff) {
	if len(diffs) == 0 {
		b.WriteString("No differences.\n\n")
		return
	}
	b.WriteString("| id | oscap | stigscan |\n|---|---|---|\n")
	for _, d := range diffs {
		fmt.Fprintf(b, "| %s | %s | %s |\n", d.ID, d.Oscap, d.Ours)
	}
	b.WriteString("\n")
}

func TestDocumented(t *testing.T) {
	md := "# x\n\n| id | oscap | stigscan | cause |\n|---|---|---|---|\n" +
		"| `oval:a:def:1` | false | true | oscap's probe fails offline |\n" +
		"| oval:a:def:2 | true | error | |\n" +
		"| not | a | row |\n"
	assert.Equal(t, map[conformance.Diff]string{
		{ID: "oval:a:def:1", Oscap: "false", Ours: "true"}: "oscap's probe fails offline",
	}, conformance.Documented([]byte(md)))
}

func TestCompare(t *testing.T) {
	diffs, agree := conformance.Compare(
		conformance.Results{"a": "true", "b": "false", "c": "error"},
		conformance.Results{"a": "true", "b": "true", "d": "false"},
	)
	assert.Equal(t, []conformance.Diff{{ID: "b", Oscap: "false", Ours: "true"}, {ID: "c", Oscap: "error"}, {ID: "d", Ours: "false"}}, diffs)
	assert.InDelta(t, 0.25, agree, 1e-9)
}
