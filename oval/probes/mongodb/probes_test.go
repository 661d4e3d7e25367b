package mongodb_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/oval"
	"github.com/stigscan/stigscan/oval/probes/mongodb"
)

// ovalDoc wraps one mongodb object in a definitions document whose only
// test reads it.
func ovalDoc(object string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5"
    xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xmlns:mdb="urn:stigscan:oval-definitions-5#mongodb">
  <generator><oval:schema_version>5.11.2</oval:schema_version><oval:timestamp>2026-11-22T00:00:00</oval:timestamp></generator>
  <definitions>
    <definition id="oval:t:def:1" version="1" class="compliance">
      <metadata><title>t</title><description>t</description></metadata>
      <criteria><criterion test_ref="oval:t:tst:1"/></criteria>
    </definition>
  </definitions>
  <tests><mdb:command_test id="oval:t:tst:1" version="1" check="all" check_existence="any_exist" comment="t"><mdb:object object_ref="oval:t:obj:1"/></mdb:command_test></tests>
  <objects>` + object + `</objects>
</oval_definitions>`
}

func evaluate(t *testing.T, h host.Host, object string) *oval.Results {
	t.Helper()
	defs, err := oval.Parse(strings.NewReader(ovalDoc(object)), "probe-test.xml")
	require.NoError(t, err)
	now := func() time.Time { return fixedTime }
	p, err := oval.Prepare(defs, oval.Options{Probes: mongodb.Probes(mongodb.Options{Now: now}), Now: now})
	require.NoError(t, err)
	require.Empty(t, p.Problems())
	res, err := p.Evaluate(context.Background(), h, nil)
	require.NoError(t, err)
	return res
}

// render writes an item as "type name=value name=value", datatypes other
// than string in brackets, a nil value as (nil).
func render(it *oval.Item) string {
	parts := []string{it.Type}
	for _, f := range it.Fields {
		v := f.Value
		if f.Nil {
			v = "(nil)"
		}
		if f.Datatype != "" && f.Datatype != "string" {
			v += "[" + f.Datatype + "]"
		}
		parts = append(parts, f.Name+"="+v)
	}
	return strings.Join(parts, " ")
}

func replays(t *testing.T, sets ...string) *replay {
	t.Helper()
	var dirs []string
	for _, s := range sets {
		dirs = append(dirs, filepath.Join("testdata", s))
	}
	return loadReplay(t, dirs...)
}

// The probes read the documented reply shapes of a real mongod 4.4 (and
// DISA's own $listSessions example) into the items the checks compare.
func TestProbesOnRecordedReplies(t *testing.T) {
	documented := replays(t, "mongod44", "stig-pass")
	storyIdle := int64(fixedTime.Sub(time.Date(2021, 9, 23, 23, 34, 43, 951e6, time.UTC)) / time.Minute)
	network := networkOnly{replay: documented, Unavailable: host.Unavailable{Name: "mongodb://scan@db:27017/admin", Reason: "no SSH access configured"}}
	tests := []struct {
		name    string
		h       host.Host
		object  string
		flag    string
		items   []string
		message string
	}{
		{name: "command scalar", h: documented,
			object: `<mdb:command_object id="oval:t:obj:1" version="1"><mdb:database>admin</mdb:database><mdb:command>{"getParameter": "*"}</mdb:command><mdb:path>localLogicalSessionTimeoutMinutes</mdb:path></mdb:command_object>`,
			flag:   oval.FlagComplete, items: []string{`command_item database=admin command={"getParameter": "*"} path=localLogicalSessionTimeoutMinutes value=15[int]`}},
		{name: "command array expanded", h: documented,
			object: `<mdb:command_object id="oval:t:obj:1" version="1"><mdb:database>admin</mdb:database><mdb:command>{"usersInfo": {"forAllDBs": true}}</mdb:command><mdb:path>users.roles.role</mdb:path></mdb:command_object>`,
			flag:   oval.FlagComplete, items: []string{
				`command_item database=admin command={"usersInfo": {"forAllDBs": true}} path=users.roles.role value=appRW`,
				`command_item database=admin command={"usersInfo": {"forAllDBs": true}} path=users.roles.role value=root`,
				`command_item database=admin command={"usersInfo": {"forAllDBs": true}} path=users.roles.role value=clusterMonitor`,
				// the fourth value (appRW again) is the same item: OVAL keeps one
			}},
		{name: "command path pattern", h: documented,
			object: `<mdb:command_object id="oval:t:obj:1" version="1"><mdb:database>admin</mdb:database><mdb:command>{"serverStatus": 1}</mdb:command><mdb:path operation="pattern match">^encryptionAtRest\.</mdb:path></mdb:command_object>`,
			flag:   oval.FlagComplete, items: []string{
				`command_item database=admin command={"serverStatus": 1} path=encryptionAtRest.encryptionEnabled value=true[boolean]`,
				`command_item database=admin command={"serverStatus": 1} path=encryptionAtRest.encryptionKeyId value=8f2b1c3d`,
				`command_item database=admin command={"serverStatus": 1} path=encryptionAtRest.encryptionCipherMode value=AES256-GCM`,
			}},
		{name: "command on databases by pattern", h: documented,
			object: `<mdb:command_object id="oval:t:obj:1" version="1"><mdb:database operation="pattern match">^inv</mdb:database><mdb:command>{"rolesInfo": 1, "showPrivileges": true, "showBuiltinRoles": true}</mdb:command><mdb:path>roles.role</mdb:path></mdb:command_object>`,
			flag:   oval.FlagComplete, items: []string{
				`command_item database=inventory command={"rolesInfo": 1, "showPrivileges": true, "showBuiltinRoles": true} path=roles.role value=appRW`,
				`command_item database=inventory command={"rolesInfo": 1, "showPrivileges": true, "showBuiltinRoles": true} path=roles.role value=dbOwner`,
				`command_item database=inventory command={"rolesInfo": 1, "showPrivileges": true, "showBuiltinRoles": true} path=roles.role value=read`,
				`command_item database=inventory command={"rolesInfo": 1, "showPrivileges": true, "showBuiltinRoles": true} path=roles.role value=readWrite`,
			}},
		{name: "command path absent", h: documented,
			object: `<mdb:command_object id="oval:t:obj:1" version="1"><mdb:database>admin</mdb:database><mdb:command>{"getCmdLineOpts": 1}</mdb:command><mdb:path>parsed.net.http</mdb:path></mdb:command_object>`,
			flag:   oval.FlagDoesNotExist},
		{name: "command refused before sending", h: documented,
			object: `<mdb:command_object id="oval:t:obj:1" version="1"><mdb:database>admin</mdb:database><mdb:command>{"killAllSessions": []}</mdb:command><mdb:path>ok</mdb:path></mdb:command_object>`,
			flag:   oval.FlagError, message: `command "killAllSessions" refused`},
		{name: "parameters with their source", h: documented,
			object: `<mdb:parameter_object id="oval:t:obj:1" version="1"><mdb:name operation="pattern match">^(localLogicalSessionTimeoutMinutes|authenticationMechanisms|quiet)$</mdb:name></mdb:parameter_object>`,
			flag:   oval.FlagComplete, items: []string{
				`parameter_item name=authenticationMechanisms value=["SCRAM-SHA-256","PLAIN"] source=startup`,
				`parameter_item name=localLogicalSessionTimeoutMinutes value=15[int] source=startup`,
				`parameter_item name=quiet value=false[boolean] source=default or runtime`,
			}},
		{name: "mongod.conf setting", h: documented,
			object: `<mdb:mongodconf_object id="oval:t:obj:1" version="1"><mdb:path>net.tls.mode</mdb:path></mdb:mongodconf_object>`,
			flag:   oval.FlagComplete, items: []string{`mongodconf_item filepath=/etc/mongod.conf source=file path=net.tls.mode value=requireTLS`}},
		{name: "mongod.conf section and pattern", h: documented,
			object: `<mdb:mongodconf_object id="oval:t:obj:1" version="1"><mdb:path operation="pattern match">^security\.(ldap|authorization)</mdb:path></mdb:mongodconf_object>`,
			flag:   oval.FlagComplete, items: []string{
				`mongodconf_item filepath=/etc/mongod.conf source=file path=security.authorization value=enabled`,
				`mongodconf_item filepath=/etc/mongod.conf source=file path=security.ldap value={"servers":"ldap.example.mil","transportSecurity":"tls"}`,
				`mongodconf_item filepath=/etc/mongod.conf source=file path=security.ldap.servers value=ldap.example.mil`,
				`mongodconf_item filepath=/etc/mongod.conf source=file path=security.ldap.transportSecurity value=tls`,
			}},
		{name: "mongod.conf file itself", h: documented,
			object: `<mdb:mongodconf_object id="oval:t:obj:1" version="1"><mdb:path xsi:nil="true"/></mdb:mongodconf_object>`,
			flag:   oval.FlagComplete, items: []string{`mongodconf_item filepath=/etc/mongod.conf source=file`}},
		{name: "mongod.conf of the running server", h: documented,
			object: `<mdb:mongodconf_object id="oval:t:obj:1" version="1"><mdb:behaviors source="running"/><mdb:path>storage.journal.enabled</mdb:path></mdb:mongodconf_object>`,
			flag:   oval.FlagComplete, items: []string{`mongodconf_item filepath=/etc/mongod.conf source=getCmdLineOpts path=storage.journal.enabled value=true[boolean]`}},
		{name: "mongod.conf falls back to the running server", h: network,
			object: `<mdb:mongodconf_object id="oval:t:obj:1" version="1"><mdb:behaviors source="file_or_running"/><mdb:path>security.authorization</mdb:path></mdb:mongodconf_object>`,
			flag:   oval.FlagComplete, items: []string{`mongodconf_item filepath=/etc/mongod.conf source=getCmdLineOpts path=security.authorization value=enabled`},
			message: "getCmdLineOpts) are used instead"},
		{name: "mongod.conf file unreadable", h: network,
			object: `<mdb:mongodconf_object id="oval:t:obj:1" version="1"><mdb:path>security.authorization</mdb:path></mdb:mongodconf_object>`,
			flag:   oval.FlagNotCollected, message: "no SSH access configured"},
		{name: "DISA's $listSessions example", h: replays(t, "mongod44"),
			object: `<mdb:session_object id="oval:t:obj:1" version="1"/>`,
			flag:   oval.FlagComplete, items: []string{fmt.Sprintf(`session_item id=b3b50641-54c6-4d6d-a96e-a2239fadce3c user=jsmith@admin last_use=2021-09-23T23:34:43Z idle_minutes=%d[int]`, storyIdle)}},
		{name: "sessions by user", h: documented,
			object: `<mdb:session_object id="oval:t:obj:1" version="1"><mdb:user operation="pattern match">@admin$</mdb:user></mdb:session_object>`,
			flag:   oval.FlagComplete, items: []string{`session_item id=9d8c7b6a-5f4e-4d3c-b2a1-0e9d8c7b6a5f user=monitor@admin last_use=2026-11-22T11:59:30Z idle_minutes=0[int]`}},
		{name: "privileges resolved through roles", h: documented,
			object: `<mdb:privilege_object id="oval:t:obj:1" version="1"><mdb:action operation="pattern match">^(killAnySession|listSessions)$</mdb:action></mdb:privilege_object>`,
			flag:   oval.FlagComplete, items: []string{
				`privilege_item user=admin.admin role=admin.root action=killAnySession resource=cluster`,
				`privilege_item user=admin.admin role=admin.root action=listSessions resource=cluster`,
				`privilege_item user=admin.monitor role=admin.clusterMonitor action=listSessions resource=cluster`,
			}},
		{name: "privileges on a database", h: documented,
			object: `<mdb:privilege_object id="oval:t:obj:1" version="1"><mdb:user>inventory.app</mdb:user></mdb:privilege_object>`,
			flag:   oval.FlagComplete, items: []string{
				`privilege_item user=inventory.app role=inventory.appRW action=find resource=inventory.*`,
				`privilege_item user=inventory.app role=inventory.appRW action=insert resource=inventory.*`,
				`privilege_item user=inventory.app role=inventory.appRW action=remove resource=inventory.*`,
				`privilege_item user=inventory.app role=inventory.appRW action=update resource=inventory.*`,
			}},
		{name: "users by role", h: documented,
			object: `<mdb:user_object id="oval:t:obj:1" version="1"><mdb:role operation="pattern match">\.appRW$</mdb:role></mdb:user_object>`,
			flag:   oval.FlagComplete, items: []string{
				`user_item user=$external.CN=app-client,OU=Apps,O=Example,C=US role=inventory.appRW mechanism=external`,
				`user_item user=inventory.app role=inventory.appRW mechanism=SCRAM-SHA-256`,
			}},
		{name: "collections and validators", h: documented,
			object: `<mdb:collection_object id="oval:t:obj:1" version="1"><mdb:database>inventory</mdb:database></mdb:collection_object>`,
			flag:   oval.FlagComplete, items: []string{
				`collection_item database=inventory collection=orders type=collection has_validator=true[boolean] validator={"$jsonSchema":{"bsonType":"object","required":["sku","qty"]}}`,
				`collection_item database=inventory collection=products type=collection has_validator=true[boolean] validator={"sku":{"$type":"string"}}`,
				`collection_item database=inventory collection=system.views type=collection has_validator=false[boolean]`,
			}},
		{name: "certificates of a PEM file", h: documented,
			object: `<mdb:certificate_object id="oval:t:obj:1" version="1"><mdb:filepath>/etc/ssl/mongodb.pem</mdb:filepath></mdb:certificate_object>`,
			flag:   oval.FlagComplete, items: nil /* checked below: dates come from the fixture */},
		{name: "certificate file absent", h: documented,
			object: `<mdb:certificate_object id="oval:t:obj:1" version="1"><mdb:filepath>/etc/ssl/none.pem</mdb:filepath></mdb:certificate_object>`,
			flag:   oval.FlagDoesNotExist},
		{name: "server without rolesInfo", h: replays(t, "mongod44", "unsupported"),
			object: `<mdb:privilege_object id="oval:t:obj:1" version="1"/>`,
			flag:   oval.FlagError, message: "the server does not support rolesInfo"},
		{name: "server without $listSessions", h: replays(t, "mongod44", "unsupported"),
			object: `<mdb:session_object id="oval:t:obj:1" version="1"/>`,
			flag:   oval.FlagError, message: "the server does not support aggregate.$listSessions"},
		{name: "not a MongoDB target", h: host.Unavailable{Name: "ssh://host", Reason: "test"},
			object: `<mdb:parameter_object id="oval:t:obj:1" version="1"/>`,
			flag:   oval.FlagNotCollected, message: "is not a MongoDB target"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := evaluate(t, tc.h, tc.object)
			require.Len(t, res.Objects, 1)
			obj := res.Objects[0]
			var msgs []string
			for _, m := range obj.Messages {
				msgs = append(msgs, m.Text)
			}
			assert.Equal(t, tc.flag, obj.Flag, "messages: %v", msgs)
			if tc.message != "" {
				assert.Contains(t, strings.Join(msgs, "\n"), tc.message)
			}
			var got []string
			for _, it := range res.Items {
				got = append(got, render(it))
			}
			if tc.items != nil {
				assert.Equal(t, tc.items, got)
			}
			if tc.name == "certificates of a PEM file" {
				require.Len(t, got, 2)
				assert.Contains(t, got[0], "subject=CN=mongodb.example.mil,OU=USN,OU=PKI,OU=DoD,O=U.S. Government,C=US issuer=CN=DOD SW CA-99 (stigscan test),OU=PKI,OU=DoD,O=U.S. Government,C=US")
				assert.Contains(t, got[0], "is_ca=false[boolean] self_signed=false[boolean]")
				assert.Contains(t, got[1], "index=2[int]")
				assert.Contains(t, got[1], "is_ca=true[boolean] self_signed=true[boolean]")
			}
		})
	}
}

// Items of the mongodb family are written under stigscan's own system
// characteristics namespace and read back: a results document replays to
// the same results.
func TestResultsRoundTrip(t *testing.T) {
	h := replays(t, "mongod44")
	object := `<mdb:session_object id="oval:t:obj:1" version="1"/>`
	res := evaluate(t, h, object)
	out, err := oval.ResultsBytes(res, oval.WriteOptions{})
	require.NoError(t, err)
	assert.Contains(t, string(out), `xmlns:mongodb-sys="urn:stigscan:oval-system-characteristics-5#mongodb"`)
	assert.Contains(t, string(out), `<mongodb-sys:session_item id="1">`)
	sc, err := oval.ReadSystemCharacteristics(bytes.NewReader(out), "results.xml")
	require.NoError(t, err)
	defs, err := oval.Parse(strings.NewReader(ovalDoc(object)), "probe-test.xml")
	require.NoError(t, err)
	p, err := oval.Prepare(defs, oval.Options{SystemCharacteristics: sc, Probes: mongodb.Probes(mongodb.Options{})})
	require.NoError(t, err)
	again, err := p.Evaluate(context.Background(), host.Unavailable{Name: "replay"}, nil)
	require.NoError(t, err)
	require.Len(t, again.Items, 1)
	assert.Equal(t, render(res.Items[0]), render(again.Items[0]))
	assert.Equal(t, "mongodb", again.Items[0].Family)
}
