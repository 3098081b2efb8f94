#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# wg-xdp against Debian's wireguard-go: the tunnel matrix of
# tests/lib/tunnel_matrix.bash, each side initiating, IPv4 and IPv6 inside and out.
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/tunnel_matrix.bash"
need_root
command -v wireguard-go >/dev/null || skip "wireguard-go not installed"
run_tunnel_matrix wggo
log ok
