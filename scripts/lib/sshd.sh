# Sourced by the benchmark scripts: start_sshd DIR [EXTRA_CONFIG_LINE...]
# starts a throwaway OpenSSH server on a free loopback port, as
# internal/testsshd starts one for the Go tests, with a fresh host key and a
# client key authorised for the current user. It sets sshd_port and
# sshd_pid and writes DIR/known_hosts and DIR/client_ed25519; stop_sshd ends
# it. Needs /usr/sbin/sshd (openssh-server).
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_port() {
	for _ in $(seq 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		sleep 0.05
	done
	echo "nothing listens on 127.0.0.1:$1" >&2
	return 1
}

start_sshd() {
	local dir=$1
	shift
	[ -x /usr/sbin/sshd ] || { echo "/usr/sbin/sshd not installed (openssh-server)" >&2; return 1; }
	mkdir -p /run/sshd
	ssh-keygen -q -t ed25519 -N '' -f "$dir/host_ed25519"
	ssh-keygen -q -t ed25519 -N '' -f "$dir/client_ed25519"
	cp "$dir/client_ed25519.pub" "$dir/authorized_keys"
	sshd_port=$(free_port)
	{
		echo "Port $sshd_port"
		echo "ListenAddress 127.0.0.1"
		echo "HostKey $dir/host_ed25519"
		echo "PidFile none"
		echo "AuthorizedKeysFile $dir/authorized_keys"
		echo "PermitRootLogin yes"
		echo "PasswordAuthentication no"
		echo "KbdInteractiveAuthentication no"
		echo "UsePAM no"
		echo "StrictModes no"
		for line in "$@"; do echo "$line"; done
	} >"$dir/sshd_config"
	/usr/sbin/sshd -D -e -f "$dir/sshd_config" 2>"$dir/sshd.log" &
	sshd_pid=$!
	sshd_dir=$dir
	known_hosts_line "$sshd_port" >"$dir/known_hosts"
	wait_port "$sshd_port"
}

# known_hosts_line PORT: the server's key as seen at 127.0.0.1:PORT (the
# server's own port, or a proxy's in front of it).
known_hosts_line() {
	echo "[127.0.0.1]:$1 $(cut -d' ' -f1,2 "$sshd_dir/host_ed25519.pub")"
}

stop_sshd() {
	[ -n "${sshd_pid:-}" ] && kill "$sshd_pid" 2>/dev/null
	sshd_pid=
}

# busy_ticks: the machine's busy CPU time so far, in clock ticks (all CPUs).
busy_ticks() {
	awk '/^cpu / {print $2+$3+$4+$7+$8+$9}' /proc/stat
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
