package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/internal/cli"
	"github.com/stigscan/stigscan/internal/testpg"
	"github.com/stigscan/stigscan/internal/testutil"
)

// A DISA manual PostgreSQL STIG imported as downloaded and scanned against a
// real PostgreSQL server through the command line: the manual rules are
// automated by stigscan's built-in checks, checklists mark a database
// target, and the password reaches no output.
func TestScanPostgresImportedDISA(t *testing.T) {
	disa := filepath.Join(testutil.SharedContent(t, "disa-manual"), "U_PGS_SQL_9-x_STIG_V2R5_Manual-xccdf.xml")
	db := testpg.Start(t)
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("STIGSCAN_TEST_DB_PASSWORD", db.Password)
	out, errOut, err := run(t, "scan", "--benchmark", disa, "--profile", "MAC-1_Classified",
		"--target", db.URL()+"?sslmode=verify-full", "--db-sslrootcert", db.RootCertFile,
		"--db-password-env", "STIGSCAN_TEST_DB_PASSWORD", "--db-instance", db.Name,
		"--quiet", "--json", "r.json", "--ckl", "r.ckl")
	require.NoError(t, err, errOut)

	var doc struct {
		Rules []struct {
			VulnID string `json:"vuln_id"`
			Status string `json:"status"`
		} `json:"rules"`
	}
	data, err := os.ReadFile("r.json")
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &doc))
	counts := map[string]int{}
	for _, r := range doc.Rules {
		counts[r.Status]++
	}
	t.Logf("110 DISA rules against a stock PostgreSQL 15: %v", counts)
	assert.Len(t, doc.Rules, 110)
	assert.Less(t, counts["notchecked"], 30, "the manual rules are bound to built-in checks")
	assert.Positive(t, counts["pass"]+counts["fail"])

	ckl, err := os.ReadFile("r.ckl")
	require.NoError(t, err)
	assert.Contains(t, string(ckl), "<WEB_OR_DATABASE>true</WEB_OR_DATABASE>")
	assert.Contains(t, string(ckl), "<WEB_DB_INSTANCE>"+db.Name+"</WEB_DB_INSTANCE>")

	// No output holds the password.
	for _, s := range []string{out, errOut} {
		assert.NotContains(t, s, db.Password)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		assert.False(t, strings.Contains(string(b), db.Password), "%s holds the password", f)
	}
}

// The password can be typed (or piped) instead of named by a file or an
// environment variable; it still reaches no output.
func TestScanPostgresPasswordPrompt(t *testing.T) {
	db := testpg.Start(t)
	dir := t.TempDir()
	t.Chdir(dir)
	var out, errb bytes.Buffer
	err := cli.Run(context.Background(), []string{"scan", "--stig", "postgres-9x", "--quiet",
		"--target", db.URL() + "?sslmode=verify-full", "--db-sslrootcert", db.RootCertFile,
		"--db-password-prompt", "--json", "r.json"}, strings.NewReader(db.Password+"\n"), &out, &errb)
	require.NoError(t, err, errb.String())
	assert.Contains(t, out.String(), "JSON: r.json")
	assert.NotContains(t, out.String()+errb.String(), db.Password)
	b, err := os.ReadFile("r.json")
	require.NoError(t, err)
	assert.NotContains(t, string(b), db.Password)

	// A wrong password fails the target with an authentication error.
	err = cli.Run(context.Background(), []string{"scan", "--stig", "postgres-9x", "--quiet",
		"--target", db.URL() + "?sslmode=verify-full", "--db-sslrootcert", db.RootCertFile,
		"--db-password-prompt"}, strings.NewReader("not-the-password\n"), &out, &errb)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "not-the-password")
}

// Each built-in PostgreSQL STIG is chosen by its short name and scans a
// real server through the command line: every rule gets a result, the
// automated ones pass or fail, and the password reaches no output.
func TestScanPostgresBuiltinSTIGs(t *testing.T) {
	db := testpg.Start(t)
	t.Setenv("STIGSCAN_TEST_DB_PASSWORD", db.Password)
	for _, tc := range []struct {
		stig  string
		rules int
	}{{"postgres-9x", 110}, {"crunchy-pg", 113}, {"postgres-16", 111}} {
		t.Run(tc.stig, func(t *testing.T) {
			t.Chdir(t.TempDir())
			out, errOut, err := run(t, "scan", "--stig", tc.stig, "--quiet", "--log-level", "debug",
				"--target", db.URL()+"?sslmode=verify-full", "--db-sslrootcert", db.RootCertFile,
				"--db-password-env", "STIGSCAN_TEST_DB_PASSWORD", "--json", "r.json",
				"--arf", "r.arf.xml", "--ckl", "r.ckl", "--cklb", "r.cklb", "--hdf", "r.hdf", "--html", "r.html")
			require.NoError(t, err, errOut)
			var doc struct {
				Rules []struct {
					Status string `json:"status"`
				} `json:"rules"`
			}
			data, err := os.ReadFile("r.json")
			require.NoError(t, err)
			require.NoError(t, json.Unmarshal(data, &doc))
			counts := map[string]int{}
			for _, r := range doc.Rules {
				counts[r.Status]++
			}
			t.Logf("--stig %s against a stock PostgreSQL 15: %v", tc.stig, counts)
			assert.Len(t, doc.Rules, tc.rules)
			assert.Positive(t, counts["pass"])
			assert.Positive(t, counts["fail"])
			assert.NotContains(t, out+errOut+string(data), db.Password)
			// Every output the scan wrote, and the debug log above.
			for _, f := range []string{"r.arf.xml", "r.ckl", "r.cklb", "r.hdf", "r.html"} {
				b, err := os.ReadFile(f)
				require.NoError(t, err)
				require.NotEmpty(t, b, f)
				assert.NotContains(t, string(b), db.Password, f)
			}
		})
	}
}
