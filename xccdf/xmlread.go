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
	cur      *cursor
	src      []byte
	file     string
	lineBase int // lines before src[0] in the real file

	// Bytes and lines jumped over by inner(), which the decoder never saw.
	skippedBytes int64
	skippedLines int
}

// cursor feeds the decoder byte by byte (it implements io.ByteReader, so the
// decoder adds no buffering of its own) and lets inner() jump ahead.
type cursor struct {
	src []byte
	pos int
}

func (c *cursor) Read(p []byte) (int, error) {
	if c.pos >= len(c.src) {
		return 0, io.EOF
	}
	n := copy(p, c.src[c.pos:])
	c.pos += n
	return n, nil
}

func (c *cursor) ReadByte() (byte, error) {
	if c.pos >= len(c.src) {
		return 0, io.EOF
	}
	b := c.src[c.pos]
	c.pos++
	return b, nil
}

func newReader(src []byte, file string, lineBase int) *reader {
	cur := &cursor{src: src}
	d := xml.NewDecoder(cur)
	d.Strict = true
	return &reader{d: d, cur: cur, src: src, file: file, lineBase: lineBase}
}

// line returns the current line in the real file.
func (r *reader) line() int {
	l, _ := r.d.InputPos()
	return l + r.lineBase + r.skippedLines
}

// offset returns the current position in src.
func (r *reader) offset() int64 { return r.d.InputOffset() + r.skippedBytes }

// inner returns the inner XML of the element whose start tag was just read
// and consumes the element, without tokenizing its content: text-only and
// XHTML elements (descriptions, fixes, check text) are most of a benchmark's
// bytes and need no tree. It falls back to tokenizing when the element is
// self-closing or nests an element of its own name.
func (r *reader) inner() ([]byte, error) {
	off := r.offset()
	if off != int64(r.cur.pos) || off < 2 || r.src[off-2] == '/' {
		return r.innerSlow()
	}
	lt := bytes.LastIndexByte(r.src[:off], '<')
	qname := tagName(r.src[lt+1:])
	rest := r.src[off:]
	end := bytes.Index(rest, []byte("</"+qname))
	if end < 0 {
		return r.innerSlow()
	}
	body := rest[:end]
	open := []byte("<" + qname)
	if i := bytes.Index(body, open); i >= 0 {
		return r.innerSlow()
	}
	r.skippedBytes += int64(end)
	r.skippedLines += bytes.Count(body, []byte{'\n'})
	r.cur.pos += end
	tok, err := r.token()
	if err != nil {
		return nil, err
	}
	if _, ok := tok.(xml.EndElement); !ok {
		return nil, r.errorf("", "malformed XML: <%s> is not closed where expected", qname)
	}
	return body, nil
}

// skipSpace jumps over indentation before the next tag, which the decoder
// would otherwise copy byte by byte into a CharData token nobody reads.
func (r *reader) skipSpace() {
	pos := r.cur.pos
	if r.offset() != int64(pos) {
		return
	}
	i, lines := pos, 0
	for i < len(r.src) {
		switch r.src[i] {
		case '\n':
			lines++
			i++
			continue
		case ' ', '\t', '\r':
			i++
			continue
		}
		break
	}
	if i > pos && i < len(r.src) && r.src[i] == '<' {
		r.skippedBytes += int64(i - pos)
		r.skippedLines += lines
		r.cur.pos = i
	}
}

func (r *reader) innerSlow() ([]byte, error) {
	start := r.offset()
	if err := r.skip(); err != nil {
		return nil, err
	}
	end := r.offset()
	if end <= start || end > int64(len(r.src)) {
		return nil, nil
	}
	in := r.src[start:end]
	i := bytes.LastIndex(in, []byte("</"))
	if i < 0 {
		return nil, nil
	}
	return in[:i], nil
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
		return &ContentError{File: r.file, Line: se.Line + r.lineBase + r.skippedLines, Msg: "malformed XML: " + se.Msg}
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &ContentError{File: r.file, Line: r.line(), Msg: "malformed XML: unexpected end of file"}
	}
	return &ContentError{File: r.file, Line: r.line(), Err: err}
}

// token returns the next token, refusing DTD entity declarations.
func (r *reader) token() (xml.Token, error) {
	r.skipSpace()
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
	in, err := r.inner()
	return Text{Raw: string(in)}, err
}

// innerText returns the text of a text-only element (fix, check-content):
// entities decoded, CDATA sections kept as written, markup dropped.
func (r *reader) innerText() (string, error) {
	in, err := r.inner()
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(xmlText(in)), nil
}

// xmlText decodes the character data of an XML fragment.
func xmlText(in []byte) string {
	if bytes.IndexByte(in, '<') < 0 && bytes.IndexByte(in, '&') < 0 {
		return string(in)
	}
	var b strings.Builder
	for len(in) > 0 {
		i := bytes.IndexByte(in, '<')
		if i < 0 {
			b.WriteString(html.UnescapeString(string(in)))
			break
		}
		b.WriteString(html.UnescapeString(string(in[:i])))
		in = in[i:]
		switch {
		case bytes.HasPrefix(in, []byte("<![CDATA[")):
			j := bytes.Index(in, []byte("]]>"))
			if j < 0 {
				b.Write(in[9:])
				return b.String()
			}
			b.Write(in[9:j])
			in = in[j+3:]
		case bytes.HasPrefix(in, []byte("<!--")):
			j := bytes.Index(in, []byte("-->"))
			if j < 0 {
				return b.String()
			}
			in = in[j+3:]
		default:
			j := bytes.IndexByte(in, '>')
			if j < 0 {
				return b.String()
			}
			in = in[j+1:]
		}
	}
	return b.String()
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
