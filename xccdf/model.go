package xccdf

import (
	"strings"
)

// Namespaces of the XCCDF versions stigscan reads.
const (
	NS11 = "http://checklists.nist.gov/xccdf/1.1"
	NS12 = "http://checklists.nist.gov/xccdf/1.2"
)

// Benchmark is an XCCDF Benchmark with its item tree flattened into lookup
// tables. A Benchmark is immutable once parsed and safe for concurrent reads.
type Benchmark struct {
	ID          string
	Namespace   string // NS11 or NS12: which XCCDF version the document is
	Resolved    bool
	Status      []Status
	Title       string
	Description Text
	Version     string
	ReleaseInfo string // DISA's plain-text "release-info": "Release: 3 Benchmark Date: 24 Jan 2024"
	Platforms   []string
	References  []Reference
	Profiles    []*Profile
	Values      []*Value // in document order
	Groups      []*Group // in document order, nested groups included
	Rules       []*Rule  // in document order
	// Items are the top-level Groups, Rules and Values in document order.
	Items []Item
	// PlatformSpecs are the CPE applicability language platforms the
	// benchmark defines (cpe-lang:platform-specification), by id; platform
	// idrefs "#id" refer to them.
	PlatformSpecs map[string]*Platform

	// Source says where the benchmark was read from, for messages.
	Source string

	byID map[string]any
}

// Item is a node of the benchmark tree: *Group, *Rule or *Value.
type Item interface {
	itemID() string
}

// Status is an XCCDF status element.
type Status struct {
	Date  string
	Value string
}

// Text is XCCDF text that may hold XHTML markup. Raw is the element's inner
// XML exactly as written (entities still escaped); Plain gives readable text.
type Text struct {
	Raw string
}

// Plain returns the text with markup removed and entities decoded.
func (t Text) Plain() string { return plainText(t.Raw) }

// IsZero reports whether the text is empty.
func (t Text) IsZero() bool { return strings.TrimSpace(t.Raw) == "" }

// Reference is a dc-style or plain reference.
type Reference struct {
	Href  string
	Value string
}

// Group is an XCCDF Group.
type Group struct {
	ID          string
	Title       string
	Description Text
	Selected    bool // the group's own default selection
	Weight      float64
	Hidden      bool
	Abstract    bool
	ClusterID   string
	Platforms   []string
	Parent      *Group // nil at the top level
	Items       []Item
}

func (g *Group) itemID() string { return g.ID }

// Rule is an XCCDF Rule.
type Rule struct {
	ID           string
	Title        string
	Description  Text
	Rationale    Text
	Version      string // DISA: the STIG-ID
	Severity     string // unknown, info, low, medium, high
	Weight       float64
	Role         string
	Selected     bool
	Hidden       bool
	Abstract     bool
	ClusterID    string
	MultiCheck   bool // set on any check of the rule
	Platforms    []string
	Idents       []Ident
	References   []Reference
	Fixes        []Fix
	FixTexts     []FixText
	Warnings     []Warning
	Checks       []Check
	ComplexCheck *ComplexCheck
	Parent       *Group // nil at the top level

	// DISA holds the decoded fields of a DISA description; nil when the
	// description is not in DISA's pseudo-XML form.
	DISA *DISADescription
	ids  Identity
}

func (r *Rule) itemID() string { return r.ID }

// Warning is an XCCDF rule warning: something the content's author wants
// whoever reads the rule's result to know (stigscan's own checks use it
// for what a partly automated check leaves to a reviewer).
type Warning struct {
	Category string // general, functionality, performance, hardware, legal, regulatory, management, audit, dependency
	Text     Text
}

// Ident is an XCCDF ident: a CCI, a legacy Vuln/Rule id, a CVE.
type Ident struct {
	System string
	Value  string
}

// Fix is a remediation script.
type Fix struct {
	ID         string
	System     string
	Complexity string
	Disruption string
	Reboot     bool
	Strategy   string
	Content    string
}

// FixText is prose remediation (DISA's "Fix Text").
type FixText struct {
	FixRef string
	Text   Text
}

// Check references check content in a check system (OVAL, OCIL, SCE).
type Check struct {
	System      string
	Selector    string
	Negate      bool
	MultiCheck  bool
	Exports     []Export
	ContentRefs []ContentRef
	Content     string // inline check-content text (DISA's manual "Check Text")
	ImportNames []string
}

