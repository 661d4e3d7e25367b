package oval

import (
	"errors"
	"fmt"
	"log/slog"
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

// Recovered is NewPanicError for a value recover() returned, with the
// stack logged at debug level on log: every place that contains a panic
// (a probe, a definition, a rule, a target's scan) reports it this way.
// Call it only from a deferred function.
func Recovered(log *slog.Logger, where string, v any) *PanicError {
	pe := NewPanicError(where, v)
	log.Debug("recovered panic", "where", where, "panic", pe.Value, "stack", string(debug.Stack()))
	return pe
}

// recovered is Recovered on the run's logger.
func (r *run) recovered(where string, v any) *PanicError { return Recovered(r.p.log, where, v) }

// safeCollect runs a probe, unless what it declares answers first (an
// offline root for a LiveOnly probe, a target without what a Requirer
// needs); a panic in it is the object's error.
func (r *run) safeCollect(probe Probe, q *Query) (items []*Item, err error) {
	defer func() {
		if v := recover(); v != nil {
			items, err = nil, r.recovered("probe for "+q.Object.ID, v)
		}
	}()
	if lo, ok := probe.(LiveOnly); ok && offline(q.Host) {
		return answerOffline(q, lo.OfflineRoot())
	}
	if rq, ok := probe.(Requirer); ok {
		if err := rq.Requires(q.Host, q.Object); err != nil {
			return nil, err
		}
	}
	return probe.Collect(r.ctx, q)
}
