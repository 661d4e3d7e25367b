package cli

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"strings"

	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/report"
	"github.com/stigscan/stigscan/report/formats"
	"github.com/stigscan/stigscan/report/jsonres"
	"github.com/stigscan/stigscan/report/xccdfres"
	"github.com/stigscan/stigscan/xccdf"
)

// outputFlags choose the result files a scan writes: one flag per format
// of the registry (formats.All), and the settings the formats read.
type outputFlags struct {
	formats   []*formats.Format
	files     map[string]*string // the flag's FILE, by format name
	embed     bool
	checklist checklistFlags
}

func (o *outputFlags) register(fs *flag.FlagSet) {
	o.formats = formats.All()
	o.files = map[string]*string{}
	for _, f := range o.formats {
		o.files[f.Name] = fs.String(f.Flag, "", f.Help())
	}
	fs.BoolVar(&o.embed, "embed-content", false, "embed the source content in the ARF (self-contained, as oscap writes it, but megabytes larger)")
	o.checklist.register(fs)
}

// outputSynopsis is the output flags for the usage text, wrapped to the
// synopsis' indent.
func outputSynopsis() string {
	const indent, width = 21, 100
	var b strings.Builder
	col := indent
	for i, f := range formats.All() {
		part := "[--" + f.Flag + " FILE]"
		if i > 0 && col+1+len(part) > width {
			b.WriteString("\n" + strings.Repeat(" ", indent))
			col = indent
		} else if i > 0 {
			b.WriteString(" ")
			col++
		}
		b.WriteString(part)
		col += len(part)
	}
	return b.String() + " [--embed-content]"
}

// defaultOutputs names the files written when no output flag is given.
func defaultOutputs() string {
	var names []string
	for _, f := range formats.All() {
		if f.DefaultFile != "" {
			names = append(names, f.DefaultFile)
		}
	}
	return strings.Join(names, ", ")
}

// file is the FILE given for a format ("" when its flag is not).
func (o *outputFlags) file(f *formats.Format) string {
	if p := o.files[f.Name]; p != nil {
		return *p
	}
	return ""
}

// output is one format to write and the file it goes to.
type output struct {
	format *formats.Format
	file   string
}

// single is what one target's scan writes: every format whose flag is
// given or, when none is, the default formats in the working directory.
func (o *outputFlags) single() []output {
	var outs []output
	for _, f := range o.formats {
		if file := o.file(f); file != "" {
			outs = append(outs, output{f, file})
		}
	}
	if len(outs) > 0 {
		return outs
	}
	for _, f := range o.formats {
		if f.DefaultFile != "" {
			outs = append(outs, output{f, f.DefaultFile})
		}
	}
	return outs
}

// checkFleet refuses the flags that name one file when several targets
// are scanned.
func (o *outputFlags) checkFleet() error {
	var given, all []string
	for _, f := range o.formats {
		if !f.SingleOnly {
			continue
		}
		all = append(all, "--"+f.Flag)
		if o.file(f) != "" {
			given = append(given, "--"+f.Flag)
		}
	}
	if len(given) == 0 {
		return nil
	}
	return usageErr("scan: with several targets results go to --out DIR (one file per target and format); %s name single files", strings.Join(all, ", "))
}

// perTarget is what fleet mode writes for the target called name in dir:
// the formats written always, and those whose flag is given.
func (o *outputFlags) perTarget(dir, name string) []output {
	var outs []output
	for _, f := range o.formats {
		if f.FleetFile != "" && (f.FleetAlways || o.file(f) != "") {
			outs = append(outs, output{f, filepath.Join(dir, f.FleetName(name))})
		}
	}
	return outs
}

// combined is the formats fleet mode writes once for all targets.
func (o *outputFlags) combined() []output {
	var outs []output
	for _, f := range o.formats {
		if f.Combined && o.file(f) != "" {
			outs = append(outs, output{f, o.file(f)})
		}
	}
	return outs
}

// options are the formats' settings for one result.
func (o *outputFlags) options(res *engine.Result) formats.Options {
	opts := formats.Options{Version: report.Version(), Identity: scanIdentity(), EmbedContent: o.embed, Checklist: o.checklist.options()}
	// The result says which kind of target it is: a database's
	// checklist is marked from that, not from how its name looks.
	if res != nil && res.Kind.IsDatabase() {
		opts.Checklist.Database = true
	}
	return opts
}

// write writes outs for one result and names each file on w (nil: says
// nothing). The results document is built once, for the formats written
// from it (and, with w, for carried reviews, which are reported even when
// no such format is asked for).
func (o *outputFlags) write(w io.Writer, outs []output, c *xccdf.Content, res *engine.Result) ([]string, error) {
	in := &formats.Input{Result: res, Content: c, Options: o.options(res)}
	needDoc := o.checklist.previous != "" && w != nil
	for _, out := range outs {
		needDoc = needDoc || out.format.FromDocument
	}
	if needDoc {
		doc, err := o.checklist.document(res, w)
		if err != nil {
			return nil, err
		}
		in.Documents = []*jsonres.Document{doc}
	}
	return writeOutputs(w, outs, in)
}

// writeCombined writes the fleet's combined files from each target's
// document, in order.
func (o *outputFlags) writeCombined(w io.Writer, outs []output, docs []*jsonres.Document) error {
	_, err := writeOutputs(w, outs, &formats.Input{Documents: docs, Options: o.options(nil)})
	return err
}

// writeOutputs writes outs from in, naming each file on w (nil: says
// nothing), and returns the files written, up to the first error.
func writeOutputs(w io.Writer, outs []output, in *formats.Input) ([]string, error) {
	files := &formats.Files{}
	for _, out := range outs {
		got, err := out.format.Run(files, out.file, in)
		if w != nil {
			for _, g := range got {
				fmt.Fprintln(w, g)
			}
		}
		if err != nil {
			return files.Names(), err
		}
	}
	return files.Names(), nil
}

// scanIdentity is the account stigscan runs as. A scan of the local machine
// reads it as that account, so the identity is authenticated; it is
// privileged when it is root.
func scanIdentity() xccdfres.Identity {
	id := xccdfres.Identity{Authenticated: true, Privileged: os.Geteuid() == 0}
	if u, err := user.Current(); err == nil {
		id.Name = u.Username
	}
	return id
}
