package local

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/stigscan/stigscan/collectors/host"
)

// fqdnLookupTimeout bounds the DNS lookup of the FQDN, which a machine with
// no reachable resolver would otherwise wait on.
const fqdnLookupTimeout = 2 * time.Second

// Facts describes the machine: for the live one, its hostname, FQDN,
// addresses and MACs of every non-loopback interface, and OS; for a root
// folder, the hostname from etc/hostname, the FQDN from etc/hosts, the OS,
// and no addresses. A missing os-release leaves OS empty rather than failing.
func (h *Host) Facts(ctx context.Context) (host.Facts, error) {
	var f host.Facts
	if rel, err := host.OSRelease(ctx, h); err == nil {
		f.OS = host.PrettyOSName(rel)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return host.Facts{}, fmt.Errorf("local: facts: %w", err)
	}
	hosts, err := h.ReadFile(ctx, "/etc/hosts")
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return host.Facts{}, fmt.Errorf("local: facts: %w", err)
	}
	if h.root != "" {
		data, err := h.ReadFile(ctx, "/etc/hostname")
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return host.Facts{}, fmt.Errorf("local: facts: %w", err)
		}
		f.Hostname = parseHostname(data)
		f.FQDN = fqdnFromHosts(hosts, f.Hostname)
		return f, nil
	}

	name, err := os.Hostname()
	if err != nil {
		return host.Facts{}, fmt.Errorf("local: facts: %w", err)
	}
	f.Hostname = name
	f.FQDN = fqdnFromHosts(hosts, name)
	if !strings.Contains(f.FQDN, ".") {
		f.FQDN = lookupFQDN(ctx, name)
	}
	ifaces, err := net.Interfaces()
	if err != nil {
		return host.Facts{}, fmt.Errorf("local: facts: interfaces: %w", err)
	}
	v4, v6, macs := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, ifc := range ifaces {
		if ifc.Flags&net.FlagLoopback != 0 {
			continue
		}
		if len(ifc.HardwareAddr) > 0 {
			macs[ifc.HardwareAddr.String()] = true
		}
		addrs, err := ifc.Addrs()
		if err != nil {
			continue // an interface that vanished meanwhile
		}
		for _, a := range addrs {
			ipn, ok := a.(*net.IPNet)
			if !ok {
				continue
			}
			if ip4 := ipn.IP.To4(); ip4 != nil {
				v4[ip4.String()] = true
			} else {
				v6[ipn.IP.String()] = true
			}
		}
	}
	f.IPv4, f.IPv6, f.MACs = sorted(v4), sorted(v6), sorted(macs)
	return f, nil
}

// parseHostname takes the first name in an /etc/hostname file.
func parseHostname(data []byte) string {
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line != "" && line[0] != '#' {
			return line
		}
	}
	return ""
}

// fqdnFromHosts finds name in hosts(5) text and returns the canonical name of
// its line when that is fully qualified, as hostname -f does through
// files; otherwise name itself.
func fqdnFromHosts(hosts []byte, name string) string {
	if name == "" || strings.Contains(name, ".") {
		return name
	}
	for _, line := range strings.Split(string(hosts), "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		for _, n := range f[1:] {
			if strings.EqualFold(n, name) && strings.Contains(f[1], ".") {
				return f[1]
			}
		}
	}
	return name
}

// lookupFQDN asks the resolver for name's canonical name, falling back to
// name.
func lookupFQDN(ctx context.Context, name string) string {
	ctx, cancel := context.WithTimeout(ctx, fqdnLookupTimeout)
	defer cancel()
	cname, err := net.DefaultResolver.LookupCNAME(ctx, name)
	if err != nil {
		return name
	}
	if cname = strings.TrimSuffix(cname, "."); strings.Contains(cname, ".") {
		return cname
	}
	return name
}

func sorted(m map[string]bool) []string {
	if len(m) == 0 {
		return nil
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
