package oracle_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/local"
	"github.com/stigscan/stigscan/collectors/oracle/netconf"
	"github.com/stigscan/stigscan/oval"
	"github.com/stigscan/stigscan/oval/probes/oracle"
)

const home = "/u01/app/oracle/product/12.1.0/dbhome_1"

func root(t *testing.T, files map[string]string) *local.Host {
	t.Helper()
	dir := t.TempDir()
	for p, data := range files {
		require.NoError(t, os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, p), []byte(data), 0o644))
	}
	h, err := local.NewRoot(dir)
	require.NoError(t, err)
	return h
}

// located is a host that says where its Oracle Net files are, as
// collectors/oracle.Target does.
type located struct {
	host.Host
	loc netconf.Location
}

func (l located) OracleNet(context.Context) (netconf.Location, error) { return l.loc, nil }

// collect evaluates one object (its inner XML) and returns the flag and the
// items as "field=value ..." lines, sorted.
func collect(t *testing.T, h host.Host, typ, body string) (string, []string, []oval.Message) {
	t.Helper()
	doc := `<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5" xmlns:ora="` + oracle.Namespace + `">
<definitions><definition id="oval:t:def:1" version="1" class="compliance"><metadata><title>t</title><description>t</description></metadata>
<criteria><criterion test_ref="oval:t:tst:1"/></criteria></definition></definitions>
<tests><ora:` + typ + `_test id="oval:t:tst:1" version="1" check="all" check_existence="any_exist"><ora:object object_ref="oval:t:obj:1"/></ora:` + typ + `_test></tests>
<objects><ora:` + typ + `_object id="oval:t:obj:1" version="1">` + body + `</ora:` + typ + `_object></objects>
</oval_definitions>`
	defs, err := oval.Parse(strings.NewReader(doc), "t.xml")
	require.NoError(t, err)
	p, err := oval.Prepare(defs, oval.Options{Probes: oracle.Probes()})
	require.NoError(t, err)
	require.Empty(t, p.Problems())
	res, err := p.Evaluate(context.Background(), h, nil)
	require.NoError(t, err)
	require.Len(t, res.Objects, 1)
	obj := res.Objects[0]
	byID := map[int]*oval.Item{}
	for _, it := range res.Items {
		byID[it.ID] = it
	}
	var lines []string
	for _, id := range obj.ItemIDs {
		it := byID[id]
		assert.Equal(t, oracle.Family, it.Family)
		var parts []string
		for _, f := range it.Fields {
			if f.Status != "" && f.Status != "exists" {
				parts = append(parts, f.Name+" ("+f.Status+")")
				continue
			}
			parts = append(parts, f.Name+"="+f.Value)
		}
		lines = append(lines, strings.Join(parts, " "))
	}
	sort.Strings(lines)
	return obj.Flag, lines, obj.Messages
}

func TestSqlnetObject(t *testing.T) {
	nd := home + "/network/admin"
	files := map[string]string{
		"/etc/oratab":                 "ORCL:" + home + ":Y\n",
		nd + "/sqlnet.ora":            "SQLNET.EXPIRE_TIME = 10\nsqlnet.expire_time = 5\nNAMES.DIRECTORY_PATH = (TNSNAMES, EZCONNECT)\nIFILE = site.ora\n",
		nd + "/site.ora":              "SQLNET.INBOUND_CONNECT_TIMEOUT = 60\n",
		nd + "/listener.ora":          "LISTENER = (DESCRIPTION = (ADDRESS = (PROTOCOL = TCPS)(PORT = 2484)))\nJUNK\n",
		home + "/ldap/admin/fips.ora": "SSLFIPS_140=TRUE\n",
		"/etc/other/custom.ora":       "A = 1\n",
	}
	h := root(t, files)
	tests := []struct {
		name  string
		body  string
		flag  string
		items []string
		note  string
	}{
		{name: "active sqlnet.ora, the last setting wins, case-insensitive name",
			body: `<ora:filepath>active</ora:filepath><ora:parameter>SQLNET.Expire_Time</ora:parameter>`, flag: "complete",
			items: []string{"filepath=" + nd + "/sqlnet.ora parameter=SQLNET.EXPIRE_TIME value=5 element=5"}},
		{name: "a list with its elements", body: `<ora:filepath>active</ora:filepath><ora:parameter>names.directory_path</ora:parameter>`, flag: "complete",
			items: []string{"filepath=" + nd + "/sqlnet.ora parameter=NAMES.DIRECTORY_PATH value=(TNSNAMES, EZCONNECT) element=TNSNAMES element=EZCONNECT"}},
		{name: "a parameter from an IFILE", body: `<ora:filepath>active</ora:filepath><ora:parameter>SQLNET.INBOUND_CONNECT_TIMEOUT</ora:parameter>`, flag: "complete",
			items: []string{"filepath=" + nd + "/site.ora parameter=SQLNET.INBOUND_CONNECT_TIMEOUT value=60 element=60"}},
		{name: "nested parameters by pattern, and a parse problem noted", body: `<ora:filepath>listener.ora</ora:filepath><ora:parameter operation="pattern match">/(PROTOCOL|PORT)$</ora:parameter>`, flag: "complete",
			items: []string{
				"filepath=" + nd + "/listener.ora parameter=LISTENER/DESCRIPTION/ADDRESS/PORT value=2484 element=2484",
				"filepath=" + nd + "/listener.ora parameter=LISTENER/DESCRIPTION/ADDRESS/PROTOCOL value=TCPS element=TCPS",
			}, note: "listener.ora:2: expected '=' after \"JUNK\""},
		{name: "every parameter", body: `<ora:filepath>$ORACLE_HOME/ldap/admin/fips.ora</ora:filepath>`, flag: "complete",
			items: []string{"filepath=" + home + "/ldap/admin/fips.ora parameter=SSLFIPS_140 value=TRUE element=TRUE"}},
		{name: "absolute path", body: `<ora:filepath>/etc/other/custom.ora</ora:filepath><ora:parameter>a</ora:parameter>`, flag: "complete",
			items: []string{"filepath=/etc/other/custom.ora parameter=A value=1 element=1"}},
		{name: "TNS_ADMIN-relative path", body: `<ora:filepath>$TNS_ADMIN/site.ora</ora:filepath>`, flag: "complete",
			items: []string{"filepath=" + nd + "/site.ora parameter=SQLNET.INBOUND_CONNECT_TIMEOUT value=60 element=60"}},
		{name: "a file that does not exist", body: `<ora:filepath>cman.ora</ora:filepath>`, flag: "does not exist", note: "file " + nd + "/cman.ora does not exist"},
		{name: "a parameter that is not set", body: `<ora:filepath>active</ora:filepath><ora:parameter>SQLNET.FIPS_140</ora:parameter>`, flag: "does not exist"},
		{name: "a relative path is refused", body: `<ora:filepath>net/sqlnet.ora</ora:filepath>`, flag: "error", note: "neither"},
		{name: "filepath only by equality", body: `<ora:filepath operation="pattern match">.*</ora:filepath>`, flag: "error", note: "operation equals"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			flag, items, msgs := collect(t, h, "sqlnet", tc.body)
			assert.Equal(t, tc.flag, flag, "%v", msgs)
			assert.Equal(t, tc.items, items)
			if tc.note != "" {
				var all []string
				for _, m := range msgs {
					all = append(all, m.Text)
				}
				assert.Contains(t, strings.Join(all, "\n"), tc.note)
			}
		})
	}
}

