package xccdf

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors callers can match with errors.Is.
var (
	ErrNotFound     = errors.New("xccdf: not found")
	ErrUnsupported  = errors.New("xccdf: unsupported document")
	ErrEntity       = errors.New("xccdf: DTD entity declarations are not allowed")
	ErrEmptyContent = errors.New("xccdf: empty document")
)

// ContentError is a problem in content, located by file, line and the id of
// the element it concerns (when there is one).
type ContentError struct {
	File string
	Line int
	ID   string
	Msg  string
	Err  error
}

func (e *ContentError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.ID != "" {
		b.WriteString(e.ID)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.Err != nil {
		if e.Msg != "" {
			b.WriteString(": ")
		}
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *ContentError) Unwrap() error { return e.Err }

// Problems collects non-fatal content problems so one run reports them all.
type Problems []*ContentError

func (p Problems) Error() string {
	msgs := make([]string, len(p))
	for i, e := range p {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}
