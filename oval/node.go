package oval

import (
	"encoding/xml"
	"fmt"
	"strings"
)

// XML namespaces of OVAL 5.
const (
	nsDef     = "http://oval.mitre.org/XMLSchema/oval-definitions-5"
	nsCommon  = "http://oval.mitre.org/XMLSchema/oval-common-5"
	nsSC      = "http://oval.mitre.org/XMLSchema/oval-system-characteristics-5"
	nsRes     = "http://oval.mitre.org/XMLSchema/oval-results-5"
	nsXSI     = "http://www.w3.org/2001/XMLSchema-instance"
	nsXMLDSig = "http://www.w3.org/2000/09/xmldsig#"
)

// node is a small DOM of one element, kept for the parts of a document whose
// shape depends on the object type (entities, records, components).
type node struct {
	Space, Local string
	Attrs        []xml.Attr
	Children     []*node
	Text         string
	Line         int
	Start, End   int64 // byte offsets of the element in the document
}

func (n *node) attr(local string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == local && (a.Name.Space == "" || a.Name.Space == n.Space) {
			return a.Value
		}
	}
	return ""
}

func (n *node) hasAttr(local string) bool {
	for _, a := range n.Attrs {
		if a.Name.Local == local && a.Name.Space == "" {
			return true
		}
	}
	return false
}

func (n *node) xsiNil() bool {
	for _, a := range n.Attrs {
		if a.Name.Local == "nil" && a.Name.Space == nsXSI {
			v := strings.TrimSpace(a.Value)
			return v == "true" || v == "1"
		}
	}
	return false
}

func (n *node) child(local string) *node {
	for _, c := range n.Children {
		if c.Local == local {
			return c
		}
	}
	return nil
}

// family returns the OVAL family named by an element namespace, for
// example "independent" for "...-5#independent"; "" for the core namespace.
func family(space string) string {
	if i := strings.LastIndexByte(space, '#'); i >= 0 {
		return space[i+1:]
	}
	return ""
}

// posDecoder wraps a decoder with the file name for error positions.
type posDecoder struct {
	d    *xml.Decoder
	name string
}

func (p *posDecoder) line() int {
	l, _ := p.d.InputPos()
	return l
}

// readNode reads the element opened by start (already consumed) into a node.
func (p *posDecoder) readNode(start xml.StartElement, line int) (*node, error) {
	return p.readNodeAt(start, line, -1)
}

func (p *posDecoder) readNodeAt(start xml.StartElement, line int, off int64) (*node, error) {
	n := &node{Space: start.Name.Space, Local: start.Name.Local, Attrs: start.Attr, Line: line, Start: off}
	var text strings.Builder
	for {
		before := p.d.InputOffset()
		tok, err := p.d.Token()
		if err != nil {
			return nil, p.wrap(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			c, err := p.readNodeAt(t.Copy(), p.line(), before)
			if err != nil {
				return nil, err
			}
			n.Children = append(n.Children, c)
		case xml.CharData:
			text.Write(t)
		case xml.EndElement:
			n.Text = text.String()
			n.End = p.d.InputOffset()
			return n, nil
		case xml.Directive:
			return nil, p.directive(t)
		}
	}
}

func (p *posDecoder) directive(d xml.Directive) error {
	return &ContentError{File: p.name, Line: p.line(), Msg: fmt.Sprintf("DTDs and entity declarations are refused (%.20q)", string(d))}
}

func (p *posDecoder) wrap(err error) error {
	if _, ok := err.(*ContentError); ok {
		return err
	}
	return &ContentError{File: p.name, Line: p.line(), Msg: err.Error()}
}

// ContentError is a problem in a document, with its position.
type ContentError struct {
	File string
	Line int
	ID   string // the OVAL id concerned, when known
	Msg  string
}

func (e *ContentError) Error() string {
	var b strings.Builder
	b.WriteString("oval: ")
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
		}
		b.WriteString(": ")
	}
	if e.ID != "" {
		b.WriteString(e.ID)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}
