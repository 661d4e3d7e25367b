package mongodb_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/builtin"
	"github.com/stigscan/stigscan/collectors/host"
	mdb "github.com/stigscan/stigscan/collectors/mongodb"
	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/internal/testferret"
	"github.com/stigscan/stigscan/internal/testlog"
	"github.com/stigscan/stigscan/internal/testutil"
	"github.com/stigscan/stigscan/oval"
	"github.com/stigscan/stigscan/report/arf"
	"github.com/stigscan/stigscan/report/jsonres"
	"github.com/stigscan/stigscan/xccdf"
)

// stig7Rules is every rule of the built-in MongoDB 7.x benchmark: DISA's
// Vuln-ID, Rule-ID (V1R1) and STIG-ID, and how far stigscan decides it.
var stig7Rules = []struct {
	vuln, rule, stigID string
	auto               automation
}{
	{"V-265905", "SV-265905r1028704_rule", "MD7X-00-000200", automated},
	{"V-265906", "SV-265906r1028504_rule", "MD7X-00-000300", partly},
	{"V-265907", "SV-265907r1028717_rule", "MD7X-00-000400", partly},
	{"V-265908", "SV-265908r1028718_rule", "MD7X-00-002000", automated},
	{"V-265909", "SV-265909r1028719_rule", "MD7X-00-002300", automated},
	{"V-265910", "SV-265910r1028793_rule", "MD7X-00-002600", manual},
	{"V-265911", "SV-265911r1028721_rule", "MD7X-00-002700", automated},
	{"V-265912", "SV-265912r1028522_rule", "MD7X-00-002800", partly},
	{"V-265913", "SV-265913r1028525_rule", "MD7X-00-002900", automated},
	{"V-265914", "SV-265914r1028528_rule", "MD7X-00-003000", partly},
	{"V-265915", "SV-265915r1028531_rule", "MD7X-00-003200", automated},
	{"V-265916", "SV-265916r1028534_rule", "MD7X-00-003600", partly},
	{"V-265917", "SV-265917r1028796_rule", "MD7X-00-003800", automated},
	{"V-265918", "SV-265918r1028797_rule", "MD7X-00-003900", automated},
	{"V-265919", "SV-265919r1028543_rule", "MD7X-00-004100", automated},
	{"V-265920", "SV-265920r1028546_rule", "MD7X-00-004200", partly},
	{"V-265921", "SV-265921r1028798_rule", "MD7X-00-004300", manual},
	{"V-265922", "SV-265922r1028799_rule", "MD7X-00-004400", automated},
	{"V-265923", "SV-265923r1028800_rule", "MD7X-00-004500", partly},
	{"V-265924", "SV-265924r1028722_rule", "MD7X-00-004600", partly},
	{"V-265925", "SV-265925r1028561_rule", "MD7X-00-004900", automated},
	{"V-265926", "SV-265926r1028802_rule", "MD7X-00-005200", automated},
	{"V-265927", "SV-265927r1028567_rule", "MD7X-00-005400", manual},
	{"V-265928", "SV-265928r1028570_rule", "MD7X-00-005500", automated},
	{"V-265929", "SV-265929r1028804_rule", "MD7X-00-005700", automated},
	{"V-265930", "SV-265930r1028805_rule", "MD7X-00-005800", automated},
	{"V-265931", "SV-265931r1028807_rule", "MD7X-00-006000", partly},
	{"V-265932", "SV-265932r1028808_rule", "MD7X-00-006100", automated},
	{"V-265933", "SV-265933r1028585_rule", "MD7X-00-006200", automated},
	{"V-265934", "SV-265934r1028811_rule", "MD7X-00-006400", partly},
	{"V-265935", "SV-265935r1031272_rule", "MD7X-00-006700", automated},
	{"V-265936", "SV-265936r1028813_rule", "MD7X-00-006800", partly},
	{"V-265938", "SV-265938r1028600_rule", "MD7X-00-007200", manual},
	{"V-265939", "SV-265939r1028603_rule", "MD7X-00-007300", manual},
	{"V-265940", "SV-265940r1028815_rule", "MD7X-00-007400", manual},
	{"V-265941", "SV-265941r1028609_rule", "MD7X-00-007700", partly},
	{"V-265942", "SV-265942r1028817_rule", "MD7X-00-007800", partly},
	{"V-265943", "SV-265943r1028615_rule", "MD7X-00-008000", partly},
	{"V-265945", "SV-265945r1028621_rule", "MD7X-00-008300", automated},
	{"V-265946", "SV-265946r1028723_rule", "MD7X-00-008400", partly},
	{"V-265947", "SV-265947r1028627_rule", "MD7X-00-008500", partly},
	{"V-265948", "SV-265948r1028630_rule", "MD7X-00-008800", automated},
	{"V-265949", "SV-265949r1028633_rule", "MD7X-00-008900", automated},
	{"V-265950", "SV-265950r1028819_rule", "MD7X-00-009000", partly},
	{"V-265951", "SV-265951r1028639_rule", "MD7X-00-009100", automated},
	{"V-265952", "SV-265952r1028821_rule", "MD7X-00-009300", partly},
	{"V-265953", "SV-265953r1028645_rule", "MD7X-00-012400", partly},
	{"V-265954", "SV-265954r1028648_rule", "MD7X-00-012500", partly},
	{"V-265972", "SV-265972r1028826_rule", "MD7X-00-009200", partly},
	{"V-265973", "SV-265973r1028715_rule", "MD7X-00-000150", automated},
}

