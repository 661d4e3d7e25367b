package checkgen

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// OVAL namespaces of the generated documents.
const (
	nsDef  = "http://oval.mitre.org/XMLSchema/oval-definitions-5"
	nsXSI  = "http://www.w3.org/2001/XMLSchema-instance"
	cciSys = "http://cyber.mil/cci"
	legSys = "http://cyber.mil/legacy"
	// nsCPELang is the CPE applicability language of a release's platform.
	nsCPELang = "http://cpe.mitre.org/language/2.0"
)

// prefixes are the namespace prefixes the generated OVAL declares, in the
// order it declares them.
var prefixes = []struct{ prefix, ns string }{
	{"ind", "http://oval.mitre.org/XMLSchema/oval-definitions-5#independent"},
	{"unix", "http://oval.mitre.org/XMLSchema/oval-definitions-5#unix"},
	{"linux", "http://oval.mitre.org/XMLSchema/oval-definitions-5#linux"},
	{"ora", "urn:stigscan:oval-definitions-5#oracle"},
	{"mdb", "urn:stigscan:oval-definitions-5#mongodb"},
	{"my", "urn:stigscan:oval-definitions-5#mysql"},
}

// Output is what Generate writes for one release.
type Output struct {
	XCCDF, OVAL []byte
	// Coverage is the release's section of docs/coverage.md (markers
	// included), when it has one.
	Coverage string
	// Counts are the rules by automation.
	Counts map[Automation]int
}

// Source is every catalog and release of a source directory.
type Source struct {
	Catalogs map[string]*Catalog
	Releases []*Release // sorted by name
}

// Load reads dir/checks/*.yaml (catalogs) and dir/stigs/*.yaml (releases).
func Load(dir string) (*Source, error) {
	s := &Source{Catalogs: map[string]*Catalog{}}
	cats, err := filepath.Glob(filepath.Join(dir, "checks", "*.yaml"))
	if err != nil {
		return nil, err
	}
	for _, p := range cats {
		var c Catalog
		if err := decodeFile(p, &c); err != nil {
			return nil, err
		}
		if c.Name != strings.TrimSuffix(filepath.Base(p), ".yaml") {
			return nil, fmt.Errorf("checkgen: %s: name %q is not the file's", p, c.Name)
		}
		s.Catalogs[c.Name] = &c
	}
	rels, err := filepath.Glob(filepath.Join(dir, "stigs", "*.yaml"))
	if err != nil {
		return nil, err
	}
	for _, p := range rels {
		var r Release
		if err := decodeFile(p, &r); err != nil {
			return nil, err
		}
		if r.Name != strings.TrimSuffix(filepath.Base(p), ".yaml") {
			return nil, fmt.Errorf("checkgen: %s: name %q is not the file's", p, r.Name)
		}
		s.Releases = append(s.Releases, &r)
	}
	sort.Slice(s.Releases, func(i, j int) bool { return s.Releases[i].Name < s.Releases[j].Name })
	return s, nil
}

func decodeFile(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("checkgen: %s: %w", path, err)
	}
	return nil
}

// Generate writes the benchmark and OVAL document of one release.
func (s *Source) Generate(r *Release) (*Output, error) {
	c := s.Catalogs[r.Catalog]
	if c == nil {
		return nil, fmt.Errorf("checkgen: %s: no catalog %q", r.Name, r.Catalog)
	}
	g := &gen{c: c, r: r, ids: map[string]string{}, n: map[string]int{}, values: map[string]*Value{}}
	for i := range c.Values {
		g.values[c.Values[i].Key] = &c.Values[i]
	}
	if err := g.checkTable(); err != nil {
		return nil, err
	}
	out := &Output{Counts: map[Automation]int{}}
	// Definitions first, in table order: ids are numbered by first use.
	defOf := map[int]string{}
	for i, row := range r.Rules {
		ch := c.Checks.Items[row.Check]
		out.Counts[ch.Automation]++
		if ch.Criteria == nil {
			continue
		}
		g.nDef++
		defOf[i] = g.id("def", g.nDef)
	}
	for i, row := range r.Rules {
		if _, ok := defOf[i]; !ok {
			continue
		}
		if err := g.definition(defOf[i], row, defOf); err != nil {
			return nil, fmt.Errorf("checkgen: %s %s (check %s): %w", r.Name, row.Vuln, row.Check, err)
		}
	}
	platformDef := ""
	if r.Platform != nil {
		if r.Platform.ID == "" || r.Platform.Criteria == nil {
			return nil, fmt.Errorf("checkgen: %s: a platform needs an id and criteria", r.Name)
		}
		g.nDef++
		platformDef = g.id("def", g.nDef)
		if err := g.inventory(platformDef, r.Platform, defOf); err != nil {
			return nil, fmt.Errorf("checkgen: %s platform %s: %w", r.Name, r.Platform.ID, err)
		}
	}
	x, err := g.xccdf(defOf, platformDef)
	if err != nil {
		return nil, err
	}
	out.XCCDF = x
	out.OVAL = g.oval()
	if r.Coverage != nil {
		out.Coverage = g.coverage(out.Counts)
	}
	return out, nil
}

