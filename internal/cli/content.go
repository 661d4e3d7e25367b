package cli

import (
	"flag"
	"fmt"
	"strings"

	"github.com/stigscan/stigscan/builtin"
	"github.com/stigscan/stigscan/xccdf"
)

// contentFlags are the flags that choose content, shared by commands.
type contentFlags struct {
	profile       string
	tailoringFile string
	tailoringID   string
	datastreamID  string
	xccdfID       string
	stig          string
	noBuiltin     bool

	// tailoring is the tailoring selection() used, whose values the
	// engine reads for the library (engine.Options.Tailoring).
	tailoring *xccdf.Tailoring
}

func (c *contentFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.profile, "profile", "", "profile id (or its unambiguous suffix); default: the benchmark's default selection")
	fs.StringVar(&c.tailoringFile, "tailoring-file", "", "XCCDF 1.2 tailoring file whose profiles layer over the benchmark")
	fs.StringVar(&c.tailoringID, "tailoring-id", "", "tailoring component (component-ref id) of the data stream to use, as oscap's --tailoring-id")
	fs.StringVar(&c.datastreamID, "datastream-id", "", "data stream of a collection to use (default: the first)")
	fs.StringVar(&c.xccdfID, "xccdf-id", "", "checklist component-ref of the data stream (default: the first)")
	fs.BoolVar(&c.noBuiltin, "no-builtin-checks", false, "do not automate an imported DISA benchmark's manual rules with stigscan's built-in checks")
	fs.StringVar(&c.stig, "stig", "", "use stigscan's built-in checks for a STIG instead of a benchmark file: "+strings.Join(builtin.STIGNames(), ", "))
}

// open reads a content file, or the built-in baseline when file is "".
func (c *contentFlags) open(file string) (*xccdf.Content, error) {
	opt := xccdf.Options{DataStreamID: c.datastreamID, ChecklistID: c.xccdfID}
	if c.tailoringFile == "" {
		opt.TailoringID = c.tailoringID
	}
	name := builtin.LinuxBenchmark
	if c.stig != "" {
		if file != "" {
			return nil, usageErr("--stig and a benchmark file both name content; give one")
		}
		f, ok := builtin.STIG(c.stig)
		if !ok {
			return nil, usageErr("--stig %q: stigscan has checks for %s", c.stig, strings.Join(builtin.STIGNames(), ", "))
		}
		name = f
	}
	if file == "" {
		return builtin.Open(name, opt)
	}
	return xccdf.Open(file, opt)
}

// selection resolves the profile chosen by the flags.
func (c *contentFlags) selection(content *xccdf.Content) (*xccdf.Selection, error) {
	if content.Benchmark == nil {
		return nil, fmt.Errorf("%s is a %s, not a benchmark", content.Path, content.Kind)
	}
	var t *xccdf.Tailoring
	profile := c.profile
	switch {
	case c.tailoringFile != "" && c.tailoringID != "":
		return nil, usageErr("--tailoring-file and --tailoring-id both name a tailoring; give one")
	case c.tailoringFile != "":
		var err error
		if t, err = xccdf.OpenTailoring(c.tailoringFile); err != nil {
			return nil, err
		}
	case content.Tailoring != nil:
		t = content.Tailoring
	}
	if t != nil && profile == "" {
		p, err := t.TailoringProfile("")
		if err != nil {
			return nil, err
		}
		profile = p.ID
	}
	c.tailoring = t
	return xccdf.Resolve(content.Benchmark, t, profile)
}

// library is stigscan's built-in STIG checks, which automate the rules of
// an imported DISA benchmark that has only manual checks: nil with
// --no-builtin-checks or when the content is built in itself. The engine
// binds them (engine.Options.Library, with the tailoring's values).
func (c *contentFlags) library(content *xccdf.Content) ([]*xccdf.Content, error) {
	if c.noBuiltin || strings.HasPrefix(content.Path, builtin.Source) {
		return nil, nil
	}
	return builtin.Library()
}
