// Package fleet scans many targets with one prepared benchmark: an
// inventory of targets, a deterministic shard of it for batch systems, a
// bounded number of hosts at once, and per-host results streamed to the
// caller's writer so memory does not grow with the fleet.
package fleet

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/secret"
	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/oval"
)

// Target is one entry of an inventory.
type Target struct {
	// Spec is the target as written: local, local:/path,
	// ssh://user@host[:port], ... It is for opening the target only;
	// whatever is printed, logged or written names it by Redacted.
	Spec    string
	Name    string            // names the target's files and summary row
	Options map[string]string // per-target settings (key=/path, sudo=true, ...)
	Line    int               // line in the inventory, for messages
}

// Redacted is the target as every output names it: Spec without its
// passwords and secret parameters.
func (t Target) Redacted() secret.Target { return secret.RedactTarget(t.Spec) }

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// Namer derives a file-safe name for a target spec that names none
// (target.Registry.Name): it never holds the target's user part or
// query, either of which may hold a secret.
type Namer func(spec string) string

// ParseInventory reads one target per line: the target, then optional
// key=value settings separated by spaces. Blank lines and lines starting
// with # are ignored. Secrets are never written in an inventory: settings
// name a file or an environment variable holding them. A line without
// name= is named by name.
func ParseInventory(r io.Reader, file string, name Namer) ([]Target, error) {
	var out []Target
	seen := map[string]int{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		t := Target{Spec: fields[0], Options: map[string]string{}, Line: n}
		for i, f := range fields[1:] {
			k, v, ok := strings.Cut(f, "=")
			if !ok || k == "" {
				// The text is not repeated: a stray word may be a secret.
				return nil, fmt.Errorf("fleet: %s:%d: setting %d is not key=value", file, n, i+1)
			}
			switch k {
			case "password", "passphrase", "secret":
				return nil, fmt.Errorf("fleet: %s:%d: secrets are not written in an inventory: use %s-file= or %s-env=", file, n, k, k)
			}
			t.Options[k] = v
		}
		t.Name = t.Options["name"]
		if t.Name == "" {
			t.Name = name(t.Spec)
		}
		t.Name = unsafeName.ReplaceAllString(t.Name, "_")
		if prev, dup := seen[t.Name]; dup {
			return nil, fmt.Errorf("fleet: %s:%d: target name %q repeats line %d (set name=)", file, n, t.Name, prev)
		}
		seen[t.Name] = n
		out = append(out, t)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("fleet: %s: %w", file, err)
	}
	return out, nil
}

