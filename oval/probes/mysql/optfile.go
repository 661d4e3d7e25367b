package mysql

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"syscall"

	"github.com/stigscan/stigscan/collectors/host"
)

// Bounds of one read, as the servers have them (my_default.c of MariaDB
// 10.11 and MySQL 8.0) or, where they have none, as stigscan sets them.
const (
	// MaxDepth is the servers' include depth: a directive in a file
	// nested this deep is skipped with a warning.
	MaxDepth = 10
	// MaxLine is the longest line the servers read at once (fgets into
	// a 4096-byte buffer, size - 1); the rest of a longer line is read
	// as the next line.
	MaxLine = 4094
	// MaxFiles caps the files one read opens, repeats through include
	// cycles counted (the servers have no cap but the depth, which a
	// file that includes itself many times turns into an exponential
	// number of reads).
	MaxFiles = 1000
	// MaxBytes caps the bytes of all the files one read parses, repeats
	// counted (real option files are a few kilobytes).
	MaxBytes = 16 << 20
	// maxSymlinks bounds the symbolic links followed to one file, as
	// the kernel's own limit does.
	maxSymlinks = 40
)

// Errors of a read past its caps.
var (
	ErrTooManyFiles = errors.New("mysql: option files: more than 1000 files opened (include cap)")
	ErrTooManyBytes = errors.New("mysql: option files: more than 16 MiB read in all (include cap)")
)

// Files is what reading option files needs of a host: a bounded ReadFile
// (oval.Query's), and Stat and ReadDir of host.Host.
type Files interface {
	ReadFile(ctx context.Context, path string) ([]byte, error)
	Stat(ctx context.Context, paths ...string) ([]host.FileInfo, error)
	ReadDir(ctx context.Context, path string) ([]host.FileInfo, error)
}

// Setting is one option line of a group, as the server reads it.
type Setting struct {
	Start    string // the top-level option file the read started from
	File     string // the file the line is in (an included one, as named)
	Line     int    // 1-based, counted as the server counts (a long line's rest is a line)
	Group    string // lower case, as written otherwise
	Option   string // normalized: loose- prefix removed, '-' as '_', case kept
	Loose    bool   // written with the loose- prefix
	Value    string // quotes removed, escapes decoded
	HasValue bool   // an '=' was written; false for "skip-grant-tables"
}

// Problem is something the server would warn about or refuse, at a file
// and line (line 0: the file itself).
type Problem struct {
	File  string
	Line  int
	Msg   string
	Fatal bool // the server refuses to start on it (a top-level file's error)
	Info  bool // not a problem of the file: it does not exist
}

func (p Problem) Error() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
	}
	return p.File + ": " + p.Msg
}

// Config is what one read of option files found.
type Config struct {
	Files    []string  // every file opened, in order (repeats included)
	Settings []Setting // in the order the server reads them (repeats included)
	Problems []Problem
}

// Fatal returns the first problem the server refuses to start on.
func (c *Config) Fatal() *Problem {
	for i := range c.Problems {
		if c.Problems[i].Fatal {
			return &c.Problems[i]
		}
	}
	return nil
}

// Read reads the option files starts in order, as the server does with
// its default files (or with --defaults-file, given one), following
// !include and !includedir. A start file that does not exist is skipped
// (a Problem that is not fatal says so). Read fails only when ctx ends,
// MaxFiles or MaxBytes is reached, or the host cannot be read (errors other than "does
// not exist", such as host.ErrNotCollected or host.ErrTooLarge).
func Read(ctx context.Context, f Files, starts ...string) (*Config, error) {
	r := &reader{f: f, c: &Config{}}
	for _, s := range starts {
		r.start = s
		if err := r.file(ctx, s, 0); err != nil {
			var pe *fileError
			if errors.As(err, &pe) {
				pe.p.Fatal = true
				r.problem(pe.p)
				continue
			}
			if errors.Is(err, ErrTooManyFiles) || errors.Is(err, ErrTooManyBytes) {
				return nil, fmt.Errorf("%w, reading from %s", err, s)
			}
			return nil, fmt.Errorf("mysql: option file %s: %w", s, err)
		}
	}
	return r.c, nil
}

type reader struct {
	f     Files
	c     *Config
	start string
	opens int
	bytes int
}

// fileError is the error that stops reading one file (the server's
// "goto err"): fatal for a top-level file, a warning for an included one.
type fileError struct{ p Problem }

func (e *fileError) Error() string { return e.p.Error() }

// maxProblems bounds the problems one read lists: a hostile file can
// repeat one a million times.
const maxProblems = 100

