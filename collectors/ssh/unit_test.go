package ssh

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/host"
)

// hostileNames are file names chosen to break naive shell quoting or
// line-based parsing.
var hostileNames = []string{
	"plain",
	"sp ace",
	"quote'd",
	"''",
	"'",
	`double"quote`,
	"new\nline",
	"trailing-newline\n",
	"\nleading-newline",
	"$(touch PWNED)",
	"`touch PWNED`",
	"${HOME}",
	"semi;colon&amp|pipe",
	"glob*?[a]",
	"*",
	"-",
	"--",
	"-rf",
	"tab\there",
	"back\\slash",
	"ctl\x01\x7f",
	"ends with ->",
	"a -> b",
	" leading space",
	"trailing space ",
	"ümlaut-日本",
	"%s%n%x",
	"\\0\\n",
}

func TestQuoteRoundTripsThroughSh(t *testing.T) {
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("no /bin/sh to check quoting against")
	}
	dir := t.TempDir()
	for _, s := range hostileNames {
		t.Run(fmt.Sprintf("%q", s), func(t *testing.T) {
			out, err := exec.Command("/bin/sh", "-c", "cd "+Quote(dir)+" && printf '%s' "+Quote(s)).Output()
			require.NoError(t, err)
			assert.Equal(t, s, string(out))
		})
	}
	_, err := os.Stat(filepath.Join(dir, "PWNED"))
	assert.ErrorIs(t, err, fs.ErrNotExist, "a quoted name ran a command")
}

func FuzzQuote(f *testing.F) {
	for _, s := range hostileNames {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.IndexByte(s, 0) >= 0 {
			t.Skip("NUL cannot reach a shell")
		}
		out, err := exec.Command("/bin/sh", "-c", "printf '%s' "+Quote(s)).Output()
		require.NoError(t, err)
		assert.Equal(t, s, string(out))
	})
}

func TestParseTarget(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Target
		wantErr error
		errText string
	}{
		{name: "user host", in: "ssh://root@server", want: Target{User: "root", Host: "server"}},
		{name: "port", in: "ssh://admin@10.0.0.5:2222", want: Target{User: "admin", Host: "10.0.0.5", Port: 2222}},
		{name: "ipv6", in: "ssh://u@[::1]:22", want: Target{User: "u", Host: "::1", Port: 22}},
		{name: "ipv6 no port", in: "ssh://u@[fe80::1]", want: Target{User: "u", Host: "fe80::1"}},
		{name: "no user", in: "ssh://server.example", want: Target{Host: "server.example"}},
		{name: "trailing slash", in: "SSH://u@h/", want: Target{User: "u", Host: "h"}},
		{name: "password refused", in: "ssh://u:hunter2secret@h", wantErr: ErrPasswordInTarget},
		{name: "empty password refused", in: "ssh://u:@h", wantErr: ErrPasswordInTarget},
		{name: "wrong scheme", in: "http://u@h", errText: "ssh://user@host"},
		{name: "bare", in: "u@h", errText: "ssh://user@host"},
		{name: "path", in: "ssh://u@h/etc", errText: "no path"},
		{name: "query", in: "ssh://u@h?x=1", errText: "no path"},
		{name: "bad port", in: "ssh://u@h:0", errText: "invalid port"},
		{name: "port too big", in: "ssh://u@h:70000", errText: "invalid port"},
		{name: "unbracketed ipv6", in: "ssh://u@::1", errText: "brackets"},
		{name: "brackets not ip", in: "ssh://u@[host]:22", errText: "not an IP"},
		{name: "empty host", in: "ssh://u@", errText: "invalid host"},
		{name: "space in user", in: "ssh://a b@h", errText: "invalid user"},
		{name: "newline in host", in: "ssh://u@h\nx", errText: "invalid host"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTarget(tt.in)
			switch {
			case tt.wantErr != nil:
				require.ErrorIs(t, err, tt.wantErr)
				assert.NotContains(t, err.Error(), "hunter2secret")
			case tt.errText != "":
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.errText)
			default:
				require.NoError(t, err)
				assert.Equal(t, tt.want, got)
				back, err := ParseTarget(got.String())
				require.NoError(t, err, "String() must parse back")
				assert.Equal(t, got, back)
			}
		})
	}
}

