package oval

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/internal/clip"
)

// Limits bound what one evaluation may spend on content it does not trust
// (a target's files, the values in them, patterns from variables). A limit
// reached is an error result naming the limit, never an exhausted scanner.
// Zero fields take the defaults below.
type Limits struct {
	// MaxFileBytes caps one file read by a probe; a larger file makes its
	// object an error naming the path and the cap.
	MaxFileBytes int64
	// MaxCachedFileBytes caps the file content a run keeps for objects
	// that read the same file again. Past it, files are read but not kept.
	MaxCachedFileBytes int64
	// MaxItems caps the items one object may collect.
	MaxItems int
	// RegexPerObject caps the time spent matching regular expressions for
	// one object (its collection, or a test's comparison of its items).
	RegexPerObject time.Duration
	// RegexPerRun caps the time spent matching regular expressions in one
	// Evaluate call.
	RegexPerRun time.Duration
}

// Default limits.
const (
	DefaultMaxCachedFileBytes int64 = 256 << 20
	DefaultMaxItems                 = 100_000
	DefaultRegexPerObject           = 15 * time.Second
	DefaultRegexPerRun              = 2 * time.Minute
)

// withDefaults fills the zero fields.
func (l Limits) withDefaults() Limits {
	if l.MaxFileBytes <= 0 {
		l.MaxFileBytes = host.DefaultMaxFileBytes
	}
	if l.MaxCachedFileBytes <= 0 {
		l.MaxCachedFileBytes = DefaultMaxCachedFileBytes
	}
	if l.MaxItems <= 0 {
		l.MaxItems = DefaultMaxItems
	}
	if l.RegexPerObject <= 0 {
		l.RegexPerObject = DefaultRegexPerObject
	}
	if l.RegexPerRun <= 0 {
		l.RegexPerRun = DefaultRegexPerRun
	}
	return l
}

// ErrLimit reports that an evaluation limit was reached.
var ErrLimit = errors.New("oval: evaluation limit reached")

// limitError names the limit that was reached.
type limitError struct{ text string }

func (e *limitError) Error() string        { return e.text }
func (e *limitError) Is(target error) bool { return target == ErrLimit }

// tooManyItems is the error of an object past MaxItems.
func tooManyItems(limit int) error {
	return &limitError{text: fmt.Sprintf("more than %d items (the per-object item cap; set --max-items to raise it)", limit)}
}

// regexBudget meters the time spent in regular expression matches, per
// object and per run. It belongs to one run (one goroutine); a nil budget
// meters nothing.
type regexBudget struct {
	perObject, perRun time.Duration
	obj, total        time.Duration // spent so far
}

// enter starts an object's budget and returns what leave restores: the
// budget of the object that was being collected when this one started (an
// object referenced through a set or a variable).
func (b *regexBudget) enter() time.Duration {
	if b == nil {
		return 0
	}
	prev := b.obj
	b.obj = 0
	return prev
}

func (b *regexBudget) leave(prev time.Duration) {
	if b != nil {
		b.obj = prev
	}
}

// check fails once either budget is spent.
func (b *regexBudget) check() error {
	switch {
	case b == nil:
		return nil
	case b.total >= b.perRun:
		return &limitError{text: fmt.Sprintf("regular expression time budget of %v for the evaluation is spent", b.perRun)}
	case b.obj >= b.perObject:
		return &limitError{text: fmt.Sprintf("regular expression time budget of %v for the object is spent", b.perObject)}
	}
	return nil
}

func (b *regexBudget) spend(d time.Duration) {
	if b != nil {
		b.obj += d
		b.total += d
	}
}

// maxQuoted is how much of a value from the target a message quotes.
const maxQuoted = 200

// quote is %q of s, cut to maxQuoted bytes with a note of the full length:
// messages name what was wrong without repeating unbounded input.
func quote(s string) string {
	if len(s) <= maxQuoted {
		return strconv.Quote(s)
	}
	return strconv.Quote(clip.Cut(s, maxQuoted, "")) + fmt.Sprintf("…(%d bytes)", len(s))
}
