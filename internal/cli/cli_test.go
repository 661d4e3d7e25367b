package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/internal/cli"
	"github.com/stigscan/stigscan/internal/testutil"
)

func run(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := cli.Run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), err
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var ec interface{ ExitCode() int }
	if errors.As(err, &ec) {
		return ec.ExitCode()
	}
	return 1
}

func TestInfoBuiltin(t *testing.T) {
	out, _, err := run(t, "info")
	require.NoError(t, err)
	assert.Contains(t, out, "Document type: XCCDF Checklist")
	assert.Contains(t, out, "xccdf_io.stigscan_profile_baseline (8 rules)")
	assert.Contains(t, out, "linux-oval.xml")
}

func TestInfoJSON(t *testing.T) {
	out, _, err := run(t, "info", "--json")
	require.NoError(t, err)
	var got struct {
		Type     string `json:"type"`
		Rules    int    `json:"rules"`
		Profiles []struct {
			ID       string `json:"id"`
			Selected int    `json:"selected_rules"`
		} `json:"profiles"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	assert.Equal(t, "XCCDF Checklist", got.Type)
	assert.Equal(t, 8, got.Rules)
	require.Len(t, got.Profiles, 2)
	assert.Equal(t, 7, got.Profiles[1].Selected)
}

func TestRulesJSONKeys(t *testing.T) {
	f := filepath.Join(testutil.SharedContent(t, "disa-manual"), "U_MDB_Enterprise_Advanced_4-x_STIG_V1R3_Manual-xccdf.xml")
	out, _, err := run(t, "rules", f, "--profile", "MAC-1_Classified", "--json")
	require.NoError(t, err)
	var rows []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &rows))
	require.NotEmpty(t, rows)
	want := []string{"ccis", "legacy_ids", "revision", "rule_id", "rule_stem", "severity", "stig_id", "title", "vuln_id"}
	for _, r := range rows {
		var keys []string
		for k := range r {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		require.Equal(t, want, keys)
	}
	var found bool
	for _, r := range rows {
		if r["vuln_id"] == "V-252170" {
			found = true
			assert.Equal(t, "SV-252170r879673_rule", r["rule_id"])
			assert.Equal(t, "SV-252170", r["rule_stem"])
			assert.Equal(t, "879673", r["revision"])
			assert.Equal(t, "MD4X-00-004400", r["stig_id"])
			assert.Equal(t, []any{"CCI-002361"}, r["ccis"])
		}
	}
	assert.True(t, found, "V-252170 listed")
}

func TestRulesTable(t *testing.T) {
	out, _, err := run(t, "rules", "--profile", "offline")
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	assert.Len(t, lines, 1+7, "header and one row per selected rule")
	assert.Equal(t, []string{"VULN_ID", "RULE_ID", "RULE_STEM", "REVISION", "STIG_ID", "CCI", "LEGACY", "SEVERITY", "TITLE"}, strings.Fields(lines[0]))
}

// TestRulesOracle19c: --stig oracle-19c names the built-in checks for
// DISA's Oracle Database 19c STIG, its session-termination rule among them.
func TestRulesOracle19c(t *testing.T) {
	out, _, err := run(t, "rules", "--stig", "oracle-19c")
	require.NoError(t, err)
	assert.Contains(t, out, "V-270497")
	assert.Contains(t, out, "V-270589")
}

// TestRulesMariaDB10x: --stig mariadb-10x names the built-in checks for
// DISA's MariaDB Enterprise 10.x STIG, its session-termination rule among
// them.
func TestRulesMariaDB10x(t *testing.T) {
	out, _, err := run(t, "rules", "--stig", "mariadb-10x")
	require.NoError(t, err)
	assert.Contains(t, out, "V-253717")
	assert.Contains(t, out, "MADB-10-006200")
}

// TestRulesMySQL8: --stig mysql-8 names the built-in checks for DISA's
// Oracle MySQL 8.0 STIG, its session-termination rule among them.
func TestRulesMySQL8(t *testing.T) {
	out, _, err := run(t, "rules", "--stig", "mysql-8")
	require.NoError(t, err)
	assert.Contains(t, out, "V-235095")
	assert.Contains(t, out, "V-235185")
	assert.Contains(t, out, "MYS8-00-011100")
}

// The text table has the README's columns, and a rule with sixteen CCIs
// lists three and a count, so the column stays narrow for every row.
func TestRulesTableBoundsCCIs(t *testing.T) {
	f := filepath.Join(testutil.SharedContent(t, "disa-manual"), "U_MDB_Enterprise_Advanced_4-x_STIG_V1R3_Manual-xccdf.xml")
	out, _, err := run(t, "rules", f)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	header := lines[0]
	cci, legacy := strings.Index(header, "CCI"), strings.Index(header, "LEGACY")
	require.Positive(t, cci)
	assert.LessOrEqual(t, legacy-cci, len("CCI-000130,CCI-000131,CCI-000132 +13 more")+2, "the CCI column is bounded")
	var row string
	for _, l := range lines {
		if strings.HasPrefix(l, "V-252134 ") {
			row = l
		}
	}
	require.NotEmpty(t, row, "V-252134 listed")
	assert.Equal(t, []string{"V-252134", "SV-252134r879559_rule", "SV-252134", "879559", "MD4X-00-000100",
		"CCI-000130,CCI-000131,CCI-000132", "+13", "more", "-", "medium"}, strings.Fields(row)[:10])

	// --json keeps every CCI.
	out, _, err = run(t, "rules", f, "--json")
	require.NoError(t, err)
	var rows []struct {
		VulnID string   `json:"vuln_id"`
		CCIs   []string `json:"ccis"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rows))
	for _, r := range rows {
		if r.VulnID == "V-252134" {
			assert.Len(t, r.CCIs, 16)
		}
	}
}

