#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Every key of the cross-platform UAPI, spoken raw over wa<id>'s socket
# (lib/uapi.py): each set key and what get=1 then shows, invalid values
# (errno=-22, as wireguard-go: negative errnos), malformed requests (an errno
# reply, and the daemon answers the next get=1), and after a real handshake
# with wb<id> the wall-clock last_handshake_time_* and growing rx/tx_bytes.
#
#   ns wgxA-<id>                                  ns wgxB-<id>
#   wg-xdp wa<id> 10.99.0.1/24 (raw UAPI)         wg-xdp wb<id> 10.99.0.2/24 (wg set)
#     listen 51820                                  listen 51821
#   va<id> 10.250.0.1/24 fd00:250::1/64   <->   vb<id> 10.250.0.2/24 fd00:250::2/64
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/daemon.bash"
need_root
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
[ -x "$WGX" ] || fail "$WGX not built"

two_hosts
start_wg wgx "$A" "$IFA"
DPID=$WG_PID
start_wg wgx "$B" "$IFB"

ZERO=$(printf '0%.0s' $(seq 64))
newpub() { wg genkey | wg pubkey; }
P1=$(hex_key "$(newpub)") P2=$(hex_key "$(newpub)") P3=$(hex_key "$(newpub)")
P9=$(hex_key "$(newpub)")
PSK=$(hex_key "$(wg genpsk)")
APRIV=$(hex_key "$A_PRIV") BPUB=$(hex_key "$B_PUB")

# dev_of GET: the device lines of a get=1 answer; peer_of GET HEX: one peer's
# lines (empty if absent); val LINES KEY: the values of KEY, one a line.
dev_of() { awk '/^(public_key|errno)=/ { exit } 1' <<<"$1"; }
peer_of() { awk -v k="public_key=$2" '$0 == k { on = 1; next } /^(public_key|errno)=/ { on = 0 } on' <<<"$1"; }
val() { sed -n "s/^$2=//p" <<<"$1"; }
peers_in() { val "$1" public_key | sort; }
expect() { [ "$1" = "$2" ] || fail "$3: got '$1', expected '$2'"; }
ips_of() { val "$(peer_of "$(uapi_get "$IFA")" "$1")" allowed_ip | sort | paste -sd' '; }

# set_errno EXPECTED LINES...: a set=1 of LINES must answer errno=EXPECTED.
set_errno() {
	local want=$1 out
	shift
	out=$({ echo set=1; printf '%s\n' "$@"; echo; } | uapi "$IFA") || true
	[ "$out" = "errno=$want" ] || fail "set=1 $*: got '$out', expected errno=$want"
}

# raw_errno EXPECTED_RE PRINTF_FORMAT: a raw request must get an errno reply
# matching EXPECTED_RE; the daemon must then still answer get=1.
raw_errno() {
	local want=$1 out
	out=$(printf "$2" | uapi "$IFA") || true
	grep -qxE "errno=$want" <<<"$(tail -n 1 <<<"$out")" ||
		fail "request $(printf '%q' "$2" | cut -c1-60): got '$out', expected errno=$want"
	uapi_get "$IFA" >/dev/null
	pid_alive "$DPID" || fail "daemon died on $(printf '%q' "$2" | cut -c1-60)"
}

log "fresh device: a random port, no key, no fwmark, no peers"
g=$(uapi_get "$IFA")
port=$(val "$g" listen_port)
[ "${port:-0}" -gt 0 ] || fail "fresh listen_port: '$port'"
expect "$(val "$g" private_key)$(val "$g" fwmark)$(val "$g" public_key)" "" "fresh device"

log "private_key, listen_port (fixed, then 0 = random)"
uapi_set_ok "$IFA" "private_key=$APRIV" listen_port=51820
g=$(uapi_get "$IFA")
expect "$(val "$g" private_key)" "$APRIV" private_key
expect "$(val "$g" listen_port)" 51820 listen_port
udp_owner() { ip netns exec "$A" ss -Hulnp "sport = :$1" | grep -c "pid=$DPID,"; }
[ "$(udp_owner 51820)" -ge 1 ] || fail "daemon not bound to 51820"
uapi_set_ok "$IFA" listen_port=0
port=$(val "$(uapi_get "$IFA")" listen_port)
[ "$port" -gt 0 ] && [ "$port" != 51820 ] || fail "listen_port=0 gave '$port'"
[ "$(udp_owner "$port")" -ge 1 ] || fail "daemon not bound to its random port $port"
[ "$(udp_owner 51820)" -eq 0 ] || fail "51820 still bound after listen_port=0"
uapi_set_ok "$IFA" "private_key=$ZERO"
expect "$(val "$(uapi_get "$IFA")" private_key)" "" "private_key after clearing"
uapi_set_ok "$IFA" "private_key=$APRIV" listen_port=51820

