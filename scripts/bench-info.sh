#!/usr/bin/env bash
# Loads a data stream and resolves all its profiles with `stigscan info` and
# with `oscap info`, interleaved, N times each; prints median wall time, median
# peak RSS and the ratio. Usage: scripts/bench-info.sh [FILE] [N]
set -euo pipefail
cd "$(dirname "$0")/.."
file=${1:-/usr/share/xml/scap/ssg/content/ssg-ubuntu2204-ds.xml}
n=${2:-11}
bin=bin/stigscan
[ -x "$bin" ] || go build -o "$bin" ./cmd/stigscan
command -v oscap >/dev/null || { echo "oscap not installed (openscap-scanner)"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for i in $(seq "$n"); do
	/usr/bin/time -f "%e %M" -o "$tmp/s.$i" "$bin" info "$file" >/dev/null
	/usr/bin/time -f "%e %M" -o "$tmp/o.$i" oscap info "$file" >/dev/null
done
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
sw=$(cat "$tmp"/s.* | awk '{print $1}' | median); sm=$(cat "$tmp"/s.* | awk '{print $2}' | median)
ow=$(cat "$tmp"/o.* | awk '{print $1}' | median); om=$(cat "$tmp"/o.* | awk '{print $2}' | median)
echo "file: $file  runs: $n (interleaved)"
printf "%-18s %8s %10s\n" tool "wall s" "peak MB"
printf "%-18s %8s %10.1f\n" "stigscan info" "$sw" "$(echo "$sm/1024" | bc -l)"
printf "%-18s %8s %10.1f\n" "oscap info" "$ow" "$(echo "$om/1024" | bc -l)"
printf "ratio stigscan/oscap: wall %.2f, memory %.2f\n" "$(echo "$sw/$ow" | bc -l)" "$(echo "$sm/$om" | bc -l)"
