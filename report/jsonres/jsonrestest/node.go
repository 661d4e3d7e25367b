package jsonrestest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stigscan/stigscan/internal/testutil"
)

// NodeHarness returns report/testdata/node, where the real clients the
// writers are tested against are installed (STIG Manager's client modules,
// MITRE's hdf-converters), or skips saying how to install them.
func NodeHarness(t testing.TB) string {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is absent: install Debian's nodejs and npm, then run npm ci in report/testdata/node")
	}
	dir := filepath.Join(testutil.RepoRoot(t), "report", "testdata", "node")
	for _, m := range []string{"@nuwcdivnpt/stig-manager-client-modules", "@mitre/hdf-converters", "ajv", "ws"} {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", m)); err != nil {
			t.Skipf("node module %s is absent: run npm ci in %s", m, dir)
		}
	}
	return dir
}

// RunNode runs a script of the harness with node and returns its standard
// output; the test fails with the script's standard error if it fails.
func RunNode(t testing.TB, script string, args ...string) []byte {
	t.Helper()
	dir := NodeHarness(t)
	cmd := exec.Command("node", append([]string{filepath.Join(dir, script)}, args...)...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("node %s: %v\n%s", script, err, stderr.String())
	}
	return stdout.Bytes()
}