// checkTable refuses a table that names a missing check, a Vuln-ID twice,
// or a check whose Values or automation do not fit.
func (g *gen) checkTable() error {
	seen := map[string]bool{}
	for _, row := range g.r.Rules {
		if seen[row.Vuln] {
			return fmt.Errorf("checkgen: %s: %s twice in the table", g.r.Name, row.Vuln)
		}
		seen[row.Vuln] = true
		ch := g.c.Checks.Items[row.Check]
		if ch == nil {
			return fmt.Errorf("checkgen: %s %s: no check %q in catalog %s", g.r.Name, row.Vuln, row.Check, g.c.Name)
		}
		switch ch.Automation {
		case Manual:
			if ch.Criteria != nil {
				return fmt.Errorf("checkgen: check %s is manual but has criteria", row.Check)
			}
		case Automated, Partly:
			if ch.Criteria == nil {
				return fmt.Errorf("checkgen: check %s is %s without criteria", row.Check, ch.Automation)
			}
		default:
			return fmt.Errorf("checkgen: check %s: automation %q (want automated, partly automated or manual)", row.Check, ch.Automation)
		}
		for _, v := range ch.Values {
			if g.values[v] == nil {
				return fmt.Errorf("checkgen: check %s: no Value %q", row.Check, v)
			}
		}
	}
	return nil
}

type gen struct {
	c      *Catalog
	r      *Release
	values map[string]*Value
	ids    map[string]string // kind+name or kind+content → id
	n      map[string]int    // last number by kind
	nDef   int

	defs, tests, objects, states, vars []string
	// used are the Values exported, in first-use order.
	used []string
}

func (g *gen) id(kind string, n int) string {
	return fmt.Sprintf("oval:%s:%s:%d", g.r.OVAL.Namespace, kind, n)
}

// claim returns the id of key and whether it is new.
func (g *gen) claim(kind, key string) (string, bool) {
	if id, ok := g.ids[kind+"\x00"+key]; ok {
		return id, false
	}
	g.n[kind]++
	id := g.id(kind, g.n[kind])
	g.ids[kind+"\x00"+key] = id
	return id, true
}

var refRE = regexp.MustCompile(`@(obj|var|ste|value)\(([^)]*)\)`)

// refs replaces @obj(name), @var(name), @ste(name) and @value(key) with ids.
func (g *gen) refs(s string) (string, error) {
	var err error
	out := refRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := refRE.FindStringSubmatch(m)
		var id string
		var e error
		switch sub[1] {
		case "obj":
			id, e = g.object(sub[2])
		case "var":
			id, e = g.variable(sub[2])
		case "ste":
			id, e = g.state(sub[2])
		case "value":
			id, e = g.value(sub[2])
		}
		if e != nil && err == nil {
			err = e
		}
		return id
	})
	return out, err
}

func (g *gen) value(key string) (string, error) {
	v := g.values[key]
	if v == nil {
		return "", fmt.Errorf("no Value %q", key)
	}
	id, fresh := g.claim("var", "value:"+key)
	if fresh {
		g.used = append(g.used, key)
		g.vars = append(g.vars, fmt.Sprintf("    <external_variable id=\"%s\" version=\"1\" datatype=\"%s\" comment=\"%s\"/>\n", id, v.Datatype(), esc(v.Title)))
	}
	return id, nil
}

