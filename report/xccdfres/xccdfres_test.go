package xccdfres_test

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
	"github.com/stigscan/stigscan/oval/probes/list"
	"github.com/stigscan/stigscan/report"
	"github.com/stigscan/stigscan/report/xccdfres"
	"github.com/stigscan/stigscan/xccdf"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// factsHost gives an offline root fixed facts, so every field of the
// TestResult that describes the target is exercised and reproducible.
type factsHost struct {
	host.Host
	facts host.Facts
}

func (h factsHost) Facts(context.Context) (host.Facts, error) { return h.facts, nil }

var fixedFacts = host.Facts{
	Hostname: "web-01",
	FQDN:     "web-01.example.org",
	IPv4:     []string{"192.0.2.10", "10.0.0.5"},
	IPv6:     []string{"2001:db8::10", "fe80::1"},
	MACs:     []string{"52:54:00:12:34:56"},
	OS:       "Debian GNU/Linux 12 (bookworm)",
}

// wordsRoot is an offline root whose /etc/words lists alpha and beta.
func wordsRoot(t *testing.T) host.Host {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "etc"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "etc", "words"), []byte("alpha\nbeta\n"), 0o644))
	h, err := local.NewRoot(dir)
	require.NoError(t, err)
	return factsHost{Host: h, facts: fixedFacts}
}

// evaluate scans h with a benchmark file and a clock that never moves.
func evaluate(t *testing.T, file, profile string, h host.Host) *engine.Result {
	t.Helper()
	c, err := xccdf.Open(file, xccdf.Options{})
	require.NoError(t, err)
	sel, err := xccdf.Resolve(c.Benchmark, nil, profile)
	require.NoError(t, err)
	fixed := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	b, err := engine.Prepare(context.Background(), c, sel, engine.Options{Probes: list.Standard(), Now: func() time.Time { return fixed }})
	require.NoError(t, err)
	res, err := b.Evaluate(context.Background(), h)
	require.NoError(t, err)
	return res
}

var opts = xccdfres.Options{Version: "0.1.0", Identity: xccdfres.Identity{Name: "auditor", Privileged: true, Authenticated: true}}

type writeCase struct {
	name    string
	file    string
	profile string
	raw     bool // give the writer the benchmark as written
}

func cases(t *testing.T) []writeCase {
	root := testutil.RepoRoot(t)
	return []writeCase{
		{name: "xccdf12-spliced", file: "testdata/content/results-xccdf.xml", profile: "xccdf_io.stigscan.test_profile_MAC-1_Classified", raw: true},
		{name: "xccdf12-model", file: "testdata/content/results-xccdf.xml", profile: "xccdf_io.stigscan.test_profile_MAC-1_Classified"},
		{name: "xccdf12-default-profile", file: "testdata/content/results-xccdf.xml", raw: true},
		{name: "xccdf11-disa", file: filepath.Join(root, "fixtures/content/tiny-xccdf11.xml"), profile: "MAC-1_Classified", raw: true},
	}
}

