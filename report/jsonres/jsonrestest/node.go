package jsonrestest

import (
	"bytes"
	"encoding/json"
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

// SMEntry is what report/testdata/node/smparse.mjs prints per file: what
// STIG Manager would import from it.
type SMEntry struct {
	File       string `json:"file"`
	Error      string `json:"error"`
	Errors     []string
	Target     map[string]any `json:"target"`
	Checklists []struct {
		BenchmarkID string `json:"benchmarkId"`
		RevisionStr string `json:"revisionStr"`
		Reviews     []struct {
			RuleID       string         `json:"ruleId"`
			Result       string         `json:"result"`
			Detail       *string        `json:"detail"`
			Comment      *string        `json:"comment"`
			ResultEngine map[string]any `json:"resultEngine"`
		} `json:"reviews"`
	} `json:"checklists"`
}

// STIGManager has STIG Manager's client modules parse files (CKL, CKLB or
// XCCDF results), one entry per file in order.
func STIGManager(t *testing.T, files ...string) []SMEntry {
	t.Helper()
	var out []SMEntry
	if err := json.Unmarshal(RunNode(t, "smparse.mjs", files...), &out); err != nil {
		t.Fatalf("smparse.mjs output: %v", err)
	}
	if len(out) != len(files) {
		t.Fatalf("smparse.mjs gave %d entries for %d files", len(out), len(files))
	}
	return out
}
