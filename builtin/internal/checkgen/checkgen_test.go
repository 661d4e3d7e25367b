package checkgen

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func load(t *testing.T) *Source {
	t.Helper()
	s, err := Load("../..")
	require.NoError(t, err)
	return s
}

func release(t *testing.T, s *Source, name string) *Release {
	t.Helper()
	for _, r := range s.Releases {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no release %s", name)
	return nil
}

// TestCoverage: every release maps each of its rules to one check and at
// least 80% of them are automated or partly automated.
func TestCoverage(t *testing.T) {
	s := load(t)
	for _, tc := range []struct {
		name  string
		rules int
	}{{"postgres-9x", 110}, {"mongodb-4x", 52}, {"oracle-12c", 137}, {"mongodb-7x", 50}, {"mariadb-10x", 111}} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := s.Generate(release(t, s, tc.name))
			require.NoError(t, err)
			total := out.Counts[Automated] + out.Counts[Partly] + out.Counts[Manual]
			assert.Equal(t, tc.rules, total)
			assert.GreaterOrEqual(t, float64(out.Counts[Automated]+out.Counts[Partly])/float64(total), 0.80)
		})
	}
	for _, c := range s.Catalogs {
		for _, k := range c.Checks.Keys {
			ch := c.Checks.Items[k]
			assert.NotEmpty(t, ch.Description, k)
			assert.NotContains(t, ch.Title, " must ", "%s: our own short titles, not DISA's wording", k)
		}
	}
}

// TestOneCheckServesTwoReleases maps a second release's rules to the
// checks of postgres-9x, as the Postgres 16 STIG will: the new benchmark
// carries the new ids and the same OVAL logic.
func TestOneCheckServesTwoReleases(t *testing.T) {
	s := load(t)
	old := release(t, s, "postgres-9x")
	next := *old
	next.Name, next.XCCDFFile, next.OVALFile = "postgres-next", "postgres-next-xccdf.xml", "postgres-next-oval.xml"
	next.OVAL.Namespace = "io.stigscan.pgnext"
	next.Coverage = nil
	next.Rules = []Rule{
		{Vuln: "V-999001", RuleID: "SV-999001r1_rule", STIGID: "PGS16-00-000100", Severity: "medium", Check: old.Rules[0].Check, CCIs: []string{"CCI-000382"}},
		{Vuln: "V-999002", RuleID: "SV-999002r1_rule", STIGID: "PGS16-00-000200", Severity: "low", Check: old.Rules[0].Check},
	}
	out, err := s.Generate(&next)
	require.NoError(t, err)
	x := string(out.XCCDF)
	assert.Contains(t, x, `<Group id="xccdf_io.stigscan_group_V-999001">`)
	assert.Contains(t, x, "<version>PGS16-00-000200</version>")
	assert.Contains(t, x, `value-id="xccdf_io.stigscan_value_pg_allowed_ports" export-name="oval:io.stigscan.pgnext:var:1"`)
	o := string(out.OVAL)
	assert.Equal(t, 2, strings.Count(o, "<definition "), "one definition per rule")
	assert.Equal(t, 1, strings.Count(o, "<ind:sql57_test "), "the two rules share the check's test")
	assert.Contains(t, o, "SELECT current_setting('port') AS port")

	next.Rules[1].Check = "no-such-check"
	_, err = s.Generate(&next)
	assert.ErrorContains(t, err, `no check "no-such-check"`)
}

func TestSpliceCoverage(t *testing.T) {
	section := beginMarker("x") + "\nnew\n" + endMarker("x") + "\n"
	assert.Equal(t, "# Coverage of the built-in STIG checks\n\n"+section, string(SpliceCoverage(nil, "x", section)))
	doc := "# C\n\n## Other\n\ntext\n"
	once := SpliceCoverage([]byte(doc), "x", section)
	assert.Equal(t, doc+"\n"+section, string(once))
	again := SpliceCoverage([]byte(strings.Replace(string(once), "new", "old", 1)+"## After\n"), "x", section)
	assert.Equal(t, doc+"\n"+section+"## After\n", string(again))
}

func TestTopCommas(t *testing.T) {
	assert.Equal(t, 1, topCommas("COUNT(*) AS n"))
	assert.Equal(t, 3, topCommas("a, CASE WHEN x IN (1, 2) THEN 'a,b' END AS c, d"))
}

// TestPlatform: a release with a platform gives every rule that platform,
// backed by an inventory definition of its OVAL, and a release without one
// gives none.
func TestPlatform(t *testing.T) {
	s := load(t)
	out, err := s.Generate(release(t, s, "mariadb-10x"))
	require.NoError(t, err)
	x := string(out.XCCDF)
	assert.Contains(t, x, `<cpe-lang:platform id="mariadb">`)
	assert.Contains(t, x, `<cpe-lang:check-fact-ref system="http://oval.mitre.org/XMLSchema/oval-definitions-5" href="mariadb-10x-oval.xml" id-ref="oval:io.stigscan.mariadb10x:def:`)
	assert.Equal(t, 111, strings.Count(x, `<platform idref="#mariadb"/>`), "every rule carries the platform")
	assert.Equal(t, 1, strings.Count(string(out.OVAL), `class="inventory"`))

	old, err := s.Generate(release(t, s, "postgres-16"))
	require.NoError(t, err)
	assert.NotContains(t, string(old.XCCDF), "cpe-lang")
	assert.NotContains(t, string(old.XCCDF), "<platform ")

	bad := *release(t, s, "mariadb-10x")
	bad.Platform = &Platform{ID: "x"}
	_, err = s.Generate(&bad)
	assert.ErrorContains(t, err, "a platform needs an id and criteria")
}
