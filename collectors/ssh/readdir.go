package ssh

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/stigscan/stigscan/collectors/host"
)

// ReadDir on a remote host: one session lists a directory and describes
// every entry.

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
