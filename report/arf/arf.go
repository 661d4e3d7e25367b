// Package arf writes scan results as an ARF 1.1 asset report collection
// (the SCAP 1.2/1.3 result format `oscap xccdf eval --results-arf` writes):
// one asset, the XCCDF TestResult and the OVAL results of every OVAL
// document evaluated, tied together with ARF relationships.
//
// Which ARF element is which:
//
//	arf:asset-report-collection   one engine.Result
//	core:relationships            isAbout (every report → the asset),
//	                              createdFor (every report → the request)
//	arf:report-requests           the source content, only with EmbedContent
//	arf:asset/ai:computing-device host.Facts (addresses, MACs, FQDN, host name)
//	arf:report (xccdf1)           the XCCDF 1.2 TestResult (see xccdfres)
//	arf:report (oval1, oval2, …)  one per engine.OVALReport (oval_results)
//
// By default the content is referenced, not embedded: the TestResult's
// benchmark href names the content file. OpenSCAP embeds it, which costs
// several megabytes per host; it is needed only by consumers that render
// the report from the ARF alone (`oscap xccdf generate report`).
package arf

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"regexp"
	"strconv"
	"strings"

	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/internal/xmlw"
	"github.com/stigscan/stigscan/oval"
	"github.com/stigscan/stigscan/report/xccdfres"
	"github.com/stigscan/stigscan/xccdf"
)

// Namespaces of ARF 1.1.
const (
	NSARF   = "http://scap.nist.gov/schema/asset-reporting-format/1.1"
	NSCore  = "http://scap.nist.gov/schema/reporting-core/1.1"
	NSAI    = "http://scap.nist.gov/schema/asset-identification/1.1"
	NSVocab = "http://scap.nist.gov/specifications/arf/vocabulary/relationships/1.0#"
)

// Ids of the elements of the collection.
const (
	AssetID   = "asset1"
	RequestID = "request1"
	XCCDFID   = "xccdf1"
)

// OVALID returns the report id of the i-th (0-based) OVAL results.
func OVALID(i int) string { return "oval" + strconv.Itoa(i+1) }

// Writer writes an ARF asset report collection. It implements
// report.Writer.
type Writer struct {
	// XCCDF says what the TestResult records (stigscan's version, the
	// identity the scan ran as). Its BenchmarkHref, AssetID and CheckHref
	// are set by the Writer.
	XCCDF xccdfres.Options
	// OVAL controls the embedded OVAL results (product version, whether
	// they carry the definitions and collected items).
	OVAL oval.WriteOptions
	// EmbedContent puts the source content into a report-request, so the
	// ARF is self-contained. Document says what is embedded.
	EmbedContent bool
	// Document is the content file the result came from, as written: a
	// source data stream collection or an XCCDF Benchmark. With
	// EmbedContent, a data stream or an XCCDF 1.2 benchmark is embedded as
	// it is; anything else (XCCDF 1.1, or no Document) is embedded as the
	// XCCDF 1.2 Benchmark the results name (see xccdfres).
	Document []byte
	// Component is the id of the data stream component holding the
	// benchmark (for a data stream), so the TestResult can point into it.
	Component string
}

// Write writes r as an ARF 1.1 document.
func (w Writer) Write(out io.Writer, r *engine.Result) error {
	if r == nil || r.Benchmark == nil {
		return fmt.Errorf("arf: no benchmark in the result")
	}
	var request []byte
	var benchHref string
	if w.EmbedContent {
		var err error
		request, benchHref, err = w.embedded(r)
		if err != nil {
			return err
		}
	} else {
		benchHref = xccdfres.SourceHref(r.Source)
		if w.Component != "" {
			benchHref += "#" + w.Component
		}
	}

	ovalIDs := map[string]string{}
	ovals := make([][]byte, len(r.OVAL))
	for i, rep := range r.OVAL {
		data, err := oval.ResultsBytes(rep.Results, w.OVAL)
		if err != nil {
			return fmt.Errorf("arf: OVAL results of %s: %w", rep.Href, err)
		}
		ovals[i] = xccdfres.Root(data)
		if _, ok := ovalIDs[rep.Href]; !ok {
			ovalIDs[rep.Href] = OVALID(i)
		}
	}
	opts := w.XCCDF
	opts.BenchmarkHref = benchHref
	opts.AssetID = AssetID
	// SCAP 1.2 points a TestResult's check-content-ref at the ARF report
	// holding the check's results.
	opts.CheckHref = func(href string) string {
		if id, ok := ovalIDs[href]; ok {
			return "#" + id
		}
		return href
	}

	x := xmlw.New(out)
	x.Header()
	x.Start("arf:asset-report-collection", xmlw.A("xmlns:arf", NSARF, "xmlns:core", NSCore, "xmlns:ai", NSAI)...)

	reports := []string{XCCDFID}
	for i := range ovals {
		reports = append(reports, OVALID(i))
	}
	x.Start("core:relationships", xmlw.A("xmlns:arfvocab", NSVocab)...)
	for _, id := range reports {
		if request != nil {
			relationship(x, "arfvocab:createdFor", id, RequestID)
		}
		relationship(x, "arfvocab:isAbout", id, AssetID)
	}
	x.End()

	if request != nil {
		x.Start("arf:report-requests")
		x.Start("arf:report-request", xmlw.A("id", RequestID)...)
		x.Start("arf:content")
		x.Raw(request)
		x.End()
		x.End()
		x.End()
	}

	x.Start("arf:assets")
	x.Start("arf:asset", xmlw.A("id", AssetID)...)
	writeComputingDevice(x, r)
	x.End()
	x.End()

	x.Start("arf:reports")
	x.Start("arf:report", xmlw.A("id", XCCDFID)...)
	x.Start("arf:content")
	xccdfres.WriteTestResult(x, r, xccdfres.NewIDs(r.Benchmark), opts)
	x.End()
	x.End()
	for i, data := range ovals {
		x.Start("arf:report", xmlw.A("id", OVALID(i))...)
		x.Start("arf:content")
		x.Raw(data)
		x.End()
		x.End()
	}
	x.End()
	x.End()
	x.Text("\n")
	if err := x.Flush(); err != nil {
		return fmt.Errorf("arf: write: %w", err)
	}
	return nil
}

