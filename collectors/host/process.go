package host

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Process is one process of a running host, with what OVAL's process58_item
// records.
type Process struct {
	PID         int64
	PPID        int64
	Priority    int64  // the kernel's priority field of /proc/PID/stat
	Command     string // comm: the executable name, at most 15 bytes
	CommandLine string // the arguments joined by spaces, non-printable bytes as "." (as ps(1) shows them); "[comm] <defunct>" for a zombie
	UID         int64  // real user id; -1 when unreadable
	EUID        int64  // effective user id
	GID         int64  // real group id
	EGID        int64  // effective group id
	TTY         string // controlling terminal, "pts/0", or "?" when none
	StartTime   string // "HH:MM:SS" when started today (local time), otherwise "Mon_DD", as OVAL asks
	ExecTime    string // CPU time used, "[DD-]HH:MM:SS"
	Started     time.Time
	SessionID   int64
	LoginUID    int64  // audit login uid; 4294967295 when unset, as the kernel writes it
	Exe         string // the executable's path, "" when it cannot be read
}

// userHZ is the unit of the times in /proc/PID/stat. The kernel exports
// USER_HZ, which is 100 on every Linux architecture, whatever the
// internal tick rate.
const userHZ = 100

// pfKthread is PF_KTHREAD in the flags field of /proc/PID/stat.
const pfKthread = 0x00200000

// Processes lists the processes of a running host, sorted by PID, read from
// /proc. Kernel threads are left out, as OpenSCAP leaves them out. A process
// that exits while being read is skipped.
func Processes(ctx context.Context, h Host) ([]Process, error) {
	if err := requireLive(h, "processes"); err != nil {
		return nil, err
	}
	entries, err := h.ReadDir(ctx, "/proc")
	if err != nil {
		return nil, fmt.Errorf("host: processes: %w", err)
	}
	boot, err := bootTime(ctx, h)
	if err != nil {
		return nil, fmt.Errorf("host: processes: %w", err)
	}
	now := time.Now()
	var procs []Process
	for _, e := range entries {
		if err := checkCtx(ctx); err != nil {
			return nil, err
		}
		pid, err := strconv.ParseInt(e.Name(), 10, 64)
		if err != nil || !e.Mode.IsDir() {
			continue
		}
		p, ok, err := readProcess(ctx, h, pid, boot, now)
		if err != nil {
			return nil, err
		}
		if ok {
			procs = append(procs, p)
		}
	}
	sort.Slice(procs, func(i, j int) bool { return procs[i].PID < procs[j].PID })
	return procs, nil
}

// readProcess reads one /proc/PID. ok is false when the process is gone or
// is a kernel thread.
func readProcess(ctx context.Context, h Host, pid int64, boot, now time.Time) (p Process, ok bool, err error) {
	dir := "/proc/" + strconv.FormatInt(pid, 10)
	stat, err := h.ReadFile(ctx, dir+"/stat")
	if err != nil {
		return Process{}, false, checkCtx(ctx)
	}
	st, err := ParseProcStat(stat)
	if err != nil || st.Flags&pfKthread != 0 {
		return Process{}, false, nil
	}
	p = Process{
		PID:       st.PID,
		PPID:      st.PPID,
		Priority:  st.Priority,
		Command:   st.Comm,
		UID:       -1,
		EUID:      -1,
		GID:       -1,
		EGID:      -1,
		TTY:       ttyName(st.TTYNr),
		SessionID: st.Session,
		LoginUID:  4294967295,
		ExecTime:  formatCPUTime(st.UTime/userHZ + st.STime/userHZ),
	}
	p.Started = boot.Add(time.Duration(st.StartTime/userHZ) * time.Second)
	p.StartTime = formatStartTime(p.Started, now)

	if st.State == 'Z' {
		p.CommandLine = "[" + st.Comm + "] <defunct>"
	} else if cl, err := h.ReadFile(ctx, dir+"/cmdline"); err == nil && len(cl) > 0 {
		p.CommandLine = psCommandLine(cl)
	} else {
		p.CommandLine = st.Comm
	}
	if status, err := h.ReadFile(ctx, dir+"/status"); err == nil {
		p.UID, p.EUID = statusIDs(status, "Uid:")
		p.GID, p.EGID = statusIDs(status, "Gid:")
	}
	if lu, err := h.ReadFile(ctx, dir+"/loginuid"); err == nil {
		if v, err := strconv.ParseInt(strings.TrimSpace(string(lu)), 10, 64); err == nil {
			p.LoginUID = v
		}
	}
	if fi, err := h.Stat(ctx, dir+"/exe"); err == nil && len(fi) == 1 && fi[0].Err == nil {
		p.Exe = strings.TrimSuffix(fi[0].Target, " (deleted)")
	}
	return p, true, checkCtx(ctx)
}

// ProcStat is the part of /proc/PID/stat (proc(5)) that Processes uses.
type ProcStat struct {
	PID       int64
	Comm      string
	State     byte
	PPID      int64
	Session   int64
	TTYNr     int64
	Flags     uint64
	UTime     int64 // clock ticks
	STime     int64
	Priority  int64
	StartTime int64 // clock ticks after boot
}

