package oval

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// maxDocument bounds what Parse reads, so a hostile stream cannot exhaust
// memory.
const maxDocument = 1 << 30

// ParseFile parses an oval_definitions document from a file.
func ParseFile(path string) (*Definitions, error) {
	// Read in one allocation of the file's size, not by growing a buffer:
	// content files run to tens of megabytes.
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("oval: %w", err)
	}
	if !fi.Mode().IsRegular() || fi.Size() > maxDocument {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("oval: %w", err)
		}
		defer f.Close()
		return Parse(f, path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("oval: %w", err)
	}
	return parseBytes(data, path)
}

// Parse reads an oval_definitions document. name labels error positions.
// Documents with a DTD are refused. Elements of families without support
// are kept and listed in Unsupported; they never make Parse fail.
func Parse(r io.Reader, name string) (*Definitions, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxDocument))
	if err != nil {
		return nil, fmt.Errorf("oval: read %s: %w", name, err)
	}
	return parseBytes(data, name)
}

func newDecoder(data []byte, name string) *posDecoder {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	d.CharsetReader = charsetReader
	return &posDecoder{d: d, name: name}
}

// charsetReader accepts the encodings seen in SCAP content.
func charsetReader(label string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return in, nil
	case "iso-8859-1", "latin1", "latin-1":
		b, err := io.ReadAll(in)
		if err != nil {
			return nil, err
		}
		out := make([]byte, 0, len(b))
		for _, c := range b {
			out = utf8.AppendRune(out, rune(c))
		}
		return bytes.NewReader(out), nil
	}
	return nil, fmt.Errorf("unsupported charset %s", quote(label))
}

// rootElement advances to the document element, refusing DTDs.
func (p *posDecoder) rootElement() (xml.StartElement, int64, error) {
	for {
		off := p.d.InputOffset()
		startLine := p.line()
		tok, err := p.d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return xml.StartElement{}, 0, &ContentError{File: p.name, Msg: "no document element"}
			}
			return xml.StartElement{}, 0, p.wrap(err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			err := p.directive(t).(*ContentError)
			err.Line = startLine
			return xml.StartElement{}, 0, err
		case xml.StartElement:
			return t.Copy(), off, nil
		}
	}
}

func parseBytes(data []byte, name string) (*Definitions, error) {
	p := newDecoder(data, name)
	root, off, err := p.rootElement()
	if err != nil {
		return nil, err
	}
	if root.Name.Local != "oval_definitions" || root.Name.Space != nsDef {
		return nil, &ContentError{File: name, Line: p.line(), Msg: fmt.Sprintf("document element is {%s}%s, want oval_definitions", root.Name.Space, root.Name.Local)}
	}
	defs := &Definitions{Name: name}
	// Deprecated definition notes are cut from the copy kept for results,
	// which declare a newer schema version.
	var cuts [][2]int64
	var errs []error
	for {
		tok, err := p.d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil, &ContentError{File: name, Line: p.line(), Msg: "unexpected end of document"}
			}
			return nil, p.wrap(err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			return nil, p.directive(t)
		case xml.EndElement:
			// The root closes: anything after it is checked by the decoder
			// only as far as we read; refuse trailing DTDs cheaply.
			if err := p.trailer(); err != nil {
				return nil, err
			}
			defs.Raw = rawCopy(data, off, cuts)
			if len(errs) > 0 {
				return defs, errors.Join(errs...)
			}
			return defs, nil
		case xml.StartElement:
			line := p.line()
			n, err := p.readNode(t.Copy(), line)
			if err != nil {
				return nil, err
			}
			if n.Space != nsDef {
				continue // signatures and extensions
			}
			switch n.Local {
			case "definitions", "tests", "objects", "states":
				cuts = append(cuts, deprecatedNotes(n)...)
			}
			switch n.Local {
			case "generator":
				defs.Generator = parseGenerator(n)
			case "definitions":
				for _, c := range n.Children {
					if c.Local == "definition" {
						d, err := parseDefinition(c)
						if err != nil {
							errs = append(errs, &ContentError{File: name, Line: c.Line, ID: c.attr("id"), Msg: err.Error()})
							continue
						}
						defs.Definitions = append(defs.Definitions, d)
					}
				}
			case "tests":
				for _, c := range n.Children {
					defs.Tests = append(defs.Tests, parseTest(c))
					defs.noteFamily(c)
				}
			case "objects":
				for _, c := range n.Children {
					defs.Objects = append(defs.Objects, parseObject(c))
					defs.noteFamily(c)
				}
			case "states":
				for _, c := range n.Children {
					defs.States = append(defs.States, parseState(c))
					defs.noteFamily(c)
				}
			case "variables":
				for _, c := range n.Children {
					defs.Variables = append(defs.Variables, parseVariable(c))
				}
			}
		}
	}
}

