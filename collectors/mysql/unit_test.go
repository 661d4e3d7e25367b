package mysql

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/secret"
	"github.com/stigscan/stigscan/collectors/target"
)

func TestParseTarget(t *testing.T) {
	tests := []struct {
		name, in string
		want     Endpoint
		str      string
	}{
		{"mysql", "mysql://scan@db1:3307/app", Endpoint{Scheme: "mysql", User: "scan", Host: "db1", Port: 3307, Database: "app"}, "mysql://scan@db1:3307/app"},
		{"mariadb without port or database", "mariadb://scan@db1", Endpoint{Scheme: "mariadb", User: "scan", Host: "db1"}, "mariadb://scan@db1:3306/"},
		{"upper-case scheme", "MariaDB://scan@db1/", Endpoint{Scheme: "mariadb", User: "scan", Host: "db1"}, "mariadb://scan@db1:3306/"},
		{"ipv6 and tls", "mysql://scan@[::1]:3306/?tls=verify_identity", Endpoint{Scheme: "mysql", User: "scan", Host: "::1", Port: 3306, TLSMode: TLSVerifyIdentity}, "mysql://scan@[::1]:3306/"},
		{"escaped user", "mysql://a%40b@db1/", Endpoint{Scheme: "mysql", User: "a@b", Host: "db1"}, "mysql://a%40b@db1:3306/"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseTarget(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.str, got.String())
			back, err := ParseTarget(got.String())
			require.NoError(t, err)
			assert.Equal(t, got.String(), back.String())
		})
	}
}

func TestParseTargetRefuses(t *testing.T) {
	const pw = "Pw-9zQ-secret"
	tests := []struct {
		name, in string
		is       error
		msg      string
	}{
		{"password in the user part", "mysql://scan:" + pw + "@db1/", ErrPasswordInTarget, ""},
		{"password parameter", "mariadb://scan@db1/?password=" + pw, ErrPasswordInTarget, ""},
		{"driver DSN parameter", "mysql://scan@db1/?allowAllFiles=true", nil, "only the tls parameter"},
		{"bad tls mode", "mysql://scan@db1/?tls=skip-verify", nil, "tls must be one of"},
		{"driver DSN", "scan:" + pw + "@tcp(db1:3306)/app", nil, "target must look like"},
		{"no user", "mysql://db1/", nil, "name the user"},
		{"socket path as host", "mysql://scan@%2Fvar%2Frun%2Fmysqld.sock/", nil, "invalid host"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseTarget(tc.in)
			require.Error(t, err)
			if tc.is != nil {
				assert.True(t, errors.Is(err, tc.is), "%v", err)
			}
			assert.Contains(t, err.Error(), tc.msg)
			assert.True(t, strings.HasPrefix(err.Error(), "mysql: "), err.Error())
			assert.NotContains(t, err.Error(), pw)
		})
	}
}

func TestConfigDefaults(t *testing.T) {
	c, err := Config{}.withDefaults()
	require.NoError(t, err)
	assert.Equal(t, TLSPreferred, c.TLSMode)
	assert.Equal(t, DefaultQueryTimeout, c.QueryTimeout)
	assert.Equal(t, DefaultMaxRows, c.MaxRows)
	c, err = Config{TLSCA: "/ca.pem"}.withDefaults()
	require.NoError(t, err)
	assert.Equal(t, TLSVerifyIdentity, c.TLSMode, "a CA file turns verification on")
	_, err = Config{TLSMode: "skip-verify"}.withDefaults()
	assert.ErrorContains(t, err, "TLSMode must be one of")
	_, err = Config{TLSCert: "/c.pem"}.withDefaults()
	assert.ErrorContains(t, err, "go together")
}

// TestDriverConfigIsSafe: the driver never interpolates, runs several
// statements, sends a cleartext password or reads local files for the
// server, and the password is only in the field the handshake uses.
func TestDriverConfigIsSafe(t *testing.T) {
	const pw = "Pw-drv-secret"
	ep, err := ParseTarget("mysql://scan@db1/app")
	require.NoError(t, err)
	cfg, err := Config{Password: secret.New(pw), TLSMode: TLSRequired, QueryTimeout: 3 * time.Second}.withDefaults()
	require.NoError(t, err)
	dc, err := driverConfig(ep, cfg)
	require.NoError(t, err)
	assert.False(t, dc.MultiStatements)
	assert.False(t, dc.InterpolateParams)
	assert.False(t, dc.AllowCleartextPasswords)
	assert.False(t, dc.AllowOldPasswords)
	assert.False(t, dc.AllowAllFiles)
	assert.False(t, dc.AllowFallbackToPlaintext, "required never falls back")
	assert.Equal(t, "db1:3306", dc.Addr)
	assert.Empty(t, dc.DBName, "the session has no default database")
	assert.Equal(t, pw, dc.Passwd)
	require.NotNil(t, dc.TLS)
	assert.Empty(t, dc.Params, "no session setting comes from the driver: pin sets and checks them")
	assert.NotContains(t, (Config{Password: secret.New(pw)}).Password.String(), pw)

	_, err = driverConfig(ep, Config{TLSMode: TLSVerifyCA, TLSCA: "/nonexistent/ca.pem"})
	assert.ErrorContains(t, err, "CA certificates")
}

func TestPinStatements(t *testing.T) {
	maria := pinStatements(ProductMariaDB, 2500*time.Millisecond)
	assert.Contains(t, maria, "SET SESSION TRANSACTION READ ONLY")
	assert.Contains(t, maria, "SET SESSION max_statement_time = 3")
	assert.Contains(t, maria, "SET SESSION lock_wait_timeout = 3")
	assert.Contains(t, maria, "SET SESSION sql_mode = '"+SQLMode+"'")
	my := pinStatements(ProductMySQL, 2500*time.Millisecond)
	assert.Contains(t, my, "SET SESSION max_execution_time = 2500")
	assert.NotContains(t, SQLMode, "ANSI_QUOTES")
	assert.NotContains(t, SQLMode, "NO_BACKSLASH_ESCAPES")
}

func TestKind(t *testing.T) {
	k := Kind()
	assert.Equal(t, "mysql", k.Name)
	assert.Equal(t, target.Database, k.Class)
	assert.Equal(t, Engine, k.Engine)
	assert.Greater(t, k.Match("mariadb://scan@db1/"), 0)
	assert.Greater(t, k.Match("MYSQL://scan@db1/"), 0)
	assert.Zero(t, k.Match("postgres://scan@db1/"))
	for _, key := range []string{"password-env", "password-file", "db-host", "tls", "tls-ca", "tls-cert", "tls-key"} {
		_, ok := k.Setting(key)
		assert.True(t, ok, key)
	}
}
