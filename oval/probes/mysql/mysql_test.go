package mysql_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/local"
	"github.com/stigscan/stigscan/oval"
	"github.com/stigscan/stigscan/oval/probes/mysql"
)

// write puts files under dir (paths as on the target).
func write(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for p, data := range files {
		require.NoError(t, os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, p), []byte(data), 0o644))
	}
}

// root is an offline root holding files.
func root(t *testing.T, files map[string]string) (*local.Host, string) {
	t.Helper()
	dir := t.TempDir()
	write(t, dir, files)
	h, err := local.NewRoot(dir)
	require.NoError(t, err)
	return h, dir
}

const ns = `xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5" xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5" xmlns:my="` + mysql.Namespace + `"`

func document(object, state string) string {
	st, ref := "", ""
	if state != "" {
		st = `<states><my:mycnf_state id="oval:t:ste:1" version="1">` + state + `</my:mycnf_state></states>`
		ref = `<my:state state_ref="oval:t:ste:1"/>`
	}
	return `<?xml version="1.0"?>
<oval_definitions ` + ns + `>
<generator><oval:schema_version>5.11.2</oval:schema_version><oval:timestamp>2026-01-01T00:00:00</oval:timestamp></generator>
<definitions><definition id="oval:t:def:1" version="1" class="compliance"><metadata><title>t</title><description>t</description></metadata>
<criteria><criterion test_ref="oval:t:tst:1"/></criteria></definition></definitions>
<tests><my:mycnf_test id="oval:t:tst:1" version="1" comment="t" check="all" check_existence="at_least_one_exists"><my:object object_ref="oval:t:obj:1"/>` + ref + `</my:mycnf_test></tests>
<objects><my:mycnf_object id="oval:t:obj:1" version="1">` + object + `</my:mycnf_object></objects>` + st + `
</oval_definitions>`
}

func evaluate(t *testing.T, h host.Host, doc string, lim oval.Limits) *oval.Results {
	t.Helper()
	defs, err := oval.Parse(strings.NewReader(doc), "t.xml")
	require.NoError(t, err)
	p, err := oval.Prepare(defs, oval.Options{Probes: mysql.Probes(), Limits: lim})
	require.NoError(t, err)
	require.Empty(t, p.Problems())
	res, err := p.Evaluate(context.Background(), h, nil)
	require.NoError(t, err)
	return res
}

// collect evaluates one object and returns its flag, its items as
// "field=value ..." lines in item order, and its messages joined.
func collect(t *testing.T, h host.Host, object string) (string, []string, string) {
	t.Helper()
	res := evaluate(t, h, document(object, ""), oval.Limits{})
	require.Len(t, res.Objects, 1)
	obj := res.Objects[0]
	byID := map[int]*oval.Item{}
	for _, it := range res.Items {
		byID[it.ID] = it
	}
	var lines []string
	for _, id := range obj.ItemIDs {
		it := byID[id]
		assert.Equal(t, "mycnf_item", it.Type)
		var parts []string
		for _, f := range it.Fields {
			switch {
			case f.Name == "filepath" || f.Name == "loose" && f.Value == "false":
			case f.Status != "":
				parts = append(parts, f.Name+"("+f.Status+")")
			default:
				parts = append(parts, f.Name+"="+f.Value)
			}
		}
		lines = append(lines, strings.Join(parts, " "))
	}
	var msgs []string
	for _, m := range obj.Messages {
		msgs = append(msgs, m.Level+": "+m.Text)
	}
	return obj.Flag, lines, strings.Join(msgs, "\n")
}

func fp(p string) string { return `<my:filepath>` + p + `</my:filepath>` }

