package xccdf

import (
	"fmt"
	"strings"
)

// Selection is a benchmark resolved for one profile: which rules are selected
// and what every Value is. It is computed once and read concurrently.
type Selection struct {
	Benchmark *Benchmark
	Profile   *Profile // nil for the benchmark's default selection
	// Rules are the selected rules in document order.
	Rules []*SelectedRule
	// Values maps every Value id to its effective value for the profile.
	Values map[string]string
	// Problems are references the profile makes that the benchmark lacks.
	Problems Problems

	selected map[string]bool
}

// SelectedRule is a selected rule with the profile's refinements applied.
type SelectedRule struct {
	*Rule
	Severity string
	Weight   float64
	Role     string
	Selector string // check selector from refine-rule
}

// IsSelected reports whether a rule is selected (and all its groups are).
func (s *Selection) IsSelected(ruleID string) bool { return s.selected[ruleID] }

// ProfileOrigin names where a profile was looked up.
type profileSource interface {
	Profile(id string) *Profile
}

// Resolve computes the selection for profileID ("" for the default). Profiles
// are looked up in the tailoring first (when given), then in the benchmark;
// `extends` may cross from a tailoring profile to a benchmark one.
func Resolve(b *Benchmark, t *Tailoring, profileID string) (*Selection, error) {
	s := &Selection{Benchmark: b, Values: map[string]string{}, selected: map[string]bool{}}
	var chain []*Profile
	if profileID != "" {
		var err error
		chain, err = profileChain(b, t, profileID)
		if err != nil {
			return nil, err
		}
		s.Profile = chain[len(chain)-1]
	}

	// Item selection: defaults, then each profile's selects, ancestors first.
	own := make(map[string]bool, len(b.Rules)+len(b.Groups))
	for _, g := range b.Groups {
		own[g.ID] = g.Selected
	}
	for _, r := range b.Rules {
		own[r.ID] = r.Selected
	}
	clusters := b.clusters()
	setValue := map[string]string{}
	selector := map[string]string{}
	refine := map[string]RefineRule{}
	for _, p := range chain {
		for _, sel := range p.Selects {
			if _, ok := own[sel.IDRef]; ok {
				own[sel.IDRef] = sel.Selected
				continue
			}
			if members, ok := clusters[sel.IDRef]; ok {
				for _, id := range members {
					own[id] = sel.Selected
				}
				continue
			}
			s.Problems = append(s.Problems, &ContentError{File: b.Source, ID: p.ID, Msg: fmt.Sprintf("select refers to %q, which is no rule, group or cluster", sel.IDRef)})
		}
		for _, sv := range p.SetValues {
			if b.Value(sv.IDRef) == nil {
				s.Problems = append(s.Problems, &ContentError{File: b.Source, ID: p.ID, Msg: fmt.Sprintf("set-value refers to unknown Value %q", sv.IDRef)})
				continue
			}
			setValue[sv.IDRef] = sv.Value
			delete(selector, sv.IDRef)
		}
		for _, rv := range p.RefineValue {
			if b.Value(rv.IDRef) == nil {
				s.Problems = append(s.Problems, &ContentError{File: b.Source, ID: p.ID, Msg: fmt.Sprintf("refine-value refers to unknown Value %q", rv.IDRef)})
				continue
			}
			selector[rv.IDRef] = rv.Selector
			delete(setValue, rv.IDRef)
		}
		for _, rr := range p.RefineRules {
			targets := []string{rr.IDRef}
			if members, ok := clusters[rr.IDRef]; ok {
				targets = members
			}
			for _, id := range targets {
				prev := refine[id]
				if rr.Severity != "" {
					prev.Severity = rr.Severity
				}
				if rr.Weight != nil {
					prev.Weight = rr.Weight
				}
				if rr.Role != "" {
					prev.Role = rr.Role
				}
				if rr.Selector != "" {
					prev.Selector = rr.Selector
				}
				refine[id] = prev
			}
		}
	}

	for _, r := range b.Rules {
		if !own[r.ID] || !ancestorsSelected(r.Parent, own) {
			continue
		}
		sr := &SelectedRule{Rule: r, Severity: r.Severity, Weight: r.Weight, Role: r.Role}
		if rr, ok := refine[r.ID]; ok {
			if rr.Severity != "" {
				sr.Severity = rr.Severity
			}
			if rr.Weight != nil {
				sr.Weight = *rr.Weight
			}
			if rr.Role != "" {
				sr.Role = rr.Role
			}
			sr.Selector = rr.Selector
		}
		s.selected[r.ID] = true
		s.Rules = append(s.Rules, sr)
	}
	for _, v := range b.Values {
		if val, ok := setValue[v.ID]; ok {
			s.Values[v.ID] = val
			continue
		}
		s.Values[v.ID] = v.Select(selector[v.ID])
	}
	return s, nil
}