// deprecatedNotes finds the notes elements below n (deprecated since OVAL
// 5.x in definitions, tests, objects and states).
func deprecatedNotes(n *node) [][2]int64 {
	var out [][2]int64
	for _, c := range n.Children {
		if c.Local == "notes" && c.Space == nsDef && c.Start >= 0 {
			out = append(out, [2]int64{c.Start, c.End})
			continue
		}
		out = append(out, deprecatedNotes(c)...)
	}
	return out
}

func rawCopy(data []byte, off int64, cuts [][2]int64) []byte {
	var out []byte
	pos := off
	for _, c := range cuts {
		if c[0] < pos || c[1] > int64(len(data)) {
			continue
		}
		out = append(out, data[pos:c[0]]...)
		pos = c[1]
	}
	out = append(out, data[pos:]...)
	return bytes.TrimRight(out, " \t\r\n")
}

func (p *posDecoder) trailer() error {
	for {
		tok, err := p.d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return p.wrap(err)
		}
		if d, ok := tok.(xml.Directive); ok {
			return p.directive(d)
		}
	}
}

var supportedFamilies = map[string]bool{"independent": true, "unix": true, "linux": true}

func (d *Definitions) noteFamily(n *node) {
	if f := family(n.Space); !supportedFamilies[f] {
		d.Unsupported = append(d.Unsupported, fmt.Sprintf("%s (%s family)", n.attr("id"), f))
	}
}

func parseGenerator(n *node) Generator {
	var g Generator
	for _, c := range n.Children {
		v := strings.TrimSpace(c.Text)
		switch c.Local {
		case "product_name":
			g.ProductName = v
		case "product_version":
			g.ProductVersion = v
		case "schema_version":
			g.SchemaVersion = v
		case "timestamp":
			g.Timestamp = v
		}
	}
	return g
}

func boolAttr(n *node, name string) bool {
	v := strings.TrimSpace(n.attr(name))
	return v == "true" || v == "1"
}

func optBool(n *node, name string) *bool {
	if !n.hasAttr(name) {
		return nil
	}
	b := boolAttr(n, name)
	return &b
}

func parseDefinition(n *node) (*Definition, error) {
	d := &Definition{ID: n.attr("id"), Version: n.attr("version"), Class: n.attr("class"), Deprecated: boolAttr(n, "deprecated"), Line: n.Line}
	if d.ID == "" {
		return nil, errors.New("definition without id")
	}
	for _, c := range n.Children {
		switch c.Local {
		case "metadata":
			for _, m := range c.Children {
				switch m.Local {
				case "title":
					d.Title = strings.TrimSpace(m.Text)
				case "description":
					d.Description = strings.TrimSpace(m.Text)
				case "reference":
					d.References = append(d.References, Reference{Source: m.attr("source"), RefID: m.attr("ref_id"), RefURL: m.attr("ref_url")})
				}
			}
		case "criteria":
			d.Criteria = parseCriteria(c)
		}
	}
	return d, nil
}

func parseCriteria(n *node) *Criteria {
	c := &Criteria{Operator: strings.TrimSpace(n.attr("operator")), Negate: boolAttr(n, "negate"), ApplicabilityCheck: optBool(n, "applicability_check"), Comment: n.attr("comment")}
	if c.Operator == "" {
		c.Operator = "AND"
	}
	for _, ch := range n.Children {
		switch ch.Local {
		case "criteria":
			c.Children = append(c.Children, parseCriteria(ch))
		case "criterion":
			c.Children = append(c.Children, &Criterion{TestRef: ch.attr("test_ref"), Negate: boolAttr(ch, "negate"), ApplicabilityCheck: optBool(ch, "applicability_check"), Comment: ch.attr("comment")})
		case "extend_definition":
			c.Children = append(c.Children, &ExtendDefinition{DefinitionRef: ch.attr("definition_ref"), Negate: boolAttr(ch, "negate"), ApplicabilityCheck: optBool(ch, "applicability_check"), Comment: ch.attr("comment")})
		}
	}
	return c
}

func orDefault(v, def string) string {
	if v = strings.TrimSpace(v); v == "" {
		return def
	}
	return v
}

func parseTest(n *node) *Test {
	t := &Test{
		ID: n.attr("id"), Version: n.attr("version"), Comment: n.attr("comment"),
		Type: n.Local, Namespace: n.Space, Family: family(n.Space),
		Check:          orDefault(n.attr("check"), "all"),
		CheckExistence: orDefault(n.attr("check_existence"), "at_least_one_exists"),
		StateOperator:  orDefault(n.attr("state_operator"), "AND"),
		Deprecated:     boolAttr(n, "deprecated"),
		Line:           n.Line,
	}
	for _, c := range n.Children {
		switch c.Local {
		case "object":
			t.ObjectRef = c.attr("object_ref")
		case "state":
			t.StateRefs = append(t.StateRefs, c.attr("state_ref"))
		}
	}
	return t
}

