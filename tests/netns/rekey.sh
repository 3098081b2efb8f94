#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Key rotation under traffic (whitepaper §6.1-§6.5), in ~18 s:
#  - A streams datagrams to B (20 a second). B's way back is cut for 12 s (a
#    blackhole route in B, which swallows B's passive keepalive), so A hears
#    nothing for KEEPALIVE_TIMEOUT + REKEY_TIMEOUT (15 s) and starts a new
#    handshake on its own (NEW_HANDSHAKE timer) while its session is still
#    valid; B answers it;
#  - A moves to the new keypair, B confirms it on the first data, and not one
#    datagram of the stream is lost across the rotation: the sender's
#    receiver index changes once, from old to new, and every datagram arrives.
# Rekeying after REKEY_AFTER_TIME (120 s) or REKEY_AFTER_MESSAGES, and the
# 180 s / 540 s expiries, are beyond this suite's time: tests/unit/test_timers.c
# checks them with a fake clock.
#
#   ns wgxA-<id>                                   ns wgxB-<id>
#   wg-xdp wa<id> 10.99.0.1/24                     wg-xdp wb<id> 10.99.0.2/24
#     sender -> 10.99.0.2:9999                       UDP sink :9999
#                                                    blackhole 10.250.0.1 for 12 s
#   va<id> 10.250.0.1/24 :51820           <->     vb<id> 10.250.0.2/24 :51821
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/tunnel_matrix.bash"
source "$(dirname "$0")/lib/dataplane.bash"
need_root

two_hosts
# Verbose: a failure prints the daemons' logs, where handshakes show.
WGX_ENV=LOG_LEVEL=verbose start_wg wgx "$A" "$IFA"
PID_A=$WG_PID
WGX_ENV=LOG_LEVEL=verbose start_wg wgx "$B" "$IFB"
PID_B=$WG_PID
set_peers 10.250.0.1:51820 10.250.0.2:51821
tunnel_addrs "$A" "$IFA" 1
tunnel_addrs "$B" "$IFB" 2
ping_ok "$A" 10.99.0.2 1 || fail "tunnel A -> B"
hs_a() { ip netns exec "$A" wg show "$IFA" latest-handshakes | awk '{print $2}'; }
hs_first=$(hs_a)

N=380	# 19 s at 20 a second
sink=$(tmpfile)
bg_start ip netns exec "$B" $WGTOOL sink 10.99.0.2 9999 "$N" 25 >"$sink"
SINK_PID=$BG_PID
wait_for 5 grep -q ready "$sink" || fail "sink did not start"
sniffed=$(tmpfile)
sniff_out=$(tmpfile)
bg_start ip netns exec "$B" $WGTOOL sniff "vb$TID" 51821 1,4 $((N + 1)) 25 "$sniffed" >"$sniff_out"
SNIFF_PID=$BG_PID
wait_for 5 grep -q ready "$sniff_out" || fail "sniffer did not start"
log "streaming $N datagrams A -> B, B's way back cut for 12 s"
ip -n "$B" route add blackhole 10.250.0.1/32
bg_start ip netns exec "$A" $WGTOOL send 10.99.0.2 9999 "$N" 64 0.05 >/dev/null
sleep 12
ip -n "$B" route del blackhole 10.250.0.1/32
wait_for 15 grep -q '^\[' "$sink" || fail "sink did not finish"
bg_stop "$SINK_PID" || true
wait_for 5 grep -qxE '[0-9]+' "$sniff_out" || true
bg_stop "$SNIFF_PID" || true

[ "$(hs_a)" -gt "$hs_first" ] || fail "A made no new handshake"
ep=$(ip netns exec "$B" wg show "$IFB" endpoints | awk '{print $2}')
[ "$ep" = 10.250.0.1:51820 ] || fail "B's endpoint for A is $ep"
python3 - "$sink" "$sniffed" "$N" <<'EOF' || fail "datagrams lost or keys not rotated cleanly"
import json, struct, sys
seqs = json.loads(open(sys.argv[1]).read().split("\n")[1])
n = int(sys.argv[3])
msgs = [bytes.fromhex(l) for l in open(sys.argv[2]) if l.strip()]
idx = [struct.unpack("<I", m[4:8])[0] for m in msgs if m[0] == 4]
inits = [i for i, m in enumerate(msgs) if m[0] == 1]
runs = [k for i, k in enumerate(idx) if i == 0 or idx[i - 1] != k]
print("B got %d of %d datagrams (missing: %s); initiations seen: %d; receiver-index runs: %s"
      % (len(seqs), n, sorted(set(range(n)) - set(seqs))[:10], len(inits), len(runs)))
sys.exit(0 if sorted(seqs) == list(range(n)) and len(runs) == 2 and len(inits) == 1 else 1)
EOF
log "A rekeyed after 15 s of silence; B followed it; no datagram lost across the rotation"

wgx_alive "$PID_A" "$IFA" || fail "A died"
wgx_alive "$PID_B" "$IFB" || fail "B died"
wgx_stop_clean "$PID_A" "$IFA"
wgx_stop_clean "$PID_B" "$IFB"
log ok
