package attack_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/internal/attack"
	"github.com/stigscan/stigscan/internal/testutil"
)

// The bounds every hostile scan must stay within. They are generous on
// purpose (a busy two-core CI box): they tell a bounded scan from one that
// reads a gigabyte or builds millions of items, not a fast one from a slow
// one.
const (
	maxPeakRSS = 512 << 20
	maxWall    = 2 * time.Minute
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// stigscan builds the CLI once for the package's tests.
func stigscan(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "stigscan-attack-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "stigscan")
		cmd := exec.Command("go", "build", "-o", binPath, "./cmd/stigscan")
		cmd.Dir = testutil.RepoRoot(t)
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	require.NoError(t, buildErr)
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

type ruleResult struct {
	ID       string `json:"id"`
	Status   string `json:"status"`
	Messages []struct {
		Text string `json:"text"`
	} `json:"messages"`
}

func (r ruleResult) text() string {
	var b strings.Builder
	for _, m := range r.Messages {
		b.WriteString(m.Text + "\n")
	}
	return b.String()
}

type scanResult struct {
	rules  map[string]ruleResult // by rule name
	peak   int64                 // peak RSS of the scanner, bytes
	took   time.Duration
	stderr string
}

// scan runs stigscan scan on the offline root with the benchmark at xf and
// returns the rules' results from its JSON output, with the child's peak
// resident memory and wall time.
func scan(t *testing.T, xf, root string, extra ...string) scanResult {
	t.Helper()
	work := t.TempDir()
	out := filepath.Join(work, "out.json")
	args := append([]string{"scan", "--benchmark", xf, "--profile", attack.Profile, "--target", "local:" + root, "--quiet", "--json", out, "--arf", filepath.Join(work, "arf.xml")}, extra...)
	cmd := exec.Command(stigscan(t), args...)
	cmd.Dir = work
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	t0 := time.Now()
	err := cmd.Run()
	took := time.Since(t0)
	if cmd.ProcessState == nil {
		require.NoError(t, err)
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	require.True(t, ok)
	var ee *exec.ExitError
	if err != nil && !(errorsAs(err, &ee) && ee.ExitCode() == 1) {
		t.Fatalf("stigscan: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	data, rerr := os.ReadFile(out)
	require.NoError(t, rerr, "stigscan wrote no results (exit %v); stderr:\n%s", err, stderr.String())
	var doc struct {
		Rules []ruleResult `json:"rules"`
	}
	require.NoError(t, json.Unmarshal(data, &doc))
	res := scanResult{rules: map[string]ruleResult{}, peak: ru.Maxrss * 1024, took: took, stderr: stderr.String()}
	for _, r := range doc.Rules {
		res.rules[strings.TrimPrefix(r.ID, attack.RuleID(""))] = r
	}
	return res
}

func errorsAs(err error, target **exec.ExitError) bool {
	e, ok := err.(*exec.ExitError)
	if ok {
		*target = e
	}
	return ok
}

// writeRoot makes an offline root with /etc/ok holding "good=1".
func writeRoot(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(root, "etc"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "etc", "ok"), []byte("good=1\n"), 0o644))
	return root
}

// writeLines writes n copies of line to path without holding them all.
func writeLines(t *testing.T, path, line string, n int) {
	t.Helper()
	f, err := os.Create(path)
	require.NoError(t, err)
	block := strings.Repeat(line+"\n", 4096)
	for i := 0; i < n/4096; i++ {
		_, err = f.WriteString(block)
		require.NoError(t, err)
	}
	_, err = f.WriteString(strings.Repeat(line+"\n", n%4096))
	require.NoError(t, err)
	require.NoError(t, f.Close())
}

// TestHostileFiles scans an offline root, once per attack, with the attack
// rule and a rule that must still pass; each scan ends within the memory
// and time bounds with an error naming the cap.
func TestHostileFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the CLI")
	}
	okRule := attack.LinesRule("ok", 1, "/etc/ok", "^good=(\\d+)$", "")
	tests := []struct {
		name   string
		setup  func(t *testing.T, root string)
		rule   attack.Rule
		extra  []string
		status string
		msg    string
	}{
		{
			name: "1 GB sparse file",
			setup: func(t *testing.T, root string) {
				f, err := os.Create(filepath.Join(root, "etc", "sparse"))
				require.NoError(t, err)
				require.NoError(t, f.Truncate(1<<30))
				require.NoError(t, f.Close())
			},
			rule:   attack.LinesRule("attack", 2, "/etc/sparse", "^x", ""),
			status: "error",
			msg:    "/etc/sparse: file is larger than the read cap of 67108864 bytes",
		},
		{
			name: "1 GB sparse file under a smaller --max-file-bytes",
			setup: func(t *testing.T, root string) {
				f, err := os.Create(filepath.Join(root, "etc", "sparse"))
				require.NoError(t, err)
				require.NoError(t, f.Truncate(1<<30))
				require.NoError(t, f.Close())
			},
			rule:   attack.LinesRule("attack", 2, "/etc/sparse", "^x", ""),
			extra:  []string{"--max-file-bytes", "1048576"},
			status: "error",
			msg:    "/etc/sparse: file is larger than the read cap of 1048576 bytes",
		},
		{
			name: "three million matching lines",
			setup: func(t *testing.T, root string) {
				writeLines(t, filepath.Join(root, "etc", "lines"), "key=value", 3_000_000)
			},
			rule:   attack.LinesRule("attack", 2, "/etc/lines", "^key=(.*)$", ""),
			status: "error",
			msg:    "more than 100000 items",
		},
		{
			name: "three million matching lines, deprecated line probe",
			setup: func(t *testing.T, root string) {
				writeLines(t, filepath.Join(root, "etc", "lines"), "key=value", 3_000_000)
			},
			rule:   lineRule("attack", 2, "/etc", "lines", "^key="),
			status: "error",
			msg:    "more than 100000 items",
		},
		{
			name: "a 60 MB file under the cap is read",
			setup: func(t *testing.T, root string) {
				p := filepath.Join(root, "etc", "big")
				writeLines(t, p, strings.Repeat("y", 99), 600_000)
				f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
				require.NoError(t, err)
				_, err = f.WriteString("needle=1\n")
				require.NoError(t, err)
				require.NoError(t, f.Close())
			},
			rule:   attack.LinesRule("attack", 2, "/etc/big", "^needle=(\\d)$", ""),
			status: "pass",
		},
		{
			name: "backtracking pattern over many items",
			setup: func(t *testing.T, root string) {
				writeLines(t, filepath.Join(root, "etc", "evil"), strings.Repeat("a", 40)+"!", 200)
			},
			// The lookahead keeps the pattern off RE2, onto the
			// backtracking engine, where (a+)+ on a's and a "!" is
			// exponential: each of the 200 items would take the 5 s
			// match timeout.
			rule:   attack.LinesRule("attack", 2, "/etc/evil", "^(.*)$", `<ind:subexpression operation="pattern match">^(?=a)(a+)+$</ind:subexpression>`),
			status: "error",
			msg:    "regular expression time budget of 15s for the object is spent",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := writeRoot(t)
			tc.setup(t, root)
			xf, err := attack.WriteContent(t.TempDir(), []attack.Rule{okRule, tc.rule}, nil)
			require.NoError(t, err)
			res := scan(t, xf, root, tc.extra...)
			t.Logf("%s: peak RSS %.1f MiB, wall %v", tc.name, float64(res.peak)/(1<<20), res.took.Round(time.Millisecond))
			assert.Less(t, res.peak, int64(maxPeakRSS), "peak RSS")
			assert.Less(t, res.took, maxWall, "wall time")
			assert.Equal(t, "pass", res.rules["ok"].Status, "the other rule of the scan")
			got := res.rules["attack"]
			assert.Equal(t, tc.status, got.Status, got.text())
			if tc.msg != "" {
				assert.Contains(t, got.text(), tc.msg)
			}
			assert.Less(t, len(got.text()), 64<<10, "messages are bounded")
			assert.NotContains(t, got.text(), strings.Repeat("a", 201), "no message quotes the input whole")
		})
	}
}

