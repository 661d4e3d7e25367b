package dbtarget

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/internal/sqlguard"
)

var testKind = Kind{Name: "test", Dialect: sqlguard.PostgreSQL}

func TestLimitsSetDefaults(t *testing.T) {
	var connect, query time.Duration
	conns, rows := 0, -1
	var logger *slog.Logger
	Limits{ConnectTimeout: &connect, QueryTimeout: &query, MaxConns: &conns, MaxRows: &rows, Logger: &logger}.SetDefaults()
	assert.Equal(t, DefaultConnectTimeout, connect)
	assert.Equal(t, DefaultQueryTimeout, query)
	assert.Equal(t, DefaultMaxConns, conns)
	assert.Equal(t, DefaultMaxRows, rows)
	require.NotNil(t, logger)

	connect, conns, rows = time.Second, 50, 3
	Limits{ConnectTimeout: &connect, MaxConns: &conns, MaxRows: &rows}.SetDefaults()
	assert.Equal(t, time.Second, connect, "a bound that is set stays")
	assert.Equal(t, MaxMaxConns, conns, "the pool is capped")
	assert.Equal(t, 3, rows)

	Limits{}.SetDefaults() // a Config without bounds
}

func TestCheckEndpointAndServerFiles(t *testing.T) {
	assert.EqualError(t, testKind.CheckEndpoint("", "h"), "test: open: the target needs a user and a host")
	assert.Error(t, testKind.CheckEndpoint("u", ""))
	assert.NoError(t, testKind.CheckEndpoint("u", "h"))

	files := ServerFiles(nil, "test://u@h:7/x")
	assert.Equal(t, "test://u@h:7/x", files.Describe())
	_, err := files.ReadFile(context.Background(), "/etc/passwd")
	assert.ErrorIs(t, err, host.ErrNotCollected)
	assert.ErrorContains(t, err, "no access to the database server's machine was configured")
}

// rowsOf is a driver that hands out n rows of one column.
func rowsOf(n int) RunFunc {
	return func(ctx context.Context, add func([]*string) error) ([]string, error) {
		for i := 0; i < n; i++ {
			v := "v"
			if err := add([]*string{&v}); err != nil {
				return nil, err
			}
		}
		return []string{"c"}, nil
	}
}

func TestQuery(t *testing.T) {
	var logged bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug}))
	released := 0
	// The description holds '%', as escaped names do: it is text, not a format.
	tg := New(testKind, "test://a%40b@h:7/x", log, func() error { released++; return nil })
	ctx := context.Background()

	cols, rows, err := tg.Query(ctx, "SELECT 1", time.Minute, 2, rowsOf(2))
	require.NoError(t, err)
	assert.Equal(t, []string{"c"}, cols)
	assert.Len(t, rows, 2)
	assert.Contains(t, logged.String(), `msg="test: query" target=test://a%40b@h:7/x query="SELECT 1" rows=2`)

	_, _, err = tg.Query(ctx, "SELECT 1", time.Minute, 2, rowsOf(3))
	assert.ErrorIs(t, err, ErrTooManyRows)
	assert.EqualError(t, err, "test: too many rows: test://a%40b@h:7/x: more than 2 rows")

	ran := false
	_, _, err = tg.Query(ctx, "DELETE FROM t", time.Minute, 2, func(context.Context, func([]*string) error) ([]string, error) {
		ran = true
		return nil, nil
	})
	assert.ErrorIs(t, err, sqlguard.ErrRefused)
	assert.Contains(t, err.Error(), "test: test://a%40b@h:7/x: ")
	assert.False(t, ran, "a refused statement never reaches the driver")

	driverErr := errors.New("driver says no")
	_, _, err = tg.Query(ctx, "SELECT 1", time.Minute, 2, func(ctx context.Context, _ func([]*string) error) ([]string, error) {
		_, hasDeadline := ctx.Deadline()
		assert.True(t, hasDeadline, "the driver runs within the timeout")
		return nil, driverErr
	})
	assert.Same(t, driverErr, err)

	assert.False(t, tg.Closed())
	require.NoError(t, tg.Close())
	require.NoError(t, tg.Close())
	assert.Equal(t, 1, released, "Close releases once")
	assert.True(t, tg.Closed())
	_, _, err = tg.Query(ctx, "SELECT 1", time.Minute, 2, rowsOf(1))
	assert.ErrorIs(t, err, ErrClosed)
	assert.EqualError(t, err, "test: target closed: test://a%40b@h:7/x")

	assert.EqualError(t, tg.Errorf("facts: %w", driverErr), "test: test://a%40b@h:7/x: facts: driver says no")
	assert.Equal(t, "test://a%40b@h:7/x", tg.Describe())
}

func TestCompleteFacts(t *testing.T) {
	tests := []struct {
		name           string
		have           host.Facts
		hostName, addr string
		want           host.Facts
	}{
		{name: "name with domain and IPv4 address", hostName: "db1.example.com", addr: "10.0.0.5",
			want: host.Facts{Hostname: "db1", FQDN: "db1.example.com", IPv4: []string{"10.0.0.5"}}},
		{name: "short name and IPv6 address", hostName: "db1", addr: "::1",
			want: host.Facts{Hostname: "db1", IPv6: []string{"::1"}}},
		{name: "an IP address names no host", hostName: "10.0.0.5", addr: "db1",
			want: host.Facts{}},
		{name: "the machine's own facts win, sorted", hostName: "other", addr: "10.0.0.9",
			have: host.Facts{Hostname: "m", IPv4: []string{"10.0.0.2", "10.0.0.1"}},
			want: host.Facts{Hostname: "m", IPv4: []string{"10.0.0.1", "10.0.0.2"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.have
			CompleteFacts(&f, tc.hostName, tc.addr)
			assert.Equal(t, tc.want, f)
		})
	}
}

// A value or a result over its byte cap is an error naming the cap,
// never the data.
func TestQueryByteCaps(t *testing.T) {
	tg := New(testKind, "test://u@h/db", slog.New(slog.DiscardHandler), func() error { return nil })
	secret := "s3cret-" + string(bytes.Repeat([]byte("v"), 600))
	run := func(n int) RunFunc {
		return func(ctx context.Context, add func([]*string) error) ([]string, error) {
			for i := 0; i < n; i++ {
				if err := add([]*string{&secret, nil}); err != nil {
					return nil, err
				}
			}
			return []string{"a", "b"}, nil
		}
	}
	b := Bounds{Timeout: time.Second, MaxRows: 10, MaxValueBytes: 1000, MaxResultBytes: 2000}
	_, rows, err := tg.QueryBounded(context.Background(), "SELECT 1", b, run(3))
	require.NoError(t, err)
	assert.Len(t, rows, 3)

	_, rows, err = tg.QueryBounded(context.Background(), "SELECT 1", b, run(4))
	require.ErrorIs(t, err, ErrResultTooLarge)
	assert.Nil(t, rows)
	assert.Contains(t, err.Error(), "cap of 2000 bytes per result (at row 4)")
	assert.NotContains(t, err.Error(), "s3cret")

	b.MaxValueBytes = 500
	_, _, err = tg.QueryBounded(context.Background(), "SELECT 1", b, run(1))
	require.ErrorIs(t, err, ErrResultTooLarge)
	assert.Contains(t, err.Error(), "row 1 column 1 is larger than the cap of 500 bytes per value")

	// Query keeps the default caps.
	var value, result int
	Limits{MaxValueBytes: &value, MaxResultBytes: &result}.SetDefaults()
	assert.Equal(t, DefaultMaxValueBytes, value)
	assert.Equal(t, DefaultMaxResultBytes, result)
}
