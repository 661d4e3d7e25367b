package ssh

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/stigscan/stigscan/collectors/host"
)

// A Host answers from what it has already read of the target, for its
// lifetime (one scan). OVAL content stats tens of thousands of paths and
// walks whole file systems one directory at a time; over SSH each of those
// calls would be a session (a round trip and a shell on the target), so a
// scan of a ComplianceAsCode benchmark took minutes. The cache turns the
// common access patterns into a handful of sessions:
//
//   - A listing (ReadDir) is kept, and answers Stat for every path in that
//     directory (present or absent).
//   - ReadDir of a directory whose parent was itself listed by ReadDir means
//     a walk is under way: the parent's whole subtree is listed by one
//     find(1) process in one session. /proc (but /proc/sys) and /sys are
//     never listed that way: their trees are huge and change constantly.
//   - Stat of one path whose directory is not listed lists that directory
//     (one session either way, and the neighbours come free).
//   - The second file read from a listed directory brings the directory's
//     other small, world-readable regular files in the same session
//     (through tar), as the sysctl walk and configuration probes read a
//     directory's files one after another. The first read of a directory
//     reads just that file: a check that reads /etc/passwd alone does not
//     pay for the rest of /etc. Files only their owner or group may read
//     (private keys, shadow files), and any file in a directory others may
//     not reach (everything under /root), are read only when asked for, so
//     a scan never carries secrets off the target that no check wanted. Kernel
//     parameters are the exception both ways: the first one read brings
//     every listed parameter, whatever its mode, as sysctl -a would.
//
// The result is a snapshot taken during the scan, as a local scan's is:
// a file changed mid-scan may be seen before or after the change.
// Config.NoCache turns all of it off.
type cache struct {
	mu     sync.Mutex
	dirs   map[string]*listing
	stats  map[string]host.FileInfo
	files  map[string]fileEntry
	reads  map[string]int  // files read so far per directory, for readAhead
	public map[string]bool // publicDir's answers
}

type listing struct {
	entries []host.FileInfo // sorted by name
	walked  bool            // listed for ReadDir (or a walk), not only to answer Stat
	tree    bool            // its whole subtree was listed at once
}

type fileEntry struct {
	data []byte
	err  error
}

func newCache() *cache {
	return &cache{dirs: map[string]*listing{}, stats: map[string]host.FileInfo{}, files: map[string]fileEntry{}, reads: map[string]int{}, public: map[string]bool{}}
}

// Read-ahead bounds: siblings larger than readAheadMaxFile are not read
// ahead, nor more than readAheadMaxFiles files or readAheadMaxBytes bytes
// (by their listed size) per directory.
const (
	readAheadMaxFile  = 256 << 10
	readAheadMaxFiles = 2048
	readAheadMaxBytes = 4 << 20
)

// findProbe succeeds where find(1) has -printf (GNU findutils). It runs
// once per Host: the first listing's answer decides the later scripts
// (findTest).
const findProbe = `find -H / -maxdepth 0 -printf '' >/dev/null 2>&1`

// What is known of the target's find(1), in Host.gnuFind.
const (
	findUnknown int32 = iota
	findYes
	findNo
)

// findTest is the shell test a script uses to choose find -printf: the
// probe until a listing has shown what the target's find is.
func (h *Host) findTest() string {
	switch h.gnuFind.Load() {
	case findYes:
		return "true"
	case findNo:
		return "false"
	}
	return findProbe
}

// findFormat prints, NUL-terminated, what statFunc prints for one path:
// type letter, permission bits in octal (setuid, setgid, sticky included),
// uid, gid, size, atime, mtime, ctime (seconds with fraction), path, link
// text. -printf writes names unquoted when standard output is not a
// terminal, as over an SSH session without a pty.
const findFormat = `%y\0%m\0%U\0%G\0%s\0%A@\0%T@\0%C@\0%p\0%l\0`

// findTypeBits maps find's %y letters onto st_mode type bits.
var findTypeBits = map[string]uint32{
	"f": 0o100000, "d": 0o040000, "l": 0o120000, "p": 0o010000,
	"s": 0o140000, "c": 0o020000, "b": 0o060000,
}

