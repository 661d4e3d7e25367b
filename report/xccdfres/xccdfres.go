// Package xccdfres writes scan results as XCCDF 1.2: a TestResult element
// (which ARF embeds) and the standalone results document that
// `stigscan scan --xccdf-results` writes, a Benchmark holding the TestResult,
// the shape `oscap xccdf eval --results`, SCC and Evaluate-STIG produce and
// STIG Manager, Heimdall and STIG Viewer import.
//
// Every result is written in XCCDF 1.2, also for XCCDF 1.1 content (DISA's
// Manual STIGs): ids are then converted (see IDs) and the benchmark is
// written from the parsed model. An XCCDF 1.2 benchmark is copied as
// written, with the TestResult inserted before its end.
//
// Which XCCDF element is which:
//
//	TestResult                 engine.Result
//	rule-result                engine.RuleResult (one per check instance)
//	rule-result/ident          xccdf.Rule.Idents (CCIs, legacy ids), always
//	rule-result/@version       the rule's version (DISA: the STIG-ID)
//	rule-result/metadata       the rule's DISA ids (Vuln-ID, Rule-ID, STIG-ID)
//	rule-result/check          engine.CheckOutcome
//	target-facts, target-…     host.Facts
package xccdfres

import (
	"bytes"
	"fmt"
	"io"

	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/internal/xmlw"
	"github.com/stigscan/stigscan/xccdf"
)

// Writer writes a Benchmark document holding the TestResult of a result.
// It implements report.Writer; the zero value writes from the model.
type Writer struct {
	Options
	// Benchmark is the XCCDF Benchmark document the result came from, as
	// written (for a data stream, its XCCDF component: see
	// xccdf.Component.Document). When it is XCCDF 1.2 it is copied and the
	// TestResult inserted before its end; otherwise (nil, XCCDF 1.1, or a
	// signed benchmark) an XCCDF 1.2 Benchmark is written from the model.
	Benchmark []byte
}

// Write writes r as an XCCDF 1.2 results document.
func (w Writer) Write(out io.Writer, r *engine.Result) error {
	if r == nil || r.Benchmark == nil {
		return fmt.Errorf("xccdfres: no benchmark in the result")
	}
	ids := NewIDs(r.Benchmark)
	if r.Benchmark.Namespace == xccdf.NS12 && len(w.Benchmark) > 0 {
		if head, tail, ok := splitBenchmark(w.Benchmark); ok {
			return w.splice(out, r, ids, head, tail)
		}
	}
	x := xmlw.New(out)
	x.Header()
	writeBenchmark(x, r.Benchmark, r.Profile, ids, func() { WriteTestResult(x, r, ids, w.Options) })
	x.Text("\n")
	if err := x.Flush(); err != nil {
		return fmt.Errorf("xccdfres: write: %w", err)
	}
	return nil
}

func (w Writer) splice(out io.Writer, r *engine.Result, ids *IDs, head, tail []byte) error {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.Write(head)
	x := xmlw.New(&b)
	WriteTestResult(x, r, ids, w.Options)
	if err := x.Flush(); err != nil {
		return fmt.Errorf("xccdfres: write: %w", err)
	}
	b.WriteString("\n")
	b.Write(tail)
	b.WriteString("\n")
	if _, err := out.Write(b.Bytes()); err != nil {
		return fmt.Errorf("xccdfres: write: %w", err)
	}
	return nil
}

// BenchmarkBytes returns r's benchmark as an XCCDF 1.2 Benchmark element
// written from the model with converted ids (no XML declaration), for
// embedding: ARF embeds it when the source is not XCCDF 1.2 as written.
func BenchmarkBytes(r *engine.Result) ([]byte, error) {
	if r == nil || r.Benchmark == nil {
		return nil, fmt.Errorf("xccdfres: no benchmark in the result")
	}
	var b bytes.Buffer
	x := xmlw.New(&b)
	writeBenchmark(x, r.Benchmark, r.Profile, NewIDs(r.Benchmark), nil)
	if err := x.Flush(); err != nil {
		return nil, fmt.Errorf("xccdfres: write: %w", err)
	}
	return bytes.TrimLeft(b.Bytes(), "\n"), nil
}

// Root returns a document from its root element on: the XML declaration,
// comments and processing instructions before it are dropped, so the
// document can be embedded in another. Nil when doc has no root element.
func Root(doc []byte) []byte {
	i := rootStart(doc)
	if i < 0 {
		return nil
	}
	return bytes.TrimRight(doc[i:], " \t\r\n")
}
