# SPDX-License-Identifier: GPL-2.0
# What the wg-xdp-vs-X interop tests check beyond the tunnel matrix. Source
# after common.bash, tunnel_matrix.bash and dataplane.bash; call interop_extras
# after run_tunnel_matrix, on its hosts ($A: wg-xdp, $B: the other one).
#
#   ns wgxA-<id>                                 ns wgxB-<id>
#   wg-xdp wa<id> 10.99.0.1/24 fd99::1/64         $IMPL wb<id> 10.99.0.2/24 fd99::2/64
#   va<id> 10.250.0.1/24 fd00:250::1/64   <->   vb<id> 10.250.0.2/24 fd00:250::2/64

# tcp_transfer FROM_NS TO_NS TO_ADDR FILE: FILE over one TCP connection through
# the tunnel; the receiver's byte count and SHA-256 must match the file's.
tcp_transfer() {
	local from=$1 to=$2 addr=$3 file=$4 out want got sink t0
	out=$(tmpfile)
	bg_start ip netns exec "$to" $WGTOOL tcp-sink "$addr" 5001 60 >"$out"
	sink=$BG_PID
	wait_for 30 grep -q ready "$out" || fail "TCP sink on $addr did not start"
	t0=$(date +%s%N)
	ip netns exec "$from" $WGTOOL tcp-send "$addr" 5001 "$file" 60 || fail "sending to $addr"
	wait_for 60 grep -q ' ' "$out" || fail "sink on $addr did not finish"
	bg_stop "$sink" || true
	want="$(stat -c %s "$file") $(sha256sum "$file" | cut -d' ' -f1)"
	got=$(tail -n 1 "$out")
	[ "$got" = "$want" ] || fail "to $addr: received \"$got\", sent \"$want\""
	log "$from -> $addr: ${want% *} bytes, SHA-256 equal, $((($(date +%s%N) - t0) / 1000000)) ms"
}

# interop_extras IMPL NAME: against start_wg's IMPL (called NAME in messages) in $B,
#  - B restarted: a fresh daemon, no state from the matrix;
#  - 10 MiB of random bytes over TCP each way, over the IPv6 then the IPv4
#    underlay (inner IPv6 one way, IPv4 the other), sizes and SHA-256 compared;
#  - full-MTU (1420) pings with DF both ways, inner IPv4 and IPv6;
#  - the same preshared key on both sides: tunnel up, each side initiating;
#    different ones: no session, wg-xdp rejects the response (rx_handshake_rejected);
#    B's peer set again with the right key: tunnel up.
# Peers with a PSK are created in one `wg set` and replaced, never modified:
# boringtun panics on a change to an existing peer ("Modifying existing peers
# is not yet supported").
interop_extras() {
	local impl=$1 name=$2 big outer epA epB psk1 psk2 rej
	bg_stop "$PID_B" || true
	rm -f "/var/run/wireguard/$IFB.sock"
	start_wg "$impl" "$B" "$IFB"
	PID_B=$WG_PID
	tunnel_addrs "$B" "$IFB" 2

	big=$(tmpfile)
	head -c 10M /dev/urandom >"$big"
	for outer in v6 v4; do
		if [ $outer = v4 ]; then epA=10.250.0.1:51820 epB=10.250.0.2:51821
		else epA='[fd00:250::1]:51820' epB='[fd00:250::2]:51821'; fi
		ip netns exec "$A" wg set "$IFA" peer "$B_PUB" remove
		set_peers "$epA" "$epB"
		if [ $outer = v4 ]; then
			tcp_transfer "$A" "$B" 10.99.0.2 "$big"
			tcp_transfer "$B" "$A" fd99::1 "$big"
		else
			tcp_transfer "$A" "$B" fd99::2 "$big"
			tcp_transfer "$B" "$A" 10.99.0.1 "$big"
		fi
		ip netns exec "$A" ping -M do -c 2 -i 0.2 -W 2 -q -s 1392 10.99.0.2 >/dev/null ||
			fail "1420-byte IPv4 DF ping wg-xdp -> $name over $outer"
		ip netns exec "$B" ping -M do -c 2 -i 0.2 -W 2 -q -s 1372 fd99::1 >/dev/null ||
			fail "1420-byte IPv6 DF ping $name -> wg-xdp over $outer"
		log "$outer underlay: 10 MiB each way, full-MTU DF pings: ok"
		remove_peers
	done

	psk1=$(wg_key_file "$(wg genpsk)")
	psk2=$(wg_key_file "$(wg genpsk)")
	# psk_peer NS IF PUB EP ALLOWED PSK_FILE: (re)creates one peer with a PSK.
	psk_peer() {
		ip netns exec "$1" wg set "$2" peer "$3" remove
		ip netns exec "$1" wg set "$2" peer "$3" preshared-key "$6" endpoint "$4" allowed-ips "$5"
	}
	# with_psk KEY_A KEY_B: fresh peers on both sides, with these preshared keys.
	with_psk() {
		psk_peer "$A" "$IFA" "$B_PUB" 10.250.0.2:51821 10.99.0.2/32,fd99::2/128 "$1"
		psk_peer "$B" "$IFB" "$A_PUB" 10.250.0.1:51820 10.99.0.1/32,fd99::1/128 "$2"
	}
	with_psk "$psk1" "$psk1"
	ping_ok "$A" 10.99.0.2 || fail "same PSK: wg-xdp -> $name"
	ping_ok "$B" fd99::1 || fail "same PSK: $name -> wg-xdp (wg-xdp's session)"
	with_psk "$psk1" "$psk1"
	ping_ok "$B" 10.99.0.1 || fail "same PSK: $name initiating"
	ping_ok "$A" fd99::2 || fail "same PSK: wg-xdp -> $name ($name's session)"
	ip netns exec "$A" wg show "$IFA" | grep -q "preshared key: (hidden)" || fail "wg-xdp shows no PSK"
	log "same PSK: tunnel up, each side initiating"

	with_psk "$psk1" "$psk2"
	rej=$(wgx_stat "$IFA" rx_handshake_rejected)
	! ip netns exec "$A" ping -c 2 -i 0.5 -W 1 -q 10.99.0.2 >/dev/null 2>&1 || fail "PSK mismatch: ping A -> B went through"
	! ip netns exec "$B" ping -c 2 -i 0.5 -W 1 -q 10.99.0.1 >/dev/null 2>&1 || fail "PSK mismatch: ping B -> A went through"
	[ "$(wgx_stat "$IFA" rx_handshake_rejected)" -gt "$rej" ] || fail "wg-xdp did not reject $name's response"
	ip netns exec "$A" wg show "$IFA" latest-handshakes | awk '{exit !($2 > 0)}' &&
		fail "PSK mismatch: wg-xdp shows a handshake"
	psk_peer "$B" "$IFB" "$A_PUB" 10.250.0.1:51820 10.99.0.1/32,fd99::1/128 "$psk1"
	wait_for 15 ping_ok "$A" 10.99.0.2 1 || fail "PSK fixed on $name: no tunnel"
	log "different PSKs: no handshake, response rejected; B's key fixed: tunnel up"

	wgx_alive "$PID_A" "$IFA" || fail "wg-xdp died"
	# The kernel module has no process; its link must still be there.
	if [ -n "$PID_B" ]; then
		pid_alive "$PID_B" || fail "$name died"
	else
		ip -n "$B" link show "$IFB" >/dev/null || fail "$name's link is gone"
	fi
	wgx_stop_clean "$PID_A" "$IFA"
}