// ParseProcStat parses /proc/PID/stat. The command name is in parentheses and
// may itself hold ") " and spaces, so it ends at the last ")".
func ParseProcStat(data []byte) (ProcStat, error) {
	open := bytes.IndexByte(data, '(')
	closing := bytes.LastIndexByte(data, ')')
	if open < 0 || closing < open {
		return ProcStat{}, errors.New("host: /proc stat: no command name")
	}
	var st ProcStat
	pid, err := strconv.ParseInt(string(bytes.TrimSpace(data[:open])), 10, 64)
	if err != nil {
		return ProcStat{}, fmt.Errorf("host: /proc stat: pid: %w", err)
	}
	st.PID = pid
	st.Comm = string(data[open+1 : closing])
	f := strings.Fields(string(data[closing+1:]))
	// f[0] is field 3 (state) of proc(5); field n is f[n-3].
	if len(f) < 20 || len(f[0]) != 1 {
		return ProcStat{}, fmt.Errorf("host: /proc stat: %d fields after the command name", len(f))
	}
	st.State = f[0][0]
	ints := []struct {
		dst *int64
		idx int
	}{
		{&st.PPID, 1}, {&st.Session, 3}, {&st.TTYNr, 4},
		{&st.UTime, 11}, {&st.STime, 12}, {&st.Priority, 15}, {&st.StartTime, 19},
	}
	for _, x := range ints {
		v, err := strconv.ParseInt(f[x.idx], 10, 64)
		if err != nil {
			return ProcStat{}, fmt.Errorf("host: /proc stat: field %d: %w", x.idx+3, err)
		}
		*x.dst = v
	}
	if st.Flags, err = strconv.ParseUint(f[6], 10, 64); err != nil {
		return ProcStat{}, fmt.Errorf("host: /proc stat: flags: %w", err)
	}
	return st, nil
}

// statusIDs reads the real and effective ids from a "Uid:" or "Gid:" line of
// /proc/PID/status.
func statusIDs(status []byte, key string) (real, effective int64) {
	real, effective = -1, -1
	for _, line := range strings.Split(string(status), "\n") {
		rest, ok := strings.CutPrefix(line, key)
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) >= 2 {
			if v, err := strconv.ParseInt(f[0], 10, 64); err == nil {
				real = v
			}
			if v, err := strconv.ParseInt(f[1], 10, 64); err == nil {
				effective = v
			}
		}
		break
	}
	return real, effective
}

// psCommandLine renders /proc/PID/cmdline as ps(1) does: trailing NULs
// dropped, NULs and newlines as spaces, other non-printable bytes as ".".
func psCommandLine(cl []byte) string {
	cl = bytes.TrimRight(cl, "\x00")
	b := make([]byte, len(cl))
	for i, c := range cl {
		switch {
		case c == 0 || c == '\n':
			b[i] = ' '
		case c < 0x20 || c >= 0x7f:
			b[i] = '.'
		default:
			b[i] = c
		}
	}
	return string(b)
}

// ttyName names a tty_nr device number as ps(1) abbreviates it, for the
// terminals a login can have; "?" for none or one not known.
func ttyName(nr int64) string {
	if nr == 0 {
		return "?"
	}
	major := (nr >> 8) & 0xfff
	minor := (nr & 0xff) | ((nr >> 12) & 0xfff00)
	switch {
	case major >= 136 && major <= 143:
		return "pts/" + strconv.FormatInt((major-136)*256+minor, 10)
	case major == 4 && minor < 64:
		return "tty" + strconv.FormatInt(minor, 10)
	case major == 4:
		return "ttyS" + strconv.FormatInt(minor-64, 10)
	case major == 5 && minor == 1:
		return "console"
	case major == 5 && minor == 0:
		return "tty"
	}
	return "?"
}

// formatCPUTime renders seconds as OpenSCAP's process58 probe does:
// "HH:MM:SS", or "D-HH:MM:SS" past a day.
func formatCPUTime(sec int64) string {
	s, m, h, d := sec%60, sec/60%60, sec/3600%24, sec/86400
	if d > 0 {
		return fmt.Sprintf("%d-%02d:%02d:%02d", d, h, m, s)
	}
	return fmt.Sprintf("%02d:%02d:%02d", h, m, s)
}

// formatStartTime renders a start time as OVAL's process58 start_time asks:
// "HH:MM:SS" when it is the same local day as now, else "Mon_DD".
func formatStartTime(t, now time.Time) string {
	t, now = t.Local(), now.Local()
	if t.YearDay() == now.YearDay() && t.Year() == now.Year() {
		return t.Format("15:04:05")
	}
	return t.Format("Jan_02")
}

// bootTime reads the btime line of /proc/stat.
func bootTime(ctx context.Context, h Host) (time.Time, error) {
	data, err := h.ReadFile(ctx, "/proc/stat")
	if err != nil {
		return time.Time{}, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "btime "); ok {
			v, err := strconv.ParseInt(strings.TrimSpace(rest), 10, 64)
			if err != nil {
				return time.Time{}, fmt.Errorf("/proc/stat btime: %w", err)
			}
			return time.Unix(v, 0), nil
		}
	}
	return time.Time{}, errors.New("/proc/stat has no btime")
}
