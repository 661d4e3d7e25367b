// Package report defines how scan results leave stigscan: every output
// format (ARF, XCCDF results, CKL, CKLB, JSON, HDF, HTML) is one Writer over
// an engine.Result, in a subpackage named after the format. The registry
// of formats, which the CLI's flags, fleet file names and write step are
// built from, is report/formats; Version is the stigscan version every
// document records.
package report

import (
	"io"

	"github.com/stigscan/stigscan/engine"
)

// Writer writes one target's result in one format.
type Writer interface {
	Write(w io.Writer, r *engine.Result) error
}

// WriterFunc adapts a function to Writer.
type WriterFunc func(w io.Writer, r *engine.Result) error

// Write calls f.
func (f WriterFunc) Write(w io.Writer, r *engine.Result) error { return f(w, r) }

// Product names the tool in generated documents.
const Product = "stigscan"