// Shard returns shard k of n (1-based): targets sorted by name, every n-th
// from the k-th. Any order of the same inventory gives the same shards, and
// shard sizes differ by at most one.
func Shard(ts []Target, k, n int) ([]Target, error) {
	if n < 1 || k < 1 || k > n {
		return nil, fmt.Errorf("fleet: shard %d/%d: want 1 <= K <= N", k, n)
	}
	sorted := append([]Target(nil), ts...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	var out []Target
	for i := k - 1; i < len(sorted); i += n {
		out = append(out, sorted[i])
	}
	return out, nil
}

// ParseShard reads "K/N".
func ParseShard(s string) (k, n int, err error) {
	if _, err := fmt.Sscanf(s, "%d/%d", &k, &n); err != nil || k < 1 || n < 1 || k > n {
		return 0, 0, fmt.Errorf("fleet: --shard %q: want K/N with 1 <= K <= N", s)
	}
	return k, n, nil
}

// Opener connects to a target; close releases the connection.
type Opener func(ctx context.Context, t Target) (h host.Host, close func() error, err error)

// Writer writes one target's result and returns the files it wrote.
type Writer func(ctx context.Context, t Target, res *engine.Result) ([]string, error)

// Options configure Run.
type Options struct {
	Parallel int // hosts at once; 0 means 4
	Logger   *slog.Logger
	Progress Progress
	Write    Writer
	// HostTimeout bounds each host's scan (0: none).
	HostTimeout time.Duration
	Now         func() time.Time
}

// Summary is one target's row: counts by status, time, files, or why the
// target could not be scanned. It is all Run keeps of a target.
type Summary struct {
	Target secret.Target `json:"target"` // redacted: never a password
	Name   string        `json:"name"`
	// Status is StatusScanned, StatusError or StatusInterrupted.
	Status   string                `json:"status"`
	Counts   map[engine.Status]int `json:"counts"`
	Score    float64               `json:"score"`
	Duration time.Duration         `json:"duration_ns"`
	Error    string                `json:"error,omitempty"`
	Files    []string              `json:"files,omitempty"`
	Start    time.Time             `json:"start"`
}

// Summary statuses.
const (
	// StatusScanned: every check ran; Error is empty.
	StatusScanned = "scanned"
	// StatusError: the target could not be opened or not fully scanned;
	// Error says why.
	StatusError = "error"
	// StatusInterrupted: the run was stopped (SIGINT, SIGTERM) before the
	// target's scan finished; Files lists what was written of it, if
	// anything.
	StatusInterrupted = "not scanned: interrupted"
)

// Progress hears about the run; implementations must be safe for
// concurrent use.
type Progress interface {
	Begin(total int)
	Done(s Summary)
	End()
}

// Run scans every target with at most Parallel at once. One failing target
// never stops the others. The summaries come back in target order.
func Run(ctx context.Context, b *engine.Benchmark, targets []Target, open Opener, opts Options) ([]Summary, error) {
	par := opts.Parallel
	if par <= 0 {
		par = 4
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	prog := opts.Progress
	if prog == nil {
		prog = nopProgress{}
	}
	prog.Begin(len(targets))
	defer prog.End()
	// Every row starts as not scanned, so a stopped run still names
	// each target it did not reach.
	out := make([]Summary, len(targets))
	for i, t := range targets {
		out[i] = interrupted(t)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(par)
	for i, t := range targets {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			if gctx.Err() != nil {
				return nil // stopped while waiting for a slot
			}
			out[i] = scanOne(gctx, b, t, open, opts.Write, opts.HostTimeout, now, log)
			prog.Done(out[i])
			return nil
		})
	}
	_ = g.Wait()
	if err := ctx.Err(); err != nil {
		n := 0
		for _, s := range out {
			if s.Status == StatusInterrupted {
				n++
			}
		}
		return out, fmt.Errorf("fleet: interrupted: %d of %d targets not scanned: %w", n, len(out), err)
	}
	return out, nil
}

// interrupted is the summary of a target the run stopped before it was
// scanned.
func interrupted(t Target) Summary {
	return Summary{Target: t.Redacted(), Name: t.Name, Status: StatusInterrupted, Error: StatusInterrupted}
}

func scanOne(ctx context.Context, b *engine.Benchmark, t Target, open Opener, write Writer, timeout time.Duration, now func() time.Time, log *slog.Logger) (s Summary) {
	s = Summary{Target: t.Redacted(), Name: t.Name, Status: StatusScanned, Start: now()}
	stopped := ctx // cancelled only when the whole run is stopped
	defer func() {
		s.Duration = now().Sub(s.Start)
		if s.Error != "" && s.Status == StatusScanned {
			s.Status = StatusError
		}
		if stopped.Err() != nil && s.Status != StatusScanned {
			// Whatever failed, it failed because the run was stopped.
			start, took, files := s.Start, s.Duration, s.Files
			s = interrupted(t)
			s.Start, s.Duration, s.Files = start, took, files
		}
	}()
	defer func() {
		// A panic while scanning one target (opening it, evaluating,
		// writing) is that target's error; the other targets go on.
		// Registered last, it runs first, before the status is decided.
		if v := recover(); v != nil {
			pe := oval.Recovered(log, "scan of "+t.Name, v)
			log.Warn("target not scanned", "target", t.Name, "err", pe)
			s.Counts, s.Files = nil, nil
			s.Error = pe.Error()
		}
	}()
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	log.Debug("scanning", "target", s.Target, "name", t.Name)
	h, closeFn, err := open(ctx, t)
	if err != nil {
		s.Error = err.Error()
		log.Warn("target not scanned", "target", t.Name, "err", err.Error())
		return s
	}
	if closeFn != nil {
		defer closeFn()
	}
	res, err := b.Evaluate(ctx, h)
	if err != nil {
		s.Error = err.Error()
		log.Warn("scan ended early", "target", t.Name, "err", err.Error())
		return s
	}
	s.Counts, s.Score = res.Counts(), res.Score
	// A connection lost mid-scan leaves error results; the target was not
	// fully scanned, and the summary says why.
	if he, ok := h.(interface{ Err() error }); ok {
		if err := he.Err(); err != nil {
			s.Error = err.Error()
		}
	}
	if write != nil {
		files, err := write(ctx, t, res)
		s.Files = files
		if err != nil {
			s.Error = "writing results: " + err.Error()
		}
	}
	log.Info("target scanned", "target", t.Name, "pass", s.Counts[engine.Pass], "fail", s.Counts[engine.Fail], "error", s.Counts[engine.Error])
	return s
}

type nopProgress struct{}

func (nopProgress) Begin(int)    {}
func (nopProgress) Done(Summary) {}
func (nopProgress) End()         {}

// WriteSummaries writes summaries as one JSON document per target,
// NAME.summary.json in dir, which Merge reads back.
func WriteSummaries(dir string, ss []Summary) error {
	for _, s := range ss {
		data, err := json.MarshalIndent(s, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, s.Name+".summary.json"), append(data, '\n'), 0o644); err != nil {
			return fmt.Errorf("fleet: %w", err)
		}
	}
	return nil
}