// embedded returns the content to embed and the benchmark href that
// points into it.
func (w Writer) embedded(r *engine.Result) ([]byte, string, error) {
	root := xccdfres.Root(w.Document)
	switch rootName(root) {
	case "data-stream-collection":
		href := "#" + RequestID
		if w.Component != "" {
			href = "#" + w.Component
		}
		return root, href, nil
	case "Benchmark":
		if r.Benchmark.Namespace == xccdf.NS12 {
			return root, "#" + RequestID, nil
		}
	}
	data, err := xccdfres.BenchmarkBytes(r)
	if err != nil {
		return nil, "", fmt.Errorf("arf: %w", err)
	}
	return data, "#" + RequestID, nil
}

// rootName returns the local name of the element doc starts with.
func rootName(doc []byte) string {
	if !bytes.HasPrefix(doc, []byte("<")) {
		return ""
	}
	end := bytes.IndexAny(doc, " \t\r\n/>")
	if end < 0 {
		return ""
	}
	name := string(doc[1:end])
	if i := strings.IndexByte(name, ':'); i >= 0 {
		name = name[i+1:]
	}
	return name
}

func relationship(x *xmlw.Writer, typ, subject, ref string) {
	x.Start("core:relationship", xmlw.A("type", typ, "subject", subject)...)
	x.Leaf("core:ref", ref)
	x.End()
}

// reHostname is asset identification's hostname-type pattern.
var reHostname = regexp.MustCompile(`^[\w\-]+(\.[\w\-]+)*$`)

// reMAC is asset identification's mac-address-type pattern.
var reMAC = regexp.MustCompile(`^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$`)

// writeComputingDevice describes the target. Values the asset
// identification schema cannot hold (an InfiniBand MAC, a host name with
// other characters) are left out here; the TestResult's facts keep them.
func writeComputingDevice(x *xmlw.Writer, r *engine.Result) {
	f := r.Facts
	x.Start("ai:computing-device")
	var v4, v6, macs []string
	for _, a := range xccdfres.Addresses(f.IPv4, nil) {
		if ip := net.ParseIP(a); ip != nil && ip.To4() != nil {
			v4 = append(v4, ip.To4().String())
		}
	}
	for _, a := range xccdfres.Addresses(nil, f.IPv6) {
		if full, ok := ExpandIPv6(a); ok {
			v6 = append(v6, full)
		}
	}
	for _, m := range xccdfres.Addresses(f.MACs, nil) {
		if reMAC.MatchString(m) {
			macs = append(macs, m)
		}
	}
	if len(v4)+len(v6)+len(macs) > 0 {
		x.Start("ai:connections")
		for _, a := range v4 {
			connection(x, "ai:ip-v4", a)
		}
		for _, a := range v6 {
			connection(x, "ai:ip-v6", a)
		}
		for _, m := range macs {
			x.Start("ai:connection")
			x.Leaf("ai:mac-address", m)
			x.End()
		}
		x.End()
	}
	if f.FQDN != "" && reHostname.MatchString(f.FQDN) {
		x.Leaf("ai:fqdn", f.FQDN)
	}
	if f.Hostname != "" && reHostname.MatchString(f.Hostname) {
		x.Leaf("ai:hostname", f.Hostname)
	}
	x.End()
}

func connection(x *xmlw.Writer, elem, addr string) {
	x.Start("ai:connection")
	x.Start("ai:ip-address")
	x.Leaf(elem, addr)
	x.End()
	x.End()
}

// ExpandIPv6 writes an IPv6 address with all eight groups, as asset
// identification's ip-v6 pattern requires (no "::", no zone, no prefix);
// ok is false for anything that is not an IPv6 address.
func ExpandIPv6(s string) (string, bool) {
	if i := strings.IndexAny(s, "%/"); i >= 0 {
		s = s[:i]
	}
	ip := net.ParseIP(s)
	if ip == nil || ip.To4() != nil {
		return "", false
	}
	parts := make([]string, 8)
	for i := range 8 {
		parts[i] = strconv.FormatUint(uint64(ip[2*i])<<8|uint64(ip[2*i+1]), 16)
	}
	return strings.Join(parts, ":"), true
}
