package oval

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/local"
)

const maskDocHead = `<?xml version="1.0"?>
<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5" xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5" xmlns:ind="http://oval.mitre.org/XMLSchema/oval-definitions-5#independent" xmlns:unix="http://oval.mitre.org/XMLSchema/oval-definitions-5#unix">
<generator><oval:schema_version>5.11.2</oval:schema_version><oval:timestamp>2026-01-01T00:00:00</oval:timestamp></generator>
`

func evalMaskDoc(t *testing.T, root, doc string, opts Options) (*Results, string) {
	t.Helper()
	defs, err := Parse(strings.NewReader(doc), "mask.xml")
	require.NoError(t, err)
	p, err := Prepare(defs, opts)
	require.NoError(t, err)
	h, err := local.NewRoot(root)
	require.NoError(t, err)
	r, err := p.Evaluate(context.Background(), h, nil)
	require.NoError(t, err)
	out, err := ResultsBytes(r, WriteOptions{ProductVersion: "test"})
	require.NoError(t, err)
	return r, string(out)
}

// TestMaskedValueNotInCompareMessage: a comparison of a masked value that
// fails (compareValues quotes the value it could not read) gives a message
// without the value; the message goes on to the XCCDF, JSON and checklist
// outputs.
func TestMaskedValueNotInCompareMessage(t *testing.T) {
	const secret = "s3cr3t-token-value"
	root := t.TempDir()
	writeFile(t, root, "etc/app.conf", "session_timeout = "+secret+"\n", 0o644)
	doc := maskDocHead + `<definitions>
<definition id="oval:t:def:1" version="1" class="compliance"><metadata><title>t</title><description>d</description></metadata><criteria><criterion test_ref="oval:t:tst:1"/></criteria></definition>
</definitions><tests>
<ind:textfilecontent54_test id="oval:t:tst:1" version="1" comment="c" check="all"><ind:object object_ref="oval:t:obj:1"/><ind:state state_ref="oval:t:ste:1"/></ind:textfilecontent54_test>
</tests><objects>
<ind:textfilecontent54_object id="oval:t:obj:1" version="1"><ind:filepath>/etc/app.conf</ind:filepath><ind:pattern operation="pattern match">^session_timeout = (.*)$</ind:pattern><ind:instance datatype="int">1</ind:instance></ind:textfilecontent54_object>
</objects><states>
<ind:textfilecontent54_state id="oval:t:ste:1" version="1"><ind:text mask="true" operation="pattern match">.</ind:text><ind:subexpression mask="true" datatype="int" operation="less than or equal">900</ind:subexpression></ind:textfilecontent54_state>
</states></oval_definitions>`
	_, out := evalMaskDoc(t, root, doc, Options{})
	assert.NotContains(t, out, secret, "a masked value is written in a <message>")
}

// TestPasswdHashMasked: a host whose /etc/passwd holds hashes (what
// accounts_password_all_shadowed looks for) does not have them written.
func TestPasswdHashMasked(t *testing.T) {
	const hash = "$6$saltsalt$PasswdFileHashThatMustNotLeave0123456789"
	root := t.TempDir()
	writeFile(t, root, "etc/passwd", "root:"+hash+":0:0:root:/root:/bin/sh\n", 0o644)
	doc := maskDocHead + `<definitions>
<definition id="oval:t:def:1" version="1" class="compliance"><metadata><title>t</title><description>d</description></metadata><criteria><criterion test_ref="oval:t:tst:1"/></criteria></definition>
</definitions><tests>
<unix:password_test id="oval:t:tst:1" version="1" comment="c" check="all" check_existence="any_exist"><unix:object object_ref="oval:t:obj:1"/><unix:state state_ref="oval:t:ste:1"/></unix:password_test>
</tests><objects>
<unix:password_object id="oval:t:obj:1" version="1"><unix:username operation="pattern match">.*</unix:username></unix:password_object>
</objects><states>
<unix:password_state id="oval:t:ste:1" version="1"><unix:password>x</unix:password></unix:password_state>
</states></oval_definitions>`
	r, out := evalMaskDoc(t, root, doc, Options{})
	assert.Equal(t, False, r.Definition("oval:t:def:1").Result)
	assert.NotContains(t, out, "saltsalt", "a password hash from /etc/passwd is written")
}

