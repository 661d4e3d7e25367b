package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/stigscan/stigscan/collectors/host"
)

// maxSymlinks is how many symlinks one resolution may follow before it fails
// with ELOOP, Linux's MAXSYMLINKS.
const maxSymlinks = 40

var (
	errNotAbsolute = errors.New("path is not absolute")
	errNotRegular  = errors.New("not a regular file")
)

// missingENOTDIR is ENOTDIR met while resolving a path: a component that
// must be a directory is not one, so the path does not exist. It matches
// both fs.ErrNotExist (the Host contract, as the SSH host answers) and
// syscall.ENOTDIR.
type missingENOTDIR struct{}

func (missingENOTDIR) Error() string        { return unix.ENOTDIR.Error() }
func (missingENOTDIR) Unwrap() error        { return unix.ENOTDIR }
func (missingENOTDIR) Is(target error) bool { return target == fs.ErrNotExist }

// notExist turns a resolution ENOTDIR into missingENOTDIR.
func notExist(err error) error {
	if errno, ok := err.(unix.Errno); ok && errno == unix.ENOTDIR {
		return missingENOTDIR{}
	}
	return err
}

// ReadFile returns the content of the regular file at p, following symlinks
// (inside the root, for a root folder). Anything but a regular file is an
// error, and is never opened: reading a FIFO would block, a device could
// have side effects. A file over the host's cap is an error matching
// host.ErrTooLarge.
func (h *Host) ReadFile(ctx context.Context, p string) ([]byte, error) {
	return h.ReadFileLimit(ctx, p, h.maxFileBytes)
}

// ReadFileLimit is ReadFile with a cap of limit bytes (never more than the
// host's own). The file's size is checked before reading, and the read
// stops one byte past the cap whatever the size said (/proc files say 0,
// a sparse file says what its holes would read as).
func (h *Host) ReadFileLimit(ctx context.Context, p string, limit int64) ([]byte, error) {
	if limit <= 0 || limit > h.maxFileBytes {
		limit = h.maxFileBytes
	}
	if err := ctx.Err(); err != nil {
		return nil, pathErr("read", p, err)
	}
	fd, err := h.open("read", p, unix.O_RDONLY)
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(fd), p)
	defer f.Close()
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return nil, pathErr("read", p, err)
	}
	data, err := host.ReadAllLimit(ctxReader{ctx, f}, p, st.Size, limit)
	if err != nil {
		var tl *host.TooLargeError
		if errors.As(err, &tl) {
			return nil, fmt.Errorf("local: read %w", err)
		}
		return nil, pathErr("read", p, err)
	}
	return data, nil
}

// readChunk bounds each read of a ctxReader, between two checks of its
// context.
const readChunk = 1 << 20

// ctxReader reads at most readChunk bytes at a time and checks ctx before
// every read: a huge file no longer holds a stopped scan.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	if len(p) > readChunk {
		p = p[:readChunk]
	}
	return c.r.Read(p)
}

// Stat describes each path without following a final symlink.
func (h *Host) Stat(ctx context.Context, paths ...string) ([]host.FileInfo, error) {
	out := make([]host.FileInfo, len(paths))
	for i, p := range paths {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("local: stat: %w", err)
		}
		fi, err := h.lstat(p)
		var re *rootError
		if errors.As(err, &re) {
			return nil, err
		}
		out[i] = fi
	}
	return out, nil
}

func (h *Host) lstat(p string) (host.FileInfo, error) {
	loc, err := h.locate(p, false)
	if err != nil {
		return host.FileInfo{Path: p, Err: pathErr("lstat", p, notExist(err))}, err
	}
	defer loc.close()
	var st unix.Stat_t
	if err := unix.Fstatat(loc.dirfd, loc.name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return host.FileInfo{Path: p, Err: pathErr("lstat", p, notExist(err))}, nil
	}
	fi := fileInfo(p, &st)
	if fi.Mode&fs.ModeSymlink != 0 {
		target, err := readlinkat(loc.dirfd, loc.name)
		if err != nil {
			fi.Err = pathErr("readlink", p, err)
		}
		fi.Target = target
	}
	return fi, nil
}

