#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The daemon's lifecycle as `wg-xdp [-f] <ifname>` promises it: the background
# start, the TUN it creates, its UAPI socket (mode 0600), the ways it ends
# (SIGTERM, SIGINT, ip link del: exit and socket removed), a stale socket
# replaced, a live one refused, the ways it refuses to start (one line, exit 1)
# and a busy listen port refused at runtime. Daemons are found through their
# socket and killed by pid.
#
#   ns wgxL-<id>
#   wg-xdp wl<id>a .. wl<id>f      TUNs, one or two at a time, no addresses
#   vx<id> <-> vy<id>              a veth pair: names that are not TUNs
#   python3: UDP 0.0.0.0:51999 and [::]:51997 held (busy listen ports)
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/daemon.bash"
need_root
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
[ -x "$WGX" ] || fail "$WGX not built"

N=wgxL-$TID
ns_add "$N"

# refused NAME ARGS...: `wg-xdp ARGS` must exit 1 with one line on stderr,
# leaving no socket for NAME. REFUSAL holds the line.
refused() {
	local name=$1 rc=0 err
	shift
	err=$(daemon_log "wgx-refused-$name")
	: >"$err"
	timeout 10 ip netns exec "$N" "$WGX" "$@" >/dev/null 2>"$err" || rc=$?
	if [ $rc -eq 0 ]; then
		# It started after all: make sure it goes away.
		track_pid "$(uapi_pid "$N" "$name")"
		fail "wg-xdp $* started (expected a refusal)"
	fi
	[ $rc -eq 1 ] || fail "wg-xdp $*: exit $rc, expected 1: $(cat "$err")"
	check_daemon_logs || fail "wg-xdp $*: sanitizer report"
	[ "$(wc -l <"$err")" -eq 1 ] || fail "wg-xdp $*: expected one line, got: $(cat "$err")"
	REFUSAL=$(cat "$err")
	[ ! -e "$(sock_of "$name")" ] || [ -n "$(uapi_pid "$N" "$name")" ] ||
		fail "wg-xdp $*: left a socket behind"
	log "refused: wg-xdp $*: $REFUSAL"
}

# --- background start, the link, the socket --------------------------------
IF=wl${TID}a
t0=$(date +%s%N)
start_daemon_bg "$N" "$IF"
ms=$((($(date +%s%N) - t0) / 1000000))
log "background start returned 0 after $ms ms, daemon pid $DAEMON_PID"
[ $ms -lt 5000 ] || fail "background start took $ms ms"
# Both exist by the time the parent returns: no waiting here.
[ -S "$(sock_of "$IF")" ] || fail "no socket when the parent returned"
ip -n "$N" link show "$IF" >/dev/null || fail "no link when the parent returned"
[ "$(readlink "/proc/$DAEMON_PID/fd/0")" = /dev/null ] || fail "daemon stdin is not /dev/null"
[ "$(readlink "/proc/$DAEMON_PID/fd/1")" = /dev/null ] || fail "daemon stdout is not /dev/null"
[ "$(ps -o sid= -p "$DAEMON_PID" | tr -d ' ')" = "$DAEMON_PID" ] || fail "daemon is no session leader"

mode=$(stat -c '%a %F %U' "$(sock_of "$IF")")
[ "$mode" = "600 socket root" ] || fail "socket: '$mode', expected '600 socket root'"

link=$(ip -d -n "$N" link show "$IF")
echo "$link"
grep -q 'tun type tun' <<<"$link" || fail "$IF is not a TUN"
grep -q 'link/none' <<<"$link" || fail "$IF has a link-layer type"
not grep -q 'link/ether' <<<"$link" || fail "$IF has an Ethernet address"
grep -qw 'mtu 1420' <<<"$link" || fail "$IF: MTU is not 1420"
grep -q 'POINTOPOINT' <<<"$link" && grep -q 'NOARP' <<<"$link" || fail "$IF: flags"
[ "$(ip netns exec "$N" wg show "$IF" listen-port)" -gt 0 ] || fail "wg show: no listen port"

log "SIGTERM ends the background daemon"
pid=$DAEMON_PID
stop_daemon "$pid" "$IF"
not ip -n "$N" link show "$IF" 2>/dev/null || fail "$IF still exists after SIGTERM"

log "ip link del ends the background daemon"
start_daemon_bg "$N" "$IF"
ip -n "$N" link del "$IF"
wait_exit "$DAEMON_PID" || fail "daemon survived ip link del"
wait_for 2 test ! -e "$(sock_of "$IF")" || fail "socket left behind after ip link del"

# --- foreground ------------------------------------------------------------
log "-f stays in the foreground; SIGINT ends it with status 0"
IF=wl${TID}b
_FILES+=("$(sock_of "$IF")")
bg_start ip netns exec "$N" "$WGX" -f "$IF" 2>>"$(daemon_log "wgx-$IF")"
pid=$BG_PID
wait_for 10 test -S "$(sock_of "$IF")" || fail "-f: no socket"
[ "$(uapi_pid "$N" "$IF")" = "$pid" ] || fail "-f: the socket is not served by the process started"
kill -INT "$pid"
wait_exit "$pid" || fail "-f: daemon survived SIGINT"
rc=0
wait "$pid" || rc=$?
[ $rc -eq 0 ] || fail "-f: exit status $rc after SIGINT"
[ ! -e "$(sock_of "$IF")" ] || fail "socket left behind after SIGINT"
not ip -n "$N" link show "$IF" 2>/dev/null || fail "$IF still exists after SIGINT"

