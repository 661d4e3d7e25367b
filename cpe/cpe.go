// Package cpe reads CPE 2.x dictionaries (cpe-dict:cpe-list) as SCAP content
// uses them: each platform name carries the check (usually an OVAL
// definition) that decides whether the target is that platform.
package cpe

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// NSDict is the CPE dictionary 2.0 namespace.
const NSDict = "http://cpe.mitre.org/dictionary/2.0"

// Dictionary is a parsed cpe-list.
type Dictionary struct {
	Items  []*Item
	byName map[string]*Item
}

// Item is one cpe-item.
type Item struct {
	Name       string
	Title      string
	Deprecated bool
	Checks     []Check
}

// Check is a cpe-dict:check: the definition (ID) in a check system document
// (Href) that is true on a matching target.
type Check struct {
	System string
	Href   string
	ID     string
}

// Item returns the item with the CPE name, or nil.
func (d *Dictionary) Item(name string) *Item { return d.byName[name] }

// Parse reads a cpe-list document.
func Parse(data []byte, name string) (*Dictionary, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	d := &Dictionary{byName: map[string]*Item{}}
	var cur *Item
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			line, _ := dec.InputPos()
			return nil, fmt.Errorf("cpe: %s:%d: %w", name, line, err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			if bytes.Contains(t, []byte("ENTITY")) {
				return nil, fmt.Errorf("cpe: %s: DTD entity declarations are not allowed", name)
			}
		case xml.StartElement:
			if t.Name.Space != NSDict {
				continue
			}
			switch t.Name.Local {
			case "cpe-item":
				cur = &Item{Name: attr(t, "name"), Deprecated: attr(t, "deprecated") == "true"}
				d.Items = append(d.Items, cur)
				d.byName[cur.Name] = cur
			case "title":
				if cur != nil && cur.Title == "" {
					var s string
					if err := dec.DecodeElement(&s, &t); err != nil {
						return nil, fmt.Errorf("cpe: %s: %w", name, err)
					}
					cur.Title = strings.TrimSpace(s)
				}
			case "check":
				if cur != nil {
					var s string
					if err := dec.DecodeElement(&s, &t); err != nil {
						return nil, fmt.Errorf("cpe: %s: %w", name, err)
					}
					cur.Checks = append(cur.Checks, Check{System: attr(t, "system"), Href: attr(t, "href"), ID: strings.TrimSpace(s)})
				}
			}
		case xml.EndElement:
			if t.Name.Space == NSDict && t.Name.Local == "cpe-item" {
				cur = nil
			}
		}
	}
	return d, nil
}

func attr(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local && a.Name.Space == "" {
			return a.Value
		}
	}
	return ""
}