func TestErrorsAndExitCodes(t *testing.T) {
	root := testutil.RepoRoot(t)
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{name: "no command", args: nil, code: 2, msg: "no command"},
		{name: "unknown command", args: []string{"frobnicate"}, code: 2, msg: "unknown command"},
		{name: "bad flag", args: []string{"rules", "--nope"}, code: 2, msg: "flag provided but not defined"},
		{name: "two files", args: []string{"info", "a", "b"}, code: 2, msg: "one FILE at most"},
		{name: "unknown profile", args: []string{"rules", "--profile", "nope"}, code: 1, msg: "no such profile"},
		{name: "malformed file", args: []string{"info", filepath.Join(root, "fixtures/bad/malformed.xml")}, code: 1, msg: "malformed.xml:6: malformed XML"},
		{name: "tailoring id of a benchmark that is no data stream", args: []string{"rules", "--tailoring-id", "x"}, code: 1, msg: "x"},
		// A database STIG's checks on a machine could only say unknown.
		{name: "database STIG without a database target", args: []string{"scan", "--stig", "postgres-9x"}, code: 2, msg: "--stig postgres-9x checks PostgreSQL targets (--target postgres://"},
		{name: "Crunchy Data STIG without a database target", args: []string{"scan", "--stig", "crunchy-pg"}, code: 2, msg: "--stig crunchy-pg checks PostgreSQL targets (--target postgres://"},
		{name: "Postgres 16 STIG on another database kind", args: []string{"scan", "--stig", "postgres-16", "--target", "mongodb://scanner@127.0.0.1:1/admin"}, code: 2, msg: "--stig postgres-16 checks PostgreSQL targets"},
		{name: "database STIG on another database kind", args: []string{"scan", "--stig", "oracle-12c", "--target", "mongodb://scanner@127.0.0.1:1/admin"}, code: 2, msg: "--stig oracle-12c checks Oracle targets"},
		{name: "MongoDB 7.x STIG without a MongoDB target", args: []string{"scan", "--stig", "mongodb-7x"}, code: 2, msg: "--stig mongodb-7x checks MongoDB targets (--target mongodb://"},
		{name: "Oracle 19c STIG on another database kind", args: []string{"scan", "--stig", "oracle-19c", "--target", "mongodb://scanner@127.0.0.1:1/admin"}, code: 2, msg: "--stig oracle-19c checks Oracle targets"},
		{name: "MariaDB STIG without a database target", args: []string{"scan", "--stig", "mariadb-10x"}, code: 2, msg: "--stig mariadb-10x checks MySQL/MariaDB targets (--target mysql://"},
		{name: "MariaDB STIG on another database kind", args: []string{"scan", "--stig", "mariadb-10x", "--target", "postgres://scanner@127.0.0.1:1/db"}, code: 2, msg: "--stig mariadb-10x checks MySQL/MariaDB targets"},
		{name: "MySQL 8.0 STIG without a MySQL target", args: []string{"scan", "--stig", "mysql-8"}, code: 2, msg: "--stig mysql-8 checks MySQL/MariaDB targets (--target "},
		{name: "MySQL 8.0 STIG on another database kind", args: []string{"scan", "--stig", "mysql-8", "--target", "postgres://scanner@127.0.0.1:1/db"}, code: 2, msg: "--stig mysql-8 checks MySQL/MariaDB targets"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := run(t, tc.args...)
			require.Error(t, err)
			assert.Equal(t, tc.code, exitCode(err))
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
}

// --stig mongodb-7x names the built-in checks for DISA's MongoDB 7.x
// STIG: its 50 rules with DISA's ids.
func TestRulesOfMongoDB7x(t *testing.T) {
	out, _, err := run(t, "rules", "--stig", "mongodb-7x", "--json")
	require.NoError(t, err)
	var rows []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &rows))
	require.Len(t, rows, 50)
	var vulns []string
	for _, r := range rows {
		vulns = append(vulns, fmt.Sprint(r["vuln_id"]))
	}
	assert.Contains(t, vulns, "V-265933")
}

func TestTailoringFile(t *testing.T) {
	root := testutil.RepoRoot(t)
	out, _, err := run(t, "rules", "--tailoring-file", filepath.Join(root, "fixtures/content/tailoring.xml"), "--json")
	require.NoError(t, err)
	var rows []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &rows))
	assert.Len(t, rows, 7)
}
