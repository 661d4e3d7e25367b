package ckl

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// maxChecklist bounds what Read accepts; the largest real checklists (many
// STIGs in one file) are tens of megabytes.
const maxChecklist = 512 << 20

// ErrNotChecklist reports a document whose root is not CHECKLIST.
var ErrNotChecklist = errors.New("ckl: not a STIG Viewer checklist")

// node is an element of the document as read: its own text, children and
// comments, in order.
type node struct {
	name     string
	text     strings.Builder
	children []*node
	comments []string
}

func (n *node) child(name string) *node {
	for _, c := range n.children {
		if c.name == name {
			return c
		}
	}
	return nil
}

func (n *node) childText(name string) (string, bool) {
	if c := n.child(name); c != nil {
		return c.text.String(), true
	}
	return "", false
}

// Read parses a checklist. Documents with a DTD are refused; a UTF-8 byte
// order mark is accepted (Evaluate-STIG writes one).
func Read(r io.Reader) (*Checklist, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxChecklist+1))
	if err != nil {
		return nil, fmt.Errorf("ckl: %w", err)
	}
	if len(data) > maxChecklist {
		return nil, fmt.Errorf("ckl: larger than %d bytes", maxChecklist)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		if strings.EqualFold(label, "us-ascii") || strings.EqualFold(label, "ascii") {
			return in, nil
		}
		return nil, fmt.Errorf("unsupported encoding %q", label)
	}
	var (
		stack    []*node
		root     *node
		preamble []string
	)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("ckl: line %d: %w", line(data, dec.InputOffset()), err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			return nil, fmt.Errorf("ckl: document type declarations are refused")
		case xml.StartElement:
			n := &node{name: t.Name.Local}
			if len(stack) == 0 {
				if root != nil {
					return nil, fmt.Errorf("ckl: more than one root element")
				}
				root = n
			} else {
				p := stack[len(stack)-1]
				p.children = append(p.children, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(t)
			}
		case xml.Comment:
			c := string(t)
			if len(stack) == 0 {
				if root == nil {
					preamble = append(preamble, c)
				}
			} else {
				p := stack[len(stack)-1]
				p.comments = append(p.comments, c)
			}
		}
	}
	if root == nil || root.name != "CHECKLIST" {
		return nil, ErrNotChecklist
	}
	return fromTree(root, preamble)
}

func line(data []byte, off int64) int {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	return 1 + bytes.Count(data[:off], []byte("\n"))
}

func fromTree(root *node, preamble []string) (*Checklist, error) {
	c := &Checklist{Comments: preamble}
	asset := root.child("ASSET")
	if asset == nil {
		return nil, fmt.Errorf("ckl: no ASSET element")
	}
	a := &c.Asset
	for _, f := range []struct {
		name string
		dst  *string
	}{
		{"ROLE", &a.Role}, {"ASSET_TYPE", &a.AssetType}, {"MARKING", &a.Marking},
		{"HOST_NAME", &a.HostName}, {"HOST_IP", &a.HostIP}, {"HOST_MAC", &a.HostMAC},
		{"HOST_GUID", &a.HostGUID}, {"HOST_FQDN", &a.HostFQDN}, {"TARGET_COMMENT", &a.TargetComment},
		{"TECH_AREA", &a.TechArea}, {"TARGET_KEY", &a.TargetKey}, {"STIG_GUID", &a.STIGGUID},
		{"WEB_OR_DATABASE", &a.WebOrDatabase}, {"WEB_DB_SITE", &a.WebDBSite}, {"WEB_DB_INSTANCE", &a.WebDBInstance},
	} {
		*f.dst, _ = asset.childText(f.name)
	}
	stigs := root.child("STIGS")
	if stigs == nil {
		return nil, fmt.Errorf("ckl: no STIGS element")
	}
	for i, is := range stigs.children {
		if is.name != "iSTIG" {
			continue
		}
		s := STIG{Comments: is.comments}
		if info := is.child("STIG_INFO"); info != nil {
			for _, sd := range info.children {
				if sd.name != "SI_DATA" {
					continue
				}
				name, _ := sd.childText("SID_NAME")
				d := SIData{Name: name}
				if v, ok := sd.childText("SID_DATA"); ok {
					d.Data = &v
				}
				s.Info = append(s.Info, d)
			}
		}
		for j, vn := range is.children {
			if vn.name != "VULN" {
				continue
			}
			v, err := vulnFrom(vn)
			if err != nil {
				return nil, fmt.Errorf("ckl: iSTIG %d, VULN %d: %w", i+1, j, err)
			}
			s.Vulns = append(s.Vulns, v)
		}
		c.STIGs = append(c.STIGs, s)
	}
	return c, nil
}

func vulnFrom(n *node) (Vuln, error) {
	v := Vuln{Comments: n.comments}
	for _, c := range n.children {
		switch c.name {
		case "STIG_DATA":
			name, ok := c.childText("VULN_ATTRIBUTE")
			if !ok {
				return v, fmt.Errorf("STIG_DATA without VULN_ATTRIBUTE")
			}
			data, _ := c.childText("ATTRIBUTE_DATA")
			v.Data = append(v.Data, StigData{Attribute: name, Data: data})
		case "STATUS":
			v.Status = c.text.String()
		case "FINDING_DETAILS":
			v.FindingDetails = c.text.String()
		case "COMMENTS":
			v.Comment = c.text.String()
		case "SEVERITY_OVERRIDE":
			v.SeverityOverride = c.text.String()
		case "SEVERITY_JUSTIFICATION":
			v.SeverityJustification = c.text.String()
		}
	}
	return v, nil
}
