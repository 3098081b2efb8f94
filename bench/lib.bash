# SPDX-License-Identifier: GPL-2.0
# Helpers for bench/run.sh. Sources tests/netns/lib/common.bash, which sets
# `set -euo pipefail` and installs the EXIT trap that kills every process
# started with bg_start (by pid) and deletes every namespace made with ns_add.
#
# Each implementation under test gets its own pair of namespaces joined by
# veth, both tunnel ends served by that implementation:
#
#   ns wgbN-<tid>-c (client side)                   ns wgbN-<tid>-s (server side)
#   <impl> bwNc<tid> 10.99.0.1/24 fd99::1/64         <impl> bwNs<tid> 10.99.0.2/24 fd99::2/64
#   bvNc<tid> 10.250.0.1/24                  <->    bvNs<tid> 10.250.0.2/24
#
# The "veth" pseudo-implementation has no tunnel: it is measured over the
# underlay addresses, for context.

source "$(dirname "${BASH_SOURCE[0]}")/../tests/netns/lib/common.bash"

BENCH_DIR=${BENCH_DIR:-$BUILD/bench}
BENCH_LOGS=$BENCH_DIR/logs	# daemon logs, iperf3/ping stderr
BENCH_RUNS_DIR=$BENCH_DIR/runs	# every iperf3 JSON and ping output, kept for inspection
BENCH_TMP=""			# keys; removed on exit

# bench_dirs_init: fresh output directories (call once, in the main shell).
bench_dirs_init() {
	rm -rf "$BENCH_LOGS" "$BENCH_RUNS_DIR"
	mkdir -p "$BENCH_LOGS" "$BENCH_RUNS_DIR"
	BENCH_TMP=$(mktemp -d)
	_FILES+=("$BENCH_TMP")
}

# --- implementation registry ------------------------------------------------
# An implementation NAME provides three functions:
#   impl_NAME_label          prints its column title
#   impl_NAME_check          succeeds when it can run here, else prints why
#   impl_NAME_start NS IF LOG  serves WireGuard interface IF in namespace NS: starts
#                            the daemon with bg_start_logged LOG (BG_PID is its pid)
#                            and returns once its UAPI socket and link exist
# To add one (latest wireguard-go, boringtun, wg-xdp accelerated), define
# these three functions and name it in BENCH_IMPLS.

impl_wgx_portable_label() { echo "wg-xdp portable"; }
impl_wgx_portable_check() {
	[ -x "$WGX" ] || { echo "no $WGX (run make)"; return 1; }
}
impl_wgx_portable_start() {
	local args=(-f)
	# Portable is the only mode today; ask for it once the daemon knows the flag.
	if "$WGX" daemon --help 2>&1 | grep -q -- --portable; then
		args+=(--portable)
	fi
	bg_start_logged "$3" ip netns exec "$1" "$WGX" "${args[@]}" "$2"
	wait_for_wg_socket "$1" "$2"
}

impl_wggo_debian_label() { echo "wireguard-go (Debian)"; }
impl_wggo_debian_check() {
	command -v wireguard-go >/dev/null || { echo "wireguard-go is not installed"; return 1; }
}
impl_wggo_debian_start() {
	bg_start_logged "$3" ip netns exec "$1" env WG_PROCESS_FOREGROUND=1 \
		"$(command -v wireguard-go)" -f "$2"
	wait_for_wg_socket "$1" "$2"
}

impl_wggo_latest_label() { echo "wireguard-go (latest)"; }
impl_wggo_latest_check() {
	[ -x "$WGGO_LATEST" ] || { echo "no $WGGO_LATEST (tools/peers.sh)"; return 1; }
}
impl_wggo_latest_start() {
	bg_start_logged "$3" ip netns exec "$1" env WG_PROCESS_FOREGROUND=1 "$WGGO_LATEST" -f "$2"
	wait_for_wg_socket "$1" "$2"
}

impl_boringtun_label() { echo "boringtun"; }
impl_boringtun_check() {
	[ -x "$BORINGTUN" ] || { echo "no $BORINGTUN (tools/peers.sh)"; return 1; }
}
impl_boringtun_start() {
	bg_start_logged "$3" ip netns exec "$1" "$BORINGTUN" --foreground \
		--disable-drop-privileges "$2"
	wait_for_wg_socket "$1" "$2"
}

impl_veth_label() { echo "plain veth (no tunnel)"; }
impl_veth_check() { true; }
# No start function: bench_setup knows veth has no tunnel.

impl_label() { "impl_$1_label"; }
impl_exists() { declare -F "impl_$1_label" >/dev/null; }
impl_has_tunnel() { [ "$1" != veth ]; }

# --- processes ----------------------------------------------------------------

# bg_start_logged LOG CMD...: bg_start with stdout and stderr appended to file LOG.
bg_start_logged() {
	local logfile=$1
	shift
	bg_start "$@" >>"$logfile" 2>&1
}

