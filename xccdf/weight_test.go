package xccdf_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/xccdf"
)

// TestNonFiniteWeights: NaN, an infinity or a negative weight, on a rule
// or in a profile's refine-rule, is a content error naming the rule, not a
// score of NaN that no results format can write.
func TestNonFiniteWeights(t *testing.T) {
	doc := func(ruleWeight, refineWeight string) string {
		return `<?xml version="1.0"?>
<Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2" id="xccdf_io.stigscan_benchmark_w" resolved="1">
<status>draft</status><title>w</title><version>1</version>
<Profile id="xccdf_io.stigscan_profile_p"><title>p</title><refine-rule idref="xccdf_io.stigscan_rule_r" weight="` + refineWeight + `"/></Profile>
<Rule id="xccdf_io.stigscan_rule_r" selected="true" weight="` + ruleWeight + `"><title>r</title></Rule>
</Benchmark>`
	}
	_, err := xccdf.OpenBytes([]byte(doc("2.5", "1")), "w.xml", nil, xccdf.Options{})
	require.NoError(t, err)
	for _, w := range []string{"NaN", "Inf", "-Inf", "-1"} {
		_, err := xccdf.OpenBytes([]byte(doc(w, "1")), "w.xml", nil, xccdf.Options{})
		assert.ErrorContains(t, err, "xccdf_io.stigscan_rule_r", w)
		_, err = xccdf.OpenBytes([]byte(doc("1", w)), "w.xml", nil, xccdf.Options{})
		assert.ErrorContains(t, err, "invalid weight", w)
	}
}