// TestReplayOfMaskedResults: results stigscan wrote, replayed as system
// characteristics, hold no value where a field was masked; a state
// compared with it is an error, never the comparison of an empty value
// (which would turn the passing shadow check into a failure).
func TestReplayOfMaskedResults(t *testing.T) {
	const hash = "$6$rounds=5000$saltsalt$Zk3Q9nV1c0ldHashValue0123456789abcdef"
	root := t.TempDir()
	writeFile(t, root, "etc/shadow", "root:"+hash+":19000:0:99999:7:::\n", 0o600)
	doc := maskDocHead + `<definitions>
<definition id="oval:t:def:1" version="1" class="compliance"><metadata><title>t</title><description>d</description></metadata><criteria><criterion test_ref="oval:t:tst:1"/></criteria></definition>
</definitions><tests>
<unix:shadow_test id="oval:t:tst:1" version="1" comment="c" check="all" check_existence="at_least_one_exists"><unix:object object_ref="oval:t:obj:1"/><unix:state state_ref="oval:t:ste:1"/></unix:shadow_test>
</tests><objects>
<unix:shadow_object id="oval:t:obj:1" version="1"><unix:username>root</unix:username></unix:shadow_object>
</objects><states>
<unix:shadow_state id="oval:t:ste:1" version="1"><unix:password operation="pattern match">^\$6\$</unix:password></unix:shadow_state>
</states></oval_definitions>`
	r, out := evalMaskDoc(t, root, doc, Options{})
	require.Equal(t, True, r.Definition("oval:t:def:1").Result)
	sc, err := ReadSystemCharacteristics(bytes.NewReader([]byte(out)), "results.xml")
	require.NoError(t, err)
	r2, _ := evalMaskDoc(t, root, doc, Options{SystemCharacteristics: sc})
	assert.NotEqual(t, False, r2.Definition("oval:t:def:1").Result,
		"a replayed masked value is compared as empty: want True, or at least error/unknown, never False")
}

// TestMaskedLineOfTextfilecontentState: a deprecated
// textfilecontent_state's line entity is compared with the item's text, so
// masking it masks the matched text.
func TestMaskedLineOfTextfilecontentState(t *testing.T) {
	const secret = "db_password=hunter2-do-not-write"
	root := t.TempDir()
	writeFile(t, root, "etc/app.conf", secret+"\n", 0o644)
	doc := maskDocHead + `<definitions>
<definition id="oval:t:def:1" version="1" class="compliance"><metadata><title>t</title><description>d</description></metadata><criteria><criterion test_ref="oval:t:tst:1"/></criteria></definition>
</definitions><tests>
<ind:textfilecontent_test id="oval:t:tst:1" version="1" comment="c" check="all"><ind:object object_ref="oval:t:obj:1"/><ind:state state_ref="oval:t:ste:1"/></ind:textfilecontent_test>
</tests><objects>
<ind:textfilecontent_object id="oval:t:obj:1" version="1"><ind:path>/etc</ind:path><ind:filename>app.conf</ind:filename><ind:line operation="pattern match">^db_password=</ind:line></ind:textfilecontent_object>
</objects><states>
<ind:textfilecontent_state id="oval:t:ste:1" version="1"><ind:line mask="true" operation="pattern match">^db_password=.+$</ind:line></ind:textfilecontent_state>
</states></oval_definitions>`
	r, out := evalMaskDoc(t, root, doc, Options{})
	assert.Equal(t, True, r.Definition("oval:t:def:1").Result)
	assert.NotContains(t, out, "hunter2", "the line the masked state entity compared is written")
}
