// Package testlog collects what code under test logs, so that a test can
// look for what must be there (a connection record) and what must never
// be (a password, a refused query).
package testlog

import (
	"bytes"
	"log/slog"
	"sync"
)

// Sink collects log output. It is safe for concurrent use: targets log
// from every goroutine that queries them.
type Sink struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (s *Sink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String is everything written so far.
func (s *Sink) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var everyLevel = &slog.HandlerOptions{Level: slog.LevelDebug}

// JSON is a logger writing JSON records of every level to s.
func (s *Sink) JSON() *slog.Logger { return slog.New(slog.NewJSONHandler(s, everyLevel)) }

// Text is a logger writing text records of every level to s.
func (s *Sink) Text() *slog.Logger { return slog.New(slog.NewTextHandler(s, everyLevel)) }
