package mysql_test

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/oval"
	"github.com/stigscan/stigscan/oval/probes/mysql"
)

// fileModeDoc is the pattern of docs/oval-mysql.md "Files and
// directories": the data directory the option files name, checked with a
// unix file_test for other-read and other-write.
const fileModeDoc = `<?xml version="1.0"?>
<oval_definitions ` + ns + ` xmlns:unix="http://oval.mitre.org/XMLSchema/oval-definitions-5#unix">
<generator><oval:schema_version>5.11.2</oval:schema_version><oval:timestamp>2026-01-01T00:00:00</oval:timestamp></generator>
<definitions><definition id="oval:t:def:1" version="1" class="compliance"><metadata><title>t</title><description>t</description></metadata>
<criteria><criterion test_ref="oval:t:tst:1"/></criteria></definition></definitions>
<tests><unix:file_test id="oval:t:tst:1" version="1" comment="the data directory is not readable or writable by others" check="all" check_existence="at_least_one_exists">
  <unix:object object_ref="oval:t:obj:2"/><unix:state state_ref="oval:t:ste:1"/></unix:file_test></tests>
<objects>
  <my:mycnf_object id="oval:t:obj:1" version="1"><my:behaviors server="mariadb"/><my:option>datadir</my:option></my:mycnf_object>
  <unix:file_object id="oval:t:obj:2" version="1"><unix:path var_ref="oval:t:var:1"/><unix:filename xsi:nil="true" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/></unix:file_object>
</objects>
<states><unix:file_state id="oval:t:ste:1" version="1"><unix:oread datatype="boolean">false</unix:oread><unix:owrite datatype="boolean">false</unix:owrite></unix:file_state></states>
<variables><local_variable id="oval:t:var:1" version="1" datatype="string" comment="datadir in the option files">
  <object_component object_ref="oval:t:obj:1" item_field="value"/></local_variable></variables>
</oval_definitions>`

func TestFileModes(t *testing.T) {
	for _, tc := range []struct {
		name string
		mode os.FileMode
		want oval.Result
	}{
		{"0750 passes", 0o750, oval.True},
		{"0755 fails", 0o755, oval.False},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, dir := root(t, map[string]string{"/etc/mysql/my.cnf": "[mysqld]\ndatadir = /var/lib/mysql\n[mariadb]\ndatadir = /srv/mysql\n", "/srv/mysql/ibdata1": ""})
			require.NoError(t, os.Chmod(filepath.Join(dir, "srv/mysql"), tc.mode))
			defs, err := oval.Parse(strings.NewReader(fileModeDoc), "t.xml")
			require.NoError(t, err)
			probes := oval.BuiltinProbes()
			maps.Copy(probes, mysql.Probes())
			p, err := oval.Prepare(defs, oval.Options{Probes: probes})
			require.NoError(t, err)
			require.Empty(t, p.Problems())
			res, err := p.Evaluate(context.Background(), h, nil)
			require.NoError(t, err)
			d := res.Definition("oval:t:def:1")
			require.NotNil(t, d)
			assert.Equal(t, tc.want, d.Result)
			var paths []string
			for _, it := range res.Items {
				for _, f := range it.Fields {
					if it.Type == "file_item" && f.Name == "path" {
						paths = append(paths, f.Value)
					}
				}
			}
			assert.Equal(t, []string{"/srv/mysql"}, paths, "the datadir in effect, the [mariadb] one")
		})
	}
}
