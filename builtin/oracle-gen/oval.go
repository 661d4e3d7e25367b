package main

import (
	"encoding/xml"
	"fmt"
	"sort"
	"strings"
)

// OVAL namespaces used by the generated document.
const (
	nsDef   = "http://oval.mitre.org/XMLSchema/oval-definitions-5"
	nsInd   = "http://oval.mitre.org/XMLSchema/oval-definitions-5#independent"
	nsUnix  = "http://oval.mitre.org/XMLSchema/oval-definitions-5#unix"
	nsOra   = "urn:stigscan:oval-definitions-5#oracle"
	idSpace = "oval:io.stigscan.oracle12c"
)

func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// node is a criteria tree: *test, and, or.
type node interface{ isNode() }

type and []node
type or []node

func (and) isNode()   {}
func (or) isNode()    {}
func (*test) isNode() {}

// test is one OVAL test with its object and states, written when used.
type test struct {
	comment   string
	typ       string // element name with prefix, e.g. ind:sql57_test
	check     string
	existence string
	object    *object
	states    []*state
	id        string
}

type object struct {
	typ  string // e.g. ind:sql57_object
	body string // inner XML; may contain {var:NAME} references resolved on write
	cmt  string
	id   string
}

type state struct {
	typ  string
	body string
	id   string
}

// variable is an OVAL variable.
type variable struct {
	key  string // unique key
	kind string // external_variable or local_variable
	dt   string
	cmt  string
	body string
	id   string
}

// doc collects what rules use and numbers it in first-use order.
type doc struct {
	tests     []*test
	objects   []*object
	states    []*state
	variables []*variable
	defs      []string
	byKey     map[string]string // xml key → id
	nDef      int
	extVars   map[string]*variable // by XCCDF value key
}

func newDoc() *doc {
	return &doc{byKey: map[string]string{}, extVars: map[string]*variable{}}
}

func (d *doc) next(kind string, n int) string { return fmt.Sprintf("%s:%s:%d", idSpace, kind, n) }

func (d *doc) addVar(v *variable) string {
	k := "var\x00" + v.kind + "\x00" + v.dt + "\x00" + v.key + "\x00" + v.cmt + "\x00" + v.body
	if id, ok := d.byKey[k]; ok {
		return id
	}
	v.id = d.next("var", len(d.variables)+1)
	d.byKey[k] = v.id
	d.variables = append(d.variables, v)
	return v.id
}

func (d *doc) addObject(o *object) string {
	body := d.resolve(o.body)
	k := "obj\x00" + o.typ + body
	if id, ok := d.byKey[k]; ok {
		return id
	}
	o.body = body
	o.id = d.next("obj", len(d.objects)+1)
	d.byKey[k] = o.id
	d.objects = append(d.objects, o)
	return o.id
}

func (d *doc) addState(s *state) string {
	body := d.resolve(s.body)
	k := "ste\x00" + s.typ + body
	if id, ok := d.byKey[k]; ok {
		return id
	}
	s.body = body
	s.id = d.next("ste", len(d.states)+1)
	d.byKey[k] = s.id
	d.states = append(d.states, s)
	return s.id
}

// resolve replaces {objid:...} placeholders left by builders (object ids
// needed inside variables are filled when the object is added).
func (d *doc) resolve(s string) string { return s }

func (d *doc) addTest(t *test) string {
	oid := ""
	if t.object != nil {
		oid = d.addObject(t.object)
	}
	var sids []string
	for _, s := range t.states {
		sids = append(sids, d.addState(s))
	}
	k := fmt.Sprintf("tst\x00%s\x00%s\x00%s\x00%s\x00%s\x00%s", t.typ, t.comment, t.check, t.existence, oid, strings.Join(sids, ","))
	if id, ok := d.byKey[k]; ok {
		t.id = id
		return id
	}
	t.id = d.next("tst", len(d.tests)+1)
	d.byKey[k] = t.id
	if t.object != nil {
		t.object.id = oid
	}
	for i, s := range t.states {
		s.id = sids[i]
	}
	d.tests = append(d.tests, t)
	return t.id
}