// The 7.x reply sets: replies of a mongod 7.0 as MongoDB documents them
// (mongod70) over the 4.x fixture's machine (stig-pass), and for the
// failing set the 4.x failing machine (stig-fail) with the failing 7.x
// replies and mongod.conf (stig7-fail). Later directories override
// earlier ones, so no 4.4 reply is left in either set.
var (
	mongod7Pass = []string{"stig-pass", "mongod70", "stig7-pass"}
	mongod7Fail = []string{"stig-pass", "stig-fail", "mongod70", "stig7-fail"}
)

func openBuiltin7(t *testing.T) *xccdf.Content {
	t.Helper()
	data, err := builtin.Read(builtin.MongoDB7xBenchmark)
	require.NoError(t, err)
	c, err := xccdf.OpenBytes(data, builtin.MongoDB7xBenchmark, builtin.FS(), xccdf.Options{})
	require.NoError(t, err)
	return c
}

// scanBuiltin7 evaluates the built-in 7.x benchmark, tailored by the
// set's tailoring file, on h, and logs how long the evaluation took.
func scanBuiltin7(t *testing.T, tailoring, profile string, h host.Host) *engine.Result {
	t.Helper()
	c := openBuiltin7(t)
	var tl *xccdf.Tailoring
	if tailoring != "" {
		var err error
		tl, err = xccdf.OpenTailoring(tailoring)
		require.NoError(t, err)
	}
	sel, err := xccdf.Resolve(c.Benchmark, tl, profile)
	require.NoError(t, err)
	b, err := engine.Prepare(context.Background(), c, sel, engineOptions())
	require.NoError(t, err)
	start := time.Now()
	res, err := b.Evaluate(context.Background(), h)
	require.NoError(t, err)
	t.Logf("mongodb-7x: %d rules evaluated on %s in %v", len(res.Rules), h.Describe(), time.Since(start))
	return res
}

