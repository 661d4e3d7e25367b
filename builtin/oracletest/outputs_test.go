package oracletest

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/oracle"
	"github.com/stigscan/stigscan/collectors/oracle/oracletest"
	"github.com/stigscan/stigscan/collectors/postgres"
	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/internal/testpg"
	"github.com/stigscan/stigscan/internal/testutil"
	"github.com/stigscan/stigscan/oval"
	"github.com/stigscan/stigscan/oval/probes/list"
	"github.com/stigscan/stigscan/report/arf"
	"github.com/stigscan/stigscan/report/jsonres"
	"github.com/stigscan/stigscan/xccdf"
)

// TestEvidenceNamesOffenders: V-220295 on the failing fixture names the
// parameter, the accounts and their profiles over each limit, the Resource
// Manager directives and the sqlnet.ora settings.
func TestEvidenceNamesOffenders(t *testing.T) {
	s := scan(t, []string{oracletest.Fail}, nil, failRoot(), nil)
	rr := byVuln(s.res)["V-220295"]
	require.Equal(t, engine.Fail, rr.Status)
	ev := strings.Join(rr.Evidence, "\n")
	for _, want := range []string{
		"parameter=resource_limit, value=FALSE, verdict=FAIL",
		"idle_time=120, profile=APP_PROFILE, username=APP_OWNER, verdict=FAIL",
		"idle_time=UNLIMITED, profile=DEFAULT, username=DEV_BOB, verdict=FAIL",
		"consumer_group=OTHER_GROUPS, max_idle_seconds=, plan_name=DAYTIME, verdict=FAIL",
		"consumer_group=BATCH, max_idle_seconds=7200, plan_name=DAYTIME, verdict=FAIL",
		"connect_time=UNLIMITED, profile=APP_PROFILE, username=APP_OWNER",
		"profile=APP_PROFILE, sessions_per_user=50, username=APP_OWNER",
		"parameter=SQLNET.EXPIRE_TIME value=0",
		"SQLNET.INBOUND_CONNECT_TIMEOUT in the active sqlnet.ora is set (greater than 0): no matching items",
	} {
		assert.Contains(t, ev, want)
	}
	// The findings come before what was found in order.
	assert.True(t, strings.HasSuffix(rr.Evidence[0], "→ false"), rr.Evidence[0])

	// A partly automated rule says what is left to the reviewer.
	rr = byVuln(s.res)["V-219834"]
	require.Equal(t, engine.Unknown, rr.Status)
	ev = strings.Join(rr.Evidence, "\n")
	assert.Contains(t, ev, "grantee=JOE_USER, privilege=CREATE ANY TABLE")
	assert.Contains(t, ev, "Left to the reviewer: each grantee listed is authorized for the ADMIN OPTION")
}

// TestNoSecretInOutputs scans with a password in the target's Config and
// looks for it, and for the database role's password, in everything a scan
// of either release's checks writes and logs.
func TestNoSecretInOutputs(t *testing.T) {
	const pw = "Ora-77c1e0-scan-secret"
	t.Setenv("STIGSCAN_TEST_ORACLE_PASSWORD", pw)
	secret, err := postgres.SecretFromEnv("STIGSCAN_TEST_ORACLE_PASSWORD")
	require.NoError(t, err)
	for _, rel := range []struct {
		name string
		c    *xccdf.Content
		load func(testing.TB, []string, ...string) *oracletest.DB
		root []entry
	}{
		{"oracle-12c", content(t), oracletest.Load, failRoot()},
		{"oracle-19c", content19(t), oracletest.Load19c, failRoot19()},
	} {
		t.Run(rel.name, func(t *testing.T) {
			var logs bytes.Buffer
			logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))

			db := rel.load(t, []string{oracletest.Fail})
			tg := db.Target(t, oracle.Config{Password: secret, WalletPassword: secret, Wallet: "/w", Logger: logger}, newLiveRoot(t, rel.root))
			sel, err := xccdf.Resolve(rel.c.Benchmark, nil, "")
			require.NoError(t, err)
			b, err := engine.Prepare(context.Background(), rel.c, sel, engine.Options{Probes: list.Standard(), Now: now, Logger: logger})
			require.NoError(t, err)
			res, err := b.Evaluate(context.Background(), tg)
			require.NoError(t, err)

			var all bytes.Buffer
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
			require.NoError(t, arf.Writer{}.Write(&all, res))
			require.NoError(t, jsonres.Writer{}.Write(&all, res))
			require.Contains(t, all.String(), "sql57_item")
			require.Contains(t, all.String(), "oracle-sys:sqlnet_item")
			all.WriteString(res.Target.String() + tg.Describe() + fmt.Sprintf("%v %+v", tg.Endpoint(), oracle.Config{Password: secret}))
			all.Write(logs.Bytes())
			for _, s := range []string{pw, testpg.Password} {
				assert.NotContains(t, all.String(), s, "a secret reached the outputs")
			}
			assert.Contains(t, logs.String(), "oracle: query", "the queries were logged")
		})
	}
}

