#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench: TCP throughput, ping RTT and 64-byte UDP packets per second
# through each implementation in BENCH_IMPLS, all in the same run, measurements
# interleaved (A, B, A, B, ...) so machine noise spreads over all of them.
# Prints a Markdown table with ratios against BENCH_REF and writes it to
# BENCH_OUT. Needs root, iperf3, jq, ping, wg.
#
# Environment:
#   BENCH_SECONDS  length of each iperf3 test (default 10)
#   BENCH_RUNS     repetitions of each measurement (default 3)
#   BENCH_PINGS    pings per RTT measurement (default 100, 10 ms apart)
#   BENCH_IMPLS    implementations, in order (default "wgx_portable wggo_debian wggo_latest boringtun veth";
#                  peers not installed are left out with a note)
#   BENCH_REF      the implementation ratios are taken against (default wggo_debian)
#   BENCH_OUT      where the report goes (default docs/benchmarks.md; left alone if
#                  any measurement failed: then build/bench/benchmarks-failed.md)
#   BENCH_NOISY_PCT  a test counts as noisy when other processes used more than this
#                  % of a CPU during it (default 30)
# Also in build/bench/: raw.tsv, cpu.tsv, report.md, runs/ (every iperf3 JSON and
# ping output), logs/ (daemons' output, iperf3/ping stderr).
source "$(dirname "$0")/lib.bash"

BENCH_SECONDS=${BENCH_SECONDS:-10}
BENCH_RUNS=${BENCH_RUNS:-3}
BENCH_PINGS=${BENCH_PINGS:-100}
BENCH_IMPLS=${BENCH_IMPLS:-wgx_portable wggo_debian wggo_latest boringtun veth}
BENCH_REF=${BENCH_REF:-wggo_debian}
BENCH_OUT=${BENCH_OUT:-$TOP/docs/benchmarks.md}
PORT=5201
UDP_LEN=64

# Each test runs once per implementation per run and yields one or more metrics.
TESTS=(tcp tcp_rev ping udp)
METRICS=(tcp tcp_rev rtt_avg rtt_mdev udp_rx udp_out udp_tx udp_loss)
declare -A M_TITLE=(
	[tcp]="TCP throughput, client → server (Gbit/s)"
	[tcp_rev]="TCP throughput, server → client, iperf3 -R (Gbit/s)"
	[rtt_avg]="ping RTT avg (ms)"
	[rtt_mdev]="ping RTT mdev (ms)"
	[udp_rx]="UDP 64 B payload: delivered to iperf3 (kpps)"
	[udp_out]="UDP 64 B payload: out of the tunnel, incl. receiver socket overflow (kpps)"
	[udp_tx]="UDP 64 B payload: offered by iperf3 (kpps)"
	[udp_loss]="UDP 64 B payload: loss (%)"
)
# higher / lower: which way is better (shown next to the ratio); "" for context rows.
declare -A M_BETTER=(
	[tcp]=higher [tcp_rev]=higher [rtt_avg]=lower [rtt_mdev]=lower
	[udp_rx]=higher [udp_out]=higher [udp_tx]="" [udp_loss]=""
)
declare -A M_DIGITS=(
	[tcp]=2 [tcp_rev]=2 [rtt_avg]=3 [rtt_mdev]=3 [udp_rx]=0 [udp_out]=0 [udp_tx]=0 [udp_loss]=1
)

WGX_INFO=""	# which wg-xdp binary ran
NOISE=()	# per measured iperf3 test: % of a CPU used by others (other tenants)
NOISY_PCT=${BENCH_NOISY_PCT:-30}	# a test is "noisy" above this
IDLE_CPU=""	# CPU use with every tunnel up and nothing measured
RAW=""		# run<TAB>metric<TAB>impl<TAB>value, one line per measured value
CPU_LOG=""	# run<TAB>test<TAB>impl<TAB>cpu line
FAILURES=()	# human-readable, one per failed measurement
declare -A BROKEN	# impl -> reason its daemons died; its later tests are skipped

# --- commands (also printed verbatim in the report) --------------------------------
server_cmd() { echo "iperf3 -s -1 -B $1 -p $PORT"; }
tcp_cmd() { echo "iperf3 -c $1 -p $PORT -t $BENCH_SECONDS -J${2:+ $2}"; }
udp_cmd() { echo "iperf3 -c $1 -p $PORT -t $BENCH_SECONDS -u -b 0 -l $UDP_LEN -J"; }
ping_cmd() { echo "ping -c $BENCH_PINGS -i 0.01 -W 1 -q $1"; }

