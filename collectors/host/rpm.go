package host

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// RPMPackage is one installed RPM package, as OVAL's rpminfo_item has it.
type RPMPackage struct {
	Name           string
	Arch           string
	Epoch          string // "0" when the package has none
	Version        string
	Release        string
	SignatureKeyID string // 16 hex digits of the signing key, or "" when unsigned
}

// rpmQuery prints one tab-separated line per package. The signature comes
// from the PGP header signature, or the RSA header-only one that newer
// packages carry alone.
const rpmQuery = `rpm -qa --qf '%{NAME}\t%{ARCH}\t%{EPOCH}\t%{VERSION}\t%{RELEASE}\t%|SIGPGP?{%{SIGPGP:pgpsig}}:{%|RSAHEADER?{%{RSAHEADER:pgpsig}}:{(none)}|}|\n'`

// RPMPackages lists the packages in h's RPM database, sorted by name then
// architecture then EVR. It runs rpm(8) on h, so it needs a host that can run
// commands and has rpm; otherwise it returns ErrNotCollected.
func RPMPackages(ctx context.Context, h Host) ([]RPMPackage, error) {
	if _, err := h.Run(ctx, "command -v rpm"); err != nil {
		if errors.Is(err, ErrNotCollected) {
			return nil, err
		}
		if cerr := checkCtx(ctx); cerr != nil {
			return nil, cerr
		}
		return nil, notCollected(h, "rpm packages", "rpm is not installed")
	}
	out, err := h.Run(ctx, rpmQuery)
	if err != nil {
		return nil, fmt.Errorf("host: rpm packages: %w", err)
	}
	return ParseRPMQuery(out), nil
}

// ParseRPMQuery parses the output of rpmQuery, skipping lines without the
// six fields.
func ParseRPMQuery(out []byte) []RPMPackage {
	var pkgs []RPMPackage
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Split(strings.TrimRight(line, "\r"), "\t")
		if len(f) != 6 || f[0] == "" {
			continue
		}
		epoch := f[2]
		if epoch == "(none)" || epoch == "" {
			epoch = "0"
		}
		pkgs = append(pkgs, RPMPackage{
			Name: f[0], Arch: f[1], Epoch: epoch, Version: f[3], Release: f[4],
			SignatureKeyID: rpmKeyID(f[5]),
		})
	}
	sort.SliceStable(pkgs, func(i, j int) bool {
		a, b := pkgs[i], pkgs[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		if a.Arch != b.Arch {
			return a.Arch < b.Arch
		}
		return a.Epoch+":"+a.Version+"-"+a.Release < b.Epoch+":"+b.Version+"-"+b.Release
	})
	return pkgs
}

// rpmKeyID takes the key id from rpm's pgpsig rendering,
// "RSA/SHA256, Tue 16 Apr 2019 07:52:37 AM UTC, Key ID 199e2f91fd431d51".
func rpmKeyID(sig string) string {
	const marker = "Key ID "
	i := strings.LastIndex(sig, marker)
	if i < 0 {
		return ""
	}
	return strings.ToLower(strings.TrimSpace(sig[i+len(marker):]))
}