// officialSchemas is where Debian's openscap-common puts the OVAL 5.11.2
// schemas.
const officialSchemas = "/usr/share/openscap/schemas/oval/5.11.2"

// validate checks doc against the official OVAL schemas and stigscan's
// oracle schemas (docs/schemas) with xmllint.
func validate(t *testing.T, name string, doc []byte) {
	t.Helper()
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint not installed (Debian package libxml2-utils): schema validation skipped")
	}
	if _, err := os.Stat(officialSchemas); err != nil {
		t.Skipf("official OVAL schemas absent (%v; Debian package openscap-common): schema validation skipped", err)
	}
	own := filepath.Join(testutil.RepoRoot(t), "docs", "schemas")
	imports := [][2]string{
		{"http://oval.mitre.org/XMLSchema/oval-common-5", officialSchemas + "/oval-common-schema.xsd"},
		{"http://oval.mitre.org/XMLSchema/oval-definitions-5", officialSchemas + "/oval-definitions-schema.xsd"},
		{"http://oval.mitre.org/XMLSchema/oval-system-characteristics-5", officialSchemas + "/oval-system-characteristics-schema.xsd"},
		{"http://oval.mitre.org/XMLSchema/oval-results-5", officialSchemas + "/oval-results-schema.xsd"},
		{"urn:stigscan:oval-definitions-5#oracle", own + "/stigscan-oracle-definitions.xsd"},
		{"urn:stigscan:oval-system-characteristics-5#oracle", own + "/stigscan-oracle-system-characteristics.xsd"},
	}
	for _, fam := range []string{"independent", "unix"} {
		imports = append(imports,
			[2]string{"http://oval.mitre.org/XMLSchema/oval-definitions-5#" + fam, officialSchemas + "/" + fam + "-definitions-schema.xsd"},
			[2]string{"http://oval.mitre.org/XMLSchema/oval-system-characteristics-5#" + fam, officialSchemas + "/" + fam + "-system-characteristics-schema.xsd"})
	}
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:stigscan:test-wrapper" elementFormDefault="qualified">`)
	for _, im := range imports {
		fmt.Fprintf(&b, `<xsd:import namespace="%s" schemaLocation="%s"/>`, im[0], im[1])
	}
	b.WriteString(`</xsd:schema>`)
	dir := t.TempDir()
	wrapper := filepath.Join(dir, "wrapper.xsd")
	require.NoError(t, os.WriteFile(wrapper, []byte(b.String()), 0o600))
	file := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(file, doc, 0o600))
	out, err := exec.Command(xmllint, "--noout", "--nonet", "--schema", wrapper, file).CombinedOutput()
	var problems []string
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "validity error") || strings.Contains(line, "parser error") {
			problems = append(problems, line)
		}
	}
	require.NoError(t, err, "%s", strings.Join(problems, "\n"))
	require.Empty(t, problems)
}

