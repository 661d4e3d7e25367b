package cli

import (
	"flag"
	"fmt"

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
}

func (c *contentFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.profile, "profile", "", "profile id (or its unambiguous suffix); default: the benchmark's default selection")
	fs.StringVar(&c.tailoringFile, "tailoring-file", "", "XCCDF 1.2 tailoring file whose profiles layer over the benchmark")
	fs.StringVar(&c.tailoringID, "tailoring-id", "", "tailoring component (component-ref id) of the data stream to use, as oscap's --tailoring-id")
	fs.StringVar(&c.datastreamID, "datastream-id", "", "data stream of a collection to use (default: the first)")
	fs.StringVar(&c.xccdfID, "xccdf-id", "", "checklist component-ref of the data stream (default: the first)")
}

// open reads a content file, or the built-in baseline when file is "".
func (c *contentFlags) open(file string) (*xccdf.Content, error) {
	opt := xccdf.Options{DataStreamID: c.datastreamID, ChecklistID: c.xccdfID}
	if c.tailoringFile == "" {
		opt.TailoringID = c.tailoringID
	}
	if file == "" {
		data, err := builtin.Read(builtin.LinuxBenchmark)
		if err != nil {
			return nil, err
		}
		return xccdf.OpenBytes(data, "builtin:"+builtin.LinuxBenchmark, builtin.FS(), opt)
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
	return xccdf.Resolve(content.Benchmark, t, profile)
}