func (r *reader) warn(file string, line int, format string, args ...any) {
	if len(r.c.Problems) > maxProblems {
		return
	}
	r.problem(Problem{File: file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

func (r *reader) problem(p Problem) {
	switch n := len(r.c.Problems); {
	case n < maxProblems || p.Fatal:
		r.c.Problems = append(r.c.Problems, p)
	case n == maxProblems:
		r.c.Problems = append(r.c.Problems, Problem{File: p.File, Msg: fmt.Sprintf("more than %d problems: the rest are not listed", maxProblems)})
	}
}

func (r *reader) missing(p string) {
	r.problem(Problem{File: p, Msg: "does not exist (skipped, as the server skips it)", Info: true})
}

// file reads one option file at include depth level. A missing file is
// skipped as the server skips it; an error of the host is returned.
func (r *reader) file(ctx context.Context, p string, level int) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if r.opens >= MaxFiles {
		return ErrTooManyFiles
	}
	r.opens++
	fi, err := r.resolve(ctx, p)
	switch {
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR):
		r.missing(p)
		return nil
	case err != nil:
		return err
	case fi.Mode.IsDir():
		r.warn(p, 0, "is a directory (nothing read)")
		return nil
	case fi.Mode.IsRegular() && fi.Mode.Perm()&0o002 != 0:
		r.warn(p, 0, "is world-writable: the server ignores it (\"World-writable config file is ignored\")")
		return nil
	}
	data, err := r.f.ReadFile(ctx, p)
	if errors.Is(err, fs.ErrNotExist) {
		r.missing(p)
		return nil
	}
	if err != nil {
		return err
	}
	if r.bytes += len(data); r.bytes > MaxBytes {
		return ErrTooManyBytes
	}
	r.c.Files = append(r.c.Files, p)
	return r.parse(ctx, p, data, level)
}

// resolve stats p, following symbolic links (the server opens the file
// with stat and fopen, which follow them).
func (r *reader) resolve(ctx context.Context, p string) (host.FileInfo, error) {
	cur := p
	for range maxSymlinks {
		fis, err := r.f.Stat(ctx, cur)
		if err != nil {
			return host.FileInfo{}, err
		}
		if len(fis) == 0 {
			return host.FileInfo{}, fmt.Errorf("%s: %w", cur, fs.ErrNotExist)
		}
		fi := fis[0]
		if fi.Err != nil {
			return fi, fi.Err
		}
		if fi.Mode&fs.ModeSymlink == 0 {
			return fi, nil
		}
		t := fi.Target
		if !path.IsAbs(t) {
			t = path.Join(path.Dir(cur), t)
		}
		cur = path.Clean(t)
	}
	return host.FileInfo{}, fmt.Errorf("%s: more than %d symbolic links (a loop?)", p, maxSymlinks)
}

// nextLine returns the first line of data as fgets into a 4096-byte
// buffer reads it: up to a newline (kept), or MaxLine bytes of a longer
// line, whose rest the server reads as the next line (split).
func nextLine(data []byte) (line string, rest []byte, split bool) {
	n := len(data)
	if i := bytes.IndexByte(data[:min(n, MaxLine)], '\n'); i >= 0 {
		n = i + 1
	} else if n > MaxLine {
		n, split = MaxLine, true
	}
	return string(data[:n]), data[n:], split
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func trimLeft(s string) string {
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return s[i:]
}

func trimRight(s string) string {
	i := len(s)
	for i > 0 && isSpace(s[i-1]) {
		i--
	}
	return s[:i]
}

// parse reads the lines of one file; includes are read where they stand.
func (r *reader) parse(ctx context.Context, file string, data []byte, level int) error {
	group, inGroup := "", false
	for line := 1; len(data) > 0; line++ {
		raw, rest, split := nextLine(data)
		data = rest
		if split {
			r.warn(file, line, "line longer than %d bytes: the server reads the rest as the next line", MaxLine)
		}
		if i := strings.IndexByte(raw, 0); i >= 0 {
			raw = raw[:i] // C strings end at a NUL
		}
		s := trimLeft(raw)
		switch {
		case s == "" || s[0] == '#' || s[0] == ';':
			continue
		case s[0] == '!':
			if err := r.directive(ctx, file, line, s, level); err != nil {
				return err
			}
			continue
		case s[0] == '[':
			end := strings.IndexByte(s, ']')
			if end < 0 {
				return &fileError{Problem{File: file, Line: line, Msg: "wrong group definition (no ']')"}}
			}
			group, inGroup = strings.ToLower(trimRight(s[1:end])), true
			continue
		case !inGroup:
			return &fileError{Problem{File: file, Line: line, Msg: "option without preceding group"}}
		}
		st := parseOption(s)
		st.Start, st.File, st.Line, st.Group = r.start, file, line, group
		r.c.Settings = append(r.c.Settings, st)
	}
	return nil
}

// directive handles a "!" line: !include FILE, !includedir DIR; others
// are ignored, as by the server.
func (r *reader) directive(ctx context.Context, file string, line int, s string, level int) error {
	if level >= MaxDepth {
		r.warn(file, line, "%s skipped: the include depth of %d is reached", trimRight(s), MaxDepth)
		return nil
	}
	s = trimLeft(s[1:])
	var kw string
	switch {
	case strings.HasPrefix(s, "includedir") && len(s) > 10 && isSpace(s[10]):
		kw = "includedir"
	case strings.HasPrefix(s, "include") && len(s) > 7 && isSpace(s[7]):
		kw = "include"
	default:
		return nil
	}
	arg := argument(s[len(kw):])
	if arg == "" {
		return &fileError{Problem{File: file, Line: line, Msg: "wrong '!" + kw + "' directive (no argument)"}}
	}
	if !path.IsAbs(arg) {
		r.warn(file, line, "!%s %s: a relative path is opened from the server's working directory, which is not known: not read", kw, arg)
		return nil
	}
	if kw == "include" {
		return r.included(ctx, arg, level+1)
	}
	entries, err := r.f.ReadDir(ctx, arg)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return &fileError{Problem{File: file, Line: line, Msg: "!includedir " + arg + ": cannot read the directory"}}
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := e.Name()
		if e.Mode.IsDir() || path.Ext(name) != ".cnf" {
			continue
		}
		if err := r.included(ctx, path.Join(arg, name), level+1); err != nil {
			return err
		}
	}
	return nil
}

// included reads an included file: its own errors end only it.
func (r *reader) included(ctx context.Context, p string, level int) error {
	err := r.file(ctx, p, level)
	var fe *fileError
	if errors.As(err, &fe) {
		r.problem(Problem{File: fe.p.File, Line: fe.p.Line, Msg: fe.p.Msg + " (the rest of this included file is not read)"})
		return nil
	}
	return err
}

// argument is the servers' get_argument: leading space skipped, then the
// last byte of the line dropped (meant as its newline) together with the
// spaces before it. On a last line without a newline that drops the last
// character of the path, as the server does.
func argument(s string) string {
	s = trimLeft(s)
	if s == "" {
		return ""
	}
	end := len(s) - 1
	for end > 0 && isSpace(s[end-1]) {
		end--
	}
	return s[:end]
}

// parseOption reads an option line (leading space already removed).
func parseOption(s string) Setting {
	s = removeEndComment(s)
	name, value, has := strings.Cut(s, "=")
	name = trimRight(name)
	st := Setting{HasValue: has}
	for _, p := range []string{"loose-", "loose_"} {
		if strings.HasPrefix(name, p) {
			name, st.Loose = name[len(p):], true
			break
		}
	}
	st.Option = strings.ReplaceAll(name, "-", "_")
	if has {
		st.Value = unescape(unquote(trimRight(trimLeft(value))))
	}
	return st
}

// removeEndComment cuts s at a '#' outside quotes; a backslash inside
// quotes protects a quote character.
func removeEndComment(s string) string {
	var quote byte
	escape := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c == '\'' || c == '"') && !escape {
			switch quote {
			case 0:
				quote = c
			case c:
				quote = 0
			}
		}
		if quote == 0 && c == '#' {
			return s[:i]
		}
		escape = quote != 0 && c == '\\' && !escape
	}
	return s
}

// unquote removes one pair of matching quotes around v.
func unquote(v string) string {
	if len(v) > 1 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		return v[1 : len(v)-1]
	}
	return v
}

// unescape decodes \n \t \r \b \s \" \' \\; another backslash, and one at
// the end, stay as written.
func unescape(v string) string {
	if !strings.Contains(v, `\`) {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c != '\\' || i == len(v)-1 {
			b.WriteByte(c)
			continue
		}
		i++
		switch v[i] {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case 'b':
			b.WriteByte('\b')
		case 's':
			b.WriteByte(' ')
		case '"', '\'', '\\':
			b.WriteByte(v[i])
		default:
			b.WriteByte('\\')
			b.WriteByte(v[i])
		}
	}
	return b.String()
}
