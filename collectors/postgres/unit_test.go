package postgres

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/internal/dbtarget/dbtargettest"
)

func TestParseTarget(t *testing.T) {
	dbtargettest.Run(t, ParseTarget, "hunter2", true, []dbtargettest.Case[Endpoint]{
		{Name: "full", In: "postgres://scan@db.example.com:5433/app?sslmode=verify-full",
			Want: Endpoint{User: "scan", Host: "db.example.com", Port: 5433, Database: "app", SSLMode: "verify-full"},
			Str:  "postgres://scan@db.example.com:5433/app"},
		{Name: "postgresql scheme, defaults", In: "postgresql://scan@db",
			Want: Endpoint{User: "scan", Host: "db"}, Str: "postgres://scan@db:5432/scan"},
		{Name: "ipv6", In: "postgres://scan@[::1]:5432/postgres",
			Want: Endpoint{User: "scan", Host: "::1", Port: 5432, Database: "postgres"}, Str: "postgres://scan@[::1]:5432/postgres"},
		{Name: "unix socket", In: "postgres://postgres@%2Fvar%2Frun%2Fpostgresql/postgres",
			Want: Endpoint{User: "postgres", Host: "/var/run/postgresql", Database: "postgres"},
			Str:  "postgres://postgres@%2Fvar%2Frun%2Fpostgresql:5432/postgres"},
		{Name: "escaped names", In: "postgres://a%40b@h/my%20db",
			Want: Endpoint{User: "a@b", Host: "h", Database: "my db"}, Str: "postgres://a%40b@h:5432/my%20db"},
		{Name: "trailing slash", In: "postgres://u@h:1/", Want: Endpoint{User: "u", Host: "h", Port: 1}, Str: "postgres://u@h:1/u"},
		{Name: "not postgres", In: "mysql://u@h", ErrHas: "must look like"},
		{Name: "password", In: "postgres://u:hunter2@h/db", ErrIs: ErrPasswordInTarget, ErrHas: "password in the target"},
		{Name: "password parameter", In: "postgres://u@h/db?password=hunter2", ErrIs: ErrPasswordInTarget, ErrHas: "password in the target"},
		{Name: "passfile parameter", In: "postgres://u@h/db?passfile=/hunter2", ErrIs: ErrPasswordInTarget, ErrHas: "password in the target"},
		{Name: "unknown parameter", In: "postgres://u@h/db?hunter2=1", ErrHas: "only the sslmode parameter"},
		{Name: "bad sslmode", In: "postgres://u@h/db?sslmode=hunter2", ErrHas: "sslmode must be one of"},
		{Name: "path with two parts", In: "postgres://u@h/a/b", ErrHas: "one database name"},
		{Name: "bad escape", In: "postgres://u@h/%zz", ErrHas: "invalid database name"},
	})
}

func TestSecretNeverPrints(t *testing.T) {
	const pw = "pw-Zq81-redact-me"
	t.Setenv("STIGSCAN_TEST_PG_PW", pw)
	s, err := SecretFromEnv("STIGSCAN_TEST_PG_PW")
	require.NoError(t, err)
	file := filepath.Join(t.TempDir(), "pw")
	require.NoError(t, os.WriteFile(file, []byte(pw+"\r\n"), 0o600))
	fromFile, err := SecretFromFile(file)
	require.NoError(t, err)
	fromReader, err := SecretFromReader(strings.NewReader(pw + "\nrest"))
	require.NoError(t, err)
	for _, sec := range []Secret{s, fromFile, fromReader} {
		assert.Equal(t, pw, sec.Reveal())
		assert.False(t, sec.IsZero())
	}
	cfg := Config{Password: s, SSLMode: "require"}
	var logBuf bytes.Buffer
	slog.New(slog.NewJSONHandler(&logBuf, nil)).Info("x", "cfg", cfg, "pw", s)
	slog.New(slog.NewTextHandler(&logBuf, nil)).Info("x", "cfg", cfg, "pw", s)
	js, err := json.Marshal(cfg)
	require.NoError(t, err)
	text, err := s.MarshalText()
	require.NoError(t, err)
	for _, out := range []string{
		fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s %q %x %X %d", s, s, s, s, s, s, s, s),
		fmt.Sprintf("%v %+v %#v", cfg, cfg, cfg), fmt.Sprintf("%v %+v", &cfg, &cfg),
		string(js), string(text), logBuf.String(),
	} {
		assert.NotContains(t, out, pw)
		assert.NotContains(t, out, fmt.Sprintf("%x", pw))
	}
	assert.Contains(t, string(js), "[redacted]")

	_, err = SecretFromEnv("STIGSCAN_TEST_PG_UNSET")
	assert.Error(t, err)
	require.NoError(t, os.WriteFile(file, []byte("\n"), 0o600))
	_, err = SecretFromFile(file)
	assert.Error(t, err)
	_, err = SecretFromReader(strings.NewReader("\n"))
	assert.Error(t, err)
	assert.True(t, Secret{}.IsZero())
}

func TestConfigDefaults(t *testing.T) {
	c, err := Config{}.withDefaults()
	require.NoError(t, err)
	assert.Equal(t, DefaultSSLMode, c.SSLMode)
	assert.Equal(t, DefaultMaxConns, c.MaxConns)
	assert.Equal(t, DefaultQueryTimeout, c.QueryTimeout)
	assert.Equal(t, DefaultMaxRows, c.MaxRows)
	c, err = Config{MaxConns: 50}.withDefaults()
	require.NoError(t, err)
	assert.Equal(t, MaxMaxConns, c.MaxConns)
	_, err = Config{SSLMode: "sometimes"}.withDefaults()
	assert.Error(t, err)
	_, err = Config{SSLCert: "c.pem"}.withDefaults()
	assert.Error(t, err)
}
