package mariadbtest

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
)

// officialSchemas is where Debian's openscap-common puts the XCCDF 1.2
// (with CPE language 2.3) and OVAL 5.11.2 schemas.
const officialSchemas = "/usr/share/openscap/schemas"

// TestGeneratedContentValidates checks the generated benchmark (its
// cpe-lang platform included) against the XCCDF 1.2 schema and its OVAL
// (the inventory definition and the mysql family included) against the
// OVAL 5.11.2 schemas and stigscan's mysql schema.
func TestGeneratedContentValidates(t *testing.T) {
	if _, err := exec.LookPath("xmllint"); err != nil {
		t.Skip("xmllint not installed (Debian package libxml2-utils): schema validation skipped")
	}
	oval := officialSchemas + "/oval/5.11.2"
	if _, err := os.Stat(oval); err != nil {
		t.Skipf("official schemas absent (%v; Debian package openscap-common): schema validation skipped", err)
	}
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:stigscan:test-wrapper" elementFormDefault="qualified">`)
	for _, im := range [][2]string{
		{"http://oval.mitre.org/XMLSchema/oval-common-5", oval + "/oval-common-schema.xsd"},
		{"http://oval.mitre.org/XMLSchema/oval-definitions-5", oval + "/oval-definitions-schema.xsd"},
		{"http://oval.mitre.org/XMLSchema/oval-definitions-5#independent", oval + "/independent-definitions-schema.xsd"},
		{"http://oval.mitre.org/XMLSchema/oval-definitions-5#unix", oval + "/unix-definitions-schema.xsd"},
		{"urn:stigscan:oval-definitions-5#mysql", filepath.Join(testutil.RepoRoot(t), "docs", "schemas", "stigscan-mysql-definitions.xsd")},
	} {
		fmt.Fprintf(&b, `<xsd:import namespace="%s" schemaLocation="%s"/>`, im[0], im[1])
	}
	b.WriteString(`</xsd:schema>`)
	wrapper := filepath.Join(dir, "oval.xsd")
	require.NoError(t, os.WriteFile(wrapper, []byte(b.String()), 0o644))
	for _, tc := range []struct{ file, schema string }{
		{builtin.MariaDB10xBenchmark, officialSchemas + "/xccdf/1.2/xccdf_1.2.xsd"},
		{"mariadb-10x-oval.xml", wrapper},
	} {
		t.Run(tc.file, func(t *testing.T) {
			data, err := builtin.Read(tc.file)
			require.NoError(t, err)
			p := filepath.Join(dir, tc.file)
			require.NoError(t, os.WriteFile(p, data, 0o644))
			out, err := exec.Command("xmllint", "--noout", "--schema", tc.schema, p).CombinedOutput()
			require.NoError(t, err, "%s", out)
		})
	}
}
