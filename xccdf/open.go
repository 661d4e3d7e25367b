package xccdf

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// Kind is the type of a content document.
type Kind string

// Kinds of content documents.
const (
	KindDataStream Kind = "Source Data Stream"
	KindBenchmark  Kind = "XCCDF Checklist"
	KindTailoring  Kind = "XCCDF Tailoring"
	KindOVAL       Kind = "OVAL Definitions"
	KindCPE        Kind = "CPE Dictionary"
	KindOCIL       Kind = "OCIL Definitions"
)

// Root element namespaces stigscan recognises.
const (
	NSOVALDefinitions = "http://oval.mitre.org/XMLSchema/oval-definitions-5"
	NSCPEDict         = "http://cpe.mitre.org/dictionary/2.0"
	NSOCIL            = "http://scap.nist.gov/schema/ocil/2.0"
)

// maxDocument bounds what is read into memory from one file or zip entry.
const maxDocument = 1 << 30

// Options choose what to open inside a document.
type Options struct {
	// DataStreamID picks a data stream of a collection ("" for the first).
	DataStreamID string
	// ChecklistID picks a checklist component-ref (or component) of the data
	// stream ("" for the first).
	ChecklistID string
	// TailoringID picks a checklist component-ref (or component) of the data
	// stream that holds an XCCDF Tailoring (oscap's --tailoring-id); it
	// becomes Content.Tailoring. "" uses none.
	TailoringID string
}

// Content is an opened content file: a benchmark and the means to resolve the
// check content its rules reference. Safe for concurrent use.
type Content struct {
	Path       string
	Kind       Kind
	Benchmark  *Benchmark  // nil for a tailoring or OVAL file
	Collection *Collection // for data streams
	Stream     *DataStream // the chosen data stream
	Checklist  *ComponentRef
	// Tailoring is the document itself when it is a tailoring file, or the
	// data stream's tailoring component chosen by Options.TailoringID.
	Tailoring *Tailoring
	// Root is the root element of the document (for kinds stigscan only
	// identifies, such as OVAL).
	Root xml.Name
	// Data is the document as read, of every kind: the bytes that were
	// parsed, kept rather than read again, so writers can copy or embed
	// the content as written (ARF, XCCDF results). A data stream's
	// components are slices of it. Read-only.
	Data []byte
	// Entry is the zip entry Data was read from when Path is a zip
	// ("archive.zip!Entry"); "" otherwise.
	Entry string

	// benchComp is the data stream component holding Benchmark.
	benchComp *Component

	dir   fs.FS // where relative hrefs are resolved (plain files and zips)
	base  string
	mu    sync.Mutex
	files map[string]*CheckContent
	// others holds the collections of other local files that component-refs
	// point into ("file:other-ds.xml#component"), by path; guarded by omu
	// (resolve already runs under mu).
	omu    sync.Mutex
	others map[string]*Collection
}

// CheckContent is a check document (OVAL, OCIL, CPE) a benchmark references.
type CheckContent struct {
	Href     string
	Name     string // file or component id, for messages
	Root     xml.Name
	Data     []byte
	LineBase int
}

// Open reads a content file: an XCCDF 1.1/1.2 benchmark, a SCAP source data
// stream, an XCCDF tailoring file, or a zip (a DISA benchmark download)
// holding one of those.
func Open(filename string, opt Options) (*Content, error) {
	if strings.EqualFold(filepath.Ext(filename), ".zip") {
		return openZip(filename, opt)
	}
	data, err := readLimited(filename)
	if err != nil {
		return nil, err
	}
	return openBytes(data, filename, os.DirFS(filepath.Dir(filename)), "", opt)
}

func readLimited(filename string) ([]byte, error) {
	st, err := os.Stat(filename)
	if err != nil {
		return nil, fmt.Errorf("xccdf: %w", err)
	}
	if st.Size() > maxDocument {
		return nil, fmt.Errorf("xccdf: %s: larger than %d bytes", filename, maxDocument)
	}
	data, err := os.ReadFile(filename)
	if err != nil {
		return nil, fmt.Errorf("xccdf: %w", err)
	}
	return data, nil
}

// OpenBytes parses content held in memory. Relative check-content hrefs are
// resolved in dir, which may be nil.
func OpenBytes(data []byte, name string, dir fs.FS, opt Options) (*Content, error) {
	return openBytes(data, name, dir, "", opt)
}

