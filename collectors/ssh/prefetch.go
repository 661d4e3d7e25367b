package ssh

import (
	"bytes"
	"context"
	"path"
	"slices"
	"strings"

	"github.com/stigscan/stigscan/collectors/host"
)

// Prefetch (host.Prefetcher) fetches, before an evaluation, what its
// probes are about to ask for: the directories holding the paths in stat
// and read are listed by one find(1) process in one command, and the
// files in read that the listings show to be small regular files are read
// in one more (ReadFiles). The answers go to the per-scan cache, where
// Stat and ReadFile find them; anything not fetched (a directory that
// could not be listed, a large file) is fetched when asked, with its error
// then. Where find cannot list (no -printf, as on BusyBox) the files in
// read are read without a listing. The files read are those the checks being evaluated
// name, so unlike the read-ahead of neighbours they may be files only root
// may read (a check of /etc/shadow reads it anyway).
func (h *Host) Prefetch(ctx context.Context, stat, read []string) {
	if h.cache == nil || h.broken() != nil {
		return
	}
	var dirs []string
	for _, p := range append(slices.Clone(stat), read...) {
		if !cleanAbs(p) || p == "/" {
			continue
		}
		d := path.Dir(p)
		if !readAheadAllowed(d) {
			continue
		}
		if _, listed := h.cache.listed(d, false); !listed {
			dirs = append(dirs, d)
		}
	}
	slices.Sort(dirs)
	dirs = slices.Compact(dirs)
	if len(dirs) > 0 {
		h.listDirs(ctx, dirs)
	}

	var batch []string
	var total int64
	for _, p := range read {
		if !cleanAbs(p) || !readAheadAllowed(path.Dir(p)) {
			continue
		}
		if _, done := h.cache.file(p); done {
			continue
		}
		fi, exists, known := h.cache.lookup(p)
		switch {
		case !known:
			// Not listed: on a target whose find cannot list
			// (BusyBox) the file is read unseen, as the check that
			// names it will read it anyway; elsewhere the listing
			// failed and the read waits for the check.
			if h.gnuFind.Load() != findNo {
				continue
			}
		case !exists || !fi.Mode.IsRegular() || fi.Size > readAheadMaxFile || total+fi.Size > readAheadMaxBytes:
			continue
		default:
			total += fi.Size
		}
		batch = append(batch, p)
	}
	if len(batch) == 0 {
		return
	}
	got, err := h.ReadFiles(ctx, batch...)
	if err != nil {
		h.log.Debug("ssh: prefetch of files failed; they are read when asked", "host", h.name, "err", err)
		return
	}
	for _, fr := range got {
		if fr.Err == nil || isPerFile(fr.Err) {
			h.cache.putFile(fr.Path, fr.Data, fr.Err)
		}
	}
}

// prefetchFormat is findFormat after the depth of the entry (0 for a
// starting point), so that a starting point that is also a child of the
// one before it is told apart.
const prefetchFormat = `%d\0` + findFormat

// listDirs lists dirs (each one level, symlinks to directories followed as
// ReadDir follows them) with one find process and caches each listing that
// came whole: a starting point find reported as a directory and named in
// no error message.
func (h *Host) listDirs(ctx context.Context, dirs []string) {
	var args strings.Builder
	for _, d := range dirs {
		args.WriteString(" " + Quote(d))
	}
	// Only directories the login may both read and search are given to
	// find: on an empty directory it can read but not search, find
	// reports nothing amiss, where ReadDir and Stat get EACCES.
	body := `if ! ` + h.findTest() + `; then printf 'U\0'; exit 0; fi
printf 'Q\0'
set --
for d in` + args.String() + `; do
	if [ -d "$d" ] && [ -r "$d" ] && [ -x "$d" ]; then set -- "$@" "$d"; fi
done
if [ $# -eq 0 ]; then exit 0; fi
exec find -H "$@" -maxdepth 1 -printf '` + prefetchFormat + `'
`
	res, err := h.script(ctx, "list "+dirs[0]+" and others", body)
	if err != nil {
		h.log.Debug("ssh: prefetch listing failed; directories are listed when asked", "host", h.name, "err", err)
		return
	}
	if bytes.HasPrefix(res.stdout, []byte("U\x00")) {
		h.gnuFind.CompareAndSwap(findUnknown, findNo)
		return
	}
	if !bytes.HasPrefix(res.stdout, []byte("Q\x00")) {
		return
	}
	h.gnuFind.CompareAndSwap(findUnknown, findYes)
	want := map[string]bool{}
	for _, d := range dirs {
		want[d] = true
	}
	lists := map[string][]host.FileInfo{}
	isDir := map[string]bool{}
	cur := ""
	r := fieldReader{b: res.stdout[2:]}
	for !r.done() {
		depth, err := r.next()
		if err != nil {
			return
		}
		fi, err := readFindRecord(&r)
		if err != nil {
			h.log.Debug("ssh: prefetch listing unreadable, not cached", "host", h.name, "err", err)
			return
		}
		switch {
		case depth == "0" && want[fi.Path]:
			cur = fi.Path
			isDir[cur] = fi.Mode.IsDir()
			lists[cur] = []host.FileInfo{}
		case depth == "1" && cur != "" && path.Dir(fi.Path) == cur:
			lists[cur] = append(lists[cur], fi)
		default:
			h.log.Debug("ssh: prefetch listing out of order, not cached", "host", h.name, "path", fi.Path)
			return
		}
	}
	errPaths, unplaced := findErrorPaths(res.stderr)
	if unplaced != "" {
		h.log.Debug("ssh: prefetch listing had an error it cannot place, not cached", "host", h.name, "line", unplaced)
		return
	}
	for _, p := range errPaths {
		// An error names a starting point (missing, unreadable) or
		// an entry of one, whose listing is then not whole.
		if want[p] {
			delete(lists, p)
		} else {
			delete(lists, path.Dir(p))
		}
	}
	for d, entries := range lists {
		if !isDir[d] {
			continue
		}
		slices.SortFunc(entries, func(a, b host.FileInfo) int { return strings.Compare(a.Name(), b.Name()) })
		if _, listed := h.cache.listed(d, false); !listed {
			h.cache.putDir(d, entries, false)
		}
	}
}
