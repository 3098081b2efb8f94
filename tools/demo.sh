#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`: a real wg-xdp tunnel (portable mode) between two network
# namespaces, configured with the stock wg tool, then `wg-xdp show`, pings
# and a short iperf3 run through it. Everything is removed on exit.
#
#   ns wgxA-<id>                                ns wgxB-<id>
#   wg-xdp wa<id> 10.99.0.1/24 fd99::1/64        wg-xdp wb<id> 10.99.0.2/24 fd99::2/64
#   va<id> 10.250.0.1/24         <--- veth --->  vb<id> 10.250.0.2/24
source "$(dirname "$0")/../tests/netns/lib/common.bash"
source "$(dirname "$0")/../tests/netns/lib/tunnel_matrix.bash"
need_root

step() { printf '\n== %s\n' "$*"; }

step "keys: wg-xdp and wg(8) agree"
priv=$($WGX genkey)
echo "  wg-xdp pubkey: $(printf '%s\n' "$priv" | $WGX pubkey)"
echo "  wg pubkey:     $(printf '%s\n' "$priv" | wg pubkey)"
unset priv

step "two namespaces joined by a veth pair, one wg-xdp daemon in each"
two_hosts
start_wg wgx "$A" "$IFA"
start_wg wgx "$B" "$IFB"
set_peers 10.250.0.1:51820 10.250.0.2:51821
tunnel_addrs "$A" "$IFA" 1
tunnel_addrs "$B" "$IFB" 2
echo "  $A: $IFA 10.99.0.1 <-> $B: $IFB 10.99.0.2 (underlay 10.250.0.1 <-> 10.250.0.2)"

step "ping through the tunnel (the first packet triggers the handshake)"
ip netns exec "$A" ping -c 3 -i 0.2 10.99.0.2
ip netns exec "$A" ping -c 2 -i 0.2 fd99::2

step "iperf3 TCP through the tunnel, 3 seconds"
bg_start ip netns exec "$B" iperf3 -s -1 -B 10.99.0.2 >/dev/null
wait_for 5 ip netns exec "$B" ss -ltn 'sport = :5201' | grep -q 5201 || sleep 1
ip netns exec "$A" iperf3 -c 10.99.0.2 -t 3 -f m | grep -E 'sender|receiver'

step "wg-xdp show $IFA (in $A)"
ip netns exec "$A" "$WGX" show "$IFA"
step "wg-xdp show $IFA --stats"
ip netns exec "$A" "$WGX" show "$IFA" --stats | grep -E "^interface|counters"

step "protocol core on its own: two in-process peers"
"$WGX" selftest
echo
echo "demo done; namespaces and daemons are removed now."
