package ssh

import (
	"bytes"
	"context"
	"debug/elf"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/stigscan/stigscan/collectors/host"
	localhost "github.com/stigscan/stigscan/collectors/local"
	"github.com/stigscan/stigscan/internal/testsshd"
	"github.com/stigscan/stigscan/oval"
)

// busyboxPath is where Debian's busybox-static package installs BusyBox.
const busyboxPath = "/bin/busybox"

// TestBusyBoxTargetMatchesOfflineRoot scans a BusyBox system over SSH and
// compares every answer with the same tree read as an offline root.
//
// The system is a directory holding a statically linked BusyBox (Debian's
// busybox-static) and its applet links, so that /bin/sh is BusyBox ash and
// find, stat, tar, od, head, cat and grep are BusyBox's: the userland of
// Alpine, embedded appliances and minimal containers. A real sshd confines
// the session to it with ChrootDirectory, and collectors/ssh logs in as
// usual. local.NewRoot reads the same directory with OSCAP_PROBE_ROOT
// semantics, which resolve paths as the chroot does, so every Stat, ReadDir,
// ReadFile (cached, uncached, batched), package list, account list and OVAL
// result must be the same, to the nanosecond.
func TestBusyBoxTargetMatchesOfflineRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: sshd's ChrootDirectory only works when sshd runs as root, and building the tree needs mknod and chown")
	}
	bb := staticBusyBox(t)
	root, files := busyBoxRoot(t, bb)
	proc := mountProc(t, root)

	srv := testsshd.Start(t, testsshd.Options{ExtraConfig: []string{"ChrootDirectory " + root}})
	alone := &pathLog{msg: "ssh: file not in batch archive, reading alone"}
	cached := dial(t, srv, func(c *Config) { c.Logger = slog.New(alone) })
	fresh := dial(t, srv, func(c *Config) { c.NoCache = true })
	offline, err := localhost.NewRoot(root)
	require.NoError(t, err)
	ctx := context.Background()

	// The target is BusyBox, not this machine seen through a chroot.
	out, err := fresh.Run(ctx, "readlink /bin/sh; find / -maxdepth 0 -printf x >/dev/null 2>&1 || echo no-printf; echo $((6*7)) $LC_ALL")
	require.NoError(t, err, "sshd log:\n%s", srv.Log())
	require.Equal(t, "/bin/busybox\nno-printf\n42 C\n", string(out), "BusyBox ash, BusyBox find, C locale")

	paths := treePaths(t, root)
	probes := append(slices.Clone(paths),
		"/nonexistent", "/etc/passwd/x", "/etc/hostile/no such", "/etc/hostile/dirlink/inner",
		"/etc/hostile/dirlink/no such", "/etc/hostile/loop1/x", "/etc/hostile/dangling/x")
	if proc {
		probes = append(probes, procProbes...)
	}

	t.Run("Stat", func(t *testing.T) {
		want := statAll(t, offline, probes)
		got, err := fresh.Stat(ctx, probes...)
		require.NoError(t, err)
		compareInfos(t, want, got)
		got, err = cached.Stat(ctx, probes...)
		require.NoError(t, err)
		compareInfos(t, want, got)
		// One path at a time lists its directory and answers from the
		// listing (the cache's fallback listing is stat(1) per entry).
		h := dial(t, srv, nil)
		for i, p := range probes {
			g, err := h.Stat(ctx, p)
			require.NoError(t, err)
			compareInfos(t, want[i:i+1], g)
		}
		assert.Equal(t, findNo, h.gnuFind.Load(), "listings found find without -printf")
	})

	t.Run("ReadDir walk", func(t *testing.T) {
		for _, h := range []*Host{fresh, cached} {
			walkCompare(t, offline, h, "/")
			// After the walk, every path's Stat comes from the listings.
			got, err := h.Stat(ctx, probes...)
			require.NoError(t, err)
			compareInfos(t, statAll(t, offline, probes), got)
		}
		for _, d := range []string{"/etc/hostile/", "/etc/hostile/dirlink", "/etc/passwd", "/nonexistent", "/etc/hostile/loop1", "/etc/hostile/dangling"} {
			want, werr := offline.ReadDir(ctx, d)
			for _, h := range []*Host{fresh, cached} {
				got, gerr := h.ReadDir(ctx, d)
				require.Equal(t, errClass(werr), errClass(gerr), "ReadDir %q: offline %v, remote %v", d, werr, gerr)
				compareInfos(t, want, got)
			}
		}
	})

	reads := readablePaths(probes)
	if proc {
		reads = append(reads, procProbes...)
	}
	wantData := map[string][]byte{}
	wantErr := map[string]error{}
	for _, p := range reads {
		wantData[p], wantErr[p] = offline.ReadFile(ctx, p)
	}
	checkRead := func(t *testing.T, p string, data []byte, err error) {
		t.Helper()
		require.Equal(t, errClass(wantErr[p]), errClass(err), "ReadFile %q: offline %v, remote %v", p, wantErr[p], err)
		if err == nil {
			assert.True(t, bytes.Equal(wantData[p], data), "%q: %d bytes offline, %d remotely", p, len(wantData[p]), len(data))
		}
	}
	t.Run("ReadFile NoCache", func(t *testing.T) {
		for _, p := range reads {
			data, err := fresh.ReadFile(ctx, p)
			checkRead(t, p, data, err)
		}
	})
	t.Run("ReadFile cached", func(t *testing.T) {
		h := dial(t, srv, nil)
		_, err := h.ReadDir(ctx, "/etc/hostile")
		require.NoError(t, err)
		// The second read in a listed directory brings its other small
		// world-readable files through BusyBox tar.
		for _, p := range []string{"/etc/hostile/plain", "/etc/hostile/quote'd"} {
			data, err := h.ReadFile(ctx, p)
			checkRead(t, p, data, err)
		}
		for p := range files {
			st, err := os.Stat(filepath.Join(root, p))
			require.NoError(t, err)
			_, ahead := h.cache.file(p)
			assert.Equal(t, st.Mode().Perm()&0o004 != 0, ahead, "%q (mode %v) read ahead", p, st.Mode().Perm())
		}
		// Every path, then again from the cache.
		for range 2 {
			for _, p := range reads {
				data, err := h.ReadFile(ctx, p)
				checkRead(t, p, data, err)
			}
		}
	})
	t.Run("ReadFiles", func(t *testing.T) {
		alone.reset()
		got, err := cached.ReadFiles(ctx, reads...)
		require.NoError(t, err)
		require.Len(t, got, len(reads))
		for i, p := range reads {
			require.Equal(t, p, got[i].Path)
			checkRead(t, p, got[i].Data, got[i].Err)
		}
		// Every regular file came out of BusyBox tar's archive: none was
		// read again alone.
		for _, p := range alone.paths() {
			_, regular := files[p]
			assert.False(t, regular, "%q was missing from the archive", p)
		}
	})

	t.Run("kernel parameters", func(t *testing.T) {
		if !proc {
			t.Skip("proc could not be mounted in the tree")
		}
		// Every parameter, as a sysctl walk reads them: BusyBox cat
		// and head, whatever stable_secret and the empty ones do.
		// Values that moved between the two offline reads are left out.
		var params []string
		require.NoError(t, filepath.WalkDir(filepath.Join(root, "proc/sys"), func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() {
				params = append(params, strings.TrimPrefix(p, root))
			}
			return nil
		}))
		require.Greater(t, len(params), 100)
		readAll := func() ([][]byte, []error) {
			data, errs := make([][]byte, len(params)), make([]error, len(params))
			for i, p := range params {
				data[i], errs[i] = offline.ReadFile(ctx, p)
			}
			return data, errs
		}
		d1, e1 := readAll()
		got, err := fresh.ReadFiles(ctx, params...)
		require.NoError(t, err)
		d2, e2 := readAll()
		var compared, failed, empty int
		for i, p := range params {
			if errClass(e1[i]) != errClass(e2[i]) || !bytes.Equal(d1[i], d2[i]) {
				continue
			}
			assert.Equal(t, errClass(e1[i]), errClass(got[i].Err), "%q: offline %v, remote %v", p, e1[i], got[i].Err)
			if _, moves := sessionCounters[p]; !moves {
				assert.Equal(t, string(d1[i]), string(got[i].Data), "%q", p)
			}
			switch {
			case e1[i] != nil:
				failed++
			case len(d1[i]) == 0:
				empty++
			}
			compared++
		}
		t.Logf("%d of %d kernel parameters compared: %d unreadable, %d empty", compared, len(params), failed, empty)
		assert.Greater(t, compared, len(params)/2)
	})

	t.Run("accounts packages facts", func(t *testing.T) {
		wantPkgs, err := host.DebPackages(ctx, offline)
		require.NoError(t, err)
		require.NotEmpty(t, wantPkgs)
		for _, h := range []*Host{fresh, cached} {
			got, err := host.DebPackages(ctx, h)
			require.NoError(t, err)
			assert.Equal(t, wantPkgs, got, "dpkg status cut down by BusyBox grep")
		}
		cut, err := cached.DpkgStatus(ctx)
		require.NoError(t, err)
		assert.Less(t, len(cut), len(dpkgStatus)/2, "cut down on the target")
		for name, read := range map[string]func(context.Context, host.Host) (any, error){
			"passwd": func(ctx context.Context, h host.Host) (any, error) { return host.Passwd(ctx, h) },
			"group":  func(ctx context.Context, h host.Host) (any, error) { return host.Group(ctx, h) },
			"shadow": func(ctx context.Context, h host.Host) (any, error) { return host.Shadow(ctx, h) },
		} {
			w, err := read(ctx, offline)
			require.NoError(t, err, name)
			g, err := read(ctx, cached)
			require.NoError(t, err, name)
			assert.Equal(t, w, g, name)
		}
		wf, err := offline.Facts(ctx)
		require.NoError(t, err)
		gf, err := cached.Facts(ctx)
		require.NoError(t, err)
		assert.Equal(t, wf.OS, gf.OS, "OS from the os-release link")
		assert.Equal(t, wf.Hostname, gf.Hostname, "BusyBox hostname gives the kernel's name, which etc/hostname holds")
		u, err := cached.Uname(ctx)
		require.NoError(t, err)
		lu, err := localhost.New().Uname(ctx)
		require.NoError(t, err)
		assert.Equal(t, lu, u, "BusyBox uname reads the kernel this machine runs")
		want, err := offline.StatFS(ctx, "/etc")
		require.NoError(t, err)
		got, err := cached.StatFS(ctx, "/etc")
		require.NoError(t, err)
		// Free counts move with other work on the machine.
		assert.Equal(t, []int64{want.BlockSize, want.Blocks, want.Files}, []int64{got.BlockSize, got.Blocks, got.Files}, "BusyBox stat -f")
	})

	t.Run("OVAL", func(t *testing.T) {
		defs, err := oval.Parse(strings.NewReader(busyBoxOVAL), "busybox.xml")
		require.NoError(t, err)
		prep, err := oval.Prepare(defs, oval.Options{})
		require.NoError(t, err)
		require.Empty(t, prep.Problems())
		want, err := prep.Evaluate(ctx, offline, nil)
		require.NoError(t, err)
		for _, h := range []*Host{fresh, dial(t, srv, nil)} {
			got, err := prep.Evaluate(ctx, h, nil)
			require.NoError(t, err)
			compareOVAL(t, want, got)
		}
		results := map[string]int{}
		var unevaluated []string
		for _, d := range want.Definitions {
			results[d.Result.String()]++
			if r := d.Result.String(); r != "true" && r != "false" {
				unevaluated = append(unevaluated, fmt.Sprintf("%s: %s %v", d.ID, r, d.Messages))
			}
		}
		t.Logf("offline definition results: %v", results)
		assert.Empty(t, unevaluated, "every definition really evaluated")
		assert.Positive(t, results["true"])
		assert.Positive(t, results["false"])
	})
}

