package formats_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/stigscan/stigscan/collectors/local"
	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/report"
	"github.com/stigscan/stigscan/report/formats"
	"github.com/stigscan/stigscan/report/jsonres"
	"github.com/stigscan/stigscan/xccdf"
)

// Write one target's results in the formats a fleet scan writes per target,
// named as the CLI names them in --out DIR: the registry gives each
// format's file name and its writer.
func Example() {
	repo := filepath.Join("..", "..")
	content, err := xccdf.Open(filepath.Join(repo, "fixtures", "content", "linux-ds.xml"), xccdf.Options{})
	if err != nil {
		log.Fatal(err)
	}
	sel, err := xccdf.Resolve(content.Benchmark, nil, "offline")
	if err != nil {
		log.Fatal(err)
	}
	fixed := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	b, err := engine.Prepare(context.Background(), content, sel, engine.Options{Now: func() time.Time { return fixed }})
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

	dir, err := os.MkdirTemp("", "results")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	in := &formats.Input{
		Result:    res,
		Content:   b.Content(), // the ARF points into the data stream it came from
		Documents: []*jsonres.Document{jsonres.FromResult(res, jsonres.Options{Version: report.Version()})},
		Options:   formats.Options{Version: report.Version()},
	}
	files := &formats.Files{}
	for _, f := range formats.All() {
		if f.FleetFile == "" {
			continue
		}
		written, err := f.Run(files, filepath.Join(dir, f.FleetName("web01")), in)
		if err != nil {
			log.Fatal(err)
		}
		for _, w := range written {
			fmt.Printf("%s: %s\n", w.Label, filepath.Base(w.Name))
		}
	}
	// Output:
	// ARF results: web01-arf.xml
	// CKL: web01.ckl
	// CKLB: web01.cklb
	// HDF: web01.hdf
	// JSON: web01.json
}
