package testlog

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSinkCollectsEveryLevelFromEveryGoroutine(t *testing.T) {
	var s Sink
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.JSON().Debug("json record", "n", i)
			s.Text().Debug("text record", "n", i)
		}()
	}
	wg.Wait()
	out := s.String()
	assert.Contains(t, out, `"msg":"json record"`)
	assert.Contains(t, out, `msg="text record"`)
	assert.Contains(t, out, `"n":7`)
	assert.Contains(t, out, "n=0")
}
