#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Hostile input on the listen port, and handshakes under load:
#  - garbage (random bytes, empty and short datagrams, every message type at
#    wrong lengths, bad reserved bytes, wrong MAC1, unknown receiver indices,
#    a Noise-invalid initiation with a valid MAC1, 65000-byte and, over IPv6,
#    65527-byte datagrams) over both underlays: each counted under its own
#    reason, exactly; not one byte sent back (no reflection, no amplification);
#    the daemon alive and the tunnel still working;
#  - replay: A's initiation and data messages, captured on B's link and sent
#    again from elsewhere: rx_replayed / rx_handshake_rejected grow, nothing
#    reaches B's tunnel, nothing is answered, B's endpoint for A stays put;
#  - under load (WG_XDP_UNDER_LOAD=0: always): initiations get a 64-byte
#    cookie reply; wg-xdp and Debian's wireguard-go as initiators answer it with
#    MAC2 on their retry (REKEY_TIMEOUT, 5 s) and complete the handshake; a
#    burst of initiations with a valid MAC2 from one source meets the per-source
#    rate limit (5 burst, 20/s): rx_ratelimited.
#
#   ns wgxA-<id>                                   ns wgxB-<id>
#   wg-xdp wa<id> 10.99.0.1/24 fd99::1/64           wg-xdp / wireguard-go wb<id> 10.99.0.2/24
#                                                  wgtool.py: garbage, replay, cookie flood
#   va<id> 10.250.0.1/24 fd00:250::1 :51820  <->   vb<id> 10.250.0.2/24 fd00:250::2 :51821
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/tunnel_matrix.bash"
source "$(dirname "$0")/lib/dataplane.bash"
need_root

wgx_daemons
EP_A=10.250.0.1:51820 EP_B=10.250.0.2:51821
set_peers "$EP_A" "$EP_B"
tunnel_addrs "$A" "$IFA" 1
tunnel_addrs "$B" "$IFB" 2
ping_ok "$A" 10.99.0.2 || fail "tunnel A -> B"

json() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }

# --- garbage ---
COUNTERS="rx_garbage rx_bad_mac rx_unknown_index rx_handshake_rejected"
for dst in 10.250.0.1 fd00:250::1; do
	declare -A before=()
	for c in $COUNTERS; do before[$c]=$(wgx_stat "$IFA" "$c"); done
	cap=$(tmpfile)
	# Anything A sends meanwhile other than to B's tunnel port would be a reply.
	capture_start "$A" "va$TID" "$cap" udp and src port 51820 and not dst port 51821
	res=$(ip netns exec "$B" $WGTOOL garbage "$dst" 51820 "$A_PUB")
	capture_stop "$CAP_PID"
	echo "garbage to $dst: $res"
	[ "$(json "$res" replies)" -eq 0 ] || fail "A answered garbage"
	grep -q . "$cap" && fail "A sent something back: $(cat "$cap")"
	for c in $COUNTERS; do
		got=$(( $(wgx_stat "$IFA" "$c") - before[$c] ))
		[ "$got" -eq "$(json "$res" "$c")" ] || fail "$c grew by $got, sent $(json "$res" "$c")"
	done
	wgx_alive "$PID_A" "$IFA" || fail "A died of garbage"
	ping_ok "$B" 10.99.0.1 || fail "tunnel after garbage to $dst"
	log "garbage to $dst: every datagram counted under its reason, none answered, tunnel fine"
done

# --- replay ---
sniffed=$(tmpfile)
sniff_out=$(tmpfile)
bg_start ip netns exec "$B" $WGTOOL sniff "vb$TID" 51821 1,4 6 10 "$sniffed" >"$sniff_out"
SNIFF_PID=$BG_PID
wait_for 5 grep -q ready "$sniff_out" || fail "sniffer did not start"
# A fresh session, so an initiation goes by, then 5 echo requests.
remove_peers
set_peers "$EP_A" "$EP_B"
ip netns exec "$A" ping -c 5 -i 0.2 -W 2 -q 10.99.0.2 >/dev/null || fail "ping A -> B to capture"
wait_for 5 grep -qx 6 "$sniff_out" || fail "captured $(tail -1 "$sniff_out") messages, not 6"
bg_stop "$SNIFF_PID" || true
replayed=$(wgx_stat "$IFB" rx_replayed)
rejected=$(wgx_stat "$IFB" rx_handshake_rejected)
# Delivered replays would show on B's tunnel, and B's answers on A's.
cap_b=$(tmpfile)
capture_start "$B" "$IFB" "$cap_b" icmp
CAP_B=$CAP_PID
cap_a=$(tmpfile)
capture_start "$A" "$IFA" "$cap_a" icmp
CAP_A=$CAP_PID
res=$(ip netns exec "$A" $WGTOOL replay 10.250.0.2 51821 "$sniffed")
capture_stop "$CAP_B"
capture_stop "$CAP_A"
echo "replay: $res"
[ "$(json "$res" sent)" -eq 6 ] || fail "replayed $(json "$res" sent) messages"
[ "$(json "$res" replies)" -eq 0 ] || fail "B answered replayed messages"
[ $(($(wgx_stat "$IFB" rx_replayed) - replayed)) -eq 5 ] || fail "rx_replayed did not grow by 5"
[ $(($(wgx_stat "$IFB" rx_handshake_rejected) - rejected)) -eq 1 ] ||
	fail "the replayed initiation was not rejected"
