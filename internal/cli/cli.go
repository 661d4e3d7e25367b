// Package cli implements the stigscan command line as a function of its
// inputs, so tests run it in-process.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	kinds "github.com/stigscan/stigscan/collectors/list"
	"github.com/stigscan/stigscan/collectors/target"
	"github.com/stigscan/stigscan/oval"
	probes "github.com/stigscan/stigscan/oval/probes/list"
)

// ExitError carries a process exit code.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

// ExitCode is the process exit code.
func (e *ExitError) ExitCode() int { return e.Code }

// Exit codes.
const (
	ExitError1 = 1 // a run failed
	ExitUsage  = 2 // the command line was wrong
)

func usageErr(format string, args ...any) error {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, args...)}
}

type command struct {
	name, summary string
	run           func(ctx context.Context, env *env, args []string) error
}

// env is what a command reads and writes.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// kinds are the target kinds the commands read, open and describe.
	kinds target.Registry
	// probes are the OVAL probes every command that evaluates uses, so
	// scan and oval eval collect with the same set by construction.
	probes map[string]oval.Probe
}

func commands() []command {
	return []command{
		{"info", "describe a content file (like oscap info)", runInfo},
		{"rules", "list the rules a profile selects, with their DISA ids", runRules},
		{"scan", "evaluate a benchmark on targets and write results", runScan},
		{"merge", "join the per-target summaries of scan shards", runMerge},
		{"oval", "OVAL on its own: oval eval FILE (like oscap oval eval)", runOVAL},
	}
}

const usage = `usage: stigscan <command> [flags] [args]

commands:
%s
Run 'stigscan <command> -h' for a command's flags.
`

// Run executes the stigscan command line.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, kinds: kinds.Standard(), probes: probes.Standard()}
	var cmds strings.Builder
	for _, c := range commands() {
		fmt.Fprintf(&cmds, "  %-8s %s\n", c.name, c.summary)
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintf(stdout, usage, cmds.String())
		if len(args) == 0 {
			return usageErr("no command given")
		}
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, e, args[1:])
		}
	}
	fmt.Fprintf(stderr, usage, cmds.String())
	return usageErr("unknown command %q", args[0])
}

// parseFlags parses flags that may come before or after positional
// arguments (stigscan rules FILE --profile X).
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageErr("%s: %v", fs.Name(), err)
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// helpOrErr prints a flag set's usage for -h and passes other errors on.
func helpOrErr(e *env, fs *flag.FlagSet, synopsis string, err error) error {
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(e.stdout, "usage: stigscan %s\n\nflags:\n", synopsis)
		fs.SetOutput(e.stdout)
		fs.PrintDefaults()
		return nil
	}
	return err
}
