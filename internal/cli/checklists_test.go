package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/internal/testutil"
	"github.com/stigscan/stigscan/report/ckl"
	"github.com/stigscan/stigscan/report/formats"
)

// One scan writes every checklist and report format, and a previous
// checklist's manual reviews are carried into the new one.
func TestScanWritesChecklists(t *testing.T) {
	dir := t.TempDir()
	schema := filepath.Join(testutil.SharedContent(t, "checklists"), "U_Checklist_Schema_V2.xsd")
	t.Chdir(dir)
	out, _, err := run(t, "scan", "--profile", "baseline", "--quiet",
		"--ckl", "a.ckl", "--cklb", "a.cklb", "--json", "a.json", "--hdf", "a.hdf", "--html", "a.html")
	require.NoError(t, err)
	for _, f := range []string{"a.ckl", "a.cklb", "a.json", "a.hdf", "a.html"} {
		st, err := os.Stat(filepath.Join(dir, f))
		require.NoError(t, err, f)
		assert.Positive(t, st.Size(), f)
		assert.Contains(t, out, f)
	}
	_, err = os.Stat(filepath.Join(dir, "stigscan-arf.xml"))
	assert.True(t, os.IsNotExist(err), "output flags were given, so no default ARF")
	f, err := os.Open(filepath.Join(dir, "a.ckl"))
	require.NoError(t, err)
	defer f.Close()
	c, err := ckl.Read(f)
	require.NoError(t, err)
	require.Len(t, c.STIGs, 1)
	assert.Len(t, c.STIGs[0].Vulns, 8)
	if _, err := exec.LookPath("xmllint"); err == nil {
		b, err := exec.Command("xmllint", "--noout", "--schema", schema, filepath.Join(dir, "a.ckl")).CombinedOutput()
		assert.NoError(t, err, string(b))
	}

	// Carry forward from the checklist just written: nothing undecided
	// here, so nothing is carried, and the run says so.
	out, _, err = run(t, "scan", "--profile", "baseline", "--quiet", "--previous", "a.ckl", "--ckl", "b.ckl")
	require.NoError(t, err)
	assert.Contains(t, out, "carried 0 reviews from a.ckl")
}

func TestFleetWritesChecklistsAndOneReport(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	root := filepath.Join(dir, "root")
	require.NoError(t, os.MkdirAll(filepath.Join(root, "etc"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "etc", "passwd"), []byte("root:x:0:0::/root:/bin/sh\n"), 0o644))
	inv := "local:" + root + " name=img1\nlocal:" + root + " name=img2\n"
	require.NoError(t, os.WriteFile("hosts.txt", []byte(inv), 0o644))
	args := []string{"scan", "--profile", "offline", "--targets", "hosts.txt", "--out", "res", "--html", "fleet.html", "--progress", "none"}
	var want []string
	for _, f := range formats.All() {
		if f.FleetFile == "" {
			continue
		}
		if !f.FleetAlways {
			args = append(args, "--"+f.Flag, "yes")
		}
		want = append(want, filepath.Join("res", f.FleetName("img1")), filepath.Join("res", f.FleetName("img2")))
	}
	out, _, err := run(t, args...)
	require.NoError(t, err)
	assert.Contains(t, out, "HTML report: fleet.html")
	assert.Subset(t, want, []string{"res/img1.ckl", "res/img2.ckl", "res/img1-arf.xml"})
	for _, f := range append(want, "fleet.html") {
		_, err := os.Stat(f)
		assert.NoError(t, err, f)
	}
	_, err = os.Stat("yes")
	assert.True(t, os.IsNotExist(err), "in fleet mode a per-target flag's FILE is not written")
	page, err := os.ReadFile("fleet.html")
	require.NoError(t, err)
	assert.Contains(t, string(page), "<title>stigscan report: 2 targets</title>", "both targets are in the one report")
}
