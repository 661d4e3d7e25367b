package xccdfres

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/internal/xmlw"
	"github.com/stigscan/stigscan/report"
	"github.com/stigscan/stigscan/xccdf"
)

// Namespaces written in XCCDF results.
const (
	NS = xccdf.NS12
	// NSStigscan holds the metadata stigscan adds to a rule-result: the
	// rule's DISA ids, so every result carries its Vuln-ID even outside the
	// benchmark that defines the Group.
	NSStigscan = "urn:stigscan:xccdf-results:1"
	// AssetIdentificationSystem is the target-id-ref system naming an ARF asset.
	AssetIdentificationSystem = "http://scap.nist.gov/schema/asset-identification/1.1"
	// ScoringDefault is the XCCDF default scoring model.
	ScoringDefault = "urn:xccdf:scoring:default"
)

// Options say what a TestResult records beyond the engine.Result.
type Options struct {
	// Version is stigscan's version, written in test-system as
	// cpe:/a:stigscan:stigscan:VERSION (left out of the CPE when empty).
	Version string
	// Identity is the account the scan ran as; an empty Name leaves the
	// identity element out.
	Identity Identity
	// BenchmarkHref is the benchmark element's href (default: the content
	// file, Result.Source).
	BenchmarkHref string
	// AssetID links the TestResult to an ARF asset with target-id-ref.
	AssetID string
	// CheckHref rewrites check-content-ref hrefs; ARF points them at the
	// report holding the OVAL results. Nil keeps them as the benchmark
	// wrote them.
	CheckHref func(href string) string
}

// Identity is the account a scan ran as.
type Identity struct {
	Name          string
	Authenticated bool
	Privileged    bool
}

// TestSystem returns the CPE naming stigscan at a version.
func TestSystem(version string) string {
	if version == "" {
		return "cpe:/a:stigscan:stigscan"
	}
	return "cpe:/a:stigscan:stigscan:" + version
}

// FormatTime writes an xsd:dateTime with the offset of t (seconds precision).
func FormatTime(t time.Time) string { return t.Format(time.RFC3339) }

// WriteTestResult writes r as one XCCDF 1.2 TestResult element (declaring
// its namespace itself, so it can be placed in any document) into x.
func WriteTestResult(x *xmlw.Writer, r *engine.Result, ids *IDs, opts Options) {
	profileID := ""
	if r.Profile != nil {
		profileID = ids.Profile(r.Profile.ID)
	}
	version := ""
	if r.Benchmark != nil {
		version = r.Benchmark.Version
	}
	end := r.EndTime
	if end.IsZero() {
		end = r.StartTime
	}
	attrs := xmlw.A(
		"xmlns", NS,
		"xmlns:stigscan", NSStigscan,
		"id", TestResultID(profileID),
	)
	if !r.StartTime.IsZero() {
		attrs = append(attrs, xmlw.Attr{Name: "start-time", Value: FormatTime(r.StartTime)})
	}
	attrs = append(attrs, xmlw.A("end-time", FormatTime(end), "test-system", TestSystem(opts.Version), "version", version)...)
	x.Start("TestResult", attrs...)

	href := opts.BenchmarkHref
	if href == "" {
		href = SourceHref(r.Source)
	}
	x.Leaf("benchmark", "", xmlw.A("href", href, "id", ids.Benchmark())...)
	x.Leaf("title", report.Product+" scan result")
	if opts.Identity.Name != "" {
		x.Leaf("identity", opts.Identity.Name, xmlw.A(
			"authenticated", strconv.FormatBool(opts.Identity.Authenticated),
			"privileged", strconv.FormatBool(opts.Identity.Privileged))...)
	}
	if profileID != "" {
		x.Leaf("profile", "", xmlw.A("idref", profileID)...)
	}
	for _, t := range Targets(r) {
		x.Leaf("target", t)
	}
	for _, a := range Addresses(r.Facts.IPv4, r.Facts.IPv6) {
		x.Leaf("target-address", a)
	}
	writeFacts(x, r, opts)
	if opts.AssetID != "" {
		// href is required by the schema, even empty: the asset is named
		// (in the same ARF), not located.
		x.Leaf("target-id-ref", "", xmlw.Attr{Name: "system", Value: AssetIdentificationSystem}, xmlw.Attr{Name: "name", Value: opts.AssetID}, xmlw.Attr{Name: "href"})
	}
	writeSetValues(x, r, ids)
	for _, rr := range r.Rules {
		writeRuleResult(x, rr, ids, opts)
	}
	x.Leaf("score", strconv.FormatFloat(r.Score, 'f', 6, 64), xmlw.A("system", ScoringDefault, "maximum", strconv.FormatFloat(r.MaxScore, 'f', 6, 64))...)
	x.End()
}