func TestSecretNeverPrints(t *testing.T) {
	const value = "s3cr3t-Value-42"
	path := filepath.Join(t.TempDir(), "pw")
	require.NoError(t, os.WriteFile(path, []byte(value+"\n"), 0o600))
	s, err := SecretFromFile(path)
	require.NoError(t, err)
	require.Equal(t, value, s.Reveal(), "one trailing newline is dropped")

	t.Setenv("STIGSCAN_TEST_SECRET", value)
	e, err := SecretFromEnv("STIGSCAN_TEST_SECRET")
	require.NoError(t, err)
	require.Equal(t, value, e.Reveal())

	cfg := Config{User: "u", Password: s, KeyPassphrase: e}
	type wrapper struct {
		inner Config // unexported: fmt cannot call methods through it
	}
	var forms []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T"} {
		forms = append(forms,
			fmt.Sprintf(verb, s), fmt.Sprintf(verb, &s), fmt.Sprintf(verb, cfg),
			fmt.Sprintf(verb, &cfg), fmt.Sprintf(verb, wrapper{cfg}))
	}
	j, err := json.Marshal(cfg)
	require.NoError(t, err)
	forms = append(forms, string(j), s.String(), s.GoString())
	var logs strings.Builder
	log := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	log.Info("cfg", "cfg", cfg, "secret", s)
	slog.New(slog.NewTextHandler(&logs, nil)).Info("cfg", "cfg", cfg, "secret", s)
	forms = append(forms, logs.String())
	for _, f := range forms {
		assert.NotContains(t, f, value)
		assert.NotContains(t, f, fmt.Sprintf("%x", value))
	}
	assert.Equal(t, "[redacted]", fmt.Sprint(s))
	assert.Equal(t, `"[redacted]"`, string(must(json.Marshal(s))))

	_, err = SecretFromEnv("STIGSCAN_TEST_UNSET_VARIABLE")
	assert.ErrorContains(t, err, "STIGSCAN_TEST_UNSET_VARIABLE")
	empty := filepath.Join(t.TempDir(), "empty")
	require.NoError(t, os.WriteFile(empty, []byte("\n"), 0o600))
	_, err = SecretFromFile(empty)
	assert.ErrorContains(t, err, "empty")
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestUnixMode(t *testing.T) {
	tests := []struct {
		name string
		raw  uint32
		want fs.FileMode
	}{
		{name: "regular", raw: 0o100644, want: 0o644},
		{name: "dir", raw: 0o040755, want: fs.ModeDir | 0o755},
		{name: "symlink", raw: 0o120777, want: fs.ModeSymlink | 0o777},
		{name: "setuid", raw: 0o104755, want: fs.ModeSetuid | 0o755},
		{name: "setgid dir", raw: 0o042775, want: fs.ModeDir | fs.ModeSetgid | 0o775},
		{name: "sticky", raw: 0o041777, want: fs.ModeDir | fs.ModeSticky | 0o777},
		{name: "char", raw: 0o020666, want: fs.ModeDevice | fs.ModeCharDevice | 0o666},
		{name: "block", raw: 0o060660, want: fs.ModeDevice | 0o660},
		{name: "fifo", raw: 0o010600, want: fs.ModeNamedPipe | 0o600},
		{name: "socket", raw: 0o140755, want: fs.ModeSocket | 0o755},
		{name: "unknown type", raw: 0o070000, want: fs.ModeIrregular},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, unixMode(tt.raw))
		})
	}
}

func TestParseUnixTime(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Time
		wantErr bool
	}{
		{in: "1700000000.123456789", want: time.Unix(1700000000, 123456789)},
		{in: "1700000000", want: time.Unix(1700000000, 0)},
		{in: "1700000000.5", want: time.Unix(1700000000, 500000000)},
		{in: "0.000000000", want: time.Unix(0, 0)},
		{in: "-1.500000000", want: time.Unix(-2, 500000000)},
		{in: "1700000000.1234567891", want: time.Unix(1700000000, 123456789)},
		{in: "abc", wantErr: true},
		{in: "1.x", wantErr: true},
		{in: "", wantErr: true},
		{in: "--1", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseUnixTime(tt.in)
			if tt.wantErr {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.True(t, tt.want.Equal(got), "want %v got %v", tt.want, got)
			assert.Equal(t, time.UTC, got.Location())
		})
	}
}

