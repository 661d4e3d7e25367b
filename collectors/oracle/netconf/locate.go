package netconf

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/stigscan/stigscan/collectors/host"
)

// Locator is what the target's configuration says about where Oracle is
// installed; empty fields are discovered on the host.
type Locator struct {
	TNSAdmin   string // directory holding sqlnet.ora and listener.ora
	OracleHome string
}

// Location is where a server's Oracle Net files are.
type Location struct {
	// Dir is the directory holding sqlnet.ora and listener.ora:
	// TNS_ADMIN when set, else ORACLE_HOME/network/admin.
	Dir string
	// OracleHome is ORACLE_HOME, "" when it could not be found (a
	// configured TNS_ADMIN alone is enough for Dir).
	OracleHome string
	// Source says how Dir was found, for results.
	Source string
}

// File returns the path of a file named name in Dir.
func (l Location) File(name string) string { return path.Join(l.Dir, name) }

// ErrNotFound reports that no TNS_ADMIN or ORACLE_HOME could be found. It
// matches host.ErrNotCollected: checks that need the files cannot decide.
var ErrNotFound = fmt.Errorf("%w: netconf: no TNS_ADMIN or ORACLE_HOME found (set tns_admin or oracle_home for the target)", host.ErrNotCollected)

// Locate finds the Oracle Net directory of the server on h, trying in order:
// the Locator's settings; the environment of a running listener (tnslsnr)
// or database (ora_pmon_*) process, and the listener's executable path;
// the environment of the account that runs commands on h; the first entry
// of /etc/oratab. The environment of another account's process is
// readable only with enough privileges; what cannot be read is skipped.
func Locate(ctx context.Context, h host.Host, loc Locator) (Location, error) {
	if loc.TNSAdmin != "" {
		return Location{Dir: path.Clean(loc.TNSAdmin), OracleHome: cleanOpt(loc.OracleHome), Source: "the target's tns_admin setting"}, nil
	}
	home, source := cleanOpt(loc.OracleHome), "the target's oracle_home setting"
	if home == "" && host.IsLive(h) {
		tns, oh, src, err := fromProcesses(ctx, h)
		if err != nil {
			return Location{}, err
		}
		if tns != "" {
			return Location{Dir: tns, OracleHome: oh, Source: "TNS_ADMIN of " + src}, nil
		}
		home, source = oh, src
	}
	if home == "" {
		tns, oh, err := fromShell(ctx, h)
		if err != nil {
			return Location{}, err
		}
		if tns != "" {
			return Location{Dir: tns, OracleHome: oh, Source: "TNS_ADMIN of the scanning account's shell"}, nil
		}
		home, source = oh, "ORACLE_HOME of the scanning account's shell"
	}
	if home == "" {
		oh, err := fromOratab(ctx, h)
		if err != nil {
			return Location{}, err
		}
		home, source = oh, "/etc/oratab"
	}
	if home == "" {
		return Location{}, ErrNotFound
	}
	return Location{Dir: path.Join(home, "network", "admin"), OracleHome: home, Source: source}, nil
}

func cleanOpt(p string) string {
	if p == "" {
		return ""
	}
	return path.Clean(p)
}

// fromProcesses looks at running tnslsnr and ora_pmon_* processes.
func fromProcesses(ctx context.Context, h host.Host) (tns, home, source string, err error) {
	procs, err := host.Processes(ctx, h)
	if err != nil {
		if ctx.Err() != nil {
			return "", "", "", ctx.Err()
		}
		return "", "", "", nil
	}
	for _, p := range procs {
		isListener := p.Command == "tnslsnr"
		if !isListener && !strings.HasPrefix(p.Command, "ora_pmon_") {
			continue
		}
		src := fmt.Sprintf("process %s (pid %d)", p.Command, p.PID)
		if env, err := host.Environ(ctx, h, p.PID); err == nil {
			if v := env["TNS_ADMIN"]; v != "" && path.IsAbs(v) {
				return path.Clean(v), cleanOpt(env["ORACLE_HOME"]), src, nil
			}
			if v := env["ORACLE_HOME"]; v != "" && path.IsAbs(v) && home == "" {
				home, source = path.Clean(v), "ORACLE_HOME of "+src
			}
		} else if ctx.Err() != nil {
			return "", "", "", ctx.Err()
		}
		// $ORACLE_HOME/bin/tnslsnr
		if isListener && home == "" && path.IsAbs(p.Exe) && path.Base(path.Dir(p.Exe)) == "bin" {
			home, source = path.Dir(path.Dir(p.Exe)), "the executable path of "+src
		}
	}
	return "", home, source, nil
}

// fromShell asks the shell of the account that runs commands on h.
func fromShell(ctx context.Context, h host.Host) (tns, home string, err error) {
	out, err := h.Run(ctx, `printf '%s\n%s\n' "$TNS_ADMIN" "$ORACLE_HOME"`)
	if err != nil {
		if ctx.Err() != nil {
			return "", "", ctx.Err()
		}
		return "", "", nil // no commands on this host, or no shell
	}
	lines := strings.SplitN(string(out), "\n", 3)
	get := func(i int) string {
		if i < len(lines) && path.IsAbs(strings.TrimSpace(lines[i])) {
			return path.Clean(strings.TrimSpace(lines[i]))
		}
		return ""
	}
	return get(0), get(1), nil
}

// fromOratab reads the first ORACLE_HOME of /etc/oratab (SID:HOME:Y|N).
func fromOratab(ctx context.Context, h host.Host) (string, error) {
	data, err := h.ReadFile(ctx, "/etc/oratab")
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", nil // no oratab, or files cannot be read here
	}
	return ParseOratab(data), nil
}

// ParseOratab returns the ORACLE_HOME of the first entry of an oratab file
// ("SID:ORACLE_HOME:Y|N", '#' comments), or "".
func ParseOratab(data []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(line, ":")
		if len(parts) >= 2 && path.IsAbs(parts[1]) {
			return path.Clean(parts[1])
		}
	}
	return ""
}