// The line syntax, as my_default.c reads it.
func TestParse(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		items []string
		note  string
	}{
		{name: "key=value with spaces around '=' and the value",
			file:  "[mysqld]\n  port   =   3306  \n",
			items: []string{"file=/my.cnf line=2 group=mysqld option=port value=3306"}},
		{name: "an option without a value, '-' read as '_'",
			file:  "[mysqld]\nskip-grant-tables\n",
			items: []string{"file=/my.cnf line=2 group=mysqld option=skip_grant_tables value(does not exist)"}},
		{name: "an empty value is a value",
			file:  "[mysqld]\nssl_ca=\n",
			items: []string{"file=/my.cnf line=2 group=mysqld option=ssl_ca value="}},
		{name: "'key value' is one option name, not a value",
			file:  "[mysqld]\nlocal_infile 0\n",
			items: []string{"file=/my.cnf line=2 group=mysqld option=local_infile 0 value(does not exist)"}},
		{name: "comments: '#' and ';' lines, '#' after a value, ';' after a value is text",
			file:  "# c\n; c\n[mysqld]\n   # indented\nport=3306 # the port\nuser=mysql ; not a comment\n",
			items: []string{"file=/my.cnf line=5 group=mysqld option=port value=3306", "file=/my.cnf line=6 group=mysqld option=user value=mysql ; not a comment"}},
		{name: "quotes keep '#', and are removed in pairs only",
			file: "[mysqld]\na=\"x # y\"\nb='q'\nc=\"unbalanced\nd='\ne=\"x\" # c\n",
			items: []string{"file=/my.cnf line=2 group=mysqld option=a value=x # y", "file=/my.cnf line=3 group=mysqld option=b value=q",
				"file=/my.cnf line=4 group=mysqld option=c value=\"unbalanced", "file=/my.cnf line=5 group=mysqld option=d value='", "file=/my.cnf line=6 group=mysqld option=e value=x"}},
		{name: "escape sequences, an unknown one kept, a trailing backslash kept",
			file:  "[mysqld]\na=x\\ty\\nz\\sw\\\\v\\qu\\\nb=\"it\\'s\"\n",
			items: []string{"file=/my.cnf line=2 group=mysqld option=a value=x\ty\nz w\\v\\qu\\", "file=/my.cnf line=3 group=mysqld option=b value=it's"}},
		{name: "the first '=' splits",
			file:  "[mysqld]\ninit_connect=SET a=1\n",
			items: []string{"file=/my.cnf line=2 group=mysqld option=init_connect value=SET a=1"}},
		{name: "loose- and loose_ prefixes, case of names kept",
			file: "[mariadb]\nloose-server-audit-logging=ON\nloose_simple_password_check_minimal_length=15\nPort=1\n",
			items: []string{"file=/my.cnf line=2 group=mariadb option=server_audit_logging loose=true value=ON",
				"file=/my.cnf line=3 group=mariadb option=simple_password_check_minimal_length loose=true value=15", "file=/my.cnf line=4 group=mariadb option=Port value=1"}},
		{name: "groups: case folded, trailing space removed, text after ']' ignored",
			file:  "[MySQLd ] # x\na=1\n[mysqld-10.11]\nb=2\n[client-server]\nc=3\n",
			items: []string{"file=/my.cnf line=2 group=mysqld option=a value=1", "file=/my.cnf line=4 group=mysqld-10.11 option=b value=2", "file=/my.cnf line=6 group=client-server option=c value=3"}},
		{name: "CRLF line ends",
			file:  "[mysqld]\r\nport = 3307\r\n",
			items: []string{"file=/my.cnf line=2 group=mysqld option=port value=3307"}},
		{name: "a NUL ends the line",
			file:  "[mysqld]\nport=3306\x00junk\n",
			items: []string{"file=/my.cnf line=2 group=mysqld option=port value=3306"}},
		{name: "unknown directives are ignored",
			file:  "!whatever x\n[mysqld]\na=1\n",
			items: []string{"file=/my.cnf line=3 group=mysqld option=a value=1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, _ := root(t, map[string]string{"/my.cnf": tc.file})
			flag, items, msgs := collect(t, h, fp("/my.cnf"))
			assert.Equal(t, "complete", flag, msgs)
			assert.Equal(t, tc.items, items)
			if tc.note != "" {
				assert.Contains(t, msgs, tc.note)
			}
		})
	}
}

