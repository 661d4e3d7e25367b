package mongodb_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/builtin"
	"github.com/stigscan/stigscan/internal/testutil"
	"github.com/stigscan/stigscan/oval"
	"github.com/stigscan/stigscan/oval/probes/mongodb"
)

// officialSchemas is where Debian's openscap-common puts the OVAL 5.11.2
// schemas.
const officialSchemas = "/usr/share/openscap/schemas/oval/5.11.2"

// validate checks doc against the official OVAL schemas and stigscan's
// mongodb schemas (docs/schemas) with xmllint.
func validate(t *testing.T, name string, doc []byte) {
	t.Helper()
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint not installed (Debian package libxml2-utils): schema validation skipped")
	}
	if _, err := os.Stat(officialSchemas); err != nil {
		t.Skipf("official OVAL schemas absent (%v; Debian package openscap-common): schema validation skipped", err)
	}
	own := filepath.Join(testutil.RepoRoot(t), "docs", "schemas")
	imports := [][2]string{
		{"http://oval.mitre.org/XMLSchema/oval-common-5", officialSchemas + "/oval-common-schema.xsd"},
		{"http://oval.mitre.org/XMLSchema/oval-definitions-5", officialSchemas + "/oval-definitions-schema.xsd"},
		{"http://oval.mitre.org/XMLSchema/oval-system-characteristics-5", officialSchemas + "/oval-system-characteristics-schema.xsd"},
		{"http://oval.mitre.org/XMLSchema/oval-results-5", officialSchemas + "/oval-results-schema.xsd"},
	}
	for _, fam := range []string{"independent", "unix", "linux"} {
		imports = append(imports,
			[2]string{"http://oval.mitre.org/XMLSchema/oval-definitions-5#" + fam, officialSchemas + "/" + fam + "-definitions-schema.xsd"},
			[2]string{"http://oval.mitre.org/XMLSchema/oval-system-characteristics-5#" + fam, officialSchemas + "/" + fam + "-system-characteristics-schema.xsd"})
	}
	imports = append(imports,
		[2]string{mongodb.Namespace, own + "/stigscan-mongodb-definitions.xsd"},
		[2]string{"urn:stigscan:oval-system-characteristics-5#mongodb", own + "/stigscan-mongodb-system-characteristics.xsd"})
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:stigscan:test-wrapper" elementFormDefault="qualified">`)
	for _, im := range imports {
		fmt.Fprintf(&b, `<xsd:import namespace="%s" schemaLocation="%s"/>`, im[0], im[1])
	}
	b.WriteString(`</xsd:schema>`)
	dir := t.TempDir()
	wrapper := filepath.Join(dir, "wrapper.xsd")
	require.NoError(t, os.WriteFile(wrapper, []byte(b.String()), 0o600))
	file := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(file, doc, 0o600))
	out, err := exec.Command(xmllint, "--noout", "--nonet", "--schema", wrapper, file).CombinedOutput()
	var problems []string
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "validity error") || strings.Contains(line, "parser error") {
			problems = append(problems, line)
		}
	}
	require.NoError(t, err, "%s", strings.Join(problems, "\n"))
	require.Empty(t, problems)
}

// The built-in OVAL document and the OVAL results of a scan (with
// mongodb items in stigscan's own namespace) are valid against the
// official OVAL 5.11.2 schemas and docs/schemas.
func TestSchemas(t *testing.T) {
	doc, err := builtin.Read("mongodb-4x-oval.xml")
	require.NoError(t, err)
	validate(t, "mongodb-4x-oval.xml", doc)

	h := replays(t, "mongod44", "stig-pass")
	res := scanBuiltin(t, "testdata/stig-pass/tailoring.xml", "xccdf_io.stigscan_profile_mongodb_pass", h)
	require.Len(t, res.OVAL, 1)
	out, err := oval.ResultsBytes(res.OVAL[0].Results, oval.WriteOptions{})
	require.NoError(t, err)
	require.Contains(t, string(out), "mongodb-sys:privilege_item")
	validate(t, "results.xml", out)
}

// The built-in 7.x OVAL document and a 7.x scan's OVAL results (with the
// $currentOp command items and the certificate items of every configured
// file) are valid against the same schemas.
func TestSchemas7x(t *testing.T) {
	doc, err := builtin.Read("mongodb-7x-oval.xml")
	require.NoError(t, err)
	validate(t, "mongodb-7x-oval.xml", doc)

	h := replays(t, mongod7Pass...)
	res := scanBuiltin7(t, "testdata/stig7-pass/tailoring.xml", "xccdf_io.stigscan_profile_mongodb_pass", h)
	require.Len(t, res.OVAL, 1)
	out, err := oval.ResultsBytes(res.OVAL[0].Results, oval.WriteOptions{})
	require.NoError(t, err)
	require.Contains(t, string(out), "mongodb-sys:certificate_item")
	require.Contains(t, string(out), "timeInactiveMicros")
	validate(t, "results-7x.xml", out)
}
