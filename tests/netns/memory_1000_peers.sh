#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# DESIGN.md §5: under 64 MiB RSS with 1,000 peers. One daemon, 1,000 peers
# (each with an endpoint, an IPv4 /24 and an IPv6 /64), interface up, then
# the daemon's peak RSS (VmHWM) is read from /proc.
#
#   ns wgxM-<id>: wg-xdp wm<id>, 1,000 configured peers, no traffic
source "$(dirname "$0")/lib/common.bash"
need_root
M=wgxM-$TID IFM=wm$TID
ns_add "$M"
start_wg wgx "$M" "$IFM"
conf=$(tmpfile)
{
	printf '[Interface]\nPrivateKey = %s\nListenPort = 51820\n' "$(wg genkey)"
	for i in $(seq 1 1000); do
		printf '[Peer]\nPublicKey = %s\n' "$(wg genkey | wg pubkey)"
		printf 'AllowedIPs = 10.%d.%d.0/24, fd00:%x::/64\n' $((i / 250)) $((i % 250)) "$i"
		printf 'Endpoint = 10.250.%d.%d:51820\n' $((i / 250)) $((i % 250))
	done
} >"$conf"
ip netns exec "$M" wg setconf "$IFM" "$conf"
ip -n "$M" link set "$IFM" up
peers=$(ip netns exec "$M" wg show "$IFM" peers | wc -l)
[ "$peers" -eq 1000 ] || fail "expected 1000 peers, have $peers"
hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$WG_PID/status")
log "1000 peers: peak RSS ${hwm} KiB"
[ "$hwm" -lt $((64 * 1024)) ] || fail "peak RSS ${hwm} KiB is not under 64 MiB"
log ok
