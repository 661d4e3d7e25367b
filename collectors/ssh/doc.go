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
//   - Every read is one SSH session running a short POSIX sh script fed on
//     standard input, so paths never pass through the login shell and
//     argument-length limits do not apply. Paths inside scripts are quoted
//     with Quote. Stat and ReadDir describe many paths in one session;
//     ReadFiles (the BatchReader ability) reads many files in one session
//     through tar; StatFS answers host.StatFSer; Run uses /bin/sh -c in
//     the C locale, as the local host does.
//   - At most Config.MaxSessions sessions run at once on the connection
//     (sshd allows 10 by default).
//
// A Host caches nothing between calls and holds no secret after Dial.
package ssh