func (g *gen) variable(name string) (string, error) {
	v := g.c.Variables.Items[name]
	if v == nil {
		return "", fmt.Errorf("no variable %q", name)
	}
	id, fresh := g.claim("var", "name:"+name)
	if !fresh {
		return id, nil
	}
	slot := len(g.vars)
	g.vars = append(g.vars, "")
	body, err := g.refs(v.XML)
	if err != nil {
		return "", fmt.Errorf("variable %s: %w", name, err)
	}
	g.vars[slot] = writeVariable(v.Kind, id, v.Datatype, v.Comment, body)
	return id, nil
}

func writeVariable(kind, id, dt, cmt, body string) string {
	return fmt.Sprintf("    <%s id=\"%s\" version=\"1\" datatype=\"%s\" comment=\"%s\">%s</%s>\n", kind, id, dt, esc(cmt), strings.TrimSpace(body), kind)
}

func (g *gen) object(name string) (string, error) {
	o := g.c.Objects.Items[name]
	if o == nil {
		return "", fmt.Errorf("no object %q", name)
	}
	id, fresh := g.claim("obj", "name:"+name)
	if !fresh {
		return id, nil
	}
	slot := len(g.objects)
	g.objects = append(g.objects, "")
	body := o.XML
	if o.SQL != "" {
		body = g.sqlBody(o.SQL, "")
	}
	body, err := g.refs(body)
	if err != nil {
		return "", fmt.Errorf("object %s: %w", name, err)
	}
	g.objects[slot] = writeElement(o.Type, id, o.Comment, body)
	return id, nil
}

func (g *gen) sqlBody(sql, varRef string) string {
	b := fmt.Sprintf("<ind:engine>%s</ind:engine>\n<ind:version>%s</ind:version>\n<ind:connection_string/>\n", g.c.SQL57.Engine, g.c.SQL57.Version)
	if varRef != "" {
		return b + "<ind:sql var_ref=\"" + varRef + "\"/>"
	}
	return b + "<ind:sql>" + esc(sql) + "</ind:sql>"
}

func writeElement(typ, id, cmt, body string) string {
	c := ""
	if cmt != "" {
		c = fmt.Sprintf(" comment=\"%s\"", esc(cmt))
	}
	return fmt.Sprintf("    <%s id=\"%s\" version=\"1\"%s>\n%s    </%s>\n", typ, id, c, indent(body, "      "), typ)
}

func indent(body, in string) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimSpace(body), "\n") {
		if strings.TrimSpace(l) == "" {
			continue
		}
		b.WriteString(in + l + "\n")
	}
	return b.String()
}

func (g *gen) state(name string) (string, error) {
	s := g.c.States.Items[name]
	if s == nil {
		return "", fmt.Errorf("no state %q", name)
	}
	id, fresh := g.claim("ste", "name:"+name)
	if !fresh {
		return id, nil
	}
	slot := len(g.states)
	g.states = append(g.states, "")
	body := s.XML
	if len(s.Record) > 0 {
		body = recordBody(s)
	}
	body, err := g.refs(body)
	if err != nil {
		return "", fmt.Errorf("state %s: %w", name, err)
	}
	g.states[slot] = writeElement(s.Type, id, s.Comment, body)
	return id, nil
}

// recordBody writes a sql57 state comparing fields of every row.
func recordBody(s *State) string {
	var b strings.Builder
	op := ""
	if s.Operation != "" {
		op = fmt.Sprintf(" operation=\"%s\"", s.Operation)
	}
	fmt.Fprintf(&b, "<ind:result datatype=\"record\" entity_check=\"all\"%s>\n", op)
	for _, f := range s.Record {
		attrs := fmt.Sprintf(" name=\"%s\"", esc(f.Name))
		if f.Datatype != "" {
			attrs += fmt.Sprintf(" datatype=\"%s\"", f.Datatype)
		}
		if f.Operation != "" {
			attrs += fmt.Sprintf(" operation=\"%s\"", f.Operation)
		}
		switch {
		case f.Var != "":
			fmt.Fprintf(&b, "  <field xmlns=\"%s\"%s var_ref=\"%s\"/>\n", nsDef, attrs, f.Var)
		default:
			fmt.Fprintf(&b, "  <field xmlns=\"%s\"%s>%s</field>\n", nsDef, attrs, esc(f.Value))
		}
	}
	b.WriteString("</ind:result>")
	return b.String()
}