// The tailored 7.0 reply sets pass and fail every automated and partly
// automated rule of the 7.x benchmark; manual rules are notchecked either
// way.
func TestBuiltin7xPassAndFail(t *testing.T) {
	sets := []struct {
		name, tailoring, profile string
		dirs                     []string
		want                     engine.Status
	}{
		{name: "pass", dirs: mongod7Pass, tailoring: "stig7-pass/tailoring.xml", profile: "xccdf_io.stigscan_profile_mongodb_pass", want: engine.Pass},
		{name: "fail", dirs: mongod7Fail, tailoring: "stig7-fail/tailoring.xml", profile: "xccdf_io.stigscan_profile_mongodb_fail", want: engine.Fail},
	}
	for _, set := range sets {
		t.Run(set.name, func(t *testing.T) {
			h := replays(t, set.dirs...)
			res := scanBuiltin7(t, filepath.Join("testdata", set.tailoring), set.profile, h)
			got := byRule(res)
			require.Len(t, res.Rules, len(stig7Rules))
			for _, r := range stig7Rules {
				t.Run(r.vuln, func(t *testing.T) {
					rr := got[r.rule]
					require.NotNil(t, rr, r.rule)
					assert.Equal(t, r.vuln, rr.Identity.VulnID)
					assert.Equal(t, r.stigID, rr.Identity.STIGID)
					want := set.want
					if r.auto == manual {
						want = engine.NotChecked
					}
					assert.Equal(t, want, rr.Status, "%s", messages(rr))
					if r.auto != manual {
						assert.NotEmpty(t, rr.Evidence, "an automated rule shows what it examined")
					}
				})
			}
			// Every command the 7.x checks sent passed the collector's
			// read-only allow-list (the replay refuses any other), and the
			// new reads were asked.
			asked := strings.Join(h.Asked(), "\n")
			assert.Contains(t, asked, "admin aggregate.$currentOp")
			assert.Contains(t, asked, "config aggregate.$listSessions")
		})
	}
}

// V-265933's organization-defined answers are the 4.x Values: whether
// termination is required and the idle limit decide what the session
// timeouts in force and configured, the logical sessions, the idle
// sessions holding transactions and the session powers must satisfy.
func TestSessionTermination7xValues(t *testing.T) {
	const (
		required = "xccdf_io.stigscan_value_mdb_session_termination_required"
		limit    = "xccdf_io.stigscan_value_mdb_session_idle_limit_minutes"
		admins   = "xccdf_io.stigscan_value_mdb_admin_principals"
		rule     = "SV-265933r1028585_rule"
	)
	idleTxn := append(append([]string(nil), mongod7Pass...), "idle-transaction")
	tests := []struct {
		name   string
		sets   []string
		values map[string]string
		want   engine.Status
		why    string
	}{
		{name: "defaults on the passing set", sets: mongod7Pass, want: engine.Pass, why: "timeInactiveMicros"},
		{name: "defaults on the failing set", sets: mongod7Fail, want: engine.Fail, why: "idle_minutes=2715145"},
		{name: "termination not required", sets: mongod7Fail, values: map[string]string{required: "false"}, want: engine.Pass},
		{name: "limit below the timeout in force", sets: mongod7Pass, values: map[string]string{limit: "10"}, want: engine.Fail, why: "localLogicalSessionTimeoutMinutes value=15 source=startup → false"},
		{name: "limit below a session's idle time", sets: mongod7Pass, values: map[string]string{limit: "5"}, want: engine.Fail, why: "user=app@inventory last_use=2026-11-22T11:52:10Z idle_minutes=7 → false"},
		{name: "configured timeout above the limit", sets: mongod7Fail, want: engine.Fail, why: "setParameter.localLogicalSessionTimeoutMinutes"},
		{name: "a transaction idle beyond the limit", sets: idleTxn, want: engine.Fail, why: "value=2700000000 → false"},
		{name: "the same transaction within a longer limit", sets: idleTxn, values: map[string]string{limit: "60"}, want: engine.Pass},
		{name: "no authorized administrator can end sessions", sets: mongod7Pass, values: map[string]string{admins: "^admin\\.monitor$"}, want: engine.Fail, why: "an authorized administrator holds killAnySession on the cluster"},
		{name: "session powers outside the administrators", sets: mongod7Fail, values: map[string]string{required: "true"}, want: engine.Fail, why: "user=inventory.app"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := openBuiltin7(t)
			sel, err := xccdf.Resolve(c.Benchmark, nil, "")
			require.NoError(t, err)
			for k, v := range tc.values {
				_, ok := sel.Values[k]
				require.True(t, ok, k)
				sel.Values[k] = v
			}
			b, err := engine.Prepare(context.Background(), c, sel, engineOptions())
			require.NoError(t, err)
			res, err := b.Evaluate(context.Background(), replays(t, tc.sets...))
			require.NoError(t, err)
			rr := byRule(res)[rule]
			require.NotNil(t, rr)
			assert.Equal(t, tc.want, rr.Status, messages(rr))
			assert.Contains(t, messages(rr), tc.why)
		})
	}
}

