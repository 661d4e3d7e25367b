package postgrestest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/builtin"
	"github.com/stigscan/stigscan/builtin/internal/checktest"
	"github.com/stigscan/stigscan/collectors/local"
	"github.com/stigscan/stigscan/collectors/postgres"
	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/internal/testutil"
	"github.com/stigscan/stigscan/oval"
	"github.com/stigscan/stigscan/oval/probes/list"
	"github.com/stigscan/stigscan/report/arf"
	"github.com/stigscan/stigscan/report/jsonres"
	"github.com/stigscan/stigscan/xccdf"
)

// running is a fixture's server, started, set up and ready to scan.
type running struct {
	fixture
	c    *cluster
	root string
}

func startFixture(t testing.TB, f fixture) *running {
	t.Helper()
	if _, err := os.Stat("/usr/lib/postgresql/15/lib/pgaudit.so"); err != nil && f.name == "passing" {
		t.Skip("pgaudit is not installed (Debian package postgresql-15-pgaudit): the passing fixture loads it")
	}
	c := newCluster(t)
	c.start(t, f.settings(c), f.hba)
	for _, s := range f.setup {
		db, stmt, _ := strings.Cut(s, ":")
		c.exec(t, db, stmt)
	}
	return &running{fixture: f, c: c, root: buildRoot(t, f.root(c))}
}

// open connects to the fixture's database as the scan role, with the
// offline root as the server machine.
func (r *running) open(t testing.TB, db string) *postgres.Target {
	t.Helper()
	cfg := postgres.Config{}
	mode := "verify-full"
	if r.password != "" {
		mode = "disable"
		t.Setenv("STIGSCAN_TEST_PG_PASSWORD", r.password)
		pw, err := postgres.SecretFromEnv("STIGSCAN_TEST_PG_PASSWORD")
		require.NoError(t, err)
		cfg.Password = pw
	} else {
		cfg.SSLRootCert, cfg.SSLCert, cfg.SSLKey = r.c.certs.ca, r.c.certs.clientCert, r.c.certs.clientKey
	}
	ep, err := postgres.ParseTarget(fmt.Sprintf("postgres://scanner@127.0.0.1:%d/%s?sslmode=%s", r.c.port, db, mode))
	require.NoError(t, err)
	files, err := local.NewRoot(r.root)
	require.NoError(t, err)
	tg, err := postgres.Open(context.Background(), ep, cfg, files)
	require.NoError(t, err)
	t.Cleanup(func() { _ = tg.Close() })
	return tg
}

// release is one DISA STIG with built-in PostgreSQL checks: its generated
// benchmark, DISA's Manual XCCDF it binds to, and what the tests expect
// of it.
type release struct {
	name      string // short name, as in --stig
	benchmark string // builtin file of the generated benchmark
	disa      string // DISA's Manual XCCDF (shared content)
	written   string // the release the checks say they were written against
	rules     int    // DISA's rule count
	minAuto   int    // percent of rules automated or partly automated, at least
	idleVuln  string // the session termination rule, whose evidence lists sessions
}

// releases are the PostgreSQL STIGs: 9.x as before, and the Crunchy Data
// releases DISA writes for PostgreSQL 12 to 16.
var releases = []release{
	{name: "postgres-9x", benchmark: builtin.Postgres9xBenchmark, disa: "U_PGS_SQL_9-x_STIG_V2R5_Manual-xccdf.xml",
		written: "V2R5", rules: 110, minAuto: 80, idleVuln: "V-214147"},
	{name: "crunchy-pg", benchmark: builtin.CrunchyPGBenchmark, disa: "U_CD_PGSQL_STIG_V3R1_Manual-xccdf.xml",
		written: "V3R1", rules: 113, minAuto: 85, idleVuln: "V-233613"},
	{name: "postgres-16", benchmark: builtin.Postgres16Benchmark, disa: "U_CD_Postgres_16_STIG_V1R1_Manual-xccdf.xml",
		written: "V1R1", rules: 111, minAuto: 85, idleVuln: "V-261910"},
}

// builtinContent opens a built-in PostgreSQL benchmark.
func builtinContent(t testing.TB, benchmark string) *xccdf.Content {
	t.Helper()
	data, err := builtin.Read(benchmark)
	require.NoError(t, err)
	c, err := xccdf.OpenBytes(data, "builtin:"+benchmark, builtin.FS(), xccdf.Options{})
	require.NoError(t, err)
	return c
}

