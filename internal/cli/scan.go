package cli

import (
	"context"
	"flag"
	"fmt"
	"github.com/stigscan/stigscan/builtin"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/stigscan/stigscan/collectors/target"
	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/fleet"
	"github.com/stigscan/stigscan/oval"
	"github.com/stigscan/stigscan/report"
	"github.com/stigscan/stigscan/report/jsonres"
	"github.com/stigscan/stigscan/xccdf"
)

// listFlag is a flag that may repeat.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

type scanFlags struct {
	content     contentFlags
	benchmark   string
	targets     listFlag
	inventory   string
	parallel    int
	shard       string
	outDir      string
	quiet       bool
	progress    string
	hostTimeout time.Duration
	cpeDict     string
	logLevel    string
	stderr      io.Writer // e.stderr behind a lock, for log records and progress
	out         outputFlags
	targetsFl   *targetFlags
}

// scanSynopsis is the synopsis of scan, with the target forms of kinds and
// the output flags of the format registry.
func scanSynopsis(kinds target.Registry) string {
	return `scan [--benchmark FILE] [--profile ID] [--tailoring-file F]
                     [--target ` + strings.Join(kinds.Usages(target.Machine), "|") + ` ...] [--targets FILE]
                     ` + outputSynopsis() + `
                     [--out DIR] [--parallel N] [--shard K/N]

Targets: ` + strings.Join(kinds.Usages(""), ", ") + `.
One target: the summary on stdout and, with no output flag, the results in
` + defaultOutputs() + ` in the working directory. Several targets (--target repeated, or
--targets FILE with one target per line and key=value settings): one ARF per host,
and a file per host for each per-target format asked for, in --out DIR (default
stigscan-results), a summary table, and NAME.summary.json
files that 'stigscan merge' joins across shards.`
}

func runScan(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("scan", flag.ContinueOnError)
	var sf scanFlags
	sf.content.register(fs)
	fs.StringVar(&sf.benchmark, "benchmark", "", "benchmark, data stream or DISA zip (default: the built-in Linux baseline)")
	fs.Var(&sf.targets, "target", targetHelp(e.kinds, "")+" (repeatable)")
	fs.StringVar(&sf.inventory, "targets", "", "inventory file: one target per line, optional key=value settings of its kind\n"+
		"(a database's password-env= is the database's; its db-host= machine's login is set with the prefixed keys):\n"+
		e.kinds.SettingsHelp())
	fs.IntVar(&sf.parallel, "parallel", 4, "targets scanned at once")
	fs.StringVar(&sf.shard, "shard", "", "scan only shard K of N of the inventory (K/N), for batch systems")
	fs.StringVar(&sf.outDir, "out", "", "directory for per-target results (fleet mode)")
	fs.BoolVar(&sf.quiet, "quiet", false, "print only totals; no progress")
	fs.StringVar(&sf.progress, "progress", "auto", "progress display: auto (a bar on a terminal, lines otherwise), bar, lines, none")
	fs.DurationVar(&sf.hostTimeout, "host-timeout", 0, "bound on each target's whole scan (0: none)")
	fs.StringVar(&sf.cpeDict, "cpe", "", "CPE dictionary deciding platform applicability for a benchmark that is not a data stream (as oscap's --cpe)")
	fs.StringVar(&sf.logLevel, "log-level", "none", "log records written to standard error: none, error, warn, info or debug (targets and errors are logged redacted, secrets never)")
	sf.out.register(fs)
	sf.targetsFl = newTargetFlags(fs, e.kinds, true)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return helpOrErr(e, fs, scanSynopsis(e.kinds), err)
	}
	if len(pos) > 0 {
		return usageErr("scan: unexpected argument %q (name content with --benchmark, targets with --target)", pos[0])
	}
	// Log records and progress lines come from many goroutines; they
	// share one lock on stderr.
	sf.stderr = &lockedWriter{w: e.stderr}
	log, err := newLogger(sf.logLevel, sf.stderr)
	if err != nil {
		return err
	}
	sf.targetsFl.log = log
	targets, err := sf.targetList(e.kinds)
	if err != nil {
		return err
	}
	if err := stigTargets(e.kinds, sf.content.stig, targets); err != nil {
		return err
	}
	if err := sf.targetsFl.readPrompt(e.stdin, e.stderr); err != nil {
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
	lib, err := sf.content.library(c)
	if err != nil {
		return err
	}
	if err := sf.out.checklist.load(); err != nil {
		return err
	}
	opts := engine.Options{Library: lib, Tailoring: sf.content.tailoring, Limits: sf.targetsFl.limits.oval(), Probes: e.probes}
	if sf.cpeDict != "" {
		if opts.CPEDictionary, err = xccdf.Open(sf.cpeDict, xccdf.Options{}); err != nil {
			return err
		}
	}
	b, err := engine.Prepare(ctx, c, sel, opts)
	if err != nil {
		return err
	}
	for _, p := range b.Problems() {
		fmt.Fprintln(e.stderr, "warning:", p)
	}
	if len(targets) == 1 && sf.inventory == "" && sf.outDir == "" {
		return sf.scanOne(ctx, e, b, targets[0])
	}
	return sf.scanFleet(ctx, e, b, targets, log)
}