func openBytes(data []byte, name string, dir fs.FS, base string, opt Options) (*Content, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &ContentError{File: name, Line: 1, Msg: "empty file", Err: ErrEmptyContent}
	}
	r := newReader(data, name, 0)
	root, err := r.root()
	if err != nil {
		return nil, err
	}
	c := &Content{Path: name, Root: root.Name, Data: data, dir: dir, base: base, files: map[string]*CheckContent{}, others: map[string]*Collection{}}
	switch {
	case root.Name.Space == NSDataStream && root.Name.Local == "data-stream-collection":
		c.Kind = KindDataStream
		c.Collection, err = parseCollection(r, root)
		if err != nil {
			return nil, err
		}
		if err := c.chooseBenchmark(opt); err != nil {
			return nil, err
		}
	case isXCCDF(root.Name) && root.Name.Local == "Benchmark":
		c.Kind = KindBenchmark
		if opt.TailoringID != "" {
			return nil, &ContentError{File: name, ID: opt.TailoringID, Msg: "a tailoring component can only be chosen in a data stream; use a tailoring file for a benchmark", Err: ErrNotFound}
		}
		c.Benchmark, err = parseBenchmark(r, root)
		if err != nil {
			return nil, err
		}
	case isXCCDF(root.Name) && root.Name.Local == "Tailoring":
		c.Kind = KindTailoring
		c.Tailoring, err = parseTailoring(r, root)
		if err != nil {
			return nil, err
		}
	case root.Name.Space == NSOVALDefinitions && root.Name.Local == "oval_definitions":
		c.Kind = KindOVAL
	case root.Name.Space == NSCPEDict && root.Name.Local == "cpe-list":
		c.Kind = KindCPE
	case root.Name.Space == NSOCIL && root.Name.Local == "ocil":
		c.Kind = KindOCIL
	default:
		return nil, &ContentError{File: name, Line: r.line(), Msg: fmt.Sprintf("root element is <%s> in namespace %q: not an XCCDF benchmark, tailoring, SCAP data stream or OVAL document", root.Name.Local, root.Name.Space), Err: ErrUnsupported}
	}
	return c, nil
}

func (c *Content) chooseBenchmark(opt Options) error {
	col := c.Collection
	s := col.Stream(opt.DataStreamID)
	if s == nil {
		ids := make([]string, len(col.Streams))
		for i, st := range col.Streams {
			ids[i] = st.ID
		}
		return &ContentError{File: c.Path, ID: opt.DataStreamID, Msg: "no such data stream (have: " + strings.Join(ids, ", ") + ")", Err: ErrNotFound}
	}
	c.Stream = s
	if opt.TailoringID != "" {
		if err := c.chooseTailoring(opt.TailoringID); err != nil {
			return err
		}
	}
	for _, ref := range s.Checklists {
		comp, err := c.refComponent(ref)
		if err != nil || comp == nil {
			continue
		}
		if opt.ChecklistID != "" && ref.ID != opt.ChecklistID && comp.ID != opt.ChecklistID {
			continue
		}
		if !isXCCDF(comp.Root) || comp.Root.Local != "Benchmark" {
			continue
		}
		b, err := comp.benchmark()
		if err != nil {
			return err
		}
		c.Benchmark, c.Checklist, c.benchComp = b, ref, comp
		return nil
	}
	if opt.ChecklistID != "" {
		return &ContentError{File: c.Path, ID: opt.ChecklistID, Msg: "no such XCCDF checklist in data stream " + s.ID, Err: ErrNotFound}
	}
	return &ContentError{File: c.Path, Line: s.Line, ID: s.ID, Msg: "data stream has no XCCDF benchmark checklist", Err: ErrNotFound}
}

// chooseTailoring parses the stream's tailoring component named by id (its
// component-ref's id or the component's).
func (c *Content) chooseTailoring(id string) error {
	for _, ref := range c.Stream.Checklists {
		comp, err := c.refComponent(ref)
		if err != nil || comp == nil || (ref.ID != id && comp.ID != id) {
			continue
		}
		if !isXCCDF(comp.Root) || comp.Root.Local != "Tailoring" {
			return &ContentError{File: c.Path, Line: ref.Line, ID: id, Msg: fmt.Sprintf("component is a <%s>, not an XCCDF Tailoring", comp.Root.Local)}
		}
		r := newReader(comp.Document(), comp.File, comp.LineBase())
		root, err := r.root()
		if err != nil {
			return err
		}
		t, err := parseTailoring(r, root)
		if err != nil {
			return err
		}
		c.Tailoring = t
		return nil
	}
	return &ContentError{File: c.Path, ID: id, Msg: "no such tailoring component-ref in data stream " + c.Stream.ID, Err: ErrNotFound}
}

