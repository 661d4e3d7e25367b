// Package cklb reads and writes STIG Viewer 3 checklists (.cklb): one JSON
// object with the target's data and, per STIG, its rules with their review.
//
// Mapping onto the format:
//
//	{title, id, target_data, stigs[], cklb_version}   Checklist, TargetData
//	stigs[]: {stig_id, version, release_info, uuid…}  STIG
//	stigs[].rules[]: {group_id, rule_id (no _rule),    Rule
//	  rule_id_src (with _rule), status, finding_details, comments, …}
//
// Statuses are not_a_finding, open, not_applicable and not_reviewed. Keys
// this package does not model (Evaluate-STIG's "evaluate-stig" objects,
// newer STIG Viewer keys) are kept and written back unchanged.
package cklb

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/report/ckl"
)

// Checklist statuses.
const (
	NotAFinding   = "not_a_finding"
	Open          = "open"
	NotApplicable = "not_applicable"
	NotReviewed   = "not_reviewed"
)

// Checklist is a whole .cklb document.
type Checklist struct {
	Title       Text       `json:"title"`
	ID          Text       `json:"id"`
	Active      bool       `json:"active"`
	Mode        int        `json:"mode"`
	HasPath     bool       `json:"has_path"`
	TargetData  TargetData `json:"target_data"`
	STIGs       []STIG     `json:"stigs"`
	CKLBVersion Text       `json:"cklb_version,omitempty"`
	// Extra holds keys this package does not model, written back as read.
	Extra map[string]json.RawMessage `json:"-"`
}

// TargetData describes the asset.
type TargetData struct {
	TargetType     Text                       `json:"target_type"` // Computing or Non-Computing
	HostName       Text                       `json:"host_name"`
	IPAddress      Text                       `json:"ip_address"`
	MACAddress     Text                       `json:"mac_address"`
	FQDN           Text                       `json:"fqdn"`
	Comments       Text                       `json:"comments"`
	Role           Text                       `json:"role"`
	IsWebDatabase  bool                       `json:"is_web_database"`
	TechnologyArea Text                       `json:"technology_area"`
	WebDBSite      Text                       `json:"web_db_site"`
	WebDBInstance  Text                       `json:"web_db_instance"`
	Extra          map[string]json.RawMessage `json:"-"`
}

// STIG is one benchmark of the checklist.
type STIG struct {
	STIGName    Text `json:"stig_name"`
	DisplayName Text `json:"display_name"`
	STIGID      Text `json:"stig_id"`
	// Version is nil when the checklist has none (null or absent), which
	// readers treat differently from "" (STIG Manager reads V0).
	Version             *Text                      `json:"version"`
	ReleaseInfo         Text                       `json:"release_info"`
	UUID                Text                       `json:"uuid"`
	ReferenceIdentifier Text                       `json:"reference_identifier"`
	Size                int                        `json:"size"`
	Rules               []Rule                     `json:"rules"`
	Extra               map[string]json.RawMessage `json:"-"`
}

// Rule is one rule and its review.
type Rule struct {
	UUID                     Text                       `json:"uuid"`
	STIGUUID                 Text                       `json:"stig_uuid"`
	TargetKey                Text                       `json:"target_key"`
	STIGRef                  Text                       `json:"stig_ref"`
	GroupID                  Text                       `json:"group_id"`
	RuleID                   Text                       `json:"rule_id"`     // SV-252134r817007
	RuleIDSrc                Text                       `json:"rule_id_src"` // SV-252134r817007_rule
	Weight                   Text                       `json:"weight"`
	Classification           Text                       `json:"classification"`
	Severity                 Text                       `json:"severity"`
	RuleVersion              Text                       `json:"rule_version"` // the STIG-ID
	GroupTitle               Text                       `json:"group_title"`
	RuleTitle                Text                       `json:"rule_title"`
	FixText                  Text                       `json:"fix_text"`
	FalsePositives           Text                       `json:"false_positives"`
	FalseNegatives           Text                       `json:"false_negatives"`
	Discussion               Text                       `json:"discussion"`
	CheckContent             Text                       `json:"check_content"`
	Documentable             Text                       `json:"documentable"`
	Mitigations              Text                       `json:"mitigations"`
	PotentialImpacts         Text                       `json:"potential_impacts"`
	ThirdPartyTools          Text                       `json:"third_party_tools"`
	MitigationControl        Text                       `json:"mitigation_control"`
	Responsibility           Text                       `json:"responsibility"`
	SecurityOverrideGuidance Text                       `json:"security_override_guidance"`
	IAControls               Text                       `json:"ia_controls"`
	CheckContentRef          CheckContentRef            `json:"check_content_ref"`
	LegacyIDs                []string                   `json:"legacy_ids"`
	CCIs                     []string                   `json:"ccis"`
	GroupTree                []GroupNode                `json:"group_tree"`
	CreatedAt                Text                       `json:"createdAt"`
	UpdatedAt                Text                       `json:"updatedAt"`
	STIGUuid                 Text                       `json:"STIGUuid"`
	Status                   Text                       `json:"status"`
	Overrides                json.RawMessage            `json:"overrides"`
	Comments                 Text                       `json:"comments"`
	FindingDetails           Text                       `json:"finding_details"`
	Extra                    map[string]json.RawMessage `json:"-"`
}

