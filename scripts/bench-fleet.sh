#!/usr/bin/env bash
# Fleet scans over SSH: starts a throwaway OpenSSH server on loopback that
# accepts many logins, then runs `stigscan scan --targets INVENTORY
# --parallel P --out DIR` for inventories of 1, 10, 16 and 50 targets (all
# this machine, through that server), interleaved, N times each; prints
# median wall time, CPU time and peak RSS per fleet size and the ratios.
# Then the same fleets through a link with 25 ms of latency each way (the Go
# test TestFleet50, which puts a delaying proxy in front of its sshd).
# Sessions start with SHLVL=1 so the login shell (bash) skips ~/.bashrc, whose
# cost on a developer account is this machine's, not the scanner's; set
# LOGIN_RC=1 to keep it.
# Usage: scripts/bench-fleet.sh [N] [P] [BENCHMARK]   (default: 3 runs,
# --parallel 16, the built-in baseline)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-3}
par=${2:-16}
benchmark=${3:-}
bin=bin/stigscan
go build -o "$bin" ./cmd/stigscan
[ -x /usr/sbin/sshd ] || { echo "/usr/sbin/sshd not installed (openssh-server)"; exit 1; }
tmp=$(mktemp -d)
sshd_pid=
cleanup() { [ -n "$sshd_pid" ] && kill "$sshd_pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

# A throwaway sshd, as internal/testsshd starts one for the Go tests; it
# must accept P logins at once (MaxStartups) and a few sessions each.
mkdir -p /run/sshd
ssh-keygen -q -t ed25519 -N '' -f "$tmp/host_ed25519"
ssh-keygen -q -t ed25519 -N '' -f "$tmp/client_ed25519"
cp "$tmp/client_ed25519.pub" "$tmp/authorized_keys"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$tmp/sshd_config" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey $tmp/host_ed25519
PidFile none
AuthorizedKeysFile $tmp/authorized_keys
PermitRootLogin yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
MaxStartups 200
MaxSessions 10
EOF
[ -n "${LOGIN_RC:-}" ] || echo "SetEnv SHLVL=1" >>"$tmp/sshd_config"
/usr/sbin/sshd -D -e -f "$tmp/sshd_config" 2>"$tmp/sshd.log" &
sshd_pid=$!
echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$tmp/host_ed25519.pub")" >"$tmp/known_hosts"
for _ in $(seq 50); do
	(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
	sleep 0.1
done
user=$(id -un)
for size in 1 10 16 50; do
	for i in $(seq "$size"); do
		printf 'ssh://%s@127.0.0.1:%d name=t%02d\n' "$user" "$port" "$i"
	done >"$tmp/hosts-$size.txt"
done
args=(--parallel "$par" --ssh-key "$tmp/client_ed25519" --known-hosts "$tmp/known_hosts" --ssh-agent=false --quiet)
[ -n "$benchmark" ] && args+=(--benchmark "$benchmark")

for i in $(seq "$n"); do
	for size in 1 10 16 50; do
		rm -rf "$tmp/out"
		/usr/bin/time -f "%e %M %U %S" -o "$tmp/t$size.$i" \
			"$bin" scan --targets "$tmp/hosts-$size.txt" --out "$tmp/out" "${args[@]}" >"$tmp/stdout-$size" 2>"$tmp/stderr-$size" ||
			{ echo "fleet of $size failed:"; tail -5 "$tmp/stdout-$size" "$tmp/stderr-$size"; exit 1; }
		grep -q "0 of $size targets not fully scanned" "$tmp/stdout-$size" ||
			{ echo "fleet of $size: some targets not scanned:"; cat "$tmp/stdout-$size"; exit 1; }
	done
done
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "benchmark: ${benchmark:-built-in baseline}  --parallel $par  runs: $n per size (interleaved)  load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-8s %8s %8s %10s\n" targets "wall s" "cpu s" "peak MB"
declare -A wall rss
for size in 1 10 16 50; do
	wall[$size]=$(cat "$tmp"/t$size.* | awk '{print $1}' | median)
	rss[$size]=$(cat "$tmp"/t$size.* | awk '{print $2}' | median)
	cpu=$(cat "$tmp"/t$size.* | awk '{print $3+$4}' | median)
	printf "%-8s %8s %8s %10.1f\n" "$size" "${wall[$size]}" "$cpu" "$(echo "${rss[$size]}/1024" | bc -l)"
done
waves=$(( (50 + par - 1) / par ))
printf "50 targets vs %d waves of one: %.2f (target <= 1.5; 50/%d = %.2f waves)\n" "$waves" \
	"$(echo "${wall[50]}/(${wall[1]}*$waves)" | bc -l)" "$par" "$(echo "50/$par" | bc -l)"
printf "50 targets vs (50/%d) x one: %.2f\n" "$par" "$(echo "${wall[50]}/(${wall[1]}*50/$par)" | bc -l)"
printf "peak RSS: 50 targets vs 16 (both %d at once): %+.1f MB; per target beyond 10: %.2f MB\n" "$par" \
	"$(echo "(${rss[50]}-${rss[16]})/1024" | bc -l)" "$(echo "(${rss[50]}-${rss[10]})/40/1024" | bc -l)"
echo
echo "through 25 ms each way (go test ./internal/e2e -run TestFleet50):"
go test -count=1 -v -run 'TestFleet50' ./internal/e2e/ | grep -o '25ms each way: .*' || true