// prepare prepares a built-in benchmark under the fixture's tailoring.
// extra values override the fixture's.
func (r *running) prepare(t testing.TB, benchmark string, extra ...map[string]string) *engine.Benchmark {
	t.Helper()
	content := builtinContent(t, benchmark)
	values := r.values(r.c)
	for _, e := range extra {
		for k, v := range e {
			values[k] = v
		}
	}
	// The fixtures' policy covers every release; a release's tailoring
	// sets only the Values its benchmark has (9.x has no Value for
	// listen_addresses, for example).
	known := map[string]bool{}
	for _, v := range content.Benchmark.Values {
		known[v.ID] = true
	}
	for k := range values {
		if !known["xccdf_io.stigscan_value_"+k] {
			delete(values, k)
		}
	}
	path, profile := tailoring(t, r.name, benchmark, values)
	tl, err := xccdf.OpenTailoring(path)
	require.NoError(t, err)
	sel, err := xccdf.Resolve(content.Benchmark, tl, profile)
	require.NoError(t, err)
	require.Empty(t, sel.Problems)
	b, err := engine.Prepare(context.Background(), content, sel, engine.Options{Probes: list.Standard()})
	require.NoError(t, err)
	return b
}

// TestBuiltinChecks scans the passing and the failing server with each
// release's built-in checks: every automated rule passes (fails), every
// manual one is notchecked. One server per fixture serves all releases.
func TestBuiltinChecks(t *testing.T) {
	for _, tc := range []struct {
		f    fixture
		want engine.Status
	}{{passing, engine.Pass}, {failing, engine.Fail}} {
		t.Run(tc.f.name, func(t *testing.T) {
			r := startFixture(t, tc.f)
			for _, rel := range releases {
				t.Run(rel.name, func(t *testing.T) {
					content := builtinContent(t, rel.benchmark)
					var auto, manual int
					for _, rule := range content.Benchmark.Rules {
						if len(rule.Checks) > 0 {
							auto++
						} else {
							manual++
						}
					}
					assert.Equal(t, rel.rules, auto+manual, "one rule per DISA Vuln-ID")
					assert.GreaterOrEqual(t, auto*100/(auto+manual), rel.minAuto, "at least %d%% of the rules automated or partly automated", rel.minAuto)

					b := r.prepare(t, rel.benchmark)
					tg := r.open(t, "fixture")
					start := time.Now()
					res, err := b.Evaluate(context.Background(), tg)
					elapsed := time.Since(start)
					require.NoError(t, err)
					t.Logf("%s on the %s server: %d rules evaluated in %s", rel.name, tc.f.name, len(res.Rules), elapsed)
					want := checktest.Expected(content, tc.want)
					assert.Equal(t, want, checktest.Statuses(res, checktest.RuleID), checktest.Explain(res, want, checktest.RuleID))
					counts := res.Counts()
					assert.Equal(t, auto, counts[tc.want])
					assert.Equal(t, manual, counts[engine.NotChecked])
					checkNoSecret(t, res, r)
					if tc.f.name == "passing" {
						// The sessions the idle rule examined are its evidence.
						rr := checktest.RuleByVuln(res, rel.idleVuln)
						require.NotNil(t, rr)
						assert.Contains(t, strings.Join(rr.Evidence, "\n"), "idle_seconds=")
					}
				})
			}
		})
	}
}

// checkNoSecret looks for the scan role's password in everything a scan
// produces: rule results, evidence, messages, OVAL results and the
// server's log.
func checkNoSecret(t *testing.T, res *engine.Result, r *running) {
	t.Helper()
	secrets := []string{r.c.adminPW}
	if r.password != "" {
		secrets = append(secrets, r.password)
	}
	var all strings.Builder
	for _, rep := range res.OVAL {
		data, err := oval.ResultsBytes(rep.Results, oval.WriteOptions{})
		require.NoError(t, err)
		all.Write(data)
	}
	for _, rr := range res.Rules {
		for _, m := range rr.Messages {
			all.WriteString(m.Text + "\n")
		}
		all.WriteString(strings.Join(rr.Evidence, "\n"))
	}
	for _, rr := range res.Rules {
		if rr.Check != nil {
			for _, ex := range rr.Check.Exports {
				all.WriteString(ex.Value + "\n")
			}
		}
	}
	all.WriteString(res.Target.String())
	// What a scan writes: ARF (with the OVAL results and collected items)
	// and the JSON results.
	var out bytes.Buffer
	require.NoError(t, arf.Writer{}.Write(&out, res))
	require.NoError(t, jsonres.Writer{}.Write(&out, res))
	require.Contains(t, out.String(), "sql57_item")
	all.Write(out.Bytes())
	for _, s := range secrets {
		assert.NotContains(t, all.String(), s, "a secret reached the results")
	}
	if r.password != "" {
		assert.NotContains(t, r.c.log(), r.password, "the password reached the server log")
	}
}