// lineRule is a deprecated textfilecontent rule: some line of dir/name
// matches pattern.
func lineRule(name string, n int, dir, file, pattern string) attack.Rule {
	return attack.Rule{
		Name:   name,
		TestID: fmt.Sprintf("oval:t:tst:%d", n),
		Test:   fmt.Sprintf(`<ind:textfilecontent_test id="oval:t:tst:%d" version="1" check="all" check_existence="at_least_one_exists"><ind:object object_ref="oval:t:obj:%d"/></ind:textfilecontent_test>`, n, n),
		Object: fmt.Sprintf(`<ind:textfilecontent_object id="oval:t:obj:%d" version="1"><ind:path>%s</ind:path><ind:filename>%s</ind:filename><ind:line operation="pattern match">%s</ind:line></ind:textfilecontent_object>`, n, dir, file, pattern),
	}
}

// TestNaNValueThroughTailoring: the CLI scan with a tailoring file that
// sets a number Value to NaN writes results, the rule using it an error
// naming the variable and the value.
func TestNaNValueThroughTailoring(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the CLI")
	}
	root := writeRoot(t)
	dir := t.TempDir()
	uses := attack.LinesRule("uses", 2, "/etc/ok", `^good=(\d+)$`, `<ind:subexpression datatype="int" operation="less than or equal" var_ref="oval:t:var:n"/>`)
	uses.Export = "n"
	xf, err := attack.WriteContent(dir, []attack.Rule{attack.LinesRule("ok", 1, "/etc/ok", `^good=(\d+)$`, ""), uses}, []attack.Value{{Name: "n", Type: "number", Default: "5"}})
	require.NoError(t, err)
	tf, profile, err := attack.WriteTailoring(dir, map[string]string{"n": "NaN"})
	require.NoError(t, err)
	work := t.TempDir()
	out := filepath.Join(work, "out.json")
	cmd := exec.Command(stigscan(t), "scan", "--benchmark", xf, "--tailoring-file", tf, "--profile", profile, "--target", "local:"+root, "--quiet", "--json", out, "--arf", filepath.Join(work, "arf.xml"))
	cmd.Dir = work
	msg, _ := cmd.CombinedOutput()
	data, err := os.ReadFile(out)
	require.NoError(t, err, "%s", msg)
	var doc struct {
		Rules []ruleResult `json:"rules"`
	}
	require.NoError(t, json.Unmarshal(data, &doc))
	got := map[string]ruleResult{}
	for _, r := range doc.Rules {
		got[strings.TrimPrefix(r.ID, attack.RuleID(""))] = r
	}
	assert.Equal(t, "pass", got["ok"].Status)
	assert.Equal(t, "error", got["uses"].Status)
	assert.Contains(t, got["uses"].text(), `variable oval:t:var:n: value "NaN" is not an int`)
}
