package oval

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseMinimal(t *testing.T) {
	defs, err := ParseFile(filepath.Join("testdata", "minimal.xml"))
	require.NoError(t, err)
	assert.Equal(t, "5.11.2", defs.Generator.SchemaVersion)
	require.Len(t, defs.Definitions, 1)
	d := defs.Definitions[0]
	assert.Equal(t, "oval:test:def:1", d.ID)
	assert.Equal(t, "motd mentions authorized use", d.Title)
	require.NotNil(t, d.Criteria)
	assert.Equal(t, "AND", d.Criteria.Operator)
	require.Len(t, d.Criteria.Children, 2)
	inner, ok := d.Criteria.Children[1].(*Criteria)
	require.True(t, ok)
	assert.True(t, inner.Negate)
	require.Len(t, defs.Tests, 2)
	assert.Equal(t, "textfilecontent54_test", defs.Tests[0].Type)
	assert.Equal(t, "independent", defs.Tests[0].Family)
	assert.Equal(t, "unix", defs.Tests[1].Family)
	require.Len(t, defs.Objects, 2)
	assert.Equal(t, "pattern match", defs.Objects[0].Entities[1].Operation)
	assert.Equal(t, "int", defs.Objects[0].Entities[2].Datatype)
	assert.Empty(t, defs.Unsupported)
	assert.True(t, strings.HasPrefix(string(defs.Raw), "<oval_definitions"), "Raw starts at the document element")
}

func TestParseRefusals(t *testing.T) {
	laughs, err := os.ReadFile(filepath.Join("testdata", "billion-laughs.xml"))
	require.NoError(t, err)
	tests := []struct {
		name string
		doc  string
		want string // substring of the error
		line int
	}{
		{name: "billion laughs", doc: string(laughs), want: "DTDs and entity declarations are refused", line: 2},
		{name: "wrong root", doc: `<Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2"/>`, want: "want oval_definitions"},
		{name: "malformed", doc: "<oval_definitions xmlns=\"" + nsDef + "\">\n<definitions>\n<definition id=\"x\">\n</oval_definitions>", want: "element <definition> closed by </oval_definitions>", line: 4},
		{name: "undefined entity", doc: `<oval_definitions xmlns="` + nsDef + `">&bogus;</oval_definitions>`, want: "invalid character entity"},
		{name: "empty", doc: "", want: "no document element"},
		{name: "truncated", doc: `<oval_definitions xmlns="` + nsDef + `"><definitions>`, want: "unexpected EOF"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			_, err := Parse(strings.NewReader(tc.doc), "doc.xml")
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			// Generous (loaded CI machines stall for seconds): it catches
			// an expansion, not a slow parser.
			assert.Less(t, time.Since(start), time.Minute, "refusal must be immediate")
			var ce *ContentError
			require.True(t, errors.As(err, &ce), "error is a ContentError: %T", err)
			assert.Equal(t, "doc.xml", ce.File)
			if tc.line > 0 {
				assert.Equal(t, tc.line, ce.Line)
			}
		})
	}
}

