package netdelay

import (
	"io"
	"net"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An echo server behind the proxy: what is sent comes back whole, no sooner
// than two delays later (one each way).
func TestProxyDelaysBothWays(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() { _, _ = io.Copy(c, c); _ = c.Close() }()
		}
	}()
	const delay = 30 * time.Millisecond
	p, err := Start(l.Addr().String(), delay)
	require.NoError(t, err)
	defer p.Close()

	c, err := net.Dial("tcp", p.Addr())
	require.NoError(t, err)
	defer c.Close()
	msg := make([]byte, 200<<10) // more than one chunk
	for i := range msg {
		msg[i] = byte(i)
	}
	start := time.Now()
	go func() { _, _ = c.Write(msg) }()
	got := make([]byte, len(msg))
	_, err = io.ReadFull(c, got)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, time.Since(start), 2*delay, "one delay each way")
	assert.Equal(t, msg, got)

	_, err = Start(l.Addr().String(), -time.Second)
	assert.ErrorContains(t, err, "negative delay")
}

// Close drops the connections it forwards.
func TestProxyCloseDropsConnections(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	go func() {
		c, err := l.Accept()
		if err == nil {
			_, _ = io.Copy(io.Discard, c)
		}
	}()
	p, err := Start(l.Addr().String(), time.Millisecond)
	require.NoError(t, err)
	c, err := net.Dial("tcp", p.Addr())
	require.NoError(t, err)
	defer c.Close()
	_, err = c.Write([]byte("x"))
	require.NoError(t, err)
	time.Sleep(20 * time.Millisecond)
	require.NoError(t, p.Close())
	// The deadline only bounds a failure: a read that ends by it is the
	// proxy not dropping the connection.
	_ = c.SetReadDeadline(time.Now().Add(time.Minute))
	_, err = c.Read(make([]byte, 1))
	assert.Error(t, err, "the client's connection is closed")
	assert.NotErrorIs(t, err, os.ErrDeadlineExceeded, "closed by the proxy, not ended by the read deadline")
}
