package arf_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/antchfx/xmlquery"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/local"
	"github.com/stigscan/stigscan/collectors/secret"
	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/internal/testutil"
	"github.com/stigscan/stigscan/oval"
	"github.com/stigscan/stigscan/oval/probes/list"
	"github.com/stigscan/stigscan/report"
	"github.com/stigscan/stigscan/report/arf"
	"github.com/stigscan/stigscan/report/xccdfres"
	"github.com/stigscan/stigscan/xccdf"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// The content is the results writer fixture of the xccdfres package.
const contentDir = "../xccdfres/testdata/content"

type factsHost struct {
	host.Host
	facts host.Facts
}

func (h factsHost) Facts(context.Context) (host.Facts, error) { return h.facts, nil }

func wordsRoot(t *testing.T) host.Host {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "etc"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "etc", "words"), []byte("alpha\nbeta\n"), 0o644))
	h, err := local.NewRoot(dir)
	require.NoError(t, err)
	return factsHost{Host: h, facts: host.Facts{
		Hostname: "web-01",
		FQDN:     "web-01.example.org",
		IPv4:     []string{"192.0.2.10", "10.0.0.5"},
		IPv6:     []string{"2001:db8::10", "fe80::1%eth0"},
		MACs:     []string{"52:54:00:12:34:56", "80:00:02:08:fe:80:00:00:00:00:00:00:00:00:00:00:00:00:00:01"},
		OS:       "Debian GNU/Linux 12 (bookworm)",
	}}
}

type arfCase struct {
	name    string
	file    string
	profile string
	embed   bool
}

func cases(t *testing.T) []arfCase {
	root := testutil.RepoRoot(t)
	return []arfCase{
		{name: "benchmark-referenced", file: filepath.Join(contentDir, "results-xccdf.xml"), profile: "MAC-1_Classified"},
		{name: "benchmark-embedded", file: filepath.Join(contentDir, "results-xccdf.xml"), profile: "MAC-1_Classified", embed: true},
		{name: "datastream-referenced", file: filepath.Join(contentDir, "results-ds.xml"), profile: "MAC-1_Classified"},
		{name: "datastream-embedded", file: filepath.Join(contentDir, "results-ds.xml"), profile: "MAC-1_Classified", embed: true},
		{name: "xccdf11-embedded", file: filepath.Join(root, "fixtures/content/tiny-xccdf11.xml"), profile: "MAC-1_Classified", embed: true},
	}
}

// scan evaluates a case on the fixed root with a clock that never moves,
// and returns the result with the writer the CLI would build for it.
func scan(t *testing.T, tc arfCase) (*engine.Result, arf.Writer) {
	t.Helper()
	c, err := xccdf.Open(tc.file, xccdf.Options{})
	require.NoError(t, err)
	sel, err := xccdf.Resolve(c.Benchmark, nil, tc.profile)
	require.NoError(t, err)
	fixed := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	b, err := engine.Prepare(context.Background(), c, sel, engine.Options{Probes: list.Standard(), Now: func() time.Time { return fixed }})
	require.NoError(t, err)
	res, err := b.Evaluate(context.Background(), wordsRoot(t))
	require.NoError(t, err)
	res.Source = filepath.Base(tc.file)
	res.Target = secret.RedactTarget("local:/srv/image")
	doc, err := os.ReadFile(tc.file)
	require.NoError(t, err)
	w := arf.Writer{
		XCCDF:        xccdfres.Options{Version: "0.1.0", Identity: xccdfres.Identity{Name: "auditor"}},
		OVAL:         oval.WriteOptions{ProductVersion: "0.1.0"},
		EmbedContent: tc.embed,
		Document:     doc,
	}
	if c.Checklist != nil {
		w.Component = strings.TrimPrefix(c.Checklist.Href, "#")
	}
	return res, w
}

