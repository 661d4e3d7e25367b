package cli_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/antchfx/xmlquery"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/internal/testutil"
	"github.com/stigscan/stigscan/report/formats"
	"github.com/stigscan/stigscan/xccdf"
)

func parseXML(t *testing.T, file string) *xmlquery.Node {
	t.Helper()
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	doc, err := xmlquery.Parse(bytes.NewReader(data))
	require.NoError(t, err)
	return doc
}

func haveOscap() bool {
	_, err := exec.LookPath("oscap")
	return err == nil
}

// oscap runs the reference tool and fails the test with its output.
func oscap(t *testing.T, args ...string) []byte {
	t.Helper()
	out, err := exec.Command("oscap", args...).Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		if len(stderr) > 2000 {
			stderr = stderr[:2000] + "…"
		}
		t.Fatalf("oscap %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	return out
}

// htmlText escapes text as the XSLT of oscap's report writes it.
func htmlText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// With no output flag, scan writes the ARF into the working directory.
func TestScanDefaultARF(t *testing.T) {
	t.Chdir(t.TempDir())
	out, _, err := run(t, "scan", "--quiet")
	require.NoError(t, err)
	assert.Contains(t, out, "ARF results: stigscan-arf.xml")
	doc := parseXML(t, "stigscan-arf.xml")
	root := xmlquery.FindOne(doc, "/*")
	assert.Equal(t, "asset-report-collection", root.Data)
	assert.Len(t, xmlquery.Find(doc, "//*[local-name()='rule-result']"), 8)
	assert.Empty(t, xmlquery.Find(doc, "//*[local-name()='report-request']"), "content is referenced by default")
}

// scanCase is one content run through `stigscan scan` with every output.
type scanCase struct {
	name    string
	content func(t *testing.T) string // "" for the built-in baseline
	profile string
	target  func(t *testing.T) string // "" for the local machine
	// schematron runs oscap's XCCDF schematron too (about 40 s of CPU on a
	// ComplianceAsCode benchmark, so only on small ones).
	schematron bool
	disa       bool // DISA content: every result must carry its DISA ids
}

func scanCases() []scanCase {
	return []scanCase{
		{name: "builtin baseline", content: func(*testing.T) string { return "" }, schematron: true},
		{
			name:    "ComplianceAsCode debian11 anssi high",
			content: func(t *testing.T) string { return filepath.Join(testutil.SSGContent(t), "ssg-debian11-ds.xml") },
			profile: "xccdf_org.ssgproject.content_profile_anssi_np_nt28_high",
		},
		{
			// On this machine's own OS the Debian 11 content may be all
			// notapplicable; a Debian 11 root gives OVAL results too.
			name:    "ComplianceAsCode debian11 anssi high on a Debian 11 root",
			content: func(t *testing.T) string { return filepath.Join(testutil.SSGContent(t), "ssg-debian11-ds.xml") },
			profile: "xccdf_org.ssgproject.content_profile_anssi_np_nt28_high",
			target: func(t *testing.T) string {
				root := os.Getenv("STIGSCAN_CONFORMANCE_ROOT")
				if root == "" {
					t.Skip("STIGSCAN_CONFORMANCE_ROOT is not set: run `make conformance`, which builds a Debian 11 root with debootstrap")
				}
				return "local:" + root
			},
		},
		{
			name: "DISA manual MongoDB 4",
			content: func(t *testing.T) string {
				return filepath.Join(testutil.SharedContent(t, "disa-manual"), "U_MDB_Enterprise_Advanced_4-x_STIG_V1R3_Manual-xccdf.xml")
			},
			profile:    "MAC-1_Classified",
			schematron: true,
			disa:       true,
		},
	}
}

func TestScanOutputsValidate(t *testing.T) {
	for _, tc := range scanCases() {
		t.Run(tc.name, func(t *testing.T) {
			content := tc.content(t)
			dir := t.TempDir()
			arfFile := filepath.Join(dir, "arf.xml")
			xccdfFile := filepath.Join(dir, "xccdf.xml")
			ovalFile := filepath.Join(dir, "oval.xml")
			args := []string{"scan", "--quiet", "--arf", arfFile, "--xccdf-results", xccdfFile, "--oval-results", ovalFile, "--embed-content"}
			if content != "" {
				args = append(args, "--benchmark", content)
				if tc.disa {
					// DISA's manual text as it is; binding to built-in
					// checks is tested in internal/e2e and the builtin tests.
					args = append(args, "--no-builtin-checks")
				}
			}
			if tc.profile != "" {
				args = append(args, "--profile", tc.profile)
			}
			if tc.target != nil {
				args = append(args, "--target", tc.target(t))
			}
			out, _, err := run(t, args...)
			require.NoError(t, err)
			assert.Contains(t, out, "ARF results: "+arfFile)
			assert.Contains(t, out, "XCCDF results: "+xccdfFile)

			// The same rule-results in the ARF and the XCCDF results.
			arfDoc, xDoc := parseXML(t, arfFile), parseXML(t, xccdfFile)
			rrs := xmlquery.Find(xDoc, "//*[local-name()='TestResult']/*[local-name()='rule-result']")
			require.NotEmpty(t, rrs)
			assert.Len(t, xmlquery.Find(arfDoc, "//*[local-name()='TestResult']/*[local-name()='rule-result']"), len(rrs))

			var ovalFiles []string
			for _, line := range strings.Split(out, "\n") {
				if strings.HasPrefix(line, "OVAL results (") {
					ovalFiles = append(ovalFiles, line[strings.LastIndex(line, ": ")+2:])
				}
			}
			assert.Len(t, ovalFiles, len(xmlquery.Find(arfDoc, "//*[local-name()='report']/*[local-name()='content']/*[local-name()='oval_results']")))
			if tc.target != nil {
				assert.NotEmpty(t, ovalFiles, "a Debian 11 root evaluates OVAL")
			}

			if tc.disa {
				checkDISAIDs(t, content, tc.profile, rrs)
			}

			if !haveOscap() {
				t.Skip("oscap is not installed (Debian package openscap-scanner): cannot validate against the reference tool")
			}
			oscap(t, "ds", "rds-validate", arfFile)
			if tc.schematron {
				oscap(t, "xccdf", "validate", xccdfFile)
			} else {
				oscap(t, "xccdf", "validate", "--skip-schematron", xccdfFile)
			}
			for _, f := range ovalFiles {
				oscap(t, "oval", "validate", "--results", f)
			}
			html := string(oscap(t, "xccdf", "generate", "report", arfFile))
			require.NotEmpty(t, html)
			titles := 0
			for _, rr := range rrs {
				if xmlquery.FindOne(rr, "*[local-name()='result']").InnerText() == "notselected" {
					continue // the report lists selected rules only
				}
				title := xmlquery.FindOne(xDoc, "//*[local-name()='Rule'][@id='"+rr.SelectAttr("idref")+"']/*[local-name()='title']")
				require.NotNil(t, title, rr.SelectAttr("idref"))
				assert.True(t, strings.Contains(html, htmlText(title.InnerText())), "no rule titled %q in the HTML report", title.InnerText())
				titles++
			}
			assert.NotZero(t, titles)
		})
	}
}

// checkDISAIDs checks that each rule-result carries the Vuln-ID, Rule-ID,
// STIG-ID and CCIs of its rule as the DISA benchmark defines them.
func checkDISAIDs(t *testing.T, file, profile string, rrs []*xmlquery.Node) {
	t.Helper()
	c, err := xccdf.Open(file, xccdf.Options{})
	require.NoError(t, err)
	sel, err := xccdf.Resolve(c.Benchmark, nil, profile)
	require.NoError(t, err)
	require.Len(t, rrs, len(c.Benchmark.Rules))
	for i, r := range c.Benchmark.Rules {
		id := r.Identity()
		rr := rrs[i]
		require.NotEmpty(t, id.VulnID)
		assert.Equal(t, "xccdf_mil.disa.stig_rule_"+id.RuleID, rr.SelectAttr("idref"))
		assert.Equal(t, id.STIGID, rr.SelectAttr("version"))
		disa := xmlquery.FindOne(rr, "*[local-name()='metadata']/*[local-name()='disa']")
		require.NotNil(t, disa, id.RuleID)
		assert.Equal(t, id.VulnID, disa.SelectAttr("vuln-id"))
		assert.Equal(t, id.RuleID, disa.SelectAttr("rule-id"))
		assert.Equal(t, id.STIGID, disa.SelectAttr("stig-id"))
		var ccis []string
		for _, n := range xmlquery.Find(rr, "*[local-name()='ident'][@system='http://cyber.mil/cci']") {
			ccis = append(ccis, n.InnerText())
		}
		assert.Equal(t, id.CCIs, ccis, id.RuleID)
		want := "notchecked" // a Manual STIG has no automated check
		if !sel.IsSelected(r.ID) {
			want = "notselected"
		}
		assert.Equal(t, want, xmlquery.FindOne(rr, "*[local-name()='result']").InnerText(), id.RuleID)
	}
}

// wordsRoot is an offline root whose /etc/words lists alpha and beta.
func wordsRoot(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "etc"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "etc", "words"), []byte("alpha\nbeta\n"), 0o644))
	return dir
}

