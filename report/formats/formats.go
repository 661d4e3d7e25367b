// Package formats is the registry of stigscan's output formats: one entry
// per format says what its command-line flag is called and what it means,
// which file it gets per target in fleet mode, and how it is written. The
// CLI builds its output flags, its fleet file names and its write step
// from All; a new format is one writer package plus one entry here.
//
// Each format's writer lives in its own package (report/arf,
// report/xccdfres, oval, report/ckl, report/cklb, report/jsonres,
// report/hdf, report/html); library users who want one format into an
// io.Writer use that package directly.
package formats

import (
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/oval"
	"github.com/stigscan/stigscan/report/arf"
	"github.com/stigscan/stigscan/report/ckl"
	"github.com/stigscan/stigscan/report/cklb"
	"github.com/stigscan/stigscan/report/hdf"
	"github.com/stigscan/stigscan/report/html"
	"github.com/stigscan/stigscan/report/jsonres"
	"github.com/stigscan/stigscan/report/xccdfres"
	"github.com/stigscan/stigscan/xccdf"
)

// Format is one output format.
type Format struct {
	// Name is the format's name, unique in the registry.
	Name string
	// Flag is the command-line flag naming the file ("arf" for --arf).
	Flag string
	// Usage says what the flag writes; the fleet behaviour and the
	// default are appended from the fields below (see Help).
	Usage string
	// Label names a written file of the format on the CLI's output
	// ("ARF results: FILE"; see Written).
	Label string
	// DefaultFile is the file written, in the working directory, when one
	// target is scanned and no output flag is given; "" for all but the
	// default format.
	DefaultFile string
	// FleetFile is the per-target file name in fleet mode, %s standing
	// for the target's name ("%s.ckl"), in the results directory; ""
	// when the format is not written per target.
	FleetFile string
	// FleetAlways: in fleet mode the format is written for every target
	// whether or not its flag is given (the ARF, the fleet's record).
	FleetAlways bool
	// SingleOnly: the flag names one file, so it is refused with several
	// targets (their results go to the results directory instead).
	SingleOnly bool
	// Combined: in fleet mode one file, named by the flag, holds every
	// target (the HTML report); Write then gets Input.Documents of all
	// of them and no Result.
	Combined bool
	// FromDocument: the format is written from the results document
	// (jsonres), which the caller builds once per target for all such
	// formats and into which carried-forward reviews are applied.
	FromDocument bool
	// Write writes the format for in into file, creating it (and any
	// files beside it) through out.
	Write WriteFunc
}

// WriteFunc writes one format. file is the name its flag, DefaultFile or
// FleetFile gave; a format that writes several files (OVAL results of
// several documents) names the others beside it.
type WriteFunc func(out *Files, file string, in *Input) error

// Input is what a format is written from.
type Input struct {
	// Result is the target's result; nil for a Combined file.
	Result *engine.Result
	// Content is the content the result came from (engine.Benchmark's
	// Content), whose Data the ARF embeds and the XCCDF results copy; nil
	// writes both from the model.
	Content *xccdf.Content
	// Documents are the results documents: one, Result converted (with
	// carried reviews applied), or for a Combined file one per target.
	// Needed only by formats that are FromDocument.
	Documents []*jsonres.Document
	Options   Options
}

// Options are the settings formats read. The zero value writes with
// defaults.
type Options struct {
	// Version is stigscan's version recorded in the documents (see
	// report.Version).
	Version string
	// Identity is the account the scan ran as (XCCDF TestResult).
	Identity xccdfres.Identity
	// EmbedContent puts the source content into the ARF.
	EmbedContent bool
	// Checklist is the CKL and CKLB metadata (asset role, marking, whether
	// the target is a database).
	Checklist ckl.Options
}

