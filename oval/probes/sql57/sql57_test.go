package sql57_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/oval"
	"github.com/stigscan/stigscan/oval/probes/sql57"
)

// fakeDB is a SQL database target whose answers are set per statement.
type fakeDB struct {
	host.Unavailable
	engine  string
	answers map[string]answer
	asked   []string
}

type answer struct {
	cols []string
	rows [][]*string
	err  error
}

func (d *fakeDB) SQLEngine() string { return d.engine }

func (d *fakeDB) QueryRows(ctx context.Context, q string) ([]string, [][]*string, error) {
	d.asked = append(d.asked, q)
	a, ok := d.answers[q]
	if !ok {
		return nil, nil, fmt.Errorf("fake: unexpected statement %q", q)
	}
	return a.cols, a.rows, a.err
}

var _ host.SQLDatabase = (*fakeDB)(nil)

func s(v string) *string { return &v }

// doc wraps tests, objects and states into an OVAL document with one
// definition per test (oval:t:def:N checks oval:t:tst:N).
func doc(tests, objects, states, variables string) string {
	var defs strings.Builder
	for i := 1; i <= strings.Count(tests, "<ind:sql57_test"); i++ {
		fmt.Fprintf(&defs, `<definition id="oval:t:def:%d" version="1" class="compliance"><metadata><title>t%d</title><description>d</description></metadata><criteria><criterion test_ref="oval:t:tst:%d"/></criteria></definition>`, i, i, i)
	}
	if variables != "" {
		variables = "<variables>" + variables + "</variables>"
	}
	return `<?xml version="1.0"?>
<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5" xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5" xmlns:ind="http://oval.mitre.org/XMLSchema/oval-definitions-5#independent">
<generator><oval:schema_version>5.11.2</oval:schema_version><oval:timestamp>2026-01-01T00:00:00</oval:timestamp></generator>
<definitions>` + defs.String() + `</definitions><tests>` + tests + `</tests><objects>` + objects + `</objects><states>` + states + `</states>` + variables + `</oval_definitions>`
}

func sqlObject(id, engine, sql string) string {
	return fmt.Sprintf(`<ind:sql57_object id="oval:t:obj:%s" version="1"><ind:engine>%s</ind:engine><ind:version>15</ind:version><ind:connection_string>postgresql://scanner:Hunter2-secret@db.example/app</ind:connection_string><ind:sql>%s</ind:sql></ind:sql57_object>`, id, engine, sql)
}

func sqlTest(n int, obj, state, check string) string {
	st := ""
	if state != "" {
		st = fmt.Sprintf(`<ind:state state_ref="oval:t:ste:%s"/>`, state)
	}
	return fmt.Sprintf(`<ind:sql57_test id="oval:t:tst:%d" version="1" check="%s" check_existence="at_least_one_exists"><ind:object object_ref="oval:t:obj:%s"/>%s</ind:sql57_test>`, n, check, obj, st)
}

func evaluate(t *testing.T, h host.Host, document string) *oval.Results {
	t.Helper()
	defs, err := oval.Parse(strings.NewReader(document), "t.xml")
	require.NoError(t, err)
	p, err := oval.Prepare(defs, oval.Options{Probes: sql57.Probes()})
	require.NoError(t, err)
	require.Empty(t, p.Problems())
	res, err := p.Evaluate(context.Background(), h, nil)
	require.NoError(t, err)
	return res
}

// settingsDB answers a settings query with three rows, one with a NULL.
func settingsDB() *fakeDB {
	return &fakeDB{engine: "postgresql", answers: map[string]answer{
		"SELECT name, setting, unit FROM s": {
			cols: []string{"NAME", "Setting", "unit"},
			rows: [][]*string{
				{s("log_connections"), s("on"), nil},
				{s("max_connections"), s("100"), nil},
				{s("statement_timeout"), s("0"), s("ms")},
			},
		},
		"SELECT n FROM nums": {cols: []string{"n"}, rows: [][]*string{{s("1")}, {s("100")}, {s("7")}}},
		"SELECT 1 AS one":    {cols: []string{"one"}, rows: [][]*string{{s("1")}}},
		"SELECT broken":      {err: errors.New("postgres: postgres://scanner@db:5432/app: query: ERROR: permission denied for table pg_authid (SQLSTATE 42501)")},
	}}
}