// readFindRecord reads one findFormat record.
func readFindRecord(r *fieldReader) (host.FileInfo, error) {
	var f [10]string
	for i := range f {
		s, err := r.next()
		if err != nil {
			return host.FileInfo{}, err
		}
		f[i] = s
	}
	fi := host.FileInfo{Path: f[8]}
	perm, err := strconv.ParseUint(f[1], 8, 32)
	if err != nil {
		return fi, fmt.Errorf("find mode %q of %s: %w", f[1], f[8], err)
	}
	fi.Mode = unixMode(findTypeBits[f[0]] | uint32(perm&0o7777))
	if f[0] == "D" || findTypeBits[f[0]] == 0 {
		fi.Mode = unixMode(uint32(perm & 0o7777))
		fi.Mode |= fs.ModeIrregular
	}
	nums := make([]int64, 3)
	for i := range nums {
		if nums[i], err = strconv.ParseInt(f[i+2], 10, 64); err != nil {
			return fi, fmt.Errorf("find field %q of %s: %w", f[i+2], f[8], err)
		}
	}
	fi.UID, fi.GID, fi.Size = nums[0], nums[1], nums[2]
	if fi.ATime, err = parseUnixTime(f[5]); err != nil {
		return fi, err
	}
	if fi.MTime, err = parseUnixTime(f[6]); err != nil {
		return fi, err
	}
	if fi.CTime, err = parseUnixTime(f[7]); err != nil {
		return fi, err
	}
	if fi.Mode&fs.ModeSymlink != 0 {
		fi.Target = f[9]
	}
	return fi, nil
}

// cleanAbs reports whether p is an absolute path in canonical form (no
// "//", ".", ".." or trailing slash), the only form the cache answers for:
// anything else has meanings (a trailing slash follows a final symlink)
// that a listing cannot tell.
func cleanAbs(p string) bool {
	return strings.HasPrefix(p, "/") && path.Clean(p) == p
}

// subtreeAllowed reports whether a whole-subtree listing of dir is sensible:
// not /proc (except /proc/sys, which the sysctl walk reads whole) and not
// /sys.
func subtreeAllowed(dir string) bool {
	switch {
	case dir == "/proc/sys" || strings.HasPrefix(dir, "/proc/sys/"):
		return true
	case dir == "/proc" || strings.HasPrefix(dir, "/proc/"), dir == "/sys" || strings.HasPrefix(dir, "/sys/"):
		return false
	}
	return true
}

// readAheadAllowed reports whether the regular files of dir may be read
// ahead: never under /proc (but /proc/sys, whose entries are the kernel
// parameters sysctl(8) reads), /sys or /dev, where reading can block,
// be huge or have effects.
func readAheadAllowed(dir string) bool {
	switch {
	case dir == "/proc/sys" || strings.HasPrefix(dir, "/proc/sys/"):
		return true
	case dir == "/proc" || strings.HasPrefix(dir, "/proc/"),
		dir == "/sys" || strings.HasPrefix(dir, "/sys/"),
		dir == "/dev" || strings.HasPrefix(dir, "/dev/"):
		return false
	}
	return true
}

// lookup answers an lstat of p from the listing of its directory.
func (c *cache) lookup(p string) (host.FileInfo, bool, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if fi, ok := c.stats[p]; ok {
		return fi, true, true
	}
	if p == "/" {
		return host.FileInfo{}, false, false
	}
	l, ok := c.dirs[path.Dir(p)]
	if !ok {
		return host.FileInfo{}, false, false
	}
	name := path.Base(p)
	i, found := slices.BinarySearchFunc(l.entries, name, func(fi host.FileInfo, name string) int {
		return strings.Compare(fi.Name(), name)
	})
	if !found {
		return host.FileInfo{}, false, true
	}
	fi := l.entries[i]
	fi.Path = p
	return fi, true, true
}

