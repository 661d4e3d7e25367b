package host

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// UnameInfo is what uname(2) reports, named as OVAL's uname_item names it.
// (The function that gathers it is Uname; Go allows one of the two names.)
type UnameInfo struct {
	MachineClass  string // uname -m
	NodeName      string // uname -n
	OSName        string // uname -s
	OSRelease     string // uname -r
	OSVersion     string // uname -v
	ProcessorType string // uname -p; the machine class where that is "unknown", as OpenSCAP reports on Linux
}

// unameCmd prints one field a line, in Uname's field order.
const unameCmd = "uname -m; uname -n; uname -s; uname -r; uname -v; uname -p"

// Uname describes the running kernel of h: through h's Unamer ability when it
// has one, otherwise by running uname(1). An offline root has no running
// kernel.
func Uname(ctx context.Context, h Host) (UnameInfo, error) {
	if err := requireLive(h, "uname"); err != nil {
		return UnameInfo{}, err
	}
	if u, ok := h.(Unamer); ok {
		return u.Uname(ctx)
	}
	out, err := h.Run(ctx, unameCmd)
	if err != nil {
		if errors.Is(err, ErrNotCollected) {
			return UnameInfo{}, err
		}
		return UnameInfo{}, fmt.Errorf("host: uname: %w", err)
	}
	return ParseUname(out)
}

// ParseUname parses the output of unameCmd.
func ParseUname(out []byte) (UnameInfo, error) {
	// Only the final newline goes: a field uname prints empty (-p on
	// some systems) is still a line.
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != 6 {
		return UnameInfo{}, fmt.Errorf("host: uname: want 6 lines of output, got %d", len(lines))
	}
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	u := UnameInfo{
		MachineClass:  lines[0],
		NodeName:      lines[1],
		OSName:        lines[2],
		OSRelease:     lines[3],
		OSVersion:     lines[4],
		ProcessorType: lines[5],
	}
	if u.ProcessorType == "" || u.ProcessorType == "unknown" {
		u.ProcessorType = u.MachineClass
	}
	return u, nil
}
