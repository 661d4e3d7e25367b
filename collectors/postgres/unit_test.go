package postgres

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/host"
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

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []ConfigEntry
		wantErr string
	}{
		{name: "forms", in: "# comment\n\nlog_connections = on\nport 5433 # trailing\nshared_buffers=16MB\n  work_mem = '4MB'\r\n",
			want: []ConfigEntry{{Name: "log_connections", Value: "on", Line: 3}, {Name: "port", Value: "5433", Line: 4},
				{Name: "shared_buffers", Value: "16MB", Line: 5}, {Name: "work_mem", Value: "4MB", Line: 6}}},
		{name: "escapes", in: `a = 'it''s \'x\' \t\101\\ #not a comment'`,
			want: []ConfigEntry{{Name: "a", Value: "it's 'x' \tA\\ #not a comment", Line: 1}}},
		{name: "qualified and odd values", in: "pg_stat_statements.max = 10000\nlisten_addresses = *\nsearch_path = '\"$user\", public'\nx = -1.5e3\n",
			want: []ConfigEntry{{Name: "pg_stat_statements.max", Value: "10000", Line: 1}, {Name: "listen_addresses", Value: "*", Line: 2},
				{Name: "search_path", Value: `"$user", public`, Line: 3}, {Name: "x", Value: "-1.5e3", Line: 4}}},
		{name: "empty quoted value", in: "log_line_prefix = ''", want: []ConfigEntry{{Name: "log_line_prefix", Value: "", Line: 1}}},
		{name: "include directives", in: "include 'a.conf'\ninclude_dir conf.d\n",
			want: []ConfigEntry{{Name: "include", Value: "a.conf", Line: 1}, {Name: "include_dir", Value: "conf.d", Line: 2}}},
		{name: "no value", in: "a =\n", wantErr: "line 1: syntax error: a has no value"},
		{name: "two values", in: "ok = 1\na = 1 2\n", wantErr: "line 2: syntax error after the value of a"},
		{name: "unterminated", in: "a = 'x\n", wantErr: "unterminated"},
		{name: "bad name", in: "1a = 2\n", wantErr: "expected a setting name"},
		{name: "double equals", in: "a == 2\n", wantErr: "line 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseConfig(tt.in)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// memHost is a host.Host over an in-memory tree, for the file parsers.
type memHost map[string]string

func (m memHost) ReadFile(_ context.Context, p string) ([]byte, error) {
	v, ok := m[p]
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: p, Err: fs.ErrNotExist}
	}
	return []byte(v), nil
}

func (m memHost) Stat(_ context.Context, paths ...string) ([]host.FileInfo, error) {
	out := make([]host.FileInfo, len(paths))
	for i, p := range paths {
		out[i] = host.FileInfo{Path: p}
		if _, ok := m[p]; !ok {
			out[i].Err = fs.ErrNotExist
		}
	}
	return out, nil
}

