package mariadbtest

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/mysql"
	"github.com/stigscan/stigscan/engine"
)

// mysqlReplies is the real MariaDB target with the product answers of a
// MySQL 8.0 server, as Oracle documents them (VERSION() "8.0.36",
// @@version_comment "MySQL Community Server - GPL"): no MySQL server runs
// here, and the platform decides from those two answers alone.
type mysqlReplies struct {
	*mysql.Target
	asked int
}

func (m *mysqlReplies) QueryRows(ctx context.Context, q string) ([]string, [][]*string, error) {
	if strings.HasPrefix(q, "SELECT VERSION() AS version, @@global.version_comment AS version_comment") {
		m.asked++
		v, c, rel := "8.0.36", "MySQL Community Server - GPL", "8.0.36"
		return []string{"version", "version_comment", "server_release"}, [][]*string{{&v, &c, &rel}}, nil
	}
	return m.Target.QueryRows(ctx, q)
}

// TestNotApplicableOnMySQL: every rule carries the mariadb platform, so
// on a server that answers as MySQL every rule is notapplicable and none
// is judged as if the server were MariaDB; on MariaDB the platform
// applies (TestBuiltinChecks).
func TestNotApplicableOnMySQL(t *testing.T) {
	r := startFixture(t, passing)
	b := r.prepare(t, nil)
	tg := &mysqlReplies{Target: r.open(t)}
	res, err := b.Evaluate(context.Background(), tg)
	require.NoError(t, err)
	require.Len(t, res.Rules, disaRules)
	assert.Positive(t, tg.asked, "the platform asked the server what it is")
	for _, rr := range res.Rules {
		assert.Equal(t, engine.NotApplicable, rr.Status, rr.Identity.VulnID)
	}
}
