package netconf

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/host"
)

func TestParseValues(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		key      string
		text     string
		list     []string
		rendered string
		line     int
		problems int
	}{
		{name: "word", src: "SQLNET.EXPIRE_TIME = 10\n", key: "SQLNET.EXPIRE_TIME", text: "10", rendered: "10", line: 1},
		{name: "names are case-insensitive", src: "sqlnet.expire_time=10", key: "SQLNET.EXPIRE_TIME", text: "10", rendered: "10", line: 1},
		{name: "comment after the value", src: "A = 1 # one\n", key: "A", text: "1", rendered: "1", line: 1},
		{name: "hash inside quotes is text", src: `A = "x # y"`, key: "A", text: "x # y", rendered: "x # y", line: 1},
		{name: "escaped hash", src: `A = x\#y`, key: "A", text: "x#y", rendered: "x#y", line: 1},
		{name: "single quotes", src: `A = 'a b'`, key: "A", text: "a b", rendered: "a b", line: 1},
		{name: "list", src: "NAMES.DIRECTORY_PATH= (TNSNAMES, EZCONNECT)", key: "names.directory_path", list: []string{"TNSNAMES", "EZCONNECT"}, rendered: "(TNSNAMES, EZCONNECT)", line: 1},
		{name: "list over continuation lines", src: "A = (x,\n   y,\n\tz)\n", key: "A", list: []string{"x", "y", "z"}, rendered: "(x, y, z)", line: 1},
		{name: "unparenthesized list", src: "A = x, y", key: "A", list: []string{"x", "y"}, rendered: "(x, y)", line: 1},
		{name: "empty value", src: "A =\nB = 1", key: "A", rendered: "", line: 1},
		{name: "later line wins", src: "A = 1\n\n# c\nA = 2\n", key: "A", text: "2", rendered: "2", line: 4},
		{name: "CRLF", src: "A = 1\r\nB = 2\r\n", key: "B", text: "2", rendered: "2", line: 2},
		{name: "words joined", src: "A = two words", key: "A", text: "two words", rendered: "two words", line: 1},
		{name: "equals inside a value", src: "EXTPROC_DLLS=ONLY:/a/x.so:/b/y.so", key: "EXTPROC_DLLS", text: "ONLY:/a/x.so:/b/y.so", rendered: "ONLY:/a/x.so:/b/y.so", line: 1},
		{name: "nested", src: "L = (DESCRIPTION = (ADDRESS = (PROTOCOL = TCP)(PORT = 1521)))", key: "L", rendered: "(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(PORT=1521)))", line: 1},
		{name: "nested in column one while a parenthesis is open",
			src: "L =\n(A =\n(B = 1))\nM = 2", key: "L", rendered: "(A=(B=1))", line: 1},
		{name: "bare name = value inside a group", src: "W = (SOURCE = (METHOD_DATA =\n DIRECTORY=/wallet))", key: "W", rendered: "(SOURCE=(METHOD_DATA=DIRECTORY=/wallet))", line: 1},
		{name: "missing close", src: "L = (A = 1", key: "L", rendered: "(A=1)", line: 1, problems: 1},
		{name: "stray close", src: "A = 1)\nB = 2", key: "B", text: "2", rendered: "2", line: 2, problems: 1},
		{name: "no equals", src: "JUNK\nB = 2", key: "B", text: "2", rendered: "2", line: 2, problems: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := Parse("t.ora", []byte(tc.src))
			assert.Len(t, f.Problems, tc.problems, "%v", f.Problems)
			p, ok := f.Lookup(tc.key)
			require.True(t, ok, "parameter %s", tc.key)
			assert.Equal(t, tc.text, p.Value.Text)
			assert.Equal(t, tc.list, p.Value.List)
			assert.Equal(t, tc.rendered, p.Value.String())
			assert.Equal(t, tc.line, p.Line)
			assert.Equal(t, "t.ora", p.File)
		})
	}
}

