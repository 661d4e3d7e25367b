// Package e2e holds end-to-end acceptance tests that cross packages: the
// same content evaluated on this machine through the local host and through
// a real OpenSSH server on loopback must give the same results (also when
// logged in as a throwaway unprivileged account that escalates with the real
// sudo; without sudo, what it may not read is an error, never a pass or a
// fail), and fleets of SSH targets must be scanned through the command line
// with faults confined to the hosts that have them and no secret in any
// output.
//
// The tests skip, saying why, when /usr/sbin/sshd (openssh-server) or the
// ComplianceAsCode content of Debian's ssg-debian package is not installed,
// and the unprivileged-login tests when not run as root or without sudo.
package e2e