log "fwmark set and cleared"
uapi_set_ok "$IFA" fwmark=42
expect "$(val "$(uapi_get "$IFA")" fwmark)" 42 fwmark
# ss prints a socket's mark when it has one.
marks() { ip netns exec "$A" ss -Hulnpe "sport = :51820" 2>/dev/null | grep -o 'fwmark:[0-9a-fx]*' | sort -u; }
expect "$(marks)" fwmark:0x2a "the UDP sockets' mark"
uapi_set_ok "$IFA" fwmark=0
expect "$(val "$(uapi_get "$IFA")" fwmark)" "" "fwmark after fwmark=0"
expect "$(marks)" "" "the UDP sockets' mark after fwmark=0"

log "a peer with every key"
uapi_set_ok "$IFA" "public_key=$P1" "preshared_key=$PSK" endpoint=10.250.0.9:51829 \
	persistent_keepalive_interval=25 allowed_ip=10.1.0.0/24 allowed_ip=fd01::/64 protocol_version=1
p=$(peer_of "$(uapi_get "$IFA")" "$P1")
[ -n "$p" ] || fail "peer P1 missing"
expect "$(val "$p" preshared_key)" "$PSK" preshared_key
expect "$(val "$p" protocol_version)" 1 protocol_version
expect "$(val "$p" endpoint)" 10.250.0.9:51829 endpoint
expect "$(val "$p" persistent_keepalive_interval)" 25 persistent_keepalive_interval
expect "$(val "$p" last_handshake_time_sec) $(val "$p" last_handshake_time_nsec)" "0 0" \
	"last_handshake_time before any handshake"
grep -qE '^rx_bytes=[0-9]+$' <<<"$p" && grep -qE '^tx_bytes=[0-9]+$' <<<"$p" || fail "rx/tx_bytes: $p"
expect "$(ips_of "$P1")" "10.1.0.0/24 fd01::/64" allowed_ip

log "preshared_key cleared, endpoint [v6], persistent_keepalive_interval=0"
uapi_set_ok "$IFA" "public_key=$P1" "preshared_key=$ZERO" 'endpoint=[fd00:250::9]:51822' \
	persistent_keepalive_interval=0
p=$(peer_of "$(uapi_get "$IFA")" "$P1")
expect "$(val "$p" preshared_key)" "$ZERO" "preshared_key after clearing"
expect "$(val "$p" endpoint)" '[fd00:250::9]:51822' "v6 endpoint"
expect "$(val "$p" persistent_keepalive_interval)" 0 persistent_keepalive_interval

log "allowed_ip add and '-' removal, replace_allowed_ips"
uapi_set_ok "$IFA" "public_key=$P2" allowed_ip=10.5.0.0/16
uapi_set_ok "$IFA" "public_key=$P1" allowed_ip=10.3.7.7/16
expect "$(ips_of "$P1")" "10.1.0.0/24 10.3.0.0/16 fd01::/64" "allowed_ip add (masked)"
uapi_set_ok "$IFA" "public_key=$P1" allowed_ip=-10.1.0.0/24
expect "$(ips_of "$P1")" "10.3.0.0/16 fd01::/64" "allowed_ip=- removal"
uapi_set_ok "$IFA" "public_key=$P1" allowed_ip=-fd01::/64 allowed_ip=-10.5.0.0/16 \
	allowed_ip=-10.77.0.0/16
expect "$(ips_of "$P1")" "10.3.0.0/16" "v6 removal"
expect "$(ips_of "$P2")" "10.5.0.0/16" "another peer's prefix removed through P1"
uapi_set_ok "$IFA" "public_key=$P1" replace_allowed_ips=true allowed_ip=10.4.0.0/16 \
	allowed_ip=fd04::/64
