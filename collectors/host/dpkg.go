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
	data, err := h.ReadFile(ctx, DpkgStatusPath)
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
	var (
		pkgs []DebPackage
		cur  map[string]string
	)
	flush := func() {
		if cur == nil {
			return
		}
		p, ok := debPackageFromStanza(cur)
		if ok {
			pkgs = append(pkgs, p)
		}
		cur = nil
	}
	var last string // field a continuation line belongs to
	for _, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(bytes.TrimSpace(line)) == 0 {
			flush()
			last = ""
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			// Continuation of a multi-line field (Description,
			// Conffiles); none of the fields read here has one.
			if cur != nil && last != "" {
				cur[last] += "\n" + string(bytes.TrimSpace(line))
			}
			continue
		}
		if line[0] == '#' {
			continue
		}
		key, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			last = ""
			continue
		}
		if cur == nil {
			cur = make(map[string]string)
		}
		// Field names are case-insensitive (deb822(5)).
		last = strings.ToLower(string(bytes.TrimSpace(key)))
		if _, dup := cur[last]; !dup {
			cur[last] = string(bytes.TrimSpace(value))
		}
	}
	flush()
	sort.SliceStable(pkgs, func(i, j int) bool {
		if pkgs[i].Name != pkgs[j].Name {
			return pkgs[i].Name < pkgs[j].Name
		}
		return pkgs[i].Arch < pkgs[j].Arch
	})
	return pkgs
}

func debPackageFromStanza(f map[string]string) (DebPackage, bool) {
	name := f["package"]
	status := strings.Join(strings.Fields(f["status"]), " ")
	if name == "" || !debInstalled(status) {
		return DebPackage{}, false
	}
	epoch, version, release := SplitDebVersion(f["version"])
	return DebPackage{
		Name:    name,
		Arch:    f["architecture"],
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