// registry is every output format, by name.
func registry() map[string]*Format {
	return map[string]*Format{
		"arf": {
			Name: "arf", Flag: "arf", Label: "ARF results",
			Usage:       "write an ARF 1.1 result data stream to FILE",
			DefaultFile: "stigscan-arf.xml", FleetFile: "%s-arf.xml", FleetAlways: true, SingleOnly: true,
			Write: writeARF,
		},
		"xccdf": {
			Name: "xccdf", Flag: "xccdf-results", Label: "XCCDF results",
			Usage:      "write XCCDF 1.2 results (the benchmark with a TestResult) to FILE",
			SingleOnly: true,
			Write:      writeXCCDF,
		},
		"oval": {
			Name: "oval", Flag: "oval-results", Label: "OVAL results",
			Usage: "write OVAL 5.11 results to FILE; with several OVAL documents the first goes to FILE\n" +
				"and each other one to NAME-FILE beside it, NAME being that document's file name without .xml",
			SingleOnly: true,
			Write:      writeOVAL,
		},
		"ckl": {
			Name: "ckl", Flag: "ckl", Label: "CKL",
			Usage:     "write a STIG Viewer 2 checklist (CKL) to FILE",
			FleetFile: "%s.ckl", FromDocument: true,
			Write: func(out *Files, file string, in *Input) error {
				return out.write(file, "", func(w io.Writer) error {
					return ckl.Writer{Options: in.Options.Checklist}.WriteDocument(w, in.Documents...)
				})
			},
		},
		"cklb": {
			Name: "cklb", Flag: "cklb", Label: "CKLB",
			Usage:     "write a STIG Viewer 3 checklist (CKLB) to FILE",
			FleetFile: "%s.cklb", FromDocument: true,
			Write: func(out *Files, file string, in *Input) error {
				return out.write(file, "", func(w io.Writer) error {
					return cklb.Writer{Options: in.Options.Checklist}.WriteDocument(w, in.Documents...)
				})
			},
		},
		"json": {
			Name: "json", Flag: "json", Label: "JSON",
			Usage:     "write the results as JSON (docs/json-schema.md) to FILE",
			FleetFile: "%s.json", FromDocument: true,
			Write: func(out *Files, file string, in *Input) error {
				if len(in.Documents) != 1 {
					return fmt.Errorf("formats: json: %d results documents, want one", len(in.Documents))
				}
				return out.write(file, "", func(w io.Writer) error {
					return jsonres.Writer{Indent: true}.WriteDocument(w, in.Documents[0])
				})
			},
		},
		"hdf": {
			Name: "hdf", Flag: "hdf", Label: "HDF",
			Usage:     "write Heimdall Data Format JSON to FILE",
			FleetFile: "%s.hdf", FromDocument: true,
			Write: func(out *Files, file string, in *Input) error {
				return out.write(file, "", func(w io.Writer) error {
					return hdf.Writer{}.WriteDocument(w, in.Documents...)
				})
			},
		},
		"html": {
			Name: "html", Flag: "html", Label: "HTML report",
			Usage:    "write a self-contained HTML report to FILE",
			Combined: true, FromDocument: true,
			Write: func(out *Files, file string, in *Input) error {
				if len(in.Documents) == 0 {
					return fmt.Errorf("formats: no target was scanned; no HTML report written")
				}
				return out.write(file, "", func(w io.Writer) error {
					return html.Writer{}.WriteDocument(w, in.Documents...)
				})
			},
		},
	}
}

// All returns every format, sorted by name. Each call returns new
// entries, so a caller may keep them.
func All() []*Format {
	m := registry()
	out := make([]*Format, 0, len(m))
	for _, f := range m {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Lookup returns the format with the name, and whether there is one.
func Lookup(name string) (*Format, bool) {
	f, ok := registry()[name]
	return f, ok
}

// Help is the flag's help text: Usage, then what the flag means with
// several targets and whether the format is the default.
func (f *Format) Help() string {
	var notes []string
	if f.DefaultFile != "" {
		notes = append(notes, "the default output: "+f.DefaultFile+" in the working directory when no output flag is given")
	}
	switch {
	case f.Combined:
		notes = append(notes, "fleet mode: one file for all targets")
	case f.SingleOnly && f.FleetAlways:
		notes = append(notes, "fleet mode: always written, "+f.FleetName("NAME")+" per target in --out DIR; the flag is refused")
	case f.SingleOnly:
		notes = append(notes, "one target only")
	case f.FleetFile != "":
		notes = append(notes, "fleet mode: give any FILE, one "+f.FleetName("NAME")+" per target is written in --out DIR")
	}
	if len(notes) == 0 {
		return f.Usage
	}
	return f.Usage + " (" + strings.Join(notes, "; ") + ")"
}

// FleetName is the format's per-target file name in fleet mode; "" when it
// has none.
func (f *Format) FleetName(target string) string {
	if f.FleetFile == "" {
		return ""
	}
	return fmt.Sprintf(f.FleetFile, target)
}

func writeARF(out *Files, file string, in *Input) error {
	aw := arf.Writer{
		XCCDF:        xccdfres.Options{Version: in.Options.Version, Identity: in.Options.Identity},
		OVAL:         oval.WriteOptions{ProductVersion: in.Options.Version},
		EmbedContent: in.Options.EmbedContent,
	}
	if in.Content != nil {
		aw.Document, aw.Component = in.Content.Data, in.Content.BenchmarkComponent()
	}
	return out.write(file, "", func(w io.Writer) error { return aw.Write(w, in.Result) })
}

func writeXCCDF(out *Files, file string, in *Input) error {
	xw := xccdfres.Writer{Options: xccdfres.Options{Version: in.Options.Version, Identity: in.Options.Identity}}
	if in.Content != nil {
		xw.Benchmark = in.Content.BenchmarkDocument()
	}
	return out.write(file, "", func(w io.Writer) error { return xw.Write(w, in.Result) })
}

func writeOVAL(out *Files, file string, in *Input) error {
	if in.Result == nil {
		return fmt.Errorf("formats: oval: no result")
	}
	if len(in.Result.OVAL) == 0 {
		out.note("none (no OVAL document was evaluated)")
		return nil
	}
	opts := oval.WriteOptions{ProductVersion: in.Options.Version}
	for i, rep := range in.Result.OVAL {
		err := out.write(OVALResultsName(file, rep, i), "("+rep.Href+")", func(w io.Writer) error {
			return oval.WriteResults(w, rep.Results, opts)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// OVALResultsName names the results file of the i-th OVAL document: file
// for the first, NAME-file beside it for the others, NAME being the
// document's file name without .xml.
func OVALResultsName(file string, rep *engine.OVALReport, i int) string {
	if i == 0 {
		return file
	}
	name := strings.TrimSuffix(filepath.Base(filepath.FromSlash(rep.Href)), ".xml")
	name = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ':' || r == '#' || r < ' ' {
			return '_'
		}
		return r
	}, name)
	if name == "" || name == "." {
		name = fmt.Sprintf("oval%d", i+1)
	}
	return filepath.Join(filepath.Dir(file), name+"-"+filepath.Base(file))
}
