package cli

import (
	"flag"
	"fmt"
	"io"

	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/report"
	"github.com/stigscan/stigscan/report/carry"
	"github.com/stigscan/stigscan/report/ckl"
	"github.com/stigscan/stigscan/report/jsonres"
)

// checklistFlags are the settings of the outputs built from the results
// document: the checklists' metadata for eMASS and STIG Manager, and the
// reviews carried forward from a previous checklist.
type checklistFlags struct {
	previous                string
	role, marking, techArea string
	instance, site          string
	prev                    *carry.Previous // loaded once
}

func (d *checklistFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.previous, "previous", "", "carry manual reviews of undecided rules from a previous CKL or CKLB (matched by Vuln-ID across releases)")
	fs.StringVar(&d.role, "asset-role", "", "checklist ASSET ROLE (None, Workstation, Member Server, Domain Controller)")
	fs.StringVar(&d.marking, "marking", "", "checklist MARKING (e.g. CUI)")
	fs.StringVar(&d.techArea, "tech-area", "", "checklist TECH_AREA")
	fs.StringVar(&d.instance, "db-instance", "", "database instance name for checklists of database targets")
	fs.StringVar(&d.site, "db-site", "", "web or database site name for checklists")
}

// options are the CKL and CKLB metadata the flags set.
func (d *checklistFlags) options() ckl.Options {
	return ckl.Options{Role: d.role, Marking: d.marking, TechArea: d.techArea, Instance: d.instance, Site: d.site}
}

// document converts a result once and applies carried-forward reviews,
// saying on w (when not nil) what was carried.
func (d *checklistFlags) document(res *engine.Result, w io.Writer) (*jsonres.Document, error) {
	doc := jsonres.FromResult(res, jsonres.Options{Version: report.Version()})
	if d.previous != "" {
		if err := d.load(); err != nil {
			return nil, err
		}
		s := carry.Apply(doc, d.prev)
		if w != nil {
			fmt.Fprintf(w, "carried %d reviews from %s; %d automated results differ from them\n", s.Carried, d.previous, s.Differs)
		}
	}
	return doc, nil
}

// load reads the previous checklist once, before any target is scanned
// (fleet mode converts targets' results concurrently).
func (d *checklistFlags) load() error {
	if d.previous == "" || d.prev != nil {
		return nil
	}
	p, err := carry.Load(d.previous)
	if err != nil {
		return err
	}
	d.prev = p
	return nil
}