// pathLog is a slog.Handler keeping the path attribute of every record
// with message msg.
type pathLog struct {
	msg string
	mu  sync.Mutex
	got []string
}

func (l *pathLog) Enabled(context.Context, slog.Level) bool { return true }
func (l *pathLog) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *pathLog) WithGroup(string) slog.Handler            { return l }
func (l *pathLog) Handle(_ context.Context, r slog.Record) error {
	if r.Message != l.msg {
		return nil
	}
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "path" {
			l.mu.Lock()
			l.got = append(l.got, a.Value.String())
			l.mu.Unlock()
		}
		return true
	})
	return nil
}

func (l *pathLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.got = nil
}

func (l *pathLog) paths() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.got)
}

// staticBusyBox returns the path of a statically linked BusyBox, which runs
// in a directory holding nothing else, or skips.
func staticBusyBox(t *testing.T) string {
	t.Helper()
	f, err := elf.Open(busyboxPath)
	if err != nil {
		t.Skipf("%s: %v (install Debian's busybox-static package): BusyBox target test skipped", busyboxPath, err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Skipf("%s is dynamically linked and cannot run alone in a chroot (install busybox-static rather than busybox)", busyboxPath)
		}
	}
	return busyboxPath
}

// chrootParent returns a directory to make the chroot in. sshd refuses a
// ChrootDirectory any component of which is not owned by root or is
// writable by group or others, which rules out /tmp (mode 1777).
func chrootParent(t *testing.T) string {
	t.Helper()
	var why []string
	for _, d := range []string{os.TempDir(), "/run", "/var/cache"} {
		err := chrootable(d)
		if err == nil {
			return d
		}
		why = append(why, err.Error())
	}
	t.Skipf("no directory qualifies as a parent for sshd's ChrootDirectory: %s", strings.Join(why, "; "))
	return ""
}