func (d *doc) criteria(n node, b *strings.Builder, indent string) {
	switch n := n.(type) {
	case *test:
		id := d.addTest(n)
		fmt.Fprintf(b, "%s<criterion test_ref=\"%s\" comment=\"%s\"/>\n", indent, id, esc(n.comment))
	case and, or:
		op, kids := "AND", []node(nil)
		if o, ok := n.(or); ok {
			op, kids = "OR", o
		} else {
			kids = n.(and)
		}
		if len(kids) == 1 {
			d.criteria(kids[0], b, indent)
			return
		}
		fmt.Fprintf(b, "%s<criteria operator=\"%s\">\n", indent, op)
		for _, k := range kids {
			d.criteria(k, b, indent+"  ")
		}
		fmt.Fprintf(b, "%s</criteria>\n", indent)
	}
}

// addDefinition writes a compliance definition for a rule and returns its id.
func (d *doc) addDefinition(title, description, vuln string, crit node) string {
	d.nDef++
	id := d.next("def", d.nDef)
	var b strings.Builder
	fmt.Fprintf(&b, "    <definition id=\"%s\" version=\"1\" class=\"compliance\">\n", id)
	fmt.Fprintf(&b, "      <metadata>\n        <title>%s</title>\n", esc(title))
	fmt.Fprintf(&b, "        <reference source=\"DISA Oracle Database 12c STIG V2R9\" ref_id=\"%s\"/>\n", vuln)
	fmt.Fprintf(&b, "        <description>%s</description>\n      </metadata>\n", esc(description))
	var c strings.Builder
	if _, ok := crit.(*test); ok {
		crit = and{crit}
		c.WriteString("      <criteria operator=\"AND\">\n")
		d.criteria(crit.(and)[0], &c, "        ")
		c.WriteString("      </criteria>\n")
	} else {
		d.criteria(crit, &c, "      ")
	}
	b.WriteString(c.String())
	b.WriteString("    </definition>\n")
	d.defs = append(d.defs, b.String())
	return id
}

func (d *doc) write(timestamp string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<!-- stigscan's automated checks for the DISA Oracle Database 12c STIG, written
     against Version 2 Release 9. Generated by builtin/oracle-gen; edit the
     generator, not this file. SQL runs through OVAL's sql57 test (engine
     "oracle"); Oracle Net files through stigscan's own sqlnet_test
     (docs/oval-oracle.md). -->
<oval_definitions xmlns="` + nsDef + `"
    xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5"
    xmlns:ind="` + nsInd + `"
    xmlns:unix="` + nsUnix + `"
    xmlns:ora="` + nsOra + `"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <generator>
    <oval:product_name>stigscan oracle-gen</oval:product_name>
    <oval:schema_version>5.11.2</oval:schema_version>
    <oval:timestamp>` + timestamp + `</oval:timestamp>
  </generator>
  <definitions>
