#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# wg-xdp against the latest wireguard-go (golang.zx2c4.com/wireguard@latest,
# installed by tools/peers.sh), which on Linux uses TUN offloads (virtio-net
# header, TSO/USO, GRO) and UDP GSO/GRO: the tunnel matrix of
# lib/tunnel_matrix.bash (each side initiating, inner IPv4/IPv6 over outer
# IPv4/IPv6), then lib/interop.bash: 10 MiB over TCP each way over each
# underlay with SHA-256 compared, full-MTU DF pings, PSK match and mismatch.
#
#   ns wgxA-<id>                                 ns wgxB-<id>
#   wg-xdp wa<id> 10.99.0.1/24 fd99::1/64         wireguard-go (latest) wb<id> 10.99.0.2/24 fd99::2/64
#   :51820                                       :51821
#   va<id> 10.250.0.1/24 fd00:250::1/64   <->   vb<id> 10.250.0.2/24 fd00:250::2/64
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/tunnel_matrix.bash"
source "$(dirname "$0")/lib/dataplane.bash"
source "$(dirname "$0")/lib/interop.bash"
need_root
need_peer "$WGGO_LATEST" wireguard-go
log "$("$WGGO_LATEST" --version | head -n 1) ($WGGO_LATEST)"
# Upstream bug (wireguard-go conn/bind_std.go, StdNetBind.Send, open as
# WireGuard/wireguard-go PR #135): a pooled *net.UDPAddr last used for an IPv4
# endpoint has a 4-byte IP slice; the copy of the next IPv6 destination into it
# happens before it is resized to 16, so that datagram goes to the right first
# 4 bytes followed by stale ones ([fd00:250::1] becomes [fd00:250::]). Any
# wireguard-go process that sent over IPv4 loses its next IPv6 sends that way
# (reproduced between two wireguard-go too). So the IPv6 underlay comes first
# in each wireguard-go process here: the matrix v6 then v4, then
# interop_extras restarts it and again goes v6 then v4.
MATRIX_OUTERS="v6 v4" run_tunnel_matrix wggo_latest
interop_extras wggo_latest "wireguard-go (latest)"
log ok
