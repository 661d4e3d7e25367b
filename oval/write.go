package oval

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/stigscan/stigscan/internal/xmlw"
)

// WriteOptions control WriteResults.
type WriteOptions struct {
	ProductName    string // default "stigscan"
	ProductVersion string
	// OmitDefinitions leaves the source oval_definitions out of the
	// results (directives include_source_definitions="false").
	OmitDefinitions bool
	// OmitSystemCharacteristics leaves collected objects and items out.
	OmitSystemCharacteristics bool
}

const schemaVersion = "5.11.2"

var familyPrefix = map[string]string{"independent": "ind-sys", "unix": "unix-sys", "linux": "lin-sys"}

// WriteResults writes r as an oval_results document (OVAL 5.11).
func WriteResults(w io.Writer, r *Results, opts WriteOptions) error {
	x := xmlw.New(w)
	x.Header()
	x.Start("oval_results", xmlw.A(
		"xmlns", nsRes,
		"xmlns:oval", nsCommon,
		"xmlns:xsi", nsXSI,
	)...)
	writeGenerator(x, "oval", r.Time, opts)
	x.Start("directives", xmlw.A("include_source_definitions", strconv.FormatBool(!opts.OmitDefinitions))...)
	for _, d := range []string{"definition_true", "definition_false", "definition_unknown", "definition_error", "definition_not_evaluated", "definition_not_applicable"} {
		x.Leaf(d, "", xmlw.A("reported", "true", "content", "full")...)
	}
	x.End()
	if !opts.OmitDefinitions && r.source != nil && len(r.source.Raw) > 0 {
		x.Raw(redactSecrets(r.source.Raw))
	}
	x.Start("results")
	x.Start("system")
	x.Start("definitions")
	for _, d := range r.Definitions {
		x.Start("definition", xmlw.A("definition_id", d.ID, "version", orDefault(d.Version, "0"), "class", d.Class, "result", d.Result.String())...)
		writeMessages(x, "message", d.Messages)
		if d.Criteria != nil {
			writeCriteria(x, d.Criteria)
		}
		x.End()
	}
	x.End()
	if len(r.Tests) > 0 {
		x.Start("tests")
		for _, t := range r.Tests {
			x.Start("test", xmlw.A("test_id", t.ID, "version", orDefault(t.Version, "0"), "check_existence", t.CheckExistence, "check", t.Check, "state_operator", t.StateOperator, "result", t.Result.String())...)
			writeMessages(x, "message", t.Messages)
			for _, ti := range t.Items {
				x.Leaf("tested_item", "", xmlw.A("item_id", strconv.Itoa(ti.ItemID), "result", ti.Result.String())...)
			}
			for _, v := range t.Variables {
				x.Leaf("tested_variable", v.Value, xmlw.A("variable_id", v.ID)...)
			}
			x.End()
		}
		x.End()
	}
	writeSystemCharacteristics(x, r, opts)
	x.End() // system
	x.End() // results
	x.End() // oval_results

	if err := x.Flush(); err != nil {
		return fmt.Errorf("oval: write results: %w", err)
	}
	return nil
}

func writeGenerator(x *xmlw.Writer, prefix string, t time.Time, opts WriteOptions) {
	x.Start("generator")
	x.Leaf(prefix+":product_name", orDefault(opts.ProductName, "stigscan"))
	if opts.ProductVersion != "" {
		x.Leaf(prefix+":product_version", opts.ProductVersion)
	}
	x.Leaf(prefix+":schema_version", schemaVersion)
	x.Leaf(prefix+":timestamp", t.Format("2006-01-02T15:04:05"))
	x.End()
}

func writeMessages(x *xmlw.Writer, name string, ms []Message) {
	for _, m := range ms {
		x.Leaf(name, m.Text, xmlw.A("level", orDefault(m.Level, "info"))...)
	}
}

func appCheck(b *bool) string {
	if b == nil {
		return ""
	}
	return strconv.FormatBool(*b)
}

func negAttr(b bool) string {
	if b {
		return "true"
	}
	return ""
}

