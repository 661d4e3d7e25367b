package ssh

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/stigscan/stigscan/collectors/host"
)

// Stat on a remote host: one shell script per chunk of paths, lstat through
// stat(1), records read back as NUL-terminated fields.

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
