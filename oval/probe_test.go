package oval

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// doc builds a definitions document with one definition per test id.
func doc(tests, objects, states, variables string, testIDs ...string) string {
	var defs strings.Builder
	for i, id := range testIDs {
		fmt.Fprintf(&defs, `<definition id="oval:t:def:%d" version="1" class="compliance"><criteria><criterion test_ref="%s"/></criteria></definition>`, i+1, id)
	}
	return `<oval_definitions xmlns="` + nsDef + `" xmlns:ind="` + nsDef + `#independent" xmlns:unix="` + nsDef + `#unix" xmlns:lin="` + nsDef + `#linux" xmlns:xsi="` + nsXSI + `">
<definitions>` + defs.String() + `</definitions><tests>` + tests + `</tests><objects>` + objects + `</objects><states>` + states + `</states>` +
		func() string {
			if variables == "" {
				return ""
			}
			return "<variables>" + variables + "</variables>"
		}() + `</oval_definitions>`
}

func evalDoc(t *testing.T, h *memHost, d string) (*Results, map[string]*TestResult, map[string]*CollectedObject) {
	t.Helper()
	defs, err := Parse(strings.NewReader(d), "probe.xml")
	require.NoError(t, err)
	p, err := Prepare(defs, Options{})
	require.NoError(t, err)
	r, err := p.Evaluate(context.Background(), h, nil)
	require.NoError(t, err)
	tests := map[string]*TestResult{}
	for _, tr := range r.Tests {
		tests[tr.ID] = tr
	}
	objs := map[string]*CollectedObject{}
	for _, o := range r.Objects {
		objs[o.ID] = o
	}
	return r, tests, objs
}

func itemsOf(r *Results, o *CollectedObject) []*Item {
	byID := map[int]*Item{}
	for _, it := range r.Items {
		byID[it.ID] = it
	}
	var out []*Item
	for _, id := range o.ItemIDs {
		out = append(out, byID[id])
	}
	return out
}

func fieldValues(items []*Item, name string) []string {
	var out []string
	for _, it := range items {
		for _, f := range it.field(name) {
			out = append(out, f.Value)
		}
	}
	return out
}

