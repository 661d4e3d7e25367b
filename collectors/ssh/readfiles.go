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

	"golang.org/x/sync/errgroup"
)

// Reading many files in one round trip (BatchReader): tar where the target
// has it, head -v for parameters under /proc/sys, one read per file left.

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
