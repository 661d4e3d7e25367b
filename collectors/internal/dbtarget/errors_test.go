package dbtarget

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/stigscan/stigscan/collectors/host"
)

// A shared sentinel wrapped by a kind reads in that kind's words and still
// matches with errors.Is.
func TestKindErrorf(t *testing.T) {
	cause := errors.New("server said no")
	err := testKind.Errorf(ErrAuth, "%s: %w", "test://u@h/db", cause)
	assert.EqualError(t, err, "test: authentication failed: test://u@h/db: server said no")
	assert.ErrorIs(t, err, ErrAuth)
	assert.ErrorIs(t, err, cause)
	assert.NotErrorIs(t, err, ErrPrivilege)
}

func TestPrivilegeError(t *testing.T) {
	for _, tt := range []struct {
		name string
		err  *PrivilegeError
		want string
	}{
		{name: "command, wrapped by the kind", err: &PrivilegeError{What: "usersInfo", Server: "not authorized on admin"},
			want: "the scan's account may not use usersInfo (not authorized on admin)"},
		{name: "everything", err: &PrivilegeError{Kind: "oracle", Target: "oracle://u@h:1521/s", What: "profiles (DBA_PROFILES)", Need: "SELECT_CATALOG_ROLE", Server: "ORA-00942"},
			want: "oracle: oracle://u@h:1521/s: the scan's account may not use profiles (DBA_PROFILES); that needs SELECT_CATALOG_ROLE (ORA-00942)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := fmt.Errorf("wrapped: %w", tt.err)
			assert.Equal(t, tt.want, tt.err.Error())
			assert.ErrorIs(t, err, ErrPrivilege)
			assert.ErrorIs(t, err, host.ErrNotCollected, "a check that needs the data is not collected, never pass or fail")
			assert.NotErrorIs(t, err, ErrAuth)
			var pe *PrivilegeError
			assert.True(t, errors.As(err, &pe))
		})
	}
}
