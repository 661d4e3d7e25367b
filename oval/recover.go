package oval

import (
	"errors"
	"fmt"
	"runtime/debug"
)

// ErrPanic reports that a probe or the evaluation of a definition panicked.
// The panic is contained: it becomes the error of that object or
// definition, and the rest of the evaluation goes on.
var ErrPanic = errors.New("oval: internal error")

// PanicError is a recovered panic: its value, bounded, without the stack
// (the stack goes to the debug log).
type PanicError struct {
	Where string // what was being done: "probe for OBJ", "definition DEF"
	Value string // the panic value, at most maxQuoted bytes
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("internal error in %s: panic: %s", e.Where, e.Value)
}

// Is makes a PanicError match ErrPanic.
func (e *PanicError) Is(target error) bool { return target == ErrPanic }

// NewPanicError describes a recovered panic value v met while doing where.
func NewPanicError(where string, v any) *PanicError {
	s := fmt.Sprint(v)
	if len(s) > maxQuoted {
		s = quote(s)
	}
	return &PanicError{Where: where, Value: s}
}

// recovered turns a recovered panic value into a PanicError, logging the
// stack at debug level. Call it only from a deferred function, with
// recover()'s result.
func (r *run) recovered(where string, v any) *PanicError {
	pe := NewPanicError(where, v)
	r.p.log.Debug("recovered panic", "where", where, "panic", pe.Value, "stack", string(debug.Stack()))
	return pe
}

// safeCollect runs a probe; a panic in it is the object's error.
func (r *run) safeCollect(probe Probe, q *Query) (items []*Item, err error) {
	defer func() {
		if v := recover(); v != nil {
			items, err = nil, r.recovered("probe for "+q.Object.ID, v)
		}
	}()
	return probe.Collect(r.ctx, q)
}
