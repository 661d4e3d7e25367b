package mongodb_test

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	mdb "github.com/stigscan/stigscan/collectors/mongodb"
	"github.com/stigscan/stigscan/engine"
)

// The built-in checks against a real mongod: run only where MONGODB_URI
// names one (see collectors/mongodb's mongod_test.go for the variables).
// A real server supports every command the checks send, so no rule may
// end in "the server does not support".
func TestBuiltinOnRealMongod(t *testing.T) {
	uri := os.Getenv("MONGODB_URI")
	if uri == "" {
		t.Skip("MONGODB_URI is not set: no real mongod is available here, so the 4.x checks ran only against FerretDB and the documented mongod 4.4 replies")
	}
	var cfg mdb.Config
	var err error
	switch {
	case os.Getenv("MONGODB_PASSWORD_FILE") != "":
		cfg.Password, err = mdb.SecretFromFile(os.Getenv("MONGODB_PASSWORD_FILE"))
	case os.Getenv("MONGODB_PASSWORD") != "":
		cfg.Password, err = mdb.SecretFromEnv("MONGODB_PASSWORD")
	}
	require.NoError(t, err)
	cfg.TLSCAFile = os.Getenv("MONGODB_TLS_CA_FILE")
	tg, err := mdb.Open(context.Background(), uri, cfg, nil)
	require.NoError(t, err)
	defer tg.Close()
	res := scanBuiltin(t, "", "", tg)
	require.Len(t, res.Rules, len(stigRules))
	for _, rr := range res.Rules {
		assert.NotContains(t, messages(rr), "does not support", rr.Identity.VulnID)
		assert.NotEqual(t, engine.NotSelected, rr.Status, rr.Identity.VulnID)
		if pw := os.Getenv("MONGODB_PASSWORD"); pw != "" {
			assert.NotContains(t, messages(rr), pw)
		}
	}
}