func write(t *testing.T, tc writeCase, r *engine.Result) []byte {
	t.Helper()
	w := xccdfres.Writer{Options: opts}
	if tc.raw {
		data, err := os.ReadFile(tc.file)
		require.NoError(t, err)
		w.Benchmark = data
	}
	var _ report.Writer = w
	var buf bytes.Buffer
	require.NoError(t, w.Write(&buf, r))
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	for _, tc := range cases(t) {
		t.Run(tc.name, func(t *testing.T) {
			r := evaluate(t, tc.file, tc.profile, wordsRoot(t))
			// The source path differs between machines; the golden file
			// records a stable one.
			r.Source = filepath.Base(tc.file)
			r.Target = secret.RedactTarget("local:/srv/image")
			got := write(t, tc, r)
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

func parse(t *testing.T, data []byte) *xmlquery.Node {
	t.Helper()
	doc, err := xmlquery.Parse(bytes.NewReader(data))
	require.NoError(t, err)
	return doc
}

func TestRuleResults(t *testing.T) {
	tc := cases(t)[0]
	r := evaluate(t, tc.file, tc.profile, wordsRoot(t))
	doc := parse(t, write(t, tc, r))
	const p = "xccdf_io.stigscan.test_rule_"
	want := []struct {
		idref, result, instance string
		idents                  []string
		vuln, stig              string
	}{
		{idref: p + "SV-900001r1_rule", result: "pass", idents: []string{"V-500001", "CCI-000054", "CCI-000366"}, vuln: "V-900001", stig: "TEST-00-000100"},
		{idref: p + "SV-900002r1_rule", result: "fail", idents: []string{"CCI-000366"}, vuln: "V-900002", stig: "TEST-00-000200"},
		{idref: p + "SV-900003r2_rule", result: "pass", idents: []string{"CCI-000213"}, vuln: "V-900003", stig: "TEST-00-000300"},
		{idref: p + "SV-900004r1_rule", result: "pass", vuln: "V-900004", stig: "TEST-00-000400"},
		{idref: p + "SV-900005r1_rule", result: "pass", instance: "oval:io.stigscan.test:def:1", vuln: "V-900005", stig: "TEST-00-000500"},
		{idref: p + "SV-900005r1_rule", result: "fail", instance: "oval:io.stigscan.test:def:2", vuln: "V-900005", stig: "TEST-00-000500"},
		{idref: p + "SV-900005r1_rule", result: "pass", instance: "oval:io.stigscan.test:def:3", vuln: "V-900005", stig: "TEST-00-000500"},
		{idref: p + "SV-900006r1_rule", result: "notselected", vuln: "V-900006", stig: "TEST-00-000600"},
		{idref: p + "SV-900007r1_rule", result: "notchecked", idents: []string{"CCI-001499"}, vuln: "V-900007", stig: "TEST-00-000700"},
	}
	rrs := xmlquery.Find(doc, "//*[local-name()='TestResult']/*[local-name()='rule-result']")
	require.Len(t, rrs, len(want))
	for i, w := range want {
		n := rrs[i]
		t.Run(w.idref+w.instance, func(t *testing.T) {
			assert.Equal(t, w.idref, n.SelectAttr("idref"))
			assert.Equal(t, w.stig, n.SelectAttr("version"), "rule-result version is the STIG-ID")
			assert.Equal(t, w.result, xmlquery.FindOne(n, "*[local-name()='result']").InnerText())
			var idents []string
			for _, in := range xmlquery.Find(n, "*[local-name()='ident']") {
				idents = append(idents, in.InnerText())
			}
			assert.Equal(t, w.idents, idents)
			disa := xmlquery.FindOne(n, "*[local-name()='metadata']/*[local-name()='disa']")
			require.NotNil(t, disa)
			assert.Equal(t, w.vuln, disa.SelectAttr("vuln-id"))
			assert.Equal(t, w.stig, disa.SelectAttr("stig-id"))
			assert.Equal(t, strings.TrimPrefix(w.idref, p), disa.SelectAttr("rule-id"))
			inst := xmlquery.FindOne(n, "*[local-name()='instance']")
			if w.instance == "" {
				assert.Nil(t, inst)
			} else {
				require.NotNil(t, inst)
				assert.Equal(t, w.instance, inst.InnerText())
				ref := xmlquery.FindOne(n, "*[local-name()='check']/*[local-name()='check-content-ref']")
				assert.Equal(t, w.instance, ref.SelectAttr("name"))
			}
		})
	}
	t.Run("check-export carries the profile's value", func(t *testing.T) {
		ex := xmlquery.FindOne(rrs[2], "*[local-name()='check']/*[local-name()='check-export']")
		require.NotNil(t, ex)
		assert.Equal(t, "xccdf_io.stigscan.test_value_word", ex.SelectAttr("value-id"))
		sv := xmlquery.FindOne(doc, "//*[local-name()='TestResult']/*[local-name()='set-value']")
		require.NotNil(t, sv)
		assert.Equal(t, "beta", sv.InnerText())
	})
	t.Run("manual check keeps its text", func(t *testing.T) {
		cc := xmlquery.FindOne(rrs[8], "*[local-name()='check']/*[local-name()='check-content']")
		require.NotNil(t, cc)
		assert.Equal(t, `Read /etc/words & confirm that every word is "approved".`, cc.InnerText())
	})
	t.Run("target", func(t *testing.T) {
		tr := xmlquery.FindOne(doc, "//*[local-name()='TestResult']")
		var targets, addrs []string
		for _, n := range xmlquery.Find(tr, "*[local-name()='target']") {
			targets = append(targets, n.InnerText())
		}
		for _, n := range xmlquery.Find(tr, "*[local-name()='target-address']") {
			addrs = append(addrs, n.InnerText())
		}
		assert.Equal(t, []string{"web-01", r.Target.String()}, targets)
		assert.Equal(t, []string{"10.0.0.5", "192.0.2.10", "2001:db8::10", "fe80::1"}, addrs)
		assert.Equal(t, "xccdf_io.stigscan_testresult_xccdf_io.stigscan.test_profile_MAC-1_Classified", tr.SelectAttr("id"))
		assert.Equal(t, "cpe:/a:stigscan:stigscan:0.1.0", tr.SelectAttr("test-system"))
		score := xmlquery.FindOne(tr, "*[local-name()='score']")
		assert.Equal(t, "urn:xccdf:scoring:default", score.SelectAttr("system"))
		assert.Equal(t, "100.000000", score.SelectAttr("maximum"))
	})
}

// DISA's XCCDF 1.1 ids become the XCCDF 1.2 ids DISA publishes the same
// rules under; Vuln-ID, Rule-ID, STIG-ID and CCIs stay on every result.
func TestXCCDF11Conversion(t *testing.T) {
	tc := cases(t)[3]
	r := evaluate(t, tc.file, tc.profile, wordsRoot(t))
	doc := parse(t, write(t, tc, r))
	bench := xmlquery.FindOne(doc, "/*[local-name()='Benchmark']")
	require.NotNil(t, bench)
	assert.Equal(t, xccdf.NS12, bench.NamespaceURI)
	assert.Equal(t, "xccdf_mil.disa.stig_benchmark_Tiny_STIG", bench.SelectAttr("id"))
	assert.NotNil(t, xmlquery.FindOne(doc, "//*[local-name()='Group'][@id='xccdf_mil.disa.stig_group_V-100001']"))
	assert.NotNil(t, xmlquery.FindOne(doc, "//*[local-name()='Profile'][@id='xccdf_mil.disa.stig_profile_MAC-1_Classified']/*[local-name()='select'][@idref='xccdf_mil.disa.stig_group_V-100001']"))
	tr := xmlquery.FindOne(doc, "//*[local-name()='TestResult']")
	assert.Equal(t, "xccdf_mil.disa.stig_profile_MAC-1_Classified", xmlquery.FindOne(tr, "*[local-name()='profile']").SelectAttr("idref"))
	for _, rr := range xmlquery.Find(tr, "*[local-name()='rule-result']") {
		idref := rr.SelectAttr("idref")
		assert.True(t, strings.HasPrefix(idref, "xccdf_mil.disa.stig_rule_SV-"), idref)
		disa := xmlquery.FindOne(rr, "*[local-name()='metadata']/*[local-name()='disa']")
		require.NotNil(t, disa, idref)
		assert.Equal(t, "xccdf_mil.disa.stig_rule_"+disa.SelectAttr("rule-id"), idref)
		assert.Regexp(t, `^V-\d+$`, disa.SelectAttr("vuln-id"))
		assert.NotEmpty(t, disa.SelectAttr("stig-id"))
		if xmlquery.FindOne(rr, "*[local-name()='result']").InnerText() != "notselected" {
			assert.NotEmpty(t, xmlquery.Find(rr, "*[local-name()='ident'][@system='http://cyber.mil/cci']"), idref)
		}
	}
}

func TestIDs(t *testing.T) {
	c, err := xccdf.Open(filepath.Join(testutil.RepoRoot(t), "fixtures/content/tiny-xccdf11.xml"), xccdf.Options{})
	require.NoError(t, err)
	disa := xccdfres.NewIDs(c.Benchmark)
	tests := []struct {
		name, got, want string
	}{
		{name: "DISA rule", got: disa.Rule("SV-100001r900001_rule"), want: "xccdf_mil.disa.stig_rule_SV-100001r900001_rule"},
		{name: "DISA group via Item", got: disa.Item("V-100001"), want: "xccdf_mil.disa.stig_group_V-100001"},
		{name: "DISA profile", got: disa.Profile("MAC-1_Classified"), want: "xccdf_mil.disa.stig_profile_MAC-1_Classified"},
		{name: "already 1.2", got: disa.Rule("xccdf_org.ssgproject.content_rule_x"), want: "xccdf_org.ssgproject.content_rule_x"},
		{name: "unknown idref kept", got: disa.Item("cluster-a"), want: "cluster-a"},
		{name: "non-DISA content", got: xccdfres.NewIDs(&xccdf.Benchmark{ID: "b"}).Benchmark(), want: "xccdf_io.stigscan_benchmark_b"},
		{name: "default profile", got: xccdfres.TestResultID(""), want: "xccdf_io.stigscan_testresult_default"},
		{name: "source href escaped", got: xccdfres.SourceHref("/tmp/my content#1.xml"), want: "/tmp/my%20content%231.xml"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { assert.Equal(t, tc.want, tc.got) })
	}
}

// TestOscapValidate checks every golden case with the reference tool's
// XCCDF 1.2 schema and schematron.
func TestOscapValidate(t *testing.T) {
	if _, err := exec.LookPath("oscap"); err != nil {
		t.Skip("oscap is not installed (Debian package openscap-scanner): cannot validate against the reference tool")
	}
	for _, tc := range cases(t) {
		t.Run(tc.name, func(t *testing.T) {
			r := evaluate(t, tc.file, tc.profile, wordsRoot(t))
			f := filepath.Join(t.TempDir(), "results.xml")
			require.NoError(t, os.WriteFile(f, write(t, tc, r), 0o644))
			out, err := exec.Command("oscap", "xccdf", "validate", f).CombinedOutput()
			assert.NoError(t, err, "oscap xccdf validate:\n%s", out)
		})
	}
}

// equalLines reports the first line where got differs from want, rather
// than both documents whole.
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