// Merge reads the per-target summaries that shards wrote into dirs, sorted
// by target name. A target found twice keeps its latest scan.
func Merge(dirs ...string) ([]Summary, error) {
	byName := map[string]Summary{}
	for _, d := range dirs {
		files, err := filepath.Glob(filepath.Join(d, "*.summary.json"))
		if err != nil {
			return nil, err
		}
		if len(files) == 0 {
			if _, err := os.Stat(d); err != nil {
				return nil, fmt.Errorf("fleet: merge: %w", err)
			}
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				return nil, fmt.Errorf("fleet: merge: %w", err)
			}
			var s Summary
			if err := json.Unmarshal(data, &s); err != nil {
				return nil, fmt.Errorf("fleet: merge: %s: %w", f, err)
			}
			if prev, ok := byName[s.Name]; !ok || s.Start.After(prev.Start) {
				byName[s.Name] = s
			}
		}
	}
	out := make([]Summary, 0, len(byName))
	for _, s := range byName {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Table writes summaries as an aligned table with a totals row.
func Table(w io.Writer, ss []Summary) {
	fmt.Fprintf(w, "%-28s %6s %6s %6s %6s %6s %9s  %s\n", "HOST", "PASS", "FAIL", "ERROR", "N/A", "NOTCHK", "DURATION", "NOTE")
	var tot Summary
	tot.Counts = map[engine.Status]int{}
	for _, s := range ss {
		note := s.Error
		fmt.Fprintf(w, "%-28s %6d %6d %6d %6d %6d %9s  %s\n", trunc(s.Name, 28), s.Counts[engine.Pass], s.Counts[engine.Fail],
			s.Counts[engine.Error]+s.Counts[engine.Unknown], s.Counts[engine.NotApplicable], s.Counts[engine.NotChecked],
			s.Duration.Round(time.Millisecond), note)
		for k, v := range s.Counts {
			tot.Counts[k] += v
		}
	}
	failed := 0
	for _, s := range ss {
		if s.Error != "" {
			failed++
		}
	}
	fmt.Fprintf(w, "%-28s %6d %6d %6d %6d %6d %9s  %d of %d targets not fully scanned\n", "TOTAL", tot.Counts[engine.Pass], tot.Counts[engine.Fail],
		tot.Counts[engine.Error]+tot.Counts[engine.Unknown], tot.Counts[engine.NotApplicable], tot.Counts[engine.NotChecked], "", failed, len(ss))
}

func trunc(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}

// LineProgress logs one line per finished target (for non-terminals).
type LineProgress struct {
	W     io.Writer
	mu    sync.Mutex
	total int
	done  int
}

func (p *LineProgress) Begin(total int) { p.total = total }

func (p *LineProgress) Done(s Summary) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	status := fmt.Sprintf("pass %d fail %d error %d", s.Counts[engine.Pass], s.Counts[engine.Fail], s.Counts[engine.Error])
	if s.Error != "" {
		status = "ERROR: " + s.Error
	}
	fmt.Fprintf(p.W, "[%d/%d] %s %s (%s)\n", p.done, p.total, s.Name, status, s.Duration.Round(time.Millisecond))
}

func (p *LineProgress) End() {}

// BarProgress draws a live bar on a terminal.
type BarProgress struct {
	W                 io.Writer
	mu                sync.Mutex
	total, done, errs int
	counts            map[engine.Status]int
}

func (p *BarProgress) Begin(total int) {
	p.total, p.counts = total, map[engine.Status]int{}
	p.draw()
}

func (p *BarProgress) Done(s Summary) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	if s.Error != "" {
		p.errs++
	}
	for k, v := range s.Counts {
		p.counts[k] += v
	}
	p.draw()
}

func (p *BarProgress) draw() {
	const width = 30
	filled := 0
	if p.total > 0 {
		filled = width * p.done / p.total
	}
	bar := strings.Repeat("=", filled) + strings.Repeat(" ", width-filled)
	fmt.Fprintf(p.W, "\r[%s] %d/%d hosts  pass %d  fail %d  error %d  hosts failed %d ", bar, p.done, p.total,
		p.counts[engine.Pass], p.counts[engine.Fail], p.counts[engine.Error], p.errs)
}

func (p *BarProgress) End() { fmt.Fprintln(p.W) }