func TestFileProbes(t *testing.T) {
	h := newMemHost(map[string]string{
		"/etc/ssh/sshd_config":          "# comment\nPermitRootLogin no\nX11Forwarding yes\n",
		"/etc/ssh/sshd_config.d/a.conf": "PermitRootLogin yes\n",
		"/etc/audit/rules.d/a.rules":    "-w /etc/passwd -p wa -k identity\n",
		"/etc/audit/rules.d/b.rules":    "-w /etc/group -p wa -k identity\n",
		"/etc/audit/rules.d/c.txt":      "-w /etc/shadow\n",
		"/etc/app/conf.xml":             `<conf><port>22</port><port>2222</port><user name="root"/></conf>`,
		"/etc/deep/a/b/c/file":          "x\n",
	})
	tests := []struct {
		name   string
		object string
		want   map[string][]string // field → values over all items
		flag   string
	}{
		{name: "tfc54 multiline with subexpression",
			object: `<ind:textfilecontent54_object id="oval:t:obj:1" version="1"><ind:filepath>/etc/ssh/sshd_config</ind:filepath><ind:pattern operation="pattern match">^PermitRootLogin\s+(\w+)$</ind:pattern><ind:instance datatype="int" operation="greater than or equal">1</ind:instance></ind:textfilecontent54_object>`,
			want:   map[string][]string{"subexpression": {"no"}, "instance": {"1"}}, flag: FlagComplete},
		{name: "tfc54 pattern path walk",
			object: `<ind:textfilecontent54_object id="oval:t:obj:1" version="1"><ind:filepath operation="pattern match">^/etc/audit/rules\.d/.*\.rules$</ind:filepath><ind:pattern operation="pattern match">-k\s+(\S+)</ind:pattern><ind:instance datatype="int">1</ind:instance></ind:textfilecontent54_object>`,
			want:   map[string][]string{"filepath": {"/etc/audit/rules.d/a.rules", "/etc/audit/rules.d/b.rules"}, "subexpression": {"identity", "identity"}}, flag: FlagComplete},
		{name: "tfc54 singleline spans lines",
			object: `<ind:textfilecontent54_object id="oval:t:obj:1" version="1"><ind:behaviors singleline="true" multiline="false"/><ind:path>/etc/ssh</ind:path><ind:filename>sshd_config</ind:filename><ind:pattern operation="pattern match">no.X11Forwarding (\w+)</ind:pattern><ind:instance datatype="int">1</ind:instance></ind:textfilecontent54_object>`,
			want:   map[string][]string{"subexpression": {"yes"}, "path": {"/etc/ssh"}}, flag: FlagComplete},
		{name: "tfc54 second instance only",
			object: `<ind:textfilecontent54_object id="oval:t:obj:1" version="1"><ind:filepath>/etc/ssh/sshd_config</ind:filepath><ind:pattern operation="pattern match">^\w+</ind:pattern><ind:instance datatype="int">2</ind:instance></ind:textfilecontent54_object>`,
			want:   map[string][]string{"text": {"X11Forwarding"}}, flag: FlagComplete},
		{name: "tfc54 missing file",
			object: `<ind:textfilecontent54_object id="oval:t:obj:1" version="1"><ind:filepath>/etc/nope</ind:filepath><ind:pattern operation="pattern match">.</ind:pattern><ind:instance datatype="int">1</ind:instance></ind:textfilecontent54_object>`,
			flag:   FlagDoesNotExist},
		{name: "textfilecontent line",
			object: `<ind:textfilecontent_object id="oval:t:obj:1" version="1"><ind:path>/etc/ssh</ind:path><ind:filename>sshd_config</ind:filename><ind:line operation="pattern match">^X11Forwarding</ind:line></ind:textfilecontent_object>`,
			want:   map[string][]string{"text": {"X11Forwarding yes"}}, flag: FlagComplete},
		{name: "file filename pattern",
			object: `<unix:file_object id="oval:t:obj:1" version="1"><unix:path>/etc/audit/rules.d</unix:path><unix:filename operation="pattern match">\.rules$</unix:filename></unix:file_object>`,
			want:   map[string][]string{"filename": {"a.rules", "b.rules"}, "type": {"regular", "regular"}}, flag: FlagComplete},
		{name: "file directory only with nil filename",
			object: `<unix:file_object id="oval:t:obj:1" version="1"><unix:path>/etc/ssh</unix:path><unix:filename xsi:nil="true"/></unix:file_object>`,
			want:   map[string][]string{"path": {"/etc/ssh"}, "type": {"directory"}}, flag: FlagComplete},
		{name: "file recurse down with max depth",
			object: `<unix:file_object id="oval:t:obj:1" version="1"><unix:behaviors recurse_direction="down" max_depth="2"/><unix:path>/etc/deep</unix:path><unix:filename xsi:nil="true"/></unix:file_object>`,
			want:   map[string][]string{"path": {"/etc/deep", "/etc/deep/a", "/etc/deep/a/b"}}, flag: FlagComplete},
		{name: "file recurse up",
			object: `<unix:file_object id="oval:t:obj:1" version="1"><unix:behaviors recurse_direction="up" max_depth="2"/><unix:path>/etc/deep/a/b</unix:path><unix:filename xsi:nil="true"/></unix:file_object>`,
			want:   map[string][]string{"path": {"/etc/deep/a/b", "/etc/deep/a", "/etc/deep"}}, flag: FlagComplete},
		{name: "file path pattern",
			object: `<unix:file_object id="oval:t:obj:1" version="1"><unix:path operation="pattern match">^/etc/ssh(/sshd_config\.d)?$</unix:path><unix:filename operation="pattern match">conf</unix:filename></unix:file_object>`,
			want:   map[string][]string{"filepath": nil, "filename": {"sshd_config", "a.conf"}}, flag: FlagComplete},
		{name: "xmlfilecontent xpath",
			object: `<ind:xmlfilecontent_object id="oval:t:obj:1" version="1"><ind:filepath>/etc/app/conf.xml</ind:filepath><ind:xpath>/conf/port/text()</ind:xpath></ind:xmlfilecontent_object>`,
			want:   map[string][]string{"value_of": {"22", "2222"}}, flag: FlagComplete},
		{name: "xmlfilecontent attribute",
			object: `<ind:xmlfilecontent_object id="oval:t:obj:1" version="1"><ind:filepath>/etc/app/conf.xml</ind:filepath><ind:xpath>//user/@name</ind:xpath></ind:xmlfilecontent_object>`,
			want:   map[string][]string{"value_of": {"root"}}, flag: FlagComplete},
		{name: "xmlfilecontent count",
			object: `<ind:xmlfilecontent_object id="oval:t:obj:1" version="1"><ind:filepath>/etc/app/conf.xml</ind:filepath><ind:xpath>count(//port)</ind:xpath></ind:xmlfilecontent_object>`,
			want:   map[string][]string{"value_of": {"2"}}, flag: FlagComplete},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			typ := tc.object[1:strings.IndexAny(tc.object, " >")]
			testEl := strings.Replace(typ, "_object", "_test", 1)
			d := doc(`<`+testEl+` id="oval:t:tst:1" version="1" check="all" check_existence="any_exist"><ind:object object_ref="oval:t:obj:1"/></`+testEl+`>`, tc.object, "", "", "oval:t:tst:1")
			r, _, objs := evalDoc(t, h, d)
			o := objs["oval:t:obj:1"]
			require.NotNil(t, o)
			assert.Equal(t, tc.flag, o.Flag, "messages %v", o.Messages)
			items := itemsOf(r, o)
			for field, want := range tc.want {
				assert.Equal(t, want, fieldValues(items, field), field)
			}
		})
	}
}

