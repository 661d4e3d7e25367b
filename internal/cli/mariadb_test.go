package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/mysql/mysqltest"
)

// TestScanMariaDBBuiltinSTIG scans a stock MariaDB 10.11 with --stig
// mariadb-10x end to end: every DISA rule has a result, the platform
// applies (the server is MariaDB), and no output holds the password.
func TestScanMariaDBBuiltinSTIG(t *testing.T) {
	s := mysqltest.NewServer(t, mysqltest.Options{})
	a := s.Account(t)
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("STIGSCAN_TEST_DB_PASSWORD", a.Password)
	out, errOut, err := run(t, "scan", "--stig", "mariadb-10x", "--quiet",
		"--target", a.URL()+"?tls=verify_identity", "--db-mysql-tls-ca", s.CAFile,
		"--db-password-env", "STIGSCAN_TEST_DB_PASSWORD", "--json", "r.json", "--arf", "r.arf.xml", "--ckl", "r.ckl")
	require.NoError(t, err, errOut)
	var doc struct {
		Rules []struct {
			Status string `json:"status"`
			VulnID string `json:"vuln_id"`
		} `json:"rules"`
	}
	data, err := os.ReadFile("r.json")
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &doc))
	counts := map[string]int{}
	for _, r := range doc.Rules {
		counts[r.Status]++
		if r.Status == "unknown" {
			t.Logf("unknown: %s", r.VulnID)
		}
	}
	t.Logf("--stig mariadb-10x against a stock MariaDB %s: %v", s.Version, counts)
	assert.Len(t, doc.Rules, 111)
	assert.Positive(t, counts["pass"])
	assert.Positive(t, counts["fail"])
	assert.Zero(t, counts["notapplicable"], "the server is MariaDB: the platform applies")
	files, err := filepath.Glob(filepath.Join(dir, "*"))
	require.NoError(t, err)
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		assert.False(t, strings.Contains(string(b), a.Password), "%s holds the password", f)
	}
	assert.NotContains(t, out+errOut, a.Password)
}
