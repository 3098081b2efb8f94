# SPDX-License-Identifier: GPL-2.0
# The basic tunnel matrix, shared by the wg-xdp-vs-X tests: pings over inner
# IPv4 and IPv6, across an IPv4 and an IPv6 underlay, each side initiating
# once. A is always wg-xdp; B is the implementation under comparison.
#
#   ns wgxA-<id>                                 ns wgxB-<id>
#   wg-xdp wa<id> 10.99.0.1/24 fd99::1/64         $B_IMPL wb<id> 10.99.0.2/24 fd99::2/64
#   va<id> 10.250.0.1/24 fd00:250::1/64   <->   vb<id> 10.250.0.2/24 fd00:250::2/64

# set_peers EP_OF_A EP_OF_B: (re)configure both sides to know each other.
set_peers() {
	ip netns exec "$A" wg set "$IFA" private-key "$(wg_key_file "$A_PRIV")" listen-port 51820 \
		peer "$B_PUB" endpoint "$2" allowed-ips 10.99.0.2/32,fd99::2/128
	ip netns exec "$B" wg set "$IFB" private-key "$(wg_key_file "$B_PRIV")" listen-port 51821 \
		peer "$A_PUB" endpoint "$1" allowed-ips 10.99.0.1/32,fd99::1/128
}

remove_peers() {
	ip netns exec "$A" wg set "$IFA" peer "$B_PUB" remove
	ip netns exec "$B" wg set "$IFB" peer "$A_PUB" remove
}

# run_tunnel_matrix IMPL: leaves both daemons running, pids in PID_A and PID_B.
# MATRIX_OUTERS: the underlays in order (default "v4 v6").
run_tunnel_matrix() {
	local b_impl=$1 outer epA epB
	two_hosts
	start_wg wgx "$A" "$IFA"
	PID_A=$WG_PID
	start_wg "$b_impl" "$B" "$IFB"
	PID_B=$WG_PID
	for outer in ${MATRIX_OUTERS:-v4 v6}; do
		if [ $outer = v4 ]; then epA=10.250.0.1:51820 epB=10.250.0.2:51821
		else epA='[fd00:250::1]:51820' epB='[fd00:250::2]:51821'; fi
		set_peers "$epA" "$epB"
		ip -n "$A" link show "$IFA" | grep -q ',UP' || tunnel_addrs "$A" "$IFA" 1
		ip -n "$B" link show "$IFB" | grep -q ',UP' || tunnel_addrs "$B" "$IFB" 2
		log "$outer underlay: wg-xdp initiates to $b_impl"
		ping_ok "$A" 10.99.0.2 || fail "A -> B inner v4 over $outer"
		ping_ok "$A" fd99::2 || fail "A -> B inner v6 over $outer"
		# Fresh sessions for the other direction.
		remove_peers
		set_peers "$epA" "$epB"
		log "$outer underlay: $b_impl initiates to wg-xdp"
		ping_ok "$B" 10.99.0.1 || fail "B -> A inner v4 over $outer"
		ping_ok "$B" fd99::1 || fail "B -> A inner v6 over $outer"
		remove_peers
	done
	set_peers "$epA" "$epB"
	ping_ok "$A" 10.99.0.2 1 || fail "final ping"
	local show
	show=$(ip netns exec "$A" wg show "$IFA")
	echo "$show"
	grep -q "latest handshake" <<<"$show" || fail "wg show: no handshake"
	grep -q "transfer: .* received, .* sent" <<<"$show" || fail "wg show: no transfer line"
}

# wgx_daemons: two hosts with wg-xdp on both, pids in PID_A and PID_B.
wgx_daemons() {
	two_hosts
	start_wg wgx "$A" "$IFA"
	PID_A=$WG_PID
	start_wg wgx "$B" "$IFB"
	PID_B=$WG_PID
}

# wgx_pair: the common start of data-plane tests: wgx_daemons, peers set over
# the IPv4 underlay, tunnel addresses up.
wgx_pair() {
	wgx_daemons
	set_peers 10.250.0.1:51820 10.250.0.2:51821
	tunnel_addrs "$A" "$IFA" 1
	tunnel_addrs "$B" "$IFB" 2
}
