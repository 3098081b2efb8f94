#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Bulk data and packet sizes through wg-xdp (the other inner/outer family
# pairs are in the tunnel matrix):
#  - 50 MiB of random bytes over TCP each way, SHA-256 compared: A -> B inner
#    IPv4 over an IPv6 underlay, B -> A inner IPv6 over an IPv4 underlay;
#  - full-MTU pings with DF (1420: -s 1392 over IPv4, -s 1372 over IPv6), over
#    both underlays; one byte more fails locally ("message too long");
#  - MTU changed at run time with `ip link set mtu`, no restart: 9000 (pings
#    of 9000 bytes with DF), then 30000 on a 65535-byte underlay (29000-byte
#    DF pings, 5 MiB TCP with SHA-256); back to 1420, big pings fail again;
#  - link down and up: sessions are dropped, the tunnel comes back at once
#    with a new handshake, no restart.
#
#   ns wgxA-<id>                                   ns wgxB-<id>
#   wg-xdp wa<id> 10.99.0.1/24 fd99::1/64           wg-xdp wb<id> 10.99.0.2/24 fd99::2/64
#   va<id> 10.250.0.1/24 fd00:250::1/64    <->     vb<id> 10.250.0.2/24 fd00:250::2/64
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/tunnel_matrix.bash"
source "$(dirname "$0")/lib/dataplane.bash"
need_root

wgx_daemons
tunnel_addrs "$A" "$IFA" 1
tunnel_addrs "$B" "$IFB" 2
# Keep IPv6 addresses across link down/up, as IPv4 ones are kept.
ip netns exec "$A" sysctl -qw "net.ipv6.conf.$IFA.keep_addr_on_down=1"

# transfer FROM_NS TO_NS TO_ADDR FILE: FILE over TCP, SHA-256 compared.
transfer() {
	local from=$1 to=$2 addr=$3 file=$4 out want got t0
	out=$(tmpfile)
	bg_start ip netns exec "$to" $WGTOOL tcp-sink "$addr" 5001 60 >"$out"
	local sink=$BG_PID
	wait_for 5 grep -q ready "$out" || fail "TCP sink did not start"
	t0=$(date +%s.%N)
	ip netns exec "$from" $WGTOOL tcp-send "$addr" 5001 "$file" 60 || fail "sending to $addr"
	wait_for 10 grep -q ' ' "$out" || fail "sink on $addr did not finish"
	bg_stop "$sink" || true
	want="$(stat -c %s "$file") $(sha256sum "$file" | cut -d' ' -f1)"
	got=$(tail -1 "$out")
	[ "$got" = "$want" ] || fail "to $addr: received \"$got\", sent \"$want\""
	python3 -c "import sys,time; print('%s -> %s: %s bytes, checksum ok, %.1f s' % \
		(sys.argv[1], sys.argv[2], sys.argv[3], time.time() - float(sys.argv[4])))" \
		"$from" "$addr" "${want% *}" "$t0"
}

# df_ping NS DST SIZE: a ping of SIZE payload bytes with DF gets its answer.
df_ping() { ip netns exec "$1" ping -M do -c 2 -i 0.2 -W 2 -q -s "$3" "$2" >/dev/null; }
# df_too_big NS DST SIZE: refused by the sender itself.
df_too_big() {
	local out
	out=$(ip netns exec "$1" ping -M do -c 1 -W 1 -s "$3" "$2" 2>&1) && fail "-s $3 to $2 went through"
	grep -qi "message too long" <<<"$out" || fail "-s $3 to $2: no local \"message too long\": $out"
}

big=$(tmpfile)
head -c 50M /dev/urandom >"$big"

# --- 50 MiB each way, mixed families ---
set_peers '[fd00:250::1]:51820' '[fd00:250::2]:51821'
transfer "$A" "$B" 10.99.0.2 "$big"
remove_peers
set_peers 10.250.0.1:51820 10.250.0.2:51821
transfer "$B" "$A" fd99::1 "$big"

