package oracle

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/internal/dbtarget/dbtargettest"
	"github.com/stigscan/stigscan/collectors/secret"
)

const fakePassword = "Or4-9d2e-not-a-real-secret@x:y/z"

func TestParseTarget(t *testing.T) {
	dbtargettest.Run(t, ParseTarget, fakePassword, true, []dbtargettest.Case[Endpoint]{
		{Name: "full", In: "oracle://scan@db.example.com:1522/ORCLPDB1", Want: Endpoint{User: "scan", Host: "db.example.com", Port: 1522, Service: "ORCLPDB1"}, Str: "oracle://scan@db.example.com:1522/ORCLPDB1"},
		{Name: "default port", In: "ORACLE://scan@db/orcl", Want: Endpoint{User: "scan", Host: "db", Service: "orcl"}, Str: "oracle://scan@db:1521/orcl"},
		{Name: "no service", In: "oracle://scan@10.0.0.5", Want: Endpoint{User: "scan", Host: "10.0.0.5"}, Str: "oracle://scan@10.0.0.5:1521/"},
		{Name: "IPv6", In: "oracle://scan@[::1]:2484/svc?ssl=true", Want: Endpoint{User: "scan", Host: "::1", Port: 2484, Service: "svc", SSL: true}, Str: "oracle://scan@[::1]:2484/svc?ssl=true"},
		{Name: "escaped user", In: "oracle://c%23%23scan%40corp@db/svc", Want: Endpoint{User: "c##scan@corp", Host: "db", Service: "svc"}, Str: "oracle://c%23%23scan%40corp@db:1521/svc"},
		{Name: "password in user part", In: "oracle://scan:" + fakePassword + "@db/svc", ErrIs: ErrPasswordInTarget},
		{Name: "password parameter", In: "oracle://scan@db/svc?password=" + fakePassword, ErrIs: ErrPasswordInTarget},
		{Name: "wallet password parameter", In: "oracle://scan@db/svc?wallet_password=x", ErrIs: ErrPasswordInTarget},
		{Name: "unknown parameter not repeated", In: "oracle://scan@db/svc?" + fakePassword + "=1", ErrHas: "only the ssl parameter"},
		{Name: "bad ssl", In: "oracle://scan@db/svc?ssl=maybe", ErrHas: "ssl must be"},
		{Name: "wrong scheme", In: "postgres://scan@db/x", ErrHas: "must look like"},
		{Name: "host with descriptor text", In: "oracle://scan@db(x)/svc", ErrHas: "invalid host"},
		{Name: "service with a path", In: "oracle://scan@db/a/b", ErrHas: "one service name"},
		{Name: "service with descriptor text", In: "oracle://scan@db/a(b)", ErrHas: "invalid service"},
	})
}

func TestConfigDefaults(t *testing.T) {
	c, err := Config{}.withDefaults()
	require.NoError(t, err)
	assert.Equal(t, DefaultConnectTimeout, c.ConnectTimeout)
	assert.Equal(t, DefaultQueryTimeout, c.QueryTimeout)
	assert.Equal(t, DefaultMaxConns, c.MaxConns)
	assert.Equal(t, DefaultMaxRows, c.MaxRows)
	assert.NotNil(t, c.Logger)

	c, err = Config{MaxConns: 50}.withDefaults()
	require.NoError(t, err)
	assert.Equal(t, MaxMaxConns, c.MaxConns)

	_, err = Config{WalletPassword: secret.New("w")}.withDefaults()
	assert.ErrorContains(t, err, "needs Config.Wallet")
}

// TestConfigNeverShowsSecrets prints, marshals and logs a Config.
func TestConfigNeverShowsSecrets(t *testing.T) {
	cfg := Config{Password: secret.New(fakePassword), Wallet: "/w", WalletPassword: secret.New(fakePassword + "w"), ConnectTimeout: time.Second}
	var logged strings.Builder
	slog.New(slog.NewTextHandler(&logged, nil)).Info("config", "cfg", cfg, "pw", cfg.Password)
	js, err := json.Marshal(cfg)
	require.NoError(t, err)
	for _, out := range []string{fmt.Sprintf("%v %+v %#v %s %q %x", cfg, cfg, cfg, cfg.Password, cfg.Password, cfg.Password), string(js), logged.String()} {
		assert.NotContains(t, out, "Or4-9d2e")
		assert.Contains(t, out, "[redacted]")
	}
}

func TestRedactorScrubsDriverErrors(t *testing.T) {
	r := newRedactor(fakePassword, "")
	err := r.wrap(fmt.Errorf("parse %q: invalid port: %w", "oracle://u:"+strings.ReplaceAll(fakePassword, "@", "%40")+"@h", context.DeadlineExceeded))
	assert.NotContains(t, err.Error(), "Or4-9d2e")
	assert.True(t, errors.Is(err, context.DeadlineExceeded), "context errors stay matchable")
	assert.Nil(t, r.wrap(nil))

	// A form the redactor was not told about still loses the URL's password.
	err = newRedactor().wrap(errors.New(`parse "oracle://u:` + fakePassword + `@h:1521/s": bad`))
	assert.NotContains(t, err.Error(), "Or4-9d2e")
	assert.Contains(t, err.Error(), "oracle://u:[redacted]@h:1521/s")
}

func TestOpenNeedsUserAndHost(t *testing.T) {
	_, err := Open(context.Background(), Endpoint{Host: "db"}, Config{}, nil)
	assert.ErrorContains(t, err, "needs a user and a host")
}

// TestOpenUnreachable connects to a closed port: the error names the
// target and holds no password.
func TestOpenUnreachable(t *testing.T) {
	ep := Endpoint{User: "scan", Host: "127.0.0.1", Port: 1, Service: "svc"}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err := Open(ctx, ep, Config{Password: secret.New(fakePassword), ConnectTimeout: 2 * time.Second}, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "oracle://scan@127.0.0.1:1/svc")
	assert.NotContains(t, err.Error(), "Or4-9d2e")
}

func TestErrorClassification(t *testing.T) {
	for code, want := range map[string][2]bool{
		"ORA-01017": {true, false}, "ORA-28000": {true, false}, "28P01": {true, false},
		"ORA-00942": {false, true}, "ORA-01031": {false, true}, "42501": {false, true}, "42P01": {false, true},
		"ORA-00904": {false, false}, "": {false, false},
	} {
		assert.Equal(t, want[0], isAuth(code), code)
		assert.Equal(t, want[1], isPrivilege(code), code)
	}
}

func TestText(t *testing.T) {
	ts := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tc := range []struct {
		in   any
		want string
	}{
		{"a", "a"}, {[]byte("b"), "b"}, {int64(-3), "-3"}, {1.5, "1.5"}, {float64(1000000), "1000000"},
		{true, "TRUE"}, {ts, "2026-01-02T03:04:05Z"}, {uint8(7), "7"},
	} {
		got := text(tc.in)
		require.NotNil(t, got)
		assert.Equal(t, tc.want, *got)
	}
	assert.Nil(t, text(nil))
}