// ContentRef is a check-content-ref.
type ContentRef struct {
	Href string
	Name string // empty: all definitions of the file
}

// Export passes an XCCDF Value into the check system (check-export).
type Export struct {
	ValueID    string
	ExportName string
}

// ComplexCheck combines checks with a boolean operator.
type ComplexCheck struct {
	Operator string // AND or OR
	Negate   bool
	Checks   []Check
	Complex  []*ComplexCheck
}

// Value is an XCCDF Value with its selector-keyed alternatives.
type Value struct {
	ID          string
	Title       string
	Description Text
	Type        string // string, number, boolean
	Operator    string
	Interactive bool
	Hidden      bool
	// Values maps a selector ("" for the default) to the value.
	Values map[string]string
	// Defaults maps a selector to the default element's value.
	Defaults   map[string]string
	LowerBound map[string]string
	UpperBound map[string]string
	Choices    map[string][]string
	Parent     *Group
	valueOrder []string
}

func (v *Value) itemID() string { return v.ID }

// Profile is an XCCDF Profile (also used for tailoring's profiles).
type Profile struct {
	ID          string
	Title       string
	Description Text
	Extends     string
	Abstract    bool
	Platforms   []string
	Selects     []Select
	SetValues   []SetValue
	RefineValue []RefineValue
	RefineRules []RefineRule
	// Origin names the document the profile came from (benchmark or tailoring).
	Origin string
}

// Select is a profile's select element.
type Select struct {
	IDRef    string
	Selected bool
}

// SetValue is a profile's set-value element.
type SetValue struct {
	IDRef string
	Value string
}

// RefineValue is a profile's refine-value element.
type RefineValue struct {
	IDRef    string
	Selector string
	Operator string
}

// RefineRule is a profile's refine-rule element.
type RefineRule struct {
	IDRef    string
	Selector string
	Severity string
	Weight   *float64
	Role     string
}

// Lookup returns the Group, Rule, Value or Profile with the id, or nil.
func (b *Benchmark) Lookup(id string) any { return b.byID[id] }

// Rule returns the rule with the id, or nil.
func (b *Benchmark) Rule(id string) *Rule {
	r, _ := b.byID[id].(*Rule)
	return r
}

// Value returns the value with the id, or nil.
func (b *Benchmark) Value(id string) *Value {
	v, _ := b.byID[id].(*Value)
	return v
}

// Profile returns the profile with the id, or nil.
func (b *Benchmark) Profile(id string) *Profile {
	for _, p := range b.Profiles {
		if p.ID == id {
			return p
		}
	}
	return nil
}

// CheckRefs lists every distinct check-content-ref href of the benchmark with
// its check system, in order of first use.
func (b *Benchmark) CheckRefs() []CheckFile {
	seen := map[string]bool{}
	var out []CheckFile
	add := func(c Check) {
		for _, ref := range c.ContentRefs {
			if ref.Href == "" || seen[ref.Href] {
				continue
			}
			seen[ref.Href] = true
			out = append(out, CheckFile{Href: ref.Href, System: c.System})
		}
	}
	var walk func(cc *ComplexCheck)
	walk = func(cc *ComplexCheck) {
		for _, c := range cc.Checks {
			add(c)
		}
		for _, sub := range cc.Complex {
			walk(sub)
		}
	}
	for _, r := range b.Rules {
		for _, c := range r.Checks {
			add(c)
		}
		if r.ComplexCheck != nil {
			walk(r.ComplexCheck)
		}
	}
	return out
}

// CheckFile is a file a benchmark's checks reference.
type CheckFile struct {
	Href   string
	System string
}

// NSCPELang is the CPE applicability language 2.0 namespace.
const NSCPELang = "http://cpe.mitre.org/language/2.0"

// Platform is a cpe-lang:platform: a named logical test over CPE names.
type Platform struct {
	ID    string
	Title string
	Test  *LogicalTest
}

// LogicalTest is a cpe-lang:logical-test.
type LogicalTest struct {
	Operator string // AND or OR
	Negate   bool
	// FactRefs are CPE names, each true when the dictionary's check for
	// that name is true on the target.
	FactRefs []string
	// CheckFactRefs are direct checks (check-fact-ref).
	CheckFactRefs []CheckFactRef
	Tests         []*LogicalTest
}

// CheckFactRef is a cpe-lang:check-fact-ref.
type CheckFactRef struct {
	System, Href, IDRef string
}
