// Package jsonrestest builds engine results from real DISA benchmarks for the
// report writers' tests, without running a scan: every rule of the benchmark
// gets a status, evidence and messages chosen by the test.
package jsonrestest

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stigscan/stigscan/builtin"
	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/secret"
	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/internal/testutil"
	"github.com/stigscan/stigscan/oval/probes/list"
	"github.com/stigscan/stigscan/xccdf"
)

// Start is the scan time every built result carries, so outputs reproduce.
var Start = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

// Cycle lists statuses that Assign hands out in turn: every XCCDF result
// appears, the decided ones most often.
var Cycle = []engine.Status{
	engine.Pass, engine.Fail, engine.NotApplicable, engine.NotChecked,
	engine.Pass, engine.Fail, engine.Error, engine.Informational,
	engine.Unknown, engine.Fixed, engine.NotSelected, engine.Pass,
}

// Outcome is what a test decides for one rule.
type Outcome struct {
	Status   engine.Status
	Evidence []string
	Messages []engine.Message
}

// Assign gives rule i the i-th status of Cycle with evidence that exercises
// escaping (markup characters, quotes, a control character, non-ASCII).
func Assign(i int, r *xccdf.Rule) Outcome {
	st := Cycle[i%len(Cycle)]
	o := Outcome{Status: st}
	switch st {
	case engine.Fail:
		o.Evidence = []string{
			fmt.Sprintf("%s: found <auditLog> & \"setParameter\" missing", r.Version),
			"user 'admin' has role root\x01 — ünicode",
		}
	case engine.Pass, engine.Fixed:
		o.Evidence = []string{"/etc/mongod.conf: auditLog.destination = file"}
	case engine.Error:
		o.Messages = []engine.Message{{Severity: "error", Text: "collecting /etc/mongod.conf: permission denied"}}
	case engine.NotChecked:
		o.Messages = []engine.Message{{Severity: "info", Text: "manual check: no automated check in this benchmark"}}
	case engine.Unknown:
		o.Messages = []engine.Message{{Severity: "warning", Text: "the query returned no rows"}}
	}
	return o
}

// DISA opens a benchmark of ../shared/content/disa-manual (skipping the test
// when the content is absent).
func DISA(t testing.TB, name string) *xccdf.Content {
	t.Helper()
	dir := testutil.SharedContent(t, "disa-manual")
	c, err := xccdf.Open(filepath.Join(dir, name), xccdf.Options{})
	if err != nil {
		t.Fatalf("jsonrestest: %v", err)
	}
	return c
}

// Facts are the target facts every built result carries.
var Facts = host.Facts{
	Hostname: "db01",
	FQDN:     "db01.example.mil",
	IPv4:     []string{"192.0.2.10", "192.0.2.11"},
	MACs:     []string{"00:00:5e:00:53:01"},
	OS:       "Debian GNU/Linux 12 (bookworm)",
}

// Result builds the result of c's benchmark for profile ("" for the
// default selection) with each selected rule's outcome from decide, in
// document order. Rules the profile does not select are notselected.
func Result(t testing.TB, c *xccdf.Content, profile string, decide func(i int, r *xccdf.Rule) Outcome) *engine.Result {
	t.Helper()
	b := c.Benchmark
	sel, err := xccdf.Resolve(b, nil, profile)
	if err != nil {
		t.Fatalf("jsonrestest: %v", err)
	}
	res := &engine.Result{
		Benchmark: b, Profile: sel.Profile, Source: c.Path, Values: sel.Values,
		Target: secret.RedactTarget("ssh://db01.example.mil"), Facts: Facts,
		StartTime: Start, EndTime: Start.Add(1500 * time.Millisecond),
	}
	for i, r := range b.Rules {
		rr := &engine.RuleResult{Rule: r, Identity: r.Identity(), Severity: r.Severity, Weight: r.Weight, Role: r.Role, Time: Start}
		if !sel.IsSelected(r.ID) {
			rr.Status = engine.NotSelected
		} else {
			o := decide(i, r)
			rr.Status, rr.Evidence, rr.Messages = o.Status, o.Evidence, o.Messages
		}
		res.Rules = append(res.Rules, rr)
	}
	for _, rr := range res.Rules {
		if rr.Status == engine.Pass || rr.Status == engine.Fail {
			res.MaxScore += 100
			if rr.Status == engine.Pass {
				res.Score += 100
			}
		}
	}
	return res
}

// Builtin runs the real engine with the built-in Linux baseline on h.
func Builtin(t testing.TB, h host.Host) *engine.Result {
	t.Helper()
	ctx := context.Background()
	c, err := xccdf.OpenBytes(mustRead(t, builtin.LinuxBenchmark), builtin.LinuxBenchmark, builtin.FS(), xccdf.Options{})
	if err != nil {
		t.Fatalf("jsonrestest: %v", err)
	}
	sel, err := xccdf.Resolve(c.Benchmark, nil, "")
	if err != nil {
		t.Fatalf("jsonrestest: %v", err)
	}
	b, err := engine.Prepare(ctx, c, sel, engine.Options{Probes: list.Standard(), Now: func() time.Time { return Start }})
	if err != nil {
		t.Fatalf("jsonrestest: %v", err)
	}
	res, err := b.Evaluate(ctx, h)
	if err != nil {
		t.Fatalf("jsonrestest: %v", err)
	}
	return res
}

func mustRead(t testing.TB, name string) []byte {
	t.Helper()
	data, err := builtin.Read(name)
	if err != nil {
		t.Fatalf("jsonrestest: %v", err)
	}
	return data
}
