package mongodb_test

import (
	"bufio"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/stigscan/stigscan/collectors/host"
	mdb "github.com/stigscan/stigscan/collectors/mongodb"
)

// replay is a MongoDB target made of recorded replies and an in-memory
// server machine. It is a contract fixture for the evaluation logic — the
// replies are shapes a real mongod 4.4 or 7.0 returns (as MongoDB documents
// them and as DISA's check text shows them) — not a stand-in for the server:
// it answers only what was recorded and simulates nothing. Every command
// asked must pass the collector's read-only allow-list, so the content
// under test can only ever send what a real scan would be allowed to.
//
// A reply set is a directory: <database>/<label>.json holds the canonical
// Extended JSON reply of a command, where label is the command name,
// "aggregate.<first stage>", "find.<collection>" or "rolesInfo.<role>" for
// a rolesInfo asking for one role. A reply of the form
// {"$replay": "unsupported", "server": "..."} stands for a server that
// does not know the command. files.txt lists the machine's files as
// "path type mode uid gid" (type f or d), contents under files/.
// Later directories override earlier ones, file by file.
type replay struct {
	name    string
	replies map[string][]byte
	files   map[string]memFile
	mu      sync.Mutex
	asked   []string
}

type memFile struct {
	dir      bool
	mode     fs.FileMode
	uid, gid int64
	data     []byte
}

var (
	_ host.Host          = (*replay)(nil)
	_ host.MongoDatabase = (*replay)(nil)
)

func loadReplay(t testing.TB, dirs ...string) *replay {
	t.Helper()
	r := &replay{name: "replay:" + strings.Join(dirs, "+"), replies: map[string][]byte{}, files: map[string]memFile{}}
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		for _, db := range entries {
			if !db.IsDir() || db.Name() == "files" {
				continue
			}
			replies, err := os.ReadDir(filepath.Join(dir, db.Name()))
			require.NoError(t, err)
			for _, f := range replies {
				label, ok := strings.CutSuffix(f.Name(), ".json")
				if !ok {
					continue
				}
				data, err := os.ReadFile(filepath.Join(dir, db.Name(), f.Name()))
				require.NoError(t, err)
				r.replies[db.Name()+" "+label] = data
			}
		}
		r.loadFiles(t, dir)
	}
	return r
}

func (r *replay) loadFiles(t testing.TB, dir string) {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "files.txt"))
	if os.IsNotExist(err) {
		return
	}
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		require.Len(t, fields, 5, "files.txt: %q", line)
		mode, err := strconv.ParseUint(fields[2], 8, 32)
		require.NoError(t, err)
		uid, err := strconv.ParseInt(fields[3], 10, 64)
		require.NoError(t, err)
		gid, err := strconv.ParseInt(fields[4], 10, 64)
		require.NoError(t, err)
		mf := memFile{dir: fields[1] == "d", mode: fs.FileMode(mode), uid: uid, gid: gid}
		if !mf.dir {
			mf.data, err = os.ReadFile(filepath.Join(dir, "files", fields[0]))
			require.NoError(t, err, "content of %s", fields[0])
		}
		r.files[fields[0]] = mf
	}
	require.NoError(t, sc.Err())
}

// label names a command the way reply files are named.
func label(cmd bson.D) string {
	name := cmd[0].Key
	switch name {
	case "aggregate":
		for _, e := range cmd[1:] {
			if p, ok := e.Value.(bson.A); ok && e.Key == "pipeline" && len(p) > 0 {
				if st, ok := p[0].(bson.D); ok && len(st) > 0 {
					return "aggregate." + st[0].Key
				}
			}
		}
	case "find":
		if c, ok := cmd[0].Value.(string); ok {
			return "find." + c
		}
	case "rolesInfo":
		if d, ok := cmd[0].Value.(bson.D); ok {
			for _, e := range d {
				if e.Key == "role" {
					return fmt.Sprintf("rolesInfo.%v", e.Value)
				}
			}
		}
	}
	return name
}