func TestParseTestdata(t *testing.T) {
	data, err := os.ReadFile("testdata/listener.ora")
	require.NoError(t, err)
	f := Parse("listener.ora", data)
	require.Empty(t, f.Problems)
	var keys []string
	for _, p := range f.Params {
		keys = append(keys, p.Key())
	}
	assert.Equal(t, []string{"CONNECTION_RATE_LISTENER", "LISTENER", "SID_LIST_LISTENER", "ADMIN_RESTRICTIONS_LISTENER"}, keys)

	l, ok := f.Lookup("listener")
	require.True(t, ok)
	addrs := l.Value.Find("ADDRESS")
	require.Len(t, addrs, 2)
	assert.Equal(t, "(PROTOCOL=TCPS)(HOST=db.example.com)(PORT=2484)(RATE_LIMIT=yes)", addrs[0].Value.String())
	assert.Equal(t, 6, addrs[0].Line)
	assert.Equal(t, 7, addrs[1].Line)
	protos := l.Value.Find("protocol")
	require.Len(t, protos, 2)
	assert.Equal(t, "IPC", protos[1].Value.Text)

	s, ok := f.Lookup("SID_LIST_LISTENER")
	require.True(t, ok)
	assert.Equal(t, "(SID_LIST=(SID_DESC=(SID_NAME=plsextproc)(ORACLE_HOME=/u01/app/oracle/product/12.1.0/dbhome_1)(PROGRAM=extproc)))", s.Value.String())
	a, ok := f.Lookup("ADMIN_RESTRICTIONS_LISTENER")
	require.True(t, ok)
	assert.Equal(t, 16, a.Line)
}

func TestReadFollowsIncludes(t *testing.T) {
	dir := "/u01/app/oracle/product/12.1.0/dbhome_1/network/admin"
	h := &fakeHost{files: map[string]string{}}
	for _, n := range []string{"sqlnet.ora", "sqlnet-site.ora"} {
		b, err := os.ReadFile("testdata/" + n)
		require.NoError(t, err)
		h.files[dir+"/"+n] = string(b)
	}
	c, err := Read(context.Background(), h, dir+"/sqlnet.ora")
	require.NoError(t, err)
	assert.Equal(t, []string{dir + "/sqlnet.ora", dir + "/sqlnet-site.ora"}, c.Files)
	require.Len(t, c.Problems, 1)
	assert.Contains(t, c.Problems[0].Error(), "sqlnet-site.ora:3: IFILE /etc/oracle/sqlnet.ora")

	p, ok := c.Lookup("sqlnet.expire_time")
	require.True(t, ok)
	assert.Equal(t, "5", p.Value.Text, "the included file's later setting wins")
	assert.Equal(t, dir+"/sqlnet-site.ora", p.File)

	p, ok = c.Lookup("SQLNET.ENCRYPTION_TYPES_SERVER")
	require.True(t, ok)
	assert.Equal(t, []string{"AES256", "AES192"}, p.Value.List)

	p, ok = c.Lookup("TCP.INVITED_NODES")
	require.True(t, ok)
	assert.Equal(t, []string{"10.0.0.5", "10.0.0.6", "db-admin.example.com"}, p.Value.Elements())

	p, ok = c.Lookup("WALLET_LOCATION")
	require.True(t, ok)
	d := p.Value.Find("DIRECTORY")
	require.Len(t, d, 1)
	assert.Equal(t, "/u01/app/oracle/wallet # not a comment", d[0].Value.Text)
}

func TestReadCycle(t *testing.T) {
	h := &fakeHost{files: map[string]string{
		"/n/a.ora": "A = 1\nIFILE = b.ora\nC = 3\n",
		"/n/b.ora": "B = 2\nIFILE = /n/a.ora\nIFILE = ./b.ora\n",
	}}
	c, err := Read(context.Background(), h, "/n/a.ora")
	require.NoError(t, err)
	assert.Equal(t, []string{"/n/a.ora", "/n/b.ora"}, c.Files)
	var keys []string
	for _, p := range c.Params {
		keys = append(keys, p.Key()+"="+p.Value.Text)
	}
	assert.Equal(t, []string{"A=1", "IFILE=b.ora", "B=2", "IFILE=/n/a.ora", "IFILE=./b.ora", "C=3"}, keys)
	require.Len(t, c.Problems, 2)
	for _, p := range c.Problems {
		assert.Contains(t, p.Msg, "already read")
	}
}

func TestReadMissing(t *testing.T) {
	_, err := Read(context.Background(), &fakeHost{files: map[string]string{}}, "/x/sqlnet.ora")
	require.Error(t, err)
	assert.True(t, errors.Is(err, fs.ErrNotExist))

	_, err = Read(context.Background(), host.Unavailable{Name: "db", Reason: "no SSH"}, "/x/sqlnet.ora")
	assert.True(t, errors.Is(err, host.ErrNotCollected))
}