// refComponent returns the component a component-ref points at: in this
// collection ("#id"), or in another local data stream collection beside it
// ("file:other.xml#id" or "other.xml#id"). Remote hrefs are never fetched:
// they give a nil component and no error.
func (c *Content) refComponent(ref *ComponentRef) (*Component, error) {
	file, id, ok := strings.Cut(ref.Href, "#")
	if !ok || id == "" {
		return nil, nil
	}
	if file == "" {
		return c.Collection.Component(id), nil
	}
	file = strings.TrimPrefix(file, "file:")
	if strings.Contains(file, "://") || file == "" {
		return nil, nil
	}
	col, err := c.otherCollection(file)
	if err != nil {
		return nil, err
	}
	comp := col.Component(id)
	if comp == nil {
		return nil, fmt.Errorf("xccdf: %s: component-ref %s: no component %q in %s: %w", c.Path, ref.ID, id, file, ErrNotFound)
	}
	return comp, nil
}

// otherCollection reads (once) the data stream collection in a file beside
// this one.
func (c *Content) otherCollection(file string) (*Collection, error) {
	if c.dir == nil {
		return nil, fmt.Errorf("xccdf: %s: component %q: no directory to read it from", c.Path, file)
	}
	p := path.Clean(path.Join(c.base, filepath.ToSlash(file)))
	c.omu.Lock()
	defer c.omu.Unlock()
	if col, ok := c.others[p]; ok {
		return col, nil
	}
	data, err := fs.ReadFile(c.dir, p)
	if err != nil {
		return nil, fmt.Errorf("xccdf: %s: component file %q: %w", c.Path, file, err)
	}
	r := newReader(data, file, 0)
	root, err := r.root()
	if err != nil {
		return nil, err
	}
	if root.Name.Space != NSDataStream || root.Name.Local != "data-stream-collection" {
		return nil, &ContentError{File: file, Line: r.line(), Msg: "a component-ref points into it, but it is no data-stream-collection", Err: ErrUnsupported}
	}
	col, err := parseCollection(r, root)
	if err != nil {
		return nil, err
	}
	c.others[p] = col
	return col, nil
}

// benchmark parses an XCCDF component.
func (comp *Component) benchmark() (*Benchmark, error) {
	r := newReader(comp.Document(), comp.File, comp.LineBase())
	root, err := r.root()
	if err != nil {
		return nil, err
	}
	return parseBenchmark(r, root)
}

// BenchmarkDocument returns the XCCDF Benchmark document as written: Data
// for a benchmark file, the chosen checklist component (with the namespace
// declarations it inherits) for a data stream. Nil when there is no
// benchmark.
func (c *Content) BenchmarkDocument() []byte {
	switch {
	case c.benchComp != nil:
		return c.benchComp.Document()
	case c.Kind == KindBenchmark:
		return c.Data
	}
	return nil
}

// BenchmarkComponent returns the id of the data stream component holding
// the benchmark, when that component is in Data (a component-ref to
// another file gives ""), so a result can point into the document.
func (c *Content) BenchmarkComponent() string {
	if c.benchComp == nil || c.Checklist == nil || !strings.HasPrefix(c.Checklist.Href, "#") {
		return ""
	}
	return c.benchComp.ID
}

// CheckContent returns the check document a check-content-ref href names: in
// a data stream through the checklist's XML catalog and the component-refs;
// otherwise a file beside the benchmark (or inside the same zip).
func (c *Content) CheckContent(href string) (*CheckContent, error) {
	return c.CheckContentFrom(c.Checklist, href)
}

