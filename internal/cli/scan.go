package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/local"
	"github.com/stigscan/stigscan/engine"
)

type scanFlags struct {
	content   contentFlags
	benchmark string
	target    string
	quiet     bool
	out       outputFlags
}

func runScan(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("scan", flag.ContinueOnError)
	var sf scanFlags
	sf.content.register(fs)
	fs.StringVar(&sf.benchmark, "benchmark", "", "benchmark, data stream or DISA zip (default: the built-in Linux baseline)")
	fs.StringVar(&sf.target, "target", "local", "what to scan: local, local:/path/to/root (an offline image)")
	fs.BoolVar(&sf.quiet, "quiet", false, "print only the totals")
	sf.out.register(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return helpOrErr(e, fs, "scan [--benchmark FILE] [--profile ID] [--target local|local:/root]\n"+
			"                     [--arf FILE] [--xccdf-results FILE] [--oval-results FILE] [--embed-content]\n\n"+
			"With no output flag, the ARF results go to "+DefaultARF+" in the working directory.", err)
	}
	if len(pos) > 0 {
		return usageErr("scan: unexpected argument %q (name content with --benchmark)", pos[0])
	}
	h, err := openTarget(sf.target)
	if err != nil {
		return err
	}
	c, err := sf.content.open(sf.benchmark)
	if err != nil {
		return err
	}
	sel, err := sf.content.selection(c)
	if err != nil {
		return err
	}
	for _, p := range sel.Problems {
		fmt.Fprintln(e.stderr, "warning:", p)
	}
	b, err := engine.Prepare(ctx, c, sel, engine.Options{})
	if err != nil {
		return err
	}
	res, err := b.Evaluate(ctx, h)
	if err != nil {
		return err
	}
	printSummary(e.stdout, res, sf.quiet)
	return writeOutputs(e.stdout, sf.out, c, res)
}

// openTarget turns a --target value into a host.
func openTarget(t string) (host.Host, error) {
	switch {
	case t == "local":
		return local.New(), nil
	case strings.HasPrefix(t, "local:"):
		return local.NewRoot(strings.TrimPrefix(t, "local:"))
	}
	return nil, usageErr("unknown target %q (use local or local:/path/to/root)", t)
}

// printSummary writes one line per selected rule and the totals.
func printSummary(w io.Writer, res *engine.Result, quiet bool) {
	if !quiet {
		for _, rr := range res.Rules {
			if rr.Status == engine.NotSelected {
				continue
			}
			id := rr.Identity.VulnID
			if id == "" {
				id = rr.Rule.ID
			}
			fmt.Fprintf(w, "%-13s %s  %s\n", rr.Status, id, oneLine(rr.Rule.Title, 100))
		}
	}
	counts := res.Counts()
	var parts []string
	for _, s := range engine.Statuses {
		if s == engine.NotSelected || counts[s] == 0 {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s %d", s, counts[s]))
	}
	fmt.Fprintf(w, "%s: %s; score %.2f/%.0f; %s\n", res.Target, strings.Join(parts, ", "), res.Score, res.MaxScore, res.EndTime.Sub(res.StartTime).Round(time.Millisecond))
}
