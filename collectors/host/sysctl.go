package host

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

// SysctlParam is one kernel parameter as sysctl(8) prints it.
type SysctlParam struct {
	Name  string // dotted, e.g. "net.ipv4.ip_forward"
	Value string // one line of the value, tabs turned into single spaces
}

const procSys = "/proc/sys"

// Sysctl returns the kernel parameters of a running host, sorted by name,
// read by walking /proc/sys. A parameter whose value spans several lines
// (dev.cdrom.info) gives one SysctlParam per line, in order, as sysctl(8)
// prints one "name = value" line for each; empty values are left out, as
// sysctl(8) leaves them out. Entries that cannot be read (write-only ones such
// as net.ipv4.route.flush, or stable_secret before it is set) are skipped;
// SysctlTree reports how many.
func Sysctl(ctx context.Context, h Host) ([]SysctlParam, error) {
	params, _, err := SysctlTree(ctx, h)
	return params, err
}

// SysctlTree is Sysctl that also returns the number of entries skipped
// because they could not be read.
func SysctlTree(ctx context.Context, h Host) (params []SysctlParam, skipped int, err error) {
	if err := requireLive(h, "kernel parameters"); err != nil {
		return nil, 0, err
	}
	w := sysctlWalker{h: h}
	if err := w.walk(ctx, procSys); err != nil {
		return nil, 0, fmt.Errorf("host: sysctl: %w", err)
	}
	sort.SliceStable(w.params, func(i, j int) bool { return w.params[i].Name < w.params[j].Name })
	return w.params, w.skipped, nil
}

type sysctlWalker struct {
	h       Host
	params  []SysctlParam
	skipped int
}

func (w *sysctlWalker) walk(ctx context.Context, dir string) error {
	entries, err := w.h.ReadDir(ctx, dir)
	if err != nil {
		if dir != procSys && (errors.Is(err, fs.ErrPermission) || errors.Is(err, fs.ErrNotExist)) {
			w.skipped++
			return nil
		}
		return err
	}
	for _, e := range entries {
		if err := checkCtx(ctx); err != nil {
			return err
		}
		p := dir + "/" + e.Name()
		switch {
		case e.Err != nil:
			w.skipped++
		case e.Mode.IsDir():
			if err := w.walk(ctx, p); err != nil {
				return err
			}
		case e.Mode.IsRegular():
			// The test sysctl(8) makes: no owner read bit means
			// write-only.
			if e.Mode.Perm()&0o400 == 0 {
				w.skipped++
				continue
			}
			data, err := w.h.ReadFile(ctx, p)
			if err != nil {
				if cerr := checkCtx(ctx); cerr != nil {
					return cerr
				}
				w.skipped++
				continue
			}
			name := SysctlName(p)
			for _, v := range sysctlValues(data) {
				w.params = append(w.params, SysctlParam{Name: name, Value: v})
			}
		}
	}
	return nil
}

// SysctlName turns a /proc/sys path into a dotted parameter name the way
// sysctl(8) does: "/" becomes "." and a "." inside a component (a VLAN
// interface such as eth0.100) becomes "/".
func SysctlName(p string) string {
	rel := strings.TrimPrefix(strings.TrimPrefix(p, procSys), "/")
	parts := strings.Split(rel, "/")
	for i, s := range parts {
		parts[i] = strings.ReplaceAll(s, ".", "/")
	}
	return strings.Join(parts, ".")
}

// sysctlValues splits a /proc/sys file into the lines sysctl(8) would print,
// with each run of tabs collapsed to one space.
func sysctlValues(data []byte) []string {
	s := strings.TrimRight(string(data), "\n")
	if s == "" {
		return nil
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = collapseTabs(l)
	}
	return lines
}

func collapseTabs(s string) string {
	if !strings.Contains(s, "\t") {
		return s
	}
	var b strings.Builder
	tab := false
	for _, r := range s {
		if r == '\t' {
			if !tab {
				b.WriteByte(' ')
			}
			tab = true
			continue
		}
		tab = false
		b.WriteRune(r)
	}
	return b.String()
}

// SysctlParamByName reads one kernel parameter directly from its file under
// /proc/sys, for a check that names it: one read instead of walking the
// whole tree (on a remote host, a few hundred files). ok is false when the
// name cannot be read that way (no such file: a dot may belong to an
// interface name such as eth0.100; or unreadable) and the caller should
// fall back to Sysctl, whose answer for such names is the reference.
func SysctlParamByName(ctx context.Context, h Host, name string) (params []SysctlParam, ok bool) {
	if !IsLive(h) || name == "" || strings.ContainsAny(name, "/\x00") || strings.Contains(name, "..") {
		return nil, false
	}
	data, err := h.ReadFile(ctx, procSys+"/"+strings.ReplaceAll(name, ".", "/"))
	if err != nil {
		return nil, false
	}
	for _, v := range sysctlValues(data) {
		params = append(params, SysctlParam{Name: name, Value: v})
	}
	return params, true
}
