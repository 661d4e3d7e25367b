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
u=$(uname -snrm 2>/dev/null)
printf 'uname\0%s\0' "$u"
u=$(uname -v 2>/dev/null)
printf 'unamev\0%s\0' "$u"
u=$(uname -p 2>/dev/null)
printf 'unamep\0%s\0' "$u"
`

// targetFacts is what the facts session read, kept for the Host's lifetime
// (one scan): the engine, the OVAL results and the uname probe all ask.
type targetFacts struct {
	facts host.Facts
	uname host.UnameInfo
	uerr  error // why uname's fields could not be read
}

// Facts describes the target (hostname, FQDN, addresses, MACs, OS) with one
// session, the first time it is asked. Missing tools leave their fields
// empty.
func (h *Host) Facts(ctx context.Context) (host.Facts, error) {
	tf, err := h.targetFacts(ctx)
	if err != nil {
		return host.Facts{}, err
	}
	return tf.facts, nil
}

// Uname answers from the facts session, which runs uname(1) too, so the
// uname probe costs no round trip of its own.
func (h *Host) Uname(ctx context.Context) (host.UnameInfo, error) {
	tf, err := h.targetFacts(ctx)
	if err != nil {
		return host.UnameInfo{}, err
	}
	return tf.uname, tf.uerr
}

func (h *Host) targetFacts(ctx context.Context) (*targetFacts, error) {
	h.factsMu.Lock()
	defer h.factsMu.Unlock()
	if h.facts != nil {
		return h.facts, nil
	}
	res, err := h.script(ctx, "facts", factsBody)
	if err != nil {
		// Not kept: a cancelled or timed-out attempt says nothing of
		// the target, and the connection may be gone anyway.
		return nil, err
	}
	vals := map[string]string{}
	r := fieldReader{b: res.stdout}
	for !r.done() {
		k, err := r.next()
		if err != nil {
			return nil, fmt.Errorf("ssh: %s: facts: %w", h.name, err)
		}
		v, err := r.next()
		if err != nil {
			return nil, fmt.Errorf("ssh: %s: facts: %w", h.name, err)
		}
		vals[k] = v
	}
	tf := &targetFacts{facts: parseFacts(vals)}
	tf.uname, tf.uerr = parseUnameFacts(vals)
	if tf.uerr != nil {
		tf.uerr = fmt.Errorf("ssh: %s: %w", h.name, tf.uerr)
	}
	h.facts = tf
	return tf, nil
}

// parseUnameFacts reads "uname -snrm" (system, node, release, machine;
// only the node name could hold a blank, so it is what lies between the
// first word and the last two), "uname -v" and "uname -p" into what
// host.ParseUname reads.
func parseUnameFacts(v map[string]string) (host.UnameInfo, error) {
	w := strings.Fields(v["uname"])
	if len(w) < 4 {
		return host.UnameInfo{}, fmt.Errorf("uname: want 4 words from uname -snrm, got %q", v["uname"])
	}
	n := len(w)
	node := strings.Join(w[1:n-2], " ")
	lines := []string{w[n-1], node, w[0], w[n-2], strings.TrimSpace(v["unamev"]), strings.TrimSpace(v["unamep"])}
	return host.ParseUname([]byte(strings.Join(lines, "\n") + "\n"))
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
		// The system and release name the OS.
		if u, err := parseUnameFacts(v); err == nil {
			f.OS = u.OSName + " " + u.OSRelease
		}
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
