package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/stigscan/stigscan/xccdf"
)

func runInfo(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("info", flag.ContinueOnError)
	var cf contentFlags
	cf.register(fs)
	asJSON := fs.Bool("json", false, "write the description as JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return helpOrErr(e, fs, "info [FILE] [--json]   (no FILE: the built-in Linux baseline)", err)
	}
	if len(pos) > 1 {
		return usageErr("info: one FILE at most, got %d", len(pos))
	}
	file := ""
	if len(pos) == 1 {
		file = pos[0]
	}
	c, err := cf.open(file)
	if err != nil {
		return err
	}
	inf, err := describe(c)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(inf)
	}
	inf.print(e.stdout)
	return nil
}

// info is what `stigscan info` reports about a document.
type info struct {
	Path         string        `json:"path"`
	Type         string        `json:"type"`
	DataStream   string        `json:"data_stream,omitempty"`
	SCAPVersion  string        `json:"scap_version,omitempty"`
	Checklist    string        `json:"checklist,omitempty"`
	Components   []componentJS `json:"components,omitempty"`
	Benchmark    string        `json:"benchmark,omitempty"`
	XCCDFVersion string        `json:"xccdf_version,omitempty"`
	Title        string        `json:"title,omitempty"`
	Version      string        `json:"version,omitempty"`
	Release      string        `json:"release,omitempty"`
	Status       string        `json:"status,omitempty"`
	Rules        int           `json:"rules"`
	Groups       int           `json:"groups"`
	Values       int           `json:"values"`
	DefaultRules int           `json:"default_selected_rules"`
	Profiles     []profileJS   `json:"profiles"`
	CheckFiles   []checkFileJS `json:"check_files,omitempty"`
}

type profileJS struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Extends  string `json:"extends,omitempty"`
	Selected int    `json:"selected_rules"`
}

type checkFileJS struct {
	Href     string `json:"href"`
	System   string `json:"system"`
	Resolves string `json:"resolves_to,omitempty"`
	Error    string `json:"error,omitempty"`
}

type componentJS struct {
	ID   string `json:"id"`
	Root string `json:"root"`
	Line int    `json:"line"`
}

func describe(c *xccdf.Content) (*info, error) {
	inf := &info{Path: c.Path, Type: string(c.Kind), Profiles: []profileJS{}}
	if c.Stream != nil {
		inf.DataStream, inf.SCAPVersion = c.Stream.ID, c.Stream.SCAPVersion
	}
	if c.Checklist != nil {
		inf.Checklist = c.Checklist.ID
	}
	if c.Collection != nil {
		for _, comp := range c.Collection.Components {
			inf.Components = append(inf.Components, componentJS{ID: comp.ID, Root: comp.Root.Local, Line: comp.Line})
		}
	}
	if t := c.Tailoring; t != nil {
		inf.Benchmark = t.BenchmarkRef
		inf.Version = t.Version
		for _, p := range t.Profiles {
			inf.Profiles = append(inf.Profiles, profileJS{ID: p.ID, Title: p.Title, Extends: p.Extends, Selected: -1})
		}
		return inf, nil
	}
	b := c.Benchmark
	if b == nil {
		return inf, nil
	}
	inf.Benchmark, inf.Title, inf.Version, inf.Release = b.ID, b.Title, b.Version, b.ReleaseInfo
	inf.XCCDFVersion = map[string]string{xccdf.NS11: "1.1", xccdf.NS12: "1.2"}[b.Namespace]
	if len(b.Status) > 0 {
		s := b.Status[len(b.Status)-1]
		inf.Status = strings.TrimSpace(s.Value + " " + s.Date)
	}
	inf.Rules, inf.Groups, inf.Values = len(b.Rules), len(b.Groups), len(b.Values)
	def, err := xccdf.Resolve(b, nil, "")
	if err != nil {
		return nil, err
	}
	inf.DefaultRules = len(def.Rules)
	for _, p := range b.Profiles {
		sel, err := xccdf.Resolve(b, nil, p.ID)
		if err != nil {
			return nil, err
		}
		inf.Profiles = append(inf.Profiles, profileJS{ID: p.ID, Title: p.Title, Extends: p.Extends, Selected: len(sel.Rules)})
	}
	for _, f := range b.CheckRefs() {
		cf := checkFileJS{Href: f.Href, System: f.System}
		if c.Collection != nil {
			if cc, err := c.CheckContent(f.Href); err != nil {
				cf.Error = err.Error()
			} else {
				cf.Resolves = cc.Name
			}
		}
		inf.CheckFiles = append(inf.CheckFiles, cf)
	}
	return inf, nil
}

func (inf *info) print(w io.Writer) {
	p := func(label, v string) {
		if v != "" {
			fmt.Fprintf(w, "%-14s %s\n", label+":", v)
		}
	}
	p("Document type", inf.Type)
	p("File", inf.Path)
	if inf.DataStream != "" {
		p("Data stream", inf.DataStream+" (SCAP "+inf.SCAPVersion+")")
		p("Checklist", inf.Checklist)
	}
	p("Benchmark", inf.Benchmark)
	if inf.XCCDFVersion != "" {
		p("XCCDF", inf.XCCDFVersion)
	}
	p("Title", inf.Title)
	p("Version", inf.Version)
	p("Release", inf.Release)
	p("Status", inf.Status)
	if inf.Type != string(xccdf.KindTailoring) && inf.Benchmark != "" {
		fmt.Fprintf(w, "%-14s %d rules, %d groups, %d values; %d selected by default\n", "Items:", inf.Rules, inf.Groups, inf.Values, inf.DefaultRules)
	}
	if len(inf.Profiles) > 0 {
		fmt.Fprintf(w, "Profiles:\n")
		for _, pr := range inf.Profiles {
			count := ""
			if pr.Selected >= 0 {
				count = fmt.Sprintf(" (%d rules)", pr.Selected)
			}
			fmt.Fprintf(w, "  %s%s\n    %s\n", pr.ID, count, pr.Title)
		}
	}
	if len(inf.CheckFiles) > 0 {
		fmt.Fprintf(w, "Referenced check files:\n")
		for _, f := range inf.CheckFiles {
			fmt.Fprintf(w, "  %s\n    system: %s\n", f.Href, f.System)
			if f.Resolves != "" {
				fmt.Fprintf(w, "    component: %s\n", f.Resolves)
			}
			if f.Error != "" {
				fmt.Fprintf(w, "    unresolved: %s\n", f.Error)
			}
		}
	}
	if len(inf.Components) > 0 {
		fmt.Fprintf(w, "Components:\n")
		for _, c := range inf.Components {
			fmt.Fprintf(w, "  %s (%s, line %d)\n", c.ID, c.Root, c.Line)
		}
	}
}
