#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Roaming against Debian's wireguard-go: B (wireguard-go) changes its
# underlay address twice without anyone reconfiguring A (wg-xdp); A learns
# each new endpoint from B's authenticated packets and reaches B there. IPv4
# only: wireguard-go misroutes IPv6 sends after IPv4 ones (upstream bug, see
# interop_wireguard_go_latest.sh). roaming.sh covers IPv6 and sticky sources
# with wg-xdp on both sides.
#
#   ns wgxA-<id>                                  ns wgxB-<id>
#   wg-xdp wa<id> 10.99.0.1/24                     wireguard-go wb<id> 10.99.0.2/24
#   va<id> 10.250.0.1/24 :51820          <->      vb<id> 10.250.0.2 -> .3 -> .4 :51821
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/tunnel_matrix.bash"
need_root
command -v wireguard-go >/dev/null || skip "wireguard-go not installed"

two_hosts
start_wg wgx "$A" "$IFA"
start_wg wggo "$B" "$IFB"
set_peers 10.250.0.1:51820 10.250.0.2:51821
tunnel_addrs "$A" "$IFA" 1
tunnel_addrs "$B" "$IFB" 2
ping_ok "$A" 10.99.0.2 || fail "tunnel A -> B"

from=10.250.0.2
for to in 10.250.0.3 10.250.0.4; do
	ip -n "$B" addr del "$from/24" dev "vb$TID"
	ip -n "$B" addr add "$to/24" dev "vb$TID"
	# wireguard-go keeps sending from its vanished source address until a
	# handshake retry (~15 s later); setting its peer's endpoint again makes
	# it pick a source now. Only B is touched: A learns by itself.
	ip netns exec "$B" wg set "$IFB" peer "$A_PUB" endpoint 10.250.0.1:51820
	ping_ok "$B" 10.99.0.1 || fail "B -> A after B moved to $to"
	ep=$(ip netns exec "$A" wg show "$IFA" endpoints | awk '{print $2}')
	[ "$ep" = "$to:51821" ] || fail "A shows endpoint $ep for B, not $to:51821"
	ping_ok "$A" 10.99.0.2 || fail "A -> B at $to"
	log "wireguard-go roamed to $to: wg-xdp learned it"
	from=$to
done
log ok