record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$RAW"; }

# note_failure IMPL TEST RUN WHAT: remember a failed measurement, with the daemons' state.
note_failure() {
	local impl=$1 test=$2 run=$3 what=$4 msg
	msg="run $run, $test, $(impl_label "$impl"): $what"
	if impl_has_tunnel "$impl" && ! daemons_alive "$impl"; then
		BROKEN[$impl]=$(dead_daemons "$impl")
		msg+="; ${BROKEN[$impl]}"
	fi
	FAILURES+=("$msg")
	log "FAILED: $msg"
}

# dead_daemons IMPL: which of IMPL's daemons exited, how, and their last log lines.
dead_daemons() {
	local impl=$1 pid side rc sides=(client server) i=0 out=""
	for pid in ${DAEMONS[$impl]}; do
		side=${sides[$i]}
		i=$((i + 1))
		kill -0 "$pid" 2>/dev/null && continue
		rc=0
		wait "$pid" 2>/dev/null || rc=$?
		bg_forget "$pid"
		out+="the $side daemon (pid $pid) exited with status $rc"
		[ "$rc" -gt 128 ] && out+=" (signal $(kill -l $((rc - 128)) 2>/dev/null || echo $((rc - 128))))"
		if [ -s "$BENCH_LOGS/$impl-$side.log" ]; then
			out+="; last lines of $BENCH_LOGS/$impl-$side.log: "
			out+=$(tail -n 5 "$BENCH_LOGS/$impl-$side.log" | tr '\n' '|')
		else
			out+="; its log $BENCH_LOGS/$impl-$side.log is empty"
		fi
		out+=". "
	done
	echo "$out"
}

# iperf_server_start IMPL: a one-off iperf3 server in the server namespace.
iperf_server_start() {
	local ns=${NS_S[$1]}
	# shellcheck disable=SC2046
	bg_start timeout --kill-after=5 $((BENCH_SECONDS + 30)) ip netns exec "$ns" \
		$(server_cmd "${DST[$1]}") >/dev/null 2>>"$BENCH_LOGS/commands.log"
	SERVER_PID=$BG_PID
	wait_for 5 port_listening "$ns" || { reap_bounded "$SERVER_PID" 1; return 1; }
}

port_listening() {
	ip netns exec "$1" ss -Hltn "sport = :$PORT" | grep -q .
}

# iperf_run IMPL OUT ARGS...: one iperf3 client run against a fresh server.
iperf_run() {
	local impl=$1 out=$2 rc=0
	shift 2
	iperf_server_start "$impl" || return 1
	run_bounded $((BENCH_SECONDS + 20)) "$out" ip netns exec "${NS_C[$impl]}" "$@" || rc=$?
	reap_bounded "$SERVER_PID" 5
	[ $rc -eq 0 ] && jq -e '.error == null' "$out" >/dev/null
}

iperf_error() {
	jq -r '.error // "no error in the JSON"' "$1" 2>/dev/null || echo "no JSON output (see $1)"
}