func parseObject(n *node) *Object {
	o := &Object{ID: n.attr("id"), Version: n.attr("version"), Comment: n.attr("comment"), Type: n.Local, Namespace: n.Space, Family: family(n.Space), Deprecated: boolAttr(n, "deprecated"), Line: n.Line}
	for _, c := range n.Children {
		if c.Space == nsXMLDSig || (c.Space == nsDef && c.Local == "notes") {
			continue
		}
		switch {
		case c.Local == "set" && c.Space == nsDef:
			o.Set = parseSet(c)
		case c.Local == "filter" && c.Space == nsDef:
			o.Filters = append(o.Filters, parseFilter(c))
		case c.Local == "behaviors":
			o.Behaviors = map[string]string{}
			for _, a := range c.Attrs {
				o.Behaviors[a.Name.Local] = a.Value
			}
		default:
			o.Entities = append(o.Entities, parseEntity(c))
		}
	}
	return o
}

func parseFilter(n *node) Filter {
	return Filter{Action: orDefault(n.attr("action"), "exclude"), StateRef: strings.TrimSpace(n.Text)}
}

func parseSet(n *node) *Set {
	s := &Set{Operator: orDefault(n.attr("set_operator"), "UNION")}
	for _, c := range n.Children {
		switch c.Local {
		case "object_reference":
			s.ObjectRefs = append(s.ObjectRefs, strings.TrimSpace(c.Text))
		case "set":
			s.Sets = append(s.Sets, parseSet(c))
		case "filter":
			s.Filters = append(s.Filters, parseFilter(c))
		}
	}
	return s
}

func parseEntity(n *node) *Entity {
	e := &Entity{
		Name: n.Local, Value: n.Text,
		Datatype:       orDefault(n.attr("datatype"), "string"),
		Operation:      orDefault(n.attr("operation"), "equals"),
		Mask:           boolAttr(n, "mask"),
		VarRef:         strings.TrimSpace(n.attr("var_ref")),
		VarCheck:       strings.TrimSpace(n.attr("var_check")),
		EntityCheck:    orDefault(n.attr("entity_check"), "all"),
		CheckExistence: orDefault(n.attr("check_existence"), "at_least_one_exists"),
		Nil:            n.xsiNil(),
	}
	if e.Datatype == "record" {
		for _, f := range n.Children {
			fe := parseEntity(f)
			fe.Name = f.attr("name")
			e.Fields = append(e.Fields, fe)
		}
	}
	return e
}

func parseVariable(n *node) *Variable {
	v := &Variable{ID: n.attr("id"), Version: n.attr("version"), Comment: n.attr("comment"), Kind: n.Local, Datatype: orDefault(n.attr("datatype"), "string"), Line: n.Line}
	for _, c := range n.Children {
		switch {
		case n.Local == "constant_variable" && c.Local == "value":
			v.Values = append(v.Values, c.Text)
		case n.Local == "external_variable" && c.Local == "possible_value":
			v.PossibleValues = append(v.PossibleValues, c.Text)
		case n.Local == "external_variable" && c.Local == "possible_restriction":
			rs := Restriction{Operator: orDefault(c.attr("operator"), "AND")}
			for _, rc := range c.Children {
				rs.Checks = append(rs.Checks, RestrictionCheck{Operation: orDefault(rc.attr("operation"), "equals"), Value: rc.Text})
			}
			v.PossibleRestrictions = append(v.PossibleRestrictions, rs)
		case n.Local == "local_variable" && c.Space == nsDef && c.Local != "notes":
			if v.Component == nil {
				v.Component = parseComponent(c)
			}
		}
	}
	return v
}

func parseComponent(n *node) *Component {
	c := &Component{Kind: n.Local}
	switch n.Local {
	case "literal_component":
		c.Value = n.Text
		c.Datatype = orDefault(n.attr("datatype"), "string")
	case "object_component":
		c.ObjectRef = n.attr("object_ref")
		c.ItemField = n.attr("item_field")
		c.RecordField = n.attr("record_field")
	case "variable_component":
		c.VarRef = n.attr("var_ref")
	default:
		c.Attrs = map[string]string{}
		for _, a := range n.Attrs {
			c.Attrs[a.Name.Local] = a.Value
		}
		for _, ch := range n.Children {
			c.Children = append(c.Children, parseComponent(ch))
		}
	}
	return c
}

func parseState(n *node) *State {
	s := &State{ID: n.attr("id"), Version: n.attr("version"), Comment: n.attr("comment"), Type: n.Local, Namespace: n.Space, Family: family(n.Space), Operator: orDefault(n.attr("operator"), "AND"), Deprecated: boolAttr(n, "deprecated"), Line: n.Line}
	for _, c := range n.Children {
		if c.Space == nsXMLDSig || (c.Space == nsDef && c.Local == "notes") {
			continue
		}
		s.Entities = append(s.Entities, parseEntity(c))
	}
	return s
}
