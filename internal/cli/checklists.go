package cli

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/report/carry"
	"github.com/stigscan/stigscan/report/ckl"
	"github.com/stigscan/stigscan/report/cklb"
	"github.com/stigscan/stigscan/report/hdf"
	"github.com/stigscan/stigscan/report/html"
	"github.com/stigscan/stigscan/report/jsonres"
)

// docFlags choose the outputs built from the results document: checklists
// for eMASS and STIG Manager, JSON, HDF and the HTML report.
type docFlags struct {
	ckl, cklb, json, hdf, html string
	previous                   string
	role, marking, techArea    string
	instance, site             string
	prev                       *carry.Previous // loaded once
}

func (d *docFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.ckl, "ckl", "", "write a STIG Viewer 2 checklist (CKL) to FILE (in fleet mode: yes, one NAME.ckl per target)")
	fs.StringVar(&d.cklb, "cklb", "", "write a STIG Viewer 3 checklist (CKLB) to FILE (fleet mode: yes)")
	fs.StringVar(&d.json, "json", "", "write the results as JSON (docs/json-schema.md) to FILE (fleet mode: yes)")
	fs.StringVar(&d.hdf, "hdf", "", "write Heimdall Data Format JSON to FILE (fleet mode: yes)")
	fs.StringVar(&d.html, "html", "", "write a self-contained HTML report to FILE (fleet mode: one report for all targets)")
	fs.StringVar(&d.previous, "previous", "", "carry manual reviews of undecided rules from a previous CKL or CKLB (matched by Vuln-ID across releases)")
	fs.StringVar(&d.role, "asset-role", "", "checklist ASSET ROLE (None, Workstation, Member Server, Domain Controller)")
	fs.StringVar(&d.marking, "marking", "", "checklist MARKING (e.g. CUI)")
	fs.StringVar(&d.techArea, "tech-area", "", "checklist TECH_AREA")
	fs.StringVar(&d.instance, "db-instance", "", "database instance name for checklists of database targets")
	fs.StringVar(&d.site, "db-site", "", "web or database site name for checklists")
}

func (d *docFlags) any() bool {
	return d.ckl != "" || d.cklb != "" || d.json != "" || d.hdf != "" || d.html != ""
}

// document converts a result once and applies carried-forward reviews.
func (d *docFlags) document(res *engine.Result, w io.Writer) (*jsonres.Document, error) {
	doc := jsonres.FromResult(res, jsonres.Options{Version: stigscanVersion()})
	if d.previous != "" {
		if d.prev == nil {
			p, err := carry.Load(d.previous)
			if err != nil {
				return nil, err
			}
			d.prev = p
		}
		s := carry.Apply(doc, d.prev)
		if w != nil {
			fmt.Fprintf(w, "carried %d reviews from %s; %d automated results differ from them\n", s.Carried, d.previous, s.Differs)
		}
	}
	return doc, nil
}

func (d *docFlags) cklOptions(res *engine.Result) ckl.Options {
	o := ckl.Options{Role: d.role, Marking: d.marking, TechArea: d.techArea, Instance: d.instance, Site: d.site}
	// The result says which kind of target it is: a database's
	// checklist is marked from that, not from how its name looks.
	o.Database = res.Kind.IsDatabase()
	return o
}

// writeDocs writes the document outputs; names maps each format to a file.
func (d *docFlags) writeDocs(w io.Writer, res *engine.Result, doc *jsonres.Document, names map[string]string) ([]string, error) {
	var files []string
	opts := d.cklOptions(res)
	write := func(name string, fn func(io.Writer) error) error {
		if name == "" {
			return nil
		}
		f, err := os.Create(name)
		if err != nil {
			return fmt.Errorf("scan: %w", err)
		}
		if err := fn(f); err != nil {
			f.Close()
			return fmt.Errorf("scan: %s: %w", name, err)
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("scan: %w", err)
		}
		files = append(files, name)
		if w != nil {
			fmt.Fprintf(w, "%s: %s\n", strings.ToUpper(filepath.Ext(name)[1:]), name)
		}
		return nil
	}
	steps := []struct {
		key string
		fn  func(io.Writer) error
	}{
		{"ckl", func(out io.Writer) error { return ckl.Writer{Options: opts}.WriteDocument(out, doc) }},
		{"cklb", func(out io.Writer) error { return cklb.Writer{Options: opts}.WriteDocument(out, doc) }},
		{"json", func(out io.Writer) error { return jsonres.Writer{Indent: true}.WriteDocument(out, doc) }},
		{"hdf", func(out io.Writer) error { return hdf.Writer{}.WriteDocument(out, doc) }},
		{"html", func(out io.Writer) error { return html.Writer{}.WriteDocument(out, doc) }},
	}
	for _, s := range steps {
		if err := write(names[s.key], s.fn); err != nil {
			return files, err
		}
	}
	return files, nil
}

// fleetHTML writes one report for a fleet.
func fleetHTML(name string, docs []*jsonres.Document) error {
	if len(docs) == 0 {
		return fmt.Errorf("scan: no target was scanned; no HTML report written")
	}
	f, err := os.Create(name)
	if err != nil {
		return fmt.Errorf("scan: %w", err)
	}
	if err := (html.Writer{}).WriteDocument(f, docs...); err != nil {
		f.Close()
		return fmt.Errorf("scan: %s: %w", name, err)
	}
	return f.Close()
}