// TestImportDISA binds each of DISA's manual PostgreSQL benchmarks to the
// built-in checks of its release by Vuln-ID and scans the passing server
// with it: the results say which check decided each rule and which
// release it was written against.
func TestImportDISA(t *testing.T) {
	dir := testutil.SharedContent(t, "disa-manual")
	r := startFixture(t, passing)
	values := map[string]string{}
	for k, v := range r.values(r.c) {
		values["xccdf_io.stigscan_value_"+k] = v
	}
	for _, rel := range releases {
		t.Run(rel.name, func(t *testing.T) {
			disa, err := xccdf.Open(filepath.Join(dir, rel.disa), xccdf.Options{})
			require.NoError(t, err)
			sel, err := xccdf.Resolve(disa.Benchmark, nil, "")
			require.NoError(t, err)
			lib := builtinContent(t, rel.benchmark)
			b, err := engine.Prepare(context.Background(), disa, sel, engine.Options{Probes: list.Standard(), Library: []*xccdf.Content{lib}, LibraryValues: values})
			require.NoError(t, err)
			start := time.Now()
			res, err := b.Evaluate(context.Background(), r.open(t, "fixture"))
			elapsed := time.Since(start)
			require.NoError(t, err)
			t.Logf("DISA's %s imported, on the passing server: %d rules evaluated in %s", rel.disa, len(res.Rules), elapsed)
			require.Len(t, res.Rules, rel.rules)

			auto := map[string]string{}
			for _, lr := range lib.Benchmark.Rules {
				if len(lr.Checks) > 0 {
					auto[lr.Identity().VulnID] = lr.ID
				}
			}
			want := map[string]engine.Status{}
			for _, rr := range res.Rules {
				want[rr.Rule.ID] = engine.NotChecked
				if auto[rr.Identity.VulnID] != "" {
					want[rr.Rule.ID] = engine.Pass
				}
			}
			assert.Equal(t, want, checktest.Statuses(res, checktest.RuleID), checktest.Explain(res, want, checktest.RuleID))
			for _, rr := range res.Rules {
				if auto[rr.Identity.VulnID] == "" {
					require.NotNil(t, rr.Check, rr.Identity.VulnID)
					assert.NotEmpty(t, rr.Check.Content, "a manual rule carries DISA's check text")
					continue
				}
				require.NotNil(t, rr.BoundTo, rr.Identity.VulnID)
				assert.Equal(t, rr.Identity.VulnID, rr.BoundTo.Identity().VulnID)
				assert.Equal(t, rr.Identity.STIGID, rr.BoundTo.Identity().STIGID)
				require.NotEmpty(t, rr.Messages, rr.Identity.VulnID)
				msg := rr.Messages[0].Text
				assert.Contains(t, msg, "automated by stigscan check "+auto[rr.Identity.VulnID], rr.Identity.VulnID)
				assert.Contains(t, msg, "written against "+lib.Benchmark.Title, rr.Identity.VulnID)
				assert.Contains(t, msg, rel.written, rr.Identity.VulnID)
				// A partly automated check says what it leaves to a
				// reviewer in the result, which DISA's description does not.
				partly := strings.HasPrefix(rr.BoundTo.Description.Plain(), "Partly automated.")
				var left bool
				for _, m := range rr.Messages {
					left = left || strings.HasPrefix(m.Text, "Left to a reviewer: ")
				}
				assert.Equal(t, partly, left, "%s: a result names what is left to a reviewer exactly when its check is partly automated", rr.Identity.VulnID)
			}
			assert.Equal(t, len(auto), res.Counts()[engine.Pass])
			checkNoSecret(t, res, r)
		})
	}
}
