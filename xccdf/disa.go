package xccdf

import (
	"html"
	"regexp"
	"strings"
)

// Ident systems DISA uses.
const (
	SystemCCI       = "http://cyber.mil/cci"
	SystemCCIOld    = "http://iase.disa.mil/cci"
	SystemLegacy    = "http://cyber.mil/legacy"
	SystemLegacyOld = "http://iase.disa.mil/legacy"
)

// DISADescription holds the fields DISA encodes as escaped pseudo-XML inside a
// rule's description. Field text is decoded once; DISA writes literal
// placeholders such as "<database>" inside it, which are kept as written.
type DISADescription struct {
	VulnDiscussion           string
	FalsePositives           string
	FalseNegatives           string
	Documentable             string
	Mitigations              string
	SeverityOverrideGuidance string
	PotentialImpacts         string
	ThirdPartyTools          string
	MitigationControl        string
	Responsibility           string
	IAControls               string
}

var disaFields = []struct {
	name string
	get  func(*DISADescription) *string
}{
	{"VulnDiscussion", func(d *DISADescription) *string { return &d.VulnDiscussion }},
	{"FalsePositives", func(d *DISADescription) *string { return &d.FalsePositives }},
	{"FalseNegatives", func(d *DISADescription) *string { return &d.FalseNegatives }},
	{"Documentable", func(d *DISADescription) *string { return &d.Documentable }},
	{"Mitigations", func(d *DISADescription) *string { return &d.Mitigations }},
	{"SeverityOverrideGuidance", func(d *DISADescription) *string { return &d.SeverityOverrideGuidance }},
	{"PotentialImpacts", func(d *DISADescription) *string { return &d.PotentialImpacts }},
	{"ThirdPartyTools", func(d *DISADescription) *string { return &d.ThirdPartyTools }},
	{"MitigationControl", func(d *DISADescription) *string { return &d.MitigationControl }},
	{"Responsibility", func(d *DISADescription) *string { return &d.Responsibility }},
	{"IAControls", func(d *DISADescription) *string { return &d.IAControls }},
}

// parseDISADescription decodes DISA's description fields; nil when raw does
// not hold a VulnDiscussion. Responsibility may repeat; repeats are joined
// with newlines.
func parseDISADescription(raw string) *DISADescription {
	if !strings.Contains(raw, "VulnDiscussion") {
		return nil
	}
	text := html.UnescapeString(raw)
	if !strings.Contains(text, "<VulnDiscussion>") {
		return nil
	}
	d := &DISADescription{}
	for _, f := range disaFields {
		open, closing := "<"+f.name+">", "</"+f.name+">"
		rest := text
		var parts []string
		for {
			i := strings.Index(rest, open)
			if i < 0 {
				break
			}
			rest = rest[i+len(open):]
			j := strings.Index(rest, closing)
			if j < 0 {
				parts = append(parts, strings.TrimSpace(rest))
				break
			}
			if v := strings.TrimSpace(rest[:j]); v != "" {
				parts = append(parts, v)
			}
			rest = rest[j+len(closing):]
		}
		*f.get(d) = strings.Join(parts, "\n")
	}
	return d
}

// Identity is what results are keyed by: DISA's ids for a rule.
type Identity struct {
	VulnID    string   // V-252170: the Group id in DISA content
	RuleID    string   // SV-252170r879673_rule
	RuleStem  string   // SV-252170
	Revision  string   // 879673
	STIGID    string   // MD4X-00-004400: the rule's version
	CCIs      []string // CCI-002361
	LegacyIDs []string // V-61765, SV-76255
}

var (
	reVulnID = regexp.MustCompile(`(?:^|_)(V-\d+)$`)
	reRuleID = regexp.MustCompile(`(?:^|_)((SV-\d+)r(\d+)_rule)$`)
	reStem   = regexp.MustCompile(`(?:^|_)(SV-\d+)(?:_rule)?$`)
)

func identify(r *Rule) Identity {
	id := Identity{RuleID: r.ID, STIGID: r.Version}
	if m := reRuleID.FindStringSubmatch(r.ID); m != nil {
		id.RuleID, id.RuleStem, id.Revision = m[1], m[2], m[3]
	} else if m := reStem.FindStringSubmatch(r.ID); m != nil {
		id.RuleID, id.RuleStem = m[0][strings.LastIndex(m[0], "SV-"):], m[1]
	}
	if r.Parent != nil {
		if m := reVulnID.FindStringSubmatch(r.Parent.ID); m != nil {
			id.VulnID = m[1]
		}
	}
	for _, in := range r.Idents {
		switch in.System {
		case SystemCCI, SystemCCIOld:
			id.CCIs = append(id.CCIs, in.Value)
		case SystemLegacy, SystemLegacyOld:
			id.LegacyIDs = append(id.LegacyIDs, in.Value)
		}
	}
	return id
}

// Identity returns the rule's DISA ids. Fields are empty when the content does
// not carry them (non-DISA content, or old DISA files without idents).
func (r *Rule) Identity() Identity { return r.ids }

// FixText returns the rule's first fixtext as plain text.
func (r *Rule) FixText() string {
	if len(r.FixTexts) == 0 {
		return ""
	}
	return r.FixTexts[0].Text.Plain()
}

// CheckText returns the inline check-content of the rule's first check that
// has one (DISA's manual Check Text).
func (r *Rule) CheckText() string {
	for _, c := range r.Checks {
		if c.Content != "" {
			return c.Content
		}
	}
	return ""
}

// RulePair is a rule present in two benchmarks (two releases of one STIG).
type RulePair struct {
	Old, New *Rule
	By       string // "vuln-id", "legacy-id" or "stig-id"
}

// MatchRules pairs the rules of two releases of a STIG. DISA bumps the Rule-ID
// revision between releases even when nothing changed, so rules are matched by
// Vuln-ID, else by a shared legacy id, else by STIG-ID — never by the full
// Rule-ID alone. Each rule pairs at most once; pairs follow new's order.
func MatchRules(old, new *Benchmark) []RulePair {
	byVuln := map[string]*Rule{}
	byLegacy := map[string]*Rule{}
	bySTIG := map[string]*Rule{}
	for _, r := range old.Rules {
		id := r.Identity()
		if id.VulnID != "" {
			byVuln[id.VulnID] = r
		}
		for _, l := range id.LegacyIDs {
			byLegacy[l] = r
		}
		if id.STIGID != "" {
			bySTIG[id.STIGID] = r
		}
	}
	used := map[*Rule]bool{}
	var pairs []RulePair
	for _, r := range new.Rules {
		id := r.Identity()
		var match *Rule
		by := ""
		if m := byVuln[id.VulnID]; id.VulnID != "" && m != nil && !used[m] {
			match, by = m, "vuln-id"
		}
		if match == nil {
			for _, l := range id.LegacyIDs {
				if m := byLegacy[l]; m != nil && !used[m] {
					match, by = m, "legacy-id"
					break
				}
			}
		}
		if match == nil && id.STIGID != "" {
			if m := bySTIG[id.STIGID]; m != nil && !used[m] {
				match, by = m, "stig-id"
			}
		}
		if match != nil {
			used[match] = true
			pairs = append(pairs, RulePair{Old: match, New: r, By: by})
		}
	}
	return pairs
}
