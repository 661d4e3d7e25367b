package ssh

import (
	"context"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/stigscan/stigscan/collectors/host"
)

// File system sizes (statfs(2) through stat -f), for one path or many.

// StatFS reports the size of the file system holding path (statfs(2)
// through "stat -f").
func (h *Host) StatFS(ctx context.Context, path string) (host.StatFS, error) {
	if err := checkPath(path); err != nil {
		return host.StatFS{}, fmt.Errorf("ssh: %s: statfs %q: %w", h.name, path, err)
	}
	res, err := h.script(ctx, "statfs "+path, "exec stat -f -c "+statFSFormat+" -- "+Quote(path)+" 2>&1\n")
	if err != nil {
		return host.StatFS{}, err
	}
	if res.status != 0 {
		return host.StatFS{}, fmt.Errorf("ssh: %s: %w", h.name, &fs.PathError{Op: "statfs", Path: path, Err: classify(string(res.stdout))})
	}
	st, ok := parseStatFS(string(res.stdout))
	if !ok {
		return host.StatFS{}, fmt.Errorf("ssh: %s: statfs %s: unexpected output %q", h.name, path, res.stdout)
	}
	return st, nil
}

// statFSFormat is what StatFS and StatFSAll have stat -f print: fragment
// size, blocks, free blocks, blocks available to users, inodes, free inodes.
const statFSFormat = `'%S %b %f %a %c %d'`

// parseStatFS reads one statFSFormat line.
func parseStatFS(out string) (host.StatFS, bool) {
	f := strings.Fields(out)
	if len(f) != 6 {
		return host.StatFS{}, false
	}
	var n [6]int64
	for i := range f {
		var err error
		if n[i], err = strconv.ParseInt(f[i], 10, 64); err != nil {
			return host.StatFS{}, false
		}
	}
	return host.StatFS{BlockSize: n[0], Blocks: n[1], BFree: n[2], BAvail: n[3], Files: n[4], FFree: n[5]}, true
}

// StatFSAll describes many file systems with one command
// (host.StatFSBatcher): each path, then what stat -f printed for it. A
// mount that hangs (a dead network file system) is given up after 10
// seconds where timeout(1) takes that syntax (BusyBox before 1.30 wanted
// -t), so it does not take the others with it.
func (h *Host) StatFSAll(ctx context.Context, paths []string) (map[string]host.StatFS, error) {
	var b strings.Builder
	b.WriteString("t=\nif timeout 10 true >/dev/null 2>&1; then t='timeout 10'; fi\nfor p in")
	n := 0
	for _, p := range paths {
		if checkPath(p) != nil {
			continue
		}
		b.WriteString(" " + Quote(p))
		n++
	}
	if n == 0 {
		return map[string]host.StatFS{}, nil
	}
	b.WriteString("; do\n\tprintf '%s\\0' \"$p\"\n\t$t stat -f -c " + statFSFormat + " -- \"$p\" 2>/dev/null\n\tprintf '\\0'\ndone\n")
	res, err := h.script(ctx, "statfs of "+strconv.Itoa(n)+" mounts", b.String())
	if err != nil {
		return nil, err
	}
	out := map[string]host.StatFS{}
	r := fieldReader{b: res.stdout}
	for !r.done() {
		p, err := r.next()
		if err != nil {
			return nil, fmt.Errorf("ssh: %s: statfs: %w", h.name, err)
		}
		line, err := r.next()
		if err != nil {
			return nil, fmt.Errorf("ssh: %s: statfs: %w", h.name, err)
		}
		if st, ok := parseStatFS(line); ok {
			out[p] = st
		}
	}
	return out, nil
}
