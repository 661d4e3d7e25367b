package xccdfres

import (
	"bytes"
	"html"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/stigscan/stigscan/internal/xmlw"
	"github.com/stigscan/stigscan/xccdf"
)

// writeBenchmark writes b as an XCCDF 1.2 Benchmark from the parsed model,
// every id converted by ids. extra is a profile to add (one that came from
// a tailoring file); inside writes what goes after the rules (TestResult).
//
// What the model does not keep is not written: XHTML markup in texts is
// reduced to plain text, platforms that name a CPE applicability-language
// specification by "#id" are left out (the specification is not carried
// over), and references keep their text and href only.
func writeBenchmark(x *xmlw.Writer, b *xccdf.Benchmark, extra *xccdf.Profile, ids *IDs, inside func()) {
	attrs := xmlw.A("xmlns", NS, "xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance", "id", ids.Benchmark())
	if b.Resolved {
		attrs = append(attrs, xmlw.Attr{Name: "resolved", Value: "true"})
	}
	x.Start("Benchmark", attrs...)
	if len(b.Status) == 0 {
		x.Leaf("status", "draft")
	}
	for _, s := range b.Status {
		x.Leaf("status", orDefault(s.Value, "draft"), xmlw.A("date", s.Date)...)
	}
	x.Leaf("title", orDefault(b.Title, b.ID))
	writeText(x, "description", b.Description)
	for _, ref := range b.References {
		x.Leaf("reference", ref.Value, xmlw.A("href", ref.Href)...)
	}
	if b.ReleaseInfo != "" {
		x.Leaf("plain-text", b.ReleaseInfo, xmlw.A("id", "release-info")...)
	}
	writePlatforms(x, b.Platforms)
	x.Leaf("version", orDefault(b.Version, "0"))
	for _, p := range b.Profiles {
		writeProfile(x, p, ids)
	}
	if extra != nil && b.Profile(extra.ID) == nil {
		writeProfile(x, extra, ids)
	}
	writeItems(x, b.Items, ids)
	if inside != nil {
		inside()
	}
	x.End()
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// textOf returns an XCCDF text's content as plain text. DISA writes its
// descriptions as escaped text with no markup: that is decoded exactly.
func textOf(t xccdf.Text) string {
	if !strings.Contains(t.Raw, "<") {
		return html.UnescapeString(t.Raw)
	}
	return t.Plain()
}

func writeText(x *xmlw.Writer, name string, t xccdf.Text) {
	if t.IsZero() {
		return
	}
	x.Leaf(name, textOf(t))
}

func writePlatforms(x *xmlw.Writer, ps []string) {
	for _, p := range ps {
		if p != "" && !strings.HasPrefix(p, "#") {
			x.Leaf("platform", "", xmlw.A("idref", p)...)
		}
	}
}

func writeProfile(x *xmlw.Writer, p *xccdf.Profile, ids *IDs) {
	attrs := xmlw.A("id", ids.Profile(p.ID))
	if p.Abstract {
		attrs = append(attrs, xmlw.Attr{Name: "abstract", Value: "true"})
	}
	if p.Extends != "" {
		attrs = append(attrs, xmlw.Attr{Name: "extends", Value: ids.Profile(p.Extends)})
	}
	x.Start("Profile", attrs...)
	x.Leaf("title", orDefault(p.Title, p.ID))
	writeText(x, "description", p.Description)
	writePlatforms(x, p.Platforms)
	for _, s := range p.Selects {
		x.Leaf("select", "", xmlw.A("idref", ids.Item(s.IDRef), "selected", strconv.FormatBool(s.Selected))...)
	}
	for _, sv := range p.SetValues {
		writeSetValue(x, ids.Value(sv.IDRef), sv.Value)
	}
	for _, rv := range p.RefineValue {
		x.Leaf("refine-value", "", xmlw.A("idref", ids.Value(rv.IDRef), "selector", rv.Selector, "operator", rv.Operator)...)
	}
	for _, rr := range p.RefineRules {
		attrs := xmlw.A("idref", ids.Item(rr.IDRef), "selector", rr.Selector, "severity", rr.Severity, "role", rr.Role)
		if rr.Weight != nil {
			attrs = append(attrs, xmlw.Attr{Name: "weight", Value: FormatWeight(*rr.Weight)})
		}
		x.Leaf("refine-rule", "", attrs...)
	}
	x.End()
}

// writeItems writes Values first, then Groups and Rules, as XCCDF 1.2
// orders them.
func writeItems(x *xmlw.Writer, items []xccdf.Item, ids *IDs) {
	for _, it := range items {
		if v, ok := it.(*xccdf.Value); ok {
			writeValue(x, v, ids)
		}
	}
	for _, it := range items {
		switch v := it.(type) {
		case *xccdf.Group:
			writeGroup(x, v, ids)
		case *xccdf.Rule:
			writeRule(x, v, ids)
		}
	}
}

// selectors returns a selector-keyed map's keys, the default ("") first.
func selectors(ms ...map[string]string) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range ms {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.Strings(out) // "" sorts first
	return out
}

func writeValue(x *xmlw.Writer, v *xccdf.Value, ids *IDs) {
	attrs := xmlw.A("id", ids.Value(v.ID), "type", v.Type, "operator", v.Operator)
	if v.Interactive {
		attrs = append(attrs, xmlw.Attr{Name: "interactive", Value: "true"})
	}
	if v.Hidden {
		attrs = append(attrs, xmlw.Attr{Name: "hidden", Value: "true"})
	}
	x.Start("Value", attrs...)
	x.Leaf("title", orDefault(v.Title, v.ID))
	writeText(x, "description", v.Description)
	sels := selectors(v.Values)
	if len(sels) == 0 {
		x.Leaf("value", "")
	}
	for _, s := range sels {
		x.Leaf("value", v.Values[s], xmlw.A("selector", s)...)
	}
	for _, s := range selectors(v.Defaults) {
		x.Leaf("default", v.Defaults[s], xmlw.A("selector", s)...)
	}
	for _, s := range selectors(v.LowerBound) {
		x.Leaf("lower-bound", v.LowerBound[s], xmlw.A("selector", s)...)
	}
	for _, s := range selectors(v.UpperBound) {
		x.Leaf("upper-bound", v.UpperBound[s], xmlw.A("selector", s)...)
	}
	choiceSels := make([]string, 0, len(v.Choices))
	for s := range v.Choices {
		choiceSels = append(choiceSels, s)
	}
	sort.Strings(choiceSels)
	for _, s := range choiceSels {
		x.Start("choices", xmlw.A("selector", s)...)
		for _, c := range v.Choices[s] {
			x.Leaf("choice", c)
		}
		x.End()
	}
	x.End()
}

func selectableAttrs(id string, selected bool, weight float64, hidden, abstract bool, cluster string) []xmlw.Attr {
	attrs := xmlw.A("id", id, "selected", strconv.FormatBool(selected), "weight", FormatWeight(weight))
	if hidden {
		attrs = append(attrs, xmlw.Attr{Name: "hidden", Value: "true"})
	}
	if abstract {
		attrs = append(attrs, xmlw.Attr{Name: "abstract", Value: "true"})
	}
	if cluster != "" {
		attrs = append(attrs, xmlw.Attr{Name: "cluster-id", Value: cluster})
	}
	return attrs
}

func writeGroup(x *xmlw.Writer, g *xccdf.Group, ids *IDs) {
	x.Start("Group", selectableAttrs(ids.Group(g.ID), g.Selected, g.Weight, g.Hidden, g.Abstract, g.ClusterID)...)
	x.Leaf("title", orDefault(g.Title, g.ID))
	writeText(x, "description", g.Description)
	writePlatforms(x, g.Platforms)
	writeItems(x, g.Items, ids)
	x.End()
}

func writeRule(x *xmlw.Writer, r *xccdf.Rule, ids *IDs) {
	attrs := selectableAttrs(ids.Rule(r.ID), r.Selected, r.Weight, r.Hidden, r.Abstract, r.ClusterID)
	attrs = append(attrs, xmlw.A("severity", r.Severity, "role", r.Role)...)
	x.Start("Rule", attrs...)
	if r.Version != "" {
		x.Leaf("version", r.Version)
	}
	x.Leaf("title", orDefault(r.Title, r.ID))
	writeText(x, "description", r.Description)
	for _, ref := range r.References {
		x.Leaf("reference", ref.Value, xmlw.A("href", ref.Href)...)
	}
	writeText(x, "rationale", r.Rationale)
	writePlatforms(x, r.Platforms)
	for _, in := range r.Idents {
		x.Leaf("ident", in.Value, xmlw.A("system", in.System)...)
	}
	for _, ft := range r.FixTexts {
		x.Leaf("fixtext", textOf(ft.Text), xmlw.A("fixref", ft.FixRef)...)
	}
	for _, f := range r.Fixes {
		attrs := xmlw.A("id", f.ID, "system", f.System, "complexity", f.Complexity, "disruption", f.Disruption, "strategy", f.Strategy)
		if f.Reboot {
			attrs = append(attrs, xmlw.Attr{Name: "reboot", Value: "true"})
		}
		x.Leaf("fix", f.Content, attrs...)
	}
	if r.ComplexCheck != nil {
		writeComplexCheck(x, r.ComplexCheck, ids)
	} else {
		for i := range r.Checks {
			writeRuleCheck(x, &r.Checks[i], ids)
		}
	}
	x.End()
}

func writeRuleCheck(x *xmlw.Writer, c *xccdf.Check, ids *IDs) {
	attrs := xmlw.A("system", c.System, "selector", c.Selector)
	if c.Negate {
		attrs = append(attrs, xmlw.Attr{Name: "negate", Value: "true"})
	}
	if c.MultiCheck {
		attrs = append(attrs, xmlw.Attr{Name: "multi-check", Value: "true"})
	}
	x.Start("check", attrs...)
	for _, n := range c.ImportNames {
		x.Leaf("check-import", "", xmlw.A("import-name", n)...)
	}
	for _, ex := range c.Exports {
		x.Leaf("check-export", "", xmlw.A("value-id", ids.Value(ex.ValueID), "export-name", ex.ExportName)...)
	}
	for _, ref := range c.ContentRefs {
		x.Leaf("check-content-ref", "", xmlw.A("href", orDefault(ref.Href, "unknown"), "name", ref.Name)...)
	}
	if strings.TrimSpace(c.Content) != "" {
		x.Leaf("check-content", c.Content)
	}
	x.End()
}

func writeComplexCheck(x *xmlw.Writer, cc *xccdf.ComplexCheck, ids *IDs) {
	attrs := xmlw.A("operator", strings.ToUpper(orDefault(cc.Operator, "AND")))
	if cc.Negate {
		attrs = append(attrs, xmlw.Attr{Name: "negate", Value: "true"})
	}
	x.Start("complex-check", attrs...)
	for i := range cc.Checks {
		writeRuleCheck(x, &cc.Checks[i], ids)
	}
	for _, sub := range cc.Complex {
		writeComplexCheck(x, sub, ids)
	}
	x.End()
}

var reSignature = regexp.MustCompile(`<([A-Za-z_][\w.-]*:)?signature[\s>/]`)

// splitBenchmark finds where a TestResult goes in an XCCDF 1.2 Benchmark
// document as written: it returns the document from its root start tag up
// to the root's closing tag, and that closing tag. ok is false when the
// document cannot take one unchanged (not a Benchmark; or signed, where an
// insertion would break the signature and must precede it anyway).
func splitBenchmark(doc []byte) (head, tail []byte, ok bool) {
	start := rootStart(doc)
	if start < 0 {
		return nil, nil, false
	}
	body := bytes.TrimRight(doc[start:], " \t\r\n")
	end := bytes.LastIndex(body, []byte("</"))
	if end < 0 || !bytes.HasSuffix(body, []byte(">")) {
		return nil, nil, false
	}
	name := strings.TrimSpace(string(body[end+2 : len(body)-1]))
	if name != "Benchmark" && !strings.HasSuffix(name, ":Benchmark") {
		return nil, nil, false
	}
	if reSignature.Match(body) {
		return nil, nil, false
	}
	return body[:end], body[end:], true
}

// rootStart returns the offset of the root element's start tag, past the
// XML declaration, comments, processing instructions and doctype.
func rootStart(doc []byte) int {
	i := 0
	for i < len(doc) {
		j := bytes.IndexByte(doc[i:], '<')
		if j < 0 {
			return -1
		}
		i += j
		rest := doc[i:]
		switch {
		case bytes.HasPrefix(rest, []byte("<?")):
			k := bytes.Index(rest, []byte("?>"))
			if k < 0 {
				return -1
			}
			i += k + 2
		case bytes.HasPrefix(rest, []byte("<!--")):
			k := bytes.Index(rest, []byte("-->"))
			if k < 0 {
				return -1
			}
			i += k + 3
		case bytes.HasPrefix(rest, []byte("<!")):
			k := bytes.IndexByte(rest, '>')
			if k < 0 {
				return -1
			}
			i += k + 1
		default:
			return i
		}
	}
	return -1
}