# measured_cpu IMPL RUN TEST BEFORE AFTER JSON EXTRA: log where the CPU went (and EXTRA).
measured_cpu() {
	local impl=$1 run=$2 test=$3 before=$4 after=$5 json=$6 extra=$7 names="" line iperf ours
	impl_has_tunnel "$impl" && names="daemon-client daemon-server"
	ours=$(jq '.end.cpu_utilization_percent | .host_total + .remote_total' "$json")
	# shellcheck disable=SC2086
	line=$(cpu_report "$before" "$after" "$ours" $names)
	iperf=$(jq -r '.end.cpu_utilization_percent |
		"iperf3 client \(.host_total | round)%, server \(.remote_total | round)% (own accounting)"' "$json")
	printf '%s\t%s\t%s\t%s; %s. %s\n' "$run" "$test" "$impl" "$line" "$iperf" "$extra" >>"$CPU_LOG"
	NOISE+=("$(sed -n 's/.*others ≈ \([0-9]*\)%.*/\1/p' <<<"$line")")
}

# measure_idle: CPU use over 3 s with every tunnel up and no test running: the
# daemons' idle cost and whatever else this shared machine is doing.
measure_idle() {
	local impl pids="" names="" before=$BENCH_TMP/cpu-before after=$BENCH_TMP/cpu-after
	for impl in $(tunnel_impls); do
		pids+=" ${DAEMONS[$impl]}"
		names+=" $impl-client $impl-server"
	done
	# shellcheck disable=SC2086
	cpu_snapshot $pids >"$before"
	sleep 3
	# shellcheck disable=SC2086
	cpu_snapshot $pids >"$after"
	# shellcheck disable=SC2086
	IDLE_CPU=$(cpu_report "$before" "$after" 0 $names)
	log "idle: $IDLE_CPU"
}

measure_tcp() {
	local impl=$1 run=$2 test=$3 out before after gbps flag=""
	[ "$test" = tcp_rev ] && flag=-R
	out=$BENCH_RUNS_DIR/$run-$test-$impl.json
	before=$BENCH_TMP/cpu-before after=$BENCH_TMP/cpu-after
	# shellcheck disable=SC2086
	cpu_snapshot ${DAEMONS[$impl]} >"$before"
	# shellcheck disable=SC2046
	if ! iperf_run "$impl" "$out" $(tcp_cmd "${DST[$impl]}" "$flag"); then
		note_failure "$impl" "$test" "$run" "iperf3 failed: $(iperf_error "$out")"
		return 0
	fi
	# shellcheck disable=SC2086
	cpu_snapshot ${DAEMONS[$impl]} >"$after"
	gbps=$(jq '.end.sum_received.bits_per_second / 1e9' "$out")
	record "$run" "$test" "$impl" "$gbps"
	measured_cpu "$impl" "$run" "$test" "$before" "$after" "$out" \
		"TCP retransmits $(jq '.end.sum_sent.retransmits // 0' "$out")"
	log "  $(impl_label "$impl"): $(printf '%.2f' "$gbps") Gbit/s"
}

measure_udp() {
	local impl=$1 run=$2 test=$3 out before after secs sent lost drops_before drops_after inner
	out=$BENCH_RUNS_DIR/$run-$test-$impl.json
	before=$BENCH_TMP/cpu-before after=$BENCH_TMP/cpu-after
	drops_before=$(drop_snapshot "$impl")
	# shellcheck disable=SC2086
	cpu_snapshot ${DAEMONS[$impl]} >"$before"
	# shellcheck disable=SC2046
	if ! iperf_run "$impl" "$out" $(udp_cmd "${DST[$impl]}"); then
		note_failure "$impl" "$test" "$run" "iperf3 -u failed: $(iperf_error "$out")"
		return 0
	fi
	# shellcheck disable=SC2086
	cpu_snapshot ${DAEMONS[$impl]} >"$after"
	drops_after=$(drop_snapshot "$impl")
	inner=$(inner_rcvbuf_drops "$drops_before" "$drops_after")
	read -r secs sent lost < <(jq -r '.end.sum_sent.seconds, .end.sum_received.packets,
		.end.sum_received.lost_packets' "$out" | paste -sd' ')
	record "$run" udp_tx "$impl" "$(awk -v n="$sent" -v s="$secs" 'BEGIN{print n / s / 1000}')"
	record "$run" udp_rx "$impl" "$(awk -v n="$sent" -v l="$lost" -v s="$secs" 'BEGIN{print (n - l) / s / 1000}')"
	record "$run" udp_out "$impl" "$(awk -v n="$sent" -v l="$lost" -v i="$inner" -v s="$secs" 'BEGIN{print (n - l + i) / s / 1000}')"
	record "$run" udp_loss "$impl" "$(awk -v n="$sent" -v l="$lost" 'BEGIN{print n ? 100 * l / n : 0}')"
	measured_cpu "$impl" "$run" "$test" "$before" "$after" "$out" \
		"lost $lost of $sent; $(drop_report "$drops_before" "$drops_after")"
	log "  $(impl_label "$impl"): sent $sent, lost $lost in ${secs}s"
}

measure_ping() {
	local impl=$1 run=$2 test=$3 out avg mdev
	out=$BENCH_RUNS_DIR/$run-$test-$impl.txt
	# shellcheck disable=SC2046
	if ! run_bounded $((BENCH_PINGS / 10 + 30)) "$out" ip netns exec "${NS_C[$impl]}" \
		$(ping_cmd "${DST[$impl]}"); then
		note_failure "$impl" "$test" "$run" "ping failed: $(tail -n 2 "$out" | tr '\n' ' ')"
		return 0
	fi
	# rtt min/avg/max/mdev = 0.041/0.052/0.097/0.010 ms
	read -r avg mdev < <(awk -F'[/ ]+' '/^rtt /{print $8, $10}' "$out")
	record "$run" rtt_avg "$impl" "$avg"
	record "$run" rtt_mdev "$impl" "$mdev"
	log "  $(impl_label "$impl"): avg $avg ms, mdev $mdev ms ($(grep -o '[0-9.]*% packet loss' "$out"))"
}

run_test() {
	local test=$1 impl=$2 run=$3
	if [ -n "${BROKEN[$impl]:-}" ]; then
		FAILURES+=("run $run, $test, $(impl_label "$impl"): skipped (daemon gone, see above)")
		return 0
	fi
	if impl_has_tunnel "$impl" && ! daemons_alive "$impl"; then
		note_failure "$impl" "$test" "$run" "daemon gone before the test"
		return 0
	fi
	case $test in
	tcp | tcp_rev) measure_tcp "$impl" "$run" "$test" ;;
	udp) measure_udp "$impl" "$run" "$test" ;;
	ping) measure_ping "$impl" "$run" "$test" ;;
	esac
}

