package ssh

import (
	"context"
	"fmt"
	"net"
	"slices"
	"strings"

	"github.com/stigscan/stigscan/collectors/host"
)

// factsBody gathers everything Facts needs in one session; each value is a
// name field and a value field, NUL-terminated.
const factsBody = `h=$(hostname 2>/dev/null || uname -n 2>/dev/null)
printf 'hostname\0%s\0' "$h"
f=$(hostname -f 2>/dev/null)
printf 'fqdn\0%s\0' "$f"
a=$(ip -o addr show 2>/dev/null)
printf 'addr\0%s\0' "$a"
m=$(cat /sys/class/net/*/address 2>/dev/null)
printf 'mac\0%s\0' "$m"
o=
for r in /etc/os-release /usr/lib/os-release; do
	if [ -r "$r" ]; then o=$(cat "$r"); break; fi
done
printf 'os\0%s\0' "$o"
u=$(uname -sr 2>/dev/null)
printf 'uname\0%s\0' "$u"
`

// Facts describes the target (hostname, FQDN, addresses, MACs, OS) with one
// session. Missing tools leave their fields empty.
func (h *Host) Facts(ctx context.Context) (host.Facts, error) {
	res, err := h.script(ctx, "facts", factsBody)
	if err != nil {
		return host.Facts{}, err
	}
	vals := map[string]string{}
	r := fieldReader{b: res.stdout}
	for !r.done() {
		k, err := r.next()
		if err != nil {
			return host.Facts{}, fmt.Errorf("ssh: %s: facts: %w", h.name, err)
		}
		v, err := r.next()
		if err != nil {
			return host.Facts{}, fmt.Errorf("ssh: %s: facts: %w", h.name, err)
		}
		vals[k] = v
	}
	return parseFacts(vals), nil
}

func parseFacts(v map[string]string) host.Facts {
	f := host.Facts{
		Hostname: strings.TrimSpace(v["hostname"]),
		FQDN:     strings.TrimSpace(v["fqdn"]),
	}
	if f.FQDN == "" {
		f.FQDN = f.Hostname
	}
	f.IPv4, f.IPv6 = parseIPAddr(v["addr"])
	for _, m := range strings.Fields(v["mac"]) {
		hw, err := net.ParseMAC(m)
		if err != nil || isZero(hw) {
			continue
		}
		f.MACs = append(f.MACs, hw.String())
	}
	slices.Sort(f.MACs)
	f.MACs = slices.Compact(f.MACs)
	f.OS = osName(v["os"])
	if f.OS == "" {
		f.OS = strings.TrimSpace(v["uname"])
	}
	return f
}

// parseIPAddr reads "ip -o addr show" lines ("2: eth0    inet 10.0.0.5/24
// brd ..."), sorted and without duplicates.
func parseIPAddr(s string) (v4, v6 []string) {
	for _, line := range strings.Split(s, "\n") {
		f := strings.Fields(line)
		for i := 0; i+1 < len(f); i++ {
			if f[i] != "inet" && f[i] != "inet6" {
				continue
			}
			addr, _, _ := strings.Cut(f[i+1], "/")
			ip := net.ParseIP(addr)
			if ip == nil {
				continue
			}
			if ip.To4() != nil {
				v4 = append(v4, ip.String())
			} else {
				v6 = append(v6, ip.String())
			}
			break
		}
	}
	slices.Sort(v4)
	slices.Sort(v6)
	return slices.Compact(v4), slices.Compact(v6)
}

func isZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// osName reads os-release: PRETTY_NAME, else NAME and VERSION.
func osName(content string) string {
	kv := map[string]string{}
	for _, line := range strings.Split(content, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		kv[k] = unquoteOSRelease(v)
	}
	if p := kv["PRETTY_NAME"]; p != "" {
		return p
	}
	return strings.TrimSpace(kv["NAME"] + " " + kv["VERSION"])
}

// unquoteOSRelease undoes the shell-style quoting os-release allows.
func unquoteOSRelease(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		q := v[0]
		v = v[1 : len(v)-1]
		if q == '\'' {
			return v
		}
		var b strings.Builder
		for i := 0; i < len(v); i++ {
			if v[i] == '\\' && i+1 < len(v) && strings.IndexByte("\\$\"`", v[i+1]) >= 0 {
				i++
			}
			b.WriteByte(v[i])
		}
		return b.String()
	}
	return v
}
