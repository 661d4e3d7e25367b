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

	// tailoring is the tailoring selection() used, for library values.
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
		data, err := builtin.Read(name)
		if err != nil {
			return nil, err
		}
		return xccdf.OpenBytes(data, "builtin:"+name, builtin.FS(), opt)
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

// library opens stigscan's built-in STIG checks, which automate the rules of
// an imported DISA benchmark that has only manual checks. Values the
// tailoring sets for those checks (organization-defined limits) come back
// as overrides; the selection's complaints about them are dropped.
func (c *contentFlags) library(content *xccdf.Content, sel *xccdf.Selection) ([]*xccdf.Content, map[string]string, error) {
	if c.noBuiltin || strings.HasPrefix(content.Path, "builtin:") {
		return nil, nil, nil
	}
	var lib []*xccdf.Content
	known := map[string]bool{}
	for _, n := range builtin.STIGNames() {
		f, _ := builtin.STIG(n)
		data, err := builtin.Read(f)
		if err != nil {
			return nil, nil, err
		}
		lc, err := xccdf.OpenBytes(data, "builtin:"+f, builtin.FS(), xccdf.Options{})
		if err != nil {
			return nil, nil, fmt.Errorf("built-in checks %s: %w", n, err)
		}
		for _, v := range lc.Benchmark.Values {
			known[v.ID] = true
		}
		lib = append(lib, lc)
	}
	overrides := map[string]string{}
	if t := c.tailoring; t != nil && sel.Profile != nil {
		for id, seen := sel.Profile.ID, map[string]bool{}; id != "" && !seen[id]; {
			seen[id] = true
			p := t.Profile(id)
			if p == nil {
				break
			}
			for _, sv := range p.SetValues {
				if _, set := overrides[sv.IDRef]; !set && known[sv.IDRef] {
					overrides[sv.IDRef] = sv.Value
				}
			}
			id = p.Extends
		}
	}
	kept := sel.Problems[:0]
	for _, p := range sel.Problems {
		drop := false
		for id := range overrides {
			if strings.Contains(p.Msg, `"`+id+`"`) {
				drop = true
			}
		}
		if !drop {
			kept = append(kept, p)
		}
	}
	sel.Problems = kept
	return lib, overrides, nil
}