// pass7Values are the passing 7.x fixture's tailoring, as library
// overrides.
var pass7Values = map[string]string{
	"xccdf_io.stigscan_value_mdb_security_labeling_required": "true",
	"xccdf_io.stigscan_value_mdb_ldap_required":              "true",
	"xccdf_io.stigscan_value_mdb_audit_destination_pattern":  "^file$",
	"xccdf_io.stigscan_value_mdb_minimum_version":            "7.0.14",
	"xccdf_io.stigscan_value_mdb_minimum_supported_version":  "7.0",
}

// Importing DISA's 7.x V1R1 Manual XCCDF with both MongoDB libraries binds
// each automated rule to its 7.x check by Vuln-ID (the result says which
// check and which release it was written against); DISA's 4.x V1R3 bound
// through the same two libraries keeps its 4.x checks. Manual rules stay
// notchecked with DISA's check text.
func TestDISA7xBindsToBuiltinChecks(t *testing.T) {
	libs := []*xccdf.Content{openBuiltin(t), openBuiltin7(t)}
	dir := testutil.SharedContent(t, "disa-manual")
	cases := []struct {
		name, file, release string
		rules               map[string]automation
		bound               map[string]string
		host                []string
		values              map[string]string
	}{
		{name: "7.x V1R1", file: "U_MongoDB_Enterprise_Advanced_7-x_STIG_V1R1_Manual-xccdf.xml", release: "Release: 1", host: mongod7Pass, values: pass7Values},
		{name: "4.x V1R3", file: "U_MDB_Enterprise_Advanced_4-x_STIG_V1R3_Manual-xccdf.xml", release: "Release: 3", host: []string{"mongod44", "stig-pass"}, values: passValues},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wantAuto := map[string]automation{}
			builtinRule := map[string]string{}
			if strings.Contains(tc.file, "7-x") {
				for _, r := range stig7Rules {
					wantAuto[r.vuln], builtinRule[r.vuln] = r.auto, "xccdf_io.stigscan_rule_"+r.rule
				}
			} else {
				for _, r := range stigRules {
					wantAuto[r.vuln], builtinRule[r.vuln] = r.auto, "xccdf_io.stigscan_rule_"+r.rule
				}
			}
			c, err := xccdf.Open(filepath.Join(dir, tc.file), xccdf.Options{})
			require.NoError(t, err)
			sel, err := xccdf.Resolve(c.Benchmark, nil, "MAC-1_Classified")
			require.NoError(t, err)
			opts := engineOptions()
			opts.Library = libs
			opts.LibraryValues = tc.values
			b, err := engine.Prepare(context.Background(), c, sel, opts)
			require.NoError(t, err)
			res, err := b.Evaluate(context.Background(), replays(t, tc.host...))
			require.NoError(t, err)
			require.Len(t, res.Rules, len(wantAuto))
			for _, rr := range res.Rules {
				vuln := rr.Identity.VulnID
				auto, ok := wantAuto[vuln]
				require.True(t, ok, "unknown Vuln-ID %s", vuln)
				require.NotNil(t, rr.Check, vuln)
				assert.NotEmpty(t, rr.Check.Content, "%s keeps DISA's check text", vuln)
				if auto == manual {
					assert.Equal(t, engine.NotChecked, rr.Status, vuln)
					assert.Nil(t, rr.BoundTo, vuln)
					continue
				}
				require.NotNil(t, rr.BoundTo, vuln)
				assert.Equal(t, builtinRule[vuln], rr.BoundTo.ID, vuln)
				assert.Equal(t, engine.Pass, rr.Status, "%s: %s", vuln, messages(rr))
				require.NotEmpty(t, rr.Messages, vuln)
				assert.True(t, strings.Contains(rr.Messages[0].Text, "matched by vuln-id") && strings.Contains(rr.Messages[0].Text, tc.release), rr.Messages[0].Text)
			}
		})
	}
}

