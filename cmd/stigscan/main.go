// Command stigscan audits systems and databases against SCAP content and
// DISA STIGs. See README.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/stigscan/stigscan/internal/cli"
)

// The first SIGINT or SIGTERM cancels the scan's context: every read and
// query in flight ends, what was finished is written and the rest is
// marked not scanned, and the exit code is 128 plus the signal's number
// (130 for SIGINT, 143 for SIGTERM), as a shell reports a killed command.
// A second signal exits at once with that code.
func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// A second channel learns which signal came, and hears the second
	// one; NotifyContext only cancels.
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	first := make(chan os.Signal, 1)
	go func() {
		s := <-sigs
		// Said before main may learn the signal and exit, so it is never lost.
		fmt.Fprintf(os.Stderr, "stigscan: %s: stopping; a second signal exits at once\n", s)
		first <- s
		s = <-sigs
		fmt.Fprintf(os.Stderr, "stigscan: %s again: exiting\n", s)
		os.Exit(signalCode(s))
	}()
	err := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	interrupted := ctx.Err() != nil
	stop()
	if interrupted {
		// The context is cancelled only by a signal, which both
		// channels received.
		s := <-first
		if err != nil {
			fmt.Fprintln(os.Stderr, "stigscan:", err)
		}
		os.Exit(signalCode(s))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "stigscan:", err)
		code := 1
		var ec interface{ ExitCode() int }
		if errors.As(err, &ec) {
			code = ec.ExitCode()
		}
		os.Exit(code)
	}
}

// signalCode is the exit code of a run stopped by s: 128 + its number.
func signalCode(s os.Signal) int {
	if n, ok := s.(syscall.Signal); ok {
		return 128 + int(n)
	}
	return 1
}
