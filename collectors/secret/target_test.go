package secret

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRedactTarget(t *testing.T) {
	const pw = "Zq9-target-Pw"
	tests := []struct{ name, in, want string }{
		{name: "ssh password", in: "ssh://root:" + pw + "@10.0.0.1:22", want: "ssh://root:[redacted]@10.0.0.1:22"},
		{name: "postgres password", in: "postgres://u:" + pw + "@db:5432/postgres?sslmode=verify-full", want: "postgres://u:[redacted]@db:5432/postgres?sslmode=verify-full"},
		{name: "password holding '@' and '/'", in: "postgres://u:a@b/c" + pw + "@db/x", want: "postgres://u:[redacted]@db/x"},
		// A '?' or '#' before the last '@' may mean that '@' is in a query
		// value (?password=a@b): nothing after the scheme can be trusted.
		{name: "password holding '?' and '#'", in: "postgres://u:a@b/c?d#" + pw + "@db/x", want: "postgres://[redacted]"},
		{name: "'@' in a password parameter", in: "postgres://u@db:5432/x?password=a@" + pw, want: "postgres://[redacted]"},
		{name: "password parameter", in: "postgres://u@db/x?sslmode=require&password=" + pw, want: "postgres://u@db/x?sslmode=require&password=[redacted]"},
		{name: "escaped, capitalized parameter", in: "postgres://u@db/x?Pass%77ord=" + pw, want: "postgres://u@db/x?Pass%77ord=[redacted]"},
		{name: "unknown parameter: name and value go", in: "postgres://u@db/x?" + pw + "=1&sslmode=disable", want: "postgres://u@db/x?[redacted]&sslmode=disable"},
		{name: "mongodb hosts and options", in: "mongodb://u:" + pw + "@h1:27017,h2/admin?authSource=admin;tlsCertificateKeyFilePassword=" + pw, want: "mongodb://u:[redacted]@h1:27017,h2/admin?authSource=admin;tlsCertificateKeyFilePassword=[redacted]"},
		{name: "oracle wallet password", in: "oracle://u@ora:1521/ORCL?wallet_password=" + pw, want: "oracle://u@ora:1521/ORCL?wallet_password=[redacted]"},
		{name: "fragment", in: "ssh://u@h#" + pw, want: "ssh://u@h#[redacted]"},
		{name: "no scheme", in: "root:" + pw + "@h", want: "root:[redacted]@h"},
		{name: "clean targets stay", in: "ssh://scan@[::1]:2222", want: "ssh://scan@[::1]:2222"},
		{name: "local root with odd characters", in: "local:/mnt/a@b:c?d", want: "local:/mnt/a@b:c?d"},
		{name: "control characters", in: "ssh://u@h\n" + "x", want: "ssh://u@h_x"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := RedactTarget(tc.in)
			assert.Equal(t, tc.want, got.String())
			assert.NotContains(t, got.String(), pw)
			assert.Equal(t, got, RedactTarget(got.String()), "redaction is idempotent")
		})
	}
}

func TestRedactTargetBounded(t *testing.T) {
	got := RedactTarget("ssh://u@" + strings.Repeat("é", 1000)).String()
	assert.LessOrEqual(t, len(got), MaxTargetLen+len("…"))
	assert.True(t, strings.HasSuffix(got, "…"))
	assert.True(t, json.Valid([]byte(`"`+got+`"`)), "the cut keeps UTF-8 whole")
}

func TestTargetEveryFormIsRedacted(t *testing.T) {
	const pw = "Yx7-every-Form"
	tg := RedactTarget("postgres://u:" + pw + "@db/x?password=" + pw)
	var out []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		out = append(out, fmt.Sprintf(verb, tg), fmt.Sprintf(verb, struct{ T Target }{tg}))
	}
	j, err := json.Marshal(struct{ T Target }{tg})
	require.NoError(t, err)
	out = append(out, string(j))
	txt, err := tg.MarshalText()
	require.NoError(t, err)
	out = append(out, string(txt))
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("x", "target", tg)
	slog.New(slog.NewTextHandler(&logged, nil)).Info("x", "target", tg)
	out = append(out, logged.String())
	for _, s := range out {
		assert.NotContains(t, s, pw)
	}
	assert.Contains(t, string(j), `"postgres://u:[redacted]@db/x?password=[redacted]"`)

	// Reading JSON redacts again: a hand-edited summary cannot bring a
	// secret back into a table.
	var back struct{ T Target }
	require.NoError(t, json.Unmarshal([]byte(`{"T":"ssh://root:`+pw+`@h"}`), &back))
	assert.Equal(t, "ssh://root:[redacted]@h", back.T.String())
}

// The allow-lists are fixed: the two sets do not overlap, and a name is
// matched only in lower case, as redactTarget lowers it first.
func TestParamLists(t *testing.T) {
	for _, n := range []string{"sslmode", "authsource", "service_name", "w"} {
		assert.True(t, isPublicParam(n), n)
		assert.False(t, isSecretParam(n), n)
	}
	for _, n := range []string{"password", "sslpassword", "wallet_password", "authmechanismproperties"} {
		assert.True(t, isSecretParam(n), n)
		assert.False(t, isPublicParam(n), n)
	}
	assert.False(t, isPublicParam("SSLMODE"))
	assert.False(t, isPublicParam("sslmode2"))
	assert.Equal(t, "postgres://u@h/db?sslmode=require&password=[redacted]&[redacted]",
		RedactTarget("postgres://u@h/db?sslmode=require&password=hunter2&pasword=hunter2").String())
}