func TestReadStatRecord(t *testing.T) {
	h := &Host{name: "u@h:22"}
	tests := []struct {
		name    string
		in      string
		want    host.FileInfo
		wantIs  error
		wantErr bool
	}{
		{
			name: "file",
			in:   "K\x0081a4 0 42 1234 1.5 2.000000000 3.000000000 1970-01-01 00:00:01.500000000 +0000 1970-01-01 00:00:02.000000000 +0000 1970-01-01 00:00:03.000000000 +0000\x00",
			want: host.FileInfo{Path: "/p", Mode: 0o644, GID: 42, Size: 1234, ATime: time.Unix(1, 5e8).UTC(), MTime: time.Unix(2, 0).UTC(), CTime: time.Unix(3, 0).UTC()},
		},
		{
			// BusyBox: %.9X is whole seconds, %x has the nanoseconds
			// (in the target's time zone); a time before 1970 is
			// printed unsigned.
			name: "busybox",
			in:   "K\x0081a4 0 42 1234 1700000000 18446744073709551615 5 2023-11-14 23:13:20.123456789 +0100 1969-12-31 23:59:59.500000000 +0000 1970-01-01 00:00:05 +0000\x00",
			want: host.FileInfo{Path: "/p", Mode: 0o644, GID: 42, Size: 1234, ATime: time.Unix(1700000000, 123456789).UTC(), MTime: time.Unix(-1, 5e8).UTC(), CTime: time.Unix(5, 0).UTC()},
		},
		{
			name: "date that does not parse keeps the seconds",
			in:   "K\x0081a4 0 0 1 7 8 9 ? ? ? 2016-12-31 23:59:60.000000000 +0000 x y z\x00",
			want: host.FileInfo{Path: "/p", Mode: 0o644, Size: 1, ATime: time.Unix(7, 0).UTC(), MTime: time.Unix(8, 0).UTC(), CTime: time.Unix(9, 0).UTC()},
		},
		{
			name: "symlink with newline in target",
			in:   "L\x00a1ff 0 0 5 1.000000000 1.000000000 1.000000000 1970-01-01 00:00:01.000000000 +0000 1970-01-01 00:00:01.000000000 +0000 1970-01-01 00:00:01.000000000 +0000\x00tar\nget\n\x00",
			want: host.FileInfo{Path: "/p", Mode: fs.ModeSymlink | 0o777, Size: 5, ATime: time.Unix(1, 0).UTC(), MTime: time.Unix(1, 0).UTC(), CTime: time.Unix(1, 0).UTC(), Target: "tar\nget\n"},
		},
		{name: "missing", in: "E\x00stat: cannot statx '/p': No such file or directory\x00", wantIs: fs.ErrNotExist},
		{name: "enotdir", in: "E\x00stat: cannot statx '/p/x': Not a directory\x00", wantIs: fs.ErrNotExist},
		{name: "denied", in: "E\x00stat: cannot statx '/p': Permission denied\x00", wantIs: fs.ErrPermission},
		{name: "truncated", in: "K\x0081a4 0 0", wantErr: true},
		{name: "short line", in: "K\x0081a4 0 0\x00", wantErr: true},
		{name: "bad code", in: "Z\x00", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := fieldReader{b: []byte(tt.in)}
			got, err := h.readStatRecord(&r, "/p")
			if tt.wantErr {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			if tt.wantIs != nil {
				assert.ErrorIs(t, got.Err, tt.wantIs)
				assert.Contains(t, got.Err.Error(), "u@h:22")
				return
			}
			assert.Equal(t, tt.want, got)
			assert.True(t, r.done())
		})
	}
}

func FuzzReadStatRecord(f *testing.F) {
	f.Add([]byte("K\x0081a4 0 42 1234 1.5 2 3 1970-01-01 00:00:01.000000000 +0000 1970-01-01 00:00:01.000000000 +0000 1970-01-01 00:00:01.000000000 +0000\x00"))
	f.Add([]byte("L\x00a1ff 0 0 5 1 1 1 1970-01-01 00:00:01.000000000 +0000 1970-01-01 00:00:01.000000000 +0000 1970-01-01 00:00:01.000000000 +0000\x00t\x00"))
	f.Add([]byte("E\x00x: Permission denied\x00"))
	f.Add([]byte("K\x00zz -1 x 1 1 1 1\x00"))
	h := &Host{name: "fuzz"}
	f.Fuzz(func(t *testing.T, b []byte) {
		r := fieldReader{b: b}
		for i := 0; i < 4 && !r.done(); i++ {
			if _, err := h.readStatRecord(&r, "/p"); err != nil {
				return
			}
		}
		_ = untar(b)
	})
}

