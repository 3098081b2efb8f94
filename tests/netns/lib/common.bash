# SPDX-License-Identifier: GPL-2.0
# Helpers for namespace tests. Source it; it installs an EXIT trap that kills
# every process started with bg_start (by pid) and deletes every namespace
# made with ns_add, whatever way the test ends.

set -euo pipefail
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
BUILD=${BUILD:-$TOP/build}
TID=$(printf '%04x' $(($$ % 65536)))	# keeps names unique and short (IFNAMSIZ)
_NS=()
_PIDS=()
_FILES=()
declare -A _PID_START=()	# pid -> start time, so a reused pid is never killed
_LOGDIR=$(mktemp -d)	# daemons' stderr, one file each (daemon_log)
_TMPDIR=$(mktemp -d)	# tmpfile's files: removed whole, even those made in subshells
chmod 700 "$_TMPDIR"
_FILES+=("$_LOGDIR" "$_TMPDIR")

log() { printf '[%s] %s\n' "$(date +%T)" "$*"; }
skip() { echo "$*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }

# pid_alive PID: the process exists and is not a zombie (a daemon that went to
# the background is nobody's child here, and its zombie may linger).
pid_alive() {
	local state
	state=$(awk '/^State:/ { print $2 }' "/proc/$1/status" 2>/dev/null) || return 1
	[ -n "$state" ] && [ "$state" != Z ]
}

# daemon_log NAME: the file for one daemon's stderr ("wgx-<if>" for wg-xdp).
daemon_log() { echo "$_LOGDIR/$1.log"; }

# check_daemon_logs: fails, printing the report, if a wg-xdp log holds a
# sanitizer error (ASan builds: BUILD=build/asan). Also run on exit.
check_daemon_logs() {
	local f bad=0
	for f in "$_LOGDIR"/wgx-*.log; do
		[ -f "$f" ] || continue
		if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$f"; then
			echo "sanitizer report in $(basename "$f"):" >&2
			head -n 60 "$f" >&2
			bad=1
		fi
	done
	return $bad
}

# _pid_start PID: the process's start time in clock ticks (field 22 of stat).
_pid_start() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }	# the command name may hold spaces
	set -- $stat
	echo "${20}"
}

# track_pid PID: kill PID on exit, unless by then the pid names another process.
track_pid() {
	_PIDS+=("$1")
	_PID_START[$1]=$(_pid_start "$1" || echo gone)
}

# _ours PID: still the process we started (a pid may be reused once it exits).
_ours() {
	[ -z "${_PID_START[$1]:-}" ] || [ "$(_pid_start "$1" || echo gone)" = "${_PID_START[$1]}" ]
}