// TestPrepareKeepsGoing checks that content problems become results naming
// the id while the rest evaluates.
func TestPrepareKeepsGoing(t *testing.T) {
	doc := `<oval_definitions xmlns="` + nsDef + `" xmlns:ind="` + nsDef + `#independent" xmlns:win="` + nsDef + `#windows">
  <definitions>
    <definition id="oval:p:def:1" version="1" class="compliance"><criteria><criterion test_ref="oval:p:tst:missing"/></criteria></definition>
    <definition id="oval:p:def:2" version="1" class="compliance"><criteria><extend_definition definition_ref="oval:p:def:3"/></criteria></definition>
    <definition id="oval:p:def:3" version="1" class="compliance"><criteria><extend_definition definition_ref="oval:p:def:2"/></criteria></definition>
    <definition id="oval:p:def:4" version="1" class="compliance"><criteria><criterion test_ref="oval:p:tst:win"/></criteria></definition>
    <definition id="oval:p:def:5" version="1" class="compliance"><criteria><criterion test_ref="oval:p:tst:bad"/></criteria></definition>
    <definition id="oval:p:def:6" version="1" class="compliance"><criteria><criterion test_ref="oval:p:tst:ok"/></criteria></definition>
    <definition id="oval:p:def:7" version="1" class="compliance"><criteria><criterion test_ref="oval:p:tst:noprobe"/></criteria></definition>
  </definitions>
  <tests>
    <win:registry_test id="oval:p:tst:win" version="1" check="all"><win:object object_ref="oval:p:obj:win"/></win:registry_test>
    <ind:variable_test id="oval:p:tst:bad" version="1" check="all"><ind:object object_ref="oval:p:obj:var"/><ind:state state_ref="oval:p:ste:bad"/></ind:variable_test>
    <ind:variable_test id="oval:p:tst:ok" version="1" check="all"><ind:object object_ref="oval:p:obj:var"/><ind:state state_ref="oval:p:ste:ok"/></ind:variable_test>
    <ind:yamlfilecontent_test id="oval:p:tst:noprobe" version="1" check="all"><ind:object object_ref="oval:p:obj:yaml"/></ind:yamlfilecontent_test>
  </tests>
  <objects>
    <win:registry_object id="oval:p:obj:win" version="1"><win:hive>HKEY_LOCAL_MACHINE</win:hive></win:registry_object>
    <ind:variable_object id="oval:p:obj:var" version="1"><ind:var_ref>oval:p:var:1</ind:var_ref></ind:variable_object>
    <ind:yamlfilecontent_object id="oval:p:obj:yaml" version="1"><ind:filepath>/etc/x.yaml</ind:filepath></ind:yamlfilecontent_object>
  </objects>
  <states>
    <ind:variable_state id="oval:p:ste:bad" version="1"><ind:value operation="pattern match">(unclosed</ind:value></ind:variable_state>
    <ind:variable_state id="oval:p:ste:ok" version="1"><ind:value operation="pattern match">^ab(?=c)</ind:value></ind:variable_state>
  </states>
  <variables><constant_variable id="oval:p:var:1" version="1" datatype="string"><value>abc</value></constant_variable></variables>
</oval_definitions>`
	defs, err := Parse(strings.NewReader(doc), "problems.xml")
	require.NoError(t, err)
	assert.Equal(t, []string{"oval:p:tst:win (windows family)", "oval:p:obj:win (windows family)"}, defs.Unsupported)
	p, err := Prepare(defs, Options{})
	require.NoError(t, err)
	var problems []string
	for _, e := range p.Problems() {
		problems = append(problems, e.Error())
	}
	joined := strings.Join(problems, "\n")
	assert.Contains(t, joined, "oval:p:def:1: criterion refers to unknown test oval:p:tst:missing")
	assert.Contains(t, joined, "oval:p:ste:bad: invalid regular expression")
	assert.Contains(t, joined, "oval:p:obj:yaml: no probe for independent:yamlfilecontent_object")
	r, err := p.Evaluate(context.Background(), newMemHost(nil), nil)
	require.NoError(t, err)
	want := map[string]Result{
		"oval:p:def:1": Error,        // dangling test reference
		"oval:p:def:2": NotEvaluated, // circular extend_definition
		"oval:p:def:3": NotEvaluated,
		"oval:p:def:4": NotEvaluated, // unsupported family
		"oval:p:def:5": Error,        // invalid pattern
		"oval:p:def:6": True,         // lookahead: regexp2 fallback
		"oval:p:def:7": NotEvaluated, // no probe for the object type
	}
	for id, w := range want {
		d := r.Definition(id)
		require.NotNil(t, d, id)
		assert.Equal(t, w.String(), d.Result.String(), id)
	}
	var msgs []string
	for _, tr := range r.Tests {
		for _, m := range tr.Messages {
			msgs = append(msgs, m.Text)
		}
	}
	assert.Contains(t, strings.Join(msgs, "\n"), "oval:p:ste:bad")
	assert.Contains(t, strings.Join(msgs, "\n"), "no probe for independent:yamlfilecontent_object")
}
