package host

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
)

// Environ returns the environment of process pid on h, from
// /proc/PID/environ; pid 0 means the process reading it (on the local host,
// stigscan itself). Only running systems have processes.
func Environ(ctx context.Context, h Host, pid int64) (map[string]string, error) {
	if err := requireLive(h, "process environment"); err != nil {
		return nil, err
	}
	p := "/proc/self/environ"
	if pid != 0 {
		p = "/proc/" + strconv.FormatInt(pid, 10) + "/environ"
	}
	data, err := h.ReadFile(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("host: environ of %d: %w", pid, err)
	}
	return ParseEnviron(data), nil
}

// ParseEnviron parses NUL-separated NAME=value pairs. When a name repeats,
// the first one wins, as getenv(3) finds it first.
func ParseEnviron(data []byte) map[string]string {
	out := make(map[string]string)
	for _, kv := range bytes.Split(data, []byte{0}) {
		k, v, ok := bytes.Cut(kv, []byte("="))
		if !ok || len(k) == 0 {
			continue
		}
		if _, dup := out[string(k)]; !dup {
			out[string(k)] = string(v)
		}
	}
	return out
}