// Files the server refuses to start on make the object an error that
// names file and line; the same problems in an included file end only
// that file, as the server reads on.
func TestRefused(t *testing.T) {
	tests := []struct{ name, file, want string }{
		{"option before any group", "port=3306\n[mysqld]\n", "/my.cnf:1: option without preceding group"},
		{"group without ']'", "[mysqld\nport=1\n", "/my.cnf:1: wrong group definition"},
		{"include without argument", "[mysqld]\n!include \n", "/my.cnf:2: wrong '!include' directive"},
		{"missing includedir", "[mysqld]\n!includedir /etc/none\n", "/my.cnf:2: !includedir /etc/none: cannot read the directory"},
		{"binary junk", "\x7fELF\x02\x01\x01\x00\x00\x00\n\xff\xfe[", "/my.cnf:1: option without preceding group"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, _ := root(t, map[string]string{"/my.cnf": tc.file, "/top.cnf": "[mysqld]\na=1\n!include /my.cnf\nb=2\n"})
			flag, _, msgs := collect(t, h, fp("/my.cnf"))
			assert.Equal(t, "error", flag)
			assert.Contains(t, msgs, "the server refuses to start")
			assert.Contains(t, msgs, tc.want)

			flag, items, msgs := collect(t, h, fp("/top.cnf"))
			assert.Equal(t, "complete", flag, msgs)
			assert.Contains(t, msgs, "warning: "+tc.want)
			assert.Contains(t, msgs, "the rest of this included file is not read")
			assert.Equal(t, "file=/top.cnf line=2 group=mysqld option=a value=1", items[0])
			assert.Equal(t, "file=/top.cnf line=4 group=mysqld option=b value=2", items[len(items)-1])
		})
	}
}

