package host

import "context"

// StatFS is a file system's size as statfs(2) reports it. Counts are in
// units of BlockSize (f_frsize).
type StatFS struct {
	BlockSize int64 // fragment size, the unit of the block counts
	Blocks    int64 // total data blocks (f_blocks)
	BFree     int64 // free blocks, including those reserved for root (f_bfree)
	BAvail    int64 // free blocks available to unprivileged users (f_bavail)
	Files     int64 // total inodes
	FFree     int64 // free inodes
}

// StatFSer is an optional ability of a Host: reporting the size of the file
// system that holds path. Mounts leaves sizes zero on hosts without it.
type StatFSer interface {
	StatFS(ctx context.Context, path string) (StatFS, error)
}

// StatFSBatcher is an optional ability of a StatFSer: the sizes of many
// file systems in one request (one round trip on a remote host instead of
// one per mount). A path missing from the answer is one statfs could not
// describe; the error is for a host that could not be asked at all.
type StatFSBatcher interface {
	StatFSAll(ctx context.Context, paths []string) (map[string]StatFS, error)
}

// Unamer is an optional ability of a Host: answering uname(2) directly rather
// than through a command. The live local host has it; Uname falls back to
// running uname(1) on hosts that do not.
type Unamer interface {
	Uname(ctx context.Context) (UnameInfo, error)
}

// DpkgStatusReader is an optional ability of a Host: reading dpkg's status
// file cut down on the target to what ParseDpkgStatus reads (every stanza's
// Package, Status, Version and Architecture lines and the blank lines
// between stanzas). The status file is mostly package descriptions, several
// hundred kilobytes a host; over SSH the cut-down file is a tenth of that
// to send, decrypt and parse. DebPackages reads the whole file from hosts
// without it.
type DpkgStatusReader interface {
	DpkgStatus(ctx context.Context) ([]byte, error)
}

// Prefetcher is an optional ability of a Host that keeps what it read of
// the target for the scan: being told, before an evaluation, which paths it
// is about to be asked to stat and which files to read, so that it can
// fetch them in a few round trips instead of one per call. It reports
// nothing; the calls that follow get the answers, errors included.
type Prefetcher interface {
	Prefetch(ctx context.Context, stat, read []string)
}