var passState = &State{Type: "ind:sql57_state", Operation: "equals", Record: []Field{{Name: "verdict", Value: "PASS"}}}

// test writes a test (and what it uses) and returns its id.
func (g *gen) test(name string) (string, *Test, error) {
	t := g.c.Tests.Items[name]
	if t == nil {
		return "", nil, fmt.Errorf("no test %q", name)
	}
	id, fresh := g.claim("tst", "name:"+name)
	if !fresh {
		return id, t, nil
	}
	slot := len(g.tests)
	g.tests = append(g.tests, "")
	var err error
	switch {
	case t.Unknown:
		g.tests[slot] = fmt.Sprintf("    <ind:unknown_test id=\"%s\" version=\"1\" comment=\"%s\" check=\"all\"/>\n", id, esc(t.Comment))
	case t.Offenders != nil:
		g.tests[slot], err = g.offenders(id, t)
	default:
		g.tests[slot], err = g.plainTest(id, t)
	}
	if err != nil {
		return "", nil, fmt.Errorf("test %s: %w", name, err)
	}
	return id, t, nil
}

func (g *gen) plainTest(id string, t *Test) (string, error) {
	prefix := t.Type[:strings.IndexByte(t.Type, ':')+1]
	var b strings.Builder
	sop := ""
	if t.StateOp != "" {
		sop = fmt.Sprintf(" state_operator=\"%s\"", t.StateOp)
	}
	ex := ""
	if t.Existence != "" {
		ex = fmt.Sprintf(" check_existence=\"%s\"", t.Existence)
	}
	fmt.Fprintf(&b, "    <%s id=\"%s\" version=\"1\" comment=\"%s\" check=\"%s\"%s%s>\n", t.Type, id, esc(t.Comment), t.Check, ex, sop)
	oid, err := g.object(t.Object)
	if err != nil {
		return "", err
	}
	fmt.Fprintf(&b, "      <%sobject object_ref=\"%s\"/>\n", prefix, oid)
	for _, s := range t.States {
		sid, err := g.state(s)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "      <%sstate state_ref=\"%s\"/>\n", prefix, sid)
	}
	fmt.Fprintf(&b, "    </%s>\n", t.Type)
	return b.String(), nil
}

// offenders writes a sql57 test that is true when a query finds nothing:
// the statement returns the offending rows with verdict FAIL, or a single
// verdict PASS row when there are none, so the item always exists and the
// evidence names what was found.
func (g *gen) offenders(id string, t *Test) (string, error) {
	o := t.Offenders
	n := topCommas(o.Cols)
	nulls := strings.TrimSuffix(strings.Repeat("NULL, ", n), ", ")
	sql := "SELECT 'FAIL' AS verdict, " + o.Cols + " " + o.From +
		" UNION ALL SELECT 'PASS', " + nulls + " FROM dual WHERE NOT EXISTS (SELECT 1 " + o.From + ") ORDER BY 2"
	body := g.sqlBody(sql, "")
	if strings.Contains(sql, "{") {
		v, err := g.placeholders(sql)
		if err != nil {
			return "", err
		}
		body = g.sqlBody("", v)
	}
	oid, fresh := g.claim("obj", "sql:"+t.Comment+"\x00"+body)
	if fresh {
		g.objects = append(g.objects, writeElement("ind:sql57_object", oid, t.Comment, body))
	}
	sid, fresh := g.claim("ste", "pass")
	if fresh {
		g.states = append(g.states, writeElement(passState.Type, sid, "", recordBody(passState)))
	}
	return fmt.Sprintf("    <ind:sql57_test id=\"%s\" version=\"1\" comment=\"%s\" check=\"all\" check_existence=\"at_least_one_exists\">\n      <ind:object object_ref=\"%s\"/>\n      <ind:state state_ref=\"%s\"/>\n    </ind:sql57_test>\n",
		id, esc(t.Comment), oid, sid), nil
}