// CheckContentFrom resolves href through the catalog of a given component-ref
// of the data stream (a CPE dictionary's, say); for files outside a data
// stream it is CheckContent.
func (c *Content) CheckContentFrom(owner *ComponentRef, href string) (*CheckContent, error) {
	key := href
	if owner != nil {
		key = owner.ID + "\x00" + href
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if cc, ok := c.files[key]; ok {
		return cc, nil
	}
	cc, err := c.resolve(owner, href)
	if err != nil {
		return nil, err
	}
	c.files[key] = cc
	return cc, nil
}

// ComponentContent returns the content a component-ref of the data stream
// points at (a CPE dictionary, say).
func (c *Content) ComponentContent(ref *ComponentRef) (*CheckContent, error) {
	if c.Collection == nil {
		return nil, fmt.Errorf("xccdf: %s: not a data stream", c.Path)
	}
	comp, err := c.refComponent(ref)
	if err != nil {
		return nil, err
	}
	if comp == nil {
		return nil, fmt.Errorf("xccdf: %s: component-ref %s: %w", c.Path, ref.ID, ErrNotFound)
	}
	return &CheckContent{Href: ref.Href, Name: comp.ID, Root: comp.Root, Data: comp.Document(), LineBase: comp.LineBase()}, nil
}

func (c *Content) resolve(owner *ComponentRef, href string) (*CheckContent, error) {
	if c.Collection != nil {
		comp, err := c.componentFor(owner, href)
		if err != nil {
			return nil, err
		}
		return &CheckContent{Href: href, Name: comp.ID, Root: comp.Root, Data: comp.Document(), LineBase: comp.LineBase()}, nil
	}
	if c.dir == nil {
		return nil, fmt.Errorf("xccdf: %s: check content %q: no directory to read it from", c.Path, href)
	}
	if strings.Contains(href, "://") {
		return nil, fmt.Errorf("xccdf: %s: check content %q is remote; stigscan reads only local files", c.Path, href)
	}
	p := path.Clean(path.Join(c.base, filepath.ToSlash(href)))
	data, err := fs.ReadFile(c.dir, p)
	if err != nil {
		return nil, fmt.Errorf("xccdf: %s: check content %q: %w", c.Path, href, err)
	}
	r := newReader(data, href, 0)
	root, err := r.root()
	if err != nil {
		return nil, err
	}
	return &CheckContent{Href: href, Name: href, Root: root.Name, Data: data}, nil
}

func (c *Content) componentFor(owner *ComponentRef, href string) (*Component, error) {
	col, s := c.Collection, c.Stream
	target := ""
	if owner != nil {
		target = owner.Catalog[href]
	}
	if target == "" && strings.HasPrefix(href, "#") {
		target = href
	}
	if target == "" {
		ownerID := "(none)"
		if owner != nil {
			ownerID = owner.ID
		}
		return nil, fmt.Errorf("xccdf: %s: check content %q is not in the catalog of %s: %w", c.Path, href, ownerID, ErrNotFound)
	}
	id := strings.TrimPrefix(target, "#")
	if ref := s.ref(id); ref != nil {
		comp, err := c.refComponent(ref)
		if err != nil {
			return nil, err
		}
		if comp == nil {
			return nil, fmt.Errorf("xccdf: %s: check content %q is remote (%s); stigscan never fetches content: %w", c.Path, href, ref.Href, ErrNotFound)
		}
		return comp, nil
	}
	comp := col.Component(id)
	if comp == nil {
		return nil, fmt.Errorf("xccdf: %s: check content %q resolves to %q, which is no component of the collection: %w", c.Path, href, id, ErrNotFound)
	}
	return comp, nil
}

// Dictionaries returns the CPE dictionaries of the chosen data stream (their
// catalogs resolve the CPE OVAL checks).
func (c *Content) Dictionaries() []*ComponentRef {
	if c.Stream == nil {
		return nil
	}
	return c.Stream.Dictionaries
}

// openZip reads a DISA benchmark download: the zip holds a data stream or an
// XCCDF benchmark (with its OVAL beside it) at any depth.
func openZip(filename string, opt Options) (*Content, error) {
	zr, err := zip.OpenReader(filename)
	if err != nil {
		return nil, fmt.Errorf("xccdf: %s: %w", filename, err)
	}
	defer zr.Close()
	type cand struct {
		name string
		rank int
	}
	var cands []cand
	for _, f := range zr.File {
		n := strings.ToLower(f.Name)
		if f.FileInfo().IsDir() || !strings.HasSuffix(n, ".xml") || strings.Contains(n, "__macosx") {
			continue
		}
		rank := 3
		switch {
		case strings.Contains(n, "benchmark") || strings.Contains(n, "-ds"):
			rank = 0
		case strings.Contains(n, "xccdf"):
			rank = 1
		}
		cands = append(cands, cand{f.Name, rank})
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].rank < cands[j].rank })
	// Copy the zip into memory as an fs.FS so hrefs resolve after Close.
	mem := memFS{}
	for _, f := range zr.File {
		if f.FileInfo().IsDir() || f.UncompressedSize64 > maxDocument {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("xccdf: %s: %s: %w", filename, f.Name, err)
		}
		data, err := io.ReadAll(io.LimitReader(rc, maxDocument))
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("xccdf: %s: %s: %w", filename, f.Name, err)
		}
		mem[path.Clean(f.Name)] = data
	}
	var firstErr error
	for _, cnd := range cands {
		name := path.Clean(cnd.name)
		c, err := openBytes(mem[name], filename+"!"+cnd.name, mem, path.Dir(name), opt)
		if err == nil && (c.Kind == KindDataStream || c.Kind == KindBenchmark) {
			c.Entry = cnd.name
			return c, nil
		}
		if err != nil && firstErr == nil && !errors.Is(err, ErrUnsupported) {
			firstErr = err
		}
	}
	if firstErr != nil {
		return nil, firstErr
	}
	return nil, fmt.Errorf("xccdf: %s: no XCCDF benchmark or SCAP data stream inside the zip: %w", filename, ErrNotFound)
}

// memFS is a read-only in-memory file system.
type memFS map[string][]byte

func (m memFS) Open(name string) (fs.File, error) {
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
}

func (m memFS) ReadFile(name string) ([]byte, error) {
	if d, ok := m[path.Clean(name)]; ok {
		return d, nil
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}
