package xccdf

import (
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
)

// Tailoring is an XCCDF 1.2 Tailoring document: profiles layered over a
// benchmark without editing it.
type Tailoring struct {
	ID           string
	BenchmarkRef string // the benchmark element's href
	BenchmarkID  string // the benchmark element's id, when given
	Version      string
	Profiles     []*Profile
	Source       string
}

// Profile returns the tailoring's profile with the id, or nil.
func (t *Tailoring) Profile(id string) *Profile {
	for _, p := range t.Profiles {
		if p.ID == id {
			return p
		}
	}
	return nil
}

func parseTailoring(r *reader, se xml.StartElement) (*Tailoring, error) {
	t := &Tailoring{ID: attr(se, "id"), Source: r.file}
	err := r.children(func(c xml.StartElement) error {
		if !isXCCDF(c.Name) {
			return r.skip()
		}
		switch c.Name.Local {
		case "benchmark":
			t.BenchmarkRef, t.BenchmarkID = attr(c, "href"), attr(c, "id")
			return r.skip()
		case "version":
			v, err := r.text()
			t.Version = v
			return err
		case "Profile":
			p, err := parseProfile(r, c)
			if p != nil {
				p.Origin = t.ID
				t.Profiles = append(t.Profiles, p)
			}
			return err
		}
		return r.skip()
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// OpenTailoring reads an XCCDF tailoring file.
func OpenTailoring(filename string) (*Tailoring, error) {
	data, err := readLimited(filename)
	if err != nil {
		return nil, err
	}
	c, err := openBytes(data, filename, os.DirFS(filepath.Dir(filename)), "", Options{})
	if err != nil {
		return nil, err
	}
	if c.Tailoring == nil {
		return nil, &ContentError{File: filename, Msg: fmt.Sprintf("not a tailoring file (it is a %s)", c.Kind)}
	}
	return c.Tailoring, nil
}

// TailoringProfile returns the tailoring's profile by id, or its only profile
// when id is empty.
func (t *Tailoring) TailoringProfile(id string) (*Profile, error) {
	if id == "" {
		if len(t.Profiles) == 1 {
			return t.Profiles[0], nil
		}
		return nil, &ContentError{File: t.Source, Msg: fmt.Sprintf("tailoring has %d profiles: name one with --tailoring-id or --profile", len(t.Profiles))}
	}
	if p := t.Profile(id); p != nil {
		return p, nil
	}
	return nil, &ContentError{File: t.Source, ID: id, Msg: "no such profile in the tailoring file", Err: ErrNotFound}
}
