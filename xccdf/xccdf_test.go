package xccdf_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/builtin"
	"github.com/stigscan/stigscan/internal/testutil"
	"github.com/stigscan/stigscan/xccdf"
)

func fixture(t testing.TB, rel string) string {
	t.Helper()
	return filepath.Join(testutil.RepoRoot(t), "fixtures", rel)
}

func TestBadInput(t *testing.T) {
	tests := []struct {
		name, file string
		line       int
		msg        string
		is         error
	}{
		{name: "malformed", file: "bad/malformed.xml", line: 6, msg: "malformed XML: element <title> closed by </Rule>"},
		{name: "wrong root", file: "bad/wrong-root.xml", line: 2, msg: "root element is <html>", is: xccdf.ErrUnsupported},
		{name: "empty", file: "bad/empty.xml", line: 1, msg: "empty file", is: xccdf.ErrEmptyContent},
		{name: "dangling component-ref", file: "bad/dangling-component-ref.xml", line: 5, msg: `dangling component-ref: no component "scap_io.stigscan_comp_missing"`, is: xccdf.ErrNotFound},
		{name: "billion laughs", file: "bad/billion-laughs.xml", msg: "DTD entity declarations are not allowed", is: xccdf.ErrEntity},
		{name: "external entity", file: "bad/external-entity.xml", line: 2, msg: "DTD entity declarations are not allowed", is: xccdf.ErrEntity},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := fixture(t, tc.file)
			start := time.Now()
			_, err := xccdf.Open(path, xccdf.Options{})
			require.Error(t, err)
			var ce *xccdf.ContentError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, path, ce.File)
			if tc.line > 0 {
				assert.Equal(t, tc.line, ce.Line, err.Error())
			} else {
				assert.Positive(t, ce.Line)
			}
			assert.Contains(t, err.Error(), tc.msg)
			if tc.is != nil {
				assert.True(t, errors.Is(err, tc.is), "error %v should match %v", err, tc.is)
			}
			// Refusals are immediate, not the end of a long expansion; a
			// generous bound (loaded CI machines stall for seconds) catches
			// an expansion without timing the parser.
			assert.Less(t, time.Since(start), time.Minute)
		})
	}
}

func TestMissingFile(t *testing.T) {
	_, err := xccdf.Open(filepath.Join(t.TempDir(), "nope.xml"), xccdf.Options{})
	require.Error(t, err)
	assert.ErrorIs(t, err, os.ErrNotExist)
	assert.Contains(t, err.Error(), "nope.xml")
}

func TestXCCDF11Fixture(t *testing.T) {
	c, err := xccdf.Open(fixture(t, "content/tiny-xccdf11.xml"), xccdf.Options{})
	require.NoError(t, err)
	b := c.Benchmark
	assert.Equal(t, xccdf.KindBenchmark, c.Kind)
	assert.Equal(t, "Release: 2 Benchmark Date: 01 Jan 2026", b.ReleaseInfo)
	require.Len(t, b.Rules, 2)
	r := b.Rules[0]
	assert.Equal(t, xccdf.Identity{
		VulnID: "V-100001", RuleID: "SV-100001r900001_rule", RuleStem: "SV-100001", Revision: "900001",
		STIGID: "TINY-00-000100", CCIs: []string{"CCI-000054"}, LegacyIDs: []string{"V-500001", "SV-600001"},
	}, r.Identity())
	require.NotNil(t, r.DISA)
	assert.Equal(t, "Unlimited sessions exhaust <resource> pools.", r.DISA.VulnDiscussion)
	assert.Equal(t, "Database Administrator", r.DISA.Responsibility)
	assert.Equal(t, `Run "show sessions" & compare with the limit.`, r.CheckText())
	assert.Equal(t, "Set the session limit.", r.FixText())
	assert.Equal(t, 10.0, r.Weight)

	// A rule without idents (old DISA files) still has its ids.
	id2 := b.Rules[1].Identity()
	assert.Equal(t, "V-100002", id2.VulnID)
	assert.Empty(t, id2.CCIs)

	sel, err := xccdf.Resolve(b, nil, "MAC-1_Classified")
	require.NoError(t, err)
	require.Len(t, sel.Rules, 1)
	assert.Equal(t, "SV-100001r900001_rule", sel.Rules[0].ID)
	def, err := xccdf.Resolve(b, nil, "")
	require.NoError(t, err)
	assert.Len(t, def.Rules, 2)
}

