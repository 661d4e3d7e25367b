// Package local reads the machine stigscan runs on (New), or an offline root
// folder such as a debootstrap tree or a mounted disk image as if it were
// that machine (NewRoot), through the host.Host interface.
//
// An offline root behaves like OpenSCAP's OSCAP_PROBE_ROOT: every path is
// resolved inside the root, symlinks included, with chroot semantics. An
// absolute symlink target starts again at the root and ".." stops at it, one
// component at a time through directory file descriptors, so nothing outside
// the root is ever opened, even if the tree changes while it is read. Only
// regular files and directories are ever opened; device nodes and FIFOs in
// the tree are described but never read.
//
// Linux only: the resolution relies on O_PATH and the *at system calls.
package local

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/stigscan/stigscan/collectors/host"
)

// Host is the local machine, live or as an offline root folder. It holds no
// open files and is safe for concurrent use.
type Host struct {
	root string // "" for the live machine; otherwise the root folder, absolute
	// maxFileBytes caps every file read (host.DefaultMaxFileBytes unless
	// an Option says otherwise).
	maxFileBytes int64
}

// Option configures a Host.
type Option func(*Host)

// WithMaxFileBytes caps every file read at n bytes: a larger file is an
// error matching host.ErrTooLarge, read no further than the cap. n <= 0
// means host.DefaultMaxFileBytes.
func WithMaxFileBytes(n int64) Option {
	return func(h *Host) { h.maxFileBytes = host.EffectiveLimit(n) }
}

func newHost(root string, opts []Option) *Host {
	h := &Host{root: root, maxFileBytes: host.DefaultMaxFileBytes}
	for _, o := range opts {
		o(h)
	}
	return h
}

var (
	_ host.Host          = (*Host)(nil)
	_ host.FactsProvider = (*Host)(nil)
	_ host.Live          = (*Host)(nil)
	_ host.StatFSer      = (*Host)(nil)
	_ host.Unamer        = (*Host)(nil)
	_ host.LimitedReader = (*Host)(nil)
)

// New returns the live local machine.
func New(opts ...Option) *Host { return newHost("", opts) }

// NewRoot returns the offline system in the folder dir. The folder must exist
// and be a directory.
func NewRoot(dir string, opts ...Option) (*Host, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("local: root %s: %w", dir, err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("local: root: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("local: root %s: %w", abs, unix.ENOTDIR)
	}
	return newHost(abs, opts), nil
}

// IsLive reports whether h is the running machine rather than a root folder.
func (h *Host) IsLive() bool { return h.root == "" }

// Describe names the target: "local", or "local:" and the root folder.
func (h *Host) Describe() string {
	if h.root == "" {
		return "local"
	}
	return "local:" + h.root
}

// runWaitDelay bounds how long Run waits for a command's output pipes after
// the command is killed or has exited, in case a child it left holds them.
const runWaitDelay = 2 * time.Second

// maxStderr bounds how much of a failed command's standard error an error
// carries.
const maxStderr = 1024

// Run executes cmd with /bin/sh -c, bounded by ctx, and returns its standard
// output. The command runs with LC_ALL=C so that the output parsers see the
// untranslated, stable format. A non-zero exit is an error carrying the
// command's trimmed standard error. A root folder cannot run commands: it
// returns an error matching host.ErrNotCollected.
func (h *Host) Run(ctx context.Context, cmd string) ([]byte, error) {
	if h.root != "" {
		return nil, fmt.Errorf("local: %s cannot run commands: %w", h.Describe(), host.ErrNotCollected)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("local: run %q: %w", cmd, err)
	}
	c := exec.CommandContext(ctx, "/bin/sh", "-c", cmd)
	c.Env = append(os.Environ(), "LC_ALL=C")
	// The command gets its own process group, and cancelling kills the
	// group, so that nothing it started outlives the deadline or holds
	// its output open.
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	c.Cancel = func() error { return syscall.Kill(-c.Process.Pid, syscall.SIGKILL) }
	c.WaitDelay = runWaitDelay
	var stdout, stderr bytes.Buffer
	c.Stdout, c.Stderr = &stdout, &stderr
	if err := c.Run(); err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return nil, fmt.Errorf("local: run %q: %w", cmd, cerr)
		}
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > maxStderr {
			msg = msg[:maxStderr] + "..."
		}
		if msg != "" {
			return nil, fmt.Errorf("local: run %q: %w: %s", cmd, err, msg)
		}
		return nil, fmt.Errorf("local: run %q: %w", cmd, err)
	}
	return stdout.Bytes(), nil
}

// Uname answers uname(2) for the live machine.
func (h *Host) Uname(ctx context.Context) (host.UnameInfo, error) {
	if h.root != "" {
		return host.UnameInfo{}, fmt.Errorf("local: %s has no running kernel: %w", h.Describe(), host.ErrNotCollected)
	}
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return host.UnameInfo{}, fmt.Errorf("local: uname: %w", err)
	}
	machine := unix.ByteSliceToString(u.Machine[:])
	return host.UnameInfo{
		MachineClass:  machine,
		NodeName:      unix.ByteSliceToString(u.Nodename[:]),
		OSName:        unix.ByteSliceToString(u.Sysname[:]),
		OSRelease:     unix.ByteSliceToString(u.Release[:]),
		OSVersion:     unix.ByteSliceToString(u.Version[:]),
		ProcessorType: machine, // as OpenSCAP reports it on Linux
	}, nil
}

// StatFS reports the size of the file system holding path. On the live
// machine a file system that does not answer (a hung network mount) is
// abandoned when ctx ends.
func (h *Host) StatFS(ctx context.Context, p string) (host.StatFS, error) {
	type result struct {
		st  unix.Statfs_t
		err error
	}
	ch := make(chan result, 1)
	go func() {
		var r result
		fd, err := h.open("statfs", p, unix.O_PATH)
		if err == nil {
			if err = unix.Fstatfs(fd, &r.st); err != nil {
				err = pathErr("statfs", p, err)
			}
			unix.Close(fd)
		}
		r.err = err
		ch <- r
	}()
	select {
	case <-ctx.Done():
		return host.StatFS{}, fmt.Errorf("local: statfs %s: %w", p, ctx.Err())
	case r := <-ch:
		if r.err != nil {
			return host.StatFS{}, r.err
		}
		bs := r.st.Frsize
		if bs == 0 {
			bs = r.st.Bsize
		}
		return host.StatFS{
			BlockSize: bs,
			Blocks:    int64(r.st.Blocks),
			BFree:     int64(r.st.Bfree),
			BAvail:    int64(r.st.Bavail),
			Files:     int64(r.st.Files),
			FFree:     int64(r.st.Ffree),
		}, nil
	}
}

// pathErr wraps err the way the os package does, naming the path as seen on
// the target.
func pathErr(op, p string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return err
	}
	return &fs.PathError{Op: op, Path: p, Err: err}
}