// CheckContentRef names the rule's check.
type CheckContentRef struct {
	Href Text `json:"href"`
	Name Text `json:"name"`
}

// GroupNode is one level of the rule's group tree.
type GroupNode struct {
	ID          Text `json:"id"`
	Title       Text `json:"title"`
	Description Text `json:"description"`
}

// Text is a string that reads JSON strings, numbers, booleans and null
// (null and absent read as ""): real checklists disagree on the types of
// fields such as version and target_key.
type Text string

// UnmarshalJSON accepts any scalar.
func (t *Text) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*t = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = Text(s)
	case len(b) > 0 && (b[0] == '{' || b[0] == '['):
		return fmt.Errorf("cklb: expected a string, got %.20s", b)
	default:
		*t = Text(b)
	}
	return nil
}

// The CKLB statuses are the CKL ones spelt otherwise; the mapping onto
// XCCDF result words is CKL's.
var (
	fromCKL = map[string]string{ckl.NotAFinding: NotAFinding, ckl.Open: Open, ckl.NotApplicable: NotApplicable, ckl.NotReviewed: NotReviewed}
	toCKL   = map[string]string{NotAFinding: ckl.NotAFinding, Open: ckl.Open, NotApplicable: ckl.NotApplicable, NotReviewed: ckl.NotReviewed}
)

// StatusOf maps a checklist result (XCCDF words: pass, fail,
// notapplicable, anything else) onto a CKLB status.
func StatusOf(s engine.Status) string { return fromCKL[ckl.StatusOf(s)] }

// ResultOf maps a CKLB status onto an XCCDF result word; unknown statuses
// are notchecked.
func ResultOf(status string) engine.Status { return ckl.ResultOf(toCKL[status]) }

// The types below keep unknown keys: each decodes its known fields through
// an alias type and gathers the rest into Extra; encoding appends Extra,
// sorted, after the known fields.

type (
	checklistAlias  Checklist
	targetDataAlias TargetData
	stigAlias       STIG
	ruleAlias       Rule
)

// UnmarshalJSON decodes known keys and keeps the others.
func (c *Checklist) UnmarshalJSON(b []byte) error {
	return decodeKeeping(b, (*checklistAlias)(c), &c.Extra)
}

// MarshalJSON encodes known keys, then the kept ones.
func (c Checklist) MarshalJSON() ([]byte, error) {
	return encodeKeeping(checklistAlias(c), c.Extra)
}

// UnmarshalJSON decodes known keys and keeps the others.
func (t *TargetData) UnmarshalJSON(b []byte) error {
	return decodeKeeping(b, (*targetDataAlias)(t), &t.Extra)
}

// MarshalJSON encodes known keys, then the kept ones.
func (t TargetData) MarshalJSON() ([]byte, error) {
	return encodeKeeping(targetDataAlias(t), t.Extra)
}

// UnmarshalJSON decodes known keys and keeps the others.
func (s *STIG) UnmarshalJSON(b []byte) error {
	return decodeKeeping(b, (*stigAlias)(s), &s.Extra)
}

// MarshalJSON encodes known keys, then the kept ones.
func (s STIG) MarshalJSON() ([]byte, error) {
	return encodeKeeping(stigAlias(s), s.Extra)
}

// UnmarshalJSON decodes known keys and keeps the others.
func (r *Rule) UnmarshalJSON(b []byte) error {
	if err := decodeKeeping(b, (*ruleAlias)(r), &r.Extra); err != nil {
		return err
	}
	if len(r.Overrides) > 0 {
		var c bytes.Buffer
		if err := json.Compact(&c, r.Overrides); err != nil {
			return err
		}
		r.Overrides = c.Bytes()
	}
	return nil
}

// MarshalJSON encodes known keys, then the kept ones.
func (r Rule) MarshalJSON() ([]byte, error) {
	if len(r.Overrides) == 0 {
		r.Overrides = json.RawMessage("{}")
	}
	return encodeKeeping(ruleAlias(r), r.Extra)
}

func decodeKeeping(b []byte, v any, extra *map[string]json.RawMessage) error {
	if err := json.Unmarshal(b, v); err != nil {
		return err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return err
	}
	known := jsonKeys(reflect.TypeOf(v).Elem())
	for k, v := range all {
		if known[k] {
			delete(all, k)
			continue
		}
		var c bytes.Buffer
		if err := json.Compact(&c, v); err != nil {
			return err
		}
		all[k] = c.Bytes()
	}
	if len(all) > 0 {
		*extra = all
	}
	return nil
}

func encodeKeeping(v any, extra map[string]json.RawMessage) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	b := bytes.TrimSpace(buf.Bytes())
	if len(extra) == 0 {
		return b, nil
	}
	keys := make([]string, 0, len(extra))
	for k := range extra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := append([]byte(nil), b[:len(b)-1]...)
	for i, k := range keys {
		if i > 0 || len(out) > 1 {
			out = append(out, ',')
		}
		kb, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		out = append(out, kb...)
		out = append(out, ':')
		out = append(out, extra[k]...)
	}
	return append(out, '}'), nil
}

// jsonKeys lists the JSON names of a struct type's fields.
func jsonKeys(t reflect.Type) map[string]bool {
	keys := map[string]bool{}
	for i := 0; i < t.NumField(); i++ {
		tag := t.Field(i).Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if name != "" && name != "-" {
			keys[name] = true
		}
	}
	return keys
}
