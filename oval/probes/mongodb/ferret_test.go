package mongodb_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/builtin"
	mdb "github.com/stigscan/stigscan/collectors/mongodb"
	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/internal/testferret"
	"github.com/stigscan/stigscan/internal/testlog"
	"github.com/stigscan/stigscan/oval"
	"github.com/stigscan/stigscan/report/arf"
	"github.com/stigscan/stigscan/report/jsonres"
)

func TestMain(m *testing.M) { os.Exit(testferret.Main(m)) }

// testOutcome finds an OVAL test's result by its comment.
func testOutcome(t *testing.T, res *engine.Result, comment string) *oval.TestResult {
	t.Helper()
	for _, rep := range res.OVAL {
		for _, tr := range rep.Results.Tests {
			if testComments[tr.ID] == comment {
				return tr
			}
		}
	}
	t.Fatalf("no OVAL test %q in the results", comment)
	return nil
}

// testComments maps the built-in OVAL test ids to their comments.
var testComments = func() map[string]string {
	out := map[string]string{}
	data, err := builtin.Read("mongodb-4x-oval.xml")
	if err != nil {
		return out
	}
	defs, err := oval.Parse(bytes.NewReader(data), "mongodb-4x-oval.xml")
	if err != nil {
		return out
	}
	for _, t := range defs.Tests {
		out[t.ID] = t.Comment
	}
	return out
}()

// The built-in checks against a real MongoDB-protocol server (FerretDB)
// reached over the network only: what FerretDB lacks (rolesInfo,
// $listSessions) becomes an error that says so, what the server machine
// would tell is not collected, and settings come from the running server.
func TestBuiltinOnFerretDB(t *testing.T) {
	s := testferret.Start(t)
	var sink testlog.Sink
	tg, err := mdb.Open(context.Background(), s.URI(), mdb.Config{Password: mdb.NewSecret(testferret.Password), Logger: slog.New(slog.NewTextHandler(&sink, &slog.HandlerOptions{Level: slog.LevelDebug}))}, nil)
	require.NoError(t, err)
	defer tg.Close()
	res := scanBuiltin(t, "testdata/stig-fail/tailoring.xml", "xccdf_io.stigscan_profile_mongodb_fail", tg)
	got := byRule(res)

	sessions := testOutcome(t, res, "no session is idle beyond the limit")
	assert.Equal(t, oval.Error, sessions.Result)
	assert.Contains(t, fmt.Sprint(sessions.Messages), "the server does not support aggregate $listSessions")

	label := got["SV-252144r879689_rule"]
	assert.Equal(t, engine.Error, label.Status, messages(label))
	assert.Contains(t, messages(label), "the server does not support rolesInfo")

	// FerretDB's running options name none of these settings: with no
	// access to the machine, the settings come from getCmdLineOpts.
	for _, r := range []string{"SV-252145r879705_rule", "SV-252164r879639_rule", "SV-252143r879652_rule", "SV-252141r879640_rule"} {
		assert.Equal(t, engine.Fail, got[r].Status, "%s: %s", r, messages(got[r]))
	}
	var notes []string
	for _, rep := range res.OVAL {
		for _, o := range rep.Results.Objects {
			for _, m := range o.Messages {
				notes = append(notes, m.Text)
			}
		}
	}
	assert.Contains(t, fmt.Sprint(notes), "/etc/mongod.conf cannot be read")
	assert.Contains(t, fmt.Sprint(notes), "the running server's options (getCmdLineOpts) are used instead")
	// The machine cannot be read: file checks are not decided.
	conf := got["SV-252136r879579_rule"]
	assert.Equal(t, engine.Error, conf.Status, messages(conf))
	assert.Contains(t, messages(conf), "was not collected")
	// What FerretDB does meet, it meets: no HTTP options, no user with a role.
	for _, r := range []string{"SV-252137r879587_rule", "SV-252154r879586_rule"} {
		assert.Equal(t, engine.Pass, got[r].Status, "%s: %s", r, messages(got[r]))
	}

	// No secret in any output.
	var outs bytes.Buffer
	require.NoError(t, arf.Writer{OVAL: oval.WriteOptions{}}.Write(&outs, res))
	require.NoError(t, jsonres.Writer{}.Write(&outs, res))
	outs.WriteString(fmt.Sprintf("%+v", res))
	for _, rr := range res.Rules {
		outs.WriteString(messages(rr))
	}
	outs.WriteString(sink.String())
	require.Contains(t, outs.String(), "mongodb-sys:parameter_item", "the ARF carries the collected items")
	assert.NotContains(t, outs.String(), testferret.Password)
	assert.NotContains(t, sink.String(), testferret.Password)
}
