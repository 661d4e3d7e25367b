package host

import (
	"context"
	"fmt"
)

// notCollected wraps ErrNotCollected with the reason a kind of data cannot be
// had from h, so results can say why.
func notCollected(h Host, what, reason string) error {
	return fmt.Errorf("%w: %s on %s: %s", ErrNotCollected, what, h.Describe(), reason)
}

// requireLive fails with ErrNotCollected when h is not a running system:
// processes, kernel parameters and services only exist on one.
func requireLive(h Host, what string) error {
	if !IsLive(h) {
		return notCollected(h, what, "not a running system")
	}
	return nil
}

// checkCtx is the ctx.Err() check that loops over many files make.
func checkCtx(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("host: %w", err)
	}
	return nil
}
