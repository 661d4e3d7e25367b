// Package netconf reads Oracle Net configuration files (sqlnet.ora,
// listener.ora, cman.ora, and the files written in the same syntax such as
// fips.ora and extproc.ora) as structured data, and finds the ones a
// server uses.
//
// The syntax, as Oracle Net reads it:
//
//   - A parameter is NAME = value. Names are case-insensitive; Key gives
//     the upper-case form every lookup uses.
//   - A parameter starts in the first column of a line. A line that starts
//     with a space or a tab continues the parameter above it. So does, as
//     a tolerance for files edited by hand, a line in the first column
//     that starts with a parenthesis or comes while the parameter above
//     still has one open.
//   - A value is a word or quoted text (SQLNET.EXPIRE_TIME = 10), a
//     parenthesized list (NAMES.DIRECTORY_PATH = (TNSNAMES, EZCONNECT)), or
//     nested parenthesized parameters
//     (LISTENER = (DESCRIPTION = (ADDRESS = (PROTOCOL = TCP)(PORT = 1521)))).
//   - '#' starts a comment that runs to the end of the line, outside quotes.
//   - IFILE = path includes another file at that point; Read follows
//     includes, each file at most once, so a cycle ends.
//   - When a parameter is set more than once, the last setting read is the
//     one in effect.
//
// Parsing never fails on malformed text: what cannot be read is reported
// as a Problem with its line, and the rest of the file is still read.
package netconf

import (
	"fmt"
	"strings"
)

// File is one parsed file.
type File struct {
	Path     string
	Params   []*Param  // top-level parameters in file order, IFILE lines included
	Problems []Problem // syntax the parser could not read
}

// Param is one NAME = value setting, top-level or nested.
type Param struct {
	Name  string // as written
	Value Value
	File  string // file the parameter was read from
	Line  int    // 1-based line where the parameter starts
}

// Key is the parameter name in upper case, as lookups compare it.
func (p *Param) Key() string { return strings.ToUpper(p.Name) }

// Value is what follows the '=': exactly one of Text, List and Children
// describes it (all empty for "NAME =" with nothing after it).
type Value struct {
	// Text is a single word or quoted text, quotes and escapes removed.
	Text string
	// List holds the elements of a parenthesized comma-separated list.
	List []string
	// Children are nested (NAME = value) groups.
	Children []*Param
}

// IsEmpty reports whether nothing follows the '='.
func (v Value) IsEmpty() bool { return v.Text == "" && v.List == nil && v.Children == nil }

// Elements returns the list elements, or the text as a one-element list.
func (v Value) Elements() []string {
	switch {
	case v.List != nil:
		return append([]string(nil), v.List...)
	case v.Text != "":
		return []string{v.Text}
	}
	return nil
}

// String renders the value canonically: the text as is, a list as
// "(A, B)", nested parameters as "(NAME=value)(NAME=value)" with names as
// written and no other spaces. Checks match patterns against this form.
func (v Value) String() string {
	var b strings.Builder
	v.write(&b)
	return b.String()
}

func (v Value) write(b *strings.Builder) {
	switch {
	case v.Children != nil:
		for _, c := range v.Children {
			b.WriteByte('(')
			b.WriteString(c.Name)
			b.WriteByte('=')
			c.Value.write(b)
			b.WriteByte(')')
		}
	case v.List != nil:
		b.WriteByte('(')
		b.WriteString(strings.Join(v.List, ", "))
		b.WriteByte(')')
	default:
		b.WriteString(v.Text)
	}
}

// Find returns the nested parameters named key (case-insensitive) at any
// depth below v, in document order.
func (v Value) Find(key string) []*Param {
	var out []*Param
	for _, c := range v.Children {
		if strings.EqualFold(c.Name, key) {
			out = append(out, c)
		}
		out = append(out, c.Value.Find(key)...)
	}
	return out
}

// Problem is text the parser could not read.
type Problem struct {
	File string
	Line int
	Msg  string
	// Include is set when an IFILE was not read (missing, unreadable,
	// named again, past the limit): what Oracle Net has in effect may then
	// differ from what was read.
	Include bool
}

func (p Problem) Error() string { return fmt.Sprintf("netconf: %s:%d: %s", p.File, p.Line, p.Msg) }

// Lookup returns the parameter named key (case-insensitive) that is in
// effect in f: the last one.
func (f *File) Lookup(key string) (*Param, bool) {
	return lookup(f.Params, key)
}

func lookup(params []*Param, key string) (*Param, bool) {
	for i := len(params) - 1; i >= 0; i-- {
		if strings.EqualFold(params[i].Name, key) {
			return params[i], true
		}
	}
	return nil, false
}
