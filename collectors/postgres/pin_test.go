package postgres

import (
	"context"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/internal/testpg"
)

// The role's and the database's own settings do not reach the scan's
// session: the startup packet overrides them, and AfterConnect checks.
func TestSessionIsPinned(t *testing.T) {
	db := testpg.Start(t)
	db.Exec(t, fmt.Sprintf(`ALTER ROLE %[1]s SET search_path = public, pg_catalog;
		ALTER ROLE %[1]s SET client_encoding = 'SJIS';
		ALTER ROLE %[1]s SET default_transaction_read_only = off;
		ALTER DATABASE %[2]s SET standard_conforming_strings = off;
		ALTER DATABASE %[2]s SET search_path = public`, db.User, db.Name))
	tg := openAs(t, db, db.User, Config{}, nil)
	_, rows, err := tg.QueryRows(context.Background(), `SELECT current_setting('search_path'), current_setting('client_encoding'),
		current_setting('default_transaction_read_only'), current_setting('standard_conforming_strings'),
		current_schemas(true)::text, current_setting('lock_timeout'), current_setting('idle_in_transaction_session_timeout')`)
	require.NoError(t, err)
	var got []string
	for _, v := range rows[0] {
		got = append(got, *v)
	}
	assert.Equal(t, []string{"pg_catalog, pg_temp", "UTF8", "on", "on", "{pg_catalog}", "30s", "35s"}, got)

	// A session that is not pinned is refused with the setting named.
	pc, err := pgconn.Connect(context.Background(), fmt.Sprintf("host=%s port=%d dbname=%s user=%s password=%s sslmode=disable",
		db.Host, db.Port, db.Name, db.User, db.Password))
	require.NoError(t, err)
	defer pc.Close(context.Background())
	err = verifyPinned(context.Background(), pc)
	require.ErrorIs(t, err, ErrSessionNotPinned)
	assert.Contains(t, err.Error(), "client_encoding")

	pc2, err := pgconn.Connect(context.Background(), fmt.Sprintf("host=%s port=%d dbname=%s user=%s password=%s sslmode=disable client_encoding=UTF8 standard_conforming_strings=on",
		db.Host, db.Port, db.Name, db.User, db.Password))
	require.NoError(t, err)
	defer pc2.Close(context.Background())
	err = verifyPinned(context.Background(), pc2)
	require.ErrorIs(t, err, ErrSessionNotPinned)
	assert.Contains(t, err.Error(), "search_path")
}
