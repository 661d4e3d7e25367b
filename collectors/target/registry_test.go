package target_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/target"
)

// fakes is a registry of fake kinds: a word machine, a prefixed machine
// with login settings, and a database; Open records the requests.
func fakes(got *[]target.Request) target.Registry {
	open := func(_ context.Context, r target.Request) (host.Host, func() error, error) {
		*got = append(*got, r)
		return host.Unavailable{Name: r.Spec}, nil, nil
	}
	return target.Registry{
		"here": {Name: "here", Class: target.Machine, Words: []string{"here"}, Usage: "here", Open: open},
		"rsh": {Name: "rsh", Title: "RSH", Class: target.Machine, Schemes: []string{"rsh://"}, Usage: "rsh://host",
			LoginPrefix: "rsh-", Open: open, Settings: []target.Setting{
				{Key: "password-env", Login: true, Flag: "rsh-password-env", Replaces: "password-file"},
				{Key: "password-file", Login: true, Flag: "rsh-password-file", Replaces: "password-env"},
				{Key: "port", Login: true, Type: target.Port},
				{Key: "sudo", Type: target.Bool, Flag: "sudo"},
			}},
		"db": {Name: "db", Title: "DB", Class: target.Database, Engine: "dbe", Schemes: []string{"db://", "database://"},
			Usage: "db://user@host/name", Open: open, Settings: target.DatabaseLogin()},
	}
}

func TestLookup(t *testing.T) {
	kinds := fakes(new([]target.Request))
	tests := []struct{ name, spec, want string }{
		{name: "word", spec: "here", want: "here"},
		{name: "word is whole", spec: "hereafter"},
		{name: "scheme", spec: "rsh://h", want: "rsh"},
		{name: "scheme any case", spec: "RSH://h", want: "rsh"},
		{name: "second scheme", spec: "database://u@h/x", want: "db"},
		{name: "none", spec: "ftp://h"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, ok := kinds.Lookup(tc.spec)
			assert.Equal(t, tc.want != "", ok)
			assert.Equal(t, tc.want, k.Name)
		})
	}
	assert.Equal(t, []string{"here", "rsh://host", "db://user@host/name"}, kinds.Usages(""), "machines first, each class by name")
	assert.Equal(t, []string{"db://user@host/name"}, kinds.Usages(target.Database))
	assert.Equal(t, "h_5_x", kinds.Name("db://u:Pw-1@h:5/x?password=Pw-2"))
}

// TestServerLoginIsTheMachines: a database line's password settings go
// to the database only; its server machine reads the prefixed ones and
// its own flags, never the database's.
func TestServerLoginIsTheMachines(t *testing.T) {
	defaults := map[string]string{"db-password-env": "DB_FLAG", "rsh-password-file": "/rsh/flag", "sudo": "false"}
	tests := []struct {
		name     string
		line     map[string]string
		wantDB   [2]string // password-env, password-file the database reads
		wantHost [2]string // the same, the machine reads
		wantSudo bool
	}{
		{name: "database password on the line", line: map[string]string{"password-env": "DB_PW", "db-host": "rsh://srv"},
			wantDB: [2]string{"DB_PW", ""}, wantHost: [2]string{"", "/rsh/flag"}},
		{name: "both on the line", line: map[string]string{"password-file": "/db/pw", "rsh-password-env": "RSH_PW", "db-host": "rsh://srv", "sudo": "true"},
			wantDB: [2]string{"", "/db/pw"}, wantHost: [2]string{"RSH_PW", ""}, wantSudo: true},
		{name: "flags only", line: map[string]string{"db-host": "rsh://srv"},
			wantDB: [2]string{"DB_FLAG", ""}, wantHost: [2]string{"", "/rsh/flag"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []target.Request
			kinds := fakes(&got)
			require.NoError(t, kinds.Check("db://u@h/x", tc.line))
			_, _, err := kinds.Open(context.Background(), "db://u@h/x", "x", tc.line, target.Env{Defaults: defaults})
			require.NoError(t, err)
			require.Len(t, got, 2, "the machine, then the database")
			m, d := got[0], got[1]
			assert.Equal(t, "rsh://srv", m.Spec)
			assert.Equal(t, tc.wantHost, [2]string{m.Values.String("password-env"), m.Values.String("password-file")})
			sudo, err := m.Values.Bool("sudo")
			require.NoError(t, err)
			assert.Equal(t, tc.wantSudo, sudo)
			assert.Equal(t, tc.wantDB, [2]string{d.Values.String("password-env"), d.Values.String("password-file")})
			assert.Equal(t, "rsh://srv", d.Files.Describe(), "the database reads its files through the machine")
		})
	}

	t.Run("no db-host", func(t *testing.T) {
		var got []target.Request
		_, _, err := fakes(&got).Open(context.Background(), "db://u@h/x", "x", nil, target.Env{})
		require.NoError(t, err)
		require.Len(t, got, 1)
		u, ok := got[0].Files.(host.Unavailable)
		require.True(t, ok)
		assert.Contains(t, u.Reason, "--db-host")
	})
	t.Run("db-host names a database", func(t *testing.T) {
		var got []target.Request
		_, _, err := fakes(&got).Open(context.Background(), "db://u@h/x", "x", map[string]string{"db-host": "db://v@w/y"}, target.Env{})
		require.ErrorIs(t, err, target.ErrUsage)
		assert.Contains(t, err.Error(), "db-host names the server's machine (here, rsh://host), not a database")
		assert.Empty(t, got)
	})
	t.Run("bad port of the machine", func(t *testing.T) {
		var got []target.Request
		_, _, err := fakes(&got).Open(context.Background(), "db://u@h/x", "x", map[string]string{"db-host": "rsh://s", "rsh-port": "99999"}, target.Env{})
		require.Error(t, err)
		assert.Contains(t, err.Error(), `x: server files: rsh-port="99999": not a port number`)
		assert.Empty(t, got, "nothing is opened")
	})
}

func TestCheck(t *testing.T) {
	kinds := fakes(new([]target.Request))
	tests := []struct{ name, spec, key, msg string }{
		{name: "machine login on a database line", spec: "db://u@h/x", key: "password-env"},
		{name: "unprefixed machine login", spec: "db://u@h/x", key: "port", msg: "port= is an RSH setting; on a database line the RSH login of db-host= is set with rsh-port="},
		{name: "prefixed key on a machine line", spec: "rsh://h", key: "rsh-port", msg: "a machine target has no rsh-port= setting"},
		{name: "unknown key not repeated", spec: "rsh://h", key: "Hunter2", msg: "a setting is not one a machine target has (the key is not repeated: it could be a secret)"},
		{name: "no kind: name only", spec: "ftp://h", key: "sudo", msg: "a machine target has no sudo= setting"},
		{name: "name everywhere", spec: "here", key: "name"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := kinds.Check(tc.spec, map[string]string{tc.key: "v"})
			if tc.msg == "" {
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, target.ErrUsage)
			assert.Equal(t, tc.msg, err.Error())
		})
	}
	_, _, err := kinds.Open(context.Background(), "ftp://u:Pw-9@h", "h", nil, target.Env{})
	require.ErrorIs(t, err, target.ErrUsage)
	assert.Equal(t, `unknown target "ftp://u:[redacted]@h" (use here, rsh://host, db://)`, err.Error())
	assert.False(t, errors.Is(errors.New("x"), target.ErrUsage))
}