func chrootable(dir string) error {
	p, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return err
	}
	for {
		st, err := os.Stat(p)
		if err != nil {
			return err
		}
		if st.Sys().(*syscall.Stat_t).Uid != 0 || st.Mode().Perm()&0o022 != 0 {
			return fmt.Errorf("%s: owned by uid %d, mode %v", p, st.Sys().(*syscall.Stat_t).Uid, st.Mode().Perm())
		}
		if p == "/" {
			return nil
		}
		p = filepath.Dir(p)
	}
}

// dpkgStatus holds stanzas of a real Debian 12 status file (descriptions
// shortened), one of them removed with its configuration files kept.
const dpkgStatus = `Package: base-files
Essential: yes
Status: install ok installed
Priority: required
Section: admin
Installed-Size: 341
Maintainer: Santiago Vila <sanvila@debian.org>
Architecture: amd64
Multi-Arch: foreign
Version: 12.4+deb12u11
Replaces: base, dpkg (<= 1.15.0), miscutils
Provides: base
Pre-Depends: awk
Conffiles:
 /etc/debian_version 8031d1483ffa9c819e6be94c6c77fd2a
 /etc/host.conf 4eb63731c9f5e30903ac4fc07a7fe3d6
Description: Debian base system miscellaneous files
 This package contains the basic filesystem hierarchy of a Debian system, and
 several important miscellaneous files, such as /etc/debian_version,
 /etc/host.conf, /etc/issue, /etc/motd, /etc/profile, and others,
 and the text of several common licenses in use on Debian systems.

Package: busybox-static
Status: install ok installed
Priority: optional
Section: shells
Installed-Size: 2024
Maintainer: Debian Install System Team <debian-boot@lists.debian.org>
Architecture: amd64
Source: busybox (1:1.35.0-4+deb12u1)
Version: 1:1.35.0-4+deb12u1+b1
Replaces: busybox
Provides: busybox
Conflicts: busybox
Description: Standalone rescue shell with tons of builtin utilities
 BusyBox combines tiny versions of many common UNIX utilities into a single
 small executable.
 .
 busybox-static provides you with a statically linked simple stand alone shell
 that provides all the utilities available in BusyBox.
Built-Using: glibc (= 2.36-9+deb12u14)
Homepage: http://www.busybox.net

Package: libc6
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 13001
Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
Architecture: amd64
Multi-Arch: same
Source: glibc
Version: 2.36-9+deb12u14
Replaces: libc6-amd64
Depends: libgcc-s1
Conffiles:
 /etc/ld.so.conf.d/x86_64-linux-gnu.conf d4e7a7b88a71b5ffd9e2644e71a0cfab
Description: GNU C Library: Shared libraries
 Contains the standard libraries that are used by nearly all programs on
 the system.
Homepage: https://www.gnu.org/software/libc/libc.html

Package: telnet
Status: deinstall ok config-files
Priority: standard
Section: oldlibs
Installed-Size: 53
Maintainer: Debian QA Group <packages@qa.debian.org>
Architecture: all
Source: inetutils
Version: 2:2.4-2+deb12u1
Description: transitional dummy package for inetutils-telnet
 This is a transitional dummy package. It can safely be removed.
`