const variablesDoc = `<?xml version="1.0" encoding="UTF-8"?>
<oval_variables xmlns="http://oval.mitre.org/XMLSchema/oval-variables-5" xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5">
  <generator><oval:schema_version>5.11.2</oval:schema_version><oval:timestamp>2026-11-22T00:00:00</oval:timestamp></generator>
  <variables>
    <variable id="oval:io.stigscan.test:var:1" datatype="string" comment="the chosen word"><value>beta</value></variable>
  </variables>
</oval_variables>
`

func definitionLines(out string) []string {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "Definition ") {
			lines = append(lines, l)
		}
	}
	sort.Strings(lines)
	return lines
}

func TestOVALEval(t *testing.T) {
	ovalFile := filepath.Join(testutil.RepoRoot(t), "report/xccdfres/testdata/content/results-oval.xml")
	root := wordsRoot(t)
	vars := filepath.Join(t.TempDir(), "vars.xml")
	require.NoError(t, os.WriteFile(vars, []byte(variablesDoc), 0o644))
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{
			// The pattern's variable has no value: the object matches
			// nothing, as oscap says too.
			name: "without the external variable",
			want: []string{
				"Definition oval:io.stigscan.test:def:1: true",
				"Definition oval:io.stigscan.test:def:2: false",
				"Definition oval:io.stigscan.test:def:3: false",
			},
		},
		{
			name: "with variables",
			args: []string{"--variables", vars},
			want: []string{
				"Definition oval:io.stigscan.test:def:1: true",
				"Definition oval:io.stigscan.test:def:2: false",
				"Definition oval:io.stigscan.test:def:3: true",
			},
		},
		{
			name: "one definition",
			args: []string{"--id", "oval:io.stigscan.test:def:2"},
			want: []string{"Definition oval:io.stigscan.test:def:2: false"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			results := filepath.Join(t.TempDir(), "results.xml")
			args := append([]string{"oval", "eval", ovalFile, "--target", "local:" + root, "--results", results}, tc.args...)
			out, _, err := run(t, args...)
			require.NoError(t, err)
			assert.Equal(t, tc.want, definitionLines(out))
			assert.True(t, strings.HasSuffix(out, "Evaluation done.\n"))
			doc := parseXML(t, results)
			assert.Len(t, xmlquery.Find(doc, "//*[local-name()='results']//*[local-name()='definition']"), len(tc.want))

			if !haveOscap() {
				t.Skip("oscap is not installed: cannot compare with oscap oval eval")
			}
			oscap(t, "oval", "validate", "--results", results)
			// The reference tool on the same offline root prints the same lines.
			cmd := exec.Command("oscap", append(append([]string{"oval", "eval"}, tc.args...), ovalFile)...)
			cmd.Env = append(os.Environ(), "OSCAP_PROBE_ROOT="+root)
			ref, err := cmd.Output()
			require.NoError(t, err)
			assert.Equal(t, definitionLines(string(ref)), definitionLines(out))
		})
	}
}

func TestOVALUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{name: "no subcommand", args: []string{"oval"}, code: 2, msg: "no subcommand"},
		{name: "unknown subcommand", args: []string{"oval", "frob"}, code: 2, msg: "unknown subcommand"},
		{name: "no file", args: []string{"oval", "eval"}, code: 2, msg: "one OVAL definitions FILE"},
		{name: "bad target", args: []string{"oval", "eval", "x.xml", "--target", "ssh:h"}, code: 2, msg: "unknown target"},
		{name: "missing file", args: []string{"oval", "eval", "does-not-exist.xml"}, code: 1, msg: "does-not-exist.xml"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := run(t, tc.args...)
			require.Error(t, err)
			assert.Equal(t, tc.code, exitCode(err))
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
}

func TestScanHelpNamesOutputs(t *testing.T) {
	out, _, err := run(t, "scan", "-h")
	require.NoError(t, err)
	for _, want := range []string{"--arf", "-xccdf-results", "-oval-results", "NAME-FILE", "-embed-content", "stigscan-arf.xml"} {
		assert.Contains(t, out, want)
	}
	// Every format of the registry is in the synopsis and has its flag,
	// with the help the registry gives (flag wraps it at newlines).
	flat := strings.Join(strings.Fields(out), " ")
	for _, f := range formats.All() {
		assert.Contains(t, out, "[--"+f.Flag+" FILE]")
		assert.Contains(t, out, "  -"+f.Flag+" string\n")
		assert.Contains(t, flat, strings.Join(strings.Fields(f.Help()), " "))
	}
}

// TestEveryOutputFlagCountsAsOne: any one output flag alone writes that
// file and no default ARF into the working directory; with none, the
// default is written.
func TestEveryOutputFlagCountsAsOne(t *testing.T) {
	for _, f := range formats.All() {
		t.Run(f.Flag, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			out, _, err := run(t, "scan", "--quiet", "--profile", "baseline", "--"+f.Flag, "r.out")
			require.NoError(t, err)
			assert.Regexp(t, "(?m)^"+regexp.QuoteMeta(f.Label)+"( \\(.*\\))?: r.out$", out)
			st, err := os.Stat("r.out")
			require.NoError(t, err)
			assert.Positive(t, st.Size())
			for _, other := range formats.All() {
				if other.DefaultFile != "" && other != f {
					_, err := os.Stat(other.DefaultFile)
					assert.True(t, os.IsNotExist(err), "%s was written although --%s was given", other.DefaultFile, f.Flag)
				}
			}
		})
	}
}
