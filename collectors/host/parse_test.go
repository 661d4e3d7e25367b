package host

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return data
}

func TestParseDpkgStatus(t *testing.T) {
	got := ParseDpkgStatus(readTestdata(t, "dpkg-status"))
	want := []DebPackage{
		{Name: "adduser", Arch: "all", Epoch: "0", Version: "3.118", Release: "", Status: "install ok installed"},
		{Name: "bsdutils", Arch: "amd64", Epoch: "1", Version: "2.36.1", Release: "8+deb11u1", Status: "install ok installed"},
		{Name: "libc6", Arch: "amd64", Epoch: "0", Version: "2.31", Release: "13+deb11u5", Status: "install ok installed"},
		{Name: "libc6", Arch: "i386", Epoch: "0", Version: "2.31", Release: "13+deb11u5", Status: "install ok installed"},
		{Name: "lowercase-fields", Arch: "amd64", Epoch: "0", Version: "0.1-rc1", Release: "2", Status: "install ok installed"},
		{Name: "openssh-server", Arch: "amd64", Epoch: "1", Version: "8.4p1", Release: "5+deb11u1", Status: "hold ok installed"},
		{Name: "tzdata", Arch: "all", Epoch: "0", Version: "2024a", Release: "0+deb11u1", Status: "install ok installed"},
	}
	assert.Equal(t, want, got)
	assert.Equal(t, "1:2.36.1-8+deb11u1", got[1].EVR())
	assert.Equal(t, "0:3.118", got[0].EVR())
}

func TestParseDpkgStatusStanzas(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []DebPackage
	}{
		{name: "empty", in: "", want: nil},
		{name: "CRLF and no trailing newline",
			in:   "Package: a\r\nStatus: install ok installed\r\nVersion: 2:1.0-1\r\nArchitecture: amd64",
			want: []DebPackage{{Name: "a", Arch: "amd64", Epoch: "2", Version: "1.0", Release: "1", Status: "install ok installed"}}},
		{name: "whitespace-only line separates stanzas",
			in:   "Package: a\nStatus: install ok installed\n \nPackage: b\nStatus: install ok installed\n",
			want: []DebPackage{{Name: "a", Epoch: "0", Status: "install ok installed"}, {Name: "b", Epoch: "0", Status: "install ok installed"}}},
		{name: "continuation does not start a field",
			in:   "Package: a\nStatus: install ok installed\nDescription: x\n Status: purge ok not-installed\n",
			want: []DebPackage{{Name: "a", Epoch: "0", Status: "install ok installed"}}},
		{name: "not installed states are left out",
			in:   "Package: a\nStatus: install ok unpacked\n\nPackage: b\nStatus: deinstall ok config-files\n\nPackage: c\nStatus: install reinstreq half-installed\n",
			want: nil},
		{name: "stanza without Package", in: "Status: install ok installed\nVersion: 1\n", want: nil},
		{name: "line without colon is ignored",
			in:   "Package: a\ngarbage\nStatus: install ok installed\n",
			want: []DebPackage{{Name: "a", Epoch: "0", Status: "install ok installed"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, ParseDpkgStatus([]byte(tt.in)))
		})
	}
}

func TestSplitDebVersion(t *testing.T) {
	tests := []struct {
		name, in, epoch, version, release string
	}{
		{"plain", "1.0", "0", "1.0", ""},
		{"revision", "1.0-1", "0", "1.0", "1"},
		{"epoch", "1:1.0-1", "1", "1.0", "1"},
		{"hyphen in upstream", "1:1.2-beta-3", "1", "1.2-beta", "3"},
		{"colon in upstream", "2:1:0-1", "2", "1:0", "1"},
		{"empty epoch", ":1.0", "0", "1.0", ""},
		{"empty", "", "0", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, v, r := SplitDebVersion(tt.in)
			assert.Equal(t, []string{tt.epoch, tt.version, tt.release}, []string{e, v, r})
		})
	}
}

