#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`: what wg-xdp can show today (see README "Status").
set -euo pipefail
cd "$(dirname "$0")/.."
WGX=build/wg-xdp

echo "== keys: wg-xdp and wg(8) agree"
priv=$($WGX genkey)
ours=$(printf '%s\n' "$priv" | $WGX pubkey)
theirs=$(printf '%s\n' "$priv" | wg pubkey)
echo "  wg-xdp pubkey: $ours"
echo "  wg pubkey:     $theirs"
[ "$ours" = "$theirs" ]
unset priv

echo
echo "== protocol core: handshake and data between two in-process peers"
$WGX selftest
