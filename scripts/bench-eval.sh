#!/usr/bin/env bash
# Evaluation speed and memory, stigscan against oscap, on one offline root and
# the same content: `stigscan oval eval` vs `oscap oval eval` of an OVAL file,
# and `stigscan scan` vs `oscap xccdf eval` of a data stream profile. Both
# tools write their results file each run (OVAL results; XCCDF results). The
# runs are interleaved, N of each; prints the median wall time and the median
# peak RSS of each tool and the ratios, as a Markdown table.
#
# Usage: scripts/bench-eval.sh [ROOT] [N]
#   ROOT  offline root (default: $STIGSCAN_CONFORMANCE_ROOT or
#         /var/tmp/stigscan-debian11-root; `make conformance` builds one)
#   N     runs of each command (default 5)
#   OVAL, DS, PROFILE in the environment choose the content (default: the
#   ssg-debian Debian 11 OVAL file and data stream, profile anssi_np_nt28_high).
set -euo pipefail
cd "$(dirname "$0")/.."
root=${1:-${STIGSCAN_CONFORMANCE_ROOT:-/var/tmp/stigscan-debian11-root}}
n=${2:-5}
content=/usr/share/xml/scap/ssg/content
oval=${OVAL:-$content/ssg-debian11-oval.xml}
ds=${DS:-$content/ssg-debian11-ds.xml}
profile=${PROFILE:-xccdf_org.ssgproject.content_profile_anssi_np_nt28_high}
bin=$PWD/bin/stigscan
command -v oscap >/dev/null || { echo "bench-eval: oscap is not installed (openscap-scanner)"; exit 1; }
[ -f "$root/etc/debian_version" ] || { echo "bench-eval: no root at $root (run make conformance)"; exit 1; }
[ -f "$oval" ] && [ -f "$ds" ] || { echo "bench-eval: content missing (apt-get install ssg-debian)"; exit 1; }
go build -o "$bin" ./cmd/stigscan
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

# run NAME CMD...: time one run, appending "wall_s peak_kb" to NAME.
run() {
	local name=$1; shift
	/usr/bin/time -f "%e %M" -o t "$@" >/dev/null 2>&1 || true
	tail -1 t >>"$name"
}
for i in $(seq "$n"); do
	run s-oval "$bin" oval eval "$oval" --target "local:$root" --results s-oval.xml
	run o-oval env OSCAP_PROBE_ROOT="$root" oscap oval eval --results o-oval.xml "$oval"
	run s-xccdf "$bin" scan --benchmark "$ds" --profile "$profile" --target "local:$root" --xccdf-results s-xccdf.xml
	run o-xccdf env OSCAP_PROBE_ROOT="$root" oscap xccdf eval --profile "$profile" --results o-xccdf.xml "$ds"
done
for f in s-oval.xml o-oval.xml s-xccdf.xml o-xccdf.xml; do
	[ -s "$f" ] || { echo "bench-eval: $f was not written: a run failed"; exit 1; }
done

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
col() { awk -v c="$2" '{print $c}' "$1" | median; }
row() {
	local what=$1 s=$2 o=$3
	local sw sm ow om
	sw=$(col "$s" 1); sm=$(col "$s" 2); ow=$(col "$o" 1); om=$(col "$o" 2)
	printf "| %s | %s s | %s s | %.2f | %.1f MB | %.1f MB | %.2f |\n" "$what" "$sw" "$ow" \
		"$(echo "$sw/$ow" | bc -l)" "$(echo "$sm/1024" | bc -l)" "$(echo "$om/1024" | bc -l)" "$(echo "$sm/$om" | bc -l)"
}
echo "root: $root  runs: $n of each, interleaved  load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "oval: $oval"
echo "data stream: $ds  profile: $profile"
echo
echo "| command | stigscan wall | oscap wall | wall ratio | stigscan peak RSS | oscap peak RSS | memory ratio |"
echo "|---|---|---|---|---|---|---|"
row "oval eval $(basename "$oval")" s-oval o-oval
row "scan / xccdf eval $(basename "$ds") ${profile##*_profile_}" s-xccdf o-xccdf