# noise_summary: how many iperf3 tests shared the machine with a busy neighbour.
noise_summary() {
	local n=0 v
	for v in "${NOISE[@]}"; do
		[ -n "$v" ] && [ "$v" -gt "$NOISY_PCT" ] && n=$((n + 1))
	done
	if [ "$n" -eq 0 ]; then
		echo "no iperf3 test saw more than $NOISY_PCT% of a CPU used by other processes"
	else
		echo "**$n of ${#NOISE[@]} iperf3 tests saw more than $NOISY_PCT% of a CPU used by other processes** (\"others\" below): their numbers are low; the ranges show it"
	fi
}

# snapshot_wgx: run a private copy of the binary, so a rebuild during the run
# (make in another shell) cannot mix two versions in one report.
snapshot_wgx() {
	local commit dirty=""
	commit=$(git -C "$TOP" rev-parse --short HEAD 2>/dev/null || echo unknown)
	[ -z "$(git -C "$TOP" status --porcelain -- user include bpf Makefile 2>/dev/null)" ] ||
		dirty=" plus uncommitted changes in user/, include/, bpf/ or Makefile"
	WGX_INFO="commit $commit$dirty; binary \`${WGX#"$TOP"/}\` built $(date -u -r "$WGX" '+%Y-%m-%d %H:%M:%S UTC'),"
	WGX_INFO+=" sha256 $(sha256sum "$WGX" | cut -c1-12) (copied at the start of the run)"
	cp "$WGX" "$BENCH_TMP/wg-xdp"
	WGX=$BENCH_TMP/wg-xdp
}

# --- report ---------------------------------------------------------------------------
values_of() { awk -F'\t' -v m="$1" -v i="$2" '$2 == m && $3 == i {print $4}' "$RAW"; }

# fmt DIGITS VALUE
fmt() { [ "$2" = NA ] && echo "—" || printf "%.${1}f" "$2"; }

tunnel_impls() {
	local impl
	for impl in $BENCH_IMPLS; do impl_has_tunnel "$impl" && echo "$impl"; done
	true
}

# Implementations compared against BENCH_REF (tunnels only; the reference itself excluded).
ratio_impls() {
	local impl
	for impl in $(tunnel_impls); do [ "$impl" != "$BENCH_REF" ] && echo "$impl"; done
	true
}

print_table() {
	local metric impl d med lo hi line refmed header sep
	declare -A MED
	header="| metric |" sep="|---|"
	for impl in $BENCH_IMPLS; do header+=" $(impl_label "$impl") median (min–max) |"; sep+="---|"; done
	for impl in $(ratio_impls); do
		header+=" ratio $(impl_label "$impl") / $(impl_label "$BENCH_REF") |"
		sep+="---|"
	done
	echo "$header"
	echo "$sep"
	for metric in "${METRICS[@]}"; do
		d=${M_DIGITS[$metric]}
		line="| ${M_TITLE[$metric]} |"
		for impl in $BENCH_IMPLS; do
			# shellcheck disable=SC2046
			read -r med lo hi < <(stats $(values_of "$metric" "$impl"))
			MED[$impl]=$med
			if [ "$med" = NA ]; then line+=" — |"
			else line+=" $(fmt "$d" "$med") ($(fmt "$d" "$lo")–$(fmt "$d" "$hi")) |"; fi
		done
		refmed=${MED[$BENCH_REF]:-NA}
		for impl in $(ratio_impls); do
			line+=" $(ratio_cell "${MED[$impl]}" "$refmed" "${M_BETTER[$metric]}") |"
		done
		echo "$line"
	done
}