// Select returns the value for a selector, falling back to the default
// (unselected) value when the selector is unknown.
func (v *Value) Select(selector string) string {
	if val, ok := v.Values[selector]; ok {
		return val
	}
	if val, ok := v.Values[""]; ok {
		return val
	}
	if val, ok := v.Defaults[selector]; ok {
		return val
	}
	if val, ok := v.Defaults[""]; ok {
		return val
	}
	if len(v.valueOrder) > 0 {
		return v.Values[v.valueOrder[0]]
	}
	return ""
}

func ancestorsSelected(g *Group, own map[string]bool) bool {
	for ; g != nil; g = g.Parent {
		if !own[g.ID] {
			return false
		}
	}
	return true
}

// clusters maps cluster-id to the ids of the groups and rules that carry it.
func (b *Benchmark) clusters() map[string][]string {
	m := map[string][]string{}
	for _, g := range b.Groups {
		if g.ClusterID != "" {
			m[g.ClusterID] = append(m[g.ClusterID], g.ID)
		}
	}
	for _, r := range b.Rules {
		if r.ClusterID != "" {
			m[r.ClusterID] = append(m[r.ClusterID], r.ID)
		}
	}
	return m
}

// profileChain returns the profile and its `extends` ancestors, root first.
func profileChain(b *Benchmark, t *Tailoring, id string) ([]*Profile, error) {
	var chain []*Profile
	seen := map[string]bool{}
	for cur := id; cur != ""; {
		if seen[cur] {
			return nil, &ContentError{File: b.Source, ID: id, Msg: "profile extends itself through " + strings.Join(profileIDs(chain), " → ")}
		}
		seen[cur] = true
		var p *Profile
		if t != nil {
			p = t.Profile(cur)
		}
		if p == nil {
			p = b.Profile(cur)
		}
		if p == nil {
			p = b.profileBySuffix(cur)
		}
		if p == nil {
			if cur == id {
				return nil, &ContentError{File: b.Source, ID: id, Msg: "no such profile (" + b.profileList() + ")", Err: ErrNotFound}
			}
			return nil, &ContentError{File: b.Source, ID: id, Msg: fmt.Sprintf("extends unknown profile %q", cur), Err: ErrNotFound}
		}
		chain = append(chain, p)
		cur = p.Extends
	}
	for i, j := 0, len(chain)-1; i < j; i, j = i+1, j-1 {
		chain[i], chain[j] = chain[j], chain[i]
	}
	return chain, nil
}

// profileBySuffix lets users name "stig" for
// "xccdf_org.ssgproject.content_profile_stig", as oscap does, when the suffix
// is unambiguous.
func (b *Benchmark) profileBySuffix(id string) *Profile {
	var found *Profile
	for _, p := range b.Profiles {
		if strings.HasSuffix(p.ID, "_profile_"+id) || strings.HasSuffix(p.ID, "_"+id) {
			if found != nil {
				return nil
			}
			found = p
		}
	}
	return found
}

func (b *Benchmark) profileList() string {
	if len(b.Profiles) == 0 {
		return "the benchmark has no profiles"
	}
	return "profiles: " + strings.Join(profileIDs(b.Profiles), ", ")
}

func profileIDs(ps []*Profile) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}
