package testferret

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

func TestServerAnswersAsUser(t *testing.T) {
	s := Start(t)
	raw := s.Run(t, "admin", bson.D{{Key: "connectionStatus", Value: 1}})
	users := raw.Lookup("authInfo", "authenticatedUsers").Array()
	require.NotEmpty(t, users.String())
	assert.Contains(t, users.String(), `"scanner"`)
	assert.True(t, strings.HasPrefix(s.URI(), "mongodb://scanner@127.0.0.1:"))
	assert.NotContains(t, s.URI(), Password)
}

func TestCreateUser(t *testing.T) {
	s := Start(t)
	s.CreateUser(t, "admin", "someone", "another-Pa55")
	c, err := s.connect("someone", "another-Pa55")
	require.NoError(t, err)
	defer c.Disconnect(context.Background())
	require.NoError(t, c.Ping(context.Background(), nil))
}
