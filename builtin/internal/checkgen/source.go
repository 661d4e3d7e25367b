// Package checkgen turns stigscan's built-in checks, written as data, into
// the XCCDF and OVAL files the builtin package embeds.
//
// The source has two kinds of file (docs/checks.md):
//
//   - a catalog (builtin/checks/<product>.yaml) holds a product's checks:
//     the organization-defined Values, the OVAL parts (objects, states,
//     variables, tests) by name, and checks that combine tests into
//     criteria, each with its title, automation and description. One check
//     serves every release whose DISA check is the same.
//   - a release (builtin/stigs/<stig>.yaml) is one DISA STIG release: its
//     benchmark metadata and its mapping table, one row per DISA rule with
//     DISA's ids (Vuln-ID, Rule-ID, STIG-ID, severity, CCIs, legacy ids) and
//     the check that decides it.
//
// Generate reads one release and its catalog and writes the benchmark and
// its OVAL document; the output is a function of the source alone, so a
// test can check that regeneration changes nothing.
package checkgen

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// Catalog is a product's checks: what they read, how they judge, which
// Values they take.
type Catalog struct {
	Name string `yaml:"name"`
	// SQL57 gives the engine and version of every sql57 object written with
	// the sql shorthand.
	SQL57 struct {
		Engine  string `yaml:"engine"`
		Version string `yaml:"version"`
	} `yaml:"sql57"`
	// CriterionComments copies each test's comment onto its criterion.
	CriterionComments bool `yaml:"criterion_comments"`
	// ValuePrefix is the prefix of the XCCDF Value ids:
	// <ValuePrefix><key>.
	ValuePrefix string            `yaml:"value_prefix"`
	Values      []Value           `yaml:"values"`
	Variables   Ordered[Variable] `yaml:"variables"`
	Objects     Ordered[Object]   `yaml:"objects"`
	States      Ordered[State]    `yaml:"states"`
	Tests       Ordered[Test]     `yaml:"tests"`
	Checks      Ordered[Check]    `yaml:"checks"`
}

// Value is an organization-defined setting: an XCCDF Value, exported to
// the OVAL external variable of the same key, that a tailoring file
// overrides.
type Value struct {
	Key         string `yaml:"key"`
	Type        string `yaml:"type"` // number, boolean, string
	Operator    string `yaml:"operator,omitempty"`
	Title       string `yaml:"title"`
	Description string `yaml:"description"`
	Default     string `yaml:"default"`
	// OVALType overrides the datatype of the external variable (version
	// for a version compared as one).
	OVALType string `yaml:"oval_datatype,omitempty"`
}

// Datatype is the OVAL datatype of the external variable a Value is
// exported to. Numbers are int, so the engine refuses a value that is not
// a whole number before it reaches SQL.
func (v *Value) Datatype() string {
	if v.OVALType != "" {
		return v.OVALType
	}
	switch v.Type {
	case "number":
		return "int"
	case "boolean":
		return "boolean"
	}
	return "string"
}

// Variable is an OVAL local or constant variable. XML is its content;
// references to other parts are written @obj(name), @var(name) and
// @value(key).
type Variable struct {
	Kind     string `yaml:"kind"` // local_variable, constant_variable
	Datatype string `yaml:"datatype"`
	Comment  string `yaml:"comment"`
	XML      string `yaml:"xml"`
}

// Object is an OVAL object: with SQL, a sql57 object of the catalog's
// engine; otherwise XML is its content.
type Object struct {
	Type    string `yaml:"type"`
	Comment string `yaml:"comment,omitempty"`
	SQL     string `yaml:"sql,omitempty"`
	XML     string `yaml:"xml,omitempty"`
}

// State is an OVAL state: Record is the shorthand for a sql57 state that
// compares fields of every row; otherwise XML is its content.
type State struct {
	Type    string  `yaml:"type"`
	Comment string  `yaml:"comment,omitempty"`
	Record  []Field `yaml:"record,omitempty"`
	// Operation is the result entity's operation (omitted when empty).
	Operation string `yaml:"operation,omitempty"`
	XML       string `yaml:"xml,omitempty"`
}

