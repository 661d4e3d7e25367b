package cli

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFirstOf(t *testing.T) {
	for _, tt := range []struct {
		name string
		in   []string
		want string
	}{
		{name: "none", in: nil, want: ""},
		{name: "within the bound", in: []string{"a", "b", "c"}, want: "a,b,c"},
		{name: "past the bound", in: []string{"a", "b", "c", "d", "e"}, want: "a,b,c +2 more"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, firstOf(tt.in, 3))
		})
	}
}
