// Package checktest holds what the tests of the built-in database checks
// share: the status each rule should have on a fixture, the statuses a
// scan gave, and an explanation of the rules that differ, so a failing
// assertion names the cause.
package checktest

import (
	"fmt"
	"strings"

	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/xccdf"
)

// Key names a rule result in a map of statuses.
type Key func(*engine.RuleResult) string

// RuleID keys results by XCCDF rule id; VulnID by DISA's Vuln-ID.
var (
	RuleID Key = func(rr *engine.RuleResult) string { return rr.Rule.ID }
	VulnID Key = func(rr *engine.RuleResult) string { return rr.Identity.VulnID }
)

// Expected gives each rule of content, by rule id, the status it has on a
// fixture: automated for a rule with a check, notchecked for a manual one.
func Expected(content *xccdf.Content, automated engine.Status) map[string]engine.Status {
	want := map[string]engine.Status{}
	for _, r := range content.Benchmark.Rules {
		want[r.ID] = engine.NotChecked
		if len(r.Checks) > 0 {
			want[r.ID] = automated
		}
	}
	return want
}

// Statuses are the statuses of a scan's rules, by key.
func Statuses(res *engine.Result, key Key) map[string]engine.Status {
	got := map[string]engine.Status{}
	for _, rr := range res.Rules {
		got[key(rr)] = rr.Status
	}
	return got
}

// RuleByVuln is the result of the rule with DISA's Vuln-ID vuln, or nil.
func RuleByVuln(res *engine.Result, vuln string) *engine.RuleResult {
	for _, rr := range res.Rules {
		if rr.Identity.VulnID == vuln {
			return rr
		}
	}
	return nil
}

// Explain lists, for the rules want names (by key) whose status is not
// the wanted one, what the scan said: messages and evidence.
func Explain(res *engine.Result, want map[string]engine.Status, key Key) string {
	var b strings.Builder
	for _, rr := range res.Rules {
		w, ok := want[key(rr)]
		if !ok || w == rr.Status {
			continue
		}
		fmt.Fprintf(&b, "%s %s (%s, want %s)\n", rr.Identity.VulnID, rr.Rule.Title, rr.Status, w)
		for _, m := range rr.Messages {
			fmt.Fprintf(&b, "    %s: %s\n", m.Severity, m.Text)
		}
		for _, e := range rr.Evidence {
			fmt.Fprintf(&b, "    evidence: %s\n", e)
		}
	}
	return b.String()
}