func writeCriteria(x *xmlw.Writer, c *CriteriaResult) {
	switch c.Kind {
	case "criteria":
		x.Start("criteria", xmlw.A("applicability_check", appCheck(c.ApplicabilityCheck), "operator", c.Operator, "negate", negAttr(c.Negate), "result", c.Result.String())...)
		for _, ch := range c.Children {
			writeCriteria(x, ch)
		}
		x.End()
	case "criterion":
		x.Leaf("criterion", "", xmlw.A("applicability_check", appCheck(c.ApplicabilityCheck), "test_ref", c.Ref, "version", orDefault(c.Version, "0"), "negate", negAttr(c.Negate), "result", c.Result.String())...)
	case "extend_definition":
		x.Leaf("extend_definition", "", xmlw.A("applicability_check", appCheck(c.ApplicabilityCheck), "definition_ref", c.Ref, "version", orDefault(c.Version, "0"), "negate", negAttr(c.Negate), "result", c.Result.String())...)
	}
}

func writeSystemCharacteristics(x *xmlw.Writer, r *Results, opts WriteOptions) {
	attrs := xmlw.A("xmlns", nsSC, "xmlns:oval", nsCommon)
	fams := map[string]bool{}
	for _, it := range r.Items {
		fams[it.Family] = true
	}
	for _, f := range []string{"independent", "linux", "unix"} {
		if fams[f] {
			attrs = append(attrs, xmlw.Attr{Name: "xmlns:" + familyPrefix[f], Value: nsSC + "#" + f})
		}
	}
	for _, own := range ownFamilies(r.Items) {
		attrs = append(attrs, xmlw.Attr{Name: "xmlns:" + own[0], Value: own[1]})
	}
	x.Start("oval_system_characteristics", attrs...)
	writeGenerator(x, "oval", r.Time, opts)
	si := r.SystemInfo
	x.Start("system_info")
	x.Leaf("os_name", si.OSName)
	x.Leaf("os_version", si.OSVersion)
	x.Leaf("architecture", si.Architecture)
	x.Leaf("primary_host_name", si.HostName)
	x.Start("interfaces")
	for _, in := range si.Interfaces {
		x.Start("interface")
		x.Leaf("interface_name", in.Name)
		x.Leaf("ip_address", in.IPAddress)
		x.Leaf("mac_address", in.MACAddress)
		x.End()
	}
	x.End()
	x.End()
	if !opts.OmitSystemCharacteristics && len(r.Objects) > 0 {
		x.Start("collected_objects")
		for _, o := range r.Objects {
			x.Start("object", xmlw.A("id", o.ID, "version", orDefault(o.Version, "0"), "comment", o.Comment, "flag", o.Flag)...)
			writeMessages(x, "message", o.Messages)
			for _, v := range o.Variables {
				x.Leaf("variable_value", v.Value, xmlw.A("variable_id", v.ID)...)
			}
			for _, id := range o.ItemIDs {
				x.Leaf("reference", "", xmlw.A("item_ref", strconv.Itoa(id))...)
			}
			x.End()
		}
		x.End()
		if len(r.Items) > 0 {
			x.Start("system_data")
			for _, it := range r.Items {
				writeItem(x, it)
			}
			x.End()
		}
	}
	x.End()
}

func writeItem(x *xmlw.Writer, it *Item) {
	p := scPrefix(it.Family)
	status := it.Status
	if status == statusExists {
		status = ""
	}
	x.Start(p+":"+it.Type, xmlw.A("id", strconv.Itoa(it.ID), "status", status)...)
	writeMessages(x, "message", it.Messages)
	for _, f := range it.Fields {
		writeField(x, p, f)
	}
	x.End()
}

func writeField(x *xmlw.Writer, p string, f *Field) {
	attrs := xmlw.A("datatype", f.Datatype, "status", f.Status)
	if f.Mask {
		attrs = append(attrs, xmlw.Attr{Name: "mask", Value: "true"})
	}
	if f.Nil {
		attrs = append(attrs, xmlw.Attr{Name: "xsi:nil", Value: "true"})
	}
	x.Start(p+":"+f.Name, attrs...)
	switch {
	case len(f.Fields) > 0:
		for _, sub := range f.Fields {
			sa := xmlw.A("name", sub.Name, "datatype", sub.Datatype, "status", sub.Status)
			if f.Mask || sub.Mask {
				sa = append(sa, xmlw.Attr{Name: "mask", Value: "true"})
				x.Leaf("field", "", sa...)
				continue
			}
			x.Leaf("field", sub.Value, sa...)
		}
	case f.Mask:
	case f.Value != "":
		x.Text(f.Value)
	}
	x.End()
}

// ResultsBytes is WriteResults into memory.
func ResultsBytes(r *Results, opts WriteOptions) ([]byte, error) {
	var b bytes.Buffer
	err := WriteResults(&b, r, opts)
	return b.Bytes(), err
}
