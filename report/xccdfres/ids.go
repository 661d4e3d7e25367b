package xccdfres

import (
	"regexp"
	"strings"

	"github.com/stigscan/stigscan/xccdf"
)

// Reverse-DNS names stigscan writes into XCCDF 1.2 ids.
const (
	// DISAReverseDNS is the name DISA's own XCCDF 1.2 (SCAP) benchmarks use,
	// and the prefix DISA's results consumers strip to find the Rule-ID.
	DISAReverseDNS = "mil.disa.stig"
	// ProducerReverseDNS names stigscan as the producer of TestResult ids,
	// and of converted ids of non-DISA XCCDF 1.1 content.
	ProducerReverseDNS = "io.stigscan"
)

// Kinds of XCCDF 1.2 ids (the word between the reverse-DNS name and the
// local part: xccdf_<dns>_<kind>_<local>).
const (
	KindBenchmark  = "benchmark"
	KindProfile    = "profile"
	KindGroup      = "group"
	KindRule       = "rule"
	KindValue      = "value"
	KindTestResult = "testresult"
)

var reID12 = regexp.MustCompile(`^xccdf_[^_]+_(benchmark|profile|group|rule|value|testresult|tailoring)_.+$`)

// IDs maps a benchmark's ids to the XCCDF 1.2 ids written in results.
//
// XCCDF 1.2 requires ids of the form xccdf_<reverse-DNS>_<kind>_<name>.
// Ids that already have that form are kept as they are. XCCDF 1.1 ids (DISA's
// "Manual" STIGs: "SV-252170r879673_rule", Group "V-252170") are converted
// the way DISA itself publishes the same rules as XCCDF 1.2:
// xccdf_mil.disa.stig_rule_SV-252170r879673_rule. Content that does not
// look like DISA's gets the reverse-DNS name io.stigscan instead.
// An IDs is immutable and safe for concurrent use.
type IDs struct {
	b   *xccdf.Benchmark
	dns string
}

// NewIDs returns the id mapping of b.
func NewIDs(b *xccdf.Benchmark) *IDs {
	dns := ProducerReverseDNS
	if looksDISA(b) {
		dns = DISAReverseDNS
	}
	return &IDs{b: b, dns: dns}
}

// looksDISA reports whether a benchmark keys its rules DISA's way.
func looksDISA(b *xccdf.Benchmark) bool {
	if b == nil {
		return false
	}
	for _, r := range b.Rules {
		if r.Identity().RuleStem != "" {
			return true
		}
	}
	return false
}

// Convert returns id as an XCCDF 1.2 id of the given kind.
func (m *IDs) Convert(kind, id string) string {
	if id == "" || reID12.MatchString(id) {
		return id
	}
	return "xccdf_" + m.dns + "_" + kind + "_" + id
}

// Benchmark returns the benchmark's 1.2 id.
func (m *IDs) Benchmark() string {
	if m.b == nil {
		return ""
	}
	return m.Convert(KindBenchmark, m.b.ID)
}

// Rule returns a rule's 1.2 id.
func (m *IDs) Rule(id string) string { return m.Convert(KindRule, id) }

// Group returns a group's 1.2 id.
func (m *IDs) Group(id string) string { return m.Convert(KindGroup, id) }

// Value returns a value's 1.2 id.
func (m *IDs) Value(id string) string { return m.Convert(KindValue, id) }

// Profile returns a profile's 1.2 id.
func (m *IDs) Profile(id string) string { return m.Convert(KindProfile, id) }

// Item converts the id of whatever item of the benchmark it names (a
// select or refine idref). Ids the benchmark does not define are kept.
func (m *IDs) Item(id string) string {
	if m.b == nil {
		return id
	}
	switch m.b.Lookup(id).(type) {
	case *xccdf.Group:
		return m.Group(id)
	case *xccdf.Value:
		return m.Value(id)
	case *xccdf.Profile:
		return m.Profile(id)
	case *xccdf.Rule:
		return m.Rule(id)
	}
	// A cluster-id (selects may name one) is no item id: it keeps its name.
	return id
}

// TestResultID returns the TestResult id for a profile ("" for the default
// selection): xccdf_io.stigscan_testresult_<profile>.
func TestResultID(profileID string) string {
	name := profileID
	if name == "" {
		name = "default"
	}
	return "xccdf_" + ProducerReverseDNS + "_" + KindTestResult + "_" + ncname(name)
}

// ncname replaces characters an NCName cannot hold.
func ncname(s string) string {
	var b strings.Builder
	for i, r := range s {
		ok := r == '_' || r == '-' || r == '.' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r > 0x7f
		if i == 0 && (r == '-' || r == '.' || r >= '0' && r <= '9') {
			ok = false
		}
		if ok {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}
