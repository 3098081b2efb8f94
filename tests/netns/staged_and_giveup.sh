#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Packets for a peer without a session are staged (whitepaper §6.2, kernel
# send.c), and the handshake that will carry them is retried (§6.4):
#  - A sends 1100 datagrams towards B while nothing answers at B's endpoint:
#    the first one starts a handshake, all are staged, the queue keeps the
#    newest WGX_MAX_PEER_QUEUED_PACKETS (1024) and counts the rest in
#    tx_staged_dropped;
#  - wg-xdp is then started at B; A's retry goes out REKEY_TIMEOUT (5 s) plus a
#    jitter below 334 ms after the first initiation, the handshake completes
#    and the 1024 staged datagrams arrive at B, in order. (~7 s)
# Giving up after REKEY_ATTEMPT_TIME (90 s) and dropping the staged packets is
# too slow for this suite; tests/unit/test_timers.c drives that state machine
# with a fake clock (test_retry_then_give_up, test_give_up_with_jitter), and
# wgx_peer_run_timers (user/peer_timers.c) clears the queue on GIVE_UP.
#
#   ns wgxA-<id>                                  ns wgxB-<id>
#   wg-xdp wa<id> 10.99.0.1/24                     (nothing yet) -> wg-xdp wb<id> 10.99.0.2/24
#     peer B: endpoint 10.250.0.2:51821              UDP sink 10.99.0.2:9999
#   va<id> 10.250.0.1/24 :51820           <->     vb<id> 10.250.0.2/24
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/dataplane.bash"
need_root

QUEUE=$(sed -n 's/.*WGX_MAX_PEER_QUEUED_PACKETS = \([0-9]*\),.*/\1/p' "$TOP/include/wgx/messages.h")
[ -n "$QUEUE" ] || fail "cannot read WGX_MAX_PEER_QUEUED_PACKETS"
SENT=$((QUEUE + 76))

two_hosts
start_wg wgx "$A" "$IFA"
PID_A=$WG_PID
ip netns exec "$A" wg set "$IFA" private-key "$(wg_key_file "$A_PRIV")" listen-port 51820 \
	peer "$B_PUB" endpoint 10.250.0.2:51821 allowed-ips 10.99.0.2/32
ip -n "$A" addr add 10.99.0.1/24 dev "$IFA"
# Room for the whole burst in the TUN's own queue (500 by default), so that
# the daemon sees every packet.
ip -n "$A" link set "$IFA" up txqueuelen 5000

cap=$(tmpfile)
capture_start "$A" "va$TID" "$cap" udp and src port 51820
dropped=$(wgx_stat "$IFA" tx_staged_dropped)
ip netns exec "$A" $WGTOOL send 10.99.0.2 9999 "$SENT" 64 >/dev/null
wait_for 5 test "$(wgx_stat "$IFA" tx_staged_dropped)" -ge $((dropped + SENT - QUEUE)) ||
	fail "tx_staged_dropped: $(wgx_stat "$IFA" tx_staged_dropped), wanted $((dropped + SENT - QUEUE))"
[ "$(wgx_stat "$IFA" tx_staged_dropped)" -eq $((dropped + SENT - QUEUE)) ] ||
	fail "tx_staged_dropped went past $((SENT - QUEUE))"
log "$SENT datagrams staged for a silent peer: $((SENT - QUEUE)) oldest dropped"

# B comes to life before A's first retry, but knows no endpoint for A: only A can initiate.
start_wg wgx "$B" "$IFB"
PID_B=$WG_PID
ip netns exec "$B" wg set "$IFB" private-key "$(wg_key_file "$B_PRIV")" listen-port 51821 \
	peer "$A_PUB" allowed-ips 10.99.0.1/32
ip -n "$B" addr add 10.99.0.2/24 dev "$IFB"
ip -n "$B" link set "$IFB" up
sink=$(tmpfile)
bg_start ip netns exec "$B" $WGTOOL sink 10.99.0.2 9999 "$QUEUE" 12 >"$sink"
SINK_PID=$BG_PID
wait_for 5 grep -q ready "$sink" || fail "sink did not start"
wait_for 14 grep -q '^\[' "$sink" || fail "sink did not finish"
bg_stop "$SINK_PID" || true
capture_stop "$CAP_PID"
grep -E 'length 148$' "$cap" || true

python3 - "$sink" "$cap" "$SENT" "$QUEUE" <<'EOF' || fail "staged datagrams or retry timing wrong"
import json, sys
seqs = json.loads(open(sys.argv[1]).read().split("\n")[1])
sent, queue = int(sys.argv[3]), int(sys.argv[4])
want = list(range(sent - queue, sent))
print("B received %d datagrams, first %s, last %s, in order: %s" % (
    len(seqs), seqs[:1], seqs[-1:], seqs == sorted(seqs)))
inits = [float(l.split()[0]) for l in open(sys.argv[2]) if l.rstrip().endswith("length 148")]
gaps = [round(b - a, 3) for a, b in zip(inits, inits[1:])]
print("initiations: %d, gaps %s s" % (len(inits), gaps))
# REKEY_TIMEOUT + jitter < 334 ms, with room for a busy machine.
ok = seqs == want and len(inits) == 2 and 5.0 <= gaps[0] <= 5.334 + 0.2
sys.exit(0 if ok else 1)
EOF
ping_ok "$A" 10.99.0.2 || fail "tunnel after the staged burst"
log "handshake retried after 5 s + jitter; the $QUEUE newest staged datagrams arrived in order"

wgx_alive "$PID_A" "$IFA" || fail "A died"
wgx_alive "$PID_B" "$IFB" || fail "B died"
wgx_stop_clean "$PID_A" "$IFA"
wgx_stop_clean "$PID_B" "$IFB"
log ok