# bg_forget PID: drop a reaped pid from the cleanup list (pid_max is small here:
# a reused pid must never be killed by the exit trap).
bg_forget() {
	local p keep=()
	for p in "${_PIDS[@]}"; do
		[ "$p" = "$1" ] || keep+=("$p")
	done
	_PIDS=("${keep[@]}")
}

# run_bounded LIMIT_S OUT CMD...: run CMD in the background (so the exit trap can
# kill it), stdout to OUT, stderr appended to $BENCH_LOGS/commands.log; kill it
# after LIMIT_S seconds. Returns CMD's status (124 on timeout).
run_bounded() {
	local limit=$1 out=$2 rc=0
	shift 2
	echo "+ $*" >>"$BENCH_LOGS/commands.log"
	bg_start timeout --kill-after=5 "$limit" "$@" >"$out" 2>>"$BENCH_LOGS/commands.log"
	wait "$BG_PID" || rc=$?
	bg_forget "$BG_PID"
	return $rc
}

# reap_bounded PID LIMIT_S: wait for a background process to end, at most LIMIT_S
# seconds (then kill it), and forget it.
reap_bounded() {
	local pid=$1 deadline=$((SECONDS + $2))
	while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt "$deadline" ]; do sleep 0.1; done
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	bg_forget "$pid"
}

wait_for_wg_socket() {
	_FILES+=("/var/run/wireguard/$2.sock")
	wait_for 10 test -S "/var/run/wireguard/$2.sock" || fail "$2: no UAPI socket after 10 s"
	wait_for 5 ip -n "$1" link show "$2" >/dev/null || fail "$2: no link after 5 s"
}

# --- topology -------------------------------------------------------------------
# After bench_setup IMPL N: NS_C[IMPL], NS_S[IMPL] (client and server namespaces),
# DST[IMPL] (server address the client measures against), DAEMONS[IMPL] (daemon
# pids, for CPU accounting and liveness), WGIF[IMPL] (client-side interface).
declare -A NS_C NS_S DST DAEMONS WGIF

bench_setup() {
	local impl=$1 n=$2 nc ns ifc ifs pubc pubs pids=""
	nc=wgb$n-$TID-c ns=wgb$n-$TID-s
	ns_add "$nc"
	ns_add "$ns"
	veth_pair "$nc" "bv${n}c$TID" "$ns" "bv${n}s$TID"
	ip -n "$nc" addr add 10.250.0.1/24 dev "bv${n}c$TID"
	ip -n "$ns" addr add 10.250.0.2/24 dev "bv${n}s$TID"
	NS_C[$impl]=$nc NS_S[$impl]=$ns
	if ! impl_has_tunnel "$impl"; then
		DST[$impl]=10.250.0.2 DAEMONS[$impl]="" WGIF[$impl]=""
		return 0
	fi
	ifc=bw${n}c$TID ifs=bw${n}s$TID
	"impl_${impl}_start" "$nc" "$ifc" "$BENCH_LOGS/$impl-client.log"
	pids+="$BG_PID "
	"impl_${impl}_start" "$ns" "$ifs" "$BENCH_LOGS/$impl-server.log"
	pids+="$BG_PID"
	# Keys in files of our own temporary directory (mode 0700, removed on exit).
	(umask 077 && wg genkey >"$BENCH_TMP/$ifc.key" && wg genkey >"$BENCH_TMP/$ifs.key")
	pubc=$(wg pubkey <"$BENCH_TMP/$ifc.key") pubs=$(wg pubkey <"$BENCH_TMP/$ifs.key")
	ip netns exec "$nc" wg set "$ifc" private-key "$BENCH_TMP/$ifc.key" listen-port 51820 \
		peer "$pubs" endpoint 10.250.0.2:51821 allowed-ips 10.99.0.2/32,fd99::2/128
	ip netns exec "$ns" wg set "$ifs" private-key "$BENCH_TMP/$ifs.key" listen-port 51821 \
		peer "$pubc" endpoint 10.250.0.1:51820 allowed-ips 10.99.0.1/32,fd99::1/128
	tunnel_addrs "$nc" "$ifc" 1
	tunnel_addrs "$ns" "$ifs" 2
	DST[$impl]=10.99.0.2 DAEMONS[$impl]=$pids WGIF[$impl]=$ifc
	ping_ok "$nc" 10.99.0.2 3 || fail "$(impl_label "$impl"): no ping through the fresh tunnel"
}

# daemons_alive IMPL: every daemon of IMPL still runs.
daemons_alive() {
	local pid
	for pid in ${DAEMONS[$1]}; do
		kill -0 "$pid" 2>/dev/null || return 1
	done
}

# --- CPU accounting ---------------------------------------------------------------
# cpu_snapshot PIDS...: prints "total idle iowait user nice system irq softirq steal"
# jiffies from /proc/stat, then utime+stime of each pid (all its threads).
cpu_snapshot() {
	local pid
	awk '/^cpu /{t=0; for(i=2;i<=NF;i++) t+=$i; print t, $5, $6, $2, $3, $4, $7, $8, $9; exit}' /proc/stat
	for pid in "$@"; do
		# Fields after the ")" of comm: utime is the 12th, stime the 13th.
		sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{print $12 + $13}' || echo 0
	done
}

