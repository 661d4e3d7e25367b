package cci_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/cci"
)

const listXML = "../../shared/content/cci/U_CCI_List.xml"

// TestTableMatchesList checks the compiled table against DISA's XML: every
// CCI, with the same rev 4 and rev 5 controls, and the list's version.
func TestTableMatchesList(t *testing.T) {
	f, err := os.Open(filepath.FromSlash(listXML))
	if os.IsNotExist(err) {
		t.Skipf("DISA's CCI list %s is absent", listXML)
	}
	require.NoError(t, err)
	defer f.Close()
	l, err := cci.Parse(f)
	require.NoError(t, err)
	assert.Len(t, l.Items, 5098)
	assert.Equal(t, len(l.Items), cci.Len())
	v, d := cci.Version()
	assert.Equal(t, l.Version, v)
	assert.Equal(t, l.Date, d)
	for _, it := range l.Items {
		c, ok := cci.Lookup(it.ID)
		require.True(t, ok, it.ID)
		assert.Equal(t, it.Rev4, c.Rev4, "%s rev 4", it.ID)
		assert.Equal(t, it.Rev5, c.Rev5, "%s rev 5", it.ID)
	}
}

func TestLookup(t *testing.T) {
	tests := []struct {
		name, id   string
		rev4, rev5 []string
		ok         bool
	}{
		{name: "session termination", id: "CCI-002361", rev4: []string{"AC-12"}, rev5: []string{"AC-12"}, ok: true},
		{name: "statement parts dropped", id: "CCI-000002", rev4: []string{"AC-1"}, rev5: []string{"AC-1"}, ok: true},
		{name: "unknown", id: "CCI-999999"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ok := cci.Lookup(tt.id)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.rev4, c.Rev4)
			assert.Equal(t, tt.rev5, c.Rev5)
		})
	}
	assert.Equal(t, []string{"AC-12"}, cci.NIST([]string{"CCI-002361", "CCI-002361", "CCI-999999"}))
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{name: "control", in: "AC-12", want: []string{"AC-12"}},
		{name: "enhancement", in: "AC-12 (1)", want: []string{"AC-12 (1)"}},
		{name: "enhancement without space", in: "AC-12(1)", want: []string{"AC-12 (1)"}},
		{name: "statement parts", in: "AC-1 a 1 (a)", want: []string{"AC-1"}},
		{name: "enhancement statement", in: "SC-7 (4) (b)", want: []string{"SC-7 (4)"}},
		{name: "letter item is not an enhancement", in: "CA-9 (c)", want: []string{"CA-9"}},
		{name: "list", in: "SC-37, SC-37 (1)", want: []string{"SC-37", "SC-37 (1)"}},
		{name: "no control", in: "n/a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, cci.Normalize(tt.in))
		})
	}
}