# ratio_cell VALUE REF BETTER
ratio_cell() {
	if [ "$1" = NA ] || [ "$2" = NA ] || [ -z "$3" ]; then echo "—"; return; fi
	awk -v a="$1" -v b="$2" -v better="$3" 'BEGIN {
		if (b == 0) { print "—"; exit }
		printf "%.2f× (%s is better)\n", a / b, better
	}'
}

# cpu_lines RUN: the CPU (and drops) line of every test of that run.
cpu_lines() {
	awk -F'\t' -v r="$1" '$1 == r {print}' "$CPU_LOG" | while IFS=$'\t' read -r run test impl line; do
		echo "- run $run, $test, $(impl_label "$impl"): $line"
	done
}

print_cpu_section() {
	local run=$BENCH_RUNS
	echo "CPU use during the last run's tests, in % of one CPU (this machine has $(nproc));"
	echo "machine-wide figures from /proc/stat deltas, daemons from /proc/<pid>/stat,"
	echo "iperf3 from its own JSON accounting. \"machine busy\" counts everything on the"
	echo "machine; \"others\" is busy time minus softirq minus the test's own processes: other"
	echo "tenants of this shared machine, i.e. noise. Before the first test, with every tunnel"
	echo "up and nothing measured, 3 s looked like this:"
	echo
	echo "- idle: $IDLE_CPU"
	echo
	echo "Then, per test (UDP drops: counter deltas; \"server inner UDP receive buffers\" is"
	echo "the server namespace's Udp RcvbufErrors minus the underlay socket's own drops):"
	echo
	cpu_lines "$run"
	echo
	echo "The other runs are under \"Raw numbers\" below."
}

print_raw() {
	local impl metric vals
	echo "| metric | implementation | run 1..$BENCH_RUNS |"
	echo "|---|---|---|"
	for metric in "${METRICS[@]}"; do
		for impl in $BENCH_IMPLS; do
			vals=$(values_of "$metric" "$impl" | awk -v d="${M_DIGITS[$metric]}" '{f = "%s%." d "f"; printf(f, (NR > 1 ? ", " : ""), $1)}')
			echo "| ${M_TITLE[$metric]} | $(impl_label "$impl") | ${vals:-—} |"
		done
	done
}

mtu_of() {
	if impl_has_tunnel "$1"; then
		ip -n "${NS_C[$1]}" -o link show "${WGIF[$1]}" | grep -o 'mtu [0-9]*'
	else
		ip -n "${NS_C[$1]}" -o link show "bv${IMPL_INDEX[$1]}c$TID" | grep -o 'mtu [0-9]*'
	fi
}