func TestItems(t *testing.T) {
	db := settingsDB()
	res := evaluate(t, db, doc(sqlTest(1, "1", "", "all"), sqlObject("1", "postgre", "SELECT name, setting, unit FROM s"), "", ""))
	require.Len(t, res.Items, 1)
	it := res.Items[0]
	assert.Equal(t, "sql57_item", it.Type)
	var names []string
	var records [][]string
	for _, f := range it.Fields {
		names = append(names, f.Name)
		if f.Name != "result" {
			continue
		}
		assert.Equal(t, "record", f.Datatype)
		var rec []string
		for _, ff := range f.Fields {
			v := ff.Name + "=" + ff.Value
			if ff.Status != "" {
				v = ff.Name + ":" + ff.Status
			}
			rec = append(rec, v)
		}
		records = append(records, rec)
	}
	assert.Equal(t, []string{"engine", "version", "connection_string", "sql", "result", "result", "result"}, names)
	assert.Equal(t, [][]string{
		{"name=log_connections", "setting=on", "unit:does not exist"},
		{"name=max_connections", "setting=100", "unit:does not exist"},
		{"name=statement_timeout", "setting=0", "unit=ms"},
	}, records, "one record per row, columns lower-cased, NULL as does not exist")
	assert.Equal(t, "postgre", it.Fields[0].Value)
	assert.Equal(t, "15", it.Fields[1].Value)
	assert.Empty(t, it.Fields[2].Value, "the content's connection string is never copied")

	out, err := oval.ResultsBytes(res, oval.WriteOptions{OmitDefinitions: true})
	require.NoError(t, err)
	assert.NotContains(t, string(out), "Hunter2", "results must not hold the connection string's password")
	assert.Contains(t, string(out), `<field name="unit" status="does not exist"/>`)
	assert.Contains(t, string(out), `<ind-sys:result datatype="record">`)
}

func TestNotCollectedAndErrors(t *testing.T) {
	tests := []struct {
		name    string
		host    host.Host
		engine  string
		sql     string
		result  oval.Result
		message string
	}{
		{"not a database", host.Unavailable{Name: "ssh://web1", Reason: "x"}, "postgre", "SELECT 1 AS one", oval.Unknown, "ssh://web1 is not a SQL database target"},
		{"other engine", settingsDB(), "oracle", "SELECT 1 AS one", oval.Unknown, "the object is for engine oracle; "},
		{"query refused by the server", settingsDB(), "postgresql", "SELECT broken", oval.Error, "permission denied for table pg_authid"},
		{"engine spelled as the target does", settingsDB(), "postgresql", "SELECT 1 AS one", oval.True, ""},
		{"OVAL's postgre", settingsDB(), "postgre", "SELECT 1 AS one", oval.True, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := evaluate(t, tc.host, doc(sqlTest(1, "1", "", "all"), sqlObject("1", tc.engine, tc.sql), "", ""))
			d := res.Definition("oval:t:def:1")
			require.NotNil(t, d)
			assert.Equal(t, tc.result, d.Result)
			var msgs []string
			for _, o := range res.Objects {
				for _, m := range o.Messages {
					msgs = append(msgs, m.Text)
				}
			}
			if tc.message != "" {
				assert.Contains(t, strings.Join(msgs, "\n"), tc.message)
			}
			assert.NotContains(t, strings.Join(msgs, "\n"), "Hunter2")
		})
	}
}

func TestSQLMustBeEquals(t *testing.T) {
	obj := `<ind:sql57_object id="oval:t:obj:1" version="1"><ind:engine>postgre</ind:engine><ind:version>15</ind:version><ind:connection_string/><ind:sql operation="pattern match">SELECT.*</ind:sql></ind:sql57_object>`
	res := evaluate(t, settingsDB(), doc(sqlTest(1, "1", "", "all"), obj, "", ""))
	assert.Equal(t, oval.Error, res.Definition("oval:t:def:1").Result)
}

