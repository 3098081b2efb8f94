#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Keys decide who talks (whitepaper §5.4):
#  - the same preshared key on both sides: tunnel up, both directions;
#  - different preshared keys: no session; the initiator rejects the response
#    (rx_handshake_rejected); fixed on one side with `wg set`, it works
#    without a restart;
#  - a wrong public key for B on A: A's initiations fail B's MAC1 check
#    (rx_bad_mac on B); B's initiations name a static key A has no peer for
#    (rx_handshake_rejected on A); fixed with `wg set`, it works;
#  - PSK match and mismatch against Debian's wireguard-go.
#
#   ns wgxA-<id>                                 ns wgxB-<id>
#   wg-xdp wa<id> 10.99.0.1/24 fd99::1/64         wg-xdp, then wireguard-go, wb<id> 10.99.0.2/24
#   va<id> 10.250.0.1/24 :51820          <->     vb<id> 10.250.0.2/24 :51821
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/tunnel_matrix.bash"
source "$(dirname "$0")/lib/dataplane.bash"
need_root

wgx_daemons
EP_A=10.250.0.1:51820 EP_B=10.250.0.2:51821
tunnel_addrs "$A" "$IFA" 1
tunnel_addrs "$B" "$IFB" 2
PSK1=$(wg_key_file "$(wg genpsk)")
PSK2=$(wg_key_file "$(wg genpsk)")

# psk NS IF PEER FILE: sets that peer's preshared key.
psk() { ip netns exec "$1" wg set "$2" peer "$3" preshared-key "$4"; }
# fresh_peers: both sides forget the peer (and its sessions) and learn it again.
fresh_peers() { remove_peers; set_peers "$EP_A" "$EP_B"; }
handshaken() { ip netns exec "$1" wg show "$2" latest-handshakes | awk '{exit !($2 > 0)}'; }
no_tunnel() {
	! ip netns exec "$1" ping -c 2 -i 0.5 -W 1 -q "$2" >/dev/null 2>&1 || fail "$3: ping went through"
}

# --- same PSK ---
set_peers "$EP_A" "$EP_B"
psk "$A" "$IFA" "$B_PUB" "$PSK1"
psk "$B" "$IFB" "$A_PUB" "$PSK1"
ping_ok "$A" 10.99.0.2 || fail "same PSK: A -> B"
ping_ok "$B" fd99::1 || fail "same PSK: B -> A"
ip netns exec "$A" wg show "$IFA" | grep -q "preshared key: (hidden)" || fail "wg show: no PSK"
log "same PSK: tunnel up"

# --- PSK mismatch ---
fresh_peers
psk "$A" "$IFA" "$B_PUB" "$PSK1"
psk "$B" "$IFB" "$A_PUB" "$PSK2"
rej_a=$(wgx_stat "$IFA" rx_handshake_rejected)
rej_b=$(wgx_stat "$IFB" rx_handshake_rejected)
no_tunnel "$A" 10.99.0.2 "PSK mismatch, A -> B"
no_tunnel "$B" 10.99.0.1 "PSK mismatch, B -> A"
handshaken "$A" "$IFA" && fail "PSK mismatch: A shows a handshake"
handshaken "$B" "$IFB" && fail "PSK mismatch: B shows a handshake"
[ "$(wgx_stat "$IFA" rx_handshake_rejected)" -gt "$rej_a" ] || fail "A did not reject B's response"
[ "$(wgx_stat "$IFB" rx_handshake_rejected)" -gt "$rej_b" ] || fail "B did not reject A's response"
log "PSK mismatch: no handshake, responses rejected on both sides"
psk "$B" "$IFB" "$A_PUB" "$PSK1"
wait_for 15 ping_ok "$A" 10.99.0.2 1 || fail "PSK fixed with wg set: no tunnel"
log "PSK fixed on B with wg set: tunnel up, no restart"

# --- wrong public key ---
remove_peers
WRONG_PUB=$(wg genkey | wg pubkey)
ip netns exec "$A" wg set "$IFA" peer "$WRONG_PUB" endpoint "$EP_B" allowed-ips 10.99.0.2/32,fd99::2/128
ip netns exec "$B" wg set "$IFB" peer "$A_PUB" endpoint "$EP_A" allowed-ips 10.99.0.1/32,fd99::1/128
mac_b=$(wgx_stat "$IFB" rx_bad_mac)
rej_a=$(wgx_stat "$IFA" rx_handshake_rejected)
no_tunnel "$A" 10.99.0.2 "wrong key, A -> B"
no_tunnel "$B" 10.99.0.1 "wrong key, B -> A"
[ "$(wgx_stat "$IFB" rx_bad_mac)" -gt "$mac_b" ] || fail "B did not count A's initiation as bad MAC1"
[ "$(wgx_stat "$IFA" rx_handshake_rejected)" -gt "$rej_a" ] || fail "A accepted an unknown static key"
handshaken "$A" "$IFA" && fail "wrong key: A shows a handshake"
ip netns exec "$A" wg set "$IFA" peer "$WRONG_PUB" remove peer "$B_PUB" endpoint "$EP_B" \
	allowed-ips 10.99.0.2/32,fd99::2/128
wait_for 15 ping_ok "$A" 10.99.0.2 1 || fail "key fixed with wg set: no tunnel"
ping_ok "$B" fd99::1 || fail "key fixed: B -> A"
log "wrong public key: bad MAC1 on B, unknown key on A; fixed with wg set: tunnel up"

wgx_alive "$PID_B" "$IFB" || fail "B died"
wgx_stop_clean "$PID_B" "$IFB"

# --- against Debian's wireguard-go ---
if command -v wireguard-go >/dev/null; then
	start_wg wggo "$B" "$IFB"
	tunnel_addrs "$B" "$IFB" 2
	ip netns exec "$A" wg set "$IFA" peer "$B_PUB" remove
	set_peers "$EP_A" "$EP_B"
	psk "$A" "$IFA" "$B_PUB" "$PSK1"
	psk "$B" "$IFB" "$A_PUB" "$PSK1"
	ping_ok "$A" 10.99.0.2 || fail "wireguard-go, same PSK: A -> B"
	fresh_peers
	psk "$A" "$IFA" "$B_PUB" "$PSK1"
	psk "$B" "$IFB" "$A_PUB" "$PSK1"
	ping_ok "$B" fd99::1 || fail "wireguard-go, same PSK: B -> A"
	fresh_peers
	psk "$A" "$IFA" "$B_PUB" "$PSK1"
	psk "$B" "$IFB" "$A_PUB" "$PSK2"
	rej_a=$(wgx_stat "$IFA" rx_handshake_rejected)
	no_tunnel "$A" 10.99.0.2 "wireguard-go, PSK mismatch"
	[ "$(wgx_stat "$IFA" rx_handshake_rejected)" -gt "$rej_a" ] ||
		fail "A did not reject wireguard-go's response"
	handshaken "$A" "$IFA" && fail "wireguard-go, PSK mismatch: A shows a handshake"
	log "wireguard-go: same PSK works both ways, a different one does not"
else
	log "wireguard-go not installed: interop part left out"
fi

wgx_alive "$PID_A" "$IFA" || fail "A died"
wgx_stop_clean "$PID_A" "$IFA"
log ok
