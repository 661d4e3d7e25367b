package testpg

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

func TestStartGivesPasswordLoginOverTLS(t *testing.T) {
	db := Start(t)
	ctx := context.Background()
	cfg, err := pgx.ParseConfig(fmt.Sprintf("host=%s port=%d dbname=%s user=%s sslmode=verify-full sslrootcert=%s",
		db.Host, db.Port, db.Name, db.User, db.RootCertFile))
	require.NoError(t, err)

	cfg.Password = "wrong"
	_, err = pgx.ConnectConfig(ctx, cfg)
	require.Error(t, err, "a wrong password must be refused: scram-sha-256 is in force")

	cfg.Password = db.Password
	c, err := pgx.ConnectConfig(ctx, cfg)
	require.NoError(t, err)
	defer c.Close(ctx)
	var user, dbname string
	var ssl bool
	require.NoError(t, c.QueryRow(ctx, "SELECT current_user, current_database(), ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").Scan(&user, &dbname, &ssl))
	assert.Equal(t, db.User, user)
	assert.Equal(t, db.Name, dbname)
	assert.True(t, ssl)
	var method string
	require.NoError(t, c.QueryRow(ctx, "SELECT current_setting('password_encryption')").Scan(&method))
	assert.Equal(t, "scram-sha-256", method)
}

func TestDatabasesAreSeparateAndRolesDropped(t *testing.T) {
	a := Start(t)
	var role string
	t.Run("inner", func(t *testing.T) {
		b := Start(t)
		assert.NotEqual(t, a.Name, b.Name)
		assert.Equal(t, a.Port, b.Port, "one server per package")
		role = b.CreateRole(t, "extra", "LOGIN")
		c := b.Connect(t, role)
		var got string
		require.NoError(t, c.QueryRow(context.Background(), "SELECT current_user").Scan(&got))
		assert.Equal(t, role, got)
	})
	var n int
	require.NoError(t, a.Admin(t).QueryRow(context.Background(), "SELECT count(*) FROM pg_roles WHERE rolname = $1", role).Scan(&n))
	assert.Zero(t, n, "CreateRole's role is dropped when its test ends")
	assert.Contains(t, a.Version, "15.")
}
