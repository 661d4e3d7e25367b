package builtin

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/builtin/internal/checkgen"
	"github.com/stigscan/stigscan/xccdf"
)

// TestOneTailoringServesEveryRelease: a tailoring file that sets every
// Value of a product's catalog applies, without a problem, to the
// benchmark of each release of that product, and each set-value reaches
// the selection, so a site keeps one file for its 12c and 19c servers.
func TestOneTailoringServesEveryRelease(t *testing.T) {
	src, err := checkgen.Load(".")
	require.NoError(t, err)
	for _, r := range src.Releases {
		t.Run(r.Name, func(t *testing.T) {
			cat := src.Catalogs[r.Catalog]
			require.NotNil(t, cat, r.Catalog)
			var sets strings.Builder
			want := map[string]string{}
			for _, v := range cat.Values {
				id := cat.ValuePrefix + v.Key
				want[id] = v.Default
				fmt.Fprintf(&sets, "    <xccdf:set-value idref=%q>%s</xccdf:set-value>\n", id, xmlEsc(v.Default))
			}
			path := filepath.Join(t.TempDir(), "site-tailoring.xml")
			doc := `<?xml version="1.0" encoding="UTF-8"?>
<xccdf:Tailoring xmlns:xccdf="http://checklists.nist.gov/xccdf/1.2" id="xccdf_org.example_tailoring_site">
  <xccdf:version time="2026-12-07T00:00:00">1</xccdf:version>
  <xccdf:Profile id="xccdf_org.example_profile_site">
    <xccdf:title>Site limits for every ` + cat.Name + ` release</xccdf:title>
` + sets.String() + `  </xccdf:Profile>
</xccdf:Tailoring>
`
			require.NoError(t, os.WriteFile(path, []byte(doc), 0o644))
			tl, err := xccdf.OpenTailoring(path)
			require.NoError(t, err)
			c, err := Open(r.XCCDFFile, xccdf.Options{})
			require.NoError(t, err)
			sel, err := xccdf.Resolve(c.Benchmark, tl, "xccdf_org.example_profile_site")
			require.NoError(t, err)
			assert.Empty(t, sel.Problems, "a set-value of the %s catalog is unknown to %s", cat.Name, r.Name)
			for id, v := range want {
				assert.Equal(t, v, sel.Values[id], id)
			}
		})
	}
}

func xmlEsc(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