// Field is one field of a sql57 record state: compared with Value, or with
// the variable or Value Var names (@var(name), @value(key)).
type Field struct {
	Name      string `yaml:"name"`
	Operation string `yaml:"op,omitempty"`
	Datatype  string `yaml:"datatype,omitempty"`
	Value     string `yaml:"value,omitempty"`
	Var       string `yaml:"var,omitempty"`
}

// Test is an OVAL test. The shorthands: Unknown is an unknown_test (a
// part left to a reviewer, named by Comment); Offenders is a sql57 test
// that passes when a query finds no offending rows and otherwise reports
// them as evidence.
type Test struct {
	Type      string     `yaml:"type,omitempty"`
	Comment   string     `yaml:"comment"`
	Check     string     `yaml:"check,omitempty"`
	Existence string     `yaml:"existence,omitempty"`
	StateOp   string     `yaml:"state_operator,omitempty"`
	Object    string     `yaml:"object,omitempty"`
	States    []string   `yaml:"states,omitempty"`
	Unknown   bool       `yaml:"unknown,omitempty"`
	Offenders *Offenders `yaml:"offenders,omitempty"`
}

// Offenders is the query of an offenders test: the columns reported for
// each offending row and the FROM ... clause that finds them. {key} in
// either is the Value of that key (numbers only: they are spliced into
// the SQL).
type Offenders struct {
	Cols string `yaml:"cols"`
	From string `yaml:"from"`
}

// Automation says how much of a rule a check decides.
type Automation string

// The automation levels.
const (
	Automated Automation = "automated"
	Partly    Automation = "partly automated"
	Manual    Automation = "manual"
)

// Check is one judgment: what it reads and how it judges (Criteria over
// the catalog's tests), which Values it takes and what it tells a reader.
type Check struct {
	Title      string     `yaml:"title"`
	Automation Automation `yaml:"automation"`
	// Description says what is judged (and, for a manual check, why it is
	// manual); it is the OVAL definition's description.
	Description string `yaml:"description"`
	// Left is what a partly automated check leaves to a reviewer, when
	// Description does not say it.
	Left     string   `yaml:"left,omitempty"`
	Values   []string `yaml:"values,omitempty"`
	Criteria *Node    `yaml:"criteria,omitempty"`
}

// Node is a criteria tree: a test name, {and: [...]}, {or: [...]},
// {not: node} or {extend: all | check}.
type Node struct {
	Test   string
	Op     string // AND, OR
	Kids   []*Node
	Negate bool
	Extend string // "all" (every other check of the release) or a check name
}

// UnmarshalYAML reads the shorthand forms of a criteria node.
func (n *Node) UnmarshalYAML(v *yaml.Node) error {
	switch v.Kind {
	case yaml.ScalarNode:
		n.Test = v.Value
		return nil
	case yaml.MappingNode:
		if len(v.Content) != 2 {
			return fmt.Errorf("line %d: a criteria node has one key (and, or, not, extend)", v.Line)
		}
		key, val := v.Content[0].Value, v.Content[1]
		switch key {
		case "and", "or":
			n.Op = map[string]string{"and": "AND", "or": "OR"}[key]
			return val.Decode(&n.Kids)
		case "not":
			if err := val.Decode(n); err != nil {
				return err
			}
			n.Negate = !n.Negate
			return nil
		case "extend":
			n.Extend = val.Value
			return nil
		}
		return fmt.Errorf("line %d: unknown criteria key %q", v.Line, key)
	}
	return fmt.Errorf("line %d: a criteria node is a test name or a mapping", v.Line)
}

