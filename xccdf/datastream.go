package xccdf

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// NSDataStream is the SCAP 1.2/1.3 source data stream namespace.
const NSDataStream = "http://scap.nist.gov/schema/scap/source/1.2"

const nsXLink = "http://www.w3.org/1999/xlink"

// Collection is a SCAP source data stream collection
// (ds:data-stream-collection): data streams that refer to components held in
// the same file.
type Collection struct {
	ID         string
	Streams    []*DataStream
	Components []*Component // in document order
	File       string

	byID map[string]*Component
}

// DataStream is one ds:data-stream.
type DataStream struct {
	ID           string
	SCAPVersion  string
	UseCase      string
	Dictionaries []*ComponentRef
	Checklists   []*ComponentRef
	Checks       []*ComponentRef
	Line         int
}

// ComponentRef is a ds:component-ref with its XML catalog.
type ComponentRef struct {
	ID      string
	Href    string            // "#component-id"
	Catalog map[string]string // check-content-ref name → "#component-ref-id"
	Line    int
}

// Component is one ds:component (or ds:extended-component). Its content is
// parsed only when asked for, so opening a data stream to list its profiles
// never reads the (much larger) OVAL components.
type Component struct {
	ID       string
	Extended bool
	Root     xml.Name // root element of the content
	Line     int      // line of the content's root element in the file
	File     string

	inner   []byte // the content, as written
	nameEnd int    // offset in inner just past the root element's name
	inherit []nsDecl

	once sync.Once
	doc  []byte
}

type nsDecl struct{ prefix, uri string }

// Document returns the component's content as a standalone XML document: the
// namespace declarations it inherits from the collection are added to its
// root start tag, on the same line, so line numbers stay true.
func (c *Component) Document() []byte {
	c.once.Do(func() {
		if len(c.inherit) == 0 {
			c.doc = c.inner
			return
		}
		var b bytes.Buffer
		b.Grow(len(c.inner) + 64*len(c.inherit))
		b.Write(c.inner[:c.nameEnd])
		for _, d := range c.inherit {
			if d.prefix == "" {
				fmt.Fprintf(&b, ` xmlns="%s"`, escapeAttr(d.uri))
			} else {
				fmt.Fprintf(&b, ` xmlns:%s="%s"`, d.prefix, escapeAttr(d.uri))
			}
		}
		b.Write(c.inner[c.nameEnd:])
		c.doc = b.Bytes()
	})
	return c.doc
}

// LineBase is the number of lines before the component's document in the file.
func (c *Component) LineBase() int { return c.Line - 1 }

// Component returns the component with the id, or nil.
func (c *Collection) Component(id string) *Component { return c.byID[id] }

// Stream returns the data stream with the id ("" for the first), or nil.
func (c *Collection) Stream(id string) *DataStream {
	for _, s := range c.Streams {
		if id == "" || s.ID == id {
			return s
		}
	}
	return nil
}

// ref finds a component-ref of the stream by id.
func (s *DataStream) ref(id string) *ComponentRef {
	for _, list := range [][]*ComponentRef{s.Checklists, s.Checks, s.Dictionaries} {
		for _, r := range list {
			if r.ID == id {
				return r
			}
		}
	}
	return nil
}

func escapeAttr(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return strings.ReplaceAll(b.String(), `"`, "&#34;")
}

// parseCollection reads a data-stream-collection whose start tag r returned.
// Data streams are decoded; components are located by a byte scan (they
// cannot nest), so their content costs nothing until used.
func parseCollection(r *reader, root xml.StartElement) (*Collection, error) {
	col := &Collection{ID: attr(root, "id"), File: r.file, byID: map[string]*Component{}}
	decls := nsDecls(root)
	var compStart int64 = -1
	for compStart < 0 {
		tok, err := r.token()
		if err != nil {
			return nil, err
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			if _, end := tok.(xml.EndElement); end {
				break
			}
			continue
		}
		switch {
		case se.Name.Space == NSDataStream && se.Name.Local == "data-stream":
			ds, err := parseDataStream(r, se)
			if err != nil {
				return nil, err
			}
			col.Streams = append(col.Streams, ds)
		case se.Name.Space == NSDataStream && (se.Name.Local == "component" || se.Name.Local == "extended-component"):
			off := r.offset()
			compStart = int64(bytes.LastIndexByte(r.src[:off], '<'))
		default:
			if err := r.skip(); err != nil {
				return nil, err
			}
		}
	}
	if compStart >= 0 {
		if err := scanComponents(col, r, int(compStart), decls); err != nil {
			return nil, err
		}
	}
	if len(col.Streams) == 0 {
		return nil, &ContentError{File: r.file, Line: r.lineBase + 1, ID: col.ID, Msg: "data-stream-collection has no data-stream"}
	}
	// Every component-ref must point at a component of this file.
	for _, s := range col.Streams {
		for _, list := range [][]*ComponentRef{s.Checklists, s.Checks, s.Dictionaries} {
			for _, ref := range list {
				if !strings.HasPrefix(ref.Href, "#") {
					// Remote content (e.g. a vendor's CVE feed); it is never
					// fetched, and checks that need it say so when evaluated.
					continue
				}
				if col.byID[ref.Href[1:]] == nil {
					return nil, &ContentError{File: r.file, Line: ref.Line, ID: ref.ID, Msg: fmt.Sprintf("dangling component-ref: no component %q in the collection", ref.Href[1:]), Err: ErrNotFound}
				}
			}
		}
	}
	return col, nil
}