func TestProfileResolution(t *testing.T) {
	data, err := builtin.Read(builtin.LinuxBenchmark)
	require.NoError(t, err)
	c, err := xccdf.OpenBytes(data, "linux-xccdf.xml", builtin.FS(), xccdf.Options{})
	require.NoError(t, err)
	b := c.Benchmark
	const maxDays = "xccdf_io.stigscan_value_pass_max_days"

	tests := []struct {
		name      string
		profile   string
		tailoring bool
		rules     int
		value     string
	}{
		{name: "default", profile: "", rules: 8, value: "90"},
		{name: "baseline refine-value", profile: "xccdf_io.stigscan_profile_baseline", rules: 8, value: "60"},
		{name: "extends and deselect", profile: "xccdf_io.stigscan_profile_offline", rules: 7, value: "60"},
		{name: "suffix", profile: "offline", rules: 7, value: "60"},
		{name: "tailoring set-value", profile: "xccdf_io.stigscan_profile_tailored", tailoring: true, rules: 7, value: "99999"},
	}
	tl, err := xccdf.OpenTailoring(fixture(t, "content/tailoring.xml"))
	require.NoError(t, err)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var tt *xccdf.Tailoring
			if tc.tailoring {
				tt = tl
			}
			sel, err := xccdf.Resolve(b, tt, tc.profile)
			require.NoError(t, err)
			assert.Len(t, sel.Rules, tc.rules)
			assert.Equal(t, tc.value, sel.Values[maxDays])
			assert.Empty(t, sel.Problems)
		})
	}

	_, err = xccdf.Resolve(b, nil, "nope")
	require.Error(t, err)
	assert.ErrorIs(t, err, xccdf.ErrNotFound)
	assert.Contains(t, err.Error(), "xccdf_io.stigscan_profile_baseline", "the error lists the profiles there are")
}

func TestDataStreamFixture(t *testing.T) {
	c, err := xccdf.Open(fixture(t, "content/linux-ds.xml"), xccdf.Options{})
	require.NoError(t, err)
	assert.Equal(t, xccdf.KindDataStream, c.Kind)
	require.NotNil(t, c.Benchmark)
	assert.Len(t, c.Benchmark.Rules, 8)
	cc, err := c.CheckContent("linux-oval.xml")
	require.NoError(t, err)
	assert.Equal(t, "oval_definitions", cc.Root.Local)
	assert.Equal(t, xccdf.NSOVALDefinitions, cc.Root.Space)
	// The component is a standalone document that parses on its own.
	sub, err := xccdf.OpenBytes(cc.Data, "component", nil, xccdf.Options{})
	require.NoError(t, err)
	assert.Equal(t, xccdf.KindOVAL, sub.Kind)

	_, err = c.CheckContent("missing.xml")
	require.Error(t, err)
	assert.ErrorIs(t, err, xccdf.ErrNotFound)

	_, err = xccdf.Open(fixture(t, "content/linux-ds.xml"), xccdf.Options{DataStreamID: "nope"})
	assert.ErrorIs(t, err, xccdf.ErrNotFound)
}

func TestPlainBenchmarkResolvesFileBeside(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"linux-xccdf.xml", "linux-oval.xml"} {
		data, err := builtin.Read(name)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), data, 0o644))
	}
	c, err := xccdf.Open(filepath.Join(dir, "linux-xccdf.xml"), xccdf.Options{})
	require.NoError(t, err)
	cc, err := c.CheckContent("linux-oval.xml")
	require.NoError(t, err)
	assert.Equal(t, "oval_definitions", cc.Root.Local)
}

func TestDISASCAPDataStream(t *testing.T) {
	p := filepath.Join(testutil.SharedContent(t, "disa-scap"), "U_RHEL_9_V2R9_STIG_SCAP_1-3_Benchmark.xml")
	c, err := xccdf.Open(p, xccdf.Options{})
	require.NoError(t, err)
	assert.Equal(t, xccdf.KindDataStream, c.Kind)
	assert.Len(t, c.Benchmark.Rules, 392)
	refs := c.Benchmark.CheckRefs()
	require.NotEmpty(t, refs)
	for _, ref := range refs {
		cc, err := c.CheckContent(ref.Href)
		require.NoError(t, err, ref.Href)
		assert.NotEmpty(t, cc.Data)
	}
	r := c.Benchmark.Rules[0]
	assert.Regexp(t, `^V-\d+$`, r.Identity().VulnID)
	assert.Regexp(t, `^SV-\d+r\d+_rule$`, r.Identity().RuleID)
	assert.NotEmpty(t, c.Dictionaries())
}