// Release is one DISA STIG release: what the generated benchmark says
// about itself and its mapping table.
type Release struct {
	// Name is the short name of --stig (postgres-9x).
	Name string `yaml:"name"`
	// Target is the kind of target the checks need (postgres, mongodb,
	// oracle): the engine name of a database target.
	Target string `yaml:"target"`
	// Catalog names the catalog holding the checks (builtin/checks/<name>.yaml).
	Catalog string `yaml:"catalog"`
	// Product and Release name DISA's STIG and the release the table was
	// read from.
	Product string `yaml:"product"`
	Release string `yaml:"release"`
	// WrittenAgainst ends each rule's description: "Written against <it> (<Rule-ID>)."
	WrittenAgainst string `yaml:"written_against"`
	// Binds lists the other releases of DISA's STIG whose rules bind to
	// these checks by the same ids.
	Binds     []string `yaml:"binds,omitempty"`
	XCCDFFile string   `yaml:"xccdf_file"`
	OVALFile  string   `yaml:"oval_file"`
	Benchmark struct {
		ID          string `yaml:"id"`
		Comment     string `yaml:"comment"`
		StatusDate  string `yaml:"status_date"`
		Title       string `yaml:"title"`
		Description string `yaml:"description"`
		ReleaseInfo string `yaml:"release_info"`
		Version     string `yaml:"version"`
		Weight      string `yaml:"weight,omitempty"` // every rule's weight; XCCDF's default 1.0 when empty
	} `yaml:"benchmark"`
	OVAL struct {
		Namespace       string `yaml:"namespace"` // oval:<namespace>:def:1
		Comment         string `yaml:"comment"`
		Product         string `yaml:"product"`
		Timestamp       string `yaml:"timestamp"`
		ReferenceSource string `yaml:"reference_source"`
	} `yaml:"oval"`
	// Platform, when set, makes every rule of the release apply only where
	// an OVAL inventory definition is true (an XCCDF platform of cpe-lang
	// check-fact-ref): a MariaDB release is notapplicable on MySQL.
	Platform *Platform `yaml:"platform,omitempty"`
	// Coverage names the generated section of docs/coverage.md, when the
	// release has one.
	Coverage *Coverage `yaml:"coverage,omitempty"`
	Rules    []Rule    `yaml:"rules"`
}

// Platform is what a release's rules apply to: ID names the cpe-lang
// platform (local to the benchmark), Title says what it is, and Criteria
// over the catalog's tests is the inventory definition deciding it.
type Platform struct {
	ID       string `yaml:"id"`
	Title    string `yaml:"title"`
	Criteria *Node  `yaml:"criteria"`
}

// Coverage is the generated section of docs/coverage.md.
type Coverage struct {
	Marker string `yaml:"marker"`
	Title  string `yaml:"title"`
	Intro  string `yaml:"intro"`
}

// Rule is one row of a release's mapping table: DISA's ids for the rule
// and the check that decides it.
type Rule struct {
	Vuln     string   `yaml:"vuln"`
	RuleID   string   `yaml:"rule"`
	STIGID   string   `yaml:"stig"`
	Severity string   `yaml:"severity"`
	Check    string   `yaml:"check"`
	CCIs     []string `yaml:"cci,omitempty"`
	Legacy   []string `yaml:"legacy,omitempty"`
}

// Ordered is a YAML mapping read in the order it is written, so generated
// files follow the source.
type Ordered[T any] struct {
	Keys  []string
	Items map[string]*T
}

// UnmarshalYAML reads a mapping, keeping its order and refusing a key
// given twice.
func (o *Ordered[T]) UnmarshalYAML(v *yaml.Node) error {
	if v.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: want a mapping", v.Line)
	}
	o.Items = map[string]*T{}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k := v.Content[i].Value
		if _, dup := o.Items[k]; dup {
			return fmt.Errorf("line %d: %q given twice", v.Content[i].Line, k)
		}
		var t T
		if err := v.Content[i+1].Decode(&t); err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
		o.Keys = append(o.Keys, k)
		o.Items[k] = &t
	}
	return nil
}
