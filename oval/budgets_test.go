package oval_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/local"
	"github.com/stigscan/stigscan/oval"
)

// budgetDoc wraps definitions, tests, objects, states and variables, each
// definition defN using test tstN, into an OVAL document.
func budgetDoc(n int, tests, objects, states, variables string) string {
	var defs strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&defs, `<definition id="oval:t:def:%d" version="1" class="compliance"><metadata><title>d</title><description>d</description></metadata><criteria><criterion test_ref="oval:t:tst:%d"/></criteria></definition>`, i, i)
	}
	return `<?xml version="1.0"?>
<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5" xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5" xmlns:ind="http://oval.mitre.org/XMLSchema/oval-definitions-5#independent" xmlns:unix="http://oval.mitre.org/XMLSchema/oval-definitions-5#unix">
<generator><oval:schema_version>5.11.2</oval:schema_version><oval:timestamp>2026-01-01T00:00:00</oval:timestamp></generator>
<definitions>` + defs.String() + `</definitions>
<tests>` + tests + `</tests>
<objects>` + objects + `</objects>
<states>` + states + `</states>` + variables + `
</oval_definitions>`
}

// tfc54 is a textfilecontent54 test and object: every line of path
// matching pattern must exist (with state, when given).
func tfc54(n int, path, pattern, state string) (test, object string) {
	st := ""
	if state != "" {
		st = `<ind:state state_ref="` + state + `"/>`
	}
	test = fmt.Sprintf(`<ind:textfilecontent54_test id="oval:t:tst:%d" version="1" check="all" check_existence="at_least_one_exists"><ind:object object_ref="oval:t:obj:%d"/>%s</ind:textfilecontent54_test>`, n, n, st)
	object = fmt.Sprintf(`<ind:textfilecontent54_object id="oval:t:obj:%d" version="1"><ind:filepath>%s</ind:filepath><ind:pattern operation="pattern match">%s</ind:pattern><ind:instance datatype="int" operation="greater than or equal">1</ind:instance></ind:textfilecontent54_object>`, n, path, pattern)
	return test, object
}

func prepare(t *testing.T, doc string, opts oval.Options) *oval.Prepared {
	t.Helper()
	defs, err := oval.Parse(strings.NewReader(doc), "t.xml")
	require.NoError(t, err)
	p, err := oval.Prepare(defs, opts)
	require.NoError(t, err)
	return p
}

// objectText joins the messages of object id.
func objectText(res *oval.Results, id string) string {
	var b strings.Builder
	for _, o := range res.Objects {
		if o.ID == id {
			for _, m := range o.Messages {
				b.WriteString(m.Text + "\n")
			}
		}
	}
	return b.String()
}

func writeRoot(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for p, data := range files {
		full := filepath.Join(root, p)
		require.NoError(t, os.MkdirAll(filepath.Dir(full), 0o755))
		require.NoError(t, os.WriteFile(full, []byte(data), 0o644))
	}
	return root
}

// TestFileReadCap: a file over the cap (a sparse gigabyte, and one just
// over a small cap) makes its object an error naming the path and the cap,
// without being read; the other definitions of the evaluation still pass.
func TestFileReadCap(t *testing.T) {
	root := writeRoot(t, map[string]string{"etc/ok": "good=1\n", "etc/over": strings.Repeat("x", 2048) + "\n"})
	sparse := filepath.Join(root, "etc", "sparse")
	f, err := os.Create(sparse)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(1<<30))
	require.NoError(t, f.Close())

	t1, o1 := tfc54(1, "/etc/sparse", "^x", "")
	t2, o2 := tfc54(2, "/etc/over", "^x", "")
	t3, o3 := tfc54(3, "/etc/ok", "^good", "")
	doc := budgetDoc(3, t1+t2+t3, o1+o2+o3, "", "")
	tests := []struct {
		name     string
		hostCap  int64 // local.WithMaxFileBytes
		evalCap  int64 // oval.Limits.MaxFileBytes
		overCap  int64 // the cap /etc/over is reported over
		sparseOK bool
	}{
		{name: "host cap", hostCap: 1024, overCap: 1024},
		{name: "evaluation cap below the host's", hostCap: 0, evalCap: 1024, overCap: 1024},
		{name: "host cap below the evaluation's", hostCap: 1024, evalCap: 1 << 20, overCap: 1024},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, err := local.NewRoot(root, local.WithMaxFileBytes(tc.hostCap))
			require.NoError(t, err)
			p := prepare(t, doc, oval.Options{Limits: oval.Limits{MaxFileBytes: tc.evalCap}})
			res, err := p.Evaluate(context.Background(), h, nil)
			require.NoError(t, err)
			assert.Equal(t, oval.Error, res.Definition("oval:t:def:1").Result)
			assert.Equal(t, oval.Error, res.Definition("oval:t:def:2").Result)
			assert.Equal(t, oval.True, res.Definition("oval:t:def:3").Result)
			assert.Contains(t, objectText(res, "oval:t:obj:1"), "/etc/sparse")
			assert.Contains(t, objectText(res, "oval:t:obj:1"), "read cap of")
			assert.Contains(t, objectText(res, "oval:t:obj:2"), fmt.Sprintf("/etc/over: file is larger than the read cap of %d bytes", tc.overCap))
			assert.NotContains(t, objectText(res, "oval:t:obj:2"), "xxxx", "the content never reaches a message")
		})
	}
}