func TestParsePasswd(t *testing.T) {
	got := ParsePasswd(readTestdata(t, "passwd"))
	want := []PasswdEntry{
		{Username: "root", Password: "x", UID: 0, GID: 0, GCOS: "root", HomeDir: "/root", Shell: "/bin/bash"},
		{Username: "daemon", Password: "x", UID: 1, GID: 1, GCOS: "daemon", HomeDir: "/usr/sbin", Shell: "/usr/sbin/nologin"},
		{Username: "nobody", Password: "x", UID: 65534, GID: 65534, GCOS: "nobody", HomeDir: "/nonexistent", Shell: "/usr/sbin/nologin"},
		{Username: "alice", Password: "x", UID: 1000, GID: 1000, GCOS: "Alice Example,,,", HomeDir: "/home/alice", Shell: "/bin/bash"},
		{Username: "toor", Password: "x", UID: 0, GID: 0, GCOS: "", HomeDir: "/root", Shell: "/bin/sh"},
	}
	assert.Equal(t, want, got)
}

func TestParseGroup(t *testing.T) {
	got := ParseGroup(readTestdata(t, "group"))
	want := []GroupEntry{
		{Name: "root", Password: "x", GID: 0},
		{Name: "sudo", Password: "x", GID: 27, Members: []string{"alice", "bob"}},
		{Name: "audio", Password: "x", GID: 29, Members: []string{"pulse"}},
		{Name: "wheel", Password: "!", GID: 10, Members: []string{"alice", "carol"}},
	}
	assert.Equal(t, want, got)
}

func TestParseShadow(t *testing.T) {
	got := ParseShadow(readTestdata(t, "shadow"))
	want := []ShadowEntry{
		{Username: "root", Password: "$6$rounds=5000$saltsalt$hashhashhash", LastChange: 19000, Min: 0, Max: 99999, Warn: 7, Inactive: -1, Expire: -1, EncryptMethod: "SHA-512"},
		{Username: "daemon", Password: "*", LastChange: 19000, Min: 0, Max: 99999, Warn: 7, Inactive: -1, Expire: -1},
		{Username: "locked", Password: "!$y$j9T$salt$hash", LastChange: 19001, Min: 1, Max: 60, Warn: 14, Inactive: 30, Expire: 19500, EncryptMethod: "yescrypt"},
		{Username: "nopass", Password: "", LastChange: 19002, Min: -1, Max: -1, Warn: -1, Inactive: -1, Expire: -1},
		{Username: "neverset", Password: "!!", LastChange: -1, Min: -1, Max: -1, Warn: -1, Inactive: -1, Expire: -1},
		{Username: "md5", Password: "$1$salt$hash", Flag: "0", EncryptMethod: "MD5"},
		{Username: "blowfish", Password: "$2b$12$abcdefghijklmnopqrstuv", LastChange: 18000, Min: 7, Max: 90, Warn: 7, Inactive: 35, Expire: 20000, EncryptMethod: "Blowfish"},
		{Username: "sunmd5", Password: "$md5,rounds=904$salt$$hash", LastChange: 18000, Min: -1, Max: -1, Warn: -1, Inactive: -1, Expire: -1, EncryptMethod: "Sun MD5"},
		{Username: "sha256", Password: "$5$salt$hash", LastChange: -1, Min: -1, Max: -1, Warn: -1, Inactive: -1, Expire: -1, EncryptMethod: "SHA-256"},
		{Username: "des", Password: "abJnggxhB/yWI", LastChange: 17000, Min: 0, Max: 99999, Warn: 7, Inactive: -1, Expire: -1, EncryptMethod: "DES"},
		{Username: "bsdi", Password: "_J9..CCCCXBrJUJV154M", LastChange: 17000, Min: 0, Max: 99999, Warn: 7, Inactive: -1, Expire: -1, EncryptMethod: "BSDi"},
		{Username: "old", Password: "oldstylehash", LastChange: -1, Min: -1, Max: -1, Warn: -1, Inactive: -1, Expire: -1},
		{Username: "garbage", Password: "x", LastChange: -1, Min: 1, Max: 2, Warn: 3, Inactive: 4, Expire: 5, Flag: "6"},
	}
	assert.Equal(t, want, got)
}

func TestEncryptMethod(t *testing.T) {
	tests := []struct{ in, want string }{
		{"$6$x$y", "SHA-512"}, {"!$6$x$y", "SHA-512"}, {"!!$6$x$y", "SHA-512"},
		{"$5$x$y", "SHA-256"}, {"$1$x$y", "MD5"}, {"$2a$10$x", "Blowfish"}, {"$2y$10$x", "Blowfish"},
		{"$2$10$x", "Blowfish"}, {"$md5$x$y", "Sun MD5"}, {"$y$j9T$x$y", "yescrypt"},
		{"$gy$j9T$x$y", ""}, {"$7$x", ""}, {"*", ""}, {"!", ""}, {"!!", ""}, {"", ""},
		{"abJnggxhB/yWI", "DES"}, {"!abJnggxhB/yWI", "DES"}, {"abJnggxhB/yW!", ""},
		{"_J9..CCCCXBrJUJV154M", "BSDi"}, {"_J9..", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, EncryptMethod(tt.in))
		})
	}
}