// The built-in 7.x checks against a real MongoDB-protocol server
// (FerretDB) reached over the network only: what FerretDB lacks
// (rolesInfo, $listSessions, $currentOp's idle sessions) becomes an error
// that says so, the settings come from the running server, and no secret
// reaches any output.
func TestBuiltin7xOnFerretDB(t *testing.T) {
	tg, sink := openFerret(t)
	defer tg.Close()
	res := scanBuiltin7(t, "testdata/stig7-fail/tailoring.xml", "xccdf_io.stigscan_profile_mongodb_fail", tg)
	got := byRule(res)
	require.Len(t, res.Rules, len(stig7Rules))
	for _, r := range stig7Rules {
		rr := got[r.rule]
		require.NotNil(t, rr, r.vuln)
		if r.auto == manual {
			assert.Equal(t, engine.NotChecked, rr.Status, r.vuln)
		}
	}
	sessions := got["SV-265933r1028585_rule"]
	assert.NotEqual(t, engine.Pass, sessions.Status, messages(sessions))
	listed := testOutcome7(t, res, "no session is idle beyond the limit")
	assert.Equal(t, oval.Error, listed.Result)
	assert.Contains(t, fmt.Sprint(listed.Messages), "the server does not support aggregate $listSessions")
	// FerretDB refuses a database-level aggregate ({aggregate: 1}), which
	// $currentOp needs: the test is an error with the server's reason.
	idle := testOutcome7(t, res, "no idle session holds a transaction inactive beyond the limit ($currentOp idleSessions)")
	assert.Equal(t, oval.Error, idle.Result)
	assert.Contains(t, fmt.Sprint(idle.Messages), "aggregate $currentOp on admin")
	label := got["SV-265934r1028811_rule"]
	assert.Equal(t, engine.Error, label.Status, messages(label))
	assert.Contains(t, messages(label), "the server does not support rolesInfo")
	// FerretDB's running options name none of these settings: with no
	// access to the machine, they come from getCmdLineOpts and fail.
	for _, r := range []string{"SV-265935r1031272_rule", "SV-265925r1028561_rule", "SV-265945r1028621_rule"} {
		assert.Equal(t, engine.Fail, got[r].Status, "%s: %s", r, messages(got[r]))
	}
	// The machine cannot be read: file checks are not decided.
	conf := got["SV-265909r1028719_rule"]
	assert.Equal(t, engine.Error, conf.Status, messages(conf))
	assert.Contains(t, messages(conf), "was not collected")
	// What FerretDB does meet, it meets: no user holds dbOwner.
	assert.Equal(t, engine.Pass, got["SV-265913r1028525_rule"].Status, messages(got["SV-265913r1028525_rule"]))
	assertNoSecret(t, res, sink.String())
}

// assertNoSecret writes res in the ARF and JSON forms and looks for the
// FerretDB login's password in them, the rule messages and the log.
func assertNoSecret(t *testing.T, res *engine.Result, log string) {
	t.Helper()
	var outs bytes.Buffer
	require.NoError(t, arf.Writer{OVAL: oval.WriteOptions{}}.Write(&outs, res))
	require.NoError(t, jsonres.Writer{}.Write(&outs, res))
	outs.WriteString(fmt.Sprintf("%+v", res))
	for _, rr := range res.Rules {
		outs.WriteString(messages(rr))
	}
	outs.WriteString(log)
	require.Contains(t, outs.String(), "mongodb-sys:user_item", "the ARF carries the collected items")
	assert.NotContains(t, outs.String(), ferretPassword)
}

