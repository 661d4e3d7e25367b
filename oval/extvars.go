package oval

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
)

const nsVars = "http://oval.mitre.org/XMLSchema/oval-variables-5"

// ReadVariablesFile reads an oval_variables document from a file.
func ReadVariablesFile(path string) (ExternalVars, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("oval: %w", err)
	}
	defer f.Close()
	return ReadVariables(f, path)
}

// ReadVariables reads the values of an oval_variables document.
func ReadVariables(r io.Reader, name string) (ExternalVars, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxDocument))
	if err != nil {
		return nil, fmt.Errorf("oval: read %s: %w", name, err)
	}
	p := newDecoder(data, name)
	out := ExternalVars{}
	for {
		tok, err := p.d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return nil, p.wrap(err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			return nil, p.directive(t)
		case xml.StartElement:
			if t.Name.Space == nsVars && t.Name.Local == "variable" {
				n, err := p.readNode(t.Copy(), p.line())
				if err != nil {
					return nil, err
				}
				id := n.attr("id")
				vals := []string{}
				for _, c := range n.Children {
					if c.Local == "value" {
						vals = append(vals, c.Text)
					}
				}
				out[id] = append(out[id], vals...)
			}
		}
	}
}