// The target's own answer is used when it has one; a host where nothing
// says where Oracle is gives "not collected" with the reason.
func TestLocation(t *testing.T) {
	h := root(t, map[string]string{"/etc/tns/sqlnet.ora": "SQLNET.EXPIRE_TIME = 3\n"})
	l := located{Host: h, loc: netconf.Location{Dir: "/etc/tns", Source: "the target's tns_admin setting"}}
	flag, items, _ := collect(t, l, "sqlnet", `<ora:filepath>active</ora:filepath>`)
	assert.Equal(t, "complete", flag)
	assert.Equal(t, []string{"filepath=/etc/tns/sqlnet.ora parameter=SQLNET.EXPIRE_TIME value=3 element=3"}, items)

	flag, items, _ = collect(t, l, "home", ``)
	assert.Equal(t, "complete", flag)
	assert.Equal(t, []string{"oracle_home (does not exist) tns_admin=/etc/tns source=the target's tns_admin setting"}, items)

	flag, _, msgs := collect(t, l, "sqlnet", `<ora:filepath>$ORACLE_HOME/ldap/admin/fips.ora</ora:filepath>`)
	assert.Equal(t, "not collected", flag)
	assert.Contains(t, fmt.Sprint(msgs), "ORACLE_HOME")

	flag, _, msgs = collect(t, root(t, map[string]string{"/etc/hostname": "x\n"}), "home", ``)
	assert.Equal(t, "not collected", flag)
	assert.Contains(t, fmt.Sprint(msgs), "no TNS_ADMIN or ORACLE_HOME found")

	flag, items, _ = collect(t, root(t, map[string]string{"/etc/oratab": "ORCL:" + home + ":Y\n"}), "home", ``)
	assert.Equal(t, "complete", flag)
	assert.Equal(t, []string{"oracle_home=" + home + " tns_admin=" + home + "/network/admin source=/etc/oratab"}, items)
}

// TestSqlnetIncludeThatCannotBeRead: Oracle Net reads an IFILE the scan
// could not (missing here, or unreadable on the server), and a setting
// there after the one the scan sees would be the one in effect. The
// object is an error naming the include, not a compliant value with a
// warning. Includes that were read are still followed.
func TestSqlnetIncludeThatCannotBeRead(t *testing.T) {
	nd := home + "/network/admin"
	for _, tc := range []struct{ name, sqlnet, flag, note string }{
		{name: "missing include after the setting", sqlnet: "SQLNET.EXPIRE_TIME = 10\nIFILE = gone.ora\n", flag: "error", note: "gone.ora"},
		{name: "the same include twice around the setting", sqlnet: "IFILE = site.ora\nSQLNET.EXPIRE_TIME = 10\nIFILE = site.ora\n", flag: "error", note: "site.ora"},
		{name: "include read", sqlnet: "SQLNET.EXPIRE_TIME = 10\nIFILE = site.ora\n", flag: "complete"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := root(t, map[string]string{
				"/etc/oratab":      "ORCL:" + home + ":Y\n",
				nd + "/sqlnet.ora": tc.sqlnet,
				nd + "/site.ora":   "SQLNET.EXPIRE_TIME = 0\n",
			})
			flag, items, msgs := collect(t, h, "sqlnet", `<ora:filepath>active</ora:filepath><ora:parameter>SQLNET.EXPIRE_TIME</ora:parameter>`)
			assert.Equal(t, tc.flag, flag, "%v %v", items, msgs)
			if tc.note != "" {
				var all []string
				for _, m := range msgs {
					all = append(all, m.Text)
				}
				assert.Contains(t, strings.Join(all, "\n"), tc.note)
			}
		})
	}
}
