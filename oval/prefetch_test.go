package oval

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// prefetchHost records what Prefetch is told and answers from memory.
type prefetchHost struct {
	*memHost
	calls      int
	stat, read []string
}

func (h *prefetchHost) Prefetch(_ context.Context, stat, read []string) {
	h.calls++
	h.stat, h.read = stat, read
}

// TestPrefetchPlan: the plan holds the literal paths of the objects the
// evaluated definitions reach (through criteria, extend_definition and
// sets), content objects' files as reads, file objects' as stats, the
// files password and shadow objects read; not paths given by patterns or
// variables, nor objects of definitions not evaluated.
func TestPrefetchPlan(t *testing.T) {
	doc := `<?xml version="1.0"?>
<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5" xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5" xmlns:ind="http://oval.mitre.org/XMLSchema/oval-definitions-5#independent" xmlns:unix="http://oval.mitre.org/XMLSchema/oval-definitions-5#unix">
<generator><oval:schema_version>5.11.2</oval:schema_version><oval:timestamp>2026-01-01T00:00:00</oval:timestamp></generator>
<definitions>
<definition id="oval:t:def:1" version="1" class="compliance"><metadata><title>a</title><description>a</description></metadata><criteria operator="OR"><criterion test_ref="oval:t:tst:1"/><criteria><criterion test_ref="oval:t:tst:2"/><extend_definition definition_ref="oval:t:def:2"/></criteria></criteria></definition>
<definition id="oval:t:def:2" version="1" class="compliance"><metadata><title>b</title><description>b</description></metadata><criteria><criterion test_ref="oval:t:tst:3"/><criterion test_ref="oval:t:tst:4"/><criterion test_ref="oval:t:tst:6"/></criteria></definition>
<definition id="oval:t:def:3" version="1" class="compliance"><metadata><title>c</title><description>c</description></metadata><criteria><criterion test_ref="oval:t:tst:5"/></criteria></definition>
</definitions>
<tests>
<ind:textfilecontent54_test id="oval:t:tst:1" version="1" check="all"><ind:object object_ref="oval:t:obj:1"/></ind:textfilecontent54_test>
<unix:file_test id="oval:t:tst:2" version="1" check="all"><unix:object object_ref="oval:t:obj:2"/></unix:file_test>
<unix:file_test id="oval:t:tst:3" version="1" check="all"><unix:object object_ref="oval:t:obj:3"/></unix:file_test>
<unix:shadow_test id="oval:t:tst:4" version="1" check="all"><unix:object object_ref="oval:t:obj:4"/></unix:shadow_test>
<unix:sysctl_test id="oval:t:tst:6" version="1" check="all"><unix:object object_ref="oval:t:obj:8"/></unix:sysctl_test>
<ind:textfilecontent54_test id="oval:t:tst:5" version="1" check="all"><ind:object object_ref="oval:t:obj:5"/></ind:textfilecontent54_test>
</tests>
<objects>
<ind:textfilecontent54_object id="oval:t:obj:1" version="1"><ind:filepath>/etc/ssh/sshd_config</ind:filepath><ind:pattern operation="pattern match">^Port</ind:pattern><ind:instance datatype="int">1</ind:instance></ind:textfilecontent54_object>
<unix:file_object id="oval:t:obj:2" version="1"><unix:path>/etc</unix:path><unix:filename>shadow</unix:filename></unix:file_object>
<unix:file_object id="oval:t:obj:3" version="1"><set><object_reference>oval:t:obj:6</object_reference><object_reference>oval:t:obj:7</object_reference></set></unix:file_object>
<unix:shadow_object id="oval:t:obj:4" version="1"><unix:username operation="pattern match">.*</unix:username></unix:shadow_object>
<ind:textfilecontent54_object id="oval:t:obj:5" version="1"><ind:filepath>/etc/not-evaluated</ind:filepath><ind:pattern operation="pattern match">x</ind:pattern><ind:instance datatype="int">1</ind:instance></ind:textfilecontent54_object>
<unix:file_object id="oval:t:obj:6" version="1"><unix:path>/var/log</unix:path><unix:filename xsi:nil="true" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/></unix:file_object>
<unix:file_object id="oval:t:obj:7" version="1"><unix:filepath operation="pattern match">^/etc/cron\..*</unix:filepath></unix:file_object>
<unix:sysctl_object id="oval:t:obj:8" version="1"><unix:name>net.ipv4.ip_forward</unix:name></unix:sysctl_object>
</objects>
</oval_definitions>`
	defs, err := Parse(strings.NewReader(doc), "t.xml")
	require.NoError(t, err)
	p, err := Prepare(defs, Options{})
	require.NoError(t, err)

	h := &prefetchHost{memHost: newMemHost(map[string]string{"/etc/ssh/sshd_config": "Port 22\n"})}
	_, err = p.Evaluate(context.Background(), h, nil, "oval:t:def:1")
	require.NoError(t, err)
	assert.Equal(t, 1, h.calls)
	assert.Equal(t, []string{"/etc/shadow", "/var/log"}, h.stat)
	assert.Equal(t, []string{"/etc/shadow", "/etc/ssh/sshd_config", "/proc/sys/net/ipv4/ip_forward"}, h.read)

	// A host without the ability is simply not told.
	_, err = p.Evaluate(context.Background(), newMemHost(nil), nil)
	require.NoError(t, err)
}

// TestPrefetchFoundFiles: files a content object finds by a pattern are
// handed over together before they are read.
func TestPrefetchFoundFiles(t *testing.T) {
	doc := `<?xml version="1.0"?>
<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5" xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5" xmlns:ind="http://oval.mitre.org/XMLSchema/oval-definitions-5#independent">
<generator><oval:schema_version>5.11.2</oval:schema_version><oval:timestamp>2026-01-01T00:00:00</oval:timestamp></generator>
<definitions>
<definition id="oval:t:def:1" version="1" class="compliance"><metadata><title>a</title><description>a</description></metadata><criteria><criterion test_ref="oval:t:tst:1"/></criteria></definition>
</definitions>
<tests>
<ind:textfilecontent54_test id="oval:t:tst:1" version="1" check="all"><ind:object object_ref="oval:t:obj:1"/></ind:textfilecontent54_test>
</tests>
<objects>
<ind:textfilecontent54_object id="oval:t:obj:1" version="1"><ind:path>/etc/sysctl.d</ind:path><ind:filename operation="pattern match">\.conf$</ind:filename><ind:pattern operation="pattern match">^kernel</ind:pattern><ind:instance datatype="int" operation="greater than or equal">1</ind:instance></ind:textfilecontent54_object>
</objects>
</oval_definitions>`
	defs, err := Parse(strings.NewReader(doc), "t.xml")
	require.NoError(t, err)
	p, err := Prepare(defs, Options{})
	require.NoError(t, err)
	h := &prefetchHost{memHost: newMemHost(map[string]string{
		"/etc/sysctl.d/10-a.conf": "kernel.x = 1\n",
		"/etc/sysctl.d/20-b.conf": "kernel.y = 2\n",
		"/etc/sysctl.d/README":    "not matched\n",
	})}
	r, err := p.Evaluate(context.Background(), h, nil)
	require.NoError(t, err)
	assert.Equal(t, True, r.Definition("oval:t:def:1").Result)
	assert.Equal(t, 1, h.calls, "the plan is empty (a pattern); the probe hands over what it found")
	assert.Empty(t, h.stat)
	assert.Equal(t, []string{"/etc/sysctl.d/10-a.conf", "/etc/sysctl.d/20-b.conf"}, h.read)
}
