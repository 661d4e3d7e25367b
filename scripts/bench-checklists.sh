#!/usr/bin/env bash
# Cost of checklists and the HTML report for a fleet: the same 50-target
# scan with only ARF output, then with CKL, CKLB and one HTML report; the
# difference is what the checklists cost. Usage: scripts/bench-checklists.sh [ROOT] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
root=${1:-/var/tmp/stigscan-debian11-root}
runs=${2:-5}
bin=bin/stigscan
go build -o "$bin" ./cmd/stigscan
ds=/usr/share/xml/scap/ssg/content/ssg-debian11-ds.xml
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for i in $(seq -w 1 50); do echo "local:$root name=host$i"; done > "$tmp/hosts.txt"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for r in $(seq "$runs"); do
	rm -rf "$tmp/a" "$tmp/b"
	/usr/bin/time -f "%e" -o "$tmp/a.$r" "$bin" scan --benchmark "$ds" --profile standard --targets "$tmp/hosts.txt" \
		--parallel 16 --out "$tmp/a" --progress none >/dev/null
	/usr/bin/time -f "%e" -o "$tmp/b.$r" "$bin" scan --benchmark "$ds" --profile standard --targets "$tmp/hosts.txt" \
		--parallel 16 --out "$tmp/b" --progress none --ckl yes --cklb yes --html "$tmp/b/fleet.html" >/dev/null
done
a=$(cat "$tmp"/a.* | median); b=$(cat "$tmp"/b.* | median)
echo "50 targets, ssg-debian11 standard profile, $runs interleaved runs (medians)"
echo "scan with ARF only:               ${a} s"
echo "scan with ARF + CKL + CKLB + HTML: ${b} s"
printf "checklists and report cost:       %.2f s\n" "$(echo "$b - $a" | bc -l)"
ls "$tmp/b" | grep -c '\.ckl$' | sed 's/^/CKL files: /'
