package oval

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/local"
)

// TestMaskedValuesStayOutOfResults: password hashes from /etc/shadow, and
// entities the content marks mask="true" (on the object or on a state),
// are compared as usual but written as mask="true" with no value, and the
// results still validate against the OVAL schemas.
func TestMaskedValuesStayOutOfResults(t *testing.T) {
	const hash = "$6$rounds=5000$saltsalt$Zk3Q9nV1c0ldHashValueThatMustNotLeaveTheHost0123456789abcdef"
	const token = "token-in-a-config-file-0123456789"
	root := t.TempDir()
	writeFile(t, root, "etc/shadow", "root:"+hash+":19000:0:99999:7:::\nsvc:!:19000::::::\n", 0o600)
	writeFile(t, root, "etc/app.conf", "api_token = "+token+"\n", 0o644)
	doc := `<?xml version="1.0"?>
<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5" xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5" xmlns:ind="http://oval.mitre.org/XMLSchema/oval-definitions-5#independent" xmlns:unix="http://oval.mitre.org/XMLSchema/oval-definitions-5#unix">
<generator><oval:schema_version>5.11.2</oval:schema_version><oval:timestamp>2026-01-01T00:00:00</oval:timestamp></generator>
<definitions>
<definition id="oval:t:def:1" version="1" class="compliance"><metadata><title>sha512 hashes</title><description>d</description></metadata><criteria><criterion test_ref="oval:t:tst:1"/></criteria></definition>
<definition id="oval:t:def:2" version="1" class="compliance"><metadata><title>token set</title><description>d</description></metadata><criteria><criterion test_ref="oval:t:tst:2"/></criteria></definition>
</definitions>
<tests>
<unix:shadow_test id="oval:t:tst:1" version="1" comment="c" check="all" check_existence="at_least_one_exists"><unix:object object_ref="oval:t:obj:1"/><unix:state state_ref="oval:t:ste:1"/></unix:shadow_test>
<ind:textfilecontent54_test id="oval:t:tst:2" version="1" comment="c" check="all"><ind:object object_ref="oval:t:obj:2"/><ind:state state_ref="oval:t:ste:2"/></ind:textfilecontent54_test>
</tests>
<objects>
<unix:shadow_object id="oval:t:obj:1" version="1"><unix:username>root</unix:username></unix:shadow_object>
<ind:textfilecontent54_object id="oval:t:obj:2" version="1"><ind:filepath>/etc/app.conf</ind:filepath><ind:pattern operation="pattern match">^api_token = (.*)$</ind:pattern><ind:instance datatype="int">1</ind:instance></ind:textfilecontent54_object>
</objects>
<states>
<unix:shadow_state id="oval:t:ste:1" version="1"><unix:password operation="pattern match">^\$6\$</unix:password></unix:shadow_state>
<ind:textfilecontent54_state id="oval:t:ste:2" version="1"><ind:text mask="true" operation="pattern match">.</ind:text><ind:subexpression mask="true" operation="pattern match">^token-</ind:subexpression></ind:textfilecontent54_state>
</states>
</oval_definitions>`
	defs, err := Parse(strings.NewReader(doc), "mask.xml")
	require.NoError(t, err)
	p, err := Prepare(defs, Options{})
	require.NoError(t, err)
	h, err := local.NewRoot(root)
	require.NoError(t, err)
	r, err := p.Evaluate(context.Background(), h, nil)
	require.NoError(t, err)
	assert.Equal(t, True, r.Definition("oval:t:def:1").Result, "the hash is compared")
	assert.Equal(t, True, r.Definition("oval:t:def:2").Result, "the masked subexpression is compared")

	out, err := ResultsBytes(r, WriteOptions{ProductVersion: "test"})
	require.NoError(t, err)
	s := string(out)
	assert.NotContains(t, s, "saltsalt", "no part of the hash is written")
	assert.NotContains(t, s, token, "a value the content masks is not written")
	assert.Contains(t, s, `mask="true"`)
	assert.Contains(t, s, ">root<", "unmasked fields are written as usual")

	if oscap, err := exec.LookPath("oscap"); err == nil {
		path := filepath.Join(t.TempDir(), "results.xml")
		require.NoError(t, os.WriteFile(path, out, 0o644))
		msg, err := exec.Command(oscap, "oval", "validate", "--results", path).CombinedOutput()
		assert.NoError(t, err, "oscap oval validate --results:\n%s", msg)
	}
}
