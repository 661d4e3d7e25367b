package oval

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"syscall"

	"github.com/stigscan/stigscan/collectors/host"
)

// fileRef is a file (or, with an xsi:nil filename, a directory) selected
// by an object's path entities.
type fileRef struct {
	filepath string
	dir      string
	name     string
	info     host.FileInfo
	dirOnly  bool
}

// pseudoFS are skipped when a walk starts above them: their trees are huge
// or endless and hold no configuration.
var pseudoFS = map[string]bool{"/proc": true, "/sys": true, "/dev": true, "/run": true}

// walker lists directories for pattern matches.
type walker struct {
	q        *Query
	maxDepth int
}

// walk calls fn for every entry below root (root included when it is a
// directory), depth-first, without following symlinks.
func (w *walker) walk(ctx context.Context, root string, depth int, fn func(host.FileInfo) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	entries, err := w.q.readDir(ctx, root)
	if err != nil {
		// A directory that vanished holds nothing; one that could not be
		// listed (a login without the rights) may hold what is searched
		// for, so the search cannot say "none".
		w.q.noteFileErr(err)
		return nil
	}
	for _, e := range entries {
		if err := fn(e); err != nil {
			return err
		}
		if e.Mode.IsDir() && (w.maxDepth < 0 || depth < w.maxDepth) {
			if pseudoFS[e.Path] {
				continue
			}
			if err := w.walk(ctx, e.Path, depth+1, fn); err != nil {
				return err
			}
		}
	}
	return nil
}

// walkRoot returns where a search for a pattern-matched path can start.
func walkRoot(e *QueryEntity) string {
	if e.Operation != opPattern {
		return "/"
	}
	root := ""
	for i, v := range e.Values {
		p := literalPrefix(v)
		if i > 0 && p != root {
			return "/"
		}
		root = p
	}
	if i := strings.LastIndexByte(root, '/'); i > 0 {
		return root[:i]
	}
	return "/"
}

// readDir lists a directory once per run: several objects walk the same
// trees (whole-file-system searches for SUID or world-writable files).
func (q *Query) readDir(ctx context.Context, p string) ([]host.FileInfo, error) {
	if d, ok := q.run.dirs[p]; ok {
		return d.entries, d.err
	}
	entries, err := q.Host.ReadDir(ctx, p)
	q.run.dirs[p] = dirRead{entries, err}
	return entries, err
}

func (q *Query) stat(ctx context.Context, p string) (host.FileInfo, bool) {
	fis, err := q.Host.Stat(ctx, p)
	if err == nil && len(fis) > 0 {
		err = fis[0].Err
	}
	if err != nil || len(fis) == 0 {
		q.noteFileErr(err)
		return host.FileInfo{}, false
	}
	return fis[0], true
}

// noteFileErr keeps the first error that is not "no such file": a path the
// host could not look at (permission denied, no access to the machine) must
// not read as an absent file, which a check could take for compliance.
func (q *Query) noteFileErr(err error) {
	if err == nil || q.fileErr != nil || errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) || errors.Is(err, syscall.EISDIR) {
		return
	}
	q.fileErr = err
}

// files resolves the path entities (filepath, or path and filename) of a
// file-based object with its behaviors.
func (q *Query) files(ctx context.Context, regularOnly bool) ([]fileRef, error) {
	var out []fileRef
	err := q.eachFile(ctx, regularOnly, func(f fileRef) error {
		out = append(out, f)
		return nil
	})
	return out, err
}

