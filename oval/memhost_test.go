package oval

import (
	"context"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/stigscan/stigscan/collectors/host"
)

// memHost is an in-memory offline host for probe tests and fuzzing.
type memHost struct {
	files map[string]memFile // absolute path → file; directories are implied
	live  bool               // poses as a running system (host.Live)
}

type memFile struct {
	data string
	mode fs.FileMode
	uid  int64
}

var (
	_ host.Host = (*memHost)(nil)
	_ host.Live = (*memHost)(nil)
)

func newMemHost(files map[string]string) *memHost {
	h := &memHost{files: map[string]memFile{}}
	for p, d := range files {
		h.files[p] = memFile{data: d, mode: 0o644}
	}
	return h
}

func (h *memHost) isDir(p string) bool {
	if p == "/" {
		return true
	}
	for f := range h.files {
		if strings.HasPrefix(f, p+"/") {
			return true
		}
	}
	return false
}

func (h *memHost) info(p string) host.FileInfo {
	t := time.Unix(1700000000, 0)
	if f, ok := h.files[p]; ok {
		return host.FileInfo{Path: p, Mode: f.mode, UID: f.uid, Size: int64(len(f.data)), ATime: t, MTime: t, CTime: t}
	}
	if h.isDir(p) {
		return host.FileInfo{Path: p, Mode: fs.ModeDir | 0o755, ATime: t, MTime: t, CTime: t}
	}
	return host.FileInfo{Path: p, Err: fs.ErrNotExist}
}

func (h *memHost) ReadFile(ctx context.Context, p string) ([]byte, error) {
	if f, ok := h.files[p]; ok {
		return []byte(f.data), nil
	}
	return nil, &fs.PathError{Op: "open", Path: p, Err: fs.ErrNotExist}
}

func (h *memHost) Stat(ctx context.Context, paths ...string) ([]host.FileInfo, error) {
	out := make([]host.FileInfo, len(paths))
	for i, p := range paths {
		out[i] = h.info(path.Clean(p))
	}
	return out, nil
}

func (h *memHost) ReadDir(ctx context.Context, dir string) ([]host.FileInfo, error) {
	dir = path.Clean(dir)
	if !h.isDir(dir) {
		return nil, &fs.PathError{Op: "readdir", Path: dir, Err: fs.ErrNotExist}
	}
	names := map[string]bool{}
	prefix := strings.TrimSuffix(dir, "/") + "/"
	for f := range h.files {
		if rest, ok := strings.CutPrefix(f, prefix); ok {
			name, _, _ := strings.Cut(rest, "/")
			names[name] = true
		}
	}
	var out []host.FileInfo
	for n := range names {
		out = append(out, h.info(prefix+n))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

func (h *memHost) Run(ctx context.Context, cmd string) ([]byte, error) {
	return nil, host.ErrNotCollected
}

func (h *memHost) Describe() string { return "memory" }

func (h *memHost) IsLive() bool { return h.live }
