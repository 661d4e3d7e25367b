package host

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// systemdBooted returns nil when h is a running system booted with systemd,
// the test sd_booted(3) makes: /run/systemd/system exists as a directory.
// Otherwise it says why systemd cannot be asked.
func systemdBooted(ctx context.Context, h Host, what string) error {
	if err := requireLive(h, what); err != nil {
		return err
	}
	fi, err := h.Stat(ctx, "/run/systemd/system")
	if err != nil {
		return fmt.Errorf("host: %s: %w", what, err)
	}
	if len(fi) != 1 || fi[0].Err != nil || !fi[0].Mode.IsDir() {
		return notCollected(h, what, "systemd is not running as PID 1 (no /run/systemd/system)")
	}
	return nil
}

// systemctl runs a systemctl command line on h.
func systemctl(ctx context.Context, h Host, what, args string) ([]byte, error) {
	out, err := h.Run(ctx, "systemctl "+args)
	if err != nil {
		if errors.Is(err, ErrNotCollected) {
			return nil, err
		}
		return nil, fmt.Errorf("host: %s: %w", what, err)
	}
	return out, nil
}

// SystemdUnits lists the systemd units of h, sorted: the loaded ones
// (list-units --all) and those with a unit file (list-unit-files), since
// recent OpenSCAP enumerates unit files and a disabled service that nothing
// loaded has only a file.
func SystemdUnits(ctx context.Context, h Host) ([]string, error) {
	const what = "systemd units"
	if err := systemdBooted(ctx, h, what); err != nil {
		return nil, err
	}
	loaded, err := systemctl(ctx, h, what, "list-units --all --full --no-legend --no-pager --plain")
	if err != nil {
		return nil, err
	}
	files, err := systemctl(ctx, h, what, "list-unit-files --full --no-legend --no-pager --plain")
	if err != nil {
		return nil, err
	}
	seen := make(map[string]bool)
	for _, u := range append(ParseUnitList(loaded), ParseUnitList(files)...) {
		seen[u] = true
	}
	return sortedKeys(seen), nil
}

// ParseUnitList takes the unit names, the first column, from the output of
// systemctl list-units or list-unit-files with --no-legend --plain. A leading
// status mark ("●", "*") that some versions print is skipped.
func ParseUnitList(out []byte) []string {
	var units []string
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) > 0 && (f[0] == "●" || f[0] == "*" || f[0] == "○") {
			f = f[1:]
		}
		if len(f) == 0 || !strings.Contains(f[0], ".") {
			continue
		}
		units = append(units, f[0])
	}
	return units
}

// SystemdUnitProperties returns the properties of unit as systemctl show
// prints them. The values of properties that systemd defines as lists of
// names or paths (Requires, Wants, After, Documentation, ...) are split on
// spaces, one value each, as OpenSCAP's D-Bus reader gives them; every other
// property has its text as one value, spaces and all. A unit that does not
// exist still has properties (LoadState=not-found), as systemd reports it.
func SystemdUnitProperties(ctx context.Context, h Host, unit string) (map[string][]string, error) {
	what := "systemd unit " + unit
	if err := systemdBooted(ctx, h, what); err != nil {
		return nil, err
	}
	out, err := systemctl(ctx, h, what, "show --no-pager -- "+ShellQuote(unit))
	if err != nil {
		return nil, err
	}
	blocks := ParseSystemctlShow(out)
	if len(blocks) == 0 {
		return map[string][]string{}, nil
	}
	return blocks[0], nil
}

// ParseSystemctlShow parses systemctl show output: Key=Value lines, one
// blank-line-separated block per unit asked for.
func ParseSystemctlShow(out []byte) []map[string][]string {
	var (
		blocks []map[string][]string
		cur    map[string][]string
	)
	for _, line := range strings.Split(string(out), "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" {
			if cur != nil {
				blocks = append(blocks, cur)
				cur = nil
			}
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || k == "" {
			continue
		}
		if cur == nil {
			cur = make(map[string][]string)
		}
		if systemdListProperties[k] {
			if cur[k] == nil {
				cur[k] = []string{} // present, even when empty
			}
			cur[k] = append(cur[k], strings.Fields(v)...)
		} else {
			cur[k] = append(cur[k], v)
		}
	}
	if cur != nil {
		blocks = append(blocks, cur)
	}
	return blocks
}

// systemdListProperties are the unit properties whose D-Bus type is an array
// of strings (systemd's org.freedesktop.systemd1.Unit interface), printed
// space-separated by systemctl show.
var systemdListProperties = map[string]bool{
	"Names": true, "Requires": true, "Requisite": true, "Wants": true, "BindsTo": true,
	"PartOf": true, "Upholds": true, "RequiredBy": true, "RequisiteOf": true,
	"WantedBy": true, "BoundBy": true, "UpheldBy": true, "ConsistsOf": true,
	"Conflicts": true, "ConflictedBy": true, "Before": true, "After": true,
	"OnSuccess": true, "OnSuccessOf": true, "OnFailure": true, "OnFailureOf": true,
	"Triggers": true, "TriggeredBy": true, "PropagatesReloadTo": true,
	"ReloadPropagatedFrom": true, "PropagatesStopTo": true, "StopPropagatedFrom": true,
	"JoinsNamespaceOf": true, "SliceOf": true, "RequiresMountsFor": true,
	"WantsMountsFor": true, "Documentation": true, "DropInPaths": true, "Markers": true,
}

// SystemdUnitDependencies returns what unit pulls in, sorted, the way
// OpenSCAP's systemdunitdependency probe computes it (and as systemctl
// list-dependencies does): the Requires and Wants of unit, recursively, where
// the recursion only goes into target units. A unit that is not a target has
// no dependencies in this sense.
func SystemdUnitDependencies(ctx context.Context, h Host, unit string) ([]string, error) {
	what := "dependencies of systemd unit " + unit
	if err := systemdBooted(ctx, h, what); err != nil {
		return nil, err
	}
	deps := make(map[string]bool)
	visited := map[string]bool{unit: true}
	queue := []string{unit}
	for len(queue) > 0 {
		var targets []string
		for _, u := range queue {
			if strings.HasSuffix(u, ".target") {
				targets = append(targets, ShellQuote(u))
			}
		}
		queue = nil
		if len(targets) == 0 {
			break
		}
		out, err := systemctl(ctx, h, what, "show --no-pager -p Requires -p Wants -- "+strings.Join(targets, " "))
		if err != nil {
			return nil, err
		}
		for _, props := range ParseSystemctlShow(out) {
			for _, d := range append(props["Requires"], props["Wants"]...) {
				deps[d] = true
				if !visited[d] {
					visited[d] = true
					queue = append(queue, d)
				}
			}
		}
	}
	delete(deps, unit)
	return sortedKeys(deps), nil
}

// ShellQuote quotes s as one word for a POSIX shell.
func ShellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