func TestSetsFiltersAndVariables(t *testing.T) {
	h := newMemHost(map[string]string{
		"/etc/a.conf": "k=1\n",
		"/etc/b.conf": "k=2\n",
		"/etc/c.conf": "k=3\n",
	})
	objects := `
<unix:file_object id="oval:t:obj:all" version="1"><unix:path>/etc</unix:path><unix:filename operation="pattern match">\.conf$</unix:filename></unix:file_object>
<unix:file_object id="oval:t:obj:ab" version="1"><unix:path>/etc</unix:path><unix:filename operation="pattern match">^[ab]</unix:filename></unix:file_object>
<unix:file_object id="oval:t:obj:union" version="1"><set><object_reference>oval:t:obj:ab</object_reference><object_reference>oval:t:obj:all</object_reference></set></unix:file_object>
<unix:file_object id="oval:t:obj:inter" version="1"><set set_operator="INTERSECTION"><object_reference>oval:t:obj:ab</object_reference><object_reference>oval:t:obj:all</object_reference></set></unix:file_object>
<unix:file_object id="oval:t:obj:compl" version="1"><set set_operator="COMPLEMENT"><object_reference>oval:t:obj:all</object_reference><object_reference>oval:t:obj:ab</object_reference></set></unix:file_object>
<unix:file_object id="oval:t:obj:nested" version="1"><set set_operator="UNION"><set set_operator="COMPLEMENT"><object_reference>oval:t:obj:all</object_reference><object_reference>oval:t:obj:ab</object_reference></set><set><object_reference>oval:t:obj:ab</object_reference><filter action="include">oval:t:ste:a</filter></set></set></unix:file_object>
<unix:file_object id="oval:t:obj:filtered" version="1"><unix:path>/etc</unix:path><unix:filename operation="pattern match">\.conf$</unix:filename><filter action="exclude">oval:t:ste:a</filter></unix:file_object>
<ind:textfilecontent54_object id="oval:t:obj:vals" version="1"><ind:filepath var_ref="oval:t:var:paths" var_check="at least one"/><ind:pattern operation="pattern match">^k=(\d)$</ind:pattern><ind:instance datatype="int">1</ind:instance></ind:textfilecontent54_object>
<ind:variable_object id="oval:t:obj:sum" version="1"><ind:var_ref>oval:t:var:sum</ind:var_ref></ind:variable_object>`
	states := `<unix:file_state id="oval:t:ste:a" version="1"><unix:filename>a.conf</unix:filename></unix:file_state>
<ind:variable_state id="oval:t:ste:sum" version="1"><ind:value datatype="int">6</ind:value></ind:variable_state>`
	variables := `<local_variable id="oval:t:var:paths" version="1" datatype="string"><concat><literal_component>/etc/</literal_component><split delimiter=","><literal_component>a.conf,c.conf,zz.conf</literal_component></split></concat></local_variable>
<local_variable id="oval:t:var:sum" version="1" datatype="int"><arithmetic arithmetic_operation="add"><literal_component datatype="int">0</literal_component><count><object_component object_ref="oval:t:obj:vals" item_field="subexpression"/></count><literal_component datatype="int">4</literal_component></arithmetic></local_variable>`
	tests := `<ind:variable_test id="oval:t:tst:sum" version="1" check="all"><ind:object object_ref="oval:t:obj:sum"/><ind:state state_ref="oval:t:ste:sum"/></ind:variable_test>`
	r, trs, objs := evalDoc(t, h, doc(tests, objects, states, variables, "oval:t:tst:sum"))
	for id, want := range map[string][]string{
		"oval:t:obj:union":    {"a.conf", "b.conf", "c.conf"},
		"oval:t:obj:inter":    {"a.conf", "b.conf"},
		"oval:t:obj:compl":    {"c.conf"},
		"oval:t:obj:nested":   {"c.conf", "a.conf"},
		"oval:t:obj:filtered": {"b.conf", "c.conf"},
	} {
		o := objs[id]
		if o == nil {
			// Objects only reached through sets are collected on demand.
			defs, err := Parse(strings.NewReader(doc(`<unix:file_test id="oval:t:tst:x" version="1" check="all" check_existence="any_exist"><unix:object object_ref="`+id+`"/></unix:file_test>`, objects, states, variables, "oval:t:tst:x")), "x.xml")
			require.NoError(t, err)
			p, err := Prepare(defs, Options{})
			require.NoError(t, err)
			r2, err := p.Evaluate(context.Background(), h, nil)
			require.NoError(t, err)
			for _, oo := range r2.Objects {
				if oo.ID == id {
					o = oo
				}
			}
			require.NotNil(t, o, id)
			assert.Equal(t, want, fieldValues(itemsOf(r2, o), "filename"), id)
			continue
		}
		assert.Equal(t, want, fieldValues(itemsOf(r, o), "filename"), id)
	}
	// 2 of the 3 paths exist → 2 subexpressions → 0+2+4 = 6.
	require.NotNil(t, trs["oval:t:tst:sum"])
	assert.Equal(t, True.String(), trs["oval:t:tst:sum"].Result.String(), "%v", trs["oval:t:tst:sum"].Messages)
	assert.Equal(t, []string{"/etc/a.conf", "/etc/c.conf", "/etc/zz.conf"}, func() []string {
		var v []string
		for _, x := range objs["oval:t:obj:vals"].Variables {
			v = append(v, x.Value)
		}
		return v
	}())
}

