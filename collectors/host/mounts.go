package host

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
)

// Mount is one mounted file system, with what OVAL's partition_item records.
type Mount struct {
	Device     string
	MountPoint string
	FSType     string
	Options    []string
	UUID       string // file system UUID from /dev/disk/by-uuid; "" when none links to Device
	// Sizes, in blocks of BlockSize, from statfs(2); zero when the host
	// cannot tell (it lacks the StatFSer ability, or statfs failed).
	TotalBlocks int64 // f_blocks: total_space
	FreeBlocks  int64 // f_bfree
	SpaceUsed   int64 // f_blocks - f_bfree: space_used
	SpaceLeft   int64 // f_bfree, as OpenSCAP reports space_left (root's reserve included)
	BlockSize   int64 // f_frsize: block_size
}

// Mounts lists the file systems mounted on a running host, in mount order,
// from /proc/self/mounts (or /proc/mounts). The "rootfs" pseudo-entry of old
// kernels is left out, as OpenSCAP leaves it out.
func Mounts(ctx context.Context, h Host) ([]Mount, error) {
	if err := requireLive(h, "mounts"); err != nil {
		return nil, err
	}
	data, err := h.ReadFile(ctx, "/proc/self/mounts")
	if errors.Is(err, fs.ErrNotExist) {
		data, err = h.ReadFile(ctx, "/proc/mounts")
	}
	if err != nil {
		return nil, fmt.Errorf("host: mounts: %w", err)
	}
	mounts := ParseMounts(data)
	uuids, err := diskUUIDs(ctx, h)
	if err != nil {
		return nil, err
	}
	sf, _ := h.(StatFSer)
	var sizes map[string]StatFS // from a StatFSBatcher; nil asks per mount
	if b, ok := h.(StatFSBatcher); ok && sf != nil {
		points := make([]string, len(mounts))
		for i, m := range mounts {
			points[i] = m.MountPoint
		}
		sizes, err = b.StatFSAll(ctx, points)
		if cerr := checkCtx(ctx); cerr != nil {
			return nil, cerr
		}
		if err != nil {
			sizes = nil
		}
	}
	for i := range mounts {
		if err := checkCtx(ctx); err != nil {
			return nil, err
		}
		m := &mounts[i]
		m.UUID = uuids[m.Device]
		if m.UUID == "" && strings.HasPrefix(m.Device, "/") {
			// /dev/mapper/x and /dev/root are often links to the
			// node the by-uuid link names.
			if fi, err := h.Stat(ctx, m.Device); err == nil && len(fi) == 1 && fi[0].Err == nil && fi[0].Target != "" {
				m.UUID = uuids[resolveLink(m.Device, fi[0].Target)]
			}
		}
		if sf == nil {
			continue
		}
		var st StatFS
		var err error
		if s, ok := sizes[m.MountPoint]; ok {
			st = s
		} else {
			// Not in the batch (or no batch): asked alone, which
			// also gives the reason when statfs fails.
			st, err = sf.StatFS(ctx, m.MountPoint)
		}
		if err != nil {
			// A hung or vanished mount leaves its sizes zero
			// rather than failing every other one.
			if cerr := checkCtx(ctx); cerr != nil {
				return nil, cerr
			}
			continue
		}
		m.BlockSize = st.BlockSize
		m.TotalBlocks = st.Blocks
		m.FreeBlocks = st.BFree
		m.SpaceUsed = st.Blocks - st.BFree
		m.SpaceLeft = st.BFree
	}
	return mounts, nil
}

// ParseMounts parses /proc/mounts text (fstab(5) format, octal escapes for
// space, tab, newline and backslash).
func ParseMounts(data []byte) []Mount {
	var out []Mount
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 4 || f[2] == "rootfs" {
			continue
		}
		out = append(out, Mount{
			Device:     unescapeMount(f[0]),
			MountPoint: unescapeMount(f[1]),
			FSType:     unescapeMount(f[2]),
			Options:    strings.Split(unescapeMount(f[3]), ","),
		})
	}
	return out
}

// unescapeMount undoes the kernel's \ooo escapes in a mounts field.
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// diskUUIDs maps device node paths to file system UUIDs through the links
// udev keeps in /dev/disk/by-uuid. A host without them gives an empty map.
func diskUUIDs(ctx context.Context, h Host) (map[string]string, error) {
	const dir = "/dev/disk/by-uuid"
	out := make(map[string]string)
	entries, err := h.ReadDir(ctx, dir)
	if err != nil {
		if cerr := checkCtx(ctx); cerr != nil {
			return nil, cerr
		}
		return out, nil
	}
	for _, e := range entries {
		if e.Err == nil && e.Target != "" {
			out[resolveLink(e.Path, e.Target)] = e.Name()
		}
	}
	return out, nil
}

// resolveLink returns the path a symlink at link with text target points at.
func resolveLink(link, target string) string {
	if path.IsAbs(target) {
		return path.Clean(target)
	}
	return path.Join(path.Dir(link), target)
}