// eachFile calls fn for each file files would return, as it is found, so a
// whole-file-system search need not hold them all.
func (q *Query) eachFile(ctx context.Context, regularOnly bool, fn func(fileRef) error) error {
	keep := func(fi host.FileInfo) bool {
		if !regularOnly {
			return true
		}
		if fi.Mode.Type() == fs.ModeSymlink {
			// content probes follow links to regular files
			return true
		}
		return fi.Mode.IsRegular()
	}
	if fp := q.Entity("filepath"); fp != nil {
		if vals, ok := fp.Equals(); ok {
			for _, v := range vals {
				if fi, ok := q.stat(ctx, v); ok && keep(fi) {
					if err := fn(fileRef{filepath: v, dir: path.Dir(v), name: path.Base(v), info: fi}); err != nil {
						return err
					}
				}
			}
			return q.fileErr
		}
		w := &walker{q: q, maxDepth: -1}
		root := walkRoot(fp)
		err := w.walk(ctx, root, 0, func(fi host.FileInfo) error {
			if fi.Mode.IsDir() || !keep(fi) {
				return nil
			}
			ok, err := fp.Match(fi.Path)
			if err != nil {
				return err
			}
			if ok {
				if err := fn(fileRef{filepath: fi.Path, dir: path.Dir(fi.Path), name: fi.Name(), info: fi}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		return q.fileErr
	}
	pe, fe := q.Entity("path"), q.Entity("filename")
	if pe == nil {
		return errors.New("object has neither filepath nor path")
	}
	dirs, err := q.dirs(ctx, pe)
	if err != nil {
		return err
	}
	for _, d := range dirs {
		if fe == nil || fe.Nil {
			if fi, ok := q.stat(ctx, d); ok {
				if err := fn(fileRef{dir: d, info: fi, dirOnly: true}); err != nil {
					return err
				}
			}
			continue
		}
		if vals, ok := fe.Equals(); ok {
			for _, v := range vals {
				p := path.Join(d, v)
				if fi, ok := q.stat(ctx, p); ok && keep(fi) {
					if err := fn(fileRef{filepath: p, dir: d, name: v, info: fi}); err != nil {
						return err
					}
				}
			}
			continue
		}
		entries, err := q.readDir(ctx, d)
		if err != nil {
			q.noteFileErr(err)
			continue
		}
		for _, fi := range entries {
			if fi.Mode.IsDir() || !keep(fi) {
				continue
			}
			ok, err := fe.Match(fi.Name())
			if err != nil {
				return err
			}
			if ok {
				if err := fn(fileRef{filepath: fi.Path, dir: d, name: fi.Name(), info: fi}); err != nil {
					return err
				}
			}
		}
	}
	return q.fileErr
}

// dirs resolves the path entity, then applies recurse_direction.
func (q *Query) dirs(ctx context.Context, pe *QueryEntity) ([]string, error) {
	var base []string
	if vals, ok := pe.Equals(); ok {
		for _, v := range vals {
			if fi, ok := q.stat(ctx, v); ok && (fi.Mode.IsDir() || fi.Mode.Type() == fs.ModeSymlink) {
				base = append(base, path.Clean(v))
			}
		}
	} else {
		root := walkRoot(pe)
		if fi, ok := q.stat(ctx, root); ok && fi.Mode.IsDir() {
			if ok, err := pe.Match(root); err != nil {
				return nil, err
			} else if ok {
				base = append(base, root)
			}
		}
		w := &walker{q: q, maxDepth: -1}
		err := w.walk(ctx, root, 0, func(fi host.FileInfo) error {
			if !fi.Mode.IsDir() {
				return nil
			}
			ok, err := pe.Match(fi.Path)
			if ok {
				base = append(base, fi.Path)
			}
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	maxDepth, err := strconv.Atoi(q.Behavior("max_depth", "-1"))
	if err != nil {
		maxDepth = -1
	}
	seen := map[string]bool{}
	var out []string
	add := func(d string) {
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	for _, d := range base {
		add(d)
		switch q.Behavior("recurse_direction", "none") {
		case "down":
			if maxDepth == 0 {
				continue
			}
			w := &walker{q: q, maxDepth: maxDepth - 1}
			if maxDepth < 0 {
				w.maxDepth = -1
			}
			if err := w.walk(ctx, d, 0, func(fi host.FileInfo) error {
				if fi.Mode.IsDir() {
					add(fi.Path)
				}
				return nil
			}); err != nil {
				return nil, err
			}
		case "up":
			cur := d
			for depth := 0; cur != "/" && (maxDepth < 0 || depth < maxDepth); depth++ {
				cur = path.Dir(cur)
				add(cur)
			}
		}
	}
	return out, nil
}

// pathFields are the leading item entities of every file-based item.
func (f fileRef) pathFields(withFilepath bool) []*Field {
	var out []*Field
	if withFilepath {
		out = append(out, &Field{Name: "filepath", Value: f.filepath})
	}
	out = append(out, &Field{Name: "path", Value: f.dir})
	if f.dirOnly {
		out = append(out, &Field{Name: "filename", Nil: true})
	} else {
		out = append(out, &Field{Name: "filename", Value: f.name})
	}
	return out
}

func fileType(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return "regular"
	case m.IsDir():
		return "directory"
	case m&fs.ModeSymlink != 0:
		return "symbolic link"
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeCharDevice != 0:
		return "character special"
	case m&fs.ModeDevice != 0:
		return "block special"
	}
	return "regular"
}

// fileProbe implements unix:file_object.
func fileProbe(ctx context.Context, q *Query) ([]*Item, error) {
	var items []*Item
	withFilepath := q.Entity("filepath") != nil
	filters := q.Object.Filters
	buf := new(fileItemBuf)
	one := make([]*Item, 1)
	err := q.eachFile(ctx, false, func(f fileRef) error {
		it := buf.fill(f, withFilepath)
		// Apply the object's filters as items are made, in a reused buffer:
		// a search of the whole file system for, say, world-writable files
		// keeps a few of tens of thousands. (collect applies them again, to
		// no effect.)
		if len(filters) > 0 {
			one[0] = it
			if len(q.run.applyFilters(one, filters)) == 0 {
				return nil
			}
		}
		items = append(items, it)
		buf = new(fileItemBuf)
		return q.TooMany(len(items))
	})
	if err != nil {
		return nil, err
	}
	return items, nil
}

// fileItemFields is the most fields a file_item has.
const fileItemFields = 23

// fileItemBuf holds a file_item and its fields in one allocation: whole
// file system searches build tens of thousands of them, most of them only
// to be filtered out, so the buffer of a rejected item is reused.
type fileItemBuf struct {
	item   Item
	fields [fileItemFields]Field
	ptrs   [fileItemFields]*Field
}

// fill makes b's item describe f, overwriting what it held.
func (b *fileItemBuf) fill(f fileRef, withFilepath bool) *Item {
	fi := f.info
	m := fi.Mode
	fs := b.fields[:0]
	add := func(name, value, datatype string) {
		fs = append(fs, Field{Name: name, Value: value, Datatype: datatype})
	}
	if withFilepath {
		add("filepath", f.filepath, "")
	}
	add("path", f.dir, "")
	if f.dirOnly {
		fs = append(fs, Field{Name: "filename", Nil: true})
	} else {
		add("filename", f.name, "")
	}
	itoa := func(n int64) string { return strconv.FormatInt(n, 10) }
	bs := func(v bool) string {
		if v {
			return "true"
		}
		return "false"
	}
	add("type", fileType(m), "")
	add("group_id", itoa(fi.GID), "int")
	add("user_id", itoa(fi.UID), "int")
	add("a_time", itoa(fi.ATime.Unix()), "int")
	add("c_time", itoa(fi.CTime.Unix()), "int")
	add("m_time", itoa(fi.MTime.Unix()), "int")
	add("size", itoa(fi.Size), "int")
	add("suid", bs(m&modeSetuid != 0), "boolean")
	add("sgid", bs(m&modeSetgid != 0), "boolean")
	add("sticky", bs(m&modeSticky != 0), "boolean")
	for i, name := range permNames {
		add(name, bs(m&(0o400>>i) != 0), "boolean")
	}
	ptrs := b.ptrs[:len(fs)]
	for i := range fs {
		ptrs[i] = &fs[i]
	}
	b.item = Item{Type: "file_item", Family: "unix", Status: statusExists, Fields: ptrs}
	return &b.item
}

// permNames are the permission bits of a file_item, from 0o400 down.
var permNames = [...]string{"uread", "uwrite", "uexec", "gread", "gwrite", "gexec", "oread", "owrite", "oexec"}

// textfilecontent54Probe implements independent:textfilecontent54_object.
func textfilecontent54Probe(ctx context.Context, q *Query) ([]*Item, error) {
	refs, err := q.files(ctx, true)
	if err != nil {
		return nil, err
	}
	q.prefetchReads(ctx, refs)
	pe := q.Entity("pattern")
	if pe == nil || len(pe.pats) == 0 {
		return nil, errors.New("textfilecontent54_object without pattern")
	}
	inst := q.Entity("instance")
	var items []*Item
	for _, f := range refs {
		data, err := q.ReadFile(ctx, f.filepath)
		if err != nil {
			q.noteFileErr(err)
			continue
		}
		text := string(data)
		for pi, pat := range pe.pats {
			ms, err := pat.findAll(pe.regex, text, q.MaxItems())
			if err != nil {
				return nil, fmt.Errorf("%s: %w", f.filepath, err)
			}
			if err := q.TooMany(len(items) + len(ms)); err != nil {
				return nil, err
			}
			for i, m := range ms {
				n := i + 1
				if ok, err := inst.Match(strconv.Itoa(n)); err != nil {
					return nil, err
				} else if !ok {
					continue
				}
				it := &Item{Type: "textfilecontent_item", Family: "independent", Status: statusExists}
				it.Fields = append(f.pathFields(true), &Field{Name: "pattern", Value: pe.Values[pi]}, IntField("instance", int64(n)), &Field{Name: "text", Value: m[0]})
				for _, s := range m[1:] {
					it.Fields = append(it.Fields, &Field{Name: "subexpression", Value: s})
				}
				items = append(items, it)
			}
		}
	}
	return items, q.fileErr
}

// textfilecontentProbe implements the deprecated line-based
// independent:textfilecontent_object.
func textfilecontentProbe(ctx context.Context, q *Query) ([]*Item, error) {
	refs, err := q.files(ctx, true)
	if err != nil {
		return nil, err
	}
	q.prefetchReads(ctx, refs)
	le := q.Entity("line")
	if le == nil {
		return nil, errors.New("textfilecontent_object without line")
	}
	var items []*Item
	for _, f := range refs {
		data, err := q.ReadFile(ctx, f.filepath)
		if err != nil {
			if errors.Is(err, host.ErrTooLarge) {
				q.noteFileErr(err) // not an absent file: the object is an error
			}
			continue
		}
		for line := range strings.SplitSeq(string(data), "\n") {
			if err := q.TooMany(len(items)); err != nil {
				return nil, err
			}
			for vi, want := range le.Values {
				var ms [][]string
				if le.Operation == opPattern {
					ms, err = le.pats[vi].findFirst(le.regex, line)
					if err != nil {
						return nil, fmt.Errorf("%s: %w", f.filepath, err)
					}
				} else if line == want {
					ms = [][]string{{line}}
				}
				for _, m := range ms {
					it := &Item{Type: "textfilecontent_item", Family: "independent", Status: statusExists}
					it.Fields = append(f.pathFields(true), &Field{Name: "pattern", Value: want}, IntField("instance", 1), &Field{Name: "line", Value: want}, &Field{Name: "text", Value: line})
					for _, s := range m[1:] {
						it.Fields = append(it.Fields, &Field{Name: "subexpression", Value: s})
					}
					items = append(items, it)
				}
			}
		}
	}
	return items, q.fileErr
}

const (
	modeSetuid = fs.ModeSetuid
	modeSetgid = fs.ModeSetgid
	modeSticky = fs.ModeSticky
)
