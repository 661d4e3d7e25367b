package mongodb

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Real mongod tests: no mongod can be installed on the build machines, so
// these run only where MONGODB_URI names one (mongodb://user@host:port/db,
// no password) with the password in the file MONGODB_PASSWORD_FILE or the
// variable MONGODB_PASSWORD, and optionally MONGODB_TLS_CA_FILE. The user
// needs clusterMonitor and userAdminAnyDatabase (or root) to read users,
// roles and sessions.
func openMongod(t *testing.T) *Target {
	t.Helper()
	uri := os.Getenv("MONGODB_URI")
	if uri == "" {
		t.Skip("MONGODB_URI is not set: real mongod tests skipped (FerretDB covers the protocol)")
	}
	var cfg Config
	var err error
	switch {
	case os.Getenv("MONGODB_PASSWORD_FILE") != "":
		cfg.Password, err = SecretFromFile(os.Getenv("MONGODB_PASSWORD_FILE"))
	case os.Getenv("MONGODB_PASSWORD") != "":
		cfg.Password, err = SecretFromEnv("MONGODB_PASSWORD")
	}
	require.NoError(t, err)
	cfg.TLSCAFile = os.Getenv("MONGODB_TLS_CA_FILE")
	tg, err := Open(context.Background(), uri, cfg, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = tg.Close() })
	return tg
}

func TestMongodHelpers(t *testing.T) {
	tg := openMongod(t)
	ctx := context.Background()
	params, err := Parameters(ctx, tg)
	require.NoError(t, err)
	found := false
	for _, p := range params {
		if p.Name == "localLogicalSessionTimeoutMinutes" {
			found = true
			assert.Equal(t, "int", p.Datatype)
		}
	}
	assert.True(t, found, "getParameter lists localLogicalSessionTimeoutMinutes")
	cl, err := CmdLineOpts(ctx, tg)
	require.NoError(t, err)
	assert.NotEmpty(t, cl.Argv)
	_, err = Users(ctx, tg)
	require.NoError(t, err)
	roles, err := Roles(ctx, tg, "admin")
	require.NoError(t, err)
	var names []string
	for _, r := range roles {
		names = append(names, r.Role)
	}
	assert.Contains(t, names, "root")
	_, err = Grants(ctx, tg)
	require.NoError(t, err)
	sessions, err := Sessions(ctx, tg)
	require.NoError(t, err)
	for _, s := range sessions {
		assert.NotEmpty(t, s.ID)
	}
	_, err = tg.RunCommand(ctx, "admin", []byte(`{"killAllSessions": []}`))
	require.ErrorIs(t, err, ErrRefused)
}