// TestRecordStates checks how states compare result records: entity_check
// over rows, record fields with datatypes, NULL fields and check_existence
// within a record, and variables read from a record field.
func TestRecordStates(t *testing.T) {
	state := func(id, entityCheck, fields string) string {
		return fmt.Sprintf(`<ind:sql57_state id="oval:t:ste:%s" version="1"><ind:result datatype="record" entity_check="%s" operation="equals">%s</ind:result></ind:sql57_state>`, id, entityCheck, fields)
	}
	field := func(name, attrs, value string) string {
		return fmt.Sprintf(`<field xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5" name="%s" %s>%s</field>`, name, attrs, value)
	}
	tests := []struct {
		name  string
		state string
		want  oval.Result
	}{
		{"at least one row has the setting", state("1", "at least one", field("name", "", "log_connections")+field("setting", "", "on")), oval.True},
		{"no row has the pair", state("1", "at least one", field("name", "", "log_connections")+field("setting", "", "off")), oval.False},
		{"a text value compared as int is an error", state("1", "all", field("setting", `datatype="int" operation="less than or equal"`, "100")), oval.Error},
		{"a row outside the bound decides before an error", state("1", "all", field("setting", `datatype="int" operation="less than"`, "50")), oval.False},
		{"none satisfy", state("1", "none satisfy", field("name", `operation="pattern match"`, "^ssl")), oval.True},
		{"only one", state("1", "only one", field("unit", "", "ms")), oval.True},
		{"NULL field exists nowhere but in the third row", state("1", "all", field("unit", `check_existence="none_exist"`, "")), oval.False},
		{"NULL field compared with none_exist on the first rows", state("1", "at least one", field("unit", `check_existence="none_exist"`, "")), oval.True},
		{"a missing column does not satisfy", state("1", "at least one", field("nosuch", "", "x")), oval.False},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := evaluate(t, settingsDB(), doc(sqlTest(1, "1", "1", "all"), sqlObject("1", "postgre", "SELECT name, setting, unit FROM s"), tc.state, ""))
			assert.Equal(t, tc.want, res.Definition("oval:t:def:1").Result)
		})
	}
	numeric := []struct {
		name  string
		state string
		want  oval.Result
	}{
		{"every row within a bound", state("1", "all", field("n", `datatype="int" operation="less than or equal"`, "100")), oval.True},
		{"one row outside", state("1", "all", field("n", `datatype="int" operation="less than"`, "100")), oval.False},
		{"at least one above", state("1", "at least one", field("n", `datatype="int" operation="greater than"`, "50")), oval.True},
		{"none above", state("1", "none satisfy", field("n", `datatype="int" operation="greater than"`, "100")), oval.True},
	}
	for _, tc := range numeric {
		t.Run(tc.name, func(t *testing.T) {
			res := evaluate(t, settingsDB(), doc(sqlTest(1, "1", "1", "all"), sqlObject("1", "postgre", "SELECT n FROM nums"), tc.state, ""))
			assert.Equal(t, tc.want, res.Definition("oval:t:def:1").Result)
		})
	}
}

func TestRecordFieldVariable(t *testing.T) {
	db := settingsDB()
	db.answers["SELECT 100 AS limit_value"] = answer{cols: []string{"limit_value"}, rows: [][]*string{{s("100")}}}
	vars := `<local_variable id="oval:t:var:1" version="1" datatype="int" comment="limit read from the database"><object_component object_ref="oval:t:obj:2" item_field="result" record_field="limit_value"/></local_variable>`
	st := `<ind:sql57_state id="oval:t:ste:1" version="1"><ind:result datatype="record" entity_check="all"><field xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5" name="n" datatype="int" operation="less than or equal" var_ref="oval:t:var:1"/></ind:result></ind:sql57_state>`
	objs := sqlObject("1", "postgre", "SELECT n FROM nums") + sqlObject("2", "postgre", "SELECT 100 AS limit_value")
	res := evaluate(t, db, doc(sqlTest(1, "1", "1", "all"), objs, st, vars))
	assert.Equal(t, oval.True, res.Definition("oval:t:def:1").Result)
}
