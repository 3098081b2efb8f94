# SPDX-License-Identifier: GPL-2.0
# Helpers for namespace tests. Source it; it installs an EXIT trap that kills
# every process started with bg_start (by pid) and deletes every namespace
# made with ns_add, whatever way the test ends.

set -euo pipefail
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
TID=$(printf '%04x' $(($$ % 65536)))	# keeps names unique and short (IFNAMSIZ)
_NS=()
_PIDS=()
_FILES=()

log() { printf '[%s] %s\n' "$(date +%T)" "$*"; }
skip() { echo "$*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }

_cleanup() {
	local rc=$? pid ns
	set +e
	for pid in "${_PIDS[@]}"; do kill "$pid" 2>/dev/null; done
	for pid in "${_PIDS[@]}"; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$pid" 2>/dev/null
	done
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
	_PIDS+=($!)
	BG_PID=$!
}

tmpfile() {
	local f
	f=$(mktemp)
	chmod 600 "$f"
	_FILES+=("$f")
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
