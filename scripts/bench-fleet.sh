#!/usr/bin/env bash
# Fleet scans over SSH: `stigscan scan --targets INVENTORY --parallel P
# --out DIR` for inventories of 1, 10, 16 and 50 targets, all of them this
# machine through one throwaway OpenSSH server that accepts many logins
# (the issue allows one sshd for the fifty), N interleaved runs each, medians.
#
# It runs the fleets over several links: plain loopback, then through
# internal/netdelay's proxy adding a delay each way (DELAYS, default
# "2ms 10ms 25ms"). On loopback the fifty "targets" have no CPU of their own:
# every sshd, shell and command of every target runs on this machine's cores
# beside stigscan, so the fleet is bound by the machine's CPU, not by the
# scanner. To show that, it also measures the machine's busy CPU time
# (/proc/stat, every process) during each run: "floor" is that time divided
# by the cores, the least wall time any scheduler could have had.
#
# Sessions start with SHLVL=1 so the login shell (bash) skips ~/.bashrc,
# whose cost on a developer account is this machine's, not the scanner's;
# set LOGIN_RC=1 to keep it.
# Usage: scripts/bench-fleet.sh [N] [P] [BENCHMARK]   (default: 3 runs,
# --parallel 16, the built-in baseline)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-3}
par=${2:-16}
benchmark=${3:-}
delays=${DELAYS-2ms 10ms 25ms}
bin=bin/stigscan
go build -o "$bin" ./cmd/stigscan
go build -o bin/netdelay ./internal/tools/netdelay
. scripts/lib/sshd.sh
tmp=$(mktemp -d)
proxy_pid=
cleanup() {
	[ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null
	stop_sshd
	rm -rf "$tmp"
}
trap cleanup EXIT
extra=("MaxStartups 200" "MaxSessions 10")
[ -n "${LOGIN_RC:-}" ] || extra+=("SetEnv SHLVL=1")
start_sshd "$tmp" "${extra[@]}"
cores=$(nproc)
hz=$(getconf CLK_TCK)
user=$(id -un)
sizes=(1 10 16 50)

# run_link NAME PORT: the fleets through 127.0.0.1:PORT, N times each.
run_link() {
	local name=$1 port=$2
	known_hosts_line "$port" >"$tmp/known_hosts.$name"
	for size in "${sizes[@]}"; do
		for i in $(seq "$size"); do
			printf 'ssh://%s@127.0.0.1:%d name=t%02d\n' "$user" "$port" "$i"
		done >"$tmp/hosts-$name-$size.txt"
	done
	local args=(--parallel "$par" --ssh-key "$tmp/client_ed25519" --known-hosts "$tmp/known_hosts.$name" --ssh-agent=false --quiet)
	[ -n "$benchmark" ] && args+=(--benchmark "$benchmark")
	for i in $(seq "$n"); do
		for size in "${sizes[@]}"; do
			rm -rf "$tmp/out"
			local b0 b1
			b0=$(busy_ticks)
			/usr/bin/time -f "%e %M %U %S" -o "$tmp/t.$name.$size.$i" \
				"$bin" scan --targets "$tmp/hosts-$name-$size.txt" --out "$tmp/out" "${args[@]}" >"$tmp/stdout" 2>"$tmp/stderr" ||
				{ echo "$name: fleet of $size failed:"; tail -5 "$tmp/stdout" "$tmp/stderr"; exit 1; }
			b1=$(busy_ticks)
			echo "$(cat "$tmp/t.$name.$size.$i") $((b1 - b0))" >"$tmp/t.$name.$size.$i"
			grep -q "0 of $size targets not fully scanned" "$tmp/stdout" ||
				{ echo "$name: fleet of $size: some targets not scanned:"; cat "$tmp/stdout"; exit 1; }
		done
	done
}

# col NAME SIZE FIELD: the median of one field of the runs
# (1 wall s, 2 peak KB, 3 user s, 4 sys s, 5 machine busy ticks).
col() { cat "$tmp"/t."$1"."$2".* | awk -v f="$3" '{print $f}' | median; }
cpu() { cat "$tmp"/t."$1"."$2".* | awk '{print $3+$4}' | median; }

links=(loopback)
run_link loopback "$sshd_port"
for d in $delays; do
	port=$(free_port)
	bin/netdelay -listen "127.0.0.1:$port" -to "127.0.0.1:$sshd_port" -delay "$d" >/dev/null &
	proxy_pid=$!
	wait_port "$port"
	run_link "$d" "$port"
	kill "$proxy_pid"
	wait "$proxy_pid" 2>/dev/null || true
	proxy_pid=
	links+=("$d")
done

waves=$(((50 + par - 1) / par))
echo "benchmark: ${benchmark:-built-in baseline}  --parallel $par  runs: $n per size (interleaved)  cores: $cores  load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-14s %8s %8s %8s %8s | %9s %9s | %11s %11s %9s %8s\n" "link" "1 s" "10 s" "16 s" "50 s" \
	"50/(50/$par)" "50/$waves waves" "scan cpu/t" "all cpu/t" "floor s" "50/floor"
for name in "${links[@]}"; do
	w1=$(col "$name" 1 1)
	w50=$(col "$name" 50 1)
	t50=$(col "$name" 50 5)
	label="$name each way"
	[ "$name" = loopback ] && label=loopback
	printf "%-14s %8s %8s %8s %8s | %9.2f %9.2f | %9.1fms %9.1fms %9.2f %8.2f\n" "$label" \
		"$w1" "$(col "$name" 10 1)" "$(col "$name" 16 1)" "$w50" \
		"$(echo "$w50/($w1*50/$par)" | bc -l)" "$(echo "$w50/($w1*$waves)" | bc -l)" \
		"$(echo "$(cpu "$name" 50)*1000/50" | bc -l)" "$(echo "$t50*1000/$hz/50" | bc -l)" \
		"$(echo "$t50/$hz/$cores" | bc -l)" "$(echo "$w50/($t50/$hz/$cores)" | bc -l)"
done
r16=$(col loopback 16 2)
r50=$(col loopback 50 2)
r10=$(col loopback 10 2)
printf "peak RSS on loopback: 1 target %.1f MB, 16 %.1f MB, 50 %.1f MB; 50 vs 16 (both %d at once): %+.1f MB; per target beyond 10: %.2f MB\n" \
	"$(echo "$(col loopback 1 2)/1024" | bc -l)" "$(echo "$r16/1024" | bc -l)" "$(echo "$r50/1024" | bc -l)" "$par" \
	"$(echo "($r50-$r16)/1024" | bc -l)" "$(echo "($r50-$r10)/40/1024" | bc -l)"
echo "50/(50/$par): 50 targets' wall over (50/$par) one-target walls (the issue's target: <= 1.5)."
echo "scan cpu/t: stigscan's own CPU per target; all cpu/t: every process's (sshd, shells, commands, proxy) per target."
echo "floor: all CPU of the 50-target run / $cores cores, the least wall time this machine allows; 50/floor near 1 means CPU-bound."