// ReadDir lists the directory at p, sorted by name, following symlinks to
// reach it but not the entries' own. Entries removed while listing (common
// in /proc) are left out; one that cannot be described has Err set.
func (h *Host) ReadDir(ctx context.Context, p string) ([]host.FileInfo, error) {
	if err := ctx.Err(); err != nil {
		return nil, pathErr("readdir", p, err)
	}
	fd, err := h.open("readdir", p, unix.O_RDONLY|unix.O_DIRECTORY)
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(fd), p)
	defer f.Close()
	names, err := f.Readdirnames(-1)
	if err != nil {
		return nil, pathErr("readdir", p, err)
	}
	sort.Strings(names)
	dir := path.Clean(p)
	out := make([]host.FileInfo, 0, len(names))
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return nil, pathErr("readdir", p, err)
		}
		full := path.Join(dir, name)
		var st unix.Stat_t
		if err := unix.Fstatat(fd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			if errors.Is(err, unix.ENOENT) {
				continue
			}
			out = append(out, host.FileInfo{Path: full, Err: pathErr("lstat", full, err)})
			continue
		}
		fi := fileInfo(full, &st)
		if fi.Mode&fs.ModeSymlink != 0 {
			target, err := readlinkat(fd, name)
			if err != nil {
				fi.Err = pathErr("readlink", full, err)
			}
			fi.Target = target
		}
		out = append(out, fi)
	}
	return out, nil
}

// open opens p, following symlinks, with flags: O_RDONLY to read content,
// O_RDONLY|O_DIRECTORY to list, or O_PATH. The caller closes the descriptor.
// Content opens are checked to be of a regular file before opening (so no
// FIFO or device is ever opened) and again after (in case it was swapped).
func (h *Host) open(op, p string, flags int) (int, error) {
	loc, err := h.locate(p, true)
	if err != nil {
		return -1, pathErr(op, p, notExist(err))
	}
	defer loc.close()
	openNoFollow, statNoFollow := 0, 0
	if h.root != "" {
		// Already resolved inside the root: the kernel must not
		// follow the last component again.
		openNoFollow, statNoFollow = unix.O_NOFOLLOW, unix.AT_SYMLINK_NOFOLLOW
	}
	content := flags&(unix.O_DIRECTORY|unix.O_PATH) == 0
	if content {
		var st unix.Stat_t
		if err := unix.Fstatat(loc.dirfd, loc.name, &st, statNoFollow); err != nil {
			return -1, pathErr(op, p, notExist(err))
		}
		if err := requireRegular(&st); err != nil {
			return -1, pathErr(op, p, err)
		}
		flags |= unix.O_NONBLOCK | unix.O_NOCTTY
	}
	fd, err := unix.Openat(loc.dirfd, loc.name, flags|openNoFollow|unix.O_CLOEXEC, 0)
	if err != nil {
		if err == unix.ENOTDIR {
			// Listing something that is not a directory is ENOTDIR
			// as such; a path that does not resolve does not exist.
			var st unix.Stat_t
			if serr := unix.Fstatat(loc.dirfd, loc.name, &st, statNoFollow); serr != nil {
				err = notExist(serr)
			}
		}
		return -1, pathErr(op, p, err)
	}
	if content {
		var st unix.Stat_t
		err := unix.Fstat(fd, &st)
		if err == nil {
			err = requireRegular(&st)
		}
		if err != nil {
			unix.Close(fd)
			return -1, pathErr(op, p, err)
		}
	}
	return fd, nil
}

func requireRegular(st *unix.Stat_t) error {
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFREG:
		return nil
	case unix.S_IFDIR:
		return unix.EISDIR
	}
	return errNotRegular
}

// located is a path resolved to a directory descriptor and a name in it, for
// the *at system calls.
type located struct {
	dirfd int
	name  string
	owned bool // dirfd is ours to close
}

func (l located) close() {
	if l.owned {
		unix.Close(l.dirfd)
	}
}

// rootError reports that the root folder itself cannot be opened: the host
// cannot be read at all.
type rootError struct{ err error }

func (e *rootError) Error() string { return "local: root folder: " + e.err.Error() }
func (e *rootError) Unwrap() error { return e.err }

// locate resolves p. On the live machine the kernel resolves, so it returns
// p relative to the working directory's descriptor; for a root folder it
// walks p inside the root. follow says whether a final symlink is followed.
func (h *Host) locate(p string, follow bool) (located, error) {
	if !strings.HasPrefix(p, "/") {
		return located{}, errNotAbsolute
	}
	if h.root == "" {
		return located{dirfd: unix.AT_FDCWD, name: p}, nil
	}
	return resolveInRoot(h.root, p, follow)
}

