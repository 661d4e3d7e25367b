package host_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/stigscan/stigscan/collectors/host"
)

type dbHost struct{ host.Unavailable }

func (dbHost) Kind() host.Kind {
	return host.Kind{Name: "pg", Class: host.Database, Engine: "postgresql"}
}

func TestKindOf(t *testing.T) {
	assert.Equal(t, host.Kind{Name: "local", Class: host.Machine}, host.KindOf(host.Unavailable{}), "a host that does not say is the local machine")
	k := host.KindOf(dbHost{})
	assert.True(t, k.IsDatabase())
	assert.Equal(t, "postgresql", k.Engine)
}