// TestItemCap: an object with more matches than the item cap is an error
// naming the cap, for both the line-based and the multiline probe; an
// object under the cap in the same evaluation is collected.
func TestItemCap(t *testing.T) {
	root := writeRoot(t, map[string]string{"etc/many": strings.Repeat("k=v\n", 5000), "etc/few": "k=v\nk=v\n"})
	t1, o1 := tfc54(1, "/etc/many", "^k=(.*)$", "")
	t2, o2 := tfc54(2, "/etc/few", "^k=(.*)$", "")
	t3 := `<ind:textfilecontent_test id="oval:t:tst:3" version="1" check="all" check_existence="at_least_one_exists"><ind:object object_ref="oval:t:obj:3"/></ind:textfilecontent_test>`
	o3 := `<ind:textfilecontent_object id="oval:t:obj:3" version="1"><ind:path>/etc</ind:path><ind:filename>many</ind:filename><ind:line operation="pattern match">^k=</ind:line></ind:textfilecontent_object>`
	doc := budgetDoc(3, t1+t2+t3, o1+o2+o3, "", "")
	h, err := local.NewRoot(root)
	require.NoError(t, err)
	p := prepare(t, doc, oval.Options{Limits: oval.Limits{MaxItems: 1000}})
	res, err := p.Evaluate(context.Background(), h, nil)
	require.NoError(t, err)
	assert.Equal(t, oval.Error, res.Definition("oval:t:def:1").Result)
	assert.Equal(t, oval.True, res.Definition("oval:t:def:2").Result)
	assert.Equal(t, oval.Error, res.Definition("oval:t:def:3").Result)
	assert.Contains(t, objectText(res, "oval:t:obj:1"), "more than 1000 items")
	assert.Contains(t, objectText(res, "oval:t:obj:3"), "more than 1000 items")
	assert.LessOrEqual(t, len(res.Items), 1000, "no item of the capped objects is kept")
}

// TestRegexBudget: a backtracking pattern (a lookahead keeps it off RE2)
// compared with many items costs at most the per-object budget plus one
// match's timeout, not a timeout per item; the error names the budget and
// never quotes the whole input.
func TestRegexBudget(t *testing.T) {
	line := strings.Repeat("a", 40) + "!"
	root := writeRoot(t, map[string]string{"etc/evil": strings.Repeat(line+"\n", 50), "etc/ok": "good=1\n"})
	t1, o1 := tfc54(1, "/etc/evil", "^(.*)$", "oval:t:ste:1")
	t2, o2 := tfc54(2, "/etc/ok", "^good", "")
	ste := `<ind:textfilecontent54_state id="oval:t:ste:1" version="1"><ind:subexpression operation="pattern match">^(?=a)(a+)+$</ind:subexpression></ind:textfilecontent54_state>`
	doc := budgetDoc(2, t1+t2, o1+o2, ste, "")
	h, err := local.NewRoot(root)
	require.NoError(t, err)
	p := prepare(t, doc, oval.Options{Limits: oval.Limits{RegexPerObject: time.Millisecond}})
	t0 := time.Now()
	res, err := p.Evaluate(context.Background(), h, nil)
	require.NoError(t, err)
	took := time.Since(t0)
	assert.Less(t, took, 2*time.Minute, "50 items at a 5 s timeout each would take over 4 minutes")
	assert.Equal(t, oval.Error, res.Definition("oval:t:def:1").Result)
	assert.Equal(t, oval.True, res.Definition("oval:t:def:2").Result)
	var msgs []string
	for _, tr := range res.Tests {
		if tr.ID == "oval:t:tst:1" {
			for _, m := range tr.Messages {
				msgs = append(msgs, m.Text)
			}
		}
	}
	joined := strings.Join(msgs, "\n")
	assert.Contains(t, joined, "regular expression time budget of 1ms for the object is spent")
	t.Logf("backtracking over 50 items took %v", took)
}