`)
	for _, def := range d.defs {
		b.WriteString(def)
	}
	b.WriteString("  </definitions>\n  <tests>\n")
	for _, t := range d.tests {
		if t.object == nil {
			fmt.Fprintf(&b, "    <%s id=\"%s\" version=\"1\" comment=\"%s\" check=\"%s\"/>\n", t.typ, t.id, esc(t.comment), t.check)
			continue
		}
		fmt.Fprintf(&b, "    <%s id=\"%s\" version=\"1\" comment=\"%s\" check=\"%s\" check_existence=\"%s\">\n", t.typ, t.id, esc(t.comment), t.check, t.existence)
		prefix := t.typ[:strings.IndexByte(t.typ, ':')+1]
		fmt.Fprintf(&b, "      <%sobject object_ref=\"%s\"/>\n", prefix, t.object.id)
		for _, s := range t.states {
			fmt.Fprintf(&b, "      <%sstate state_ref=\"%s\"/>\n", prefix, s.id)
		}
		fmt.Fprintf(&b, "    </%s>\n", t.typ)
	}
	b.WriteString("  </tests>\n  <objects>\n")
	for _, o := range d.objects {
		cmt := ""
		if o.cmt != "" {
			cmt = fmt.Sprintf(" comment=\"%s\"", esc(o.cmt))
		}
		fmt.Fprintf(&b, "    <%s id=\"%s\" version=\"1\"%s>\n%s    </%s>\n", o.typ, o.id, cmt, o.body, o.typ)
	}
	b.WriteString("  </objects>\n  <states>\n")
	for _, s := range d.states {
		fmt.Fprintf(&b, "    <%s id=\"%s\" version=\"1\">\n%s    </%s>\n", s.typ, s.id, s.body, s.typ)
	}
	b.WriteString("  </states>\n  <variables>\n")
	for _, v := range d.variables {
		fmt.Fprintf(&b, "    <%s id=\"%s\" version=\"1\" datatype=\"%s\" comment=\"%s\">%s</%s>\n", v.kind, v.id, v.dt, esc(v.cmt), v.body, v.kind)
	}
	b.WriteString("  </variables>\n</oval_definitions>\n")
	return b.String()
}

// ---- builders -------------------------------------------------------------

// ext returns the external variable a XCCDF Value is exported to.
func (d *doc) ext(v *value) string {
	if ev, ok := d.extVars[v.key]; ok {
		return ev.id
	}
	dt := map[string]string{"number": "int", "boolean": "boolean", "string": "string"}[v.typ]
	ev := &variable{key: v.key, kind: "external_variable", dt: dt, cmt: v.title}
	// Numbers are spliced into SQL: datatype int makes the engine turn a
	// value into canonical digits, or fail every object that uses it.
	d.addVar(ev)
	d.extVars[v.key] = ev
	return ev.id
}

// sqlText builds the sql entity: literal text, or a concat local variable
// when the SQL holds {value} placeholders.
func (d *doc) sqlEntity(sql string, vals map[string]*value) string {
	if !strings.Contains(sql, "{") {
		return "      <ind:sql>" + esc(sql) + "</ind:sql>\n"
	}
	var comps strings.Builder
	rest := sql
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			panic("unclosed placeholder in " + sql)
		}
		name := rest[i+1 : i+j]
		v, ok := vals[name]
		if !ok {
			panic("unknown placeholder {" + name + "} in " + sql)
		}
		if i > 0 {
			fmt.Fprintf(&comps, "<literal_component>%s</literal_component>", esc(rest[:i]))
		}
		fmt.Fprintf(&comps, "<variable_component var_ref=\"%s\"/>", d.ext(v))
		rest = rest[i+j+1:]
	}
	if rest != "" {
		fmt.Fprintf(&comps, "<literal_component>%s</literal_component>", esc(rest))
	}
	id := d.addVar(&variable{kind: "local_variable", dt: "string", cmt: "SQL with organization-defined limits", body: "<concat>" + comps.String() + "</concat>"})
	return fmt.Sprintf("      <ind:sql var_ref=\"%s\"/>\n", id)
}

func (d *doc) sqlObject(cmt, sql string, vals map[string]*value) *object {
	return &object{typ: "ind:sql57_object", cmt: cmt, body: "      <ind:engine>oracle</ind:engine>\n      <ind:version>12</ind:version>\n      <ind:connection_string/>\n" + d.sqlEntity(sql, vals)}
}

var passState = &state{typ: "ind:sql57_state", body: "      <ind:result datatype=\"record\" entity_check=\"all\" operation=\"equals\">\n        <field xmlns=\"" + nsDef + "\" name=\"verdict\">PASS</field>\n      </ind:result>\n"}

// topCommas splits a select list at commas outside parentheses.
func topCommas(s string) int {
	depth, n := 0, 1
	inStr := false
	for _, c := range s {
		switch {
		case c == '\'':
			inStr = !inStr
		case inStr:
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == ',' && depth == 0:
			n++
		}
	}
	return n
}

// offenders is a sql57 test that is true when a query finds nothing: the
// statement returns the offending rows with verdict FAIL, or a single
// verdict PASS row when there are none, so the item always exists and the
// evidence names what was found.
func (d *doc) offenders(comment, cols, from string, vals map[string]*value) *test {
	n := topCommas(cols)
	nulls := strings.TrimSuffix(strings.Repeat("NULL, ", n), ", ")
	sql := "SELECT 'FAIL' AS verdict, " + cols + " " + from +
		" UNION ALL SELECT 'PASS', " + nulls + " FROM dual WHERE NOT EXISTS (SELECT 1 " + from + ") ORDER BY 2"
	return &test{comment: comment, typ: "ind:sql57_test", check: "all", existence: "at_least_one_exists",
		object: d.sqlObject(comment, sql, vals), states: []*state{passState}}
}

// sqlField is a sql57 test comparing one column of every returned row.
func (d *doc) sqlField(comment, sql, field, datatype, op, value string, check string) *test {
	dt := ""
	if datatype != "" {
		dt = fmt.Sprintf(" datatype=\"%s\"", datatype)
	}
	st := &state{typ: "ind:sql57_state", body: fmt.Sprintf("      <ind:result datatype=\"record\" entity_check=\"all\" operation=\"equals\">\n        <field xmlns=\"%s\" name=\"%s\"%s operation=\"%s\">%s</field>\n      </ind:result>\n", nsDef, field, dt, op, esc(value))}
	return &test{comment: comment, typ: "ind:sql57_test", check: check, existence: "at_least_one_exists", object: d.sqlObject(comment, sql, nil), states: []*state{st}}
}

// sqlFieldVar is sqlField with the value from a variable.
func (d *doc) sqlFieldVar(comment, sql, field, op, varID string, check string) *test {
	st := &state{typ: "ind:sql57_state", body: fmt.Sprintf("      <ind:result datatype=\"record\" entity_check=\"all\" operation=\"equals\">\n        <field xmlns=\"%s\" name=\"%s\" operation=\"%s\" var_ref=\"%s\"/>\n      </ind:result>\n", nsDef, field, op, varID)}
	return &test{comment: comment, typ: "ind:sql57_test", check: check, existence: "at_least_one_exists", object: d.sqlObject(comment, sql, nil), states: []*state{st}}
}

// column is a local variable holding one column of a query's rows.
func (d *doc) column(cmt, sql, field string) string {
	oid := d.addObject(d.sqlObject(cmt, sql, nil))
	return d.addVar(&variable{kind: "local_variable", dt: "string", cmt: cmt, body: fmt.Sprintf("<object_component object_ref=\"%s\" item_field=\"result\" record_field=\"%s\"/>", oid, field)})
}

// sqlnetObj selects parameters of an Oracle Net file. param is "" for
// every parameter; a leading "~" makes it a pattern.
func sqlnetObj(file, param string) *object {
	body := "      <ora:filepath>" + esc(file) + "</ora:filepath>\n"
	switch {
	case param == "":
	case strings.HasPrefix(param, "~"):
		body += "      <ora:parameter operation=\"pattern match\">" + esc(param[1:]) + "</ora:parameter>\n"
	default:
		body += "      <ora:parameter>" + esc(param) + "</ora:parameter>\n"
	}
	return &object{typ: "ora:sqlnet_object", body: body}
}

// sqlnet tests parameters of an Oracle Net file: value compared with op
// (no state when op is "").
func sqlnet(comment, file, param, op, value, check, existence string) *test {
	t := &test{comment: comment, typ: "ora:sqlnet_test", check: check, existence: existence, object: sqlnetObj(file, param)}
	if op != "" {
		dt := ""
		if strings.HasPrefix(op, "int:") {
			dt, op = ` datatype="int"`, op[4:]
		}
		t.states = []*state{{typ: "ora:sqlnet_state", body: fmt.Sprintf("      <ora:value%s operation=\"%s\">%s</ora:value>\n", dt, op, esc(value))}}
	}
	return t
}

func sqlnetVar(comment, file, param, op, varID, check, existence string) *test {
	t := &test{comment: comment, typ: "ora:sqlnet_test", check: check, existence: existence, object: sqlnetObj(file, param)}
	t.states = []*state{{typ: "ora:sqlnet_state", body: fmt.Sprintf("      <ora:value operation=\"%s\" var_ref=\"%s\"/>\n", op, varID)}}
	return t
}

// home is the local variable of the server's ORACLE_HOME (home_object).
func (d *doc) home() string {
	oid := d.addObject(&object{typ: "ora:home_object", body: ""})
	return d.addVar(&variable{kind: "local_variable", dt: "string", cmt: "ORACLE_HOME of the server", body: fmt.Sprintf("<object_component object_ref=\"%s\" item_field=\"oracle_home\"/>", oid)})
}

// concat is a local variable joining literals (strings) and variables
// (strings starting with "oval:").
func (d *doc) concat(cmt string, parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		if strings.HasPrefix(p, idSpace+":var:") {
			fmt.Fprintf(&b, "<variable_component var_ref=\"%s\"/>", p)
		} else {
			fmt.Fprintf(&b, "<literal_component>%s</literal_component>", esc(p))
		}
	}
	return d.addVar(&variable{kind: "local_variable", dt: "string", cmt: cmt, body: "<concat>" + b.String() + "</concat>"})
}

// noWorldAccess tests that the directories (or files named by filename,
// a pattern, in them) at the paths of a variable grant others nothing
// (and, with group, the group nothing). Paths that do not exist pass.
func (d *doc) noWorldAccess(comment, pathVar, filename string, group bool, existence string) *test {
	body := fmt.Sprintf("      <unix:path var_ref=\"%s\"/>\n", pathVar)
	if filename == "" {
		body += "      <unix:filename xsi:nil=\"true\"/>\n"
	} else {
		body += "      <unix:filename operation=\"pattern match\">" + esc(filename) + "</unix:filename>\n"
	}
	st := ""
	if group {
		st += "      <unix:gread datatype=\"boolean\">false</unix:gread>\n      <unix:gwrite datatype=\"boolean\">false</unix:gwrite>\n"
	}
	st += "      <unix:oread datatype=\"boolean\">false</unix:oread>\n      <unix:owrite datatype=\"boolean\">false</unix:owrite>\n      <unix:oexec datatype=\"boolean\">false</unix:oexec>\n"
	return &test{comment: comment, typ: "unix:file_test", check: "all", existence: existence,
		object: &object{typ: "unix:file_object", body: body}, states: []*state{{typ: "unix:file_state", body: st}}}
}

// notWorldWritable tests directories at the paths of a variable.
func (d *doc) notWorldWritable(comment, pathVar string) *test {
	body := fmt.Sprintf("      <unix:path var_ref=\"%s\"/>\n      <unix:filename xsi:nil=\"true\"/>\n", pathVar)
	return &test{comment: comment, typ: "unix:file_test", check: "all", existence: "at_least_one_exists",
		object: &object{typ: "unix:file_object", body: body},
		states: []*state{{typ: "unix:file_state", body: "      <unix:owrite datatype=\"boolean\">false</unix:owrite>\n"}}}
}

// textfile tests lines of files (filepath literal values or a variable)
// matching pattern; op/value compare the first subexpression.
func textfile(comment string, files []string, fileVar, pattern, op, value, check, existence string) *test {
	var body string
	switch {
	case fileVar != "":
		body = fmt.Sprintf("      <ind:filepath var_ref=\"%s\"/>\n", fileVar)
	case len(files) == 1:
		body = "      <ind:filepath>" + esc(files[0]) + "</ind:filepath>\n"
	default:
		body = "      <ind:filepath operation=\"pattern match\">" + esc("^("+strings.Join(quoteAll(files), "|")+")$") + "</ind:filepath>\n"
	}
	body += "      <ind:pattern operation=\"pattern match\">" + esc(pattern) + "</ind:pattern>\n      <ind:instance datatype=\"int\" operation=\"greater than or equal\">1</ind:instance>\n"
	t := &test{comment: comment, typ: "ind:textfilecontent54_test", check: check, existence: existence, object: &object{typ: "ind:textfilecontent54_object", body: body}}
	if op != "" {
		t.states = []*state{{typ: "ind:textfilecontent54_state", body: fmt.Sprintf("      <ind:subexpression operation=\"%s\">%s</ind:subexpression>\n", op, esc(value))}}
	}
	return t
}

func quoteAll(ps []string) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = strings.NewReplacer(".", `\.`, "/", `/`).Replace(p)
	}
	return out
}

// unknown is OVAL's placeholder for what a person decides: its result is
// always unknown, so AND(technical, unknown) fails or stays undecided and
// OR(technical, unknown) passes or stays undecided.
func unknown(what string) *test {
	return &test{comment: "Left to the reviewer: " + what, typ: "ind:unknown_test", check: "all", existence: "at_least_one_exists",
		object: nil}
}

// boolValue tests an XCCDF boolean Value exported to OVAL.
func (d *doc) boolValue(comment string, v *value) *test {
	id := d.ext(v)
	return &test{comment: comment, typ: "ind:variable_test", check: "all", existence: "at_least_one_exists",
		object: &object{typ: "ind:variable_object", body: fmt.Sprintf("      <ind:var_ref>%s</ind:var_ref>\n", id)},
		states: []*state{{typ: "ind:variable_state", body: "      <ind:value datatype=\"boolean\">true</ind:value>\n"}}}
}

func sortedKeys(m map[string]*value) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
