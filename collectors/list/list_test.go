package list_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/stigscan/stigscan/collectors/list"
	"github.com/stigscan/stigscan/collectors/target"
)

// TestStandardIsConsistent: every entry is keyed by its kind's name, can
// be opened and shown, and no scheme or word belongs to two kinds.
func TestStandardIsConsistent(t *testing.T) {
	owner := map[string]string{}
	for name, k := range list.Standard() {
		assert.Equal(t, name, k.Name)
		assert.NotNil(t, k.Open, name)
		assert.NotEmpty(t, k.Usage, name)
		assert.NotEmpty(t, k.Title, name)
		assert.Contains(t, []target.Class{target.Machine, target.Database}, k.Class, name)
		assert.Equal(t, k.Class == target.Database, k.Engine != "", "%s: a database names its engine", name)
		got, ok := list.Standard().Lookup(k.Usage)
		assert.True(t, ok, name)
		assert.Equal(t, name, got.Name, "%s: its usage is its own", name)
		for _, s := range append(append([]string(nil), k.Schemes...), k.Words...) {
			s = strings.ToLower(s)
			assert.Empty(t, owner[s], "%s is %s's and %s's", s, owner[s], name)
			owner[s] = name
		}
	}
}

func TestNameHoldsNoSecret(t *testing.T) {
	tests := []struct{ spec, want string }{
		{"ssh://root:Pw-1@h1:22", "h1_22"},
		{"postgres://u@db/app?sslmode=require&password=Pw-2", "db_app"},
		{"mongodb://u:Pw-3@m1,m2/admin?authSource=admin", "m1_m2_admin"},
		{"oracle://u@ora:1521/ORCL?wallet_password=Pw-4", "ora_1521_ORCL"},
		{"mysql://scan@my1:3306/app?tls=required", "my1_3306_app"},
		{"mariadb://scan@[::1]/?password=Pw-5", "1"},
		{"local:/srv/img?x", "srv_img_x"},
		{"local", "local"},
		{"SSH://root@h2", "h2"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, list.Standard().Name(tc.spec), tc.spec)
	}
}
