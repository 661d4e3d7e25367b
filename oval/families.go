package oval

import (
	"sort"
	"strings"
)

// nsStigscanSC is the system-characteristics namespace of the families
// stigscan defines itself (urn:stigscan:oval-definitions-5#<family> in
// content), for example mongodb.
const nsStigscanSC = "urn:stigscan:oval-system-characteristics-5"

// familySupported reports whether tests and objects of family f can be
// evaluated: the OVAL families built in, and any family a registered probe
// belongs to (a family of stigscan's own, such as mongodb).
func (p *Prepared) familySupported(f string) bool {
	if supportedFamilies[f] {
		return true
	}
	prefix := f + ":"
	for k := range p.probes {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

// scPrefix is the namespace prefix items of family f are written with.
func scPrefix(f string) string {
	if p := familyPrefix[f]; p != "" {
		return p
	}
	if f == "" {
		return "ind-sys"
	}
	return f + "-sys"
}

// ownFamilies lists, sorted, the families of items that are not OVAL's
// own, with their system-characteristics namespace.
func ownFamilies(items []*Item) [][2]string {
	seen := map[string]bool{}
	var out [][2]string
	for _, it := range items {
		if it.Family == "" || familyPrefix[it.Family] != "" || seen[it.Family] {
			continue
		}
		seen[it.Family] = true
		out = append(out, [2]string{scPrefix(it.Family), nsStigscanSC + "#" + it.Family})
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}
