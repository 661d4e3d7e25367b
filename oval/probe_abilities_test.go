package oval_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/local"
	"github.com/stigscan/stigscan/oval"
)

// declaring is a custom probe that declares what it knows through oval's
// optional interfaces; calls counts its Collect calls.
type declaring struct {
	calls   *int
	offline *oval.OfflineAnswer // LiveOnly when set
	refuse  string              // Requirer refusing with this reason when set
	flags   string              // PatternFlagger
	plan    []string            // FilePlanner reads
}

func (d declaring) Collect(ctx context.Context, q *oval.Query) ([]*oval.Item, error) {
	*d.calls++
	return q.Filter([]*oval.Item{oval.NewItem("environmentvariable58_item", "independent",
		oval.StringField("name", "a\nb"), oval.StringField("value", "v"), oval.IntField("pid", 1))})
}

type liveOnly struct{ declaring }

func (p liveOnly) OfflineRoot() oval.OfflineAnswer { return *p.offline }

type requirer struct{ declaring }

func (p requirer) Requires(h host.Host, o *oval.Object) error {
	return fmt.Errorf("%w: %s needs %s", host.ErrNotCollected, o.Type, p.refuse)
}

type flagger struct{ declaring }

func (p flagger) PatternFlags(o *oval.Object) string { return p.flags }

type planner struct{ declaring }

func (p planner) PlanFiles(o *oval.Object) (stat, read []string) { return nil, p.plan }

type prefetching struct {
	host.Host
	read []string
}

func (h *prefetching) Prefetch(_ context.Context, stat, read []string) {
	h.read = append(h.read, read...)
}

// TestProbeDeclarations: what a probe declares (offline answer, host
// requirement, pattern flags, files to prefetch) is what oval acts on, for
// a custom probe exactly as for a built-in one.
func TestProbeDeclarations(t *testing.T) {
	const key = "independent:environmentvariable58_object"
	tst := `<ind:environmentvariable58_test id="oval:t:tst:1" version="1" check="all" check_existence="at_least_one_exists"><ind:object object_ref="oval:t:obj:1"/></ind:environmentvariable58_test>`
	obj := `<ind:environmentvariable58_object id="oval:t:obj:1" version="1"><ind:name operation="pattern match">^a.b$</ind:name></ind:environmentvariable58_object>`
	doc := budgetDoc(1, tst, obj, "", "")
	root, err := local.NewRoot(t.TempDir())
	require.NoError(t, err)

	tests := []struct {
		name   string
		probe  func(calls *int) oval.Probe
		result oval.Result
		calls  int
		msg    string
		read   []string
	}{
		{name: "plain probe on an offline root is called", result: oval.False, calls: 1,
			probe: func(c *int) oval.Probe { return declaring{calls: c} }},
		{name: "live only, not applicable offline", result: oval.NotApplicable, calls: 0, msg: "environmentvariable58_object describes a running system",
			probe: func(c *int) oval.Probe {
				return liveOnly{declaring{calls: c, offline: &oval.OfflineAnswer{NotApplicable: true}}}
			}},
		{name: "live only, no item offline", result: oval.False, calls: 0, msg: "is an offline root: it has no widget.",
			probe: func(c *int) oval.Probe {
				return liveOnly{declaring{calls: c, offline: &oval.OfflineAnswer{Lacks: "widget"}}}
			}},
		{name: "requirement not met", result: oval.Unknown, calls: 0, msg: "environmentvariable58_object needs a gadget",
			probe: func(c *int) oval.Probe { return requirer{declaring{calls: c, refuse: "a gadget"}} }},
		{name: "singleline flag lets . match a newline", result: oval.True, calls: 1,
			probe: func(c *int) oval.Probe { return flagger{declaring{calls: c, flags: "s"}} }},
		{name: "files planned are prefetched", result: oval.False, calls: 1, read: []string{"/etc/planned"},
			probe: func(c *int) oval.Probe {
				return planner{declaring{calls: c, plan: []string{"/etc/planned", "relative", "/etc/../x"}}}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			p := prepare(t, doc, oval.Options{Probes: map[string]oval.Probe{key: tc.probe(&calls)}})
			h := &prefetching{Host: root}
			res, err := p.Evaluate(context.Background(), h, nil)
			require.NoError(t, err)
			assert.Equal(t, tc.result, res.Definition("oval:t:def:1").Result)
			assert.Equal(t, tc.calls, calls, "Collect calls")
			if tc.msg != "" {
				assert.Contains(t, objectText(res, "oval:t:obj:1"), tc.msg)
			}
			assert.Equal(t, tc.read, h.read, "prefetched reads")
		})
	}
}

// TestBuiltinProbesFresh: BuiltinProbes is a fresh map each call, so a
// caller's change never reaches another's set.
func TestBuiltinProbesFresh(t *testing.T) {
	a := oval.BuiltinProbes()
	require.Contains(t, a, "unix:file_object")
	delete(a, "unix:file_object")
	assert.Contains(t, oval.BuiltinProbes(), "unix:file_object")
}
