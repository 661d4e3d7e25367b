package mysql_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/local"
	"github.com/stigscan/stigscan/collectors/ssh"
	"github.com/stigscan/stigscan/internal/testsshd"
)

// Over a real OpenSSH connection the probe reads what it reads locally:
// includes, a sorted include directory, a world-writable file ignored.
func TestSSH(t *testing.T) {
	srv := testsshd.Start(t, testsshd.Options{})
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"my.cnf":       "[client-server]\nport=3306\n!includedir " + filepath.Join(dir, "conf.d") + "\n",
		"conf.d/b.cnf": "[mariadb]\nlocal_infile=0\n",
		"conf.d/a.cnf": "[mariadb]\nlocal_infile=1\nrequire_secure_transport=ON\n",
		"conf.d/w.cnf": "[mariadb]\nlocal_infile=1\n",
	})
	require.NoError(t, os.Chmod(filepath.Join(dir, "conf.d/w.cnf"), 0o666))
	tg, err := ssh.ParseTarget(srv.Target())
	require.NoError(t, err)
	h, err := ssh.Dial(context.Background(), tg, ssh.Config{KeyFile: srv.ClientKeyFile, KnownHostsFile: srv.KnownHosts(t), ConnectTimeout: 2 * time.Minute})
	require.NoError(t, err, "sshd log:\n%s", srv.Log())
	t.Cleanup(func() { _ = h.Close() })

	obj := `<my:behaviors server="mariadb"/>` + fp(filepath.Join(dir, "my.cnf"))
	flag, items, msgs := collect(t, h, obj)
	assert.Equal(t, "complete", flag, msgs)
	assert.Equal(t, []string{
		"file=" + dir + "/my.cnf line=2 group=client-server option=port value=3306",
		"file=" + dir + "/conf.d/a.cnf line=3 group=mariadb option=require_secure_transport value=ON",
		"file=" + dir + "/conf.d/b.cnf line=2 group=mariadb option=local_infile value=0",
	}, items)
	assert.Contains(t, msgs, "w.cnf: is world-writable")

	lflag, litems, lmsgs := collect(t, local.New(), obj)
	assert.Equal(t, flag, lflag)
	assert.Equal(t, items, litems)
	assert.Equal(t, msgs, lmsgs)
}
