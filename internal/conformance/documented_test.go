package conformance_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/internal/conformance"
)

func TestDocumentedOnlyDifferenceTables(t *testing.T) {
	md := `# Doc

| file / profile | items | before | now |
|---|---|---|---|
| ` + "`standard`" + ` | 44 rules | 88.64% | 100% |

| id | oscap | stigscan | cause |
|---|---|---|---|
| ` + "`oval:a:def:1`" + ` | false | true | oscap is wrong |
| oval:a:def:2 | error | false | no cause given below |
| oval:a:def:3 | true | false | |

Between tables.

| object type | offline, OpenSCAP | offline, stigscan | effect |
|---|---|---|---|
| ` + "`unix:uname_object`" + ` | not applicable | not applicable | six definitions |

| ID | oscap | stigscan | Cause |
|:--|:--:|--:|---|
| xccdf_r_1 | pass | fail | a second table of differences |
`
	got := conformance.Documented([]byte(md))
	assert.Equal(t, map[conformance.Diff]string{
		{ID: "oval:a:def:1", Oscap: "false", Ours: "true"}:  "oscap is wrong",
		{ID: "oval:a:def:2", Oscap: "error", Ours: "false"}: "no cause given below",
		{ID: "xccdf_r_1", Oscap: "pass", Ours: "fail"}:      "a second table of differences",
	}, got, "only the tables of differences are read; a row without a cause explains nothing")
}

// docs/conformance.md explains two differences; its other tables (the
// agreement figures, offline behaviour, content errors) are not read as
// differences, which made make conformance warn of 16 differences "this
// run did not show".
func TestDocumentedConformanceDoc(t *testing.T) {
	md, err := os.ReadFile(filepath.Join("..", "..", "docs", "conformance.md"))
	require.NoError(t, err)
	got := conformance.Documented(md)
	require.Len(t, got, 2, "%v", got)
	for d, cause := range got {
		assert.True(t, strings.HasPrefix(d.ID, "oval:ssg-") || strings.HasPrefix(d.ID, "xccdf_"), "an OVAL or XCCDF id: %q", d.ID)
		assert.Equal(t, "false", d.Oscap)
		assert.Equal(t, "true", d.Ours)
		assert.NotEmpty(t, cause)
	}
	assert.Contains(t, got, conformance.Diff{ID: "oval:ssg-installed_env_has_login_defs:def:1", Oscap: "false", Ours: "true"})
}
