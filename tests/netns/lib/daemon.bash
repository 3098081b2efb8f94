# SPDX-License-Identifier: GPL-2.0
# Helpers for the daemon and control-plane tests (daemon_lifecycle, uapi_keys,
# wg_tools, wg_quick). Source after common.bash.

UAPI_DIR=/var/run/wireguard
UAPI_PY=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/uapi.py
# The system python starts in a tenth of the time of a version-manager shim.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

sock_of() { echo "$UAPI_DIR/$1.sock"; }

not() { ! "$@"; }

# uapi_pid NS IF: pid of the process listening on IF's UAPI socket (unix
# sockets are listed per network namespace, so look from NS). Empty if none.
uapi_pid() {
	ip netns exec "$1" ss -Hxlp 2>/dev/null | awk -v p="$(sock_of "$2")" '
		!done && $5 == p && match($0, /pid=[0-9]+/) { print substr($0, RSTART + 4, RLENGTH - 4); done = 1 }'
}

# start_daemon_bg NS IF: `wg-xdp IF` in its default, background mode. It must
# return 0 within 10 s. DAEMON_PID: the daemon, found through its socket and
# killed on exit; its stderr goes to $(daemon_log wgx-IF).
start_daemon_bg() {
	local rc=0
	_FILES+=("$(sock_of "$2")")
	timeout 10 ip netns exec "$1" "$WGX" "$2" 2>>"$(daemon_log "wgx-$2")" || rc=$?
	[ $rc -eq 0 ] || fail "wg-xdp $2 (background) exited $rc: $(tail -n 3 "$(daemon_log "wgx-$2")")"
	DAEMON_PID=$(uapi_pid "$1" "$2")
	[ -n "$DAEMON_PID" ] || fail "no process listens on $(sock_of "$2")"
	track_pid "$DAEMON_PID"
}

# wait_exit PID [SECONDS]: the process is gone (or a zombie) within SECONDS (5).
wait_exit() { wait_for "${2:-5}" not pid_alive "$1"; }

# stop_daemon PID IF: SIGTERM, then the process and IF's socket must be gone.
stop_daemon() {
	kill -TERM "$1"
	wait_exit "$1" || fail "daemon $1 ($2) survived SIGTERM"
	[ ! -e "$(sock_of "$2")" ] || fail "$2: socket left behind after SIGTERM"
}

# hex_key BASE64: a key as the UAPI's 64 hex digits.
hex_key() { printf '%s' "$1" | base64 -d | od -An -v -tx1 | tr -d ' \n'; }

# uapi IF [REPLIES]: sends stdin as-is to IF's UAPI socket, prints the replies
# (uapi.py: status 2 if the daemon hung up early, 3 on timeout).
uapi() { "$PY" "$UAPI_PY" "$(sock_of "$1")" "${2:-1}"; }

# uapi_get IF: the get=1 answer, which must end in errno=0.
uapi_get() {
	local out
	out=$(printf 'get=1\n\n' | uapi "$1") || fail "$1: get=1 got no complete answer: $out"
	[ "$(tail -n 1 <<<"$out")" = errno=0 ] || fail "$1: get=1 answered: $out"
	printf '%s\n' "$out"
}

# uapi_set_ok IF LINES...: a set=1 of LINES that must answer errno=0.
uapi_set_ok() {
	local ifname=$1 out
	shift
	out=$({ echo set=1; printf '%s\n' "$@"; echo; } | uapi "$ifname") || true
	[ "$out" = errno=0 ] || fail "$ifname: set=1 $* answered '$out'"
}
