package cli

import (
	"archive/zip"
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/stigscan/stigscan/builtin"
	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/oval"
	"github.com/stigscan/stigscan/report"
	"github.com/stigscan/stigscan/report/arf"
	"github.com/stigscan/stigscan/report/xccdfres"
	"github.com/stigscan/stigscan/xccdf"
)

// DefaultARF is where `stigscan scan` writes its results when no output is
// named: the working directory.
const DefaultARF = "stigscan-arf.xml"

// outputFlags choose the result files a scan writes.
type outputFlags struct {
	arf          string
	xccdfResults string
	ovalResults  string
	embed        bool
}

func (o *outputFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&o.arf, "arf", "", "write an ARF 1.1 result data stream to FILE (the default output: "+DefaultARF+" in the working directory when no output flag is given)")
	fs.StringVar(&o.xccdfResults, "xccdf-results", "", "write XCCDF 1.2 results (the benchmark with a TestResult) to FILE")
	fs.StringVar(&o.ovalResults, "oval-results", "", "write OVAL 5.11 results to FILE; with several OVAL documents the first goes to FILE\n"+
		"and each other one to NAME-FILE beside it, NAME being that document's file name without .xml")
	fs.BoolVar(&o.embed, "embed-content", false, "embed the source content in the ARF (self-contained, as oscap writes it, but megabytes larger)")
}

// none reports whether no output was asked for.
func (o *outputFlags) none() bool {
	return o.arf == "" && o.xccdfResults == "" && o.ovalResults == ""
}

// stigscanVersion is the module version the binary was built from, "dev"
// for a development build (results consumers expect some version).
func stigscanVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok || bi.Main.Version == "" || bi.Main.Version == "(devel)" {
		return "dev"
	}
	return strings.TrimPrefix(bi.Main.Version, "v")
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

// source is the content a scan read, as written, for the outputs that copy
// or embed it.
type source struct {
	document  []byte // the file: a data stream collection or a benchmark
	benchmark []byte // the XCCDF Benchmark document (a data stream's XCCDF component)
	component string // that component's id, for a data stream
}

// loadSource reads the content file again as written. Opening it parsed it
// into a model; copies keep what the model does not (markup, metadata).
func loadSource(c *xccdf.Content) (*source, error) {
	s := &source{}
	var err error
	switch {
	case strings.HasPrefix(c.Path, "builtin:"):
		s.document, err = builtin.Read(strings.TrimPrefix(c.Path, "builtin:"))
	case strings.Contains(c.Path, ".zip!"):
		s.document, err = readZipEntry(c.Path)
	default:
		s.document, err = os.ReadFile(c.Path)
	}
	if err != nil {
		return nil, fmt.Errorf("scan: read the content again: %w", err)
	}
	s.benchmark = s.document
	if c.Collection != nil && c.Checklist != nil {
		s.component = strings.TrimPrefix(c.Checklist.Href, "#")
		s.benchmark = nil
		if comp := c.Collection.Component(s.component); comp != nil {
			s.benchmark = comp.Document()
		}
	}
	return s, nil
}

// readZipEntry reads "archive.zip!path/inside.xml".
func readZipEntry(p string) ([]byte, error) {
	i := strings.Index(p, ".zip!")
	archive, entry := p[:i+4], p[i+5:]
	zr, err := zip.OpenReader(archive)
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	f, err := zr.Open(entry)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// writeOutputs writes every result file asked for and names each on w.
// src is the content as written (loadSource), read once per scan.
func writeOutputs(w io.Writer, o outputFlags, src *source, res *engine.Result) error {
	if o.none() {
		o.arf = DefaultARF
	}
	version := stigscanVersion()
	xopts := xccdfres.Options{Version: version, Identity: scanIdentity()}
	vopts := oval.WriteOptions{ProductVersion: version}
	if o.arf != "" {
		aw := arf.Writer{XCCDF: xopts, OVAL: vopts, EmbedContent: o.embed, Document: src.document, Component: src.component}
		if err := writeFile(o.arf, aw, res); err != nil {
			return err
		}
		fmt.Fprintf(w, "ARF results: %s\n", o.arf)
	}
	if o.xccdfResults != "" {
		xw := xccdfres.Writer{Options: xopts, Benchmark: src.benchmark}
		if err := writeFile(o.xccdfResults, xw, res); err != nil {
			return err
		}
		fmt.Fprintf(w, "XCCDF results: %s\n", o.xccdfResults)
	}
	if o.ovalResults != "" {
		if len(res.OVAL) == 0 {
			fmt.Fprintln(w, "OVAL results: none (no OVAL document was evaluated)")
		}
		for i, rep := range res.OVAL {
			name := ovalResultsName(o.ovalResults, rep, i)
			rw := report.WriterFunc(func(out io.Writer, _ *engine.Result) error {
				return oval.WriteResults(out, rep.Results, vopts)
			})
			if err := writeFile(name, rw, res); err != nil {
				return err
			}
			fmt.Fprintf(w, "OVAL results (%s): %s\n", rep.Href, name)
		}
	}
	return nil
}

// ovalResultsName names the results file of the i-th OVAL document: FILE
// for the first, NAME-FILE beside it for the others.
func ovalResultsName(file string, rep *engine.OVALReport, i int) string {
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

// writeFile writes one output file through a buffer.
func writeFile(name string, wr report.Writer, res *engine.Result) (err error) {
	f, err := os.Create(name)
	if err != nil {
		return fmt.Errorf("scan: %w", err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("scan: %w", cerr)
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<16)
	if err := wr.Write(bw, res); err != nil {
		return fmt.Errorf("scan: %s: %w", name, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("scan: %s: %w", name, err)
	}
	return nil
}