_cleanup() {
	local rc=$? pid ns f
	set +e
	for pid in "${_PIDS[@]}"; do _ours "$pid" && kill "$pid" 2>/dev/null; done
	for pid in "${_PIDS[@]}"; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do pid_alive "$pid" || break; sleep 0.1; done
		_ours "$pid" && kill -9 "$pid" 2>/dev/null
	done
	check_daemon_logs || { [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] || rc=1; }
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
		for f in "$_LOGDIR"/*.log; do
			[ -s "$f" ] && { echo "--- $(basename "$f") (last lines)"; tail -n 20 "$f"; } >&2
		done
	fi
	for ns in "${_NS[@]}"; do ip netns del "$ns" 2>/dev/null; done
	for f in "${_FILES[@]}"; do rm -rf "$f"; done
	exit $rc
}
trap _cleanup EXIT
trap 'exit 130' INT TERM

need_root() { [ "$(id -u)" -eq 0 ] || skip "needs root for network namespaces"; }

# ns_add NAME: a namespace with loopback up, deleted on exit.
ns_add() {
	ip netns add "$1"
	_NS+=("$1")
	ip -n "$1" link set lo up
}

# veth_pair NS1 IF1 NS2 IF2: a veth pair joining two namespaces, links up.
veth_pair() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3"
	ip -n "$1" link set "$2" up
	ip -n "$3" link set "$4" up
}

# bg_start CMD...: start in the background, remember the pid for cleanup.
bg_start() {
	"$@" &
	BG_PID=$!
	track_pid "$BG_PID"
}

# tmpfile: a new 0600 file in this test's private directory.
tmpfile() {
	local f
	f=$(mktemp -p "$_TMPDIR")
	chmod 600 "$f"
	echo "$f"
}

# wait_for TIMEOUT_S CMD...: poll until CMD succeeds.
wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@" 2>/dev/null; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.1
	done
}

# --- WireGuard peers -------------------------------------------------------
WGX=${WGX:-$BUILD/wg-xdp}

# two_hosts: namespaces $A and $B joined by veth, underlay 10.250.0.{1,2}/24
# and fd00:250::{1,2}/64; keys in $A_PRIV/$A_PUB and $B_PRIV/$B_PUB.
two_hosts() {
	A=wgxA-$TID B=wgxB-$TID IFA=wa$TID IFB=wb$TID
	ns_add "$A"
	ns_add "$B"
	veth_pair "$A" "va$TID" "$B" "vb$TID"
	ip -n "$A" addr add 10.250.0.1/24 dev "va$TID"
	ip -n "$B" addr add 10.250.0.2/24 dev "vb$TID"
	ip -n "$A" addr add fd00:250::1/64 dev "va$TID" nodad
	ip -n "$B" addr add fd00:250::2/64 dev "vb$TID" nodad
	A_PRIV=$(wg genkey) B_PRIV=$(wg genkey)
	A_PUB=$(echo "$A_PRIV" | wg pubkey) B_PUB=$(echo "$B_PRIV" | wg pubkey)
}

# Other implementations, installed by tools/peers.sh (not by Debian).
WGX_PEERS_DIR=${WGX_PEERS_DIR:-/var/cache/wg-xdp/peers}
WGGO_LATEST=${WGGO_LATEST:-$WGX_PEERS_DIR/bin/wireguard-go}
BORINGTUN=${BORINGTUN:-$WGX_PEERS_DIR/bin/boringtun-cli}

# need_peer FILE NAME: skips (77) unless FILE, tools/peers.sh's NAME, is there.
need_peer() {
	[ -x "$1" ] && return 0
	local why="run tools/peers.sh"
	[ -s "$WGX_PEERS_DIR/$2.reason" ] && why=$(head -n 1 "$WGX_PEERS_DIR/$2.reason")
	skip "$2 not installed: $why"
}

# start_wg IMPL NS IF: a WireGuard interface served by IMPL, foreground, pid kept in WG_PID.
# IMPL: wgx, wggo (Debian's wireguard-go), wggo_latest ($WGGO_LATEST), boringtun ($BORINGTUN).
# WGX_ENV="NAME=VALUE ..." passes environment to wg-xdp (e.g. WG_XDP_UNDER_LOAD=0).
start_wg() {
	local impl=$1 ns=$2 ifname=$3
	case "$impl" in
	# shellcheck disable=SC2086 # WGX_ENV is a list of NAME=VALUE words
	wgx) bg_start ip netns exec "$ns" env ${WGX_ENV:-} "$WGX" -f "$ifname" \
		2>>"$(daemon_log "wgx-$ifname")" ;;
	wggo) bg_start ip netns exec "$ns" env WG_PROCESS_FOREGROUND=1 wireguard-go -f "$ifname" \
		>/dev/null 2>>"$(daemon_log "wggo-$ifname")" ;;
	wggo_latest) bg_start ip netns exec "$ns" env WG_PROCESS_FOREGROUND=1 "$WGGO_LATEST" -f "$ifname" \
		>>"$(daemon_log "wggo_latest-$ifname")" 2>&1 ;;
	# As root, boringtun's privilege drop fails (nothing to drop to): --disable-drop-privileges.
	boringtun) bg_start ip netns exec "$ns" "$BORINGTUN" --foreground --disable-drop-privileges \
		"$ifname" >>"$(daemon_log "boringtun-$ifname")" 2>&1 ;;
	# The kernel module (only inside vmtest/'s VM): a link, no daemon, no socket.
	kernel)
		ip -n "$ns" link del "$ifname" 2>/dev/null || true
		ip -n "$ns" link add "$ifname" type wireguard || fail "kernel: no wireguard link"
		WG_PID=
		return 0 ;;
	*) fail "unknown implementation $impl" ;;
	esac
	WG_PID=$BG_PID
	_FILES+=("/var/run/wireguard/$ifname.sock")
	wait_for 10 test -S "/var/run/wireguard/$ifname.sock" || fail "$impl $ifname did not start"
	wait_for 5 ip -n "$ns" link show "$ifname" >/dev/null || fail "$impl: no link $ifname"
}

# wg_key_file KEY: a 0600 file holding KEY, for `wg set private-key`.
wg_key_file() {
	local f
	f=$(tmpfile)
	echo "$1" >"$f"
	echo "$f"
}

# tunnel_addrs NS IF N: inner addresses 10.99.0.N/24 and fd99::N/64, link up.
tunnel_addrs() {
	ip -n "$1" addr add "10.99.0.$3/24" dev "$2"
	ip -n "$1" addr add "fd99::$3/64" dev "$2" nodad
	ip -n "$1" link set "$2" up
}

# ping_ok NS DST [COUNT]: succeeds when at least one reply comes back.
ping_ok() {
	ip netns exec "$1" ping -c "${3:-3}" -i 0.2 -W 2 -q "$2" >/dev/null
}
