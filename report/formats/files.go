package formats

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
)

// Files creates the files formats write, each through a buffer, and
// records what was written. Not safe for concurrent use: use one per
// target.
type Files struct {
	// Create opens a file for writing; nil creates it on disk (os.Create).
	Create func(name string) (io.WriteCloser, error)

	written []Written
}

// Written is one file a format wrote, or a note about one it did not.
type Written struct {
	Label string // the format's Label (Format.Run sets it)
	Name  string // the file; "" for a note
	// Detail says which part of the format the file holds ("(href)" of an
	// OVAL document), or, for a note, why nothing was written.
	Detail string
}

// String is how the CLI names it: "OVAL results (a.xml): out.xml".
func (w Written) String() string {
	head := w.Label
	if w.Detail != "" && w.Name != "" {
		head += " " + w.Detail
	}
	if w.Name == "" {
		return head + ": " + w.Detail
	}
	return head + ": " + w.Name
}

// Run writes the format for in into file and returns the files it wrote,
// labelled with the format's Label.
func (f *Format) Run(out *Files, file string, in *Input) ([]Written, error) {
	start := len(out.written)
	err := f.Write(out, file, in)
	got := out.written[start:]
	for i := range got {
		got[i].Label = f.Label
	}
	return got, err
}

// Names lists the files written so far (notes left out).
func (out *Files) Names() []string {
	var names []string
	for _, w := range out.written {
		if w.Name != "" {
			names = append(names, w.Name)
		}
	}
	return names
}

// note records that a format wrote nothing, and why.
func (out *Files) note(why string) { out.written = append(out.written, Written{Detail: why}) }

// write creates name, lets fn write it through a buffer and closes it.
func (out *Files) write(name, detail string, fn func(io.Writer) error) (err error) {
	if strings.TrimSpace(name) == "" {
		return fmt.Errorf("formats: no file name")
	}
	create := out.Create
	if create == nil {
		create = func(name string) (io.WriteCloser, error) { return os.Create(name) }
	}
	f, err := create(name)
	if err != nil {
		return fmt.Errorf("formats: %w", err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("formats: %s: %w", name, cerr)
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<16)
	if err := fn(bw); err != nil {
		return fmt.Errorf("formats: %s: %w", name, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("formats: %s: %w", name, err)
	}
	out.written = append(out.written, Written{Name: name, Detail: detail})
	return nil
}