// TestSchemas: the built-in OVAL document and the OVAL results of a scan
// (sql57 items, and sqlnet and home items in stigscan's own namespace) are
// valid against the official OVAL 5.11.2 schemas and docs/schemas.
func TestSchemas(t *testing.T) {
	for _, name := range []string{"oracle-12c", "oracle-19c"} {
		data, err := os.ReadFile(filepath.Join(testutil.RepoRoot(t), "builtin", name+"-oval.xml"))
		require.NoError(t, err)
		validate(t, name+"-oval.xml", data)

		// The benchmark against the XCCDF 1.2 schema.
		const xccdfSchema = "/usr/share/openscap/schemas/xccdf/1.2/xccdf_1.2.xsd"
		if _, err := os.Stat(xccdfSchema); err == nil {
			out, err := exec.Command("xmllint", "--noout", "--nonet", "--schema", xccdfSchema,
				filepath.Join(testutil.RepoRoot(t), "builtin", name+"-xccdf.xml")).CombinedOutput()
			require.NoError(t, err, "%s", out)
		}
	}

	s := scan(t, []string{oracletest.Pass}, nil, passRoot(), nil)
	require.Len(t, s.res.OVAL, 1)
	out, err := oval.ResultsBytes(s.res.OVAL[0].Results, oval.WriteOptions{})
	require.NoError(t, err)
	require.Contains(t, string(out), "oracle-sys:home_item")
	validate(t, "results.xml", out)

	s = scan19(t, []string{oracletest.Pass}, nil, passRoot19(), passValues)
	require.Len(t, s.res.OVAL, 1)
	out, err = oval.ResultsBytes(s.res.OVAL[0].Results, oval.WriteOptions{})
	require.NoError(t, err)
	validate(t, "results-19c.xml", out)
}

// TestLiveOracleBuiltin scans a real Oracle database with the built-in
// checks of both releases (12c and 19c) when ORACLE_URL (and
// ORACLE_PASSWORD) are set: no check's SQL may be refused by the server
// (every rule decides, or says what it could not read). Without it, no live
// Oracle is used anywhere in these tests.
func TestLiveOracleBuiltin(t *testing.T) {
	u := os.Getenv("ORACLE_URL")
	if u == "" {
		t.Skip("ORACLE_URL is not set: no live Oracle database to scan (none can run here), so the 12c and 19c checks ran only on PostgreSQL stand-ins; set ORACLE_URL=oracle://user@host:port/service and ORACLE_PASSWORD to run")
	}
	ep, err := oracle.ParseTarget(u)
	require.NoError(t, err)
	var pw oracle.Secret
	if os.Getenv("ORACLE_PASSWORD") != "" {
		pw, err = postgres.SecretFromEnv("ORACLE_PASSWORD")
		require.NoError(t, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	tg, err := oracle.Open(ctx, ep, oracle.Config{Password: pw, TNSAdmin: os.Getenv("ORACLE_TNS_ADMIN")}, nil)
	require.NoError(t, err)
	defer tg.Close()
	for _, c := range []*xccdf.Content{content(t), content19(t)} {
		sel, err := xccdf.Resolve(c.Benchmark, nil, "")
		require.NoError(t, err)
		b, err := engine.Prepare(ctx, c, sel, engine.Options{Probes: list.Standard()})
		require.NoError(t, err)
		start := time.Now()
		res, err := b.Evaluate(ctx, tg)
		require.NoError(t, err)
		took := time.Since(start)
		for _, rr := range res.Rules {
			for _, m := range rr.Messages {
				for _, bad := range []string{"ORA-00904", "ORA-00933", "ORA-00936", "ORA-00907", "ORA-00923", "ORA-01722", "ORA-00932"} {
					assert.NotContains(t, m.Text, bad, "%s %s: the server refused the check's SQL", c.Benchmark.ID, rr.Identity.VulnID)
				}
			}
		}
		t.Logf("live results of %s: %v in %v", c.Benchmark.ID, res.Counts(), took)
	}
}
