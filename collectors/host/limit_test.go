package host_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/host"
)

// countingReader counts the bytes read from it.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func TestReadAllLimit(t *testing.T) {
	tests := []struct {
		name     string
		content  string
		size     int64 // what the metadata says
		limit    int64
		tooLarge bool
		maxRead  int // at most this much is read
	}{
		{name: "within", content: "0123456789", size: 10, limit: 10},
		{name: "size 0 said, as /proc files do", content: "0123456789", size: 0, limit: 10},
		{name: "over, size known: nothing read", content: strings.Repeat("x", 100), size: 100, limit: 10, tooLarge: true, maxRead: 0},
		{name: "over, size 0 said: stops one past the cap", content: strings.Repeat("x", 1<<20), size: 0, limit: 10, tooLarge: true, maxRead: 11},
		{name: "size understated", content: strings.Repeat("x", 1<<20), size: 5, limit: 1000, tooLarge: true, maxRead: 1001},
		{name: "empty", content: "", size: 0, limit: 10},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cr := &countingReader{r: strings.NewReader(tc.content)}
			data, err := host.ReadAllLimit(cr, "/etc/f", tc.size, tc.limit)
			if !tc.tooLarge {
				require.NoError(t, err)
				assert.Equal(t, tc.content, string(data))
				return
			}
			var tl *host.TooLargeError
			require.True(t, errors.As(err, &tl), "%v", err)
			assert.ErrorIs(t, err, host.ErrTooLarge)
			assert.Equal(t, "/etc/f", tl.Path)
			assert.Equal(t, tc.limit, tl.Limit)
			assert.Nil(t, data)
			assert.LessOrEqual(t, cr.n, tc.maxRead)
		})
	}
}
