#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The protocol core on the wire against Debian's wireguard-go: wgx_probe
# (our Noise, cookie MACs and transport code over a plain UDP socket) does a
# handshake as initiator and gets an ICMP echo answered through the tunnel,
# over an IPv4 and over an IPv6 underlay.
#
#   ns wgxA-<id>                          ns wgxB-<id>
#   wgx_probe                             wireguard-go wb<id> 10.99.0.2/24
#   va<id> 10.250.0.1/24  fd00:250::1 <-> vb<id> 10.250.0.2/24  fd00:250::2
#                                         listen-port 51820, peer 10.99.0.1/32
source "$(dirname "$0")/lib/common.bash"
need_root
command -v wireguard-go >/dev/null || skip "wireguard-go not installed"
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
PROBE=$BUILD/tests/tools/wgx_probe
[ -x "$PROBE" ] || fail "$PROBE not built"

two_hosts
start_wg wggo "$B" "$IFB"
ip netns exec "$B" wg set "$IFB" private-key "$(wg_key_file "$B_PRIV")" listen-port 51820 \
	peer "$A_PUB" allowed-ips 10.99.0.1/32
ip -n "$B" addr add 10.99.0.2/24 dev "$IFB"
ip -n "$B" link set "$IFB" up

for peer_ip in 10.250.0.2 fd00:250::2; do
	# A second initiation within 1/50 s, or with the same coarse TAI64N, is refused.
	sleep 0.1
	log "probe -> wireguard-go at $peer_ip"
	ip netns exec "$A" "$PROBE" "$A_PRIV" "$B_PUB" "$peer_ip" 51820 10.99.0.1 10.99.0.2 ||
		fail "probe over $peer_ip"
done
ip netns exec "$B" wg show "$IFB" | tee /dev/stderr | grep -q "latest handshake" ||
	fail "wireguard-go shows no handshake"
log "ok"