func TestParseOSRelease(t *testing.T) {
	got := ParseOSRelease(readTestdata(t, "os-release"))
	assert.Equal(t, map[string]string{
		"PRETTY_NAME":      "Debian GNU/Linux 11 (bullseye)",
		"NAME":             "Debian GNU/Linux",
		"VERSION_ID":       "11",
		"VERSION":          "11 (bullseye)",
		"VERSION_CODENAME": "bullseye",
		"ID":               "debian",
		"HOME_URL":         "https://www.debian.org/",
		"QUOTED":           "single $quoted",
		"ESCAPED":          `a "b" $c \d`,
	}, got)
	assert.Equal(t, "Debian GNU/Linux 11 (bullseye)", PrettyOSName(got))
	assert.Equal(t, "Foo 2", PrettyOSName(map[string]string{"NAME": "Foo", "VERSION": "2"}))
}

func TestParseEnviron(t *testing.T) {
	got := ParseEnviron([]byte("A=1\x00B=x=y\x00A=2\x00NOEQ\x00=empty\x00C=\x00"))
	assert.Equal(t, map[string]string{"A": "1", "B": "x=y", "C": ""}, got)
}

func TestSysctlName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/proc/sys/net/ipv4/ip_forward", "net.ipv4.ip_forward"},
		{"/proc/sys/net/ipv4/conf/eth0.100/forwarding", "net.ipv4.conf.eth0/100.forwarding"},
		{"/proc/sys/kernel/hostname", "kernel.hostname"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) { assert.Equal(t, tt.want, SysctlName(tt.in)) })
	}
}

func TestSysctlValues(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"single", "1\n", []string{"1"}},
		{"tabs collapsed", "4\t4\t1\t7\n", []string{"4 4 1 7"}},
		{"tab run", "32768\t\t60999\n", []string{"32768 60999"}},
		{"multi-line", "CD-ROM information\n\ndrive name:\tsr0\n", []string{"CD-ROM information", "", "drive name: sr0"}},
		{"empty", "", nil},
		{"only newline", "\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { assert.Equal(t, tt.want, sysctlValues([]byte(tt.in))) })
	}
}

func TestParseProcStat(t *testing.T) {
	line := "4919 (a) b) c) R 4913 4913 2408 34816 -1 4194304 102 0 0 0 150 250 0 0 20 0 1 0 36504 3133440 405 18446744073709551615 0 0"
	st, err := ParseProcStat([]byte(line))
	require.NoError(t, err)
	assert.Equal(t, ProcStat{PID: 4919, Comm: "a) b) c", State: 'R', PPID: 4913, Session: 2408, TTYNr: 34816,
		Flags: 4194304, UTime: 150, STime: 250, Priority: 20, StartTime: 36504}, st)

	for _, bad := range []string{"", "1 (x", "1 (x) R 1 2", "x (y) R 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1"} {
		_, err := ParseProcStat([]byte(bad))
		assert.Error(t, err, bad)
	}
}

func TestProcessFormatting(t *testing.T) {
	assert.Equal(t, "pts/0", ttyName(34816))
	assert.Equal(t, "pts/300", ttyName(136<<8|44|(1<<20)))
	assert.Equal(t, "tty1", ttyName(4<<8|1))
	assert.Equal(t, "ttyS0", ttyName(4<<8|64))
	assert.Equal(t, "?", ttyName(0))
	assert.Equal(t, "00:00:00", formatCPUTime(0))
	assert.Equal(t, "01:01:01", formatCPUTime(3661))
	assert.Equal(t, "2-00:00:05", formatCPUTime(2*86400+5))
	assert.Equal(t, "a b  c .d", psCommandLine([]byte("a\x00b\x00\x00c\n\x01d\x00\x00")))
}