func nsDecls(se xml.StartElement) []nsDecl {
	var out []nsDecl
	for _, a := range se.Attr {
		switch {
		case a.Name.Space == "xmlns":
			out = append(out, nsDecl{prefix: a.Name.Local, uri: a.Value})
		case a.Name.Space == "" && a.Name.Local == "xmlns":
			out = append(out, nsDecl{uri: a.Value})
		}
	}
	return out
}

func parseDataStream(r *reader, se xml.StartElement) (*DataStream, error) {
	ds := &DataStream{ID: attr(se, "id"), SCAPVersion: attr(se, "scap-version"), UseCase: attr(se, "use-case"), Line: r.line()}
	err := r.children(func(c xml.StartElement) error {
		var list *[]*ComponentRef
		switch c.Name.Local {
		case "dictionaries":
			list = &ds.Dictionaries
		case "checklists":
			list = &ds.Checklists
		case "checks":
			list = &ds.Checks
		default:
			return r.skip()
		}
		return r.children(func(cr xml.StartElement) error {
			if cr.Name.Local != "component-ref" {
				return r.skip()
			}
			ref := &ComponentRef{ID: attr(cr, "id"), Href: attrNS(cr, nsXLink, "href"), Catalog: map[string]string{}, Line: r.line()}
			*list = append(*list, ref)
			return r.children(func(cat xml.StartElement) error {
				if cat.Name.Local != "catalog" {
					return r.skip()
				}
				return r.children(func(u xml.StartElement) error {
					if u.Name.Local == "uri" {
						ref.Catalog[attr(u, "name")] = attr(u, "uri")
					}
					return r.skip()
				})
			})
		})
	})
	return ds, err
}

