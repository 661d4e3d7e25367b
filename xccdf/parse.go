package xccdf

import (
	"encoding/xml"
	"errors"
	"math"
	"strconv"
	"strings"
)

func isXCCDF(n xml.Name) bool { return n.Space == NS12 || n.Space == NS11 }

// parseBenchmark reads a Benchmark element whose start tag r just returned.
func parseBenchmark(r *reader, se xml.StartElement) (*Benchmark, error) {
	b := &Benchmark{
		ID:        attr(se, "id"),
		Namespace: se.Name.Space,
		Resolved:  boolAttr(se, "resolved", false),
		Source:    r.file,
		byID:      map[string]any{},
	}
	if b.ID == "" {
		return nil, r.errorf("", "Benchmark has no id")
	}
	err := r.children(func(c xml.StartElement) error {
		if c.Name.Space == NSCPELang && c.Name.Local == "platform-specification" {
			return parsePlatformSpec(r, b)
		}
		if !isXCCDF(c.Name) {
			return r.skip()
		}
		var err error
		switch c.Name.Local {
		case "status":
			var s Status
			s.Date = attr(c, "date")
			s.Value, err = r.text()
			b.Status = append(b.Status, s)
		case "title":
			if b.Title == "" {
				b.Title, err = r.text()
			} else {
				err = r.skip()
			}
		case "description":
			if b.Description.IsZero() {
				b.Description, err = r.rawText()
			} else {
				err = r.skip()
			}
		case "version":
			b.Version, err = r.text()
		case "plain-text":
			var t string
			t, err = r.text()
			if attr(c, "id") == "release-info" {
				b.ReleaseInfo = t
			}
		case "platform":
			b.Platforms = append(b.Platforms, attr(c, "idref"))
			err = r.skip()
		case "reference":
			var ref Reference
			ref, err = parseReference(r, c)
			b.References = append(b.References, ref)
		case "Profile":
			var p *Profile
			p, err = parseProfile(r, c)
			if p != nil {
				p.Origin = b.ID
				b.Profiles = append(b.Profiles, p)
			}
		case "Group", "Rule", "Value":
			var it Item
			it, err = parseItem(r, c, b, nil)
			if it != nil {
				b.Items = append(b.Items, it)
			}
		default:
			err = r.skip()
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

func parseReference(r *reader, se xml.StartElement) (Reference, error) {
	ref := Reference{Href: attr(se, "href")}
	var err error
	ref.Value, err = r.innerText()
	return ref, err
}

func (b *Benchmark) register(r *reader, id string, item any) error {
	if id == "" {
		return r.errorf("", "item without an id")
	}
	if _, dup := b.byID[id]; dup {
		return r.errorf(id, "duplicate id")
	}
	b.byID[id] = item
	return nil
}

func parseItem(r *reader, se xml.StartElement, b *Benchmark, parent *Group) (Item, error) {
	switch se.Name.Local {
	case "Group":
		g := &Group{
			ID:        attr(se, "id"),
			Selected:  boolAttr(se, "selected", true),
			Weight:    1,
			Hidden:    boolAttr(se, "hidden", false),
			Abstract:  boolAttr(se, "abstract", false),
			ClusterID: attr(se, "cluster-id"),
			Parent:    parent,
		}
		if w := attr(se, "weight"); w != "" {
			f, err := parseWeight(w)
			if err != nil {
				return nil, r.errorf(g.ID, "invalid weight %q", w)
			}
			g.Weight = f
		}
		if err := b.register(r, g.ID, g); err != nil {
			return nil, err
		}
		b.Groups = append(b.Groups, g)
		err := r.children(func(c xml.StartElement) error {
			if !isXCCDF(c.Name) {
				return r.skip()
			}
			var err error
			switch c.Name.Local {
			case "title":
				g.Title, err = r.text()
			case "description":
				g.Description, err = r.rawText()
			case "platform":
				g.Platforms = append(g.Platforms, attr(c, "idref"))
				err = r.skip()
			case "Group", "Rule", "Value":
				var it Item
				it, err = parseItem(r, c, b, g)
				if it != nil {
					g.Items = append(g.Items, it)
				}
			default:
				err = r.skip()
			}
			return err
		})
		return g, err
	case "Rule":
		return parseRule(r, se, b, parent)
	case "Value":
		return parseValue(r, se, b, parent)
	}
	return nil, r.skip()
}

func parseRule(r *reader, se xml.StartElement, b *Benchmark, parent *Group) (*Rule, error) {
	rule := &Rule{
		ID:        attr(se, "id"),
		Severity:  attr(se, "severity"),
		Role:      attr(se, "role"),
		Selected:  boolAttr(se, "selected", true),
		Hidden:    boolAttr(se, "hidden", false),
		Abstract:  boolAttr(se, "abstract", false),
		ClusterID: attr(se, "cluster-id"),
		Weight:    1,
		Parent:    parent,
	}
	if rule.Severity == "" {
		rule.Severity = "unknown"
	}
	if rule.Role == "" {
		rule.Role = "full"
	}
	if w := attr(se, "weight"); w != "" {
		f, err := parseWeight(w)
		if err != nil {
			return nil, r.errorf(rule.ID, "invalid weight %q", w)
		}
		rule.Weight = f
	}
	if err := b.register(r, rule.ID, rule); err != nil {
		return nil, err
	}
	err := r.children(func(c xml.StartElement) error {
		if !isXCCDF(c.Name) {
			return r.skip()
		}
		var err error
		switch c.Name.Local {
		case "title":
			rule.Title, err = r.innerText()
		case "description":
			rule.Description, err = r.rawText()
		case "rationale":
			rule.Rationale, err = r.rawText()
		case "version":
			rule.Version, err = r.innerText()
		case "platform":
			rule.Platforms = append(rule.Platforms, attr(c, "idref"))
			err = r.skip()
		case "ident":
			id := Ident{System: attr(c, "system")}
			id.Value, err = r.innerText()
			rule.Idents = append(rule.Idents, id)
		case "reference":
			var ref Reference
			ref, err = parseReference(r, c)
			rule.References = append(rule.References, ref)
		case "fixtext":
			ft := FixText{FixRef: attr(c, "fixref")}
			ft.Text, err = r.rawText()
			rule.FixTexts = append(rule.FixTexts, ft)
		case "warning":
			w := Warning{Category: attr(c, "category")}
			if w.Category == "" {
				w.Category = "general"
			}
			w.Text, err = r.rawText()
			rule.Warnings = append(rule.Warnings, w)
		case "fix":
			f := Fix{
				ID:         attr(c, "id"),
				System:     attr(c, "system"),
				Complexity: attr(c, "complexity"),
				Disruption: attr(c, "disruption"),
				Reboot:     boolAttr(c, "reboot", false),
				Strategy:   attr(c, "strategy"),
			}
			f.Content, err = r.innerText()
			rule.Fixes = append(rule.Fixes, f)
		case "check":
			var ch Check
			ch, err = parseCheck(r, c)
			if ch.MultiCheck {
				rule.MultiCheck = true
			}
			rule.Checks = append(rule.Checks, ch)
		case "complex-check":
			rule.ComplexCheck, err = parseComplexCheck(r, c)
		default:
			err = r.skip()
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	rule.DISA = parseDISADescription(rule.Description.Raw)
	rule.ids = identify(rule)
	b.Rules = append(b.Rules, rule)
	return rule, nil
}

func parseCheck(r *reader, se xml.StartElement) (Check, error) {
	ch := Check{
		System:     attr(se, "system"),
		Selector:   attr(se, "selector"),
		Negate:     boolAttr(se, "negate", false),
		MultiCheck: boolAttr(se, "multi-check", false),
	}
	err := r.children(func(c xml.StartElement) error {
		if !isXCCDF(c.Name) {
			return r.skip()
		}
		var err error
		switch c.Name.Local {
		case "check-export":
			ch.Exports = append(ch.Exports, Export{ValueID: attr(c, "value-id"), ExportName: attr(c, "export-name")})
			err = r.skip()
		case "check-content-ref":
			ch.ContentRefs = append(ch.ContentRefs, ContentRef{Href: attr(c, "href"), Name: attr(c, "name")})
			err = r.skip()
		case "check-content":
			ch.Content, err = r.innerText()
		case "check-import":
			ch.ImportNames = append(ch.ImportNames, attr(c, "import-name"))
			err = r.skip()
		default:
			err = r.skip()
		}
		return err
	})
	return ch, err
}

func parseComplexCheck(r *reader, se xml.StartElement) (*ComplexCheck, error) {
	cc := &ComplexCheck{Operator: strings.ToUpper(attr(se, "operator")), Negate: boolAttr(se, "negate", false)}
	if cc.Operator == "" {
		cc.Operator = "AND"
	}
	err := r.children(func(c xml.StartElement) error {
		if !isXCCDF(c.Name) {
			return r.skip()
		}
		switch c.Name.Local {
		case "check":
			ch, err := parseCheck(r, c)
			cc.Checks = append(cc.Checks, ch)
			return err
		case "complex-check":
			sub, err := parseComplexCheck(r, c)
			if sub != nil {
				cc.Complex = append(cc.Complex, sub)
			}
			return err
		}
		return r.skip()
	})
	return cc, err
}

func parseValue(r *reader, se xml.StartElement, b *Benchmark, parent *Group) (*Value, error) {
	v := &Value{
		ID:          attr(se, "id"),
		Type:        attr(se, "type"),
		Operator:    attr(se, "operator"),
		Interactive: boolAttr(se, "interactive", false),
		Hidden:      boolAttr(se, "hidden", false),
		Values:      map[string]string{},
		Parent:      parent,
	}
	if v.Type == "" {
		v.Type = "string"
	}
	if v.Operator == "" {
		v.Operator = "equals"
	}
	if err := b.register(r, v.ID, v); err != nil {
		return nil, err
	}
	setMap := func(m *map[string]string, sel, val string) {
		if *m == nil {
			*m = map[string]string{}
		}
		(*m)[sel] = val
	}
	err := r.children(func(c xml.StartElement) error {
		if !isXCCDF(c.Name) {
			return r.skip()
		}
		sel := attr(c, "selector")
		switch c.Name.Local {
		case "title":
			t, err := r.text()
			v.Title = t
			return err
		case "description":
			t, err := r.rawText()
			v.Description = t
			return err
		case "value":
			t, err := r.text()
			if _, seen := v.Values[sel]; !seen {
				v.valueOrder = append(v.valueOrder, sel)
			}
			v.Values[sel] = t
			return err
		case "default":
			t, err := r.text()
			setMap(&v.Defaults, sel, t)
			return err
		case "lower-bound":
			t, err := r.text()
			setMap(&v.LowerBound, sel, t)
			return err
		case "upper-bound":
			t, err := r.text()
			setMap(&v.UpperBound, sel, t)
			return err
		case "choices":
			var list []string
			err := r.children(func(ch xml.StartElement) error {
				if ch.Name.Local != "choice" {
					return r.skip()
				}
				t, err := r.text()
				list = append(list, t)
				return err
			})
			if v.Choices == nil {
				v.Choices = map[string][]string{}
			}
			v.Choices[sel] = list
			return err
		}
		return r.skip()
	})
	if err != nil {
		return nil, err
	}
	b.Values = append(b.Values, v)
	return v, nil
}

func parseProfile(r *reader, se xml.StartElement) (*Profile, error) {
	p := &Profile{
		ID:       attr(se, "id"),
		Extends:  attr(se, "extends"),
		Abstract: boolAttr(se, "abstract", false),
	}
	if p.ID == "" {
		return nil, r.errorf("", "Profile has no id")
	}
	err := r.children(func(c xml.StartElement) error {
		if !isXCCDF(c.Name) {
			return r.skip()
		}
		var err error
		switch c.Name.Local {
		case "title":
			if p.Title == "" {
				p.Title, err = r.text()
			} else {
				err = r.skip()
			}
		case "description":
			if p.Description.IsZero() {
				p.Description, err = r.rawText()
			} else {
				err = r.skip()
			}
		case "platform":
			p.Platforms = append(p.Platforms, attr(c, "idref"))
			err = r.skip()
		case "select":
			p.Selects = append(p.Selects, Select{IDRef: attr(c, "idref"), Selected: boolAttr(c, "selected", true)})
			err = r.skip()
		case "set-value":
			sv := SetValue{IDRef: attr(c, "idref")}
			sv.Value, err = r.text()
			p.SetValues = append(p.SetValues, sv)
		case "refine-value":
			p.RefineValue = append(p.RefineValue, RefineValue{IDRef: attr(c, "idref"), Selector: attr(c, "selector"), Operator: attr(c, "operator")})
			err = r.skip()
		case "refine-rule":
			rr := RefineRule{IDRef: attr(c, "idref"), Selector: attr(c, "selector"), Severity: attr(c, "severity"), Role: attr(c, "role")}
			if w := attr(c, "weight"); w != "" {
				f, perr := parseWeight(w)
				if perr != nil {
					return r.errorf(p.ID, "refine-rule %s: invalid weight %q", rr.IDRef, w)
				}
				rr.Weight = &f
			}
			p.RefineRules = append(p.RefineRules, rr)
			err = r.skip()
		default:
			err = r.skip()
		}
		return err
	})
	return p, err
}

func parsePlatformSpec(r *reader, b *Benchmark) error {
	if b.PlatformSpecs == nil {
		b.PlatformSpecs = map[string]*Platform{}
	}
	return r.children(func(c xml.StartElement) error {
		if c.Name.Space != NSCPELang || c.Name.Local != "platform" {
			return r.skip()
		}
		p := &Platform{ID: attr(c, "id")}
		err := r.children(func(e xml.StartElement) error {
			switch e.Name.Local {
			case "title":
				t, err := r.text()
				p.Title = t
				return err
			case "logical-test":
				lt, err := parseLogicalTest(r, e)
				p.Test = lt
				return err
			}
			return r.skip()
		})
		if err != nil {
			return err
		}
		if p.ID == "" || p.Test == nil {
			return r.errorf(p.ID, "cpe-lang:platform needs an id and a logical-test")
		}
		b.PlatformSpecs[p.ID] = p
		return nil
	})
}

func parseLogicalTest(r *reader, se xml.StartElement) (*LogicalTest, error) {
	lt := &LogicalTest{Operator: strings.ToUpper(attr(se, "operator")), Negate: boolAttr(se, "negate", false)}
	if lt.Operator == "" {
		lt.Operator = "AND"
	}
	err := r.children(func(c xml.StartElement) error {
		switch c.Name.Local {
		case "logical-test":
			sub, err := parseLogicalTest(r, c)
			if sub != nil {
				lt.Tests = append(lt.Tests, sub)
			}
			return err
		case "fact-ref":
			lt.FactRefs = append(lt.FactRefs, attr(c, "name"))
		case "check-fact-ref":
			lt.CheckFactRefs = append(lt.CheckFactRefs, CheckFactRef{System: attr(c, "system"), Href: attr(c, "href"), IDRef: attr(c, "id-ref")})
		}
		return r.skip()
	})
	return lt, err
}

// parseWeight reads an XCCDF weight: a finite number, zero or more. NaN
// or an infinity would make every score NaN, which no results format can
// carry.
func parseWeight(w string) (float64, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(w), 64)
	if err != nil {
		return 0, err
	}
	if math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
		return 0, errors.New("not a finite non-negative number")
	}
	return f, nil
}