func TestClassify(t *testing.T) {
	tests := []struct {
		msg  string
		is   error
		text string
	}{
		{msg: "cat: /x: No such file or directory\n", is: fs.ErrNotExist, text: "No such file or directory"},
		{msg: "cat: '/a: b': Permission denied", is: fs.ErrPermission, text: "Permission denied"},
		{msg: "stat: cannot statx '/etc/passwd/x': Not a directory", is: fs.ErrNotExist, text: "Not a directory"},
		{msg: "cat: /x: Is a directory", text: "Is a directory"},
		{msg: "", text: "unknown error"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			err := classify(tt.msg)
			assert.Equal(t, tt.text, err.Error())
			if tt.is != nil {
				assert.ErrorIs(t, err, tt.is)
			} else {
				assert.False(t, errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission))
			}
		})
	}
}

func TestParseFacts(t *testing.T) {
	got := parseFacts(map[string]string{
		"hostname": "web1\n",
		"fqdn":     "web1.example.org",
		"addr": "1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever\n" +
			"1: lo    inet6 ::1/128 scope host \\       valid_lft forever preferred_lft forever\n" +
			"4: eth0    inet 192.0.2.2/24 brd 192.0.2.255 scope global eth0\\       valid_lft forever\n" +
			"4: eth0    inet6 fe80::fc:ff:fe00:1/64 scope link \\       valid_lft forever\n" +
			"5: eth1    inet 10.0.0.1/8 scope global eth1\n",
		"mac": "02:fc:00:00:00:01\n00:00:00:00:00:00\nAE:E7:4E:5C:83:9C\n02:fc:00:00:00:01\n",
		"os":  "NAME=\"Debian GNU/Linux\"\n# comment\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nVERSION_ID=\"12\"\n",
	})
	assert.Equal(t, host.Facts{
		Hostname: "web1",
		FQDN:     "web1.example.org",
		IPv4:     []string{"10.0.0.1", "127.0.0.1", "192.0.2.2"},
		IPv6:     []string{"::1", "fe80::fc:ff:fe00:1"},
		MACs:     []string{"02:fc:00:00:00:01", "ae:e7:4e:5c:83:9c"},
		OS:       "Debian GNU/Linux 12 (bookworm)",
	}, got)

	tests := []struct {
		name, osRelease, uname, want string
	}{
		{name: "name and version", osRelease: "NAME='Alpine Linux'\nVERSION=3.19\n", want: "Alpine Linux 3.19"},
		{name: "escapes", osRelease: `PRETTY_NAME="A \"quoted\" \$name"`, want: `A "quoted" $name`},
		{name: "uname fallback", uname: "Linux h 6.1.0 x86_64", want: "Linux 6.1.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := parseFacts(map[string]string{"hostname": "h", "os": tt.osRelease, "uname": tt.uname})
			assert.Equal(t, tt.want, f.OS)
			assert.Equal(t, "h", f.FQDN, "FQDN falls back to the hostname")
		})
	}
}

func TestParseUnameFacts(t *testing.T) {
	u, err := parseUnameFacts(map[string]string{
		"uname":  "Linux web1 6.1.0-18-amd64 x86_64\n",
		"unamev": "#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)\n",
		"unamep": "unknown\n",
	})
	require.NoError(t, err)
	assert.Equal(t, host.UnameInfo{
		MachineClass:  "x86_64",
		NodeName:      "web1",
		OSName:        "Linux",
		OSRelease:     "6.1.0-18-amd64",
		OSVersion:     "#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)",
		ProcessorType: "x86_64", // "unknown" gives the machine class, as OpenSCAP does
	}, u)

	_, err = parseUnameFacts(map[string]string{"uname": "Linux"})
	assert.ErrorContains(t, err, "want 4 words from uname -snrm")
}