// resolveInRoot walks p component by component from the root folder with
// chroot semantics: ".." at the root stays at the root, an absolute symlink
// target restarts at the root, and more than maxSymlinks links give ELOOP.
// Every step opens a directory relative to the previous one's descriptor
// with O_NOFOLLOW, so a tree changed during the walk can make it fail but
// never escape. It returns the descriptor of the directory that holds the
// final component and that component's name ("." when p names a directory
// reached through "..", or the root).
func resolveInRoot(root, p string, follow bool) (located, error) {
	rootfd, err := unix.Open(root, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return located{}, &rootError{err: err}
	}
	stack := []int{rootfd} // directories walked into; ".." pops
	popTo := func(n int) {
		for len(stack) > n {
			unix.Close(stack[len(stack)-1])
			stack = stack[:len(stack)-1]
		}
	}
	fail := func(err error) (located, error) {
		popTo(0)
		return located{}, err
	}
	// A trailing slash asks for what a final symlink points to.
	if strings.HasSuffix(p, "/") || strings.HasSuffix(p, "/.") {
		follow = true
	}
	comps := components(p)
	hops := 0
	for len(comps) > 0 {
		c := comps[0]
		comps = comps[1:]
		if c == ".." {
			if len(stack) > 1 {
				popTo(len(stack) - 1)
			}
			continue
		}
		top := stack[len(stack)-1]
		last := len(comps) == 0
		var st unix.Stat_t
		if err := unix.Fstatat(top, c, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			return fail(err)
		}
		switch {
		case st.Mode&unix.S_IFMT == unix.S_IFLNK && (!last || follow):
			hops++
			if hops > maxSymlinks {
				return fail(unix.ELOOP)
			}
			target, err := readlinkat(top, c)
			if err != nil {
				return fail(err)
			}
			if target == "" {
				return fail(unix.ENOENT)
			}
			if target[0] == '/' {
				popTo(1)
			}
			comps = append(components(target), comps...)
		case last:
			return keepTop(stack, c), nil
		case st.Mode&unix.S_IFMT != unix.S_IFDIR:
			return fail(unix.ENOTDIR)
		default:
			fd, err := unix.Openat(top, c, unix.O_PATH|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
			if err != nil {
				return fail(err)
			}
			stack = append(stack, fd)
		}
	}
	return keepTop(stack, "."), nil
}

// keepTop closes every descriptor of the walk but the last, which the
// returned located owns.
func keepTop(stack []int, name string) located {
	for _, fd := range stack[:len(stack)-1] {
		unix.Close(fd)
	}
	return located{dirfd: stack[len(stack)-1], name: name, owned: true}
}

// components splits a path into its names and "..", dropping empty ones and ".".
func components(p string) []string {
	var out []string
	for _, c := range strings.Split(p, "/") {
		if c != "" && c != "." {
			out = append(out, c)
		}
	}
	return out
}

func readlinkat(dirfd int, name string) (string, error) {
	for size := 256; ; size *= 2 {
		buf := make([]byte, size)
		n, err := unix.Readlinkat(dirfd, name, buf)
		if err != nil {
			return "", err
		}
		if n < size {
			return string(buf[:n]), nil
		}
	}
}

func fileInfo(p string, st *unix.Stat_t) host.FileInfo {
	return host.FileInfo{
		Path:  p,
		Mode:  fileMode(st.Mode),
		UID:   int64(st.Uid),
		GID:   int64(st.Gid),
		Size:  st.Size,
		ATime: time.Unix(st.Atim.Unix()),
		MTime: time.Unix(st.Mtim.Unix()),
		CTime: time.Unix(st.Ctim.Unix()),
	}
}

// fileMode converts st_mode to an fs.FileMode, as the os package does.
func fileMode(m uint32) fs.FileMode {
	mode := fs.FileMode(m & 0o777)
	switch m & unix.S_IFMT {
	case unix.S_IFBLK:
		mode |= fs.ModeDevice
	case unix.S_IFCHR:
		mode |= fs.ModeDevice | fs.ModeCharDevice
	case unix.S_IFDIR:
		mode |= fs.ModeDir
	case unix.S_IFIFO:
		mode |= fs.ModeNamedPipe
	case unix.S_IFLNK:
		mode |= fs.ModeSymlink
	case unix.S_IFSOCK:
		mode |= fs.ModeSocket
	}
	if m&unix.S_ISUID != 0 {
		mode |= fs.ModeSetuid
	}
	if m&unix.S_ISGID != 0 {
		mode |= fs.ModeSetgid
	}
	if m&unix.S_ISVTX != 0 {
		mode |= fs.ModeSticky
	}
	return mode
}
