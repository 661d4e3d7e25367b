package sql57_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/mysql/mysqltest"
	"github.com/stigscan/stigscan/collectors/postgres"
	"github.com/stigscan/stigscan/internal/testpg"
	"github.com/stigscan/stigscan/oval"
)

// These tests run the probe against a real PostgreSQL 15 (internal/testpg)
// and a real MariaDB 10.11 (collectors/mysql/mysqltest).

func TestMain(m *testing.M) {
	os.Exit(func() int {
		defer mysqltest.Stop()
		return testpg.Main(m)
	}())
}

func openTarget(t *testing.T, db *testpg.DB, role string) *postgres.Target {
	t.Helper()
	ep, err := postgres.ParseTarget(strings.Replace(db.URL(), db.User+"@", role+"@", 1) + "?sslmode=disable")
	require.NoError(t, err)
	pw, err := postgres.SecretFromReader(strings.NewReader(db.Password))
	require.NoError(t, err)
	tg, err := postgres.Open(context.Background(), ep, postgres.Config{Password: pw}, host.Unavailable{Name: "dbhost", Reason: "no SSH access in this test"})
	require.NoError(t, err)
	t.Cleanup(func() { _ = tg.Close() })
	return tg
}

func TestRealServer(t *testing.T) {
	db := testpg.Start(t)
	db.Exec(t, "CREATE TABLE t(id int, label text); INSERT INTO t VALUES (1, 'a'), (2, NULL), (3, 'c')")
	db.Exec(t, "GRANT SELECT ON t TO "+db.User)
	tg := openTarget(t, db, db.User)

	objects := sqlObject("1", "postgre", "SELECT id AS \"ID\", CASE WHEN id = 2 THEN NULL ELSE 'l' || id END AS label FROM generate_series(1, 3) AS id ORDER BY id") +
		sqlObject("2", "postgre", "SELECT rolname, rolpassword FROM pg_authid") +
		sqlObject("3", "postgre", "UPDATE t SET id = 0") +
		sqlObject("4", "oracle", "SELECT 1 FROM dual")
	states := `<ind:sql57_state id="oval:t:ste:1" version="1"><ind:result datatype="record" entity_check="all"><field xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5" name="id" datatype="int" operation="less than or equal">3</field></ind:result></ind:sql57_state>` +
		`<ind:sql57_state id="oval:t:ste:2" version="1"><ind:result datatype="record" entity_check="at least one"><field xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5" name="label" check_existence="none_exist"/></ind:result></ind:sql57_state>`
	tests := sqlTest(1, "1", "1", "all") + sqlTest(2, "1", "2", "all") + sqlTest(3, "2", "", "all") + sqlTest(4, "3", "", "all") + sqlTest(5, "4", "", "all")
	res := evaluate(t, tg, doc(tests, objects, states, ""))

	want := map[string]oval.Result{
		"oval:t:def:1": oval.True,    // every id <= 3
		"oval:t:def:2": oval.True,    // one row has a NULL label
		"oval:t:def:3": oval.Error,   // pg_authid holds password hashes: refused
		"oval:t:def:4": oval.Error,   // refused before it reaches the server
		"oval:t:def:5": oval.Unknown, // another engine: not collected
	}
	for id, w := range want {
		assert.Equal(t, w, res.Definition(id).Result, id)
	}
	msgs := map[string]string{}
	for _, o := range res.Objects {
		for _, m := range o.Messages {
			msgs[o.ID] += m.Text + "\n"
		}
	}
	assert.Contains(t, msgs["oval:t:obj:2"], "relation pg_authid is not allowed: it holds password hashes")
	assert.Contains(t, msgs["oval:t:obj:3"], "refused")
	assert.Contains(t, msgs["oval:t:obj:4"], "is postgresql")

	out, err := oval.ResultsBytes(res, oval.WriteOptions{})
	require.NoError(t, err)
	assert.NotContains(t, string(out), db.Password)
	assert.NotContains(t, string(out), "Hunter2")
	assert.Contains(t, string(out), `<field name="label" status="does not exist"/>`)
	assert.Contains(t, string(out), `<field name="id">2</field>`, "column names are lower-cased")
}