func (m memHost) ReadDir(_ context.Context, dir string) ([]host.FileInfo, error) {
	var out []host.FileInfo
	for p := range m {
		if path.Dir(p) == dir {
			out = append(out, host.FileInfo{Path: p, Mode: 0o644})
		}
	}
	if out == nil {
		return nil, &fs.PathError{Op: "open", Path: dir, Err: fs.ErrNotExist}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

func (m memHost) Run(context.Context, string) ([]byte, error) { return nil, host.ErrNotCollected }
func (m memHost) Describe() string                            { return "mem" }

func TestReadConfigFileIncludes(t *testing.T) {
	h := memHost{
		"/etc/pg/postgresql.conf": "a = 1\ninclude 'sub/x.conf'\ninclude_if_exists 'missing.conf'\ninclude_dir 'conf.d'\nb = 2\n",
		"/etc/pg/sub/x.conf":      "x = 'from x'\n",
		"/etc/pg/conf.d/20.conf":  "a = 20\n",
		"/etc/pg/conf.d/10.conf":  "include '/etc/pg/abs.conf'\n",
		"/etc/pg/conf.d/.h.conf":  "a = hidden\n",
		"/etc/pg/conf.d/n.txt":    "a = txt\n",
		"/etc/pg/abs.conf":        "y = 1\n",
		"/loop/a.conf":            "include 'a.conf'\n",
		"/bad/p.conf":             "include 'nothere.conf'\n",
	}
	got, err := ReadConfigFile(context.Background(), h, "/etc/pg/postgresql.conf")
	require.NoError(t, err)
	assert.Equal(t, []ConfigEntry{
		{Name: "a", Value: "1", File: "/etc/pg/postgresql.conf", Line: 1},
		{Name: "x", Value: "from x", File: "/etc/pg/sub/x.conf", Line: 1},
		{Name: "y", Value: "1", File: "/etc/pg/abs.conf", Line: 1},
		{Name: "a", Value: "20", File: "/etc/pg/conf.d/20.conf", Line: 1},
		{Name: "b", Value: "2", File: "/etc/pg/postgresql.conf", Line: 5},
	}, got)
	v, ok := ConfigValue(got, "A")
	require.True(t, ok)
	assert.Equal(t, "20", v.Value)
	_, ok = ConfigValue(got, "zz")
	assert.False(t, ok)

	_, err = ReadConfigFile(context.Background(), h, "/loop/a.conf")
	assert.ErrorContains(t, err, "nested more than 10 deep")
	_, err = ReadConfigFile(context.Background(), h, "/bad/p.conf")
	assert.ErrorIs(t, err, fs.ErrNotExist)
	_, err = ReadConfigFile(context.Background(), host.Unavailable{Name: "db", Reason: "no ssh"}, "/x")
	assert.ErrorIs(t, err, host.ErrNotCollected)
}

func TestReadHBA(t *testing.T) {
	h := memHost{
		"/d/pg_hba.conf": strings.Join([]string{
			`# comment`,
			`local all all peer`,
			`local  all  all  ident  map=m`,
			`host "my db","all",x+y  +admins, @users   192.168.0.1/24  scram-sha-256`,
			`hostssl all all 10.0.0.0 255.255.0.0 cert clientcert=verify-full`,
			`host all all ::1/128 md5 # trailing`,
			`host all all fe80::1%eth0/64 md5`,
			`host all all samenet \`,
			`   reject`,
			`hostgssenc all all .example.com gss include_realm=0 krb_realm=EXAMPLE.COM`,
			`hosts all all all trust`,
			`host all all`,
			`host all all 10.0.0.1 md5`,
			`host all all 10.0.0.1/33 md5`,
			`host all "a""b" 0.0.0.0/0 reject`,
			`include_dir conf.d`,
			`include_if_exists nothere.conf`,
		}, "\n"),
		"/d/users":                 "alice bob\n# c\ncarol,dave\n",
		"/d/conf.d/01-extra.conf":  "host all all 10.9.0.0/16 trust\n",
		"/d/conf.d/ignored.sample": "host all all 0.0.0.0/0 trust\n",
	}
	got, err := ReadHBA(context.Background(), h, "/d/pg_hba.conf")
	require.NoError(t, err)
	f := "/d/pg_hba.conf"
	all := []string{"all"}
	want := []HBARule{
		{File: f, Line: 2, Type: "local", Databases: all, Users: all, Method: "peer"},
		{File: f, Line: 3, Type: "local", Databases: all, Users: all, Method: "peer", Options: []string{"map=m"}},
		{File: f, Line: 4, Type: "host", Databases: []string{"my db", "all", "x+y"}, Users: []string{"+admins", "alice", "bob", "carol", "dave"},
			Address: "192.168.0.1", Netmask: "255.255.255.0", Method: "scram-sha-256"},
		{File: f, Line: 5, Type: "hostssl", Databases: all, Users: all, Address: "10.0.0.0", Netmask: "255.255.0.0", Method: "cert", Options: []string{"clientcert=verify-full"}},
		{File: f, Line: 6, Type: "host", Databases: all, Users: all, Address: "::1", Netmask: "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", Method: "md5"},
		{File: f, Line: 7, Type: "host", Error: `invalid IP address "fe80::1%eth0"`},
		{File: f, Line: 8, Type: "host", Databases: all, Users: all, Address: "samenet", Method: "reject"},
		{File: f, Line: 10, Type: "hostgssenc", Databases: all, Users: all, Address: ".example.com", Method: "gss", Options: []string{"include_realm=0", "krb_realm=EXAMPLE.COM"}},
		{File: f, Line: 11, Type: "hosts", Error: `invalid connection type "hosts"`},
		{File: f, Line: 12, Type: "host", Error: "end-of-line before authentication method"},
		{File: f, Line: 13, Type: "host", Error: "IP address and mask do not match"},
		{File: f, Line: 14, Type: "host", Error: `invalid CIDR mask in address "10.0.0.1/33"`},
		{File: f, Line: 15, Type: "host", Databases: all, Users: []string{`a"b`}, Address: "0.0.0.0", Netmask: "0.0.0.0", Method: "reject"},
		{File: "/d/conf.d/01-extra.conf", Line: 1, Type: "host", Databases: all, Users: all, Address: "10.9.0.0", Netmask: "255.255.0.0", Method: "trust"},
	}
	assert.Equal(t, want, got)

	h["/d/pg_hba.conf"] = "host all all 10.0.0.0/8 \"md5\nhost all all 10.0.0.0/8 magic\nhost all all \"\" md5\n"
	got, err = ReadHBA(context.Background(), h, "/d/pg_hba.conf")
	require.NoError(t, err)
	require.Len(t, got, 3)
	assert.Equal(t, "unterminated quoted string", got[0].Error)
	assert.Equal(t, `invalid authentication method "magic"`, got[1].Error)
	assert.Equal(t, "empty host address", got[2].Error)

	h["/d/pg_hba.conf"] = "host all @nofile 10.0.0.0/8 md5\n"
	got, err = ReadHBA(context.Background(), h, "/d/pg_hba.conf")
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Contains(t, got[0].Error, "secondary authentication file")

	_, err = ReadHBA(context.Background(), h, "/nothere")
	assert.ErrorIs(t, err, fs.ErrNotExist)
}

func TestPrivilegeErrorMatches(t *testing.T) {
	err := fmt.Errorf("wrapped: %w", &PrivilegeError{Target: "postgres://u@h:5432/d", What: "sessions", Need: "membership in pg_read_all_stats"})
	assert.ErrorIs(t, err, ErrPrivilege)
	assert.ErrorIs(t, err, host.ErrNotCollected)
	assert.False(t, errors.Is(err, ErrAuth))
	assert.Contains(t, err.Error(), "reading sessions needs membership in pg_read_all_stats")
}
