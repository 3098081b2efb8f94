#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Roaming and sticky source addresses (whitepaper §2.1, kernel socket.c):
#  - B's underlay address changes (IPv4, then IPv6, then B moves to the other
#    family); B pings A; A, never reconfigured, learns B's new endpoint from
#    the authenticated packets and reaches B there;
#  - A has two addresses per family; whichever one B sends to is the one A's
#    replies come from, not the one A's routing would choose;
#  - that sticky address disappears from A: A's next packets leave from the
#    address it has left, and B roams to it.
#
#   ns wgxA-<id>                                     ns wgxB-<id>
#   wg-xdp wa<id> 10.99.0.1/24 fd99::1/64            wg-xdp wb<id> 10.99.0.2/24 fd99::2/64
#   va<id> 10.250.0.1/24  fd00:250::1/64    <->      vb<id> 10.250.0.2 -> .3 -> .4/24
#          10.250.0.11/24 fd00:250::11/64                   fd00:250::2 -> ::3/64
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/tunnel_matrix.bash"
source "$(dirname "$0")/lib/dataplane.bash"
need_root

two_hosts
ip -n "$A" addr add 10.250.0.11/24 dev "va$TID"
ip -n "$A" addr add fd00:250::11/64 dev "va$TID" nodad
start_wg wgx "$A" "$IFA"
PID_A=$WG_PID
start_wg wgx "$B" "$IFB"
PID_B=$WG_PID
set_peers 10.250.0.1:51820 10.250.0.2:51821
tunnel_addrs "$A" "$IFA" 1
tunnel_addrs "$B" "$IFB" 2
ping_ok "$A" 10.99.0.2 || fail "tunnel A -> B"

endpoint_of_b() { ip netns exec "$A" wg show "$IFA" endpoints | awk '{print $2}'; }

# move_b OLD NEW PREFIX: B's underlay address OLD becomes NEW.
move_b() {
	ip -n "$B" addr del "$1/$3" dev "vb$TID"
	if [[ $2 == *:* ]]; then
		ip -n "$B" addr add "$2/$3" dev "vb$TID" nodad
	else
		ip -n "$B" addr add "$2/$3" dev "vb$TID"
	fi
}

# roam_check WANT: B pings A, A shows endpoint WANT for B, A reaches B there.
roam_check() {
	ping_ok "$B" 10.99.0.1 || fail "B -> A after B moved to $1"
	[ "$(endpoint_of_b)" = "$1" ] || fail "A shows endpoint $(endpoint_of_b) for B, not $1"
	ping_ok "$A" fd99::2 || fail "A -> B at $1"
	log "B roamed to $1: A learned it, A -> B works"
}

move_b 10.250.0.2 10.250.0.3 24
roam_check 10.250.0.3:51821
move_b fd00:250::2 fd00:250::3 64
ip netns exec "$B" wg set "$IFB" peer "$A_PUB" endpoint '[fd00:250::1]:51820'
roam_check '[fd00:250::3]:51821'
# Back to IPv4, at yet another address.
move_b 10.250.0.3 10.250.0.4 24
ip netns exec "$B" wg set "$IFB" peer "$A_PUB" endpoint 10.250.0.1:51820
roam_check 10.250.0.4:51821

# sticky A_ADDR B_ADDR: B sends to A_ADDR; A's answers must come from A_ADDR.
sticky() {
	local a_addr=$1 b_addr=$2 ep cap wrong
	if [[ $a_addr == *:* ]]; then ep="[$a_addr]:51820"; else ep="$a_addr:51820"; fi
	ip netns exec "$B" wg set "$IFB" peer "$A_PUB" endpoint "$ep"
	cap=$(tmpfile)
	capture_start "$B" "vb$TID" "$cap" udp and dst port 51821
	ping_ok "$B" 10.99.0.1 || fail "B -> A via $ep"
	capture_stop "$CAP_PID"
	grep -qF " $a_addr.51820 > $b_addr.51821:" "$cap" ||
		fail "no reply from $a_addr seen: $(cat "$cap")"
	wrong=$(grep -vF " $a_addr.51820 > $b_addr.51821:" "$cap" | grep . || true)
	[ -z "$wrong" ] || fail "replies to B sent via $ep left from another address: $wrong"
	log "B sends to $a_addr: every reply comes from $a_addr"
}
sticky 10.250.0.11 10.250.0.4
sticky 10.250.0.1 10.250.0.4
sticky 10.250.0.11 10.250.0.4
ip netns exec "$B" wg set "$IFB" peer "$A_PUB" endpoint '[fd00:250::11]:51820'
ping_ok "$B" fd99::1 || fail "B -> A over an IPv6 underlay"
sticky fd00:250::11 fd00:250::3
sticky fd00:250::1 fd00:250::3
sticky fd00:250::11 fd00:250::3

# A's sticky address vanishes: A's packets leave from the one it has left and B roams.
ip netns exec "$B" wg set "$IFB" peer "$A_PUB" endpoint 10.250.0.11:51820
ping_ok "$B" 10.99.0.1 || fail "B -> A via 10.250.0.11"
ip -n "$A" addr del 10.250.0.11/24 dev "va$TID"
ping_ok "$A" 10.99.0.2 || fail "A -> B after A lost its sticky address 10.250.0.11"
ep=$(ip netns exec "$B" wg show "$IFB" endpoints | awk '{print $2}')
[ "$ep" = 10.250.0.1:51820 ] || fail "B did not roam to A's remaining address: $ep"
log "A lost 10.250.0.11: it sends from 10.250.0.1 and B follows"

wgx_alive "$PID_A" "$IFA" || fail "A died"
wgx_alive "$PID_B" "$IFB" || fail "B died"
wgx_stop_clean "$PID_A" "$IFA"
wgx_stop_clean "$PID_B" "$IFB"
log ok