// placeholders turns SQL with {key} Values into a concat local variable
// and returns its id.
func (g *gen) placeholders(sql string) (string, error) {
	var comps strings.Builder
	rest := sql
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return "", fmt.Errorf("unclosed placeholder in %s", sql)
		}
		key := rest[i+1 : i+j]
		v := g.values[key]
		if v == nil || v.Type != "number" {
			return "", fmt.Errorf("placeholder {%s}: SQL takes only number Values", key)
		}
		vid, _ := g.value(key)
		if i > 0 {
			fmt.Fprintf(&comps, "<literal_component>%s</literal_component>", esc(rest[:i]))
		}
		fmt.Fprintf(&comps, "<variable_component var_ref=\"%s\"/>", vid)
		rest = rest[i+j+1:]
	}
	if rest != "" {
		fmt.Fprintf(&comps, "<literal_component>%s</literal_component>", esc(rest))
	}
	body := "<concat>" + comps.String() + "</concat>"
	id, fresh := g.claim("var", "sql:"+body)
	if fresh {
		g.vars = append(g.vars, writeVariable("local_variable", id, "string", "SQL with organization-defined limits", body))
	}
	return id, nil
}

// topCommas counts the columns of a select list: commas outside
// parentheses and string literals, plus one.
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

func (g *gen) definition(id string, row Rule, defOf map[int]string) error {
	ch := g.c.Checks.Items[row.Check]
	for _, v := range ch.Values {
		if _, err := g.value(v); err != nil {
			return err
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "    <definition id=\"%s\" version=\"1\" class=\"compliance\">\n", id)
	fmt.Fprintf(&b, "      <metadata>\n        <title>%s</title>\n", esc(ch.Title))
	fmt.Fprintf(&b, "        <reference source=\"%s\" ref_id=\"%s\"/>\n", esc(g.r.OVAL.ReferenceSource), row.Vuln)
	fmt.Fprintf(&b, "        <description>%s</description>\n      </metadata>\n", esc(ch.Description))
	slot := len(g.defs)
	g.defs = append(g.defs, "")
	root := ch.Criteria
	if root.Op == "" {
		root = &Node{Op: "AND", Kids: []*Node{root}}
	}
	if err := g.criteria(root, &b, "      ", id, defOf); err != nil {
		return err
	}
	b.WriteString("    </definition>\n")
	g.defs[slot] = b.String()
	return nil
}

// inventory writes the definition of a release's platform: an inventory
// definition over the catalog's tests, true where the rules apply.
func (g *gen) inventory(id string, p *Platform, defOf map[int]string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "    <definition id=\"%s\" version=\"1\" class=\"inventory\">\n", id)
	fmt.Fprintf(&b, "      <metadata>\n        <title>%s</title>\n", esc(p.Title))
	fmt.Fprintf(&b, "        <description>%s</description>\n      </metadata>\n", esc("The platform "+p.ID+" of "+g.r.Product+": its rules apply where this is true."))
	slot := len(g.defs)
	g.defs = append(g.defs, "")
	root := p.Criteria
	if root.Op == "" {
		root = &Node{Op: "AND", Kids: []*Node{root}}
	}
	if err := g.criteria(root, &b, "      ", id, defOf); err != nil {
		return err
	}
	b.WriteString("    </definition>\n")
	g.defs[slot] = b.String()
	return nil
}

func (g *gen) criteria(n *Node, b *strings.Builder, in, self string, defOf map[int]string) error {
	neg := ""
	if n.Negate {
		neg = " negate=\"true\""
	}
	switch {
	case n.Op != "":
		fmt.Fprintf(b, "%s<criteria operator=\"%s\"%s>\n", in, n.Op, neg)
		for _, k := range n.Kids {
			if err := g.criteria(k, b, in+"  ", self, defOf); err != nil {
				return err
			}
		}
		fmt.Fprintf(b, "%s</criteria>\n", in)
	case n.Extend != "":
		var ids []string
		for i, row := range g.r.Rules {
			d, ok := defOf[i]
			if !ok || d == self || (n.Extend != "all" && row.Check != n.Extend) {
				continue
			}
			ids = append(ids, d)
			if n.Extend != "all" {
				break
			}
		}
		if len(ids) == 0 {
			return fmt.Errorf("extend %s: no such check in the table", n.Extend)
		}
		for _, d := range ids {
			fmt.Fprintf(b, "%s<extend_definition definition_ref=\"%s\"%s/>\n", in, d, neg)
		}
	default:
		tid, t, err := g.test(n.Test)
		if err != nil {
			return err
		}
		cmt := ""
		if g.c.CriterionComments {
			cmt = fmt.Sprintf(" comment=\"%s\"", esc(t.Comment))
		}
		fmt.Fprintf(b, "%s<criterion test_ref=\"%s\"%s%s/>\n", in, tid, neg, cmt)
	}
	return nil
}

