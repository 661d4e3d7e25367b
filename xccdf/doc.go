// Package xccdf reads SCAP benchmark content: XCCDF 1.1 and 1.2 benchmarks
// (DISA's "Manual" STIGs, ComplianceAsCode, DISA SCAP 1.3), SCAP 1.2/1.3
// source data streams, XCCDF tailoring files and DISA benchmark zips.
//
// How the SCAP elements map onto the code:
//
//	ds:data-stream-collection   Collection (components are parsed lazily)
//	ds:data-stream              DataStream; ds:component-ref → ComponentRef
//	ds:component                Component; Component.Document() is standalone XML
//	xccdf:Benchmark             Benchmark (items flattened into Rules, Groups, Values)
//	xccdf:Group / Rule / Value  Group, Rule, Value
//	xccdf:Profile               Profile; Resolve gives the effective Selection
//	xccdf:Tailoring             Tailoring
//	xccdf:check                 Check (check-content-ref → ContentRef, check-export → Export)
//	xccdf:complex-check         ComplexCheck
//	DISA description pseudo-XML DISADescription
//	DISA ids (Vuln-ID, Rule-ID, STIG-ID, CCI, legacy) Identity
//
// Open is the entry point; Content.CheckContent resolves a
// check-content-ref href to the OVAL (or OCIL, CPE) document it names.
// A Content keeps what it was read from: Data, the document as read (Entry
// names the zip entry), and for a data stream BenchmarkDocument and
// BenchmarkComponent, the XCCDF component the benchmark came from, so
// writers copy or embed the content without reading it again.
// Parsing refuses DTD entity declarations, so entity expansion attacks and
// external entities cannot run.
package xccdf