// Targets returns the names of the target: its host name first (what
// results consumers take as the asset name), then how stigscan reached it
// when that differs.
func Targets(r *engine.Result) []string {
	var out []string
	if r.Facts.Hostname != "" {
		out = append(out, r.Facts.Hostname)
	}
	if t := r.Target.String(); t != "" && t != r.Facts.Hostname {
		out = append(out, t)
	}
	if len(out) == 0 {
		out = append(out, "unknown")
	}
	return out
}

// Addresses returns the IPv4 then IPv6 addresses, each sorted, without
// duplicates.
func Addresses(v4, v6 []string) []string {
	return append(sortedUnique(v4), sortedUnique(v6)...)
}

func sortedUnique(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// Fact names written in target-facts.
const (
	FactScannerName    = "urn:xccdf:fact:scanner:name"
	FactScannerVersion = "urn:xccdf:fact:scanner:version"
	FactFQDN           = "urn:xccdf:fact:asset:identifier:fqdn"
	FactHostName       = "urn:xccdf:fact:asset:identifier:host_name"
	FactIPv4           = "urn:xccdf:fact:asset:identifier:ipv4"
	FactIPv6           = "urn:xccdf:fact:asset:identifier:ipv6"
	FactMAC            = "urn:xccdf:fact:asset:identifier:mac"
	FactOSName         = "urn:xccdf:fact:asset:identifier:os_name"
)

func writeFacts(x *xmlw.Writer, r *engine.Result, opts Options) {
	type fact struct{ name, value string }
	facts := []fact{{FactScannerName, report.Product}}
	if opts.Version != "" {
		facts = append(facts, fact{FactScannerVersion, opts.Version})
	}
	f := r.Facts
	if f.FQDN != "" {
		facts = append(facts, fact{FactFQDN, f.FQDN})
	}
	if f.Hostname != "" {
		facts = append(facts, fact{FactHostName, f.Hostname})
	}
	for _, ip := range sortedUnique(f.IPv4) {
		facts = append(facts, fact{FactIPv4, ip})
	}
	for _, ip := range sortedUnique(f.IPv6) {
		facts = append(facts, fact{FactIPv6, ip})
	}
	for _, m := range sortedUnique(f.MACs) {
		facts = append(facts, fact{FactMAC, m})
	}
	if f.OS != "" {
		facts = append(facts, fact{FactOSName, f.OS})
	}
	x.Start("target-facts")
	for _, fc := range facts {
		x.Leaf("fact", fc.value, xmlw.A("name", fc.name, "type", "string")...)
	}
	x.End()
}

// writeSetValues writes the profile's effective Values: those of the
// benchmark in document order, then any others (tailoring) sorted.
func writeSetValues(x *xmlw.Writer, r *engine.Result, ids *IDs) {
	done := map[string]bool{}
	if r.Benchmark != nil {
		for _, v := range r.Benchmark.Values {
			val, ok := r.Values[v.ID]
			if !ok {
				continue
			}
			done[v.ID] = true
			writeSetValue(x, ids.Value(v.ID), val)
		}
	}
	var rest []string
	for id := range r.Values {
		if !done[id] {
			rest = append(rest, id)
		}
	}
	sort.Strings(rest)
	for _, id := range rest {
		writeSetValue(x, ids.Value(id), r.Values[id])
	}
}

func writeSetValue(x *xmlw.Writer, idref, value string) {
	x.Start("set-value", xmlw.A("idref", idref)...)
	if value != "" {
		x.Text(value)
	}
	x.End()
}

func writeRuleResult(x *xmlw.Writer, rr *engine.RuleResult, ids *IDs, opts Options) {
	rule := rr.Rule
	attrs := xmlw.A("idref", ids.Rule(rule.ID), "role", rr.Role, "severity", rr.Severity)
	if !rr.Time.IsZero() {
		attrs = append(attrs, xmlw.Attr{Name: "time", Value: FormatTime(rr.Time)})
	}
	attrs = append(attrs, xmlw.A("version", rule.Version, "weight", FormatWeight(rr.Weight))...)
	x.Start("rule-result", attrs...)
	x.Leaf("result", string(rr.Status))
	for _, in := range rule.Idents {
		x.Leaf("ident", in.Value, xmlw.A("system", in.System)...)
	}
	writeDISAMetadata(x, rr.Identity)
	for _, m := range rr.Messages {
		if strings.TrimSpace(m.Text) == "" {
			continue
		}
		x.Leaf("message", m.Text, xmlw.A("severity", MessageSeverity(m.Severity))...)
	}
	for _, ev := range rr.Evidence {
		if strings.TrimSpace(ev) != "" {
			x.Leaf("message", ev, xmlw.A("severity", "info")...)
		}
	}
	if rr.Instance != "" {
		x.Leaf("instance", rr.Instance, xmlw.A("context", "multi-check")...)
	}
	if c := rr.Check; c != nil {
		writeCheck(x, c, rule, ids, opts)
	}
	x.End()
}

// writeDISAMetadata records the rule's DISA ids (those the content
// carries) in the rule-result's metadata. CCIs and legacy ids are idents
// already.
func writeDISAMetadata(x *xmlw.Writer, id xccdf.Identity) {
	if id.VulnID == "" && id.RuleStem == "" && id.STIGID == "" {
		return
	}
	ruleID := id.RuleID
	if id.RuleStem == "" {
		ruleID = "" // not DISA's Rule-ID form: the idref says it all
	}
	x.Start("metadata")
	x.Leaf("stigscan:disa", "", xmlw.A("vuln-id", id.VulnID, "rule-id", ruleID, "stig-id", id.STIGID)...)
	x.End()
}

func writeCheck(x *xmlw.Writer, c *engine.CheckOutcome, rule *xccdf.Rule, ids *IDs, opts Options) {
	attrs := xmlw.A("system", c.System)
	if c.Negate {
		attrs = append(attrs, xmlw.Attr{Name: "negate", Value: "true"})
	}
	if c.Selector != "" {
		attrs = append(attrs, xmlw.Attr{Name: "selector", Value: c.Selector})
	}
	if rule.MultiCheck {
		attrs = append(attrs, xmlw.Attr{Name: "multi-check", Value: "true"})
	}
	x.Start("check", attrs...)
	for _, ex := range c.Exports {
		x.Leaf("check-export", "", xmlw.A("value-id", ids.Value(ex.ValueID), "export-name", ex.ExportName)...)
	}
	if c.Href != "" {
		href := c.Href
		if opts.CheckHref != nil {
			href = opts.CheckHref(href)
		}
		x.Leaf("check-content-ref", "", xmlw.A("href", href, "name", c.Name)...)
	}
	if strings.TrimSpace(c.Content) != "" {
		x.Leaf("check-content", c.Content)
	}
	x.End()
}

// MessageSeverity maps a message level (OVAL's debug/info/warning/error/
// fatal included) onto XCCDF's info, warning and error.
func MessageSeverity(s string) string {
	switch strings.ToLower(s) {
	case "error", "fatal":
		return "error"
	case "warning":
		return "warning"
	}
	return "info"
}

// FormatWeight writes a weight as an xsd:decimal.
func FormatWeight(w float64) string {
	if w < 0 {
		w = 0
	}
	return strconv.FormatFloat(w, 'f', -1, 64)
}

// SourceHref turns a content path into a URI reference: a relative or
// absolute file path with the characters a URI cannot hold escaped.
func SourceHref(p string) string {
	if p == "" {
		return "unknown"
	}
	var b strings.Builder
	for _, c := range []byte(p) {
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"<>\^`+"`{|}%#", c) >= 0 {
			b.WriteString("%" + strings.ToUpper(strconv.FormatInt(int64(c)|0x100, 16)[1:]))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
