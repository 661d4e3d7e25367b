package oval

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// SystemCharacteristics is a parsed oval_system_characteristics document:
// what was collected from a system, replayable with
// Options.SystemCharacteristics.
type SystemCharacteristics struct {
	Generator  Generator
	SystemInfo SystemInfo
	Objects    map[string]*SystemObject // by object id
	Items      map[string]*Item         // by item id as written
}

// SystemObject is a collected_objects/object entry.
type SystemObject struct {
	ID        string
	Version   string
	Flag      string
	ItemRefs  []string
	Messages  []Message
	Variables []VariableValue
}

// ReadSystemCharacteristicsFile reads a system characteristics file.
func ReadSystemCharacteristicsFile(path string) (*SystemCharacteristics, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("oval: %w", err)
	}
	defer f.Close()
	return ReadSystemCharacteristics(f, path)
}

// ReadSystemCharacteristics reads an oval_system_characteristics document,
// standalone or as the element inside oval_results.
func ReadSystemCharacteristics(r io.Reader, name string) (*SystemCharacteristics, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxDocument))
	if err != nil {
		return nil, fmt.Errorf("oval: read %s: %w", name, err)
	}
	p := newDecoder(data, name)
	sc := &SystemCharacteristics{Objects: map[string]*SystemObject{}, Items: map[string]*Item{}}
	found := false
	for {
		tok, err := p.d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, p.wrap(err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			return nil, p.directive(t)
		case xml.StartElement:
			if t.Name.Space != nsSC {
				continue
			}
			switch t.Name.Local {
			case "oval_system_characteristics":
				found = true
			case "generator", "system_info", "collected_objects", "system_data":
				n, err := p.readNode(t.Copy(), p.line())
				if err != nil {
					return nil, err
				}
				sc.section(n)
			}
		}
	}
	if !found {
		return nil, &ContentError{File: name, Msg: "no oval_system_characteristics element"}
	}
	return sc, nil
}

func (sc *SystemCharacteristics) section(n *node) {
	switch n.Local {
	case "generator":
		sc.Generator = parseGenerator(n)
	case "system_info":
		for _, c := range n.Children {
			v := strings.TrimSpace(c.Text)
			switch c.Local {
			case "os_name":
				sc.SystemInfo.OSName = v
			case "os_version":
				sc.SystemInfo.OSVersion = v
			case "architecture":
				sc.SystemInfo.Architecture = v
			case "primary_host_name":
				sc.SystemInfo.HostName = v
			case "interfaces":
				for _, i := range c.Children {
					var in Interface
					for _, f := range i.Children {
						switch f.Local {
						case "interface_name":
							in.Name = strings.TrimSpace(f.Text)
						case "ip_address":
							in.IPAddress = strings.TrimSpace(f.Text)
						case "mac_address":
							in.MACAddress = strings.TrimSpace(f.Text)
						}
					}
					sc.SystemInfo.Interfaces = append(sc.SystemInfo.Interfaces, in)
				}
			}
		}
	case "collected_objects":
		for _, c := range n.Children {
			o := &SystemObject{ID: c.attr("id"), Version: c.attr("version"), Flag: c.attr("flag")}
			for _, ch := range c.Children {
				switch ch.Local {
				case "reference":
					o.ItemRefs = append(o.ItemRefs, ch.attr("item_ref"))
				case "message":
					o.Messages = append(o.Messages, Message{Level: orDefault(ch.attr("level"), "info"), Text: ch.Text})
				case "variable_value":
					o.Variables = append(o.Variables, VariableValue{ID: ch.attr("variable_id"), Value: ch.Text})
				}
			}
			sc.Objects[o.ID] = o
		}
	case "system_data":
		for _, c := range n.Children {
			it := &Item{Type: c.Local, Family: family(c.Space), Status: orDefault(c.attr("status"), statusExists)}
			for _, ch := range c.Children {
				if ch.Local == "message" && ch.Space == nsSC {
					it.Messages = append(it.Messages, Message{Level: orDefault(ch.attr("level"), "info"), Text: ch.Text})
					continue
				}
				it.Fields = append(it.Fields, parseField(ch))
			}
			sc.Items[c.attr("id")] = it
		}
	}
}

func parseField(n *node) *Field {
	f := &Field{Name: n.Local, Value: n.Text, Datatype: n.attr("datatype"), Status: n.attr("status"), Nil: n.xsiNil(), Mask: n.attr("mask") == "true"}
	f.withheld = f.Mask
	if f.Status == statusExists {
		f.Status = ""
	}
	if f.Datatype == "string" {
		f.Datatype = ""
	}
	if n.attr("datatype") == "record" {
		for _, c := range n.Children {
			sub := parseField(c)
			sub.Name = c.attr("name")
			f.Fields = append(f.Fields, sub)
		}
		f.Value = ""
	}
	return f
}