expect "$(ips_of "$P1")" "10.4.0.0/16 fd04::/64" replace_allowed_ips
uapi_set_ok "$IFA" "public_key=$P1" allowed_ip=10.5.0.0/16
expect "$(ips_of "$P2")" "" "a prefix moves to the peer that claims it last"
uapi_set_ok "$IFA" "public_key=$P1" replace_allowed_ips=true
expect "$(ips_of "$P1")" "" "replace_allowed_ips with nothing"

log "update_only, remove, replace_peers"
uapi_set_ok "$IFA" "public_key=$P9" update_only=true allowed_ip=10.9.0.0/16
g=$(uapi_get "$IFA")
[ -z "$(peer_of "$g" "$P9")" ] || fail "update_only created a peer"
not grep -q '^allowed_ip=10.9.0.0/16$' <<<"$g" || fail "update_only left an allowed_ip"
uapi_set_ok "$IFA" "public_key=$P1" update_only=true persistent_keepalive_interval=7
expect "$(val "$(peer_of "$(uapi_get "$IFA")" "$P1")" persistent_keepalive_interval)" 7 \
	"update_only on a known peer"
uapi_set_ok "$IFA" "public_key=$P1" remove=true
g=$(uapi_get "$IFA")
expect "$(peers_in "$g")" "$P2" "after remove"
uapi_set_ok "$IFA" "public_key=$P1" allowed_ip=10.1.0.0/24 "public_key=$P3" allowed_ip=10.3.0.0/24
expect "$(peers_in "$(uapi_get "$IFA")" | wc -l)" 3 "three peers"
uapi_set_ok "$IFA" replace_peers=true "public_key=$P3" allowed_ip=10.30.0.0/24
g=$(uapi_get "$IFA")
expect "$(peers_in "$g")" "$P3" "after replace_peers"
expect "$(val "$g" allowed_ip | sort | paste -sd' ')" "10.30.0.0/24" \
	"allowed IPs after replace_peers"
uapi_set_ok "$IFA" replace_peers=true
expect "$(peers_in "$(uapi_get "$IFA")")" "" "replace_peers with nothing"
uapi_set_ok "$IFA" "public_key=$(hex_key "$A_PUB")" allowed_ip=10.8.0.0/16
expect "$(peers_in "$(uapi_get "$IFA")")" "" "a peer with our own public key"

log "invalid values: errno=-22, nothing applied"
set_errno -22 "public_key=$P1" protocol_version=2
set_errno -22 private_key=zz
set_errno -22 "private_key=${APRIV:1}"
set_errno -22 "private_key=g${APRIV:1}"
set_errno -22 "private_key=${APRIV}00"
set_errno -22 listen_port=65536
set_errno -22 listen_port=-1
set_errno -22 listen_port=abc
set_errno -22 listen_port=
set_errno -22 fwmark=4294967296
set_errno -22 fwmark=0x
set_errno -22 replace_peers=false
set_errno -22 public_key=abc
set_errno -22 "public_key=$P1" update_only=yes
set_errno -22 "public_key=$P1" remove=1
set_errno -22 "public_key=$P1" preshared_key=zz
set_errno -22 "public_key=$P1" endpoint=nonsense
set_errno -22 "public_key=$P1" endpoint=10.0.0.1
set_errno -22 "public_key=$P1" endpoint=10.0.0.1:65536
set_errno -22 "public_key=$P1" 'endpoint=[fd00::1:51820'
set_errno -22 "public_key=$P1" allowed_ip=10.0.0.0/33
set_errno -22 "public_key=$P1" allowed_ip=fd00::/129
set_errno -22 "public_key=$P1" allowed_ip=10.0.0.0
set_errno -22 "public_key=$P1" allowed_ip=10.0.0.300/32
set_errno -22 "public_key=$P1" persistent_keepalive_interval=65536
set_errno -22 "public_key=$P1" replace_allowed_ips=no
set_errno -22 "public_key=$P1" private_key="$APRIV"	# a device key after a peer's
set_errno -22 "public_key=$P1" no_such_key=1
set_errno -22 no_such_key=1
set_errno -22 endpoint=10.0.0.1:1	# a peer key before any public_key
set_errno -22 allowed_ip=10.0.0.0/8
expect "$(peers_in "$(uapi_get "$IFA")")" "" "peers after rejected requests"
expect "$(val "$(uapi_get "$IFA")" listen_port)" 51820 "listen_port after rejected requests"

