// Package engine evaluates an XCCDF benchmark against targets: it prepares a
// benchmark once (profile resolved, check content parsed and compiled) and
// evaluates it per target, mapping check results onto XCCDF rule results
// keyed by DISA's ids.
//
// Prepare once, evaluate many: a *Benchmark is immutable after Prepare and
// safe for concurrent Evaluate calls on different hosts.
package engine

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/stigscan/stigscan/oval"
	"github.com/stigscan/stigscan/xccdf"
)

// Check systems stigscan evaluates.
const (
	SystemOVAL = "http://oval.mitre.org/XMLSchema/oval-definitions-5"
	SystemOCIL = "http://scap.nist.gov/schema/ocil/2"
)

// Options configure Prepare.
type Options struct {
	Logger *slog.Logger
	// Now is the clock for result times (injected so outputs reproduce).
	Now func() time.Time
	// Probes is the OVAL probe set, keyed by "family:object_type"
	// (oval.Options.Probes: added over oval's own probes, a nil value
	// removing one). Nil means oval's built-in probes only: no sql57,
	// mongodb or oracle objects are collected. Pass list.Standard()
	// (package oval/probes/list) for the set stigscan scans with; the
	// engine imports no probe family, so it links no database driver.
	Probes map[string]oval.Probe
	// CPEDictionary is a CPE dictionary file for content that is not a data
	// stream (a data stream's own dictionaries are always used).
	CPEDictionary *xccdf.Content
	// Library holds check content (stigscan's built-in checks, as
	// builtin.Library opens them) that automates rules the benchmark only
	// describes: a rule without an automated check is bound to the
	// library rule with the same Vuln-ID, else legacy id, else STIG-ID,
	// and applies only where the library rule's platforms (its local
	// cpe-lang platform-specification references) apply too.
	Library []*xccdf.Content
	// LibraryValues override the library benchmarks' Value defaults
	// (organization-defined limits) and what Tailoring sets for them.
	LibraryValues map[string]string
	// Tailoring is the tailoring the selection was resolved with, if any.
	// Its set-values for library Values, along the selected profile's
	// extends chain, become library values (see LibraryBinding), and the
	// selection's problems about those Values are dropped from Problems.
	Tailoring *xccdf.Tailoring
	// Limits bound each OVAL evaluation: bytes per file read, file content
	// kept per run, items per object, regex time per object and per
	// target (zero fields: oval's defaults).
	Limits oval.Limits
}

// Benchmark is a benchmark prepared for evaluation.
type Benchmark struct {
	content *xccdf.Content
	sel     *xccdf.Selection
	opts    Options
	log     *slog.Logger
	now     func() time.Time

	// ovals holds each OVAL document rules reference, by key (see
	// checkSource.key).
	ovals     map[string]*ovalDoc
	ovalOrder []string
	plans     []*rulePlan
	platforms *platforms
	main      *checkSource
	problems  xccdf.Problems
}

// checkSource is content whose check hrefs resolve together, with the Values
// its check-exports read.
type checkSource struct {
	content *xccdf.Content
	values  map[string]string
	prefix  string // "" for the benchmark itself
}

func (s *checkSource) key(owner *xccdf.ComponentRef, href string) string {
	k := s.prefix + href
	if owner != nil {
		k = s.prefix + owner.ID + "#" + href
	}
	return k
}

// rulePlan is what Prepare decided about one rule.
type rulePlan struct {
	rule    *xccdf.Rule
	sel     *xccdf.SelectedRule // nil: not selected
	src     *checkSource        // where the check's content resolves
	check   *xccdf.Check        // the check to run (nil with complex or none)
	complex *xccdf.ComplexCheck
	reason  string // why the rule cannot be checked automatically
	// bound is the library rule whose check automates this rule, if any.
	bound   *xccdf.Rule
	boundBy string
	// manual is the rule's own manual check, kept for its text.
	manual *xccdf.Check
}

// Prepare resolves everything about a benchmark that does not depend on the
// target: which rules run, which check each uses, and the parsed, compiled
// OVAL documents. Content problems do not fail Prepare; they become error
// results on the rules they touch.
func Prepare(ctx context.Context, content *xccdf.Content, sel *xccdf.Selection, opts Options) (*Benchmark, error) {
	if content == nil || content.Benchmark == nil || sel == nil {
		return nil, fmt.Errorf("engine: prepare: no benchmark")
	}
	b := &Benchmark{content: content, sel: sel, opts: opts, log: opts.Logger, now: opts.Now, ovals: map[string]*ovalDoc{}}
	if b.log == nil {
		b.log = slog.New(slog.DiscardHandler)
	}
	if b.now == nil {
		b.now = time.Now
	}
	b.main = &checkSource{content: content, values: sel.Values}
	values, problems := LibraryBinding(opts.Library, opts.Tailoring, sel)
	for k, v := range opts.LibraryValues {
		values[k] = v
	}
	b.problems = problems
	lib, err := newLibrary(opts.Library, values)
	if err != nil {
		return nil, err
	}
	selected := map[string]*xccdf.SelectedRule{}
	for _, sr := range sel.Rules {
		selected[sr.ID] = sr
	}
	for _, r := range content.Benchmark.Rules {
		p := &rulePlan{rule: r, sel: selected[r.ID], src: b.main}
		b.plans = append(b.plans, p)
		if p.sel == nil {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("engine: prepare: %w", err)
		}
		if r.ComplexCheck != nil {
			p.complex = r.ComplexCheck
			b.needComplex(p.src, r.ComplexCheck)
			continue
		}
		p.check, p.reason = chooseCheck(r.Checks, p.sel.Selector)
		if p.reason != "" && lib != nil {
			if lr, src, by := lib.match(r); lr != nil {
				if c, reason := chooseCheck(lr.Checks, ""); reason == "" {
					p.manual, p.check, p.reason, p.src, p.bound, p.boundBy = p.check, c, "", src, lr, by
				}
			}
		}
		if p.check != nil && p.check.System == SystemOVAL && p.reason == "" {
			b.needOVAL(p.src, p.check)
		}
	}
	b.platforms, err = b.preparePlatforms(ctx)
	if err != nil {
		return nil, err
	}
	return b, nil
}

// Selection returns the profile selection the benchmark was prepared with.
func (b *Benchmark) Selection() *xccdf.Selection { return b.sel }

// Problems are the selection's content problems that remain once the
// library is bound: a tailoring's set-value for a library Value is not
// one. Callers report them as warnings.
func (b *Benchmark) Problems() xccdf.Problems { return b.problems }

// Content returns the content the benchmark came from.
func (b *Benchmark) Content() *xccdf.Content { return b.content }
