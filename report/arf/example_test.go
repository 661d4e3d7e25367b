package arf_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"path/filepath"
	"time"

	"github.com/antchfx/xmlquery"

	"github.com/stigscan/stigscan/collectors/local"
	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/report/arf"
	"github.com/stigscan/stigscan/report/xccdfres"
	"github.com/stigscan/stigscan/xccdf"
)

// tinyResult scans a two-rule DISA benchmark, automated by library
// checks, on an offline root at a fixed time.
func tinyResult() *engine.Result {
	repo := filepath.Join("..", "..")
	disa, err := xccdf.Open(filepath.Join(repo, "fixtures", "content", "tiny-xccdf11.xml"), xccdf.Options{})
	if err != nil {
		log.Fatal(err)
	}
	lib, err := xccdf.Open(filepath.Join(repo, "engine", "testdata", "library-xccdf.xml"), xccdf.Options{})
	if err != nil {
		log.Fatal(err)
	}
	sel, err := xccdf.Resolve(disa.Benchmark, nil, "")
	if err != nil {
		log.Fatal(err)
	}
	fixed := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	b, err := engine.Prepare(context.Background(), disa, sel, engine.Options{Library: []*xccdf.Content{lib}, Now: func() time.Time { return fixed }})
	if err != nil {
		log.Fatal(err)
	}
	host, err := local.NewRoot(filepath.Join(repo, "engine", "testdata", "roots", "web01"))
	if err != nil {
		log.Fatal(err)
	}
	res, err := b.Evaluate(context.Background(), host)
	if err != nil {
		log.Fatal(err)
	}
	return res
}

// Write an ARF 1.1 asset report collection (what oscap's --results-arf
// writes, and STIG Manager and SCAP tools import) from a scan result. The
// content is referenced by default; with EmbedContent and Document (the
// content as read, xccdf.Content.Data) it is embedded.
func ExampleWriter() {
	res := tinyResult()
	w := arf.Writer{XCCDF: xccdfres.Options{Version: "1.0.0"}}
	var out bytes.Buffer
	if err := w.Write(&out, res); err != nil {
		log.Fatal(err)
	}

	doc, err := xmlquery.Parse(&out)
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range xmlquery.Find(doc, "//*[local-name()='report']") {
		fmt.Println("report", r.SelectAttr("id"))
	}
	tr := xmlquery.FindOne(doc, "//*[local-name()='TestResult']")
	fmt.Println(tr.SelectAttr("test-system"), tr.SelectAttr("start-time"))
	for _, rr := range xmlquery.Find(tr, "*[local-name()='rule-result']") {
		fmt.Println(rr.SelectAttr("idref"), xmlquery.FindOne(rr, "*[local-name()='result']").InnerText())
	}
	// Output:
	// report xccdf1
	// report oval1
	// cpe:/a:stigscan:stigscan:1.0.0 2026-11-22T12:00:00Z
	// xccdf_mil.disa.stig_rule_SV-100001r900001_rule pass
	// xccdf_mil.disa.stig_rule_SV-100002r900002_rule fail
}