grep -q . "$cap_b" && fail "replayed packets reached B's tunnel: $(cat "$cap_b")"
grep -q . "$cap_a" && fail "B answered replayed packets: $(cat "$cap_a")"
ep=$(ip netns exec "$B" wg show "$IFB" endpoints | awk '{print $2}')
[ "$ep" = "$EP_A" ] || fail "replays from another port moved B's endpoint for A to $ep"
ping_ok "$A" 10.99.0.2 || fail "tunnel after the replay"
log "replay: 5 data messages and 1 initiation refused, nothing delivered or answered"

wgx_alive "$PID_A" "$IFA" || fail "A died"
wgx_alive "$PID_B" "$IFB" || fail "B died"
wgx_stop_clean "$PID_A" "$IFA"

# --- under load: cookies and the rate limit ---
WGX_ENV=WG_XDP_UNDER_LOAD=0 start_wg wgx "$A" "$IFA"
PID_A=$WG_PID
ip netns exec "$B" wg set "$IFB" peer "$A_PUB" remove
set_peers "$EP_A" "$EP_B"
tunnel_addrs "$A" "$IFA" 1
# B initiates: cookie reply, retry with MAC2 after REKEY_TIMEOUT.
start=$SECONDS
wait_for 15 ping_ok "$B" 10.99.0.1 1 || fail "under load: wg-xdp B could not handshake"
[ "$(wgx_stat "$IFA" rx_cookie_sent)" -ge 1 ] || fail "under load, but no cookie reply sent"
log "under load: wg-xdp initiator answered the cookie, tunnel up after $((SECONDS - start)) s"

before_rl=$(wgx_stat "$IFA" rx_ratelimited)
before_rej=$(wgx_stat "$IFA" rx_handshake_rejected)
before_ck=$(wgx_stat "$IFA" rx_cookie_sent)
res=$(ip netns exec "$B" $WGTOOL cookie-flood 10.250.0.1 51820 "$A_PUB" 30)
echo "cookie flood: $res"
[ "$(json "$res" cookie_replies)" -eq 1 ] || fail "one initiation, $(json "$res" cookie_replies) replies"
[ "$(json "$res" reply_lens)" = "[64]" ] || fail "cookie reply is not 64 bytes"
[ "$(json "$res" receiver_matches)" = True ] || fail "cookie reply names another sender index"
[ "$(json "$res" cookie_ok)" = True ] || fail "cookie reply does not decrypt"
[ "$(json "$res" later_replies)" -eq 0 ] || fail "initiations with MAC2 were answered"
rl=$(($(wgx_stat "$IFA" rx_ratelimited) - before_rl))
rej=$(($(wgx_stat "$IFA" rx_handshake_rejected) - before_rej))
ck=$(($(wgx_stat "$IFA" rx_cookie_sent) - before_ck))
echo "rate limited $rl, let through and rejected by Noise $rej, cookies $ck"
[ "$ck" -eq 1 ] || fail "MAC2-carrying initiations got cookie replies"
[ $((rl + rej)) -eq 30 ] || fail "$((rl + rej)) of 30 initiations accounted for"
[ "$rl" -ge 20 ] && [ "$rej" -ge 1 ] || fail "rate limit: $rl limited, $rej let through"
ping_ok "$B" 10.99.0.1 || fail "under load: tunnel after the flood"
log "under load: one 64-byte cookie per initiation, MAC2 accepted, 5 + 20/s per source"

wgx_alive "$PID_B" "$IFB" || fail "B died"
wgx_stop_clean "$PID_B" "$IFB"
if command -v wireguard-go >/dev/null; then
	start_wg wggo "$B" "$IFB"
	ip netns exec "$A" wg set "$IFA" peer "$B_PUB" remove
	set_peers "$EP_A" "$EP_B"
	tunnel_addrs "$B" "$IFB" 2
	before_ck=$(wgx_stat "$IFA" rx_cookie_sent)
	start=$SECONDS
	wait_for 15 ping_ok "$B" 10.99.0.1 1 || fail "under load: wireguard-go could not handshake"
	[ "$(wgx_stat "$IFA" rx_cookie_sent)" -gt "$before_ck" ] || fail "no cookie sent to wireguard-go"
	log "under load: wireguard-go answered the cookie, tunnel up after $((SECONDS - start)) s"
else
	log "wireguard-go not installed: its cookie round left out"
fi

wgx_stats "$IFA"
wgx_alive "$PID_A" "$IFA" || fail "A died"
wgx_stop_clean "$PID_A" "$IFA"
log ok