// busyBoxRoot builds the BusyBox system in a new root-owned directory and
// returns it with the regular files of etc/hostile and their contents.
func busyBoxRoot(t *testing.T, bb string) (string, map[string][]byte) {
	t.Helper()
	root, err := os.MkdirTemp(chrootParent(t), "stigscan-busybox-")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(root) })
	require.NoError(t, os.Chmod(root, 0o755))
	at := func(p string) string { return filepath.Join(root, p) }
	dir := func(p string, mode fs.FileMode) {
		require.NoError(t, os.MkdirAll(at(p), 0o755))
		require.NoError(t, os.Chmod(at(p), mode))
	}
	file := func(p, content string, mode fs.FileMode) {
		require.NoError(t, os.WriteFile(at(p), []byte(content), 0o600))
		require.NoError(t, os.Chmod(at(p), mode))
	}
	link := func(target, p string) { require.NoError(t, os.Symlink(target, at(p))) }

	for _, d := range []string{"bin", "sbin", "usr/bin", "usr/sbin", "usr/lib", "dev", "etc/ssh", "etc/app", "var/lib/dpkg"} {
		dir(d, 0o755)
	}
	dir("root", 0o700)
	dir("tmp", 0o777|fs.ModeSticky)
	dir("proc", 0o555)

	data, err := os.ReadFile(bb)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(at("bin/busybox"), data, 0o755))
	list, err := exec.Command(bb, "--list-full").Output()
	require.NoError(t, err)
	applets := map[string]bool{}
	for _, p := range strings.Fields(string(list)) {
		applets[p] = true
		if p != "bin/busybox" {
			link("/bin/busybox", p)
		}
	}
	for _, a := range []string{"bin/sh", "usr/bin/find", "bin/stat", "bin/tar", "usr/bin/od", "usr/bin/head", "bin/cat", "bin/grep", "bin/readlink", "bin/hostname", "bin/uname"} {
		require.True(t, applets[a], "this BusyBox has no %s applet", a)
	}
	// sshd runs the account's login shell (root's is /bin/bash here)
	// inside the chroot; BusyBox has no bash applet.
	if !applets["bin/bash"] {
		file("bin/bash", "#!/bin/sh\nexec /bin/sh \"$@\"\n", 0o755)
	}
	require.NoError(t, unix.Mknod(at("dev/null"), unix.S_IFCHR|0o666, int(unix.Mkdev(1, 3))))
	require.NoError(t, os.Chmod(at("dev/null"), 0o666))

	hostname, err := os.Hostname()
	require.NoError(t, err)
	file("etc/hostname", hostname+"\n", 0o644)
	file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/sbin/nologin\n"+
		"sshd:x:22:22:sshd:/var/empty:/sbin/nologin\nalice:x:1000:1000:Alice,,,:/home/alice:/bin/sh\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n", 0o644)
	file("etc/group", "root:x:0:\ndaemon:x:1:\nshadow:x:42:\nalice:x:1000:\nwheel:x:10:root,alice\nnogroup:x:65534:\n", 0o644)
	file("etc/shadow", "root:!::0:::::\ndaemon:*:19000:0:99999:7:::\nalice:$6$salt$hash:19000:0:99999:7:::\nnobody:*:19000:0:99999:7:::\n", 0o640)
	require.NoError(t, os.Chown(at("etc/shadow"), 0, 42))
	file("etc/motd", "", 0o644)
	file("usr/lib/os-release", "NAME=\"BusyBox test\"\nID=busybox\nVERSION_ID=1.35\nPRETTY_NAME=\"BusyBox test root (ash \\\"1.35\\\")\"\n", 0o644)
	link("../usr/lib/os-release", "etc/os-release")
	file("etc/ssh/sshd_config", "# stigscan BusyBox target\nPermitRootLogin no\nPasswordAuthentication no\n  X11Forwarding yes\nMaxAuthTries 4\n", 0o600)
	file("etc/app/config.xml", "<?xml version=\"1.0\"?>\n<config version=\"3\"><feature name=\"telnet\" enabled=\"false\"/><feature name=\"ssh\" enabled=\"true\"/></config>\n", 0o644)
	file("var/lib/dpkg/status", dpkgStatus, 0o644)

	// etc/hostile: every hostile name as a file (every other one
	// world-readable, so read-ahead takes some and leaves the others), a
	// link to it and a directory; and the file kinds and modes a scan
	// meets.
	dir("etc/hostile", 0o755)
	files := map[string][]byte{}
	addFile := func(name, content string, mode fs.FileMode) {
		file("etc/hostile/"+name, content, mode)
		files["/etc/hostile/"+name] = []byte(content)
	}
	for i, n := range hostileNames {
		mode := fs.FileMode(0o644)
		if i%2 == 1 {
			mode = 0o640
		}
		addFile(n, fmt.Sprintf("content %d of %q\x00binary\xff\n", i, n), mode)
		link(n, "etc/hostile/link to "+n)
		dir("etc/hostile/dir "+n, 0o750)
	}
	long := strings.Repeat("long-name-", 24) + "end"
	addFile(long, "a name past tar's 100 bytes\n", 0o644)
	addFile("empty", "", 0o644)
	addFile("mode-0000", "root reads it anyway\n", 0)
	addFile("setuid", "#!/bin/sh\n", 0o755|fs.ModeSetuid)
	addFile("alice's", "owned by alice\n", 0o604)
	require.NoError(t, os.Chown(at("etc/hostile/alice's"), 1000, 1000))
	addFile("nobody", "owned by nobody\n", 0o644)
	require.NoError(t, os.Chown(at("etc/hostile/nobody"), 65534, 65534))
	require.NoError(t, os.Link(at("etc/hostile/plain"), at("etc/hostile/hard link to plain")))
	files["/etc/hostile/hard link to plain"] = files["/etc/hostile/plain"]
	dir("etc/hostile/setgid", 0o755|fs.ModeSetgid)
	dir("etc/hostile/sticky", 0o777|fs.ModeSticky)
	dir("etc/hostile/deep/a/b/c", 0o755)
	file("etc/hostile/deep/a/b/c/leaf", "leaf\n", 0o644)
	file("etc/hostile/dir plain/inner", "inner\n", 0o644)
	require.NoError(t, unix.Mkfifo(at("etc/hostile/fifo"), 0o600))
	require.NoError(t, unix.Mknod(at("etc/hostile/sock"), unix.S_IFSOCK|0o755, 0))
	link("no\nsuch target\n", "etc/hostile/dangling")
	link("loop2", "etc/hostile/loop1")
	link("loop1", "etc/hostile/loop2")
	link("/etc/passwd", "etc/hostile/absolute")
	link("../../../../../../../../etc/shadow", "etc/hostile/escape")
	link("dir plain", "etc/hostile/dirlink")
	link("fifo", "etc/hostile/link to fifo")
	link("/dev/null", "etc/hostile/link to null")

	setTimes(t, root)
	return root, files
}