log "malformed requests: an errno reply, and the daemon carries on"
raw_errno -71 'set=1\nno equals sign\n\n'
raw_errno '-[0-9]+' 'hello=1\n\n'
raw_errno '-[0-9]+' 'set=2\n\n'
raw_errno '-[0-9]+' 'GET=1\n\n'
raw_errno '-[0-9]+' '\n'
raw_errno -22 'get=1\nlisten_port=1\n\n'
raw_errno '-[0-9]+' 'set=1\nlisten_port=5\0000\n\n'
raw_errno '-[0-9]+' "set=1\nprivate_key=$(printf 'a%.0s' $(seq 300))\n\n"
raw_errno '-[0-9]+' "set=1\n$(printf 'x%.0s' $(seq 5000))=1\n\n"
raw_errno '-[0-9]+' "$(printf 'y%.0s' $(seq 5000))\n\n"
# Two requests on one connection get two answers.
out=$(printf 'set=1\nfwmark=7\n\nget=1\n\n' | uapi "$IFA" 2)
expect "$(grep -c '^errno=0$' <<<"$out")" 2 "pipelined requests"
grep -qx fwmark=7 <<<"$out" || fail "pipelined get did not see the set: $out"
uapi_set_ok "$IFA" fwmark=0
# A client that hangs up mid-request changes nothing.
"$PY" -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b"set=1\nlisten_port=5")
s.close()' "$(sock_of "$IFA")"
expect "$(val "$(uapi_get "$IFA")" listen_port)" 51820 "listen_port after a cut request"
# A client that says nothing holds the daemon back a few seconds at most.
bg_start "$PY" -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
time.sleep(8)' "$(sock_of "$IFA")"
sleep 0.3
t0=$SECONDS
uapi_get "$IFA" >/dev/null
[ $((SECONDS - t0)) -le 4 ] || fail "a silent client held the daemon $((SECONDS - t0)) s"
pid_alive "$DPID" || fail "daemon died"

log "a handshake: wall-clock last_handshake_time, rx/tx_bytes growing"
uapi_set_ok "$IFA" replace_peers=true "public_key=$BPUB" endpoint=10.250.0.2:51821 \
	replace_allowed_ips=true allowed_ip=10.99.0.2/32
ip netns exec "$B" wg set "$IFB" private-key "$(wg_key_file "$B_PRIV")" listen-port 51821 \
	peer "$A_PUB" endpoint 10.250.0.1:51820 allowed-ips 10.99.0.1/32
tunnel_addrs "$A" "$IFA" 1
tunnel_addrs "$B" "$IFB" 2
before=$(date +%s)
ping_ok "$A" 10.99.0.2 || fail "no ping through the tunnel"
after=$(date +%s)
p=$(peer_of "$(uapi_get "$IFA")" "$BPUB")
echo "$p"
sec=$(val "$p" last_handshake_time_sec) nsec=$(val "$p" last_handshake_time_nsec)
[ "$sec" -ge $((before - 1)) ] && [ "$sec" -le $((after + 1)) ] ||
	fail "last_handshake_time_sec=$sec is not wall-clock time (between $before and $after)"
[ "$nsec" -ge 0 ] && [ "$nsec" -le 999999999 ] || fail "last_handshake_time_nsec=$nsec"
rx1=$(val "$p" rx_bytes) tx1=$(val "$p" tx_bytes)
[ "$rx1" -gt 0 ] && [ "$tx1" -gt 0 ] || fail "rx_bytes=$rx1 tx_bytes=$tx1 after a ping"
expect "$(ip netns exec "$A" wg show "$IFA" latest-handshakes | awk '{ print $2 }')" "$sec" \
	"wg show latest-handshakes"
ping_ok "$A" 10.99.0.2 5 || fail "second ping"
p=$(peer_of "$(uapi_get "$IFA")" "$BPUB")
rx2=$(val "$p" rx_bytes) tx2=$(val "$p" tx_bytes)
[ "$rx2" -gt "$rx1" ] && [ "$tx2" -gt "$tx1" ] || fail "rx/tx_bytes did not grow: $rx1->$rx2 $tx1->$tx2"
expect "$(val "$p" last_handshake_time_sec)" "$sec" "no new handshake for a second ping"
log "rx_bytes $rx1 -> $rx2, tx_bytes $tx1 -> $tx2"

pid_alive "$DPID" || fail "daemon died"
check_daemon_logs || fail "sanitizer report"
log ok
