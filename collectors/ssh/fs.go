package ssh

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/stigscan/stigscan/collectors/host"
)

// FileResult is one file of a ReadFiles call.
type FileResult struct {
	Path string
	Data []byte
	Err  error // per file, as ReadFile would return it
}

// BatchReader is an optional ability of a Host: reading many files in one
// round trip. Results are in the order of paths; a failure to read one
// file is that result's Err, and the call fails only when the host cannot
// be read at all.
type BatchReader interface {
	ReadFiles(ctx context.Context, paths ...string) ([]FileResult, error)
}

// Paths per command for Stat and ReadFiles: big enough that round trips
// stop mattering, small enough to bound one command's script and output.
// Chunks run one after another: a command costs one round trip on a shell
// already running, while running chunks side by side would start more
// shells, each a login shell on the target (hundreds of milliseconds of
// CPU where the login rc files do real work).
const (
	statChunk    = 256
	readChunk    = 2048
	chunkWorkers = 1
)

// statFunc is the per-path part of the Stat and ReadDir scripts: lstat
// through stat(1), the link text through readlink(1) with a trailing "."
// guarding trailing newlines, every field NUL-terminated. Records: K stat |
// L stat target | E message. Times come twice: as seconds with nanoseconds
// (%.9X, GNU) and as dates (%x); BusyBox stat ignores the precision of
// %.9X but prints nanoseconds in %x (parseStatLine).
const statFunc = `st() {
	if s=$(stat -c '%f %u %g %s %.9X %.9Y %.9Z %x %y %z' -- "$1" 2>&1); then
		if [ -L "$1" ]; then
			t=$(readlink -- "$1" && echo .)
			printf 'L\0%s\0%s\0' "$s" "${t%??}"
		else
			printf 'K\0%s\0' "$s"
		fi
	else
		printf 'E\0%s\0' "$s"
	fi
}
`

