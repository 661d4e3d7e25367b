package secret

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const pw = "s3cr3t-Pa55"

func TestNeverPrinted(t *testing.T) {
	s := New(pw)
	type config struct {
		User     string
		Password Secret
	}
	holder := struct {
		User     string
		Password Secret
		inner    config // reached through an unexported field: fmt cannot call Format
	}{"scan", s, config{"scan", s}}
	var out []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%T"} {
		out = append(out, fmt.Sprintf(verb, s), fmt.Sprintf(verb, holder))
	}
	j, err := json.Marshal(holder)
	require.NoError(t, err)
	out = append(out, string(j))
	var logs strings.Builder
	slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})).Debug("x", "s", s, "holder", holder)
	out = append(out, logs.String())
	for _, o := range out {
		assert.NotContains(t, o, pw)
		assert.NotContains(t, o, fmt.Sprintf("%x", pw))
	}
	assert.Equal(t, pw, s.Reveal())
}

func TestSources(t *testing.T) {
	f := filepath.Join(t.TempDir(), "pw")
	require.NoError(t, os.WriteFile(f, []byte(pw+"\n"), 0o600))
	s, err := FromFile(f)
	require.NoError(t, err)
	assert.Equal(t, pw, s.Reveal())
	t.Setenv("STIGSCAN_SECRET_TEST", pw)
	s, err = FromEnv("STIGSCAN_SECRET_TEST")
	require.NoError(t, err)
	assert.Equal(t, pw, s.Reveal())
	s, err = FromReader(strings.NewReader(pw + "\r\nrest"))
	require.NoError(t, err)
	assert.Equal(t, pw, s.Reveal())

	empty := filepath.Join(t.TempDir(), "empty")
	require.NoError(t, os.WriteFile(empty, nil, 0o600))
	_, err = FromFile(empty)
	assert.ErrorContains(t, err, "is empty")
	_, err = FromEnv("STIGSCAN_SECRET_UNSET")
	assert.ErrorContains(t, err, "not set")
	assert.True(t, Secret{}.IsZero())
}

func TestFromFileBounded(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big")
	f, err := os.Create(big)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(1<<40)) // sparse: a huge file costs nothing
	require.NoError(t, f.Close())
	_, err = FromFile(big)
	assert.EqualError(t, err, "secret file "+big+" is larger than 65536 bytes")
	_, err = FromFile("/dev/zero")
	assert.EqualError(t, err, "secret file /dev/zero is not a regular file")
	fifo := filepath.Join(dir, "fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	_, err = FromFile(fifo)
	assert.EqualError(t, err, "secret file "+fifo+" is not a regular file", "a FIFO is not waited on")
}
