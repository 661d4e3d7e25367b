package list_test

import (
	"maps"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/oval"
	"github.com/stigscan/stigscan/oval/probes/list"
	"github.com/stigscan/stigscan/oval/probes/mongodb"
	"github.com/stigscan/stigscan/oval/probes/mysql"
	"github.com/stigscan/stigscan/oval/probes/oracle"
	"github.com/stigscan/stigscan/oval/probes/sql57"
)

// TestStandard: the standard set is oval's own probes and every probe of
// the sql57, mongodb, oracle and mysql families, no more, each non-nil, in a fresh
// map each call.
func TestStandard(t *testing.T) {
	var want []string
	for _, family := range []map[string]oval.Probe{oval.BuiltinProbes(), sql57.Probes(), mongodb.Probes(mongodb.Options{}), oracle.Probes(), mysql.Probes()} {
		want = append(want, slices.Collect(maps.Keys(family))...)
	}
	slices.Sort(want)
	got := list.Standard()
	assert.Equal(t, want, slices.Sorted(maps.Keys(got)))
	for k, p := range got {
		assert.NotNil(t, p, k)
	}
	require.Contains(t, got, sql57.Key)
	delete(got, sql57.Key)
	assert.Contains(t, list.Standard(), sql57.Key, "a caller's change stays in its own map")
}
