#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Cryptokey routing, both directions (whitepaper §2), inner IPv4 and IPv6:
#  - to an inner address that no peer's allowed IPs cover: nothing leaves the
#    underlay, the sender gets ICMP "unreachable" back, tx_no_peer counts it;
#  - to a peer that has no endpoint: the same, counted as tx_no_endpoint;
#  - a packet from B whose inner source is not in B's allowed IPs on A (B
#    pings from a second tunnel address), even one that belongs to another
#    peer of A: decrypted, then dropped, counted as rx_source_not_allowed and
#    not in B's received bytes (kernel: only delivered packets and keepalives).
#
#   ns wgxA-<id>                                    ns wgxB-<id>
#   wg-xdp wa<id> 10.99.0.1/24 fd99::1/64           wg-xdp wb<id> 10.99.0.2/24 fd99::2/64
#     peer B: 10.99.0.2/32 fd99::2/128                        + 10.99.0.22/24 fd99::22/64
#     peer C: 10.99.0.3/32 10.99.0.22/32 (no endpoint)  peer A: 10.99.0.0/24 fd99::/64
#   va<id> 10.250.0.1/24 fd00:250::1/64      <->    vb<id> 10.250.0.2/24 fd00:250::2/64
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/tunnel_matrix.bash"
source "$(dirname "$0")/lib/dataplane.bash"
need_root

wgx_daemons
set_peers 10.250.0.1:51820 10.250.0.2:51821
# B sends anything in the tunnel subnets to A, so that A's check is what stops spoofing.
ip netns exec "$B" wg set "$IFB" peer "$A_PUB" allowed-ips 10.99.0.0/24,fd99::/64
tunnel_addrs "$A" "$IFA" 1
tunnel_addrs "$B" "$IFB" 2
C_PUB=$(wg genkey | wg pubkey)
ip netns exec "$A" wg set "$IFA" peer "$C_PUB" allowed-ips 10.99.0.3/32,fd99::3/128,10.99.0.22/32

ping_ok "$A" 10.99.0.2 || fail "tunnel A -> B"
ping_ok "$A" fd99::2 || fail "tunnel A -> B over inner IPv6"

# unreachable DST COUNTER TEXT: the ping fails with TEXT, COUNTER on A grows
# by the pings sent, and no UDP leaves A's underlay meanwhile.
unreachable() {
	local dst=$1 counter=$2 text=$3 before after out cap
	before=$(wgx_stat "$IFA" "$counter")
	cap=$(tmpfile)
	capture_start "$A" "va$TID" "$cap" udp
	out=$(ip netns exec "$A" ping -c 3 -i 0.2 -W 1 "$dst" 2>&1) && fail "ping $dst succeeded: $out"
	capture_stop "$CAP_PID"
	grep -q "$text" <<<"$out" || fail "ping $dst: no \"$text\" in: $out"
	after=$(wgx_stat "$IFA" "$counter")
	# The stack's own IPv6 multicast (MLD reports) may add to tx_no_peer meanwhile.
	if [ "$counter" = tx_no_peer ]; then
		[ $((after - before)) -ge 3 ] || fail "$counter grew by $((after - before)), not 3"
	else
		[ $((after - before)) -eq 3 ] || fail "$counter grew by $((after - before)), not 3"
	fi
	grep -q . "$cap" && fail "packets left the underlay for $dst: $(cat "$cap")"
	log "$dst: unreachable, $counter +3, nothing on the wire"
}
unreachable 10.99.0.7 tx_no_peer "Destination Host Unreachable"
unreachable fd99::7 tx_no_peer "Destination unreachable: Address unreachable"
unreachable 10.99.0.3 tx_no_endpoint "Destination Host Unreachable"
unreachable fd99::3 tx_no_endpoint "Destination unreachable: Address unreachable"

# Spoofed inner sources from B: outside B's allowed IPs on A, or another peer's.
ip -n "$B" addr add 10.99.0.22/24 dev "$IFB"
ip -n "$B" addr add fd99::22/64 dev "$IFB" nodad
rx_bytes_of_b() { ip netns exec "$A" wg show "$IFA" transfer | awk -v b="$B_PUB" '$1 == b {print $2}'; }
for src_dst in 10.99.0.22,10.99.0.1 fd99::22,fd99::1; do
	src=${src_dst%,*} dst=${src_dst#*,}
	before=$(wgx_stat "$IFA" rx_source_not_allowed)
	bytes_before=$(rx_bytes_of_b)
	cap=$(tmpfile)
	capture_start "$A" "$IFA" "$cap" src host "$src"
	ip netns exec "$B" ping -c 3 -i 0.2 -W 1 -I "$src" "$dst" >/dev/null 2>&1 &&
		fail "spoofed $src reached A and was answered"
	capture_stop "$CAP_PID"
	after=$(wgx_stat "$IFA" rx_source_not_allowed)
	[ $((after - before)) -eq 3 ] || fail "rx_source_not_allowed grew by $((after - before)), not 3"
	grep -q . "$cap" && fail "spoofed packets reached $IFA: $(cat "$cap")"
	# As the kernel module: what is dropped is not counted as received from B.
	[ "$(rx_bytes_of_b)" -eq "$bytes_before" ] ||
		fail "A counted the dropped packets: B's rx bytes $bytes_before -> $(rx_bytes_of_b)"
	log "B -> $dst from $src: dropped by A, rx_source_not_allowed +3"
done
# The allowed source still works: the drops did not hurt the session.
ping_ok "$B" 10.99.0.1 || fail "B -> A from its own address after the spoofing"

wgx_stats "$IFA"
wgx_alive "$PID_A" "$IFA" || fail "A died"
wgx_alive "$PID_B" "$IFB" || fail "B died"
wgx_stop_clean "$PID_A" "$IFA"
wgx_stop_clean "$PID_B" "$IFB"
log ok
