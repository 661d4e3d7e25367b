package oval

import (
	"context"
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/local"
)

const ssgDebian11 = "/usr/share/xml/scap/ssg/content/ssg-debian11-oval.xml"

// readOscapDefinitionResults reads definition results from an oval_results
// file written by oscap.
func readOscapDefinitionResults(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	d := xml.NewDecoder(f)
	out := map[string]string{}
	inResults := false
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if se.Name.Space == nsRes && se.Name.Local == "results" {
			inResults = true
		}
		if inResults && se.Name.Space == nsRes && se.Name.Local == "definition" {
			var id, res string
			for _, a := range se.Attr {
				switch a.Name.Local {
				case "definition_id":
					id = a.Value
				case "result":
					res = a.Value
				}
			}
			out[id] = res
		}
	}
	return out
}

// TestCompareWithOscapDebian11 evaluates ComplianceAsCode's Debian 11 OVAL
// on this machine with stigscan and with oscap, and reports per-definition
// agreement and wall time. oscap takes minutes here, so the test runs only
// when STIGSCAN_OSCAP_COMPARE=1; STIGSCAN_OSCAP_RESULTS may name a results
// file oscap already wrote for this machine.
func TestCompareWithOscapDebian11(t *testing.T) {
	if os.Getenv("STIGSCAN_OSCAP_COMPARE") != "1" {
		t.Skip("set STIGSCAN_OSCAP_COMPARE=1 to compare with oscap on this machine (slow: oscap needs minutes)")
	}
	if _, err := os.Stat(ssgDebian11); err != nil {
		t.Skipf("%s is absent (apt-get install ssg-debian): %v", ssgDebian11, err)
	}
	oscapPath := os.Getenv("STIGSCAN_OSCAP_RESULTS")
	var oscapTime time.Duration
	if oscapPath == "" {
		bin, err := exec.LookPath("oscap")
		if err != nil {
			t.Skip("oscap is not installed (apt-get install openscap-scanner)")
		}
		oscapPath = t.TempDir() + "/oscap.xml"
		start := time.Now()
		cmd := exec.Command(bin, "oval", "eval", "--results", oscapPath, ssgDebian11)
		_ = cmd.Run() // oscap exits 2 when some definition is false
		oscapTime = time.Since(start)
	}
	want := readOscapDefinitionResults(t, oscapPath)
	require.NotEmpty(t, want)

	start := time.Now()
	defs, err := ParseFile(ssgDebian11)
	require.NoError(t, err)
	p, err := Prepare(defs, Options{})
	require.NoError(t, err)
	r, err := p.Evaluate(context.Background(), local.New(), nil)
	require.NoError(t, err)
	ours := time.Since(start)

	var diffs []string
	agree := 0
	for id, w := range want {
		d := r.Definition(id)
		got := "missing"
		if d != nil {
			got = d.Result.String()
		}
		if got == w {
			agree++
			continue
		}
		diffs = append(diffs, fmt.Sprintf("%s: oscap %s, stigscan %s", id, w, got))
	}
	slices.Sort(diffs)
	pct := 100 * float64(agree) / float64(len(want))
	t.Logf("agreement: %d/%d definitions (%.2f%%); stigscan %v, oscap %v", agree, len(want), pct, ours.Round(time.Millisecond), oscapTime.Round(time.Millisecond))
	if len(diffs) > 0 {
		t.Logf("differences:\n%s", strings.Join(diffs, "\n"))
	}
	assert.GreaterOrEqual(t, pct, 99.0, "agreement with oscap")
}
