package postgrestest

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"github.com/stigscan/stigscan/builtin/internal/checktest"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/report/arf"
)

// TestCrowdOfHostileSessions: as many idle sessions as the server admits,
// each named (application_name) with 10,000 characters of quotes,
// newlines and markup and each having turned its own idle timeout off
// (any role may). The Crunchy and Postgres 16 session rules fail, their
// evidence stays bounded and names an offending session, and the ARF the
// scan writes is well-formed XML.
func TestCrowdOfHostileSessions(t *testing.T) {
	r := startFixture(t, passing)
	r.c.exec(t, "postgres", "ALTER ROLE ALL SET idle_session_timeout = '2s'")
	ctx := context.Background()
	name := strings.Repeat("'\"<x>&\n]]>", 1000)
	// max_connections is 50; the scan needs a few of them.
	const n = 40
	for i := 0; i < n; i++ {
		c, err := r.c.connect(ctx, "fixture")
		require.NoError(t, err)
		t.Cleanup(func() { _ = c.Close(context.Background()) })
		_, err = c.Exec(ctx, "SET idle_session_timeout = 0; SELECT pg_catalog.set_config('application_name', $1, false)", pgx.QueryExecModeSimpleProtocol, name)
		require.NoError(t, err)
	}
	time.Sleep(3 * time.Second)
	for _, rel := range releases[1:] {
		t.Run(rel.name, func(t *testing.T) {
			res, err := r.prepare(t, rel.benchmark, map[string]string{"pg_idle_timeout": "2"}).Evaluate(ctx, r.open(t, "fixture"))
			require.NoError(t, err)
			rr := checktest.RuleByVuln(res, rel.idleVuln)
			require.NotNil(t, rr)
			assert.Equal(t, engine.Fail, rr.Status)
			assert.LessOrEqual(t, len(rr.Evidence), 30, "evidence is bounded")
			longest := 0
			for _, e := range rr.Evidence {
				longest = max(longest, len(e))
			}
			// 40 sessions of 63-byte names (PostgreSQL's limit, with
			// control characters shown as '?') fit; 10,000 would not.
			assert.Less(t, longest, 20000, "each evidence line is bounded")
			assert.Contains(t, strings.Join(rr.Evidence, "\n"), `application_name='"<x>&?]]>`)
			var out bytes.Buffer
			require.NoError(t, arf.Writer{}.Write(&out, res))
			size := out.Len()
			d := xml.NewDecoder(&out)
			for {
				_, err := d.Token()
				if errors.Is(err, io.EOF) {
					break
				}
				require.NoError(t, err, "the ARF is well-formed")
			}
			t.Logf("%s: %d evidence lines, the longest %d bytes, ARF %d bytes", rel.name, len(rr.Evidence), longest, size)
		})
	}
}
