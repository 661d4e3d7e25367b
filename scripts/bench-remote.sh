#!/usr/bin/env bash
# Remote vs local: evaluates an OVAL file on this machine with
# `stigscan oval eval --target local` and through a throwaway OpenSSH server
# on loopback (`--target ssh://USER@127.0.0.1:PORT`, key authentication,
# known_hosts checked), interleaved, N times each; prints the median wall
# time and peak RSS of each and the ratio remote/local, and checks that both
# print the same definition results.
# Usage: scripts/bench-remote.sh [OVALFILE] [N]
set -euo pipefail
cd "$(dirname "$0")/.."
file=${1:-/usr/share/xml/scap/ssg/content/ssg-debian11-oval.xml}
n=${2:-5}
bin=bin/stigscan
go build -o "$bin" ./cmd/stigscan
. scripts/lib/sshd.sh
tmp=$(mktemp -d)
cleanup() { stop_sshd; rm -rf "$tmp"; }
trap cleanup EXIT
start_sshd "$tmp"
port=$sshd_port
target="ssh://$(id -un)@127.0.0.1:$port"
ssh_flags=(--ssh-key "$tmp/client_ed25519" --known-hosts "$tmp/known_hosts" --ssh-agent=false)

for i in $(seq "$n"); do
	/usr/bin/time -f "%e %M" -o "$tmp/l.$i" "$bin" oval eval "$file" --target local >"$tmp/local.out"
	/usr/bin/time -f "%e %M" -o "$tmp/r.$i" "$bin" oval eval "$file" --target "$target" "${ssh_flags[@]}" >"$tmp/remote.out"
	if ! cmp -s "$tmp/local.out" "$tmp/remote.out"; then
		echo "run $i: definition results differ:"
		diff "$tmp/local.out" "$tmp/remote.out" | head -20
	fi
done
lw=$(cat "$tmp"/l.* | awk '{print $1}' | median); lm=$(cat "$tmp"/l.* | awk '{print $2}' | median)
rw=$(cat "$tmp"/r.* | awk '{print $1}' | median); rm_=$(cat "$tmp"/r.* | awk '{print $2}' | median)
echo "file: $file  runs: $n each (interleaved)  load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "definitions: $(wc -l <"$tmp/local.out")"
printf "%-8s %8s %10s\n" target "wall s" "peak MB"
printf "%-8s %8s %10.1f\n" local "$lw" "$(echo "$lm/1024" | bc -l)"
printf "%-8s %8s %10.1f\n" ssh "$rw" "$(echo "$rm_/1024" | bc -l)"
printf "ratio ssh/local: wall %.2f, memory %.2f\n" "$(echo "$rw/$lw" | bc -l)" "$(echo "$rm_/$lm" | bc -l)"
