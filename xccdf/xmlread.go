package xccdf

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"strings"
)

// reader walks one XML document held in memory. It keeps the source bytes so
// that mixed-content elements (XHTML descriptions) can be captured verbatim
// without building a tree.
type reader struct {
	d        *xml.Decoder
	src      []byte
	file     string
	lineBase int // lines before src[0] in the real file
}

func newReader(src []byte, file string, lineBase int) *reader {
	d := xml.NewDecoder(bytes.NewReader(src))
	d.Strict = true
	return &reader{d: d, src: src, file: file, lineBase: lineBase}
}

// line returns the current line in the real file.
func (r *reader) line() int {
	l, _ := r.d.InputPos()
	return l + r.lineBase
}

func (r *reader) errorf(id, format string, args ...any) *ContentError {
	return &ContentError{File: r.file, Line: r.line(), ID: id, Msg: fmt.Sprintf(format, args...)}
}

// wrapSyntax turns a decoder error into a ContentError with the position.
func (r *reader) wrapSyntax(err error) error {
	if err == nil {
		return nil
	}
	var ce *ContentError
	if errors.As(err, &ce) {
		return err
	}
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return &ContentError{File: r.file, Line: se.Line + r.lineBase, Msg: "malformed XML: " + se.Msg}
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &ContentError{File: r.file, Line: r.line(), Msg: "malformed XML: unexpected end of file"}
	}
	return &ContentError{File: r.file, Line: r.line(), Err: err}
}

// token returns the next token, refusing DTD entity declarations.
func (r *reader) token() (xml.Token, error) {
	tok, err := r.d.Token()
	if err != nil {
		return nil, r.wrapSyntax(err)
	}
	if dir, ok := tok.(xml.Directive); ok && bytes.Contains(dir, []byte("ENTITY")) {
		return nil, &ContentError{File: r.file, Line: r.line(), Err: ErrEntity}
	}
	return tok, nil
}

// root returns the document's root element.
func (r *reader) root() (xml.StartElement, error) {
	for {
		tok, err := r.token()
		if err != nil {
			var ce *ContentError
			if errors.As(err, &ce) && strings.Contains(ce.Msg, "unexpected end of file") {
				ce.Msg = "no root element (empty document)"
				ce.Err = ErrEmptyContent
			}
			return xml.StartElement{}, err
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se, nil
		}
	}
}

// children calls fn for each child element of the element just opened; fn
// must consume the child entirely (by reading it or calling skip).
func (r *reader) children(fn func(se xml.StartElement) error) error {
	for {
		tok, err := r.token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if err := fn(t); err != nil {
				return err
			}
		case xml.EndElement:
			return nil
		}
	}
}

func (r *reader) skip() error { return r.wrapSyntax(r.d.Skip()) }

// text returns the character data of the element just opened, markup of
// descendants dropped, trimmed.
func (r *reader) text() (string, error) {
	var b strings.Builder
	depth := 0
	for {
		tok, err := r.token()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.CharData:
			b.Write(t)
		case xml.StartElement:
			depth++
		case xml.EndElement:
			if depth == 0 {
				return strings.TrimSpace(b.String()), nil
			}
			depth--
		}
	}
}

// rawText returns the inner XML of the element just opened, verbatim.
func (r *reader) rawText() (Text, error) {
	start := r.d.InputOffset()
	if err := r.skip(); err != nil {
		return Text{}, err
	}
	end := r.d.InputOffset()
	if end <= start || end > int64(len(r.src)) {
		return Text{}, nil
	}
	inner := r.src[start:end]
	i := bytes.LastIndex(inner, []byte("</"))
	if i < 0 {
		return Text{}, nil
	}
	return Text{Raw: string(inner[:i])}, nil
}

func attr(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local && (a.Name.Space == "" || a.Name.Space == se.Name.Space) {
			return a.Value
		}
	}
	return ""
}

func attrNS(se xml.StartElement, space, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local && a.Name.Space == space {
			return a.Value
		}
	}
	return ""
}

func hasAttr(se xml.StartElement, local string) bool {
	for _, a := range se.Attr {
		if a.Name.Local == local && a.Name.Space == "" {
			return true
		}
	}
	return false
}

// boolAttr reads an xsd:boolean attribute with a default.
func boolAttr(se xml.StartElement, local string, def bool) bool {
	v := strings.TrimSpace(attr(se, local))
	switch v {
	case "true", "1":
		return true
	case "false", "0":
		return false
	}
	return def
}

// plainText strips markup from an XHTML fragment and decodes entities,
// keeping line breaks for <br/> and block elements.
func plainText(raw string) string {
	if !strings.ContainsAny(raw, "<&") {
		return strings.TrimSpace(raw)
	}
	var b strings.Builder
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '<' {
			j := strings.IndexByte(raw[i:], '<')
			if j < 0 {
				j = len(raw) - i
			}
			b.WriteString(raw[i : i+j])
			i += j
			continue
		}
		j := strings.IndexByte(raw[i:], '>')
		if j < 0 {
			b.WriteString(raw[i:])
			break
		}
		tag := raw[i+1 : i+j]
		name := strings.TrimLeft(tag, "/")
		if k := strings.IndexAny(name, " \t\r\n/"); k >= 0 {
			name = name[:k]
		}
		if k := strings.IndexByte(name, ':'); k >= 0 {
			name = name[k+1:]
		}
		switch strings.ToLower(name) {
		case "br", "p", "li", "pre", "div", "tr":
			if !strings.HasSuffix(b.String(), "\n") && b.Len() > 0 {
				b.WriteByte('\n')
			}
		}
		i += j + 1
	}
	return strings.TrimSpace(html.UnescapeString(b.String()))
}
