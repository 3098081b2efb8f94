# SPDX-License-Identifier: GPL-2.0
# Helpers for the data-plane tests; source after common.bash.
#   wgx_stats / wgx_stat   wg-xdp's drop and event counters (the stats=1 UAPI extension)
#   capture_start / _stop  tcpdump's text output of one interface, into a file
#   bg_stop                ends one process started with bg_start, by pid
#   wgx_stop_clean         ends a wg-xdp daemon and requires a clean exit (ASan: no leak)
#   WGTOOL                 tests/netns/lib/wgtool.py: garbage, cookies, replays, sinks

WGTOOL="python3 $(dirname "${BASH_SOURCE[0]}")/wgtool.py"

# wgx_stats IF: "name=value" lines from the wg-xdp serving IF. The UAPI socket
# lives in /var/run/wireguard, which no network namespace hides.
wgx_stats() {
	python3 - "/var/run/wireguard/$1.sock" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(5)
s.connect(sys.argv[1])
s.sendall(b"stats=1\n\n")
buf = b""
while not buf.endswith(b"\n\n"):
    d = s.recv(65536)
    if not d:
        break
    buf += d
lines = buf.decode().split("\n")
if "errno=0" not in lines:
    sys.exit("stats=1 answered: %r" % buf)
print("\n".join(l for l in lines if l and not l.startswith("errno=")))
EOF
}

# wgx_stat IF NAME: one counter. Use as v=$(wgx_stat ...), never with `local v=`,
# so that set -e stops the test when the daemon does not answer.
wgx_stat() {
	local out
	out=$(wgx_stats "$1") || return 1
	out=$(sed -n "s/^$2=//p" <<<"$out")
	[ -n "$out" ] || { echo "no counter $2 on $1" >&2; return 1; }
	echo "$out"
}

# bg_stop PID: SIGTERM, up to 5 s, then SIGKILL; returns the exit status.
bg_stop() {
	local pid=$1 rc=0 i keep=()
	kill "$pid" 2>/dev/null || true
	for i in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || rc=$?
	for i in "${_PIDS[@]}"; do [ "$i" = "$pid" ] || keep+=("$i"); done
	_PIDS=(${keep[@]+"${keep[@]}"})
	return $rc
}

# wgx_alive PID IF: the daemon runs and its UAPI socket answers get=1.
wgx_alive() {
	kill -0 "$1" 2>/dev/null || { echo "daemon $1 ($2) is gone" >&2; return 1; }
	wg show "$2" >/dev/null || { echo "daemon $1 ($2) does not answer" >&2; return 1; }
}

# wgx_stop_clean PID IF: stops the daemon; fails unless it exits 0 (an ASan
# build exits non-zero on a leak or an error report).
wgx_stop_clean() {
	local rc=0
	bg_stop "$1" || rc=$?
	[ $rc -eq 0 ] || fail "wg-xdp $2 exited with status $rc"
}

# capture_start NS IF OUT FILTER...: tcpdump -n -tt lines of IF into OUT, in
# the background ($CAP_PID), once tcpdump is listening.
capture_start() {
	local ns=$1 ifname=$2 out=$3 err
	shift 3
	err=$(tmpfile)
	bg_start ip netns exec "$ns" tcpdump -l -n -tt -i "$ifname" "$@" >"$out" 2>"$err"
	CAP_PID=$BG_PID
	wait_for 5 grep -q "listening on" "$err" || fail "tcpdump on $ifname did not start: $(cat "$err")"
}

# capture_stop PID: lets the last packets reach the file, then ends tcpdump.
capture_stop() {
	sleep 0.3
	bg_stop "$1" || true
}
