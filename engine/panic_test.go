package engine_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/local"
	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/internal/attack"
	"github.com/stigscan/stigscan/oval"
	"github.com/stigscan/stigscan/xccdf"
)

// factsPanicHost is an offline root whose Facts panics.
type factsPanicHost struct{ host.Host }

func (factsPanicHost) Facts(ctx context.Context) (host.Facts, error) { panic("facts bug") }

// TestPanicsBecomeErrors: a probe that panics makes the rules checked
// through it errors with the panic value and leaves the other rules' results
// alone; a panic outside any rule (the target's facts) is Evaluate's error,
// not a crash.
func TestPanicsBecomeErrors(t *testing.T) {
	dir := t.TempDir()
	family := attack.Rule{
		Name:   "family",
		TestID: "oval:t:tst:2",
		Test:   `<ind:family_test id="oval:t:tst:2" version="1" check="all"><ind:object object_ref="oval:t:obj:2"/></ind:family_test>`,
		Object: `<ind:family_object id="oval:t:obj:2" version="1"/>`,
	}
	xf, err := attack.WriteContent(dir, []attack.Rule{attack.LinesRule("plain", 1, "/etc/conf", `^n=(\d+)$`, ""), family}, nil)
	require.NoError(t, err)
	c, err := xccdf.Open(xf, xccdf.Options{})
	require.NoError(t, err)
	sel, err := xccdf.Resolve(c.Benchmark, nil, attack.Profile)
	require.NoError(t, err)
	b, err := engine.Prepare(context.Background(), c, sel, engine.Options{Probes: map[string]oval.Probe{
		"independent:family_object": oval.ProbeFunc(func(ctx context.Context, q *oval.Query) ([]*oval.Item, error) {
			var items []*oval.Item
			return []*oval.Item{items[3]}, nil // index out of range
		}),
	}})
	require.NoError(t, err)
	root := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(root, "etc"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "etc", "conf"), []byte("n=3\n"), 0o644))
	h, err := local.NewRoot(root)
	require.NoError(t, err)

	res, err := b.Evaluate(context.Background(), h)
	require.NoError(t, err)
	got := map[string]*engine.RuleResult{}
	for _, rr := range res.Rules {
		got[rr.Rule.ID] = rr
	}
	assert.Equal(t, engine.Pass, got[attack.RuleID("plain")].Status)
	fam := got[attack.RuleID("family")]
	assert.Equal(t, engine.Error, fam.Status)
	assert.Contains(t, fmt.Sprint(fam.Messages), "panic: runtime error: index out of range")
	assert.NotContains(t, fmt.Sprint(fam.Messages), "goroutine")

	_, err = b.Evaluate(context.Background(), factsPanicHost{h})
	assert.ErrorIs(t, err, oval.ErrPanic)
	assert.ErrorContains(t, err, "facts bug")
}
