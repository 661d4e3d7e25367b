package sqlguard

import (
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/internal/testutil"
)

// TestMySQLBuiltinQueriesAccepted: every statement of the built-in MySQL
// 8.0 checks (builtin/mysql-8-oval.xml) passes the MySQL guard as
// written, those built with an organization-defined number with a number
// in its place, so no check is refused on a real server.
func TestMySQLBuiltinQueriesAccepted(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(testutil.RepoRoot(t), "builtin", "mysql-8-oval.xml"))
	require.NoError(t, err)
	var queries []string
	dec := xml.NewDecoder(strings.NewReader(string(data)))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "sql":
			var q string
			require.NoError(t, dec.DecodeElement(&q, &se))
			if strings.TrimSpace(q) != "" {
				queries = append(queries, q)
			}
		case "concat":
			// An organization-defined number spliced into the SQL: the
			// literal parts around a number.
			var c struct {
				Inner string `xml:",innerxml"`
			}
			require.NoError(t, dec.DecodeElement(&c, &se))
			s := regexp.MustCompile(`<variable_component[^>]*/>`).ReplaceAllString(c.Inner, "50")
			s = regexp.MustCompile(`</?literal_component>`).ReplaceAllString(s, "")
			var q string
			require.NoError(t, xml.Unmarshal([]byte("<q>"+s+"</q>"), &q))
			queries = append(queries, q)
		}
	}
	assert.Greater(t, len(queries), 40, "sql57 statements found")
	for _, q := range queries {
		assert.NoError(t, CheckDialect(MySQL, q), q)
	}
}