func (g *gen) oval() []byte {
	var b strings.Builder
	b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
	fmt.Fprintf(&b, "<!-- %s\n     Generated by builtin/gen from builtin/checks/%s.yaml and builtin/stigs/%s.yaml;\n     edit those, not this file. -->\n",
		comment(g.r.OVAL.Comment), g.c.Name, g.r.Name)
	all := strings.Join(g.tests, "") + strings.Join(g.objects, "") + strings.Join(g.states, "") + strings.Join(g.vars, "")
	fmt.Fprintf(&b, "<oval_definitions xmlns=\"%s\"\n    xmlns:oval=\"http://oval.mitre.org/XMLSchema/oval-common-5\"\n", nsDef)
	for _, p := range prefixes {
		if strings.Contains(all, "<"+p.prefix+":") {
			fmt.Fprintf(&b, "    xmlns:%s=\"%s\"\n", p.prefix, p.ns)
		}
	}
	fmt.Fprintf(&b, "    xmlns:xsi=\"%s\">\n", nsXSI)
	fmt.Fprintf(&b, "  <generator>\n    <oval:product_name>%s</oval:product_name>\n    <oval:schema_version>5.11.2</oval:schema_version>\n    <oval:timestamp>%s</oval:timestamp>\n  </generator>\n",
		esc(g.r.OVAL.Product), g.r.OVAL.Timestamp)
	section := func(name string, items []string) {
		if len(items) == 0 {
			return
		}
		fmt.Fprintf(&b, "  <%s>\n%s  </%s>\n", name, strings.Join(items, ""), name)
	}
	section("definitions", g.defs)
	section("tests", g.tests)
	section("objects", g.objects)
	section("states", g.states)
	section("variables", g.vars)
	b.WriteString("</oval_definitions>\n")
	return []byte(b.String())
}

