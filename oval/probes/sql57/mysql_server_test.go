package sql57_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/mysql"
	"github.com/stigscan/stigscan/collectors/mysql/mysqltest"
	"github.com/stigscan/stigscan/collectors/secret"
	"github.com/stigscan/stigscan/oval"
)

// TestRealMariaDB: engine "mysql" runs on the MariaDB target's own
// connection; the content's connection string (with a password) is never
// used and never reaches results; what the guard refuses is an error, and
// another engine is not collected.
func TestRealMariaDB(t *testing.T) {
	a := mysqltest.Start(t)
	ep, err := mysql.ParseTarget(a.URL())
	require.NoError(t, err)
	tg, err := mysql.Open(context.Background(), ep, mysql.Config{Password: secret.New(a.Password)},
		host.Unavailable{Name: "dbhost", Reason: "no SSH access in this test"})
	require.NoError(t, err)
	t.Cleanup(func() { _ = tg.Close() })

	objects := sqlObject("1", "mysql", "SELECT LOWER(VARIABLE_NAME) AS name, VARIABLE_VALUE AS value FROM information_schema.GLOBAL_VARIABLES WHERE VARIABLE_NAME IN ('WAIT_TIMEOUT', 'SQL_MODE') ORDER BY 1") +
		sqlObject("2", "mysql", "SELECT 1 INTO OUTFILE '/tmp/stigscan-sql57-out'") +
		sqlObject("3", "postgre", "SELECT 1")
	states := `<ind:sql57_state id="oval:t:ste:1" version="1"><ind:result datatype="record" entity_check="at least one"><field xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5" name="name">wait_timeout</field><field xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5" name="value" datatype="int" operation="greater than">0</field></ind:result></ind:sql57_state>`
	tests := sqlTest(1, "1", "1", "all") + sqlTest(2, "2", "", "all") + sqlTest(3, "3", "", "all")
	res := evaluate(t, tg, doc(tests, objects, states, ""))
	want := map[string]oval.Result{
		"oval:t:def:1": oval.True,    // wait_timeout is read and compared
		"oval:t:def:2": oval.Error,   // refused before it reaches the server
		"oval:t:def:3": oval.Unknown, // another engine: not collected
	}
	for id, w := range want {
		assert.Equal(t, w, res.Definition(id).Result, id)
	}
	out, err := oval.ResultsBytes(res, oval.WriteOptions{})
	require.NoError(t, err)
	assert.NotContains(t, string(out), a.Password)
	assert.NotContains(t, string(out), "Hunter2")
	assert.Contains(t, string(out), "<ind-sys:engine>mysql</ind-sys:engine>")
}