// listed returns a copy of dir's listing; walk marks it as asked for by
// ReadDir.
func (c *cache) listed(dir string, walk bool) ([]host.FileInfo, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	l, ok := c.dirs[dir]
	if !ok {
		return nil, false
	}
	if walk {
		l.walked = true
	}
	return slices.Clone(l.entries), true
}

// walking reports whether dir's parent was listed for ReadDir but its
// subtree was not listed yet: a walk that a tree listing of the parent
// would serve.
func (c *cache) walking(dir string) bool {
	if dir == "/" {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	l, ok := c.dirs[path.Dir(dir)]
	return ok && l.walked && !l.tree
}

func (c *cache) putDir(dir string, entries []host.FileInfo, walked bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dirs[dir] = &listing{entries: entries, walked: walked}
}

func (c *cache) file(p string) (fileEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.files[p]
	return e, ok
}

func (c *cache) putFile(p string, data []byte, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.files[p] = fileEntry{data: data, err: err}
}

// readAhead chooses the files to read along with p: from the second file
// read in p's directory on, the small world-readable regular files listed
// beside it, not read yet. Kernel parameters are read by walking all of
// /proc/sys, so the first file there brings every listed parameter its
// owner may read.
func (c *cache) readAhead(p string) []string {
	dir := path.Dir(p)
	if !readAheadAllowed(dir) {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	sysctl := strings.HasPrefix(dir+"/", "/proc/sys/")
	c.reads[dir]++
	if !sysctl && c.reads[dir] < 2 {
		return nil
	}
	dirs := []string{dir}
	if sysctl {
		dirs = dirs[:0]
		for d := range c.dirs {
			if d == "/proc/sys" || strings.HasPrefix(d, "/proc/sys/") {
				dirs = append(dirs, d)
			}
		}
		slices.Sort(dirs)
	}
	readable := fs.FileMode(0o004)
	if sysctl {
		readable = 0o400
	}
	var out []string
	var total int64
	for _, d := range dirs {
		l, ok := c.dirs[d]
		if !ok {
			continue
		}
		for _, fi := range l.entries {
			if len(out) >= readAheadMaxFiles {
				return out
			}
			if fi.Path == p || !fi.Mode.IsRegular() || fi.Mode.Perm()&readable == 0 || fi.Size > readAheadMaxFile || total+fi.Size > readAheadMaxBytes {
				continue
			}
			if _, done := c.files[fi.Path]; done {
				continue
			}
			total += fi.Size
			out = append(out, fi.Path)
		}
	}
	return out
}

// notExist is the error of a path absent from its directory's listing,
// worded as the target's stat would word it.
func (h *Host) notExist(op, p string) error {
	return fmt.Errorf("ssh: %s: %w", h.name, &fs.PathError{Op: op, Path: p, Err: &remoteError{text: "No such file or directory", kind: fs.ErrNotExist}})
}

// Stat describes each path without following symlinks. Paths in listed
// directories are answered from the listing; one path elsewhere lists its
// directory; several are described in one session per 256 paths.
func (h *Host) Stat(ctx context.Context, paths ...string) ([]host.FileInfo, error) {
	if h.cache == nil {
		return h.statRemote(ctx, paths...)
	}
	if err := h.broken(); err != nil {
		return nil, err
	}
	out := make([]host.FileInfo, len(paths))
	var todo []int
	for i, p := range paths {
		if !cleanAbs(p) {
			todo = append(todo, i)
			continue
		}
		fi, exists, known := h.cache.lookup(p)
		switch {
		case known && exists:
			out[i] = fi
		case known:
			out[i] = host.FileInfo{Path: p, Err: h.notExist("lstat", p)}
		default:
			todo = append(todo, i)
		}
	}
	if len(todo) == 0 {
		return out, nil
	}
	if len(todo) == 1 && cleanAbs(paths[todo[0]]) && paths[todo[0]] != "/" {
		p := paths[todo[0]]
		dir := path.Dir(p)
		if entries, err := h.readDirRemote(ctx, dir); err == nil {
			h.cache.putDir(dir, entries, false)
			if fi, exists, known := h.cache.lookup(p); known {
				if exists {
					out[todo[0]] = fi
				} else {
					out[todo[0]] = host.FileInfo{Path: p, Err: h.notExist("lstat", p)}
				}
				return out, nil
			}
		} else if !isPerFile(err) {
			return nil, err
		}
	}
	rest := make([]string, len(todo))
	for j, i := range todo {
		rest[j] = paths[i]
	}
	got, err := h.statRemote(ctx, rest...)
	if err != nil {
		return nil, err
	}
	h.cache.mu.Lock()
	for j, i := range todo {
		out[i] = got[j]
		if cleanAbs(rest[j]) {
			h.cache.stats[rest[j]] = got[j]
		}
	}
	h.cache.mu.Unlock()
	return out, nil
}

// ReadDir lists a directory and describes every entry (lstat), sorted by
// name, following a symlink to the directory itself. Entries that vanish
// while listing are left out.
func (h *Host) ReadDir(ctx context.Context, dir string) ([]host.FileInfo, error) {
	if err := checkPath(dir); err != nil {
		return nil, fmt.Errorf("ssh: %s: readdir %q: %w", h.name, dir, err)
	}
	dir = cleanDir(dir)
	if h.cache == nil || !cleanAbs(dir) {
		return h.readDirRemote(ctx, dir)
	}
	if err := h.broken(); err != nil {
		return nil, err
	}
	if parent := path.Dir(dir); dir != "/" && h.cache.walking(dir) && subtreeAllowed(parent) {
		if err := h.fetchTree(ctx, parent); err != nil {
			return nil, err
		}
	}
	if entries, ok := h.cache.listed(dir, true); ok {
		return entries, nil
	}
	entries, err := h.readDirRemote(ctx, dir)
	if err != nil {
		return nil, err
	}
	h.cache.putDir(dir, entries, true)
	return slices.Clone(entries), nil
}

// findError is one line find(1) writes to standard error in the C locale.
var findError = regexp.MustCompile(`^find: '([^'\\]*)': .*$`)

// findErrorPaths returns the paths find's error lines name, or the first
// line that names none it can read (a path with a quote is escaped).
func findErrorPaths(stderr string) (paths []string, unplaced string) {
	for line := range strings.SplitSeq(strings.TrimSpace(stderr), "\n") {
		if line == "" {
			continue
		}
		m := findError.FindStringSubmatch(line)
		if m == nil || !cleanAbs(m[1]) {
			return nil, line
		}
		paths = append(paths, m[1])
	}
	return paths, ""
}

// fetchTree lists every directory below dir (dir included, /proc and /sys
// excluded) with one find process and caches the listings. It fails only
// when the host cannot be read; a tree it cannot list (no GNU find, dir not
// a readable directory, an error message it cannot attribute) is simply not
// cached, and the caller's ReadDir lists one directory.
func (h *Host) fetchTree(ctx context.Context, dir string) error {
	// Whatever happens, do not try this tree again.
	h.cache.mu.Lock()
	if l, ok := h.cache.dirs[dir]; ok {
		l.tree = true
	}
	h.cache.mu.Unlock()
	body := "d=" + Quote(dir) + `
if ! ` + h.findTest() + `; then printf 'U\0'; exit 0; fi
if [ ! -d "$d" ] || [ ! -r "$d" ] || [ ! -x "$d" ]; then printf 'U\0'; exit 0; fi
printf 'Q\0'
exec find -H "$d" -mindepth 1 -printf '` + findFormat + `' \( -path /proc -o -path /sys \) -prune
`
	res, err := h.script(ctx, "list tree "+dir, body)
	if err != nil {
		return err
	}
	r := fieldReader{b: res.stdout}
	if code, err := r.next(); err != nil || code != "Q" {
		return nil
	}
	h.gnuFind.CompareAndSwap(findUnknown, findYes)
	lists := map[string][]host.FileInfo{dir: nil}
	for !r.done() {
		fi, err := readFindRecord(&r)
		if err != nil {
			h.log.Debug("ssh: tree listing unreadable, not cached", "dir", dir, "err", err)
			return nil
		}
		parent := path.Dir(fi.Path)
		if _, ok := lists[parent]; !ok || !cleanAbs(fi.Path) {
			h.log.Debug("ssh: tree listing out of order, not cached", "dir", dir, "path", fi.Path)
			return nil
		}
		lists[parent] = append(lists[parent], fi)
		if fi.Mode.IsDir() && fi.Path != "/proc" && fi.Path != "/sys" {
			lists[fi.Path] = nil
		}
	}
	// A directory find could not read (or that vanished before it was
	// read) is left to ReadDir to report. Its parent's listing stands: it
	// is what the directory held when find read it.
	errPaths, unplaced := findErrorPaths(res.stderr)
	for _, p := range errPaths {
		_, known := lists[p]
		_, parentKnown := lists[path.Dir(p)]
		if !known && !parentKnown {
			unplaced = p
			break
		}
		delete(lists, p)
	}
	if unplaced != "" {
		h.log.Debug("ssh: tree listing had an error it cannot place, not cached", "dir", dir, "line", unplaced)
		return nil
	}
	h.cache.mu.Lock()
	defer h.cache.mu.Unlock()
	for d, entries := range lists {
		slices.SortFunc(entries, func(a, b host.FileInfo) int { return strings.Compare(a.Name(), b.Name()) })
		if l, ok := h.cache.dirs[d]; ok {
			l.tree = true
			continue
		}
		h.cache.dirs[d] = &listing{entries: entries, walked: d == dir, tree: true}
	}
	return nil
}

// ReadFile returns the content of one regular file (symlinks followed).
// When the file's directory is listed, its other small regular files are
// read in the same session and kept for later calls.
func (h *Host) ReadFile(ctx context.Context, p string) ([]byte, error) {
	if err := checkPath(p); err != nil {
		return nil, fmt.Errorf("ssh: %s: read %q: %w", h.name, p, err)
	}
	if h.cache == nil || !cleanAbs(p) || p == "/" {
		return h.readFileRemote(ctx, p)
	}
	if err := h.broken(); err != nil {
		return nil, err
	}
	if e, ok := h.cache.file(p); ok {
		return bytes.Clone(e.data), e.err
	}
	if _, exists, known := h.cache.lookup(p); known && !exists {
		// Absent from its directory's listing: what cat would say,
		// without asking.
		return nil, h.notExist("read", p)
	}
	batch := append([]string{p}, h.cache.readAhead(p)...)
	if len(batch) > 1 && !strings.HasPrefix(p, "/proc/sys/") && !h.publicDir(ctx, path.Dir(p)) {
		batch = batch[:1]
	}
	if len(batch) == 1 {
		data, err := h.readFileRemote(ctx, p)
		if err != nil && !isPerFile(err) {
			return nil, err
		}
		h.cache.putFile(p, data, err)
		return bytes.Clone(data), err
	}
	got, err := h.ReadFiles(ctx, batch...)
	if err != nil {
		return nil, err
	}
	for _, fr := range got {
		h.cache.putFile(fr.Path, fr.Data, fr.Err)
	}
	return bytes.Clone(got[0].Data), got[0].Err
}

// publicDir reports whether anyone may reach the files of dir: it and
// every directory above it are real directories (not links) that others
// may search. A world-readable file in /root (mode 0700) is still private,
// so read-ahead keeps out of such directories. What the cache does not know
// of the ancestors is asked in one Stat; the answer is kept per directory.
func (h *Host) publicDir(ctx context.Context, dir string) bool {
	h.cache.mu.Lock()
	v, ok := h.cache.public[dir]
	h.cache.mu.Unlock()
	if ok {
		return v
	}
	var chain []string
	for d := dir; ; d = path.Dir(d) {
		chain = append(chain, d)
		if d == "/" {
			break
		}
	}
	infos, err := h.Stat(ctx, chain...)
	public := err == nil
	for _, fi := range infos {
		if fi.Err != nil || !fi.Mode.IsDir() || fi.Mode.Perm()&0o001 == 0 {
			public = false
		}
	}
	h.cache.mu.Lock()
	h.cache.public[dir] = public
	h.cache.mu.Unlock()
	return public
}
