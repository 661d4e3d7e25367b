// Package attack holds tests that scan hostile targets (files too large to
// read, files with millions of matching lines, patterns that backtrack,
// Values that are not numbers) with the built stigscan binary, and checks
// that each ends in bounded memory and time with an error naming the cap,
// while the other rules of the same scan still pass. This file writes the
// small XCCDF 1.2 + OVAL content those tests (and fleet's) scan with.
package attack

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Rule is one rule of a generated benchmark, checked by one OVAL
// definition whose criterion is Test. Test, Object and State are OVAL
// elements; they refer to each other by the ids they choose.
type Rule struct {
	Name   string // the rule is xccdf_io.stigscan_rule_NAME
	Test   string // an OVAL test element with id TestID
	TestID string
	Object string
	State  string
	// Export passes the benchmark's Value NAME to the OVAL external
	// variable with that id (oval:t:var:NAME).
	Export string
}

// Value is an XCCDF Value of the benchmark, exported as oval:t:var:NAME.
type Value struct {
	Name, Type, Default string
}

// Profile is the profile the generated benchmark selects every rule in.
const Profile = "xccdf_io.stigscan_profile_all"

// RuleID is the XCCDF id of the rule called name.
func RuleID(name string) string { return "xccdf_io.stigscan_rule_" + name }

// ValueID is the XCCDF id of the Value called name.
func ValueID(name string) string { return "xccdf_io.stigscan_value_" + name }

// WriteContent writes t-xccdf.xml and t-oval.xml into dir and returns the
// XCCDF file's path.
func WriteContent(dir string, rules []Rule, values []Value) (string, error) {
	var x, tests, objects, states, defs, vars strings.Builder
	x.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2" id="xccdf_io.stigscan_benchmark_attack" resolved="1" xml:lang="en-US">
<status>draft</status><title>attack</title><version>1</version>
<Profile id="` + Profile + `"><title>all</title></Profile>
`)
	for _, v := range values {
		fmt.Fprintf(&x, "<Value id=%q type=%q><title>%s</title><value>%s</value></Value>\n", ValueID(v.Name), v.Type, v.Name, v.Default)
		dt := "string"
		if v.Type == "number" {
			dt = "int"
		}
		fmt.Fprintf(&vars, `<external_variable id="oval:t:var:%s" version="1" datatype="%s" comment="%s"/>`, v.Name, dt, v.Name)
	}
	for i, r := range rules {
		export := ""
		if r.Export != "" {
			export = fmt.Sprintf(`<check-export value-id=%q export-name="oval:t:var:%s"/>`, ValueID(r.Export), r.Export)
		}
		fmt.Fprintf(&x, `<Rule id=%q selected="true" severity="medium"><title>%s</title><check system="http://oval.mitre.org/XMLSchema/oval-definitions-5">%s<check-content-ref href="t-oval.xml" name="oval:t:def:%d"/></check></Rule>
`, RuleID(r.Name), r.Name, export, i+1)
		fmt.Fprintf(&defs, `<definition id="oval:t:def:%d" version="1" class="compliance"><metadata><title>%s</title><description>%s</description></metadata><criteria><criterion test_ref=%q/></criteria></definition>
`, i+1, r.Name, r.Name, r.TestID)
		tests.WriteString(r.Test + "\n")
		objects.WriteString(r.Object + "\n")
		states.WriteString(r.State + "\n")
	}
	x.WriteString("</Benchmark>\n")
	o := `<?xml version="1.0" encoding="UTF-8"?>
<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5" xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5" xmlns:ind="http://oval.mitre.org/XMLSchema/oval-definitions-5#independent" xmlns:unix="http://oval.mitre.org/XMLSchema/oval-definitions-5#unix">
<generator><oval:schema_version>5.11.2</oval:schema_version><oval:timestamp>2026-01-01T00:00:00</oval:timestamp></generator>
<definitions>` + defs.String() + `</definitions>
<tests>` + tests.String() + `</tests>
<objects>` + objects.String() + `</objects>
<states>` + states.String() + `</states>
`
	if vars.Len() > 0 {
		o += "<variables>" + vars.String() + "</variables>\n"
	}
	o += "</oval_definitions>\n"
	if err := os.WriteFile(filepath.Join(dir, "t-oval.xml"), []byte(o), 0o644); err != nil {
		return "", err
	}
	p := filepath.Join(dir, "t-xccdf.xml")
	return p, os.WriteFile(p, []byte(x.String()), 0o644)
}

// LinesRule is a rule that passes when some line of path matches pattern
// (a textfilecontent54 object), each matched line's first subexpression
// satisfying stateXML's entities when stateXML is not empty. n numbers
// the OVAL ids.
func LinesRule(name string, n int, path, pattern, stateXML string) Rule {
	st, ste := "", ""
	if stateXML != "" {
		st = fmt.Sprintf(`<ind:state state_ref="oval:t:ste:%d"/>`, n)
		ste = fmt.Sprintf(`<ind:textfilecontent54_state id="oval:t:ste:%d" version="1">%s</ind:textfilecontent54_state>`, n, stateXML)
	}
	return Rule{
		Name:   name,
		TestID: fmt.Sprintf("oval:t:tst:%d", n),
		Test:   fmt.Sprintf(`<ind:textfilecontent54_test id="oval:t:tst:%d" version="1" check="all" check_existence="at_least_one_exists"><ind:object object_ref="oval:t:obj:%d"/>%s</ind:textfilecontent54_test>`, n, n, st),
		Object: fmt.Sprintf(`<ind:textfilecontent54_object id="oval:t:obj:%d" version="1"><ind:filepath>%s</ind:filepath><ind:pattern operation="pattern match">%s</ind:pattern><ind:instance datatype="int" operation="greater than or equal">1</ind:instance></ind:textfilecontent54_object>`, n, path, pattern),
		State:  ste,
	}
}

// WriteTailoring writes a tailoring file into dir that extends Profile and
// sets the Values given (name → value), and returns its path and the
// tailored profile's id.
func WriteTailoring(dir string, set map[string]string) (path, profile string, err error) {
	profile = "xccdf_io.stigscan_profile_tailored"
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<Tailoring xmlns="http://checklists.nist.gov/xccdf/1.2" id="xccdf_io.stigscan_tailoring_attack">
<benchmark href="t-xccdf.xml"/>
<version time="2026-01-01T00:00:00">1</version>
<Profile id="` + profile + `" extends="` + Profile + `"><title>tailored</title>
`)
	for name, v := range set {
		fmt.Fprintf(&b, "<set-value idref=%q>%s</set-value>\n", ValueID(name), v)
	}
	b.WriteString("</Profile>\n</Tailoring>\n")
	path = filepath.Join(dir, "t-tailoring.xml")
	return path, profile, os.WriteFile(path, []byte(b.String()), 0o644)
}