// targetList gathers --target and --targets, then applies --shard.
func (sf *scanFlags) targetList(kinds target.Registry) ([]fleet.Target, error) {
	var ts []fleet.Target
	seen := map[string]bool{}
	for _, spec := range sf.targets {
		name := kinds.Name(spec)
		if seen[name] {
			return nil, usageErr("scan: target %s given twice", kinds.Redact(spec))
		}
		seen[name] = true
		ts = append(ts, fleet.Target{Spec: spec, Name: name, Options: map[string]string{}})
	}
	if sf.inventory != "" {
		f, err := os.Open(sf.inventory)
		if err != nil {
			return nil, fmt.Errorf("scan: %w", err)
		}
		inv, err := fleet.ParseInventory(f, sf.inventory, kinds.Name)
		f.Close()
		if err != nil {
			return nil, err
		}
		ts = append(ts, inv...)
	}
	if len(ts) == 0 {
		ts = []fleet.Target{{Spec: "local", Name: "local", Options: map[string]string{}}}
	}
	for _, t := range ts {
		if err := sf.targetsFl.checkSettings(t); err != nil {
			return nil, err
		}
	}
	if sf.shard != "" {
		k, n, err := fleet.ParseShard(sf.shard)
		if err != nil {
			return nil, usageErr("%v", err)
		}
		if ts, err = fleet.Shard(ts, k, n); err != nil {
			return nil, usageErr("%v", err)
		}
	}
	return ts, nil
}

func (sf *scanFlags) scanOne(ctx context.Context, e *env, b *engine.Benchmark, t fleet.Target) (err error) {
	defer func() {
		// As in fleet mode: a panic while scanning the target is its
		// error (exit 1), with the value and no stack.
		if v := recover(); v != nil {
			err = fmt.Errorf("scan: %w", oval.Recovered(sf.targetsFl.log, "scan of "+t.Name, v))
		}
	}()
	h, closeFn, err := sf.targetsFl.opener()(ctx, t)
	if err != nil {
		return err
	}
	if closeFn != nil {
		defer closeFn()
	}
	res, err := b.Evaluate(ctx, h)
	if err != nil {
		return err
	}
	printSummary(e.stdout, res, sf.quiet)
	_, err = sf.out.write(e.stdout, sf.out.single(), b.Content(), res)
	return err
}

