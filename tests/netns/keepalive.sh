#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Keepalives on the wire (whitepaper §6.5, wg(8) PersistentKeepalive):
#  - persistent-keepalive 1 with no traffic at all: A makes a session by
#    itself and then sends an empty data message (UDP payload 32 bytes) about
#    once a second; set back to 0, they stop;
#  - passive keepalive: B sends A one datagram, A has nothing to say back; A
#    sends one empty data message KEEPALIVE_TIMEOUT (10 s) later. (~11 s)
#
#   ns wgxA-<id>                                   ns wgxB-<id>
#   wg-xdp wa<id> 10.99.0.1/24                     wg-xdp wb<id> 10.99.0.2/24
#     UDP sink 10.99.0.1:9999 (never answers)
#   va<id> 10.250.0.1/24 :51820          <->      vb<id> 10.250.0.2/24 :51821
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/tunnel_matrix.bash"
source "$(dirname "$0")/lib/dataplane.bash"
need_root

wgx_pair

# times FILE PATTERN: the capture timestamps of the lines matching PATTERN.
times() { grep -F "$2" "$1" | awk '{print $1}'; }
A_TO_B="IP 10.250.0.1.51820 > 10.250.0.2.51821: UDP, length"

# --- persistent keepalive -------------------------------------------------
cap=$(tmpfile)
capture_start "$A" "va$TID" "$cap" udp port 51820
t0=$(date +%s.%N)
ip netns exec "$A" wg set "$IFA" peer "$B_PUB" persistent-keepalive 1
sleep 4.6
ip netns exec "$A" wg set "$IFA" peer "$B_PUB" persistent-keepalive 0
t_off=$(date +%s.%N)
sleep 2.5
capture_stop "$CAP_PID"
cat "$cap"
grep -qF "$A_TO_B 148" "$cap" || fail "persistent keepalive did not start a handshake"
python3 - "$t0" "$t_off" <<EOF || fail "persistent keepalives not at a 1 s cadence"
import sys
t0, t_off = float(sys.argv[1]), float(sys.argv[2])
ka = [float(t) for t in """$(times "$cap" "$A_TO_B 32")""".split()]
on = [t for t in ka if t < t_off + 0.05]
off = [t for t in ka if t >= t_off + 0.05]
gaps = [b - a for a, b in zip(on, on[1:])]
print("keepalives at +%s s; gaps %s; after turning off: %d" % (
    [round(t - t0, 2) for t in on], [round(g, 2) for g in gaps], len(off)))
ok = len(on) >= 4 and all(0.8 <= g <= 1.5 for g in gaps[1:]) and not off
sys.exit(0 if ok else 1)
EOF
log "persistent keepalive: 32-byte messages every second, none once set to 0"

# --- passive keepalive ----------------------------------------------------
sink_out=$(tmpfile)
bg_start ip netns exec "$A" $WGTOOL sink 10.99.0.1 9999 1 15 >"$sink_out"
SINK_PID=$BG_PID
wait_for 5 grep -q ready "$sink_out" || fail "sink did not start"
cap=$(tmpfile)
capture_start "$A" "va$TID" "$cap" udp port 51820
# 32 bytes of UDP payload: a 60-byte IP packet, padded to 64, a 96-byte data message.
ip netns exec "$B" $WGTOOL send 10.99.0.1 9999 1 32 >/dev/null
# KEEPALIVE_TIMEOUT is 10 s: wait up to 13 s for A's answer.
deadline=$((SECONDS + 13))
until [ -n "$(times "$cap" "$A_TO_B 32")" ] || [ $SECONDS -ge $deadline ]; do sleep 0.2; done
capture_stop "$CAP_PID"
cat "$cap"
grep -q '\[0\]' "$sink_out" || fail "the datagram from B did not arrive"
bg_stop "$SINK_PID" || true
t_data=$(times "$cap" "IP 10.250.0.2.51821 > 10.250.0.1.51820: UDP, length 96" | head -1)
t_ka=$(times "$cap" "$A_TO_B 32" | head -1)
[ -n "$t_data" ] || fail "B's data message not seen"
[ -n "$t_ka" ] || fail "A sent no passive keepalive within 13 s"
python3 -c "import sys; d = $t_ka - $t_data; print('passive keepalive after %.2f s' % d);
sys.exit(0 if 9.8 <= d <= 11.5 else 1)" || fail "passive keepalive not ~10 s after the data"
n=$(grep -cF "$A_TO_B" "$cap" || true)
[ "$n" -eq 1 ] || fail "A sent $n messages to B, wanted exactly one keepalive"
log "passive keepalive: one 32-byte message 10 s after B's data"

wgx_alive "$PID_A" "$IFA" || fail "A died"
wgx_alive "$PID_B" "$IFB" || fail "B died"
wgx_stop_clean "$PID_A" "$IFA"
wgx_stop_clean "$PID_B" "$IFB"
log ok
