package cli_test

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/antchfx/xmlquery"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/oval/probes/list"
)

// probeSetContent writes an OVAL document with one object of every type
// the standard probe set collects, plus one OVAL type no probe collects,
// and an XCCDF benchmark with one rule per definition.
func probeSetContent(t *testing.T, keys []string) (ovalFile, xccdfFile string) {
	t.Helper()
	dir := t.TempDir()
	var defs, tests, objects, rules strings.Builder
	spaces := map[string]string{}
	for i, key := range keys {
		family, typ, ok := strings.Cut(key, ":")
		require.True(t, ok, key)
		base := "http://oval.mitre.org/XMLSchema/oval-definitions-5#"
		if !slices.Contains([]string{"independent", "unix", "linux"}, family) {
			base = "urn:stigscan:oval-definitions-5#"
		}
		spaces[family] = base + family
		n := i + 1
		test := strings.TrimSuffix(typ, "_object") + "_test"
		fmt.Fprintf(&defs, `<definition id="oval:io.stigscan.probes:def:%d" version="1" class="compliance"><metadata><title>%s</title><description>d</description></metadata><criteria><criterion test_ref="oval:io.stigscan.probes:tst:%d"/></criteria></definition>`+"\n", n, key, n)
		fmt.Fprintf(&tests, `<%s:%s id="oval:io.stigscan.probes:tst:%d" version="1" check="all" check_existence="any_exist" comment="c"><%s:object object_ref="oval:io.stigscan.probes:obj:%d"/></%s:%s>`+"\n", family, test, n, family, n, family, test)
		fmt.Fprintf(&objects, `<%s:%s id="oval:io.stigscan.probes:obj:%d" version="1"/>`+"\n", family, typ, n)
		fmt.Fprintf(&rules, `<Rule id="xccdf_io.stigscan_rule_probe_%d" selected="true"><title>%s</title><check system="http://oval.mitre.org/XMLSchema/oval-definitions-5"><check-content-ref href="probes-oval.xml" name="oval:io.stigscan.probes:def:%d"/></check></Rule>`+"\n", n, key, n)
	}
	var ns strings.Builder
	for _, f := range slices.Sorted(maps.Keys(spaces)) {
		fmt.Fprintf(&ns, ` xmlns:%s="%s"`, f, spaces[f])
	}
	ovalFile = filepath.Join(dir, "probes-oval.xml")
	require.NoError(t, os.WriteFile(ovalFile, []byte(`<?xml version="1.0" encoding="UTF-8"?>
<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5" xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5"`+ns.String()+`>
<generator><oval:schema_version>5.11.2</oval:schema_version><oval:timestamp>2026-11-22T00:00:00</oval:timestamp></generator>
<definitions>`+defs.String()+`</definitions>
<tests>`+tests.String()+`</tests>
<objects>`+objects.String()+`</objects>
</oval_definitions>
`), 0o644))
	xccdfFile = filepath.Join(dir, "probes-xccdf.xml")
	require.NoError(t, os.WriteFile(xccdfFile, []byte(`<?xml version="1.0" encoding="UTF-8"?>
<Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2" id="xccdf_io.stigscan_benchmark_probes" resolved="1" xml:lang="en-US">
<status>draft</status><title>Probe set</title><version>1</version>
`+rules.String()+`</Benchmark>
`), 0o644))
	return ovalFile, xccdfFile
}

// uncollectable lists the object types (keys[i] is object i+1's) that an
// OVAL results file says no probe collects, sorted: objects whose message
// says so, and objects of a family no probe knows (which are not
// collected at all).
func uncollectable(t *testing.T, file string, keys []string) []string {
	t.Helper()
	doc := parseXML(t, file)
	var out []string
	for i, key := range keys {
		path := fmt.Sprintf("//*[local-name()='collected_objects']/*[local-name()='object'][@id='oval:io.stigscan.probes:obj:%d']", i+1)
		o := xmlquery.FindOne(doc, path)
		if o == nil {
			out = append(out, key)
			continue
		}
		for _, m := range xmlquery.Find(o, "*[local-name()='message']") {
			if text := m.InnerText(); strings.Contains(text, "no probe for") || strings.Contains(text, "family is not supported") {
				out = append(out, key)
				break
			}
		}
	}
	slices.Sort(out)
	return out
}

// TestOVALEvalAndScanProbeSet: oval eval and scan evaluate with the same
// probe set, the standard one: every object type it holds is collected by
// both, and the type it lacks is missing from both.
func TestOVALEvalAndScanProbeSet(t *testing.T) {
	const missing = "independent:ldap57_object" // an OVAL type stigscan has no probe for
	standard := list.Standard()
	require.NotContains(t, standard, missing)
	for _, family := range []string{"independent:sql57_object", "mongodb:command_object", "oracle:sqlnet_object", "unix:file_object"} {
		require.Contains(t, standard, family)
	}
	keys := append(slices.Sorted(maps.Keys(standard)), missing)
	ovalFile, xccdfFile := probeSetContent(t, keys)
	root := t.TempDir()
	dir := t.TempDir()

	evalResults := filepath.Join(dir, "eval-results.xml")
	_, _, err := run(t, "oval", "eval", ovalFile, "--target", "local:"+root, "--results", evalResults)
	require.NoError(t, err)
	scanResults := filepath.Join(dir, "scan-results.xml")
	_, stderr, err := run(t, "scan", "--quiet", "--benchmark", xccdfFile, "--target", "local:"+root,
		"--no-builtin-checks", "--oval-results", scanResults, "--arf", filepath.Join(dir, "arf.xml"))
	if err != nil {
		require.Equal(t, 2, exitCode(err), "scan: %v\n%s", err, stderr) // failed rules are exit code 2, not a failed run
	}

	assert.Equal(t, []string{missing}, uncollectable(t, evalResults, keys), "oval eval")
	assert.Equal(t, []string{missing}, uncollectable(t, scanResults, keys), "scan")
}