# cpu_report BEFORE AFTER OURS NAMES...: one line of percentages (of one CPU) between two
# snapshots: whole machine busy/user/system/softirq/steal, each named pid, and "others":
# busy time that is neither softirq nor ours (the pids plus OURS, a percentage measured
# elsewhere, e.g. iperf3's own accounting), i.e. other tenants of this shared machine.
cpu_report() {
	local before=$1 after=$2 ours=$3 ncpu
	shift 3
	ncpu=$(nproc)
	paste -d' ' "$before" "$after" | awk -v ncpu="$ncpu" -v ours="$ours" -v names="$*" '
		function pct(j) { return 100 * j / dt * ncpu }
		NR == 1 {
			# before: $1..$9, after: $10..$18 (total idle iowait user nice system irq softirq steal)
			dt = $10 - $1
			if (dt <= 0) dt = 1
			busy = pct(dt - ($11 - $2) - ($12 - $3))
			softirq = pct($17 - $8)
			s = sprintf("machine busy %.0f%% of %d%% (user %.0f%%, system %.0f%%, softirq %.0f%%, steal %.0f%%)",
				busy, 100 * ncpu, pct($13 - $4 + $14 - $5), pct($15 - $6 + $16 - $7), softirq,
				pct($18 - $9))
			n = split(names, nm, " ")
			next
		}
		{ proc[NR - 1] = pct($2 - $1) }
		END {
			mine = ours
			for (i = 1; i <= n; i++) {
				s = s sprintf("; %s %.0f%%", nm[i], proc[i])
				mine += proc[i]
			}
			others = busy - softirq - mine
			printf "%s; others ≈ %.0f%%\n", s, others < 0 ? 0 : others
		}'
}

# --- statistics -------------------------------------------------------------------
# stats VALUES...: prints "median min max" (median of an even count: mean of the middle two).
stats() {
	printf '%s\n' "$@" | sort -g | awk '
		NF { v[++n] = $1 }
		END {
			if (n == 0) { print "NA NA NA"; exit }
			m = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
			print m, v[1], v[n]
		}'
}

# --- where packets are lost ----------------------------------------------------
# udp_socket_drops NS PORT: the drops counters of NS's UDP sockets bound to PORT, summed.
udp_socket_drops() {
	local hex
	hex=$(printf '%04X' "$2")
	ip netns exec "$1" cat /proc/net/udp /proc/net/udp6 |
		awk -v p=":$hex" '$2 ~ p "$" { d += $NF } END { print d + 0 }'
}

# udp_rcvbuf_errors NS: Udp RcvbufErrors of namespace NS (every UDP socket in it).
udp_rcvbuf_errors() {
	ip netns exec "$1" cat /proc/net/snmp | awk '
		/^Udp:/ && !h { for (i = 2; i <= NF; i++) if ($i == "RcvbufErrors") c = i; h = 1; next }
		/^Udp:/ { print $c + 0 }'
}

# link_dropped NS IF tx|rx: the link's dropped counter in that direction.
link_dropped() {
	ip -n "$1" -s -j link show "$2" | jq ".[0].stats64.$3.dropped"
}

# softnet_dropped: packets dropped because a CPU's input backlog was full (whole machine).
softnet_dropped() {
	local total=0 processed dropped _
	while read -r processed dropped _; do
		total=$((total + 16#$dropped))
	done </proc/net/softnet_stat
	echo "$total"
}

# drop_snapshot IMPL: "client-tun-tx server-underlay-socket server-udp-rcvbuf server-tun-rx softnet".
drop_snapshot() {
	local impl=$1 c=${NS_C[$1]} s=${NS_S[$1]} ifs
	if impl_has_tunnel "$impl"; then
		ifs=${WGIF[$impl]%c$TID}s$TID
		echo "$(link_dropped "$c" "${WGIF[$impl]}" tx) $(udp_socket_drops "$s" 51821)" \
			"$(udp_rcvbuf_errors "$s") $(link_dropped "$s" "$ifs" rx) $(softnet_dropped)"
	else
		echo "0 0 $(udp_rcvbuf_errors "$s") 0 $(softnet_dropped)"
	fi
}

# inner_rcvbuf_drops BEFORE AFTER: datagrams the tunnel delivered to the server's stack
# that the receiving application's socket had no room for (from two drop_snapshot lines).
inner_rcvbuf_drops() {
	printf '%s %s\n' "$1" "$2" | awk '{ print ($8 - $3) - ($7 - $2) }'
}

# drop_report BEFORE AFTER: where the lost datagrams went, from two drop_snapshot lines.
drop_report() {
	printf '%s %s\n' "$1" "$2" | awk '{
		sock = $7 - $2
		printf "drops: client tunnel device tx %d, server underlay socket %d, " \
			"server inner UDP receive buffers %d, server tunnel device rx %d, " \
			"input backlog (machine-wide) %d\n", $6 - $1, sock, ($8 - $3) - sock, $9 - $4, $10 - $5
	}'
}