// TestMessagesQuoteBoundedValues: a system value quoted in a message is
// cut to a couple of hundred bytes with its length.
func TestMessagesQuoteBoundedValues(t *testing.T) {
	root := writeRoot(t, map[string]string{"etc/long": "n=" + strings.Repeat("9z", 50000) + "\n"})
	t1, o1 := tfc54(1, "/etc/long", "^n=(.*)$", "oval:t:ste:1")
	ste := `<ind:textfilecontent54_state id="oval:t:ste:1" version="1"><ind:subexpression datatype="int" operation="less than">5</ind:subexpression></ind:textfilecontent54_state>`
	p := prepare(t, budgetDoc(1, t1, o1, ste, ""), oval.Options{})
	h, err := local.NewRoot(root)
	require.NoError(t, err)
	res, err := p.Evaluate(context.Background(), h, nil)
	require.NoError(t, err)
	assert.Equal(t, oval.Error, res.Definition("oval:t:def:1").Result)
	for _, tr := range res.Tests {
		for _, m := range tr.Messages {
			assert.Less(t, len(m.Text), 1000, "message %.80q…", m.Text)
			assert.Contains(t, m.Text, "…(100000 bytes)")
		}
	}
}

// TestNonFiniteValues: NaN and infinities supplied for int and float
// variables are an error on the definitions that use them, naming the
// variable and the value, never a panic; other definitions pass.
func TestNonFiniteValues(t *testing.T) {
	root := writeRoot(t, map[string]string{"etc/conf": "n=3\n"})
	t1, o1 := tfc54(1, "/etc/conf", "^n=(\\d+)$", "oval:t:ste:1")
	t2, o2 := tfc54(2, "/etc/conf", "^n=(\\d+)$", "oval:t:ste:2")
	t3, o3 := tfc54(3, "/etc/conf", "^n=(\\d+)$", "")
	states := `<ind:textfilecontent54_state id="oval:t:ste:1" version="1"><ind:subexpression datatype="int" operation="less than or equal" var_ref="oval:t:var:1"/></ind:textfilecontent54_state>` +
		`<ind:textfilecontent54_state id="oval:t:ste:2" version="1"><ind:subexpression datatype="float" operation="not equal" var_ref="oval:t:var:2"/></ind:textfilecontent54_state>`
	vars := `<variables><external_variable id="oval:t:var:1" version="1" datatype="int" comment="x"/><external_variable id="oval:t:var:2" version="1" datatype="float" comment="y"/></variables>`
	p := prepare(t, budgetDoc(3, t1+t2+t3, o1+o2+o3, states, vars), oval.Options{})
	h, err := local.NewRoot(root)
	require.NoError(t, err)
	for _, v := range []string{"NaN", "nan", "Inf", "-Inf", "+Infinity"} {
		t.Run(v, func(t *testing.T) {
			res, err := p.Evaluate(context.Background(), h, oval.ExternalVars{"oval:t:var:1": {v}, "oval:t:var:2": {v}})
			require.NoError(t, err)
			assert.Equal(t, oval.Error, res.Definition("oval:t:def:1").Result)
			assert.Equal(t, oval.Error, res.Definition("oval:t:def:2").Result, "NaN is unequal to everything: it must not pass a not-equal check")
			assert.Equal(t, oval.True, res.Definition("oval:t:def:3").Result)
			var msgs []string
			for _, tr := range res.Tests {
				for _, m := range tr.Messages {
					msgs = append(msgs, m.Text)
				}
			}
			joined := strings.Join(msgs, "\n")
			assert.Contains(t, joined, fmt.Sprintf("variable oval:t:var:1: value %q is not an int", v))
			assert.Contains(t, joined, "variable oval:t:var:2: value")
		})
	}
}

// panicHost panics on reading one file; everything else is the root's.
// It is a plain host.Host (no ReadFileLimit), so every read goes through
// its ReadFile.
type panicHost struct {
	host.Host
	path string
}

