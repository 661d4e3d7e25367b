package mysql_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/internal/testutil"
	"github.com/stigscan/stigscan/oval"
	"github.com/stigscan/stigscan/oval/probes/mysql"
)

// officialSchemas is where Debian's openscap-common puts the OVAL 5.11.2
// schemas.
const officialSchemas = "/usr/share/openscap/schemas/oval/5.11.2"

// validate checks docs (by file name) against the official OVAL schemas and stigscan's
// mysql schemas (docs/schemas) with xmllint.
func validate(t *testing.T, docs map[string][]byte) {
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
		{"http://oval.mitre.org/XMLSchema/oval-definitions-5#unix", officialSchemas + "/unix-definitions-schema.xsd"},
		{"http://oval.mitre.org/XMLSchema/oval-system-characteristics-5#unix", officialSchemas + "/unix-system-characteristics-schema.xsd"},
		{mysql.Namespace, own + "/stigscan-mysql-definitions.xsd"},
		{"urn:stigscan:oval-system-characteristics-5#mysql", own + "/stigscan-mysql-system-characteristics.xsd"},
	}
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:stigscan:test-wrapper" elementFormDefault="qualified">`)
	for _, im := range imports {
		fmt.Fprintf(&b, `<xsd:import namespace="%s" schemaLocation="%s"/>`, im[0], im[1])
	}
	b.WriteString(`</xsd:schema>`)
	dir := t.TempDir()
	wrapper := filepath.Join(dir, "wrapper.xsd")
	require.NoError(t, os.WriteFile(wrapper, []byte(b.String()), 0o600))
	args := []string{"--noout", "--nonet", "--schema", wrapper}
	for name, doc := range docs {
		file := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(file, doc, 0o600))
		args = append(args, file)
	}
	out, err := exec.Command(xmllint, args...).CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.NotContains(t, string(out), "validity error")
}

// Definitions written with every entity and the behavior, and the OVAL
// results of evaluating them (mycnf_items in stigscan's namespace), are
// valid against the official OVAL 5.11.2 schemas and docs/schemas.
func TestSchemas(t *testing.T) {
	objects := []string{
		`<my:behaviors server="mariadb-10.11"/><my:option>require_secure_transport</my:option>`,
		fp("/etc/mysql/my.cnf") + `<my:file operation="pattern match">^/etc/mysql/</my:file><my:group>mariadb</my:group><my:option operation="pattern match">^ssl_</my:option>`,
		`<my:behaviors server="mysql"/>`,
		`<my:behaviors server="target"/>`,
	}
	h, _ := root(t, map[string]string{"/etc/mysql/my.cnf": "[mariadb]\nrequire_secure_transport=ON\nssl_cert=/etc/mysql/cert.pem\nskip-grant-tables\nloose-server_audit_logging=ON\n"})
	docs := map[string][]byte{"file-modes.xml": []byte(fileModeDoc)}
	for i, obj := range objects {
		doc := document(obj, `<my:file>/etc/mysql/my.cnf</my:file><my:line datatype="int" operation="greater than">0</my:line><my:group>mariadb</my:group><my:option operation="pattern match">.</my:option><my:loose datatype="boolean">false</my:loose><my:value operation="pattern match">.*</my:value>`)
		docs[fmt.Sprintf("definitions-%d.xml", i)] = []byte(doc)
		res := evaluate(t, h, doc, oval.Limits{})
		out, err := oval.ResultsBytes(res, oval.WriteOptions{})
		require.NoError(t, err)
		if i < 2 {
			require.Contains(t, string(out), "mysql-sys:mycnf_item")
		}
		docs[fmt.Sprintf("results-%d.xml", i)] = out
	}
	validate(t, docs)
}