log "WG_PROCESS_FOREGROUND=1 stays in the foreground; ip link del ends it with status 0"
bg_start ip netns exec "$N" env WG_PROCESS_FOREGROUND=1 "$WGX" "$IF" 2>>"$(daemon_log "wgx-$IF")"
pid=$BG_PID
wait_for 10 test -S "$(sock_of "$IF")" || fail "WG_PROCESS_FOREGROUND: no socket"
[ "$(uapi_pid "$N" "$IF")" = "$pid" ] || fail "WG_PROCESS_FOREGROUND=1 went to the background"
ip -n "$N" link del "$IF"
wait_exit "$pid" || fail "daemon survived ip link del"
rc=0
wait "$pid" || rc=$?
[ $rc -eq 0 ] || fail "exit status $rc after ip link del"
[ ! -e "$(sock_of "$IF")" ] || fail "socket left behind after ip link del"

# --- stale and live sockets ------------------------------------------------
log "a stale socket is replaced"
IF=wl${TID}c
_FILES+=("$(sock_of "$IF")")
mkdir -p "$UAPI_DIR"
"$PY" - "$(sock_of "$IF")" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])
s.listen(1)
s.close()  # no unlink: what a daemon killed with SIGKILL leaves
try:
    socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).connect(sys.argv[1])
    sys.exit("the stale socket answers")
except ConnectionRefusedError:
    pass
EOF
[ -S "$(sock_of "$IF")" ] || fail "could not make a stale socket"
start_daemon_bg "$N" "$IF"
ip netns exec "$N" wg show "$IF" >/dev/null || fail "wg show after replacing a stale socket"
[ "$(stat -c %a "$(sock_of "$IF")")" = 600 ] || fail "replaced socket is not 0600"
live=$DAEMON_PID

log "a live socket is refused, the first daemon keeps serving"
refused "$IF" "$IF"
grep -q "$IF" <<<"$REFUSAL" && grep -qi 'already' <<<"$REFUSAL" ||
	fail "unclear refusal: $REFUSAL"
refused "$IF" -f "$IF"
pid_alive "$live" || fail "first daemon died"
[ "$(uapi_pid "$N" "$IF")" = "$live" ] || fail "socket no longer served by the first daemon"
ip netns exec "$N" wg set "$IF" listen-port 51996 || fail "first daemon no longer configurable"
[ "$(ip netns exec "$N" wg show "$IF" listen-port)" = 51996 ] || fail "first daemon: listen port"
[ "$(ip -n "$N" -o link show | grep -c "$IF")" -eq 1 ] || fail "a second $IF appeared"

# --- cannot create the TUN -------------------------------------------------
log "names that cannot become a TUN are refused with one line"
ip -n "$N" link add "vx$TID" type veth peer name "vy$TID"
links_before=$(ip -n "$N" -o link show | wc -l)
refused "vx$TID" "vx$TID"
grep -q "vx$TID" <<<"$REFUSAL" && grep -qi 'tun' <<<"$REFUSAL" || fail "unclear refusal: $REFUSAL"
grep -q veth <<<"$(ip -d -n "$N" link show "vx$TID")" || fail "the veth was harmed"
refused lo lo
refused 'x%d' 'x%d'		# the kernel would name it x0: the socket would lie
refused 'a b' 'a b'
refused 'a:b' 'a:b'
refused wl0123456789abcd wl0123456789abcd	# 16 characters
[ "$(ip -n "$N" -o link show | wc -l)" -eq "$links_before" ] || fail "a refused start left a link"
for stray in 'x%d' 'a b' 'a:b' wl0123456789abcd; do
	[ ! -e "$UAPI_DIR/$stray.sock" ] || { rm -f "$UAPI_DIR/$stray.sock"; fail "socket left for '$stray'"; }
done

# --- a busy listen port ----------------------------------------------------
log "a listen port held by another socket is refused, the old port kept"
IF=wl${TID}d
start_daemon_bg "$N" "$IF"
ip netns exec "$N" wg set "$IF" listen-port 51998
[ "$(ip netns exec "$N" wg show "$IF" listen-port)" = 51998 ] || fail "listen-port 51998 not set"
bg_start ip netns exec "$N" "$PY" -c '
import socket, time
a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
a.bind(("0.0.0.0", 51999))
b = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
b.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
b.bind(("::", 51997))
time.sleep(60)'
held() { grep -q ":$1 " <<<"$(ip netns exec "$N" ss -Huln)"; }
wait_for 10 held 51999 && wait_for 5 held 51997 || fail "the blocker did not bind"
for port in 51999 51997; do
	rc=0
	out=$(ip netns exec "$N" wg set "$IF" listen-port "$port" 2>&1) || rc=$?
	log "wg set listen-port $port (busy): exit $rc: $out"
	[ $rc -ne 0 ] || fail "listen-port $port accepted though busy"
	grep -q 'Address already in use' <<<"$out" || fail "wrong error for a busy port: $out"
	[ "$(ip netns exec "$N" wg show "$IF" listen-port)" = 51998 ] || fail "listen port changed"
	grep -q ":51998 .*pid=$DAEMON_PID," <<<"$(ip netns exec "$N" ss -Hulnp)" ||
		fail "daemon no longer bound to 51998"
done
pid_alive "$DAEMON_PID" || fail "daemon died"
ip netns exec "$N" wg set "$IF" listen-port 51995 || fail "a free port after a busy one"
[ "$(ip netns exec "$N" wg show "$IF" listen-port)" = 51995 ] || fail "listen-port 51995 not set"
not held 51998 || fail "old port 51998 still bound after moving to 51995"
stop_daemon "$DAEMON_PID" "$IF"
stop_daemon "$live" "wl${TID}c"

check_daemon_logs || fail "sanitizer report"
log ok