func TestIncludes(t *testing.T) {
	h, dir := root(t, map[string]string{
		"/etc/mysql/my.cnf":                         "[client-server]\nsocket=/run/mysqld/mysqld.sock\n!includedir /etc/mysql/conf.d/\n!includedir /etc/mysql/mariadb.conf.d\n!include /etc/mysql/absent.cnf\n!include relative.cnf\n",
		"/etc/mysql/conf.d/mysql.cnf":               "[mysql]\nx=1\n",
		"/etc/mysql/mariadb.conf.d/50.cnf":          "[mariadbd]\nlocal_infile=1\n",
		"/etc/mysql/mariadb.conf.d/60.cnf":          "[mariadbd]\nlocal_infile=0\n",
		"/etc/mysql/mariadb.conf.d/a.b.cnf":         "[mariadbd]\ndotted=1\n",
		"/etc/mysql/mariadb.conf.d/x.cnf.bak":       "[mariadbd]\nlocal_infile=1\n",
		"/etc/mysql/mariadb.conf.d/X.CNF":           "[mariadbd]\nlocal_infile=1\n",
		"/etc/mysql/mariadb.conf.d/d.cnf/inner.cnf": "[mariadbd]\ninner=1\n",
		"/etc/mysql/mariadb.conf.d/ww.cnf":          "[mariadbd]\nlocal_infile=1\n",
		"/last.cnf":                                 "[mysqld]\na=1\n!include /inc.cnf",
		"/inc.cn":                                   "[mysqld]\na=2\n",
		"/inc.cnf":                                  "[mysqld]\na=3\n",
	})
	require.NoError(t, os.Chmod(filepath.Join(dir, "etc/mysql/mariadb.conf.d/ww.cnf"), 0o666))

	flag, items, msgs := collect(t, h, ``)
	assert.Equal(t, "complete", flag, msgs)
	assert.Equal(t, []string{
		"file=/etc/mysql/my.cnf line=2 group=client-server option=socket value=/run/mysqld/mysqld.sock",
		"file=/etc/mysql/conf.d/mysql.cnf line=2 group=mysql option=x value=1",
		"file=/etc/mysql/mariadb.conf.d/50.cnf line=2 group=mariadbd option=local_infile value=1",
		"file=/etc/mysql/mariadb.conf.d/60.cnf line=2 group=mariadbd option=local_infile value=0",
		"file=/etc/mysql/mariadb.conf.d/a.b.cnf line=2 group=mariadbd option=dotted value=1",
	}, items, "sorted *.cnf files only (last extension, case-sensitive), no directories, no world-writable file")
	assert.Contains(t, msgs, "info: /etc/my.cnf: does not exist")
	assert.Contains(t, msgs, "info: /etc/mysql/absent.cnf: does not exist")
	assert.Contains(t, msgs, "relative.cnf: a relative path")
	assert.Contains(t, msgs, "ww.cnf: is world-writable")

	flag, items, _ = collect(t, h, fp("/etc/mysql/my.cnf")+`<my:option>local-infile</my:option>`)
	assert.Equal(t, "complete", flag)
	assert.Len(t, items, 2, "every setting, '-' equal to '_'")

	flag, items, _ = collect(t, h, `<my:behaviors server="mariadb"/>`+fp("/etc/mysql/my.cnf")+`<my:option>local_infile</my:option>`)
	assert.Equal(t, "complete", flag)
	assert.Equal(t, []string{"file=/etc/mysql/mariadb.conf.d/60.cnf line=2 group=mariadbd option=local_infile value=0"}, items, "the last setting is in effect")

	h2, _ := root(t, map[string]string{"/etc/my.cnf": "[mariadb]\nplugin_load_add=server_audit\nplugin-load-add=simple_password_check\nport=1\nport=2\n"})
	_, items, _ = collect(t, h2, `<my:behaviors server="mariadb"/>`)
	assert.Equal(t, []string{
		"file=/etc/my.cnf line=2 group=mariadb option=plugin_load_add value=server_audit",
		"file=/etc/my.cnf line=3 group=mariadb option=plugin_load_add value=simple_password_check",
		"file=/etc/my.cnf line=5 group=mariadb option=port value=2",
	}, items, "every setting of an option that accumulates is in effect")

	// The last line has no newline: the server drops the path's last
	// character and reads /inc.cn.
	_, items, _ = collect(t, h, `<my:behaviors server="mysql"/>`+fp("/last.cnf"))
	assert.Equal(t, []string{"file=/inc.cn line=2 group=mysqld option=a value=2"}, items)
}

// Include cycles: the server has no cycle check, only a depth of ten, so
// a file that includes itself is read eleven times; the items say each
// line once and the value in effect is the server's.
func TestCycles(t *testing.T) {
	h, _ := root(t, map[string]string{
		"/a.cnf":    "[mysqld]\nx=1\n!include /b.cnf\n",
		"/b.cnf":    "[mysqld]\nx=2\n!include /a.cnf\n",
		"/self.cnf": "[mysqld]\n!include /self.cnf\ny=1\n",
	})
	flag, items, msgs := collect(t, h, fp("/a.cnf"))
	assert.Equal(t, "complete", flag, msgs)
	assert.Equal(t, []string{"file=/a.cnf line=2 group=mysqld option=x value=1", "file=/b.cnf line=2 group=mysqld option=x value=2"}, items)
	assert.Contains(t, msgs, "skipped: the include depth of 10 is reached")

	// a0 b1 a2 ... a10: /a.cnf is read last, at depth ten.
	_, items, _ = collect(t, h, `<my:behaviors server="mysql"/>`+fp("/a.cnf"))
	assert.Equal(t, []string{"file=/a.cnf line=2 group=mysqld option=x value=1"}, items)

	_, items, _ = collect(t, h, fp("/self.cnf"))
	assert.Equal(t, []string{"file=/self.cnf line=3 group=mysqld option=y value=1"}, items)
}

