package oval

// Definitions is a parsed oval_definitions document. It is read-only after
// Parse returns.
type Definitions struct {
	Name        string // file name given to Parse, for messages
	Generator   Generator
	Definitions []*Definition
	Tests       []*Test
	Objects     []*Object
	States      []*State
	Variables   []*Variable
	// Raw is the document element as it was read (without the XML
	// declaration), so results can carry an exact copy of the source.
	Raw []byte
	// Unsupported lists elements of families or types the parser kept but
	// that no probe or comparison understands; Prepare reports them as
	// results, never as a failure.
	Unsupported []string
}

// Generator is the generator element of a document.
type Generator struct {
	ProductName    string
	ProductVersion string
	SchemaVersion  string
	Timestamp      string
}

// Definition is one OVAL definition.
type Definition struct {
	ID          string
	Version     string
	Class       string
	Deprecated  bool
	Title       string
	Description string
	References  []Reference
	Criteria    *Criteria
	Line        int
}

// Reference is a metadata reference of a definition.
type Reference struct{ Source, RefID, RefURL string }

// Criteria combines criteria nodes with a logical operator.
type Criteria struct {
	Operator           string // AND, OR, ONE, XOR
	Negate             bool
	ApplicabilityCheck *bool
	Comment            string
	Children           []CriteriaNode
}

// CriteriaNode is one of *Criteria, *Criterion, *ExtendDefinition.
type CriteriaNode interface{ criteriaNode() }

// Criterion refers to a test.
type Criterion struct {
	TestRef            string
	Negate             bool
	ApplicabilityCheck *bool
	Comment            string
}

// ExtendDefinition refers to another definition.
type ExtendDefinition struct {
	DefinitionRef      string
	Negate             bool
	ApplicabilityCheck *bool
	Comment            string
}

func (*Criteria) criteriaNode()         {}
func (*Criterion) criteriaNode()        {}
func (*ExtendDefinition) criteriaNode() {}

// Test is any *_test element.
type Test struct {
	ID             string
	Version        string
	Comment        string
	Type           string // element local name, e.g. "textfilecontent54_test"
	Namespace      string
	Family         string // e.g. "independent", "unix", "linux"
	Check          string
	CheckExistence string
	StateOperator  string
	ObjectRef      string
	StateRefs      []string
	Deprecated     bool
	Line           int
}

// Object is any *_object element.
type Object struct {
	ID         string
	Version    string
	Comment    string
	Type       string
	Namespace  string
	Family     string
	Deprecated bool
	Behaviors  map[string]string
	Entities   []*Entity
	Set        *Set
	Filters    []Filter
	Line       int
}

// Set is an object set operation.
type Set struct {
	Operator   string // UNION, INTERSECTION, COMPLEMENT
	ObjectRefs []string
	Sets       []*Set
	Filters    []Filter
}

// Filter keeps (include) or drops (exclude) items matching a state.
type Filter struct {
	Action   string // include or exclude
	StateRef string
}

// State is any *_state element.
type State struct {
	ID         string
	Version    string
	Comment    string
	Type       string
	Namespace  string
	Family     string
	Operator   string
	Deprecated bool
	Entities   []*Entity
	Line       int
}

// Entity is an entity of an object or state: its value and how to compare.
type Entity struct {
	Name           string
	Value          string
	Datatype       string
	Operation      string
	Mask           bool
	VarRef         string
	VarCheck       string
	EntityCheck    string
	CheckExistence string
	Nil            bool
	Fields         []*Entity // record fields (name in Name)
}

// Variable is a constant, external or local variable.
type Variable struct {
	ID        string
	Version   string
	Comment   string
	Kind      string // constant_variable, external_variable, local_variable
	Datatype  string
	Values    []string // constant values
	Component *Component
	// PossibleValues and PossibleRestrictions of an external variable:
	// supplied values must satisfy one of them.
	PossibleValues       []string
	PossibleRestrictions []Restriction
	Line                 int
}

// Restriction is an external variable's possible_restriction.
type Restriction struct {
	Operator string // AND, OR, ONE, XOR
	Checks   []RestrictionCheck
}

// RestrictionCheck is one restriction: an operation and a value.
type RestrictionCheck struct{ Operation, Value string }

// Component is a local variable component or function.
type Component struct {
	Kind        string // literal_component, object_component, variable_component, concat, ...
	Datatype    string // literal_component
	Value       string // literal_component
	ObjectRef   string
	ItemField   string
	RecordField string
	VarRef      string
	Attrs       map[string]string // function attributes (arithmetic_operation, delimiter, ...)
	Children    []*Component
}

// Item is one collected item of the system characteristics.
type Item struct {
	ID       int
	Type     string // e.g. "file_item"
	Family   string // e.g. "unix"
	Status   string // exists, does not exist, error, not collected
	Fields   []*Field
	Messages []Message
}

// Field is one entity of an item. Record entities carry their fields.
type Field struct {
	Name     string
	Value    string
	Datatype string
	Status   string // "" means exists
	Nil      bool
	Fields   []*Field
	// Mask keeps the value out of written results (OVAL's mask="true"):
	// set where the object or a state compared with the item masks the
	// entity, and always for credential material such as password hashes.
	// Evaluation still compares the value.
	Mask bool
	// withheld: read from system characteristics where it was masked, so
	// the value is not there to compare.
	withheld bool
}

// Message is an OVAL message with a level.
type Message struct{ Level, Text string }

func (it *Item) field(name string) []*Field {
	var out []*Field
	for _, f := range it.Fields {
		if f.Name == name {
			out = append(out, f)
		}
	}
	return out
}
