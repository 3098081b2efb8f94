#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# wg-xdp against itself: the tunnel matrix of tests/lib/tunnel_matrix.bash.
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/tunnel_matrix.bash"
need_root
run_tunnel_matrix wgx
log ok