// setTimes gives every path of the tree a modification time with
// nanoseconds and an access time an hour ahead: with relatime, reading or
// listing a path moves its access time only when that is not after the
// modification and change times, so nothing the test does moves it.
func setTimes(t *testing.T, root string) {
	t.Helper()
	var all []string
	require.NoError(t, filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		all = append(all, p)
		return err
	}))
	atime := time.Now().Add(time.Hour)
	base := time.Date(2023, 4, 5, 6, 7, 8, 123456789, time.UTC)
	for i := len(all) - 1; i >= 0; i-- {
		mtime := base.Add(time.Duration(i) * 1111111111)
		ts := []unix.Timespec{unix.NsecToTimespec(atime.UnixNano()), unix.NsecToTimespec(mtime.UnixNano())}
		require.NoError(t, unix.UtimesNanoAt(unix.AT_FDCWD, all[i], ts, unix.AT_SYMLINK_NOFOLLOW), all[i])
	}
}

// procProbes are kernel parameters read through a proc mounted in the
// tree: readable ones, one that refuses opening even to root (write-only),
// one that opens but fails to read (stable_secret before it is set: EIO)
// and one that is not there.
var procProbes = []string{"/proc/sys/kernel/ostype", "/proc/sys/kernel/osrelease", "/proc/sys/kernel/pid_max",
	"/proc/sys/vm/drop_caches", "/proc/sys/net/ipv6/conf/all/stable_secret", "/proc/sys/net/core/flow_limit_cpu_bitmap", "/proc/sys/kernel/no_such"}

// sessionCounters are kernel parameters that the SSH session reading them
// changes (it opens files and starts processes), so the remote value
// differs from one read offline just before and after.
var sessionCounters = map[string]bool{
	"/proc/sys/fs/file-nr":         true,
	"/proc/sys/fs/inode-nr":        true,
	"/proc/sys/fs/inode-state":     true,
	"/proc/sys/fs/dentry-state":    true,
	"/proc/sys/kernel/ns_last_pid": true,
}

// mountProc mounts a proc file system on the tree's /proc, so that kernel
// parameters are read with BusyBox head and cat; it reports false where
// mounting is not allowed.
func mountProc(t *testing.T, root string) bool {
	t.Helper()
	target := filepath.Join(root, "proc")
	if err := unix.Mount("proc", target, "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		t.Logf("proc not mounted in the tree (%v): kernel parameters are not compared", err)
		return false
	}
	t.Cleanup(func() {
		if err := unix.Unmount(target, unix.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", target, err)
		}
	})
	return true
}

// treePaths lists every path of the tree as the target sees it, /proc's
// content left out.
func treePaths(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	require.NoError(t, filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := "/" + strings.TrimPrefix(strings.TrimPrefix(p, root), "/")
		out = append(out, rel)
		if rel == "/proc" {
			return filepath.SkipDir
		}
		return nil
	}))
	return out
}

// readablePaths leaves out the applet links, which would read BusyBox's
// two megabytes once each, but /bin/sh.
func readablePaths(paths []string) []string {
	var out []string
	for _, p := range paths {
		switch path.Dir(p) {
		case "/bin", "/sbin", "/usr/bin", "/usr/sbin":
			if p != "/bin/sh" && p != "/bin/bash" && p != "/bin" {
				continue
			}
		}
		out = append(out, p)
	}
	return out
}

func statAll(t *testing.T, h host.Host, paths []string) []host.FileInfo {
	t.Helper()
	out, err := h.Stat(context.Background(), paths...)
	require.NoError(t, err)
	return out
}

// errClass names what an error means to a probe: the two hosts word their
// errors differently (errno texts, tool messages) but must mean the same.
func errClass(err error) string {
	var errno syscall.Errno
	switch {
	case err == nil:
		return ""
	case errors.Is(err, fs.ErrNotExist):
		return "does not exist"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	case errors.As(err, &errno) && errno == syscall.EISDIR,
		strings.Contains(err.Error(), "not a regular file"):
		return "not a regular file"
	case errors.As(err, &errno) && errno == syscall.ENOTDIR,
		strings.Contains(err.Error(), "not a directory"):
		return "not a directory"
	case errors.As(err, &errno) && errno == syscall.ELOOP,
		strings.Contains(strings.ToLower(err.Error()), "too many levels of symbolic links"):
		return "symlink loop"
	case errors.As(err, &errno) && errno == syscall.EIO,
		strings.Contains(strings.ToLower(err.Error()), "input/output error"):
		return "I/O error"
	}
	return "other: " + err.Error()
}

// comparable is a FileInfo with times in UTC and the error as its class.
type comparableInfo struct {
	Path, Target, Err   string
	Mode                fs.FileMode
	UID, GID, Size      int64
	ATime, MTime, CTime time.Time
}

func toComparable(fi host.FileInfo) comparableInfo {
	return comparableInfo{Path: fi.Path, Target: fi.Target, Err: errClass(fi.Err), Mode: fi.Mode,
		UID: fi.UID, GID: fi.GID, Size: fi.Size, ATime: fi.ATime.UTC(), MTime: fi.MTime.UTC(), CTime: fi.CTime.UTC()}
}

