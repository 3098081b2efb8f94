#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside vmtest/run.sh's VM, whose kernel has the wireguard module:
# wg-xdp (portable) against the kernel's own WireGuard. The tunnel matrix
# (each side initiating, inner IPv4/IPv6 over outer IPv4/IPv6), then 10 MiB
# each way with SHA-256 compared, full-MTU DF pings, PSK match and mismatch.
#
#   ns wgxA-<id>                                 ns wgxB-<id>
#   wg-xdp wa<id> 10.99.0.1/24 fd99::1/64         kernel wireguard wb<id> 10.99.0.2/24 fd99::2/64
#   va<id> 10.250.0.1/24 fd00:250::1/64   <->   vb<id> 10.250.0.2/24 fd00:250::2/64
source "$(dirname "$0")/../tests/netns/lib/common.bash"
source "$(dirname "$0")/../tests/netns/lib/tunnel_matrix.bash"
source "$(dirname "$0")/../tests/netns/lib/dataplane.bash"
source "$(dirname "$0")/../tests/netns/lib/interop.bash"
need_root
modprobe tun
modprobe wireguard || skip "this kernel has no wireguard module"
log "kernel $(uname -r), wireguard module $(cat /sys/module/wireguard/version 2>/dev/null || echo loaded)"
run_tunnel_matrix kernel
interop_extras kernel "kernel WireGuard"
log ok
