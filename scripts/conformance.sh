#!/usr/bin/env bash
# Conformance with OpenSCAP: builds (once) a Debian 11 root with debootstrap,
# then compares `oscap` run with OSCAP_PROBE_ROOT and stigscan on the same
# root, per OVAL definition of ssg-debian11-oval.xml and per rule of every
# ssg-debian11-ds.xml profile. Every difference must be explained in
# docs/conformance.md; the full comparison is written to
# $STIGSCAN_CONFORMANCE_REPORT (default: $TMPDIR/stigscan-conformance-results.md).
set -euo pipefail
cd "$(dirname "$0")/.."
root=${STIGSCAN_CONFORMANCE_ROOT:-/var/tmp/stigscan-debian11-root}
if [ ! -f "$root/etc/debian_version" ]; then
	command -v debootstrap >/dev/null || { echo "conformance: debootstrap is not installed"; exit 1; }
	echo "conformance: building a Debian 11 root in $root (debootstrap --variant=minbase bullseye)"
	rm -rf "$root.tmp"
	debootstrap --variant=minbase bullseye "$root.tmp" >"${TMPDIR:-/tmp}/stigscan-debootstrap.log" 2>&1 || {
		tail -20 "${TMPDIR:-/tmp}/stigscan-debootstrap.log"; exit 1; }
	mv "$root.tmp" "$root"
fi
report=${STIGSCAN_CONFORMANCE_REPORT:-${TMPDIR:-/tmp}/stigscan-conformance-results.md}
STIGSCAN_CONFORMANCE_ROOT="$root" STIGSCAN_CONFORMANCE_REPORT="$report" \
	go test -count=1 -timeout 40m -run 'TestDebian11' -v ./internal/conformance/ | tail -n 200
echo "conformance: full comparison in $report"
# Remote (SSH, SSH with sudo, SSH without privilege) against local on every
# definition of ssg-debian11-oval.xml; `make test` runs the same tests on a
# sample of definitions (internal/e2e ovalSample). Without -race: minutes
# each even so, and `make test` has run them under the race detector.
echo "conformance: SSH against local on every OVAL definition (internal/e2e)"
STIGSCAN_E2E_FULL_OVAL=1 go test -count=1 -timeout 40m \
	-run '^(TestRemoteEqualsLocalOVAL|TestRemoteEqualsLocalXCCDF|TestRemoteSudoEqualsLocalOVAL|TestRemoteUnprivilegedNeverWrong)$' ./internal/e2e/
