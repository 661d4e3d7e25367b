package clip

import (
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

func TestCut(t *testing.T) {
	assert.Equal(t, "short", Cut("short", 64, "..."))
	assert.Equal(t, "abcd", Cut("abcd", 4, "..."), "at the bound: whole")
	assert.Equal(t, "abc...", Cut("abcd", 3, "..."))
	assert.Equal(t, "…", Cut("abcd", 0, "…"))
	assert.Equal(t, "…", Cut("abcd", -1, "…"))
	// "é" is two bytes: a cut inside it moves before it.
	got := Cut("aé", 2, "~")
	assert.Equal(t, "a~", got)
	assert.True(t, utf8.ValidString(got))
}