// statRemote describes each path without following symlinks, in one
// session per 256 paths.
func (h *Host) statRemote(ctx context.Context, paths ...string) ([]host.FileInfo, error) {
	out := make([]host.FileInfo, len(paths))
	var todo []int
	for i, p := range paths {
		out[i].Path = p
		if err := checkPath(p); err != nil {
			out[i].Err = fmt.Errorf("ssh: %s: lstat %q: %w", h.name, p, err)
			continue
		}
		todo = append(todo, i)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(chunkWorkers)
	for chunk := range slices.Chunk(todo, statChunk) {
		g.Go(func() error {
			var b strings.Builder
			b.WriteString(statFunc)
			for _, i := range chunk {
				b.WriteString("st " + Quote(paths[i]) + "\n")
			}
			res, err := h.script(gctx, "stat", b.String())
			if err != nil {
				return err
			}
			r := fieldReader{b: res.stdout}
			for _, i := range chunk {
				fi, err := h.readStatRecord(&r, paths[i])
				if err != nil {
					return fmt.Errorf("ssh: %s: stat: %w (stderr: %s)", h.name, err, firstLine(res.stderr))
				}
				out[i] = fi
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

// readStatRecord reads one st() record for path.
func (h *Host) readStatRecord(r *fieldReader, path string) (host.FileInfo, error) {
	fi := host.FileInfo{Path: path}
	code, err := r.next()
	if err != nil {
		return fi, err
	}
	switch code {
	case "K", "L":
		line, err := r.next()
		if err != nil {
			return fi, err
		}
		if err := parseStatLine(line, &fi); err != nil {
			return fi, fmt.Errorf("%s: %w", path, err)
		}
		if code == "L" {
			if fi.Target, err = r.next(); err != nil {
				return fi, err
			}
		}
	case "E":
		msg, err := r.next()
		if err != nil {
			return fi, err
		}
		fi.Err = fmt.Errorf("ssh: %s: %w", h.name, &fs.PathError{Op: "lstat", Path: path, Err: classify(msg)})
	default:
		return fi, fmt.Errorf("unexpected record %q", code)
	}
	return fi, nil
}

// parseStatLine reads "%f %u %g %s %.9X %.9Y %.9Z %x %y %z" (each date
// three words: "2006-01-02 15:04:05.999999999 -0700").
func parseStatLine(line string, fi *host.FileInfo) error {
	f := strings.Fields(line)
	if len(f) != 16 {
		return fmt.Errorf("unexpected stat output %q", line)
	}
	raw, err := strconv.ParseUint(f[0], 16, 32)
	if err != nil {
		return fmt.Errorf("stat mode %q: %w", f[0], err)
	}
	fi.Mode = unixMode(uint32(raw))
	nums := make([]int64, 3)
	for i := range nums {
		if nums[i], err = strconv.ParseInt(f[i+1], 10, 64); err != nil {
			return fmt.Errorf("stat field %q: %w", f[i+1], err)
		}
	}
	fi.UID, fi.GID, fi.Size = nums[0], nums[1], nums[2]
	times := make([]time.Time, 3)
	for i := range times {
		if times[i], err = statTime(f[i+4], strings.Join(f[7+3*i:10+3*i], " ")); err != nil {
			return err
		}
	}
	fi.ATime, fi.MTime, fi.CTime = times[0], times[1], times[2]
	return nil
}

// statTime reads one time of a stat line from its %.9X form (epoch) and
// its %x form (date). GNU stat gives epoch its nanoseconds. BusyBox stat
// prints only the seconds there, as an unsigned number (so a time before
// 1970 would be garbage), and the nanoseconds in the date, which is then
// read instead; a BusyBox that prints no fraction in the date either gives
// whole seconds. A date that does not parse leaves the epoch seconds.
func statTime(epoch, date string) (time.Time, error) {
	if !strings.Contains(epoch, ".") {
		if t, err := time.Parse("2006-01-02 15:04:05.999999999 -0700", date); err == nil {
			return t.UTC(), nil
		}
	}
	return parseUnixTime(epoch)
}

// parseUnixTime reads seconds since the epoch with an optional fraction
// ("1700000000.123456789", "-1.500000000", or "1700000000" from a stat
// without precision support), in UTC.
func parseUnixTime(s string) (time.Time, error) {
	neg := strings.HasPrefix(s, "-")
	secs, frac, _ := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	sec, err := strconv.ParseInt(secs, 10, 64)
	if err != nil || sec < 0 {
		return time.Time{}, fmt.Errorf("stat time %q: not a number", s)
	}
	var nsec int64
	if frac != "" {
		if len(frac) > 9 {
			frac = frac[:9]
		}
		frac += strings.Repeat("0", 9-len(frac))
		if nsec, err = strconv.ParseInt(frac, 10, 64); err != nil || nsec < 0 {
			return time.Time{}, fmt.Errorf("stat time %q: not a number", s)
		}
	}
	if neg {
		sec, nsec = -sec, -nsec
	}
	return time.Unix(sec, nsec).UTC(), nil
}

// unixMode converts st_mode to fs.FileMode the way package os does.
func unixMode(m uint32) fs.FileMode {
	mode := fs.FileMode(m & 0o777)
	switch m & 0o170000 {
	case 0o100000:
	case 0o040000:
		mode |= fs.ModeDir
	case 0o120000:
		mode |= fs.ModeSymlink
	case 0o010000:
		mode |= fs.ModeNamedPipe
	case 0o140000:
		mode |= fs.ModeSocket
	case 0o020000:
		mode |= fs.ModeDevice | fs.ModeCharDevice
	case 0o060000:
		mode |= fs.ModeDevice
	default:
		mode |= fs.ModeIrregular
	}
	if m&0o4000 != 0 {
		mode |= fs.ModeSetuid
	}
	if m&0o2000 != 0 {
		mode |= fs.ModeSetgid
	}
	if m&0o1000 != 0 {
		mode |= fs.ModeSticky
	}
	return mode
}

// cleanDir drops trailing slashes, keeping "/".
func cleanDir(dir string) string {
	if len(dir) > 1 {
		dir = strings.TrimRight(dir, "/")
		if dir == "" {
			dir = "/"
		}
	}
	return dir
}

// readDirRemote lists dir and describes every entry (lstat) in one
// session, sorted by name: with one find(1) process where find has -printf
// (GNU), else with one stat(1) per entry. Entries that vanish while listing
// are left out. dir is clean (cleanDir).
func (h *Host) readDirRemote(ctx context.Context, dir string) ([]host.FileInfo, error) {
	prefix := Quote(strings.TrimSuffix(dir, "/") + "/")
	body := statFunc + "d=" + Quote(dir) + `
if [ ! -d "$d" ]; then
	if [ -e "$d" ]; then printf 'F\0'; exit 0; fi
	s=$(stat -L -c %f -- "$d" 2>&1) && s='No such file or directory'
	printf 'X\0%s\0' "$s"
	exit 0
fi
if [ ! -r "$d" ] || [ ! -x "$d" ]; then printf 'X\0Permission denied\0'; exit 0; fi
printf 'D\0'
if ` + h.findTest() + `; then
	printf 'Q\0'
	exec find -H "$d" -mindepth 1 -maxdepth 1 -printf '` + findFormat + `' 2>/dev/null
fi
for p in ` + prefix + `* ` + prefix + `.[!.]* ` + prefix + `..?*; do
	if [ -e "$p" ] || [ -L "$p" ]; then
		printf 'P\0%s\0' "$p"
		st "$p"
	fi
done
`
	res, err := h.script(ctx, "readdir "+dir, body)
	if err != nil {
		return nil, err
	}
	r := fieldReader{b: res.stdout}
	bad := func(err error) error {
		return fmt.Errorf("ssh: %s: readdir %s: %w (stderr: %s)", h.name, dir, err, firstLine(res.stderr))
	}
	code, err := r.next()
	if err != nil {
		return nil, bad(err)
	}
	switch code {
	case "F":
		return nil, fmt.Errorf("ssh: %s: %w", h.name, &fs.PathError{Op: "readdir", Path: dir, Err: errors.New("not a directory")})
	case "X":
		msg, err := r.next()
		if err != nil {
			return nil, bad(err)
		}
		return nil, fmt.Errorf("ssh: %s: %w", h.name, &fs.PathError{Op: "readdir", Path: dir, Err: classify(msg)})
	case "D":
	default:
		return nil, bad(fmt.Errorf("unexpected record %q", code))
	}
	var out []host.FileInfo
	if bytes.HasPrefix(r.rest(), []byte("Q\x00")) {
		h.gnuFind.CompareAndSwap(findUnknown, findYes)
		_, _ = r.next()
		for !r.done() {
			fi, err := readFindRecord(&r)
			if err != nil {
				return nil, bad(err)
			}
			out = append(out, fi)
		}
	}
	h.gnuFind.CompareAndSwap(findUnknown, findNo)
	for !r.done() {
		code, err := r.next()
		if err != nil || code != "P" {
			return nil, bad(fmt.Errorf("unexpected record %q (%v)", code, err))
		}
		p, err := r.next()
		if err != nil {
			return nil, bad(err)
		}
		fi, err := h.readStatRecord(&r, p)
		if err != nil {
			return nil, bad(err)
		}
		if fi.Err != nil && errors.Is(fi.Err, fs.ErrNotExist) {
			continue
		}
		out = append(out, fi)
	}
	slices.SortFunc(out, func(a, b host.FileInfo) int { return strings.Compare(a.Name(), b.Name()) })
	return out, nil
}

// errIsDir is the error of reading a directory. It matches syscall.EISDIR,
// as the local host's error does, so that probes treat a directory named
// among files (a link to one in a directory of files) the same on both.
var errIsDir = &remoteError{text: "is a directory, not a regular file", kind: syscall.EISDIR}

// readFileBody cats exactly one regular file (symlinks followed); anything
// else exits 3 before cat could block on a FIFO or device.
func readFileBody(p string, limit int64) string {
	return "p=" + Quote(p) + `
if [ -f "$p" ]; then
	n=$(stat -L -c %s -- "$p" 2>/dev/null) || n=0
	if [ "$n" -gt ` + strconv.FormatInt(limit, 10) + ` ] 2>/dev/null; then echo 'stigscan: too large' >&2; exit 4; fi
	exec cat -- "$p"
fi
if [ -d "$p" ]; then echo 'stigscan: is a directory' >&2; exit 3; fi
if [ -e "$p" ]; then echo 'stigscan: not a regular file' >&2; exit 3; fi
exec cat -- "$p"
`
}

// tooLarge is the error of a read of path past the host's file cap.
func (h *Host) tooLarge(path string) error {
	return fmt.Errorf("ssh: %s: read %w", h.name, &host.TooLargeError{Path: path, Limit: h.maxFile})
}

// readFileRemote reads one regular file (symlinks followed) in its own
// session.
func (h *Host) readFileRemote(ctx context.Context, path string) ([]byte, error) {
	if err := checkPath(path); err != nil {
		return nil, fmt.Errorf("ssh: %s: read %q: %w", h.name, path, err)
	}
	// The size is checked before cat starts; the output cap stops a file
	// that grows, or a pseudo-file that says size 0, one slack past the
	// cap.
	res, err := h.scriptMax(ctx, "read "+path, readFileBody(path, h.maxFile), h.maxFile+outputSlack)
	if errors.Is(err, errOutputCap) {
		return nil, h.tooLarge(path)
	}
	if err != nil {
		return nil, err
	}
	if res.status == 0 && int64(len(res.stdout)) > h.maxFile {
		return nil, h.tooLarge(path)
	}
	if res.status != 0 {
		var cause error
		switch {
		case res.status == 4 && strings.Contains(res.stderr, "stigscan: too large"):
			return nil, h.tooLarge(path)
		case res.status == 3 && strings.Contains(res.stderr, "stigscan: is a directory"):
			cause = errIsDir
		case res.status == 3 && strings.Contains(res.stderr, "stigscan: not a regular file"):
			cause = errors.New("not a regular file")
		default:
			cause = classify(res.stderr)
		}
		return nil, fmt.Errorf("ssh: %s: %w", h.name, &fs.PathError{Op: "read", Path: path, Err: cause})
	}
	return res.stdout, nil
}

// readFilesBody sorts paths into regular files (T), regular files that
// claim size zero (empty files and kernel pseudo-files, which tar would
// archive as empty), directories (D), other existing non-regular paths (N)
// and errors (E, with the tool's message), then streams the T files as one
// tar archive after an "A" record. Zero-size files are sent as an od hex
// dump (H), which reads what a pseudo-file really holds (size 0 says
// nothing of /etc/mtab, a link to /proc/self/mounts, or of a file on
// selinuxfs) or gives the error, except kernel parameters under /proc/sys
// (S): a sysctl walk reads
// over a thousand of them, so rather than start od for each, one cat finds
// those that cannot be read (stable_secret before it is set gives EIO) and
// one head -v prints them all after a "P" record, each after a
// "==> PATH <==" header (they are text and hold no NUL, which ends the
// section). BusyBox cat names the path of a file it cannot open ("cat:
// can't open 'PATH': ...") but not of one it cannot read ("cat: read
// error: ..."), and head then prints that file's header with nothing
// after it; after such an error the parameters are marked R rather than S,
// and readChunk reads each whose section is empty again alone (some
// parameters are empty), which gives the error.
func readFilesBody(paths []string, limit int64) string {
	var b strings.Builder
	var sys strings.Builder
	for _, p := range paths {
		if strings.HasPrefix(p, "/proc/sys/") {
			sys.WriteString(" " + Quote(p))
		}
	}
	b.WriteString("nl='\n'\nperr=\n")
	if sys.Len() > 0 {
		b.WriteString("perr=$(cat --" + sys.String() + " 2>&1 >/dev/null)\n")
	}
	var list strings.Builder
	for _, p := range paths {
		list.WriteString(" " + Quote(p))
	}
	// One stat gives the sizes of the regular files, in order, so a file
	// over the cap is left out of the archive (L) without a process per
	// file. If stat fails for one of them the sizes are not used; the
	// command's output cap still holds.
	b.WriteString("set --\nfor p in" + list.String() + `; do [ -f "$p" ] && [ -s "$p" ] && set -- "$@" "$p"; done
sizes=
if [ $# -gt 0 ]; then sizes=$(stat -L -c %s -- "$@" 2>/dev/null)$nl; fi
c=0; rest=$sizes; while [ -n "$rest" ]; do rest=${rest#*"$nl"}; c=$((c+1)); done
[ "$c" -eq $# ] || sizes=
`)
	b.WriteString("set --\nfor p in" + list.String())
	b.WriteString(`; do
	if [ -f "$p" ] && [ -s "$p" ]; then
		n=${sizes%%"$nl"*}; sizes=${sizes#*"$nl"}
		if [ "$n" -gt ` + strconv.FormatInt(limit, 10) + ` ] 2>/dev/null; then printf 'L\0'; else printf 'T\0'; set -- "$@" "$p"; fi
	elif [ -f "$p" ]; then
		case $p in
		/proc/sys/*)
			case $perr in
			*"cat: $p: "*) m=${perr#*"cat: $p: "}; printf 'E\0%s\0' "${m%%"$nl"*}" ;;
			*"cat: can't open '$p': "*) m=${perr#*"cat: can't open '$p': "}; printf 'E\0%s\0' "${m%%"$nl"*}" ;;
			*"cat: read error: "*) printf 'R\0' ;;
			*) printf 'S\0' ;;
			esac ;;
		*)
			if x=$(od -An -v -tx1 -- "$p" 2>&1); then printf 'H\0%s\0' "$x"; else printf 'E\0%s\0' "$x"; fi ;;
		esac
	elif [ -d "$p" ]; then printf 'D\0'
	elif [ -e "$p" ]; then printf 'N\0'
	else s=$(stat -L -c %f -- "$p" 2>&1) || :; printf 'E\0%s\0' "$s"
	fi
done
`)
	if sys.Len() > 0 {
		b.WriteString("printf 'P\\0'; head -v -c 1048576 --" + sys.String() + " 2>/dev/null; printf '\\0'\n")
	}
	b.WriteString(`printf 'A\0'
if [ $# -gt 0 ]; then exec tar -chf - -- "$@"; fi
`)
	return b.String()
}

// splitHeads reads head -v output for paths (in the order given to head):
// path → content, for those whose header is found. A file head could not
// open has no header; the content of one runs to the next header found.
func splitHeads(out []byte, paths []string) map[string][]byte {
	got := map[string][]byte{}
	pos, first := 0, true
	for k := 0; k < len(paths); k++ {
		hdr := "==> " + paths[k] + " <==\n"
		if !first {
			hdr = "\n" + hdr
		}
		if !bytes.HasPrefix(out[pos:], []byte(hdr)) {
			continue
		}
		first = false
		start := pos + len(hdr)
		end := len(out)
		for m := k + 1; m < len(paths); m++ {
			if i := bytes.Index(out[start:], []byte("\n==> "+paths[m]+" <==\n")); i >= 0 {
				end = start + i
				break
			}
		}
		got[paths[k]] = bytes.Clone(out[start:end])
		pos = end
	}
	return got
}

// ReadFiles reads many files with one session per 128 paths: the target
// archives them with tar (following symlinks), which keeps every file's
// bytes framed. A file missing from the archive (unreadable, or tar absent)
// is read again alone with ReadFile, which gives its exact error.
func (h *Host) ReadFiles(ctx context.Context, paths ...string) ([]FileResult, error) {
	out := make([]FileResult, len(paths))
	var todo []string
	seen := map[string]bool{}
	for i, p := range paths {
		out[i].Path = p
		if err := checkPath(p); err != nil {
			out[i].Err = fmt.Errorf("ssh: %s: read %q: %w", h.name, p, err)
			continue
		}
		if !seen[p] {
			seen[p] = true
			todo = append(todo, p)
		}
	}
	chunks := slices.Collect(slices.Chunk(todo, readChunk))
	results := make([]map[string]FileResult, len(chunks))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(chunkWorkers)
	for ci, chunk := range chunks {
		g.Go(func() error {
			m, err := h.readChunk(gctx, chunk)
			results[ci] = m
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	all := map[string]FileResult{}
	for _, m := range results {
		for k, v := range m {
			all[k] = v
		}
	}
	for i := range out {
		if out[i].Err == nil {
			r := all[out[i].Path]
			out[i].Data, out[i].Err = r.Data, r.Err
		}
	}
	return out, nil
}

func (h *Host) readChunk(ctx context.Context, paths []string) (map[string]FileResult, error) {
	// A batch is bounded by the command output cap too; past it (files
	// that grew after their size was taken), each is read alone under its
	// own cap.
	res, err := h.script(ctx, "read files", readFilesBody(paths, h.maxFile))
	if errors.Is(err, errOutputCap) {
		out := make(map[string]FileResult, len(paths))
		for _, p := range paths {
			data, err := h.readFileRemote(ctx, p)
			if err != nil && !isPerFile(err) {
				return nil, err
			}
			out[p] = FileResult{Path: p, Data: data, Err: err}
		}
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	tooLarge := func(p string) FileResult { return FileResult{Path: p, Err: h.tooLarge(p)} }
	out := make(map[string]FileResult, len(paths))
	r := fieldReader{b: res.stdout}
	var inTar, inHead []string
	recheck := map[string]bool{} // read alone if empty (R)
	for _, p := range paths {
		code, err := r.next()
		if err != nil {
			return nil, fmt.Errorf("ssh: %s: read files: %w (stderr: %s)", h.name, err, firstLine(res.stderr))
		}
		switch code {
		case "T":
			inTar = append(inTar, p)
		case "H":
			dump, err := r.next()
			if err != nil {
				return nil, fmt.Errorf("ssh: %s: read files: %w", h.name, err)
			}
			data, err := hex.DecodeString(strings.Join(strings.Fields(dump), ""))
			if err != nil {
				return nil, fmt.Errorf("ssh: %s: read files: od output for %s: %w", h.name, p, err)
			}
			out[p] = FileResult{Path: p, Data: data}
			if int64(len(data)) > h.maxFile {
				out[p] = tooLarge(p)
			}
		case "S", "R":
			inHead = append(inHead, p)
			if code == "R" {
				recheck[p] = true
			}
		case "L":
			out[p] = tooLarge(p)
		case "D":
			out[p] = FileResult{Path: p, Err: fmt.Errorf("ssh: %s: %w", h.name, &fs.PathError{Op: "read", Path: p, Err: errIsDir})}
		case "N":
			out[p] = FileResult{Path: p, Err: fmt.Errorf("ssh: %s: %w", h.name, &fs.PathError{Op: "read", Path: p, Err: errors.New("not a regular file")})}
		case "E":
			msg, err := r.next()
			if err != nil {
				return nil, fmt.Errorf("ssh: %s: read files: %w", h.name, err)
			}
			out[p] = FileResult{Path: p, Err: fmt.Errorf("ssh: %s: %w", h.name, &fs.PathError{Op: "read", Path: p, Err: classify(msg)})}
		default:
			return nil, fmt.Errorf("ssh: %s: read files: unexpected record %q", h.name, code)
		}
	}
	code, err := r.next()
	if err == nil && code == "P" {
		var section string
		if section, err = r.next(); err == nil {
			var sys []string
			for _, p := range paths {
				if strings.HasPrefix(p, "/proc/sys/") {
					sys = append(sys, p)
				}
			}
			heads := splitHeads([]byte(section), sys)
			for _, p := range inHead {
				if data, ok := heads[p]; ok && (len(data) > 0 || !recheck[p]) {
					out[p] = FileResult{Path: p, Data: data}
				} else {
					inTar = append(inTar, p) // read alone below
				}
			}
			inHead = nil
		}
		code, err = r.next()
	}
	if err != nil || code != "A" || len(inHead) > 0 {
		return nil, fmt.Errorf("ssh: %s: read files: archive record missing", h.name)
	}
	got := untar(r.rest())
	for _, p := range inTar {
		if data, ok := got[strings.TrimLeft(p, "/")]; ok {
			out[p] = FileResult{Path: p, Data: data}
			if int64(len(data)) > h.maxFile {
				out[p] = tooLarge(p)
			}
			continue
		}
		h.log.Debug("ssh: file not in batch archive, reading alone", "path", p)
		data, err := h.readFileRemote(ctx, p)
		if err != nil && !isPerFile(err) {
			return nil, err
		}
		out[p] = FileResult{Path: p, Data: data, Err: err}
	}
	return out, nil
}

// isPerFile tells a per-file failure from one that stops the whole host.
func isPerFile(err error) bool {
	var pe *fs.PathError
	return errors.As(err, &pe) || errors.Is(err, host.ErrTooLarge)
}

// untar reads what it can of an archive into name → content, names without
// leading slashes (tar strips them). Hard-link members (the same inode
// named twice) take the content of their target. A truncated archive
// yields the members before the damage; the rest are read one by one.
func untar(b []byte) map[string][]byte {
	out := map[string][]byte{}
	tr := tar.NewReader(bytes.NewReader(b))
	for {
		hdr, err := tr.Next()
		if err != nil {
			return out
		}
		name := strings.TrimLeft(hdr.Name, "/")
		switch hdr.Typeflag {
		case tar.TypeReg, tar.TypeGNUSparse:
			data, err := io.ReadAll(tr)
			if err != nil {
				return out
			}
			out[name] = data
		case tar.TypeLink:
			if data, ok := out[strings.TrimLeft(hdr.Linkname, "/")]; ok {
				out[name] = data
			}
		}
	}
}

// fieldReader splits NUL-terminated fields.
type fieldReader struct {
	b []byte
}

var errTruncated = errors.New("output truncated")

func (r *fieldReader) next() (string, error) {
	i := bytes.IndexByte(r.b, 0)
	if i < 0 {
		return "", errTruncated
	}
	s := string(r.b[:i])
	r.b = r.b[i+1:]
	return s, nil
}

func (r *fieldReader) done() bool { return len(r.b) == 0 }

func (r *fieldReader) rest() []byte { return r.b }

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

// dpkgStatusBody prints the lines of dpkg's status file that
// host.ParseDpkgStatus reads (field names are case-insensitive) and the
// blank lines between stanzas; -a keeps a stray NUL byte (a block zeroed
// by a crash) from turning the file into "binary file matches" and no
// lines. grep's "no line matched" (an empty file) is success.
const dpkgStatusBody = `f=` + host.DpkgStatusPath + `
if [ -f "$f" ]; then
	grep -a -i -E '^(package|status|version|architecture)[[:space:]]*:|^[[:space:]]*$' -- "$f"
	s=$?
	if [ $s -eq 1 ]; then s=0; fi
	exit $s
fi
exit 2
`

// DpkgStatus reads dpkg's status file cut down on the target to the fields
// of host.ParseDpkgStatus (host.DpkgStatusReader), a tenth of its bytes. A
// target without grep gets the whole file read.
func (h *Host) DpkgStatus(ctx context.Context) ([]byte, error) {
	res, err := h.script(ctx, "read dpkg status", dpkgStatusBody)
	if err != nil {
		return nil, err
	}
	if res.status == 0 {
		return res.stdout, nil
	}
	// No grep, a grep that refuses these options, or a file that cannot
	// be read: the whole-file read gives the data or the exact error.
	return h.ReadFile(ctx, host.DpkgStatusPath)
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