# --- full MTU, DF ---
for outer in v4 v6; do
	remove_peers
	if [ $outer = v4 ]; then set_peers 10.250.0.1:51820 10.250.0.2:51821
	else set_peers '[fd00:250::1]:51820' '[fd00:250::2]:51821'; fi
	df_ping "$A" 10.99.0.2 $((1420 - 28)) || fail "1420-byte IPv4 DF ping over $outer"
	df_ping "$B" fd99::1 $((1420 - 48)) || fail "1420-byte IPv6 DF ping over $outer"
	df_too_big "$A" 10.99.0.2 $((1420 - 28 + 1))
	df_too_big "$B" fd99::1 $((1420 - 48 + 1))
	log "$outer underlay: 1420-byte DF pings pass, 1421 refused locally"
done

# --- MTU changes at run time ---
# setmtu TUNNEL_MTU UNDERLAY_MTU
setmtu() {
	ip -n "$A" link set "va$TID" mtu "$2"
	ip -n "$B" link set "vb$TID" mtu "$2"
	ip -n "$A" link set "$IFA" mtu "$1"
	ip -n "$B" link set "$IFB" mtu "$1"
}
setmtu 9000 9100
df_ping "$A" 10.99.0.2 $((9000 - 28)) || fail "9000-byte IPv4 DF ping"
df_ping "$B" fd99::1 $((9000 - 48)) || fail "9000-byte IPv6 DF ping"
df_too_big "$A" 10.99.0.2 $((9000 - 28 + 1))
log "MTU 9000: 9000-byte DF pings pass"
setmtu 30000 65535
df_ping "$A" 10.99.0.2 29000 || fail "29000-byte IPv4 DF ping at MTU 30000"
df_ping "$B" fd99::1 29000 || fail "29000-byte IPv6 DF ping at MTU 30000"
df_ping "$A" fd99::2 $((30000 - 48)) || fail "30000-byte IPv6 DF ping at MTU 30000"
jumbo=$(tmpfile)
head -c 5M /dev/urandom >"$jumbo"
transfer "$A" "$B" 10.99.0.2 "$jumbo"
log "MTU 30000: 29000 and 30000-byte DF pings and TCP pass"
setmtu 1420 1500
df_too_big "$A" 10.99.0.2 29000
df_ping "$A" 10.99.0.2 $((1420 - 28)) || fail "back at MTU 1420"
log "MTU 1420 again: big pings refused, full-size ones pass"

# --- link down and up ---
# Right after a handshake, so that only a reset on link down (kernel wg_stop
# resets last_sent_handshake) lets the next one go out before REKEY_TIMEOUT.
hs_a() { ip netns exec "$A" wg show "$IFA" latest-handshakes | awk '{print $2}'; }
remove_peers
set_peers 10.250.0.1:51820 10.250.0.2:51821
ping_ok "$A" 10.99.0.2 1 || fail "before link down"
hs_before=$(hs_a)
sleep 1.1	# latest-handshakes has a resolution of a second
ip -n "$A" link set "$IFA" down
ip netns exec "$A" ping -c 1 -W 1 10.99.0.2 >/dev/null 2>&1 && fail "ping through a downed link"
ip -n "$A" link set "$IFA" up
ping_ok "$A" 10.99.0.2 || fail "no tunnel after link down/up"
ping_ok "$A" fd99::2 || fail "no inner IPv6 after link down/up"
[ "$(hs_a)" -gt "$hs_before" ] || fail "no new handshake after link down/up"
log "link down/up: tunnel back with a new handshake"

wgx_alive "$PID_A" "$IFA" || fail "A died"
wgx_alive "$PID_B" "$IFB" || fail "B died"
wgx_stop_clean "$PID_A" "$IFA"
wgx_stop_clean "$PID_B" "$IFB"
log ok
