package cli

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/stigscan/stigscan/collectors/target"
	"github.com/stigscan/stigscan/fleet"
	"github.com/stigscan/stigscan/oval"
	"github.com/stigscan/stigscan/report"
)

const ovalUsage = `usage: stigscan oval <subcommand> [flags] [args]

subcommands:
  eval     evaluate an OVAL definitions file on a target (like oscap oval eval)
`

// runOVAL dispatches the oval subcommands.
func runOVAL(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(e.stdout, ovalUsage)
		if len(args) == 0 {
			return usageErr("oval: no subcommand given")
		}
		return nil
	}
	switch args[0] {
	case "eval":
		return runOVALEval(ctx, e, args[1:])
	}
	fmt.Fprint(e.stderr, ovalUsage)
	return usageErr("oval: unknown subcommand %q", args[0])
}

// runOVALEval evaluates every definition of an OVAL file (or the one named
// with --id) and prints one line per definition, as oscap does.
func runOVALEval(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("oval eval", flag.ContinueOnError)
	spec := fs.String("target", "local", targetHelp(e.kinds, target.Machine))
	tf := newTargetFlags(fs, e.kinds, false)
	results := fs.String("results", "", "write OVAL 5.11 results to FILE")
	variables := fs.String("variables", "", "read external variables from an oval_variables FILE")
	id := fs.String("id", "", "evaluate only this definition")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return helpOrErr(e, fs, "oval eval OVALFILE [--target "+strings.Join(e.kinds.Usages(target.Machine), "|")+"] [--results FILE] [--variables FILE] [--id DEFINITION]", err)
	}
	if len(pos) != 1 {
		return usageErr("oval eval: one OVAL definitions FILE expected, got %d", len(pos))
	}
	h, closeFn, err := tf.opener()(ctx, fleet.Target{Spec: *spec, Name: e.kinds.Name(*spec)})
	if err != nil {
		return err
	}
	if closeFn != nil {
		defer closeFn()
	}
	defs, err := oval.ParseFile(pos[0])
	if err != nil {
		return err
	}
	ext := oval.ExternalVars{}
	if *variables != "" {
		if ext, err = oval.ReadVariablesFile(*variables); err != nil {
			return err
		}
	}
	prep, err := oval.Prepare(defs, oval.Options{Probes: e.probes, Limits: tf.limits.oval()})
	if err != nil {
		return err
	}
	for _, p := range prep.Problems() {
		fmt.Fprintln(e.stderr, "warning:", p)
	}
	var ids []string
	if *id != "" {
		ids = []string{*id}
	}
	res, err := prep.Evaluate(ctx, h, ext, ids...)
	if err != nil {
		return err
	}
	if *id != "" && res.Definition(*id) == nil {
		return fmt.Errorf("oval eval: no definition %s in %s", *id, pos[0])
	}
	for _, d := range res.Definitions {
		if *id != "" && d.ID != *id {
			continue // definitions it extends were evaluated too
		}
		fmt.Fprintf(e.stdout, "Definition %s: %s\n", d.ID, d.Result)
	}
	fmt.Fprintln(e.stdout, "Evaluation done.")
	if *results != "" {
		if err := writeOVALResults(*results, res); err != nil {
			return err
		}
	}
	return nil
}

func writeOVALResults(name string, res *oval.Results) (err error) {
	f, err := os.Create(name)
	if err != nil {
		return fmt.Errorf("oval eval: %w", err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("oval eval: %w", cerr)
		}
	}()
	bw := bufio.NewWriter(f)
	if err := oval.WriteResults(bw, res, oval.WriteOptions{ProductVersion: report.Version()}); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("oval eval: %w", err)
	}
	return nil
}
