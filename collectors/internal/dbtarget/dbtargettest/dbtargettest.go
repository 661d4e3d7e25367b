// Package dbtargettest runs the table tests of the database targets'
// parsers (postgres.ParseTarget, oracle.ParseTarget, mongodb.ParseURI), so
// that each package lists only its cases.
package dbtargettest

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Case is one input of a parser.
type Case[E any] struct {
	Name string
	In   string
	// Want and Str are the endpoint and its String when In parses.
	Want E
	Str  string
	// ErrIs and ErrHas, when either is set, say that In must be refused
	// with an error matching ErrIs and holding ErrHas.
	ErrIs  error
	ErrHas string
}

// Run runs each case as a subtest of t. No error may hold secret: errors
// never repeat their input. With readBack, an endpoint's String must parse
// to an endpoint with the same String.
func Run[E fmt.Stringer](t *testing.T, parse func(string) (E, error), secret string, readBack bool, cases []Case[E]) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			got, err := parse(tc.In)
			if tc.ErrIs != nil || tc.ErrHas != "" {
				require.Error(t, err)
				if tc.ErrIs != nil {
					assert.ErrorIs(t, err, tc.ErrIs)
				}
				assert.Contains(t, err.Error(), tc.ErrHas)
				assert.NotContains(t, err.Error(), secret, "errors never repeat the input")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.Want, got)
			assert.Equal(t, tc.Str, got.String())
			if readBack {
				again, err := parse(got.String())
				require.NoError(t, err, "String parses back")
				assert.Equal(t, got.String(), again.String())
			}
		})
	}
}
