// Package xmlw writes XML with the namespace prefixes the caller chooses,
// which encoding/xml cannot do. Names are written as given ("oval:foo");
// declaring the prefixes is the caller's job.
package xmlw

import (
	"bufio"
	"io"
	"strings"
)

// Writer writes indented XML. Errors are sticky: check Err (or Flush) at
// the end.
type Writer struct {
	w      *bufio.Writer
	stack  []string
	open   bool // a start tag is not yet closed with '>'
	text   bool // the current element has text content
	indent bool
	err    error
}

// New returns a Writer on w that indents nested elements.
func New(w io.Writer) *Writer { return &Writer{w: bufio.NewWriter(w), indent: true} }

// Attr is one attribute.
type Attr struct{ Name, Value string }

// A builds an attribute list from name/value pairs, leaving out empty values.
func A(kv ...string) []Attr {
	out := make([]Attr, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			out = append(out, Attr{kv[i], kv[i+1]})
		}
	}
	return out
}

func (x *Writer) str(s string) {
	if x.err == nil {
		_, x.err = x.w.WriteString(s)
	}
}

func (x *Writer) closeStart() {
	if x.open {
		x.str(">")
		x.open = false
	}
}

func (x *Writer) newline() {
	if x.indent {
		x.str("\n")
		x.str(strings.Repeat("  ", len(x.stack)))
	}
}

// Header writes the XML declaration.
func (x *Writer) Header() { x.str(`<?xml version="1.0" encoding="UTF-8"?>`) }

// Start opens an element.
func (x *Writer) Start(name string, attrs ...Attr) {
	x.closeStart()
	x.newline()
	x.str("<" + name)
	for _, a := range attrs {
		x.str(" " + a.Name + `="`)
		x.str(Escape(a.Value, true))
		x.str(`"`)
	}
	x.stack = append(x.stack, name)
	x.open, x.text = true, false
}

// Text writes character data into the open element.
func (x *Writer) Text(s string) {
	x.closeStart()
	x.str(Escape(s, false))
	x.text = true
}

// Raw writes bytes as they are (an already serialized element).
func (x *Writer) Raw(b []byte) {
	x.closeStart()
	x.newline()
	if x.err == nil {
		_, x.err = x.w.Write(b)
	}
}

// End closes the innermost element.
func (x *Writer) End() {
	name := x.stack[len(x.stack)-1]
	x.stack = x.stack[:len(x.stack)-1]
	if x.open {
		x.str("/>")
		x.open = false
		x.text = false
		return
	}
	if !x.text {
		x.newline()
	}
	x.str("</" + name + ">")
	x.text = false
}

// Leaf writes an element with text content.
func (x *Writer) Leaf(name, text string, attrs ...Attr) {
	x.Start(name, attrs...)
	if text != "" {
		x.Text(text)
	}
	x.End()
}

// Flush writes out what is buffered and returns the first error.
func (x *Writer) Flush() error {
	if x.err == nil {
		x.err = x.w.Flush()
	}
	return x.err
}

// Escape escapes text for element content or (attr) attribute values.
// Characters XML 1.0 cannot carry are replaced by U+FFFD.
func Escape(s string, attr bool) string {
	if !needsEscape(s, attr) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"' && attr:
			b.WriteString("&quot;")
		case (r == '\n' || r == '\t' || r == '\r') && attr:
			b.WriteString("&#" + map[rune]string{'\n': "10", '\t': "9", '\r': "13"}[r] + ";")
		case r == '\r':
			b.WriteString("&#13;")
		case r == 0xFFFD, r < 0x20 && r != '\n' && r != '\t', r >= 0xD800 && r <= 0xDFFF, r == 0xFFFE, r == 0xFFFF:
			b.WriteRune(0xFFFD)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// needsEscape reports whether Escape would change s: most text has nothing
// to escape, and copying it rune by rune dominated writing large results.
func needsEscape(s string, attr bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '&' || c == '<' || c == '>' || c == '\r':
			return true
		case attr && (c == '"' || c == '\n' || c == '\t'):
			return true
		case c < 0x20 && c != '\n' && c != '\t':
			return true
		case c >= 0x80:
			// Non-ASCII: let the slow path check for invalid UTF-8,
			// surrogates and non-characters.
			return true
		}
	}
	return false
}