// scanComponents locates each top-level component from pos on.
func scanComponents(col *Collection, r *reader, pos int, decls []nsDecl) error {
	src := r.src
	lineAt := newLineCounter(src, r.lineBase)
	for {
		pos = skipMisc(src, pos)
		if pos >= len(src) {
			return &ContentError{File: r.file, Line: lineAt(len(src)), Msg: "malformed XML: unexpected end of file inside data-stream-collection"}
		}
		if bytes.HasPrefix(src[pos:], []byte("</")) {
			return nil
		}
		if src[pos] != '<' {
			return &ContentError{File: r.file, Line: lineAt(pos), Msg: "malformed XML: text between components"}
		}
		gt := tagEnd(src, pos)
		if gt < 0 {
			return &ContentError{File: r.file, Line: lineAt(pos), Msg: "malformed XML: unterminated start tag"}
		}
		qname := tagName(src[pos+1:])
		local := qname[strings.IndexByte(qname, ':')+1:]
		start, err := miniStart(src[pos : gt+1])
		if err != nil {
			return &ContentError{File: r.file, Line: lineAt(pos), Msg: "malformed XML: " + err.Error()}
		}
		selfClosing := src[gt-1] == '/'
		end, after := gt+1, gt+1
		if !selfClosing {
			closeTag := []byte("</" + qname)
			i := bytes.Index(src[gt+1:], closeTag)
			if i < 0 {
				return &ContentError{File: r.file, Line: lineAt(pos), ID: attr(start, "id"), Msg: fmt.Sprintf("malformed XML: <%s> is never closed", qname)}
			}
			end = gt + 1 + i
			j := bytes.IndexByte(src[end:], '>')
			if j < 0 {
				return &ContentError{File: r.file, Line: lineAt(end), Msg: "malformed XML: unterminated end tag"}
			}
			after = end + j + 1
		}
		if local == "component" || local == "extended-component" {
			comp := &Component{ID: attr(start, "id"), Extended: local == "extended-component", File: r.file}
			if comp.ID == "" {
				return &ContentError{File: r.file, Line: lineAt(pos), Msg: "component without an id"}
			}
			if col.byID[comp.ID] != nil {
				return &ContentError{File: r.file, Line: lineAt(pos), ID: comp.ID, Msg: "duplicate component id"}
			}
			inner := src[gt+1 : end]
			rs := skipMisc(inner, 0)
			if rs >= len(inner) || inner[rs] != '<' {
				return &ContentError{File: r.file, Line: lineAt(pos), ID: comp.ID, Msg: "component is empty"}
			}
			rgt := tagEnd(inner, rs)
			if rgt < 0 {
				return &ContentError{File: r.file, Line: lineAt(gt + 1 + rs), ID: comp.ID, Msg: "malformed XML: unterminated start tag"}
			}
			comp.inner = inner[rs:]
			comp.nameEnd = 1 + len(tagName(inner[rs+1:]))
			comp.Line = lineAt(gt + 1 + rs)
			own, err := miniStart(inner[rs : rgt+1])
			if err != nil {
				return &ContentError{File: r.file, Line: comp.Line, ID: comp.ID, Msg: "malformed XML: " + err.Error()}
			}
			comp.inherit = inherited(append(append([]nsDecl{}, decls...), nsDecls(start)...), nsDecls(own))
			// Resolve the root's namespace with the inherited declarations.
			hdr := append([]byte{}, comp.inner[:comp.nameEnd]...)
			for _, d := range comp.inherit {
				if d.prefix == "" {
					hdr = append(hdr, fmt.Sprintf(` xmlns="%s"`, escapeAttr(d.uri))...)
				} else {
					hdr = append(hdr, fmt.Sprintf(` xmlns:%s="%s"`, d.prefix, escapeAttr(d.uri))...)
				}
			}
			hdr = append(hdr, inner[rs+comp.nameEnd:rgt+1]...)
			rootSE, err := miniStart(hdr)
			if err != nil {
				return &ContentError{File: r.file, Line: comp.Line, ID: comp.ID, Msg: "malformed XML: " + err.Error()}
			}
			comp.Root = rootSE.Name
			col.Components = append(col.Components, comp)
			col.byID[comp.ID] = comp
		}
		pos = after
	}
}

// inherited returns the declarations in scope (later ones win) that the
// element does not declare itself.
func inherited(scope, own []nsDecl) []nsDecl {
	m := map[string]string{}
	for _, d := range scope {
		m[d.prefix] = d.uri
	}
	for _, d := range own {
		delete(m, d.prefix)
	}
	out := make([]nsDecl, 0, len(m))
	for p, u := range m {
		out = append(out, nsDecl{prefix: p, uri: u})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].prefix < out[j].prefix })
	return out
}

// miniStart decodes a lone start tag.
func miniStart(tag []byte) (xml.StartElement, error) {
	d := xml.NewDecoder(bytes.NewReader(tag))
	for {
		tok, err := d.Token()
		if err != nil {
			return xml.StartElement{}, err
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se, nil
		}
	}
}

// skipMisc skips whitespace, comments and processing instructions.
func skipMisc(src []byte, pos int) int {
	for pos < len(src) {
		switch {
		case src[pos] == ' ' || src[pos] == '\t' || src[pos] == '\n' || src[pos] == '\r':
			pos++
		case bytes.HasPrefix(src[pos:], []byte("<!--")):
			i := bytes.Index(src[pos+4:], []byte("-->"))
			if i < 0 {
				return len(src)
			}
			pos += 4 + i + 3
		case bytes.HasPrefix(src[pos:], []byte("<?")):
			i := bytes.Index(src[pos+2:], []byte("?>"))
			if i < 0 {
				return len(src)
			}
			pos += 2 + i + 2
		default:
			return pos
		}
	}
	return pos
}

// tagEnd returns the index of the '>' closing the tag at pos, honouring
// quoted attribute values.
func tagEnd(src []byte, pos int) int {
	var quote byte
	for i := pos + 1; i < len(src); i++ {
		c := src[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return i
		}
	}
	return -1
}

func tagName(b []byte) string {
	for i, c := range b {
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '>' || c == '/' {
			return string(b[:i])
		}
	}
	return string(b)
}

// newLineCounter returns a function giving the 1-based line of an offset,
// counting incrementally for offsets that only grow.
func newLineCounter(src []byte, base int) func(off int) int {
	last, lines := 0, base+1
	return func(off int) int {
		if off < last {
			return base + 1 + bytes.Count(src[:off], []byte{'\n'})
		}
		lines += bytes.Count(src[last:off], []byte{'\n'})
		last = off
		return lines
	}
}
