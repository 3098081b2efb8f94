#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Padding and byte counters, checked to the byte:
#  - every data message on the wire is 32 bytes of overhead plus the inner
#    packet padded to a multiple of 16, but never padded past the tunnel MTU
#    (whitepaper §5.4.6): pings of many sizes, inner IPv4 and IPv6, each way;
#  - after `ip link set mtu 9000` (no restart) the cap follows the new MTU;
#  - `wg show transfer` counts what the kernel module counts: every
#    authenticated datagram's full UDP payload, handshakes included.
#
#   ns wgxA-<id>                                   ns wgxB-<id>
#   wg-xdp wa<id> 10.99.0.1/24 fd99::1/64           wg-xdp wb<id> 10.99.0.2/24 fd99::2/64
#   va<id> 10.250.0.1/24 :51820            <->     vb<id> 10.250.0.2/24 :51821
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/tunnel_matrix.bash"
source "$(dirname "$0")/lib/dataplane.bash"
need_root

wgx_pair

MTU=1420
expected=(148 92)	# A's initiation, B's response; A's first ping rides on the session
sum=0	# bytes of the data messages in each direction
# msg_len IP_LEN: the data message carrying an inner packet of IP_LEN bytes.
msg_len() {
	local padded=$((($1 + 15) / 16 * 16))
	[ $padded -le $MTU ] || padded=$MTU
	echo $((32 + padded))
}
# ping_size DST SIZE HEADER: one echo of SIZE payload bytes; notes both messages.
ping_size() {
	local len
	ip netns exec "$A" ping -c 1 -W 2 -q -s "$2" "$1" >/dev/null || fail "ping -s $2 $1"
	len=$(msg_len $(($2 + $3)))
	expected+=("$len" "$len")
	sum=$((sum + len))
}

cap=$(tmpfile)
capture_start "$A" "va$TID" "$cap" udp port 51820
for s in 0 1 4 5 56 100 1385 1392; do ping_size 10.99.0.2 $s 28; done
for s in 0 8 9 1000 1371 1372; do ping_size fd99::2 $s 48; done
ip -n "$A" link set "va$TID" mtu 9100
ip -n "$B" link set "vb$TID" mtu 9100
ip -n "$A" link set "$IFA" mtu 9000
ip -n "$B" link set "$IFB" mtu 9000
MTU=9000
sleep 0.2	# the daemons hear of the MTU through rtnetlink
# 8990 bytes: padded to 8992; 8998: to 9008, past the MTU, so to 9000 (a daemon
# still at 1420 would not pad it at all).
for s in 8962 8970 8972; do ping_size 10.99.0.2 $s 28; done
ping_size fd99::2 8950 48
capture_stop "$CAP_PID"

got=($(grep -o 'UDP, length [0-9]*' "$cap" | awk '{print $3}'))
echo "on the wire: ${got[*]}"
[ "${got[*]}" = "${expected[*]}" ] || fail "message lengths differ; wanted: ${expected[*]}"
log "${#got[@]} messages, each padded to 16 and capped at the MTU (1420, then 9000)"

# transfer_of NS IF: "rx tx" bytes of the only peer.
transfer_of() { ip netns exec "$1" wg show "$2" transfer | awk '{print $2, $3}'; }
[ "$(transfer_of "$A" "$IFA")" = "$((92 + sum)) $((148 + sum))" ] ||
	fail "A counts $(transfer_of "$A" "$IFA"), wanted $((92 + sum)) $((148 + sum))"
[ "$(transfer_of "$B" "$IFB")" = "$((148 + sum)) $((92 + sum))" ] ||
	fail "B counts $(transfer_of "$B" "$IFB"), wanted $((148 + sum)) $((92 + sum))"
log "wg show transfer: A and B count exactly the bytes on the wire"

wgx_alive "$PID_A" "$IFA" || fail "A died"
wgx_alive "$PID_B" "$IFB" || fail "B died"
wgx_stop_clean "$PID_A" "$IFA"
wgx_stop_clean "$PID_B" "$IFB"
log ok