func TestSystemProbesOnOfflineRoot(t *testing.T) {
	h := newMemHost(map[string]string{
		"/etc/passwd":          "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000:Alice:/home/alice:/bin/zsh\n",
		"/etc/shadow":          "root:$6$abc$def:19000:0:99999:7:::\nalice:!:19001:1:60:7:30::\n",
		"/var/lib/dpkg/status": "Package: openssh-server\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1:9.2p1-2+deb12u2\n\nPackage: telnetd\nStatus: deinstall ok config-files\nArchitecture: amd64\nVersion: 0.17-44\n",
	})
	tests := `
<unix:password_test id="oval:t:tst:pw" version="1" check="all"><unix:object object_ref="oval:t:obj:pw"/><unix:state state_ref="oval:t:ste:pw"/></unix:password_test>
<unix:shadow_test id="oval:t:tst:sh" version="1" check="all"><unix:object object_ref="oval:t:obj:sh"/><unix:state state_ref="oval:t:ste:sh"/></unix:shadow_test>
<lin:dpkginfo_test id="oval:t:tst:deb" version="1" check="all"><lin:object object_ref="oval:t:obj:deb"/><lin:state state_ref="oval:t:ste:deb"/></lin:dpkginfo_test>
<lin:dpkginfo_test id="oval:t:tst:gone" version="1" check="all" check_existence="none_exist"><lin:object object_ref="oval:t:obj:gone"/></lin:dpkginfo_test>
<unix:sysctl_test id="oval:t:tst:sysctl" version="1" check="all"><unix:object object_ref="oval:t:obj:sysctl"/></unix:sysctl_test>
<lin:rpminfo_test id="oval:t:tst:rpm" version="1" check="all" check_existence="none_exist"><lin:object object_ref="oval:t:obj:rpm"/></lin:rpminfo_test>`
	objects := `
<unix:password_object id="oval:t:obj:pw" version="1"><unix:username operation="pattern match">.*</unix:username></unix:password_object>
<unix:shadow_object id="oval:t:obj:sh" version="1"><unix:username>alice</unix:username></unix:shadow_object>
<lin:dpkginfo_object id="oval:t:obj:deb" version="1"><lin:name>openssh-server</lin:name></lin:dpkginfo_object>
<lin:dpkginfo_object id="oval:t:obj:gone" version="1"><lin:name>telnetd</lin:name></lin:dpkginfo_object>
<unix:sysctl_object id="oval:t:obj:sysctl" version="1"><unix:name>kernel.randomize_va_space</unix:name></unix:sysctl_object>
<lin:rpminfo_object id="oval:t:obj:rpm" version="1"><lin:name>openssh-server</lin:name></lin:rpminfo_object>`
	states := `
<unix:password_state id="oval:t:ste:pw" version="1"><unix:login_shell operation="pattern match">^/bin/</unix:login_shell></unix:password_state>
<unix:shadow_state id="oval:t:ste:sh" version="1"><unix:chg_req datatype="int" operation="less than or equal">60</unix:chg_req></unix:shadow_state>
<lin:dpkginfo_state id="oval:t:ste:deb" version="1"><lin:evr datatype="debian_evr_string" operation="less than">1:9.2p1-2+deb12u10</lin:evr></lin:dpkginfo_state>`
	_, trs, objs := evalDoc(t, h, doc(tests, objects, states, "", "oval:t:tst:pw", "oval:t:tst:sh", "oval:t:tst:deb", "oval:t:tst:gone", "oval:t:tst:sysctl", "oval:t:tst:rpm"))
	want := map[string]Result{
		"oval:t:tst:pw":     True,
		"oval:t:tst:sh":     True,
		"oval:t:tst:deb":    True,          // 1:9.2p1-2+deb12u2 < 1:9.2p1-2+deb12u10 with dpkg's order
		"oval:t:tst:gone":   True,          // config-files only: not installed
		"oval:t:tst:sysctl": NotApplicable, // an offline root has no running kernel
		"oval:t:tst:rpm":    True,          // no RPM database: no package
	}
	for id, w := range want {
		require.NotNil(t, trs[id], id)
		assert.Equal(t, w.String(), trs[id].Result.String(), "%s %v", id, trs[id].Messages)
	}
	assert.Equal(t, FlagNotApplicable, objs["oval:t:obj:sysctl"].Flag)
}

