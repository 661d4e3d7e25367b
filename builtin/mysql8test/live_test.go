package mysql8test

import (
	"context"
	"github.com/stigscan/stigscan/builtin/internal/checktest"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/local"
	"github.com/stigscan/stigscan/collectors/mysql"
	"github.com/stigscan/stigscan/engine"
)

// TestLive scans a real MySQL 8.0 server with the built-in checks when
// MYSQL_URL (a mysql:// target) and MYSQL_PASSWORD are set: every
// automated rule is decided (pass or fail), none errors; the rules that
// judge the server's files may be unknown unless MYSQL_FILES=local says
// the server's files are this machine's. None can run where these
// checks were written; see TestContract.
func TestLive(t *testing.T) {
	url := os.Getenv("MYSQL_URL")
	if url == "" {
		t.Skip("MYSQL_URL is not set: no MySQL 8.0 server to scan; the documented replies (TestContract) stand in for one")
	}
	pw, err := mysql.SecretFromEnv("MYSQL_PASSWORD")
	require.NoError(t, err)
	ep, err := mysql.ParseTarget(url)
	require.NoError(t, err)
	// The server's files: this machine's when MYSQL_FILES is "local";
	// otherwise none, and the file rules are unknown unless the
	// server's own answers already fail them.
	var files host.Host
	fileRules := map[string]bool{dodGuidanceVuln: true}
	for _, v := range fileVulns {
		fileRules[v] = true
	}
	if os.Getenv("MYSQL_FILES") == "local" {
		files, fileRules = local.New(), nil
	}
	tg, err := mysql.Open(context.Background(), ep, mysql.Config{Password: pw}, files)
	require.NoError(t, err)
	defer tg.Close()
	start := time.Now()
	res, err := prepare(t, nil).Evaluate(context.Background(), tg)
	require.NoError(t, err)
	t.Logf("mysql-8 on %s (%s %s): %d rules evaluated in %s: %v", tg.Describe(), tg.Product(), tg.ServerVersion(), len(res.Rules), time.Since(start), res.Counts())
	auto := automatedVulns(t)
	for _, rr := range res.Rules {
		decided := []engine.Status{engine.Pass, engine.Fail}
		if fileRules[rr.Identity.VulnID] {
			decided = []engine.Status{engine.Fail, engine.Unknown}
		}
		if auto[rr.Identity.VulnID] {
			assert.Contains(t, decided, rr.Status, checktest.Explain(res, map[string]engine.Status{rr.Identity.VulnID: engine.Pass}, checktest.VulnID))
		}
	}
	if p := os.Getenv("MYSQL_PASSWORD"); p != "" {
		for _, rr := range res.Rules {
			for _, m := range rr.Messages {
				assert.NotContains(t, m.Text, p)
			}
			for _, e := range rr.Evidence {
				assert.NotContains(t, e, p)
			}
		}
	}
}