func compareInfos(t *testing.T, want, got []host.FileInfo) {
	t.Helper()
	require.Len(t, got, len(want))
	for i := range want {
		w, g := toComparable(want[i]), toComparable(got[i])
		if strings.HasPrefix(w.Path, "/proc/") {
			// proc makes up times when asked.
			w.ATime, w.MTime, w.CTime, g.ATime, g.MTime, g.CTime = time.Time{}, time.Time{}, time.Time{}, time.Time{}, time.Time{}, time.Time{}
		}
		assert.Equal(t, w, g, "%q", want[i].Path)
	}
}

// walkCompare lists dir and every directory below it (not through links,
// not into /proc) on both hosts.
func walkCompare(t *testing.T, want host.Host, got *Host, dir string) {
	t.Helper()
	ctx := context.Background()
	w, err := want.ReadDir(ctx, dir)
	require.NoError(t, err, "offline ReadDir %q", dir)
	g, err := got.ReadDir(ctx, dir)
	require.NoError(t, err, "remote ReadDir %q", dir)
	compareInfos(t, w, g)
	for _, e := range w {
		if e.Mode.IsDir() && e.Path != "/proc" {
			walkCompare(t, want, got, e.Path)
		}
	}
}

// compareOVAL requires the same definition and test results and the same
// items for every object.
func compareOVAL(t *testing.T, want, got *oval.Results) {
	t.Helper()
	require.Len(t, got.Definitions, len(want.Definitions))
	for i, d := range want.Definitions {
		assert.Equal(t, d.ID+" "+d.Result.String(), got.Definitions[i].ID+" "+got.Definitions[i].Result.String())
	}
	require.Len(t, got.Tests, len(want.Tests))
	for i, tr := range want.Tests {
		assert.Equal(t, tr.ID+" "+tr.Result.String(), got.Tests[i].ID+" "+got.Tests[i].Result.String())
	}
	items := func(r *oval.Results) map[string][]string {
		byID := map[int]*oval.Item{}
		for _, it := range r.Items {
			byID[it.ID] = it
		}
		m := map[string][]string{}
		for _, o := range r.Objects {
			list := []string{"flag " + o.Flag}
			for _, id := range o.ItemIDs {
				list = append(list, itemString(byID[id]))
			}
			sort.Strings(list[1:])
			m[o.ID] = list
		}
		return m
	}
	wi, gi := items(want), items(got)
	require.Len(t, gi, len(wi))
	for id, w := range wi {
		assert.Equal(t, w, gi[id], "object %s", id)
	}
}