// TestConcurrentEvaluate runs one Prepared on several hosts at once (run
// with -race).
func TestConcurrentEvaluate(t *testing.T) {
	d := doc(`<ind:textfilecontent54_test id="oval:t:tst:1" version="1" check="all"><ind:object object_ref="oval:t:obj:1"/><ind:state state_ref="oval:t:ste:1"/></ind:textfilecontent54_test>`,
		`<ind:textfilecontent54_object id="oval:t:obj:1" version="1"><ind:filepath>/etc/motd</ind:filepath><ind:pattern operation="pattern match">^(\w+)</ind:pattern><ind:instance datatype="int">1</ind:instance></ind:textfilecontent54_object>`,
		`<ind:textfilecontent54_state id="oval:t:ste:1" version="1"><ind:subexpression operation="pattern match" var_ref="oval:t:var:1"/></ind:textfilecontent54_state>`,
		`<constant_variable id="oval:t:var:1" version="1" datatype="string"><value>^auth(?=orized)</value></constant_variable>`, "oval:t:tst:1")
	defs, err := Parse(strings.NewReader(d), "c.xml")
	require.NoError(t, err)
	p, err := Prepare(defs, Options{})
	require.NoError(t, err)
	texts := []string{"authorized\n", "welcome\n", "authorized users\n", "hello\n"}
	want := []Result{True, False, True, False}
	got := make([]Result, len(texts))
	done := make(chan int)
	for i, txt := range texts {
		go func() {
			r, err := p.Evaluate(context.Background(), newMemHost(map[string]string{"/etc/motd": txt}), nil)
			if err == nil {
				got[i] = r.Definition("oval:t:def:1").Result
			}
			done <- i
		}()
	}
	for range texts {
		<-done
	}
	assert.Equal(t, want, got)
}