// RunCommand answers from the recorded replies.
func (r *replay) RunCommand(ctx context.Context, database string, command []byte) ([]byte, error) {
	var cmd bson.D
	if err := bson.UnmarshalExtJSON(command, false, &cmd); err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	if err := mdb.CheckCommand(database, cmd); err != nil {
		return nil, err
	}
	key := database + " " + label(cmd)
	r.mu.Lock()
	r.asked = append(r.asked, key)
	r.mu.Unlock()
	reply, ok := r.replies[key]
	if !ok {
		return nil, fmt.Errorf("replay: no recorded reply for %s", key)
	}
	var probe struct {
		Replay string `bson:"$replay"`
		Server string `bson:"server"`
	}
	if err := bson.UnmarshalExtJSON(reply, false, &probe); err == nil && probe.Replay == "unsupported" {
		return nil, &mdb.UnsupportedError{Command: label(cmd), Server: probe.Server}
	}
	return reply, nil
}

// Asked lists the commands asked so far, sorted and without repeats.
func (r *replay) Asked() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	seen := map[string]bool{}
	var out []string
	for _, a := range r.asked {
		if !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	sort.Strings(out)
	return out
}

var fixedTime = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func (r *replay) info(p string) host.FileInfo {
	f, ok := r.files[p]
	if !ok {
		if r.isDir(p) {
			return host.FileInfo{Path: p, Mode: fs.ModeDir | 0o755, MTime: fixedTime, ATime: fixedTime, CTime: fixedTime}
		}
		return host.FileInfo{Path: p, Err: fs.ErrNotExist}
	}
	mode := f.mode
	if f.dir {
		mode |= fs.ModeDir
	}
	return host.FileInfo{Path: p, Mode: mode, UID: f.uid, GID: f.gid, Size: int64(len(f.data)), MTime: fixedTime, ATime: fixedTime, CTime: fixedTime}
}

// isDir reports whether p is a listed directory or a parent of a listed
// path.
func (r *replay) isDir(p string) bool {
	if f, ok := r.files[p]; ok {
		return f.dir
	}
	prefix := strings.TrimSuffix(p, "/") + "/"
	for f := range r.files {
		if strings.HasPrefix(f, prefix) {
			return true
		}
	}
	return false
}

func (r *replay) ReadFile(ctx context.Context, p string) ([]byte, error) {
	f, ok := r.files[p]
	if !ok || f.dir {
		return nil, &fs.PathError{Op: "open", Path: p, Err: fs.ErrNotExist}
	}
	return f.data, nil
}

func (r *replay) Stat(ctx context.Context, paths ...string) ([]host.FileInfo, error) {
	out := make([]host.FileInfo, len(paths))
	for i, p := range paths {
		out[i] = r.info(p)
	}
	return out, nil
}

func (r *replay) ReadDir(ctx context.Context, dir string) ([]host.FileInfo, error) {
	if !r.isDir(dir) {
		return nil, &fs.PathError{Op: "readdir", Path: dir, Err: fs.ErrNotExist}
	}
	prefix := strings.TrimSuffix(dir, "/") + "/"
	seen := map[string]bool{}
	for f := range r.files {
		rest, ok := strings.CutPrefix(f, prefix)
		if !ok || rest == "" {
			continue
		}
		child, _, _ := strings.Cut(rest, "/")
		seen[path.Join(dir, child)] = true
	}
	var out []host.FileInfo
	for p := range seen {
		out = append(out, r.info(p))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

func (r *replay) Run(ctx context.Context, cmd string) ([]byte, error) {
	return nil, fmt.Errorf("%w: the replay runs no commands", host.ErrNotCollected)
}

func (r *replay) Describe() string { return r.name }

// networkOnly is a replay whose machine cannot be read, as a target
// reached over the network only.
type networkOnly struct {
	*replay
	host.Unavailable
}

func (n networkOnly) ReadFile(ctx context.Context, p string) ([]byte, error) {
	return n.Unavailable.ReadFile(ctx, p)
}
func (n networkOnly) Stat(ctx context.Context, paths ...string) ([]host.FileInfo, error) {
	return n.Unavailable.Stat(ctx, paths...)
}
func (n networkOnly) ReadDir(ctx context.Context, p string) ([]host.FileInfo, error) {
	return n.Unavailable.ReadDir(ctx, p)
}
func (n networkOnly) Run(ctx context.Context, c string) ([]byte, error) {
	return n.Unavailable.Run(ctx, c)
}
func (n networkOnly) Describe() string { return n.Unavailable.Describe() }