func itemString(it *oval.Item) string {
	if it == nil {
		return "<missing item>"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", it.Type, it.Status)
	var fields func(fs []*oval.Field)
	fields = func(fs []*oval.Field) {
		for _, f := range fs {
			fmt.Fprintf(&b, " %s=%q(%s,%s,nil=%v)", f.Name, f.Value, f.Datatype, f.Status, f.Nil)
			if len(f.Fields) > 0 {
				b.WriteString("{")
				fields(f.Fields)
				b.WriteString("}")
			}
		}
	}
	fields(it.Fields)
	return b.String()
}

// busyBoxOVAL checks the BusyBox tree the way content checks a system: file
// content (one file, a directory of hostile names, a path pattern), file
// metadata (one file, a directory, a recursive walk, through links),
// accounts, packages and XML.
const busyBoxOVAL = `<?xml version="1.0" encoding="UTF-8"?>
<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5"
  xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5"
  xmlns:ind="http://oval.mitre.org/XMLSchema/oval-definitions-5#independent"
  xmlns:unix="http://oval.mitre.org/XMLSchema/oval-definitions-5#unix"
  xmlns:linux="http://oval.mitre.org/XMLSchema/oval-definitions-5#linux"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <generator>
    <oval:product_name>stigscan BusyBox test</oval:product_name>
    <oval:schema_version>5.11.2</oval:schema_version>
    <oval:timestamp>2026-01-01T00:00:00</oval:timestamp>
  </generator>
  <definitions>
    <definition id="oval:bb:def:1" version="1" class="compliance">
      <metadata><title>sshd refuses root logins</title><description>t</description></metadata>
      <criteria><criterion test_ref="oval:bb:tst:1"/></criteria>
    </definition>
    <definition id="oval:bb:def:2" version="1" class="compliance">
      <metadata><title>X11 forwarding off</title><description>t</description></metadata>
      <criteria><criterion test_ref="oval:bb:tst:2"/></criteria>
    </definition>
    <definition id="oval:bb:def:3" version="1" class="compliance">
      <metadata><title>no world-writable file in etc/hostile</title><description>t</description></metadata>
      <criteria><criterion test_ref="oval:bb:tst:3"/></criteria>
    </definition>
    <definition id="oval:bb:def:4" version="1" class="compliance">
      <metadata><title>every hostile file says content</title><description>t</description></metadata>
      <criteria><criterion test_ref="oval:bb:tst:4"/></criteria>
    </definition>
    <definition id="oval:bb:def:5" version="1" class="compliance">
      <metadata><title>no setuid file below etc</title><description>t</description></metadata>
      <criteria><criterion test_ref="oval:bb:tst:5"/></criteria>
    </definition>
    <definition id="oval:bb:def:6" version="1" class="compliance">
      <metadata><title>root is uid 0 and alone</title><description>t</description></metadata>
      <criteria><criterion test_ref="oval:bb:tst:6"/><criterion test_ref="oval:bb:tst:7"/></criteria>
    </definition>
    <definition id="oval:bb:def:7" version="1" class="compliance">
      <metadata><title>root password locked</title><description>t</description></metadata>
      <criteria><criterion test_ref="oval:bb:tst:8"/></criteria>
    </definition>
    <definition id="oval:bb:def:8" version="1" class="inventory">
      <metadata><title>busybox-static 1.30 or later</title><description>t</description></metadata>
      <criteria><criterion test_ref="oval:bb:tst:9"/></criteria>
    </definition>
    <definition id="oval:bb:def:9" version="1" class="compliance">
      <metadata><title>telnet not installed</title><description>t</description></metadata>
      <criteria><criterion test_ref="oval:bb:tst:10"/></criteria>
    </definition>
    <definition id="oval:bb:def:10" version="1" class="compliance">
      <metadata><title>os-release readable by all, owned by root</title><description>t</description></metadata>
      <criteria><criterion test_ref="oval:bb:tst:11"/></criteria>
    </definition>
    <definition id="oval:bb:def:11" version="1" class="compliance">
      <metadata><title>shadow not world readable</title><description>t</description></metadata>
      <criteria><criterion test_ref="oval:bb:tst:12"/></criteria>
    </definition>
    <definition id="oval:bb:def:12" version="1" class="compliance">
      <metadata><title>telnet feature disabled</title><description>t</description></metadata>
      <criteria><criterion test_ref="oval:bb:tst:13"/></criteria>
    </definition>
    <definition id="oval:bb:def:13" version="1" class="compliance">
      <metadata><title>files below var are regular or directories</title><description>t</description></metadata>
      <criteria><criterion test_ref="oval:bb:tst:14"/></criteria>
    </definition>
    <definition id="oval:bb:def:14" version="1" class="compliance">
      <metadata><title>hostile files of alice and nobody</title><description>t</description></metadata>
      <criteria operator="OR"><criterion test_ref="oval:bb:tst:15"/><criterion test_ref="oval:bb:tst:16"/></criteria>
    </definition>
    <definition id="oval:bb:def:15" version="1" class="compliance">
      <metadata><title>root account lines through links (one to a directory)</title><description>t</description></metadata>
      <criteria><criterion test_ref="oval:bb:tst:17"/></criteria>
    </definition>
  </definitions>
  <tests>
    <ind:textfilecontent54_test id="oval:bb:tst:1" version="1" check="all" check_existence="at_least_one_exists">
      <ind:object object_ref="oval:bb:obj:1"/><ind:state state_ref="oval:bb:ste:1"/>
    </ind:textfilecontent54_test>
    <ind:textfilecontent54_test id="oval:bb:tst:2" version="1" check="all" check_existence="none_exist">
      <ind:object object_ref="oval:bb:obj:2"/>
    </ind:textfilecontent54_test>
    <unix:file_test id="oval:bb:tst:3" version="1" check="all">
      <unix:object object_ref="oval:bb:obj:3"/><unix:state state_ref="oval:bb:ste:3"/>
    </unix:file_test>
    <ind:textfilecontent54_test id="oval:bb:tst:4" version="1" check="all" check_existence="at_least_one_exists">
      <ind:object object_ref="oval:bb:obj:4"/>
    </ind:textfilecontent54_test>
    <unix:file_test id="oval:bb:tst:5" version="1" check="all" check_existence="none_exist">
      <unix:object object_ref="oval:bb:obj:5"/>
    </unix:file_test>
    <unix:password_test id="oval:bb:tst:6" version="1" check="all" check_existence="only_one_exists">
      <unix:object object_ref="oval:bb:obj:6"/>
    </unix:password_test>
    <unix:password_test id="oval:bb:tst:7" version="1" check="all" check_existence="at_least_one_exists">
      <unix:object object_ref="oval:bb:obj:7"/><unix:state state_ref="oval:bb:ste:7"/>
    </unix:password_test>
    <unix:shadow_test id="oval:bb:tst:8" version="1" check="all">
      <unix:object object_ref="oval:bb:obj:8"/><unix:state state_ref="oval:bb:ste:8"/>
    </unix:shadow_test>
    <linux:dpkginfo_test id="oval:bb:tst:9" version="1" check="all">
      <linux:object object_ref="oval:bb:obj:9"/><linux:state state_ref="oval:bb:ste:9"/>
    </linux:dpkginfo_test>
    <linux:dpkginfo_test id="oval:bb:tst:10" version="1" check="all" check_existence="none_exist">
      <linux:object object_ref="oval:bb:obj:10"/>
    </linux:dpkginfo_test>
    <unix:file_test id="oval:bb:tst:11" version="1" check="all">
      <unix:object object_ref="oval:bb:obj:11"/><unix:state state_ref="oval:bb:ste:11"/>
    </unix:file_test>
    <unix:file_test id="oval:bb:tst:12" version="1" check="all">
      <unix:object object_ref="oval:bb:obj:12"/><unix:state state_ref="oval:bb:ste:12"/>
    </unix:file_test>
    <ind:xmlfilecontent_test id="oval:bb:tst:13" version="1" check="all">
      <ind:object object_ref="oval:bb:obj:13"/><ind:state state_ref="oval:bb:ste:13"/>
    </ind:xmlfilecontent_test>
    <unix:file_test id="oval:bb:tst:14" version="1" check="all">
      <unix:object object_ref="oval:bb:obj:14"/><unix:state state_ref="oval:bb:ste:14"/>
    </unix:file_test>
    <unix:file_test id="oval:bb:tst:15" version="1" check="all">
      <unix:object object_ref="oval:bb:obj:15"/><unix:state state_ref="oval:bb:ste:15"/>
    </unix:file_test>
    <unix:file_test id="oval:bb:tst:16" version="1" check="all">
      <unix:object object_ref="oval:bb:obj:16"/><unix:state state_ref="oval:bb:ste:15"/>
    </unix:file_test>
    <ind:textfilecontent54_test id="oval:bb:tst:17" version="1" check="all" check_existence="at_least_one_exists">
      <ind:object object_ref="oval:bb:obj:17"/>
    </ind:textfilecontent54_test>
  </tests>
  <objects>
    <ind:textfilecontent54_object id="oval:bb:obj:1" version="1">
      <ind:filepath>/etc/ssh/sshd_config</ind:filepath>
      <ind:pattern operation="pattern match">^\s*PermitRootLogin\s+(\S+)</ind:pattern>
      <ind:instance datatype="int" operation="greater than or equal">1</ind:instance>
    </ind:textfilecontent54_object>
    <ind:textfilecontent54_object id="oval:bb:obj:2" version="1">
      <ind:filepath>/etc/ssh/sshd_config</ind:filepath>
      <ind:pattern operation="pattern match">^\s*X11Forwarding\s+yes</ind:pattern>
      <ind:instance datatype="int" operation="greater than or equal">1</ind:instance>
    </ind:textfilecontent54_object>
    <unix:file_object id="oval:bb:obj:3" version="1">
      <unix:path>/etc/hostile</unix:path>
      <unix:filename operation="pattern match">.*</unix:filename>
    </unix:file_object>
    <ind:textfilecontent54_object id="oval:bb:obj:4" version="1">
      <ind:path>/etc/hostile</ind:path>
      <ind:filename operation="pattern match">^[^dl]</ind:filename>
      <ind:pattern operation="pattern match">^content (\d+)</ind:pattern>
      <ind:instance datatype="int" operation="greater than or equal">1</ind:instance>
    </ind:textfilecontent54_object>
    <unix:file_object id="oval:bb:obj:5" version="1">
      <unix:behaviors recurse_direction="down" max_depth="-1"/>
      <unix:path>/etc</unix:path>
      <unix:filename operation="pattern match">.*</unix:filename>
      <filter action="include">oval:bb:ste:5</filter>
    </unix:file_object>
    <unix:password_object id="oval:bb:obj:6" version="1">
      <unix:username operation="pattern match">^root$</unix:username>
    </unix:password_object>
    <unix:password_object id="oval:bb:obj:7" version="1">
      <unix:username operation="pattern match">.*</unix:username>
    </unix:password_object>
    <unix:shadow_object id="oval:bb:obj:8" version="1">
      <unix:username>root</unix:username>
    </unix:shadow_object>
    <linux:dpkginfo_object id="oval:bb:obj:9" version="1">
      <linux:name>busybox-static</linux:name>
    </linux:dpkginfo_object>
    <linux:dpkginfo_object id="oval:bb:obj:10" version="1">
      <linux:name>telnet</linux:name>
    </linux:dpkginfo_object>
    <unix:file_object id="oval:bb:obj:11" version="1">
      <unix:filepath>/etc/os-release</unix:filepath>
    </unix:file_object>
    <unix:file_object id="oval:bb:obj:12" version="1">
      <unix:filepath>/etc/shadow</unix:filepath>
    </unix:file_object>
    <ind:textfilecontent54_object id="oval:bb:obj:17" version="1">
      <ind:path>/etc/hostile</ind:path>
      <ind:filename operation="pattern match">^(dirlink|absolute|escape)$</ind:filename>
      <ind:pattern operation="pattern match">^root:</ind:pattern>
      <ind:instance datatype="int" operation="greater than or equal">1</ind:instance>
    </ind:textfilecontent54_object>
    <ind:xmlfilecontent_object id="oval:bb:obj:13" version="1">
      <ind:filepath>/etc/app/config.xml</ind:filepath>
      <ind:xpath>/config/feature[@name='telnet']/@enabled</ind:xpath>
    </ind:xmlfilecontent_object>
    <unix:file_object id="oval:bb:obj:14" version="1">
      <unix:behaviors recurse_direction="down" max_depth="-1"/>
      <unix:path>/var</unix:path>
      <unix:filename operation="pattern match">.*</unix:filename>
    </unix:file_object>
    <unix:file_object id="oval:bb:obj:15" version="1">
      <unix:filepath>/etc/hostile/alice's</unix:filepath>
    </unix:file_object>
    <unix:file_object id="oval:bb:obj:16" version="1">
      <unix:filepath>/etc/hostile/nobody</unix:filepath>
    </unix:file_object>
  </objects>
  <states>
    <ind:textfilecontent54_state id="oval:bb:ste:1" version="1">
      <ind:subexpression>no</ind:subexpression>
    </ind:textfilecontent54_state>
    <unix:file_state id="oval:bb:ste:3" version="1">
      <unix:owrite datatype="boolean">false</unix:owrite>
    </unix:file_state>
    <unix:file_state id="oval:bb:ste:5" version="1">
      <unix:suid datatype="boolean">true</unix:suid>
    </unix:file_state>
    <unix:password_state id="oval:bb:ste:7" version="1">
      <unix:user_id datatype="int" operation="not equal">0</unix:user_id>
    </unix:password_state>
    <unix:shadow_state id="oval:bb:ste:8" version="1">
      <unix:password operation="pattern match">^[!*]</unix:password>
    </unix:shadow_state>
    <linux:dpkginfo_state id="oval:bb:ste:9" version="1">
      <linux:evr datatype="debian_evr_string" operation="greater than or equal">1:1.30.0-0</linux:evr>
    </linux:dpkginfo_state>
    <unix:file_state id="oval:bb:ste:11" version="1">
      <unix:user_id datatype="int">0</unix:user_id>
      <unix:oread datatype="boolean">true</unix:oread>
    </unix:file_state>
    <unix:file_state id="oval:bb:ste:12" version="1">
      <unix:oread datatype="boolean">false</unix:oread>
    </unix:file_state>
    <ind:xmlfilecontent_state id="oval:bb:ste:13" version="1">
      <ind:value_of>false</ind:value_of>
    </ind:xmlfilecontent_state>
    <unix:file_state id="oval:bb:ste:14" version="1">
      <unix:type operation="pattern match">^(regular|directory)$</unix:type>
    </unix:file_state>
    <unix:file_state id="oval:bb:ste:15" version="1">
      <unix:user_id datatype="int" operation="greater than or equal">1000</unix:user_id>
    </unix:file_state>
  </states>
</oval_definitions>
`