// Hostile files are bounded and fail clearly.
func TestHostile(t *testing.T) {
	long := strings.Repeat("v", 5000)
	var many strings.Builder
	many.WriteString("[mysqld]\n")
	for range 10000 {
		many.WriteString("!include /many.cnf\n")
	}
	h, dir := root(t, map[string]string{
		"/fan.cnf":  "[mysqld]\n" + strings.Repeat("!include /fan.cnf\n", 20),
		"/long.cnf": "[mysqld]\nssl_cipher=" + long + "\n",
		"/many.cnf": many.String(),
		"/big.cnf":  "[mysqld]\n" + strings.Repeat("# padding\n", 2000),
		"/loop.cnf": "[mysqld]\n!include /l1.cnf\n",
	})
	require.NoError(t, os.Symlink("l2.cnf", filepath.Join(dir, "l1.cnf")))
	require.NoError(t, os.Symlink("/l1.cnf", filepath.Join(dir, "l2.cnf")))
	require.NoError(t, os.Symlink("l3.cnf", filepath.Join(dir, "l3.cnf")))

	t.Run("a line longer than the server's buffer", func(t *testing.T) {
		flag, items, msgs := collect(t, h, fp("/long.cnf"))
		assert.Equal(t, "complete", flag)
		require.Len(t, items, 2)
		assert.Equal(t, "file=/long.cnf line=2 group=mysqld option=ssl_cipher value="+long[:mysql.MaxLine-len("ssl_cipher=")], items[0])
		assert.Equal(t, "file=/long.cnf line=3 group=mysqld option="+long[mysql.MaxLine-len("ssl_cipher="):]+" value(does not exist)", items[1], "the rest is read as an option, as the server does")
		assert.Contains(t, msgs, "/long.cnf:2: line longer than 4094 bytes")
	})
	t.Run("ten thousand includes of itself", func(t *testing.T) {
		flag, _, msgs := collect(t, h, fp("/many.cnf"))
		assert.Equal(t, "error", flag)
		assert.Contains(t, msgs, "more than 16 MiB read in all")
		assert.Less(t, strings.Count(msgs, "\n"), 150, "problems are capped")
	})
	t.Run("twenty includes of itself, ten deep", func(t *testing.T) {
		flag, _, msgs := collect(t, h, fp("/fan.cnf"))
		assert.Equal(t, "error", flag)
		assert.Contains(t, msgs, "more than 1000 files opened")
	})
	t.Run("a symlink loop", func(t *testing.T) {
		flag, _, msgs := collect(t, h, fp("/loop.cnf"))
		assert.Equal(t, "error", flag)
		assert.Contains(t, msgs, "symbolic links")
		flag, _, msgs = collect(t, h, fp("/l3.cnf"))
		assert.Equal(t, "error", flag)
		assert.Contains(t, msgs, "l3.cnf")
	})
	t.Run("a file past the evaluation's cap", func(t *testing.T) {
		res := evaluate(t, h, document(fp("/big.cnf"), ""), oval.Limits{MaxFileBytes: 4096})
		require.Len(t, res.Objects, 1)
		assert.Equal(t, "error", res.Objects[0].Flag)
		assert.Contains(t, fmt.Sprint(res.Objects[0].Messages), "read cap of 4096 bytes")
	})
}

