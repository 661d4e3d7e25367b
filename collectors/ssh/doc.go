// Package ssh is the agentless remote host: it implements host.Host (plus
// host.FactsProvider, host.Live and the batching BatchReader) over one
// OpenSSH connection per target, so every OVAL object type collected through
// host.Host works on a remote machine unchanged.
//
// How the pieces map:
//
//   - ParseTarget reads "ssh://user@host[:port]"; a password in the target is
//     refused. Config carries everything else; secrets are Secret values
//     that come from a file, an environment variable or the ssh-agent, and
//     print as "[redacted]".
//   - Dial opens the TCP connection, verifies the host key against
//     known_hosts (unknown keys are refused unless
//     Config.InsecureAcceptUnknownHostKey is set; changed keys always are),
//     authenticates, checks sudo when asked, and starts keepalives.
//   - Commands run in long-lived shells: up to Config.MaxSessions sessions
//     each run one POSIX sh (through "sudo -n" when Config.Sudo is set)
//     that reads framed commands on standard input, so a command costs one
//     round trip and no login shell (exec.go). Every command is a short sh
//     script; paths inside scripts are quoted with Quote.
//   - Stat and ReadDir describe many paths per command (find -printf where
//     GNU find exists, stat(1) otherwise); ReadFiles (the BatchReader
//     ability) reads many files per command through tar; StatFS answers
//     host.StatFSer; Run uses /bin/sh -c in the C locale, as the local host
//     does.
//   - BusyBox targets (Alpine, appliances, minimal containers: ash as
//     /bin/sh, BusyBox find, stat, tar, cat, head, grep) give the answers
//     a GNU target gives, to the nanosecond: busybox_test.go scans one
//     through a real sshd and compares every answer with the same tree
//     read as an offline root. They cost more commands: without find
//     -printf a listing runs stat(1) per entry, and whole subtrees and
//     Prefetch's listings are not fetched ahead. A BusyBox stat that
//     prints no fraction of a second in its dates (%x) gives times in whole
//     seconds; 1.35's does.
//   - A Host keeps what it read for its lifetime, one scan: listings answer
//     Stat, a walk lists whole subtrees at once, the second file read from
//     a directory brings its small world-readable neighbours, never files
//     only their owner or group may read (cache.go). Config.NoCache turns
//     that off. The facts (with uname's fields) are one command, asked
//     once; dpkg's status file is cut down on the target to the fields
//     read (facts.go, dpkg.go).
//
// A Host holds no secret after Dial.
package ssh
