package engine_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/xccdf"
)

// A tailoring's set-values for library Values reach the library checks
// through Options.Tailoring, the nearer profile of the extends chain
// winning, and the selection's complaints about those Values (the DISA
// benchmark does not declare them) are dropped from Problems; other
// problems stay.
func TestTailoringBindsLibraryValues(t *testing.T) {
	lib, err := xccdf.Open("testdata/library-xccdf.xml", xccdf.Options{})
	require.NoError(t, err)
	c, err := xccdf.Open(filepath.Join("..", "fixtures", "content", "tiny-xccdf11.xml"), xccdf.Options{})
	require.NoError(t, err)
	tl, err := xccdf.OpenTailoring("testdata/library-tailoring.xml")
	require.NoError(t, err)
	tests := []struct {
		name     string
		profile  string
		values   map[string]string // Options.LibraryValues
		want     []engine.Status
		word     string
		problems int // left after binding
	}{
		{name: "organization's value", profile: "xccdf_io.stigscan_profile_org", want: []engine.Status{engine.Fail, engine.Fail}, word: "zeta"},
		{name: "nearer profile wins", profile: "xccdf_io.stigscan_profile_site", want: []engine.Status{engine.Pass, engine.Fail}, word: "beta", problems: 1},
		{name: "explicit values win over the tailoring", profile: "xccdf_io.stigscan_profile_site",
			values: map[string]string{"xccdf_io.stigscan_value_word": "zeta"}, want: []engine.Status{engine.Fail, engine.Fail}, word: "beta", problems: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sel, err := xccdf.Resolve(c.Benchmark, tl, tc.profile)
			require.NoError(t, err)
			require.NotEmpty(t, sel.Problems, "the DISA benchmark has no such Value")

			values, problems := engine.LibraryBinding([]*xccdf.Content{lib}, tl, sel)
			assert.Equal(t, map[string]string{"xccdf_io.stigscan_value_word": tc.word}, values)
			assert.Len(t, problems, tc.problems)
			for _, p := range problems {
				assert.Contains(t, p.Msg, "xccdf_io.stigscan_value_nowhere")
			}

			b, err := engine.Prepare(context.Background(), c, sel, engine.Options{Library: []*xccdf.Content{lib}, Tailoring: tl, LibraryValues: tc.values})
			require.NoError(t, err)
			assert.Equal(t, problems, b.Problems())
			res, err := b.Evaluate(context.Background(), semanticsRoot(t))
			require.NoError(t, err)
			require.Len(t, res.Rules, 2)
			for i, rr := range res.Rules {
				assert.Equal(t, tc.want[i], rr.Status, rr.Rule.ID)
			}
		})
	}
}

// Without a library nothing is bound and every problem stays.
func TestNoLibraryKeepsProblems(t *testing.T) {
	c, err := xccdf.Open(filepath.Join("..", "fixtures", "content", "tiny-xccdf11.xml"), xccdf.Options{})
	require.NoError(t, err)
	tl, err := xccdf.OpenTailoring("testdata/library-tailoring.xml")
	require.NoError(t, err)
	sel, err := xccdf.Resolve(c.Benchmark, tl, "xccdf_io.stigscan_profile_site")
	require.NoError(t, err)
	b, err := engine.Prepare(context.Background(), c, sel, engine.Options{Tailoring: tl})
	require.NoError(t, err)
	assert.Equal(t, sel.Problems, b.Problems())
}
