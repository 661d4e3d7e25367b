package oval

import "time"

// Results are the outcome of one Evaluate call on one host. Every slice is
// sorted by id.
type Results struct {
	Definitions []*DefinitionResult
	Tests       []*TestResult
	Objects     []*CollectedObject
	Items       []*Item
	SystemInfo  SystemInfo
	Generator   Generator // of the source definitions
	Time        time.Time
	source      *Definitions
	defIndex    map[string]*DefinitionResult
}

// Definition returns the result of one definition, or nil when it was not
// evaluated.
func (r *Results) Definition(id string) *DefinitionResult { return r.defIndex[id] }

// DefinitionResult is the result of one definition with its criteria tree.
type DefinitionResult struct {
	ID       string
	Version  string
	Class    string
	Result   Result
	Criteria *CriteriaResult
	Messages []Message
	// Circular is set on the definition whose extend_definition closes a
	// loop. The reference interpreter leaves every definition of the loop
	// "not evaluated"; a caller can tell this content error from a check
	// that merely could not run.
	Circular bool
}

// CriteriaResult mirrors a criteria, criterion or extend_definition node.
type CriteriaResult struct {
	Kind               string // criteria, criterion, extend_definition
	Operator           string
	Negate             bool
	ApplicabilityCheck *bool
	Ref                string // test_ref or definition_ref
	Version            string // version of the referenced test or definition
	Result             Result
	Children           []*CriteriaResult
}

// TestResult is the result of one test with the items it examined.
type TestResult struct {
	ID             string
	Version        string
	Check          string
	CheckExistence string
	StateOperator  string
	Result         Result
	Items          []TestedItem
	Variables      []VariableValue
	Messages       []Message
}

// TestedItem is an item a test looked at and what its states said of it.
type TestedItem struct {
	ItemID int
	Result Result
}

// VariableValue is one value a variable took during evaluation.
type VariableValue struct{ ID, Value string }

// CollectedObject is an object's collection outcome.
type CollectedObject struct {
	ID        string
	Version   string
	Comment   string
	Flag      string
	ItemIDs   []int
	Messages  []Message
	Variables []VariableValue
}

// SystemInfo describes the evaluated system.
type SystemInfo struct {
	OSName       string
	OSVersion    string
	Architecture string
	HostName     string
	Interfaces   []Interface
}

// Interface is a network interface of SystemInfo.
type Interface struct{ Name, IPAddress, MACAddress string }