func TestParseMounts(t *testing.T) {
	in := "rootfs / rootfs rw 0 0\n" +
		"/dev/sda1 / ext4 rw,relatime,errors=remount-ro 0 0\n" +
		"/dev/sdb1 /mnt/with\\040space vfat rw,nosuid,nodev,noexec 0 0\n" +
		"tmpfs /tmp tmpfs rw,nosuid,nodev 0 0\n" +
		"short line\n"
	assert.Equal(t, []Mount{
		{Device: "/dev/sda1", MountPoint: "/", FSType: "ext4", Options: []string{"rw", "relatime", "errors=remount-ro"}},
		{Device: "/dev/sdb1", MountPoint: "/mnt/with space", FSType: "vfat", Options: []string{"rw", "nosuid", "nodev", "noexec"}},
		{Device: "tmpfs", MountPoint: "/tmp", FSType: "tmpfs", Options: []string{"rw", "nosuid", "nodev"}},
	}, ParseMounts([]byte(in)))
	assert.Equal(t, `a\b`, unescapeMount(`a\134b`))
	assert.Equal(t, `a\9`, unescapeMount(`a\9`))
}

func TestParseRPMQuery(t *testing.T) {
	out := "bash\tx86_64\t(none)\t5.1.8\t6.el9\tRSA/SHA256, Tue 16 Apr 2024 07:52:37 AM UTC, Key ID 199E2F91FD431D51\n" +
		"gpg-pubkey\t(none)\t(none)\tfd431d51\t4ae0493b\t(none)\n" +
		"kernel\tx86_64\t1\t5.14.0\t362.el9\tRSA/SHA256, Key ID 199e2f91fd431d51\n" +
		"broken line\n"
	assert.Equal(t, []RPMPackage{
		{Name: "bash", Arch: "x86_64", Epoch: "0", Version: "5.1.8", Release: "6.el9", SignatureKeyID: "199e2f91fd431d51"},
		{Name: "gpg-pubkey", Arch: "(none)", Epoch: "0", Version: "fd431d51", Release: "4ae0493b"},
		{Name: "kernel", Arch: "x86_64", Epoch: "1", Version: "5.14.0", Release: "362.el9", SignatureKeyID: "199e2f91fd431d51"},
	}, ParseRPMQuery([]byte(out)))
}

func TestParseUname(t *testing.T) {
	u, err := ParseUname([]byte("x86_64\nvm\nLinux\n6.1.0-18-amd64\n#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)\nunknown\n"))
	require.NoError(t, err)
	assert.Equal(t, UnameInfo{MachineClass: "x86_64", NodeName: "vm", OSName: "Linux", OSRelease: "6.1.0-18-amd64",
		OSVersion: "#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)", ProcessorType: "x86_64"}, u)
	_, err = ParseUname([]byte("x86_64\n"))
	assert.Error(t, err)

	// uname -p printing nothing leaves the last line empty, not missing.
	u, err = ParseUname([]byte("x86_64\nvm\nLinux\n6.1.0\n#1 SMP\n\n"))
	require.NoError(t, err)
	assert.Equal(t, "x86_64", u.ProcessorType, "an empty processor type is the machine class")
}

func TestParseUnitList(t *testing.T) {
	units := "ssh.service loaded active running OpenBSD Secure Shell server\n" +
		"● bad.service not-found inactive dead bad.service\n" +
		"multi-user.target loaded active active Multi-User System\n" +
		"\n"
	assert.Equal(t, []string{"ssh.service", "bad.service", "multi-user.target"}, ParseUnitList([]byte(units)))
	files := "ssh.service enabled enabled\ngetty@.service enabled enabled\n"
	assert.Equal(t, []string{"ssh.service", "getty@.service"}, ParseUnitList([]byte(files)))
}

func TestParseSystemctlShow(t *testing.T) {
	out := "Id=multi-user.target\nRequires=basic.target\nWants=ssh.service cron.service\nDescription=Multi-User System\nAfter=\n\n" +
		"Id=basic.target\nRequires=sysinit.target\nWants=\nExecStart={ path=/bin/true ; argv[]=/bin/true }\n"
	got := ParseSystemctlShow([]byte(out))
	require.Len(t, got, 2)
	assert.Equal(t, map[string][]string{
		"Id":          {"multi-user.target"},
		"Requires":    {"basic.target"},
		"Wants":       {"ssh.service", "cron.service"},
		"Description": {"Multi-User System"},
		"After":       {},
	}, got[0])
	assert.Equal(t, []string{"{ path=/bin/true ; argv[]=/bin/true }"}, got[1]["ExecStart"])
}

func TestShellQuote(t *testing.T) {
	assert.Equal(t, `'a b'`, ShellQuote("a b"))
	assert.Equal(t, `'it'\''s; rm -rf /'`, ShellQuote("it's; rm -rf /"))
}
