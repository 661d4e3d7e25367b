package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/list"
	"github.com/stigscan/stigscan/collectors/target"
)

// fakeOpen records what the registry hands a kind's Open.
type fakeOpen struct {
	mu       sync.Mutex
	requests []target.Request
}

// fakeKind is a database kind the standard registry does not have, as
// the next one (MariaDB) will be: one registry entry.
func fakeKind(rec *fakeOpen) target.Kind {
	return target.Kind{
		Name: "fakedb", Title: "FakeDB", Class: target.Database, Engine: "fakedb",
		Schemes: []string{"fakedb://"}, Usage: "fakedb://user@host[:port]/db",
		Settings: append(target.DatabaseLogin(),
			target.Setting{Key: "ssl-ca", Help: "CA file", Flag: "db-fake-ca", FlagHelp: "FakeDB CA certificates"}),
		Open: func(_ context.Context, r target.Request) (host.Host, func() error, error) {
			rec.mu.Lock()
			defer rec.mu.Unlock()
			rec.requests = append(rec.requests, r)
			return nil, nil, errors.New("fakedb: no server here")
		},
	}
}

// TestUsageAndNamesFromRegistry: the scan command's usage text, its
// flags, the inventory's settings check, the fleet's names and the
// opener all come from the registry, so a registry with one more kind
// gets its usage line, its flag, its settings and its names with no
// other change.
func TestUsageAndNamesFromRegistry(t *testing.T) {
	t.Chdir(t.TempDir())
	rec := &fakeOpen{}
	kinds := list.Standard()
	kinds["fakedb"] = fakeKind(rec)
	runWith := func(args ...string) (string, error) { return runWithKinds(kinds, args...) }

	t.Run("usage", func(t *testing.T) {
		out, err := runWith("-h")
		require.NoError(t, err)
		assert.Contains(t, out, "fakedb://user@host[:port]/db: password-env=, password-file=, db-host=, ssl-ca=, name=; ssh-user=,",
			"the inventory help lists the kind's settings")
		assert.Contains(t, out, "Targets: local, local:/path/to/root, ssh://user@host[:port], fakedb://user@host[:port]/db,")
		assert.Contains(t, out, "-db-fake-ca", "the kind's flag is offered")
		assert.Contains(t, out, "FakeDB CA certificates")
		std, err := runWithKinds(list.Standard(), "-h")
		require.NoError(t, err)
		assert.NotContains(t, std, "fakedb", "nothing of the kind outside its entry")
	})

	t.Run("names, settings and opening", func(t *testing.T) {
		inv := "fakedb://scan@db1:3306/app db-host=local ssl-ca=/line/ca.pem password-env=FAKE_PW\n" +
			"FAKEDB://scan@db2/app\n"
		require.NoError(t, os.WriteFile("hosts.txt", []byte(inv), 0o644))
		out, err := runWith("--targets", "hosts.txt", "--target", "fakedb://other@db3:1/x?opt=1", "--db-fake-ca", "/flag/ca.pem",
			"--out", "res", "--progress", "none")
		require.Error(t, err, "no fake database answers")
		for _, name := range []string{"db1_3306_app", "db2_app", "db3_1_x"} {
			assert.FileExists(t, filepath.Join("res", name+".summary.json"), out)
		}
		assert.Contains(t, out, "fakedb: no server here")
		require.Len(t, rec.requests, 3)
		byName := map[string]target.Request{}
		for _, r := range rec.requests {
			byName[r.Name] = r
		}
		r1 := byName["db1_3306_app"]
		assert.Equal(t, "/line/ca.pem", r1.Values.String("ssl-ca"), "the line's setting")
		assert.Equal(t, "FAKE_PW", r1.Values.String("password-env"))
		require.NotNil(t, r1.Files)
		assert.Equal(t, target.Machine, host.KindOf(r1.Files).Class, "db-host=local opened through the machine kind")
		assert.Equal(t, "local", r1.Files.Describe())
		r2 := byName["db2_app"]
		assert.Equal(t, "/flag/ca.pem", r2.Values.String("ssl-ca"), "the flag's default")
		_, unavailable := r2.Files.(host.Unavailable)
		assert.True(t, unavailable, "no db-host: the server's files cannot be read, and the kind is told why")
	})

	t.Run("settings check", func(t *testing.T) {
		for line, msg := range map[string]string{
			"fakedb://u@h tns-admin=/x": "a database target has no tns-admin= setting",
			"fakedb://u@h key=/k":       "key= is an SSH setting; on a database line the SSH login of db-host= is set with ssh-key=",
			"ssh://u@h ssl-ca=/x":       "a machine target has no ssl-ca= setting",
		} {
			require.NoError(t, os.WriteFile("bad.txt", []byte(line+"\n"), 0o644))
			_, err := runWith("--targets", "bad.txt", "--out", "bad")
			require.Error(t, err, line)
			assert.Equal(t, ExitUsage, err.(*ExitError).Code, line)
			assert.Contains(t, err.Error(), msg, line)
		}
	})
}

func runWithKinds(kinds target.Registry, args ...string) (string, error) {
	var out bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &out, kinds: kinds}
	err := runScan(context.Background(), e, args)
	return out.String(), err
}
