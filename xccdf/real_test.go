package xccdf_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/internal/testutil"
	"github.com/stigscan/stigscan/xccdf"
)

var ruleElem = regexp.MustCompile(`<(?:[A-Za-z0-9_.-]+:)?Rule[\s>]`)

// Every real DISA file parses, and the parser sees every <Rule> in it.
func TestRealDISAContentParses(t *testing.T) {
	var files []string
	for _, sub := range []string{"disa-manual", "disa-scap"} {
		dir := testutil.SharedContent(t, sub)
		m, err := filepath.Glob(filepath.Join(dir, "*.xml"))
		require.NoError(t, err)
		files = append(files, m...)
	}
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			c, err := xccdf.Open(f, xccdf.Options{})
			require.NoError(t, err)
			require.NotNil(t, c.Benchmark)
			raw, err := os.ReadFile(f)
			require.NoError(t, err)
			want := len(ruleElem.FindAll(raw, -1))
			assert.Equal(t, want, len(c.Benchmark.Rules), "rules parsed vs <Rule> elements in the file")
			for _, r := range c.Benchmark.Rules {
				id := r.Identity()
				assert.NotEmpty(t, id.VulnID, "rule %s has no Vuln-ID", r.ID)
				assert.Regexp(t, `^SV-\d+r\d+_rule$`, id.RuleID)
				assert.NotEmpty(t, id.STIGID, r.ID)
				require.NotNil(t, r.DISA, "rule %s description is not DISA-form", r.ID)
			}
			// Every profile resolves.
			for _, p := range c.Benchmark.Profiles {
				sel, err := xccdf.Resolve(c.Benchmark, nil, p.ID)
				require.NoError(t, err)
				assert.Empty(t, sel.Problems)
			}
		})
	}
}

func openShared(t *testing.T, rel string) *xccdf.Benchmark {
	t.Helper()
	p := filepath.Join(testutil.SharedContent(t, filepath.Dir(rel)), filepath.Base(rel))
	c, err := xccdf.Open(p, xccdf.Options{})
	require.NoError(t, err)
	return c.Benchmark
}

func ruleByVuln(b *xccdf.Benchmark, vuln string) *xccdf.Rule {
	for _, r := range b.Rules {
		if r.Identity().VulnID == vuln {
			return r
		}
	}
	return nil
}

func TestDISAIdentity(t *testing.T) {
	tests := []struct {
		name, file, vuln string
		want             xccdf.Identity
		severity         string
	}{
		{
			name: "mongodb 4.x V1R3", file: "disa-manual/U_MDB_Enterprise_Advanced_4-x_STIG_V1R3_Manual-xccdf.xml", vuln: "V-252170",
			want:     xccdf.Identity{VulnID: "V-252170", RuleID: "SV-252170r879673_rule", RuleStem: "SV-252170", Revision: "879673", STIGID: "MD4X-00-004400", CCIs: []string{"CCI-002361"}},
			severity: "medium",
		},
		{
			name: "oracle 12c V2R1", file: "disa-manual/U_Oracle_Database_12c_STIG_V2R1_Manual-xccdf.xml", vuln: "V-220295",
			want:     xccdf.Identity{VulnID: "V-220295", RuleID: "SV-220295r397729_rule", RuleStem: "SV-220295", Revision: "397729", STIGID: "O121-C2-017600", CCIs: []string{"CCI-001185"}, LegacyIDs: []string{"SV-76255", "V-61765"}},
			severity: "medium",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := openShared(t, tc.file)
			r := ruleByVuln(b, tc.vuln)
			require.NotNil(t, r, "no rule for %s", tc.vuln)
			assert.Equal(t, tc.want, r.Identity())
			assert.Equal(t, tc.severity, r.Severity)
			require.NotNil(t, r.DISA)
			assert.NotEmpty(t, r.DISA.VulnDiscussion)
			assert.False(t, strings.Contains(r.DISA.VulnDiscussion, "<VulnDiscussion>"))
			assert.Equal(t, "false", r.DISA.Documentable)
			assert.NotEmpty(t, r.CheckText())
			assert.NotEmpty(t, r.FixText())
		})
	}
}

func TestMatchRulesAcrossReleases(t *testing.T) {
	v1 := openShared(t, "disa-manual/U_MDB_Enterprise_Advanced_4-x_STIG_V1R1_Manual-xccdf.xml")
	v3 := openShared(t, "disa-manual/U_MDB_Enterprise_Advanced_4-x_STIG_V1R3_Manual-xccdf.xml")
	pairs := xccdf.MatchRules(v1, v3)
	inBoth := 0
	old := map[string]bool{}
	for _, r := range v1.Rules {
		old[r.Identity().VulnID] = true
	}
	revChanged := 0
	for _, r := range v3.Rules {
		if old[r.Identity().VulnID] {
			inBoth++
		}
	}
	require.Equal(t, inBoth, len(pairs), "every rule present in both releases pairs")
	for _, p := range pairs {
		assert.Equal(t, p.Old.Identity().VulnID, p.New.Identity().VulnID)
		if p.Old.ID != p.New.ID {
			revChanged++
		}
	}
	t.Logf("%d rules paired, %d of them with a changed Rule-ID revision", len(pairs), revChanged)
}

func TestOracleLegacyMatch(t *testing.T) {
	// Releases of Oracle 12c are matched whatever their revisions.
	a := openShared(t, "disa-manual/U_Oracle_Database_12c_STIG_V2R1_Manual-xccdf.xml")
	b := openShared(t, "disa-manual/U_Oracle_Database_12c_STIG_V2R9_Manual-xccdf.xml")
	pairs := xccdf.MatchRules(a, b)
	assert.Greater(t, len(pairs), len(b.Rules)*9/10)
	for _, p := range pairs {
		if p.New.Identity().VulnID == "V-220295" {
			assert.Equal(t, "V-220295", p.Old.Identity().VulnID)
			return
		}
	}
	t.Fatal("V-220295 not paired between V2R1 and V2R9")
}

func TestReleaseInfo(t *testing.T) {
	b := openShared(t, "disa-manual/U_MDB_Enterprise_Advanced_4-x_STIG_V1R3_Manual-xccdf.xml")
	assert.Equal(t, "MongoDB_Enterprise_Advanced_4-x_STIG", b.ID)
	assert.Equal(t, "1", b.Version)
	assert.True(t, bytes.HasPrefix([]byte(b.ReleaseInfo), []byte("Release: 3 ")), b.ReleaseInfo)
	assert.Equal(t, xccdf.NS11, b.Namespace)
}
