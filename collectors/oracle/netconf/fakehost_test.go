package netconf

import (
	"context"
	"io/fs"
	"sort"
	"strings"
	"time"

	"github.com/stigscan/stigscan/collectors/host"
)

// fakeHost is an in-memory host: files, symlinks, and the output of the
// one command Locate runs.
type fakeHost struct {
	files map[string]string
	links map[string]string
	live  bool
	shell string // output of Run; "" means Run reports ErrNotCollected
}

var (
	_ host.Host = (*fakeHost)(nil)
	_ host.Live = (*fakeHost)(nil)
)

func (h *fakeHost) IsLive() bool { return h.live }

func (h *fakeHost) ReadFile(ctx context.Context, p string) ([]byte, error) {
	if d, ok := h.files[p]; ok {
		return []byte(d), nil
	}
	return nil, &fs.PathError{Op: "open", Path: p, Err: fs.ErrNotExist}
}

func (h *fakeHost) info(p string) host.FileInfo {
	t := time.Unix(1700000000, 0)
	if d, ok := h.files[p]; ok {
		return host.FileInfo{Path: p, Mode: 0o644, Size: int64(len(d)), MTime: t}
	}
	if target, ok := h.links[p]; ok {
		return host.FileInfo{Path: p, Mode: fs.ModeSymlink | 0o777, Target: target, MTime: t}
	}
	for f := range h.files {
		if strings.HasPrefix(f, p+"/") {
			return host.FileInfo{Path: p, Mode: fs.ModeDir | 0o755, MTime: t}
		}
	}
	return host.FileInfo{Path: p, Err: fs.ErrNotExist}
}

func (h *fakeHost) Stat(ctx context.Context, paths ...string) ([]host.FileInfo, error) {
	out := make([]host.FileInfo, len(paths))
	for i, p := range paths {
		out[i] = h.info(p)
	}
	return out, nil
}

func (h *fakeHost) ReadDir(ctx context.Context, p string) ([]host.FileInfo, error) {
	seen := map[string]bool{}
	var out []host.FileInfo
	for f := range h.files {
		rest, ok := strings.CutPrefix(f, strings.TrimSuffix(p, "/")+"/")
		if !ok {
			continue
		}
		name, _, _ := strings.Cut(rest, "/")
		if !seen[name] {
			seen[name] = true
			out = append(out, h.info(strings.TrimSuffix(p, "/")+"/"+name))
		}
	}
	if len(out) == 0 {
		return nil, &fs.PathError{Op: "readdir", Path: p, Err: fs.ErrNotExist}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

func (h *fakeHost) Run(ctx context.Context, cmd string) ([]byte, error) {
	if h.shell == "" {
		return nil, host.ErrNotCollected
	}
	return []byte(h.shell), nil
}

func (h *fakeHost) Describe() string { return "fake" }
