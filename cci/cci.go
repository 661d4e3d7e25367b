// Package cci maps DISA's Control Correlation Identifiers (CCIs) to the
// NIST SP 800-53 controls they implement, from DISA's CCI list compiled
// into the binary (table.go, generated from U_CCI_List.xml by
// `go generate`; the XML itself is the user's and is not shipped).
//
// It is a top-level package, not part of xccdf, because the CCI list is
// separate DISA content: XCCDF rules only name CCIs, and any writer (JSON,
// HDF, HTML, eMASS) may need the controls without parsing a benchmark.
//
// Controls are normalized to the form Heimdall and MITRE's InSpec
// profiles use for tags.nist: the family and number, and a numeric
// enhancement after a space ("AC-12", "AC-12 (1)"). DISA's statement
// parts ("AC-1 a 1 (a)", "CA-9 (c)") are dropped, so a CCI names the
// control it belongs to; a reference listing several controls
// ("SC-37, SC-37 (1)") yields each. References to rev 3 ("NIST SP 800-53"
// version 3) and to SP 800-53A are not kept.
package cci

import (
	"encoding/xml"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
)

type entry struct {
	id, rev4, rev5 string
}

// Controls are one CCI's NIST SP 800-53 controls, sorted.
type Controls struct {
	Rev4 []string
	Rev5 []string
}

// Version is the version of the compiled CCI list and Date its
// publication date (both from the list's metadata).
func Version() (version, date string) { return listVersion, listDate }

// Len is the number of CCIs compiled in.
func Len() int { return len(table) }

// Lookup returns the controls of id ("CCI-002361"); ok is false for an
// id not in the list.
func Lookup(id string) (c Controls, ok bool) {
	i := sort.Search(len(table), func(i int) bool { return table[i].id >= id })
	if i == len(table) || table[i].id != id {
		return Controls{}, false
	}
	return Controls{Rev4: split(table[i].rev4), Rev5: split(table[i].rev5)}, true
}

// NIST returns the sorted, distinct controls of ids for Heimdall's
// tags.nist and JSON's nist: rev 5, except that a CCI DISA maps only in
// rev 4 contributes its rev 4 controls, so no CCI with a control is lost.
func NIST(ids []string) []string {
	return collect(ids, func(c Controls) []string {
		if len(c.Rev5) > 0 {
			return c.Rev5
		}
		return c.Rev4
	})
}

// NISTRev4 returns the sorted, distinct rev 4 controls of ids.
func NISTRev4(ids []string) []string {
	return collect(ids, func(c Controls) []string { return c.Rev4 })
}

func collect(ids []string, pick func(Controls) []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, id := range ids {
		c, _ := Lookup(id)
		for _, n := range pick(c) {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	sort.Strings(out)
	return out
}

func split(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ";")
}

var reControl = regexp.MustCompile(`^([A-Z]{2}-\d+)(?:\s*\((\d+)\))?`)

// Normalize turns one DISA reference index into control ids: "AC-12",
// "AC-12 (1)"; "AC-1 a 1 (a)" → "AC-1"; "SC-37, SC-37 (1)" → both. An
// index with no control yields nothing.
func Normalize(index string) []string {
	var out []string
	for _, part := range strings.Split(index, ",") {
		m := reControl.FindStringSubmatch(strings.TrimSpace(part))
		if m == nil {
			continue
		}
		c := m[1]
		if m[2] != "" {
			c += " (" + m[2] + ")"
		}
		out = append(out, c)
	}
	return out
}

// Item is one CCI of a parsed list.
type Item struct {
	ID         string
	Rev4, Rev5 []string // normalized, sorted, distinct
}

// List is a parsed CCI list.
type List struct {
	Version, Date string
	Items         []Item // sorted by ID
}

// Parse reads DISA's CCI list XML (U_CCI_List.xml).
func Parse(r io.Reader) (*List, error) {
	var doc struct {
		Version string `xml:"metadata>version"`
		Date    string `xml:"metadata>publishdate"`
		Items   []struct {
			ID   string `xml:"id,attr"`
			Refs []struct {
				Title string `xml:"title,attr"`
				Index string `xml:"index,attr"`
			} `xml:"references>reference"`
		} `xml:"cci_items>cci_item"`
	}
	if err := xml.NewDecoder(r).Decode(&doc); err != nil {
		return nil, fmt.Errorf("cci: %w", err)
	}
	l := &List{Version: doc.Version, Date: doc.Date}
	for _, it := range doc.Items {
		var r4, r5 []string
		for _, ref := range it.Refs {
			switch ref.Title {
			case "NIST SP 800-53 Revision 4":
				r4 = append(r4, Normalize(ref.Index)...)
			case "NIST SP 800-53 Revision 5":
				r5 = append(r5, Normalize(ref.Index)...)
			}
		}
		l.Items = append(l.Items, Item{ID: it.ID, Rev4: distinct(r4), Rev5: distinct(r5)})
	}
	sort.Slice(l.Items, func(i, j int) bool { return l.Items[i].ID < l.Items[j].ID })
	return l, nil
}

func distinct(s []string) []string {
	sort.Strings(s)
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
