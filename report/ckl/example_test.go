package ckl_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"path/filepath"
	"time"

	"github.com/stigscan/stigscan/collectors/local"
	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/report/ckl"
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

// Write a STIG Viewer 2 checklist for eMASS or STIG Manager from a scan
// result, then read it back.
func ExampleWriter() {
	res := tinyResult()
	var out bytes.Buffer
	w := ckl.Writer{Options: ckl.Options{Role: "Member Server", Marking: "CUI", HostName: "web01"}}
	if err := w.Write(&out, res); err != nil {
		log.Fatal(err)
	}

	c, err := ckl.Read(&out)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.Asset.HostName, c.Asset.Role, c.Asset.Marking)
	for _, s := range c.STIGs {
		fmt.Println(s.InfoValue("title"), s.InfoValue("releaseinfo"))
		for _, v := range s.Vulns {
			fmt.Println(v.Attr("Vuln_Num"), v.Attr("Rule_ID"), v.Attrs("CCI_REF"), v.Status)
		}
	}
	// Output:
	// web01 Member Server CUI
	// Tiny STIG Release: 2 Benchmark Date: 01 Jan 2026
	// V-100001 SV-100001r900001_rule [CCI-000054] NotAFinding
	// V-100002 SV-100002r900002_rule [] Open
}