func (h panicHost) ReadFile(ctx context.Context, p string) ([]byte, error) {
	if p == h.path {
		panic("reading " + p + strings.Repeat(" and on", 1000))
	}
	return h.Host.ReadFile(ctx, p)
}

// TestPanicsStayWithTheirObject: a probe that panics, and a host whose
// ReadFile panics, make their objects errors carrying the panic value
// (bounded, no stack); the other definitions are evaluated as usual.
func TestPanicsStayWithTheirObject(t *testing.T) {
	root := writeRoot(t, map[string]string{"etc/ok": "good=1\n", "etc/boom": "x\n"})
	t1, o1 := tfc54(1, "/etc/boom", "^x", "")
	t2, o2 := tfc54(2, "/etc/ok", "^good", "")
	t3 := `<ind:family_test id="oval:t:tst:3" version="1" check="all"><ind:object object_ref="oval:t:obj:3"/></ind:family_test>`
	o3 := `<ind:family_object id="oval:t:obj:3" version="1"/>`
	doc := budgetDoc(3, t1+t2+t3, o1+o2+o3, "", "")
	lh, err := local.NewRoot(root)
	require.NoError(t, err)
	p := prepare(t, doc, oval.Options{Probes: map[string]oval.Probe{
		"independent:family_object": oval.ProbeFunc(func(ctx context.Context, q *oval.Query) ([]*oval.Item, error) {
			var m map[string]int
			m["boom"]++ // a nil map write: a runtime error, not a string
			return nil, nil
		}),
	}})
	res, err := p.Evaluate(context.Background(), panicHost{Host: lh, path: "/etc/boom"}, nil)
	require.NoError(t, err)
	assert.Equal(t, oval.Error, res.Definition("oval:t:def:1").Result)
	assert.Equal(t, oval.True, res.Definition("oval:t:def:2").Result)
	assert.Equal(t, oval.Error, res.Definition("oval:t:def:3").Result)
	m1, m3 := objectText(res, "oval:t:obj:1"), objectText(res, "oval:t:obj:3")
	assert.Contains(t, m1, "internal error in probe for oval:t:obj:1: panic: \"reading /etc/boom and on")
	assert.Less(t, len(m1), 1000, "the panic value is bounded")
	assert.Contains(t, m3, "assignment to entry in nil map")
	assert.NotContains(t, m1+m3, "goroutine", "no stack in results")
	assert.NotContains(t, m1+m3, ".go:", "no stack in results")
}

// TestReadFileLimitHelper: the helper caps hosts that are not
// LimitedReaders by the length of what they return.
func TestReadFileLimitHelper(t *testing.T) {
	root := writeRoot(t, map[string]string{"etc/f": "0123456789"})
	lh, err := local.NewRoot(root)
	require.NoError(t, err)
	plain := struct{ host.Host }{lh} // hides ReadFileLimit
	for _, h := range []host.Host{lh, plain} {
		_, err := host.ReadFileLimit(context.Background(), h, "/etc/f", 9)
		var tl *host.TooLargeError
		require.True(t, errors.As(err, &tl), "%T: %v", h, err)
		assert.Equal(t, int64(9), tl.Limit)
		data, err := host.ReadFileLimit(context.Background(), h, "/etc/f", 10)
		require.NoError(t, err)
		assert.Equal(t, "0123456789", string(data))
	}
}

// TestRegexBudgetPerRun: once the evaluation's regex time is spent, later
// objects' pattern matches are errors naming that budget.
func TestRegexBudgetPerRun(t *testing.T) {
	root := writeRoot(t, map[string]string{"etc/a": "ab\n", "etc/b": "ab\n"})
	t1, o1 := tfc54(1, "/etc/a", "^ab$", "") // RE2: one call, metered after it
	t2, o2 := tfc54(2, "/etc/b", "^(?=a)ab$", "")
	p := prepare(t, budgetDoc(2, t1+t2, o1+o2, "", ""), oval.Options{Limits: oval.Limits{RegexPerRun: time.Nanosecond}})
	h, err := local.NewRoot(root)
	require.NoError(t, err)
	res, err := p.Evaluate(context.Background(), h, nil)
	require.NoError(t, err)
	assert.Equal(t, oval.True, res.Definition("oval:t:def:1").Result, "the first object's match runs, and spends the budget")
	assert.Equal(t, oval.Error, res.Definition("oval:t:def:2").Result)
	assert.Contains(t, objectText(res, "oval:t:obj:2"), "regular expression time budget of 1ns for the evaluation is spent")
}