func write(t *testing.T, w report.Writer, r *engine.Result) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, w.Write(&buf, r))
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	for _, tc := range cases(t) {
		t.Run(tc.name, func(t *testing.T) {
			r, w := scan(t, tc)
			got := write(t, w, r)
			golden := filepath.Join("testdata", "golden", tc.name+".xml")
			if *update {
				require.NoError(t, os.MkdirAll(filepath.Dir(golden), 0o755))
				require.NoError(t, os.WriteFile(golden, got, 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "run go test -update to create the golden files")
			equalLines(t, string(want), string(got))
		})
	}
}

func find(n *xmlquery.Node, local ...string) []*xmlquery.Node {
	expr := "/"
	for _, l := range local {
		expr += "/*[local-name()='" + l + "']"
	}
	return xmlquery.Find(n, expr)
}

func TestStructure(t *testing.T) {
	for _, tc := range cases(t) {
		t.Run(tc.name, func(t *testing.T) {
			r, w := scan(t, tc)
			doc, err := xmlquery.Parse(bytes.NewReader(write(t, w, r)))
			require.NoError(t, err)

			reports := find(doc, "asset-report-collection", "reports", "report")
			require.Len(t, reports, 1+len(r.OVAL))
			assert.Equal(t, "xccdf1", reports[0].SelectAttr("id"))
			assert.Len(t, find(reports[0], "content", "TestResult"), 1)
			for i := range r.OVAL {
				assert.Len(t, find(reports[i+1], "content", "oval_results"), 1)
			}

			rels := find(doc, "asset-report-collection", "relationships", "relationship")
			var isAbout, createdFor int
			for _, rel := range rels {
				ref := xmlquery.FindOne(rel, "*[local-name()='ref']").InnerText()
				switch rel.SelectAttr("type") {
				case "arfvocab:isAbout":
					isAbout++
					assert.Equal(t, arf.AssetID, ref)
				case "arfvocab:createdFor":
					createdFor++
					assert.Equal(t, arf.RequestID, ref)
				}
			}
			assert.Equal(t, len(reports), isAbout, "every report is about the asset")
			requests := find(doc, "asset-report-collection", "report-requests", "report-request", "content")
			if tc.embed {
				assert.Equal(t, len(reports), createdFor)
				require.Len(t, requests, 1)
				assert.NotNil(t, xmlquery.FindOne(requests[0], "*[local-name()='data-stream-collection' or local-name()='Benchmark']"))
			} else {
				assert.Zero(t, createdFor)
				assert.Empty(t, requests)
			}

			dev := find(doc, "asset-report-collection", "assets", "asset", "computing-device")
			require.Len(t, dev, 1)
			var addrs []string
			for _, n := range xmlquery.Find(dev[0], ".//*[local-name()='ip-v4' or local-name()='ip-v6' or local-name()='mac-address']") {
				addrs = append(addrs, n.InnerText())
			}
			// The zone is dropped and the IPv6 written in full; the
			// 20-byte InfiniBand address does not fit the schema's MAC type.
			assert.Equal(t, []string{"10.0.0.5", "192.0.2.10", "2001:db8:0:0:0:0:0:10", "fe80:0:0:0:0:0:0:1", "52:54:00:12:34:56"}, addrs)

			// Check hrefs of OVAL checks point at the report with the results.
			for _, ref := range xmlquery.Find(reports[0], ".//*[local-name()='rule-result']/*[local-name()='check'][@system='http://oval.mitre.org/XMLSchema/oval-definitions-5']/*[local-name()='check-content-ref']") {
				assert.Equal(t, "#oval1", ref.SelectAttr("href"))
			}
			tr := find(reports[0], "content", "TestResult")[0]
			idref := xmlquery.FindOne(tr, "*[local-name()='target-id-ref']")
			require.NotNil(t, idref)
			assert.Equal(t, arf.AssetID, idref.SelectAttr("name"))
		})
	}
}

func TestExpandIPv6(t *testing.T) {
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{name: "loopback", in: "::1", want: "0:0:0:0:0:0:0:1", ok: true},
		{name: "link local with zone", in: "fe80::648:e757:55c:e02e%wlan0", want: "fe80:0:0:0:648:e757:55c:e02e", ok: true},
		{name: "with prefix", in: "2001:db8::1/64", want: "2001:db8:0:0:0:0:0:1", ok: true},
		{name: "IPv4", in: "10.0.0.1"},
		{name: "garbage", in: "host"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := arf.ExpandIPv6(tc.in)
			assert.Equal(t, tc.ok, ok)
			assert.Equal(t, tc.want, got)
		})
	}
}

func needOscap(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("oscap"); err != nil {
		t.Skip("oscap is not installed (Debian package openscap-scanner): cannot validate against the reference tool")
	}
}

// TestOscap validates every case with `oscap ds rds-validate` and, for
// self-contained ARFs, renders the HTML report from it.
func TestOscap(t *testing.T) {
	needOscap(t)
	for _, tc := range cases(t) {
		t.Run(tc.name, func(t *testing.T) {
			r, w := scan(t, tc)
			f := filepath.Join(t.TempDir(), "arf.xml")
			require.NoError(t, os.WriteFile(f, write(t, w, r), 0o644))
			out, err := exec.Command("oscap", "ds", "rds-validate", f).CombinedOutput()
			require.NoError(t, err, "oscap ds rds-validate:\n%s", out)
			if !tc.embed {
				return // the report needs the benchmark, which is only referenced
			}
			html, err := exec.Command("oscap", "xccdf", "generate", "report", f).Output()
			require.NoError(t, err)
			require.NotEmpty(t, html)
			for _, rr := range r.Rules {
				if rr.Status == engine.NotSelected {
					continue // the report lists selected rules only
				}
				assert.True(t, strings.Contains(string(html), rr.Rule.Title), "the HTML report has no rule titled %q", rr.Rule.Title)
			}
		})
	}
}

func equalLines(t *testing.T, want, got string) {
	t.Helper()
	if want == got {
		return
	}
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			t.Errorf("golden file differs at line %d (run go test -update if the change is intended):\nwant: %s\ngot:  %s", i+1, w, g)
			return
		}
	}
}