func (g *gen) xccdf(defOf map[int]string, platformDef string) ([]byte, error) {
	r, c := g.r, g.c
	var x bytes.Buffer
	x.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
	fmt.Fprintf(&x, "<!-- %s\n     Generated by builtin/gen from builtin/checks/%s.yaml and builtin/stigs/%s.yaml;\n     edit those, not this file. -->\n",
		comment(r.Benchmark.Comment), c.Name, r.Name)
	cpeNS, platform := "", ""
	if platformDef != "" {
		cpeNS = " xmlns:cpe-lang=\"" + nsCPELang + "\""
		platform = fmt.Sprintf("      <platform idref=\"#%s\"/>\n", esc(r.Platform.ID))
	}
	fmt.Fprintf(&x, "<Benchmark xmlns=\"http://checklists.nist.gov/xccdf/1.2\"%s id=\"%s\" resolved=\"1\" xml:lang=\"en-US\">\n", cpeNS, r.Benchmark.ID)
	fmt.Fprintf(&x, "  <status date=\"%s\">draft</status>\n  <title>%s</title>\n  <description>%s</description>\n", r.Benchmark.StatusDate, esc(r.Benchmark.Title), esc(r.Benchmark.Description))
	fmt.Fprintf(&x, "  <plain-text id=\"release-info\">%s</plain-text>\n", esc(r.Benchmark.ReleaseInfo))
	if platformDef != "" {
		// One platform, decided by the release's inventory definition.
		fmt.Fprintf(&x, "  <cpe-lang:platform-specification>\n    <cpe-lang:platform id=\"%s\">\n      <cpe-lang:title>%s</cpe-lang:title>\n      <cpe-lang:logical-test operator=\"AND\" negate=\"false\">\n", esc(r.Platform.ID), esc(r.Platform.Title))
		fmt.Fprintf(&x, "        <cpe-lang:check-fact-ref system=\"%s\" href=\"%s\" id-ref=\"%s\"/>\n      </cpe-lang:logical-test>\n    </cpe-lang:platform>\n  </cpe-lang:platform-specification>\n", nsDef, r.OVALFile, platformDef)
	}
	fmt.Fprintf(&x, "  <version>%s</version>\n", esc(r.Benchmark.Version))
	// Every Value of the catalog, in its order: the ones this release's
	// checks export, and the others too, so one tailoring file written for
	// a product serves each of its releases (a set-value naming a Value a
	// benchmark lacks is a content problem).
	exported := map[string]bool{}
	for _, k := range g.used {
		exported[k] = true
	}
	for _, v := range c.Values {
		op := ""
		if v.Operator != "" {
			op = fmt.Sprintf(" operator=\"%s\"", v.Operator)
		}
		desc := v.Description
		if !exported[v.Key] {
			desc += " (No check of this release uses it; it is defined so that a tailoring file written for every release of the product applies here too.)"
		}
		fmt.Fprintf(&x, "  <Value id=\"%s%s\" type=\"%s\"%s>\n    <title>%s</title>\n    <description>%s</description>\n    <value>%s</value>\n  </Value>\n",
			c.ValuePrefix, v.Key, v.Type, op, esc(v.Title), esc(desc), esc(v.Default))
	}
	weight := ""
	if r.Benchmark.Weight != "" {
		weight = fmt.Sprintf(" weight=\"%s\"", r.Benchmark.Weight)
	}
	for i, row := range r.Rules {
		ch := c.Checks.Items[row.Check]
		fmt.Fprintf(&x, "  <Group id=\"xccdf_io.stigscan_group_%s\">\n    <title>%s</title>\n", row.Vuln, row.Vuln)
		fmt.Fprintf(&x, "    <Rule id=\"xccdf_io.stigscan_rule_%s\" severity=\"%s\"%s>\n", row.RuleID, row.Severity, weight)
		fmt.Fprintf(&x, "      <version>%s</version>\n      <title>%s</title>\n", row.STIGID, esc(ch.Title))
		fmt.Fprintf(&x, "      <description>%s</description>\n", esc(g.ruleDescription(ch, row)))
		if ch.Left != "" {
			// The engine carries a rule's warnings into its result, so what
			// is left to a reviewer reaches the checklist even when DISA's
			// rule, not this one, is the one shown.
			fmt.Fprintf(&x, "      <warning category=\"general\">Left to a reviewer: %s</warning>\n", esc(ch.Left))
		}
		x.WriteString(platform)
		for _, cci := range row.CCIs {
			fmt.Fprintf(&x, "      <ident system=\"%s\">%s</ident>\n", cciSys, cci)
		}
		for _, l := range row.Legacy {
			fmt.Fprintf(&x, "      <ident system=\"%s\">%s</ident>\n", legSys, l)
		}
		if d, ok := defOf[i]; ok {
			x.WriteString("      <check system=\"http://oval.mitre.org/XMLSchema/oval-definitions-5\">\n")
			for _, v := range ch.Values {
				vid, _ := g.value(v)
				fmt.Fprintf(&x, "        <check-export value-id=\"%s%s\" export-name=\"%s\"/>\n", c.ValuePrefix, v, vid)
			}
			fmt.Fprintf(&x, "        <check-content-ref href=\"%s\" name=\"%s\"/>\n      </check>\n", r.OVALFile, d)
		}
		x.WriteString("    </Rule>\n  </Group>\n")
	}
	x.WriteString("</Benchmark>\n")
	return x.Bytes(), nil
}

// ruleDescription is what a rule tells a reader: how much is automated,
// what is judged, what is left, and which release and Rule-ID it was
// written against.
func (g *gen) ruleDescription(ch *Check, row Rule) string {
	a := string(ch.Automation)
	s := strings.ToUpper(a[:1]) + a[1:] + ". " + ch.Description
	if ch.Left != "" {
		s += " Left to a reviewer: " + ch.Left
	}
	return s + " Written against " + g.r.WrittenAgainst + " (" + row.RuleID + ")."
}

// esc escapes text for element content and double-quoted attributes;
// apostrophes stay as they are, so SQL reads as written.
func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return strings.ReplaceAll(b.String(), "&#39;", "'")
}

// comment indents a file's header comment.
func comment(s string) string {
	return strings.ReplaceAll(strings.TrimSpace(s), "\n", "\n     ")
}