func (sf *scanFlags) scanFleet(ctx context.Context, e *env, b *engine.Benchmark, targets []fleet.Target, log *slog.Logger) error {
	if err := sf.out.checkFleet(); err != nil {
		return err
	}
	dir := sf.outDir
	if dir == "" {
		dir = "stigscan-results"
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("scan: %w", err)
	}
	// In fleet mode a format flag means "write it for every target", in
	// dir; a combined format (the HTML report) keeps a compact document
	// per target (no rule prose) for the one file written at the end.
	combined := sf.out.combined()
	var reportMu sync.Mutex
	reportDocs := map[string]*jsonres.Document{}
	write := func(ctx context.Context, t fleet.Target, res *engine.Result) ([]string, error) {
		files, err := sf.out.write(nil, sf.out.perTarget(dir, t.Name), b.Content(), res)
		if err != nil || len(combined) == 0 {
			return files, err
		}
		d := jsonres.FromResult(res, jsonres.Options{Version: report.Version(), OmitText: true})
		reportMu.Lock()
		reportDocs[t.Name] = d
		reportMu.Unlock()
		return files, nil
	}
	var prog fleet.Progress
	switch mode := sf.progress; {
	case sf.quiet || mode == "none":
	case mode == "bar" || (mode == "auto" && isTerminal(e.stderr)):
		prog = &fleet.BarProgress{W: sf.stderr}
	case mode == "lines" || mode == "auto":
		prog = &fleet.LineProgress{W: sf.stderr}
	default:
		return usageErr("scan: --progress %q: want auto, bar, lines or none", mode)
	}
	ss, err := fleet.Run(ctx, b, targets, sf.targetsFl.opener(), fleet.Options{
		Parallel: sf.parallel, Progress: prog, Write: write, HostTimeout: sf.hostTimeout, Logger: log,
	})
	if werr := fleet.WriteSummaries(dir, ss); werr != nil && err == nil {
		err = werr
	}
	fleet.Table(e.stdout, ss)
	fmt.Fprintf(e.stdout, "results: %s\n", dir)
	if len(combined) > 0 {
		var docs []*jsonres.Document
		for _, s := range ss {
			if d := reportDocs[s.Name]; d != nil {
				docs = append(docs, d)
			}
		}
		if cerr := sf.out.writeCombined(e.stdout, combined, docs); cerr != nil && err == nil {
			err = cerr
		}
	}
	if err != nil {
		// A stopped run (SIGINT, SIGTERM) wrote what it finished; the
		// rest is marked not scanned. main turns this into the signal's
		// exit code.
		return &ExitError{Code: ExitError1, Err: fmt.Errorf("scan: %w", err)}
	}
	for _, s := range ss {
		if s.Error != "" {
			return &ExitError{Code: ExitError1, Err: fmt.Errorf("scan: %d of %d targets were not fully scanned", countErrors(ss), len(ss))}
		}
	}
	return nil
}

// lockedWriter serializes writes to w.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// newLogger is the --log-level logger: text records on w, or none.
func newLogger(level string, w io.Writer) (*slog.Logger, error) {
	var l slog.Level
	switch level {
	case "none", "":
		return slog.New(slog.DiscardHandler), nil
	case "error":
		l = slog.LevelError
	case "warn":
		l = slog.LevelWarn
	case "info":
		l = slog.LevelInfo
	case "debug":
		l = slog.LevelDebug
	default:
		return nil, usageErr("scan: --log-level %q: want none, error, warn, info or debug", level)
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l})), nil
}

func countErrors(ss []fleet.Summary) int {
	n := 0
	for _, s := range ss {
		if s.Error != "" {
			n++
		}
	}
	return n
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
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
	for _, warn := range res.Warnings {
		fmt.Fprintf(w, "warning: %s: %s\n", res.Target, warn)
	}
}

func runMerge(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("merge", flag.ContinueOnError)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return helpOrErr(e, fs, "merge DIR...   (joins the NAME.summary.json files of scan shards)", err)
	}
	if len(pos) == 0 {
		return usageErr("merge: name at least one results directory")
	}
	ss, err := fleet.Merge(pos...)
	if err != nil {
		return err
	}
	fleet.Table(e.stdout, ss)
	return nil
}

// stigTargets refuses a --stig whose checks are for a kind of target the
// scan does not have: a database STIG evaluated on a machine can only
// report unknowns, so the mistake is named before anything is scanned.
func stigTargets(kinds target.Registry, stig string, ts []fleet.Target) error {
	r, ok := builtin.ReleaseOf(stig)
	if !ok || r.Target == "" {
		return nil
	}
	want, ok := kinds[r.Target]
	if !ok {
		return nil
	}
	for _, t := range ts {
		if k, _ := kinds.Lookup(t.Spec); k.Name != want.Name {
			return usageErr("scan: --stig %s checks %s targets (--target %s); %s is not one", stig, want.Title, want.Usage, t.Name)
		}
	}
	return nil
}