func TestLocate(t *testing.T) {
	const home = "/u01/app/oracle/product/12.1.0/dbhome_1"
	proc := func(pid, comm string) map[string]string {
		return map[string]string{
			"/proc/" + pid + "/stat": pid + " (" + comm + ") S 1 " + pid + " " + pid + " 0 -1 4194304 0 0 0 0 1 1 0 0 20 0 1 0 100 1000 10",
		}
	}
	merge := func(ms ...map[string]string) map[string]string {
		out := map[string]string{"/proc/stat": "cpu 0\nbtime 1700000000\n"}
		for _, m := range ms {
			for k, v := range m {
				out[k] = v
			}
		}
		return out
	}
	tests := []struct {
		name  string
		h     *fakeHost
		loc   Locator
		want  Location
		errIs error
	}{
		{name: "configured tns_admin", h: &fakeHost{}, loc: Locator{TNSAdmin: "/etc/oracle/net/"},
			want: Location{Dir: "/etc/oracle/net", Source: "the target's tns_admin setting"}},
		{name: "configured oracle_home", h: &fakeHost{}, loc: Locator{OracleHome: home},
			want: Location{Dir: home + "/network/admin", OracleHome: home, Source: "the target's oracle_home setting"}},
		{name: "listener environment", h: &fakeHost{live: true, files: merge(proc("42", "tnslsnr"), map[string]string{
			"/proc/42/environ": "PATH=/bin\x00TNS_ADMIN=/etc/tns\x00ORACLE_HOME=" + home + "\x00"})},
			want: Location{Dir: "/etc/tns", OracleHome: home, Source: "TNS_ADMIN of process tnslsnr (pid 42)"}},
		{name: "pmon environment without TNS_ADMIN", h: &fakeHost{live: true, files: merge(proc("7", "ora_pmon_orcl"), map[string]string{
			"/proc/7/environ": "ORACLE_HOME=" + home + "\x00"})},
			want: Location{Dir: home + "/network/admin", OracleHome: home, Source: "ORACLE_HOME of process ora_pmon_orcl (pid 7)"}},
		{name: "listener executable when its environment is unreadable", h: &fakeHost{live: true, files: merge(proc("42", "tnslsnr")),
			links: map[string]string{"/proc/42/exe": home + "/bin/tnslsnr"}},
			want: Location{Dir: home + "/network/admin", OracleHome: home, Source: "the executable path of process tnslsnr (pid 42)"}},
		{name: "shell", h: &fakeHost{shell: "\n" + home + "\n"},
			want: Location{Dir: home + "/network/admin", OracleHome: home, Source: "ORACLE_HOME of the scanning account's shell"}},
		{name: "shell TNS_ADMIN", h: &fakeHost{shell: "/etc/tns\n" + home + "\n"},
			want: Location{Dir: "/etc/tns", OracleHome: home, Source: "TNS_ADMIN of the scanning account's shell"}},
		{name: "oratab", h: &fakeHost{files: map[string]string{"/etc/oratab": "# comment\n\norcl:" + home + ":N\nother:/x:Y\n"}},
			want: Location{Dir: home + "/network/admin", OracleHome: home, Source: "/etc/oratab"}},
		{name: "nothing found", h: &fakeHost{files: map[string]string{}}, errIs: host.ErrNotCollected},
		{name: "unavailable host", h: nil, errIs: ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var h host.Host = tc.h
			if tc.h == nil {
				h = host.Unavailable{Name: "db", Reason: "no SSH"}
			}
			got, err := Locate(context.Background(), h, tc.loc)
			if tc.errIs != nil {
				require.Error(t, err)
				assert.True(t, errors.Is(err, tc.errIs), "%v", err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.want.Dir+"/sqlnet.ora", got.File("sqlnet.ora"))
		})
	}
}

func TestParseOratab(t *testing.T) {
	assert.Equal(t, "/o/h", ParseOratab([]byte("#x\n  \n*:/o/h:N\n")))
	assert.Equal(t, "", ParseOratab([]byte("orcl:relative:Y\n")))
	assert.Equal(t, "", ParseOratab(nil))
}

func TestProblemsDoNotRepeatLongText(t *testing.T) {
	secret := strings.Repeat("s3cr3t", 20)
	f := Parse("t.ora", []byte(secret+"\n"))
	require.Len(t, f.Problems, 1)
	assert.NotContains(t, f.Problems[0].Error(), secret)
}
