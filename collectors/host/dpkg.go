package host

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"
)

// DpkgStatusPath is where dpkg records the installed packages.
const DpkgStatusPath = "/var/lib/dpkg/status"

// DebPackage is one installed Debian package, split the way OVAL's
// dpkginfo_item is: EVR = Epoch:Version-Release.
type DebPackage struct {
	Name    string
	Arch    string
	Epoch   string // "0" when the version has none
	Version string // upstream version
	Release string // Debian revision; "" for a native package
	Status  string // the Status field as written, e.g. "install ok installed"
}

// EVR returns the version as dpkg orders it: epoch:version-release.
func (p DebPackage) EVR() string {
	s := p.Epoch + ":" + p.Version
	if p.Release != "" {
		s += "-" + p.Release
	}
	return s
}

// DebPackages lists the packages installed on h, from dpkg's status file,
// sorted by name then architecture. A host without dpkg gives an error
// matching fs.ErrNotExist.
func DebPackages(ctx context.Context, h Host) ([]DebPackage, error) {
	var data []byte
	var err error
	if r, ok := h.(DpkgStatusReader); ok {
		data, err = r.DpkgStatus(ctx)
	} else {
		data, err = h.ReadFile(ctx, DpkgStatusPath)
	}
	if err != nil {
		return nil, fmt.Errorf("host: dpkg packages: %w", err)
	}
	return ParseDpkgStatus(data), nil
}

// ParseDpkgStatus parses a dpkg status file (RFC 822 style stanzas separated
// by blank lines, continuation lines starting with a space or tab) and returns
// the installed packages, sorted by name then architecture.
//
// A package counts as installed when its Status says its files are on disk
// ("installed" as the third word), whatever the selection: a package on hold
// ("hold ok installed") or marked for removal ("deinstall ok installed") is
// still installed, and leaving it out would let a "must not be installed"
// check pass wrongly. Status is kept for probes that want to be stricter.
// Malformed lines are ignored, as dpkg-query does not fail on them either.
func ParseDpkgStatus(data []byte) []DebPackage {
	// A status file holds a stanza per package known to dpkg, most of it
	// descriptions and file lists; only four fields are read, so lines
	// are compared in place and nothing else is copied.
	var (
		pkgs []DebPackage
		st   stanza
		last *[]byte // the field a continuation line belongs to; nil when not one of ours
	)
	for len(data) > 0 {
		var line []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			line, data = data, nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(bytes.TrimSpace(line)) == 0 {
			if p, ok := st.pkg(); ok {
				pkgs = append(pkgs, p)
			}
			st, last = stanza{}, nil
			continue
		}
		switch line[0] {
		case ' ', '\t':
			// Continuation of a multi-line field (Description,
			// Conffiles); kept only for the fields read here.
			if last != nil {
				*last = append(append(*last, '\n'), bytes.TrimSpace(line)...)
			}
			continue
		case '#':
			continue
		}
		st.seen = true
		key, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			last = nil
			continue
		}
		last = st.field(bytes.TrimSpace(key))
		if last == nil {
			continue
		}
		if *last != nil {
			last = nil // a repeated field: the first one counts
			continue
		}
		*last = append([]byte{}, bytes.TrimSpace(value)...)
	}
	if p, ok := st.pkg(); ok {
		pkgs = append(pkgs, p)
	}
	sort.SliceStable(pkgs, func(i, j int) bool {
		if pkgs[i].Name != pkgs[j].Name {
			return pkgs[i].Name < pkgs[j].Name
		}
		return pkgs[i].Arch < pkgs[j].Arch
	})
	return pkgs
}

// stanza holds the fields of one status stanza that make a DebPackage.
type stanza struct {
	seen                        bool
	name, status, version, arch []byte
}

// field returns where the value of the field named key goes, or nil for a
// field not read. Field names are case-insensitive (deb822(5)).
func (s *stanza) field(key []byte) *[]byte {
	switch {
	case bytes.EqualFold(key, []byte("Package")):
		return &s.name
	case bytes.EqualFold(key, []byte("Status")):
		return &s.status
	case bytes.EqualFold(key, []byte("Version")):
		return &s.version
	case bytes.EqualFold(key, []byte("Architecture")):
		return &s.arch
	}
	return nil
}

func (s *stanza) pkg() (DebPackage, bool) {
	if !s.seen {
		return DebPackage{}, false
	}
	name := string(s.name)
	status := strings.Join(strings.Fields(string(s.status)), " ")
	if name == "" || !debInstalled(status) {
		return DebPackage{}, false
	}
	epoch, version, release := SplitDebVersion(string(s.version))
	return DebPackage{
		Name:    name,
		Arch:    string(s.arch),
		Epoch:   epoch,
		Version: version,
		Release: release,
		Status:  status,
	}, true
}

// debInstalled reports whether a Status value ("want flag state") says the
// package's files are installed.
func debInstalled(status string) bool {
	words := strings.Fields(status)
	return len(words) == 3 && words[2] == "installed"
}

// SplitDebVersion splits a Debian version [epoch:]upstream[-revision] as
// deb-version(7) defines it: the epoch ends at the first colon, the revision
// starts after the last hyphen. The epoch is "0" when absent.
func SplitDebVersion(v string) (epoch, version, release string) {
	v = strings.TrimSpace(v)
	epoch = "0"
	if e, rest, ok := strings.Cut(v, ":"); ok {
		epoch, v = e, rest
		if epoch == "" {
			epoch = "0"
		}
	}
	if i := strings.LastIndexByte(v, '-'); i >= 0 {
		return epoch, v[:i], v[i+1:]
	}
	return epoch, v, ""
}