write_report() {
	local impl
	cat <<EOF
# Benchmarks

Written by \`make bench\` (\`bench/run.sh\`) on $(date -u '+%Y-%m-%d %H:%M UTC'). Do not edit by hand:
run \`make bench\` again.

- kernel: $(uname -r); CPU: $(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo), $(nproc) vCPUs (shared, noisy machine)
- wg-xdp: $WGX_INFO
- wireguard-go: $(wireguard-go --version 2>/dev/null | head -1 || echo "not installed"); $(iperf3 --version | head -1)
- $BENCH_RUNS runs of each measurement, interleaved across implementations; iperf3 tests $BENCH_SECONDS s
- noise: $(noise_summary)
- MTU: $(for impl in $BENCH_IMPLS; do printf '%s: %s\n' "$(impl_label "$impl")" "$(mtu_of "$impl" | cut -d' ' -f2)"; done | paste -sd';' | sed 's/;/; /g')

$(print_table)

## How to read

Each cell is the median over $BENCH_RUNS run(s) with the smallest and largest run in brackets.
Every implementation was measured in the same run of \`make bench\`, one measurement after the
other (A, B, A, B, ...), so a slow moment of this shared machine hits all of them; compare
ratios, not absolute numbers across machines or days. A ratio above 1 means the first-named
implementation has more of the metric: better for throughput and delivered packets,
**worse for RTT (lower is better)**. "Offered" is what the iperf3 sender pushed into the
tunnel, "delivered" what its receiver got; offered and loss have no ratio because they
describe the load, not the tunnel's quality. All processes (iperf3 sender and receiver, both
tunnel ends) share the same $(nproc) CPUs, so a flood sender takes CPU from the daemons; if
"delivered" comes close to "offered", the sender is the limit and the ratio understates the
faster tunnel. "Out of the tunnel" adds to "delivered" the datagrams that reached the
receiving namespace's stack but found iperf3's socket buffer full (a starved receiver, not a
tunnel loss): it is the tunnel's own output rate. The plain veth column has no tunnel at
all: it shows what the machine can do without WireGuard.

## Setup and commands

Per implementation, two network namespaces joined by a veth pair (underlay 10.250.0.1/24 ↔
10.250.0.2/24), both tunnel ends served by that implementation (inner 10.99.0.1 ↔ 10.99.0.2,
peers configured with \`wg set\`, default MTU). Every implementation's tunnel is up for the
whole run; only one test runs at a time. Commands, in the client namespace against the
server's inner address (\`<dst>\`):

- daemons: \`wg-xdp -f <if>\`; \`WG_PROCESS_FOREGROUND=1 wireguard-go -f <if>\`
- server (other namespace), fresh for every iperf3 test: \`$(server_cmd '<dst>')\`
- TCP: \`$(tcp_cmd '<dst>')\`, and with \`-R\`; Gbit/s from \`end.sum_received.bits_per_second\`
- RTT: \`$(ping_cmd '<dst>')\`, avg and mdev from the summary line
- UDP: \`$(udp_cmd '<dst>')\`; offered = \`sum_sent.packets / seconds\`, delivered =
  \`(packets − lost_packets) / seconds\` of the receiver; out of the tunnel = delivered plus
  the server namespace's \`Udp RcvbufErrors\` delta minus the drops of the server daemon's
  own UDP socket (\`/proc/net/udp\`), per second

## Where the CPU and the packets go

$(print_cpu_section)

<details>
<summary>Raw numbers, every run</summary>

$(print_raw)

CPU and drops, every run:

$(for run in $(seq 1 "$BENCH_RUNS"); do cpu_lines "$run"; done)

</details>
EOF
	if [ ${#FAILURES[@]} -gt 0 ]; then
		echo
		echo "## Failures"
		echo
		printf -- '- %s\n' "${FAILURES[@]}"
	fi
}

# --- main -----------------------------------------------------------------------------
main() {
	local impl run test n=0 report why
	need_root
	for cmd in iperf3 jq ping wg ss timeout; do
		command -v "$cmd" >/dev/null || fail "bench needs $cmd"
	done
	local kept=""
	for impl in $BENCH_IMPLS; do
		impl_exists "$impl" || fail "unknown implementation '$impl' in BENCH_IMPLS"
		if why=$("impl_${impl}_check"); then
			kept+=" $impl"
		elif [ "$impl" = wgx_portable ] || [ "$impl" = "$BENCH_REF" ]; then
			fail "$(impl_label "$impl"): $why"
		else
			log "leaving out $(impl_label "$impl"): $why"
		fi
	done
	BENCH_IMPLS=${kept# }
	case " $BENCH_IMPLS " in *" $BENCH_REF "*) ;; *) fail "BENCH_REF=$BENCH_REF is not in BENCH_IMPLS" ;; esac
	bench_dirs_init
	snapshot_wgx
	RAW=$BENCH_DIR/raw.tsv CPU_LOG=$BENCH_DIR/cpu.tsv
	: >"$RAW"
	: >"$CPU_LOG"

	declare -gA IMPL_INDEX
	for impl in $BENCH_IMPLS; do
		log "setting up $(impl_label "$impl")"
		IMPL_INDEX[$impl]=$n
		bench_setup "$impl" "$n"
		n=$((n + 1))
	done
	measure_idle
	for run in $(seq 1 "$BENCH_RUNS"); do
		for test in "${TESTS[@]}"; do
			log "run $run/$BENCH_RUNS: $test"
			for impl in $BENCH_IMPLS; do
				run_test "$test" "$impl" "$run"
			done
		done
	done

	report=$BENCH_DIR/report.md
	write_report >"$report"
	echo
	cat "$report"
	if [ ${#FAILURES[@]} -gt 0 ]; then
		cp "$report" "$BENCH_DIR/benchmarks-failed.md"
		fail "${#FAILURES[@]} measurement(s) failed; report in $BENCH_DIR/benchmarks-failed.md, $BENCH_OUT untouched; daemon logs in $BENCH_LOGS"
	fi
	mkdir -p "$(dirname "$BENCH_OUT")"
	cp "$report" "$BENCH_OUT"
	log "report written to $BENCH_OUT"
}

main "$@"