// The server behavior picks the groups each product reads.
func TestServerGroups(t *testing.T) {
	h, _ := root(t, map[string]string{"/etc/my.cnf": "[mysqld]\na=1\nb=1\nc=1\nd=1\n[server]\nb=2\n[mariadb]\nc=3\n[mariadb-10.11]\nd=4\n[mysqld-8.0]\nd=8\n[client]\nuser=x\n[galera]\ne=5\n"})
	tests := []struct {
		server string
		items  []string
		note   string
	}{
		{"mariadb", []string{"a=1", "d=1", "b=2", "c=3", "e=5"}, "group [mariadb-10.11] is read only by one server version"},
		{"mariadb-10.11", []string{"a=1", "b=2", "c=3", "d=4", "e=5"}, ""},
		{"mysql", []string{"a=1", "c=1", "d=1", "b=2"}, ""},
		{"mysql-8.0", []string{"a=1", "c=1", "b=2", "d=8"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.server, func(t *testing.T) {
			_, items, msgs := collect(t, h, `<my:behaviors server="`+tc.server+`"/>`)
			var got []string
			for _, it := range items {
				f := strings.Fields(it)
				got = append(got, strings.TrimPrefix(f[3], "option=")+"="+strings.TrimPrefix(f[4], "value="))
			}
			assert.Equal(t, tc.items, got)
			if tc.note != "" {
				assert.Contains(t, msgs, tc.note)
			}
		})
	}
	flag, _, msgs := collect(t, h, `<my:behaviors server="postgres"/>`)
	assert.Equal(t, "error", flag)
	assert.Contains(t, msgs, "neither mariadb")

	// Entities filter: group by pattern, file.
	_, items, _ := collect(t, h, `<my:group operation="pattern match">^mariadb</my:group><my:option operation="pattern match">^[cd]$</my:option>`)
	assert.Equal(t, []string{"file=/etc/my.cnf line=9 group=mariadb option=c value=3", "file=/etc/my.cnf line=11 group=mariadb-10.11 option=d value=4"}, items)
	_, items, _ = collect(t, h, `<my:file>/etc/other.cnf</my:file>`)
	assert.Empty(t, items)
	flag, _, _ = collect(t, h, `<my:filepath operation="pattern match">.*</my:filepath>`)
	assert.Equal(t, "error", flag)
}

// No start file at all: no item, so check_existence none_exist can say
// "no option file sets it".
func TestNoFiles(t *testing.T) {
	h, _ := root(t, map[string]string{"/etc/hostname": "x\n"})
	flag, items, msgs := collect(t, h, ``)
	assert.Equal(t, "does not exist", flag)
	assert.Empty(t, items)
	assert.Contains(t, msgs, "/etc/mysql/my.cnf: does not exist")
}

// A definition over the probe, end to end: the setting in effect for
// MariaDB passes or fails a state.
func TestDefinition(t *testing.T) {
	obj := `<my:behaviors server="mariadb"/><my:option>require_secure_transport</my:option>`
	state := `<my:value operation="case insensitive equals">ON</my:value>`
	for _, tc := range []struct {
		name, conf string
		want       oval.Result
	}{
		{"on in effect", "[mysqld]\nrequire_secure_transport=OFF\n[mariadbd]\nrequire-secure-transport = on\n", oval.True},
		{"turned off later", "[mariadbd]\nrequire_secure_transport=ON\n[server]\nrequire_secure_transport=OFF\n", oval.False},
		{"only for clients", "[client]\nrequire_secure_transport=ON\n", oval.False},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, _ := root(t, map[string]string{"/etc/mysql/my.cnf": tc.conf})
			res := evaluate(t, h, document(obj, state), oval.Limits{})
			d := res.Definition("oval:t:def:1")
			require.NotNil(t, d)
			assert.Equal(t, tc.want, d.Result)
		})
	}
}

// The example of docs/oval-mysql.md.
func TestDocExample(t *testing.T) {
	obj := `<my:behaviors server="mariadb"/><my:option>local_infile</my:option>`
	state := `<my:value operation="pattern match">(?i)^(0|off|false)$</my:value>`
	for conf, want := range map[string]oval.Result{
		"[mariadb]\nlocal-infile = OFF\n": oval.True,
		"[mysqld]\nlocal_infile\n":        oval.False, // no value: ON
		"[client]\nlocal_infile=0\n":      oval.False, // not the server's group: no item
	} {
		h, _ := root(t, map[string]string{"/etc/my.cnf": conf})
		d := evaluate(t, h, document(obj, state), oval.Limits{}).Definition("oval:t:def:1")
		require.NotNil(t, d)
		assert.Equal(t, want, d.Result, conf)
	}
}

