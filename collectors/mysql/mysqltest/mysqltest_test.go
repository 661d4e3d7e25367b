package mysqltest_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/mysql/mysqltest"
)

func TestMain(m *testing.M) { os.Exit(mysqltest.Main(m)) }

// TestNewServerReadsTheFixture: a dedicated server runs with the
// fixture's my.cnf over the harness's settings, command-line Args over
// both, and its accounts hold only the scan grants.
func TestNewServerReadsTheFixture(t *testing.T) {
	s := mysqltest.NewServer(t, mysqltest.Options{MyCnf: "max_connections = 17\nwait_timeout = 600\n", Args: []string{"--wait-timeout=700"}})
	a := s.Account(t)
	db := s.Admin(t)
	var maxConn, wait int
	require.NoError(t, db.QueryRow("SELECT @@global.max_connections, @@global.wait_timeout").Scan(&maxConn, &wait))
	assert.Equal(t, 17, maxConn)
	assert.Equal(t, 700, wait)
	cnf, err := os.ReadFile(s.ConfigFile)
	require.NoError(t, err)
	assert.True(t, strings.HasSuffix(string(cnf), "max_connections = 17\nwait_timeout = 600\n"))

	rows, err := db.Query("SHOW GRANTS FOR '" + a.User + "'@'127.0.0.1'")
	require.NoError(t, err)
	defer rows.Close()
	var grants []string
	for rows.Next() {
		var g string
		require.NoError(t, rows.Scan(&g))
		grants = append(grants, strings.ReplaceAll(g, a.User, "U"))
	}
	require.NoError(t, rows.Err())
	assert.Len(t, grants, 2)
	assert.Contains(t, grants[0], "GRANT PROCESS ON *.* TO `U`@`127.0.0.1`")
	assert.Contains(t, grants[1], "GRANT SELECT ON `mysql`.* TO `U`@`127.0.0.1`")
}