// The built-in 7.x checks against a real mongod 7.0: run only where
// MONGODB_URI names one (see collectors/mongodb's mongod_test.go for the
// variables). A real server supports every command the checks send.
func TestBuiltin7xOnRealMongod(t *testing.T) {
	uri := os.Getenv("MONGODB_URI")
	if uri == "" {
		t.Skip("MONGODB_URI is not set: no real mongod is available here, so the 7.x checks ran only against FerretDB and the documented mongod 7.0 replies")
	}
	var cfg mdb.Config
	var err error
	switch {
	case os.Getenv("MONGODB_PASSWORD_FILE") != "":
		cfg.Password, err = mdb.SecretFromFile(os.Getenv("MONGODB_PASSWORD_FILE"))
	case os.Getenv("MONGODB_PASSWORD") != "":
		cfg.Password, err = mdb.SecretFromEnv("MONGODB_PASSWORD")
	}
	require.NoError(t, err)
	cfg.TLSCAFile = os.Getenv("MONGODB_TLS_CA_FILE")
	tg, err := mdb.Open(context.Background(), uri, cfg, nil)
	require.NoError(t, err)
	defer tg.Close()
	res := scanBuiltin7(t, "", "", tg)
	require.Len(t, res.Rules, len(stig7Rules))
	for _, rr := range res.Rules {
		assert.NotContains(t, messages(rr), "does not support", rr.Identity.VulnID)
		assert.NotEqual(t, engine.NotSelected, rr.Status, rr.Identity.VulnID)
		if pw := os.Getenv("MONGODB_PASSWORD"); pw != "" {
			assert.NotContains(t, messages(rr), pw)
		}
	}
}

// ferretPassword is the FerretDB login's password, looked for in every
// output.
const ferretPassword = testferret.Password

// openFerret connects to the shared FerretDB (skipping, with the reason,
// when its binary is absent) with a debug logger whose output is kept.
func openFerret(t *testing.T) (*mdb.Target, *testlog.Sink) {
	t.Helper()
	s := testferret.Start(t)
	sink := &testlog.Sink{}
	tg, err := mdb.Open(context.Background(), s.URI(), mdb.Config{Password: mdb.NewSecret(testferret.Password), Logger: slog.New(slog.NewTextHandler(sink, &slog.HandlerOptions{Level: slog.LevelDebug}))}, nil)
	require.NoError(t, err)
	return tg, sink
}

// testOutcome7 finds an OVAL test's result of the 7.x benchmark by its
// comment.
func testOutcome7(t *testing.T, res *engine.Result, comment string) *oval.TestResult {
	t.Helper()
	data, err := builtin.Read("mongodb-7x-oval.xml")
	require.NoError(t, err)
	defs, err := oval.Parse(bytes.NewReader(data), "mongodb-7x-oval.xml")
	require.NoError(t, err)
	ids := map[string]bool{}
	for _, tst := range defs.Tests {
		if tst.Comment == comment {
			ids[tst.ID] = true
		}
	}
	for _, rep := range res.OVAL {
		for _, tr := range rep.Results.Tests {
			if ids[tr.ID] {
				return tr
			}
		}
	}
	t.Fatalf("no OVAL test %q in the results", comment)
	return nil
}

// MongoDB 6.0 and 7.0 added administrative actions (cluster parameters,
// user write blocking, query analysis): an application user that may
// block every user's writes fails the 7.x administrative rules, while the
// 4.x check, which predates those actions, does not see it.
func TestAdministrativeActionsOfMongoDB7(t *testing.T) {
	sets := append(append([]string(nil), mongod7Pass...), "write-block")
	res7 := scanBuiltin7(t, "testdata/stig7-pass/tailoring.xml", "xccdf_io.stigscan_profile_mongodb_pass", replays(t, sets...))
	got7 := byRule(res7)
	for _, r := range []string{"SV-265906r1028504_rule", "SV-265923r1028800_rule", "SV-265924r1028722_rule", "SV-265936r1028813_rule"} {
		rr := got7[r]
		require.NotNil(t, rr, r)
		assert.Equal(t, engine.Fail, rr.Status, "%s: %s", r, messages(rr))
		assert.Contains(t, messages(rr), "user=inventory.app role=admin.writeBlocker action=setUserWriteBlockMode resource=cluster → false", r)
	}
	res4 := scanBuiltin(t, "", "", replays(t, sets...))
	rr := byRule(res4)["SV-252140r879631_rule"]
	require.NotNil(t, rr)
	assert.Equal(t, engine.Pass, rr.Status, messages(rr))
}