// The machine's own Debian layout, when mariadb-server (or its
// configuration package) is installed.
func TestDebianLayout(t *testing.T) {
	if _, err := os.Stat("/etc/mysql/mariadb.conf.d/50-server.cnf"); err != nil {
		t.Skipf("Debian's MariaDB server configuration is not on this machine (%v): install mariadb-server to read its layout", err)
	}
	flag, items, msgs := collect(t, local.New(), `<my:behaviors server="mariadb"/>`)
	t.Logf("flag %s, %d items\n%s\n%s", flag, len(items), strings.Join(items, "\n"), msgs)
	require.Equal(t, "complete", flag, msgs)
	var files []string
	for _, it := range items {
		files = append(files, strings.Fields(it)[0])
	}
	assert.Contains(t, strings.Join(files, " "), "/etc/mysql/mariadb.conf.d/50-server.cnf", "Debian's server settings are in mariadb.conf.d, reached through the my.cnf symlink and two !includedir")
}

// The probe plans the start files it knows, so a remote host fetches
// them ahead; included files are known only once these are read.
func TestPlanFiles(t *testing.T) {
	pl, ok := mysql.Probes()["mysql:mycnf_object"].(oval.FilePlanner)
	require.True(t, ok)
	stat, read := pl.PlanFiles(&oval.Object{Type: "mycnf_object"})
	assert.Equal(t, mysql.DefaultFiles(), read)
	assert.Equal(t, mysql.DefaultFiles(), stat)
	_, read = pl.PlanFiles(&oval.Object{Type: "mycnf_object", Entities: []*oval.Entity{{Name: "filepath", Value: "/etc/my.cnf.d/server.cnf"}}})
	assert.Equal(t, []string{"/etc/my.cnf.d/server.cnf"}, read)
}

// A database target whose machine cannot be read gives "not collected"
// with the reason, never "does not exist" (which a check could take for
// "no file sets it").
func TestUnavailable(t *testing.T) {
	h := host.Unavailable{Name: "mysql://scanner@db:3306/", Reason: "no SSH or files host given for the server machine"}
	flag, items, msgs := collect(t, h, `<my:behaviors server="mariadb"/><my:option>local_infile</my:option>`)
	assert.Equal(t, "not collected", flag)
	assert.Empty(t, items)
	assert.Contains(t, msgs, "no SSH or files host given")
}

// server is a target that says which server it is, as
// collectors/mysql.Target does.
type server struct {
	host.Host
	product, version string
}

func (s server) Product() string       { return s.product }
func (s server) ServerVersion() string { return s.version }

// The target's version adds its groups; "target" takes product and
// version from it.
func TestServerFromTarget(t *testing.T) {
	files, _ := root(t, map[string]string{"/etc/my.cnf": "[mysqld]\nd=1\n[mariadb-10.11]\nd=4\n[mysqld-8.0]\nd=8\n"})
	maria := server{files, "MariaDB", "10.11.19-MariaDB-0+deb12u1"}
	mysql8 := server{files, "MySQL", "8.0.36"}
	tests := []struct {
		name   string
		h      host.Host
		server string
		flag   string
		value  string
		note   string
	}{
		{"mariadb on a MariaDB target", maria, "mariadb", "complete", "4", ""},
		{"target on MariaDB", maria, "target", "complete", "4", ""},
		{"target on MySQL", mysql8, "target", "complete", "8", ""},
		{"mysql on a MariaDB target: no version", maria, "mysql", "complete", "1", "but the target is MariaDB 10.11.19"},
		{"an explicit version wins", mysql8, "mysql-5.7", "complete", "1", ""},
		{"target on a plain host", files, "target", "not collected", "", "does not say which server it is"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			flag, items, msgs := collect(t, tc.h, `<my:behaviors server="`+tc.server+`"/><my:option>d</my:option>`)
			assert.Equal(t, tc.flag, flag, msgs)
			if tc.value != "" {
				require.Len(t, items, 1)
				assert.Contains(t, items[0], "value="+tc.value)
			}
			if tc.note != "" {
				assert.Contains(t, msgs, tc.note)
			}
		})
	}
}
