package engine

import (
	"time"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/secret"
	"github.com/stigscan/stigscan/oval"
	"github.com/stigscan/stigscan/xccdf"
)

// Status is an XCCDF rule result.
type Status string

// The XCCDF 1.2 rule results.
const (
	Pass          Status = "pass"
	Fail          Status = "fail"
	Error         Status = "error"
	Unknown       Status = "unknown"
	NotApplicable Status = "notapplicable"
	NotChecked    Status = "notchecked"
	NotSelected   Status = "notselected"
	Informational Status = "informational"
	Fixed         Status = "fixed"
)

// Statuses lists every status in a stable reporting order.
var Statuses = []Status{Pass, Fail, Error, Unknown, NotApplicable, NotChecked, NotSelected, Informational, Fixed}

// Result is the outcome of evaluating a prepared benchmark on one target.
// It holds everything the writers need; nothing in it is a secret.
type Result struct {
	Benchmark *xccdf.Benchmark
	Profile   *xccdf.Profile // nil: the default selection
	Source    string         // content file the benchmark came from
	// Values are the effective XCCDF Values of the profile.
	Values map[string]string

	// Target is what the target is called (host.Describe), redacted:
	// every writer names the target from it, so none can repeat a
	// password a target string held.
	Target secret.Target
	// Kind is the target's kind (host.KindOf): writers mark a
	// database's checklist from it.
	Kind     host.Kind
	Facts    host.Facts
	FactsErr string // why facts could not be read, if they could not
	// Warnings are what the target said about how it was scanned
	// (host.Warner), e.g. that a database scan ran as a superuser.
	Warnings  []string
	StartTime time.Time
	EndTime   time.Time

	// Rules has one entry per rule of the benchmark, in document order
	// (multi-check rules have one entry per check instance).
	Rules []*RuleResult
	// OVAL holds the OVAL results of each OVAL document evaluated, in the
	// order first referenced.
	OVAL []*OVALReport

	Score    float64 // urn:xccdf:scoring:default
	MaxScore float64
}

// RuleResult is the result of one rule.
type RuleResult struct {
	Rule     *xccdf.Rule
	Identity xccdf.Identity
	Status   Status
	Severity string
	Weight   float64
	Role     string
	Time     time.Time
	// Instance names the check instance of a multi-check rule (the OVAL
	// definition id), empty otherwise.
	Instance string
	Check    *CheckOutcome // the check that decided the result, if any
	Messages []Message
	// Evidence is what the checks found, for checklists' finding details.
	Evidence []string
	// BoundTo is the stigscan built-in rule whose check automated this rule
	// (an imported DISA rule without an automated check of its own).
	BoundTo *xccdf.Rule
}

// CheckOutcome records the check evaluated for a rule.
type CheckOutcome struct {
	System   string
	Href     string
	Name     string
	Negate   bool
	Exports  []ExportValue
	Selector string
	// Content is inline check text (DISA's manual checks).
	Content string
}

// ExportValue is an XCCDF Value passed to a check.
type ExportValue struct {
	ValueID, ExportName, Value string
}

// Message is a note attached to a rule result.
type Message struct {
	Severity string // info, warning, error
	Text     string
}

// OVALReport is one OVAL document's evaluation.
type OVALReport struct {
	Href    string
	Name    string
	Results *oval.Results
}

// Counts tallies rule results by status.
func (r *Result) Counts() map[Status]int {
	m := map[Status]int{}
	for _, rr := range r.Rules {
		m[rr.Status]++
	}
	return m
}
