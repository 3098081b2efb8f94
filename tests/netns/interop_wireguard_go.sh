#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# wg-xdp against Debian's wireguard-go: the tunnel matrix of
# lib/tunnel_matrix.bash (each side initiating, inner IPv4/IPv6 over outer
# IPv4/IPv6), then lib/interop.bash: 10 MiB over TCP each way over each
# underlay with SHA-256 compared, full-MTU DF pings, PSK match and mismatch.
# (Cookies under load and PSK against it also run in bad_input.sh and
# psk_and_keys.sh.)
#
#   ns wgxA-<id>                                 ns wgxB-<id>
#   wg-xdp wa<id> 10.99.0.1/24 fd99::1/64         wireguard-go wb<id> 10.99.0.2/24 fd99::2/64
#   :51820                                       :51821
#   va<id> 10.250.0.1/24 fd00:250::1/64   <->   vb<id> 10.250.0.2/24 fd00:250::2/64
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/tunnel_matrix.bash"
source "$(dirname "$0")/lib/dataplane.bash"
source "$(dirname "$0")/lib/interop.bash"
need_root
command -v wireguard-go >/dev/null || skip "wireguard-go not installed"
# The IPv6 underlay first in each wireguard-go process: see
# interop_wireguard_go_latest.sh for the upstream bug this avoids.
MATRIX_OUTERS="v6 v4" run_tunnel_matrix wggo
interop_extras wggo "wireguard-go (Debian)"
log ok
