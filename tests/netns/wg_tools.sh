#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Stock wg(8) driving wg-xdp: wg set / setconf / addconf / syncconf / show /
# showconf; syncconf keeping an unchanged peer's session and dropping a
# removed peer; the private key changed at runtime (old sessions dropped, a
# new handshake with the peer told the new key); the listen port changed at
# runtime (the peer reaches us on the new one); showconf -> restart ->
# setconf giving the same showconf and a working tunnel; 200 peers.
#
#   ns wgxA-<id>                                  ns wgxB-<id>
#   wg-xdp wa<id> 10.99.0.1/24 fd99::1/64         wg-xdp wb<id> 10.99.0.2/24 fd99::2/64
#     listen 51820, then 51830                      listen 51821
#     + up to 199 peers that do not exist
#   va<id> 10.250.0.1/24 fd00:250::1/64   <->   vb<id> 10.250.0.2/24 fd00:250::2/64
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/daemon.bash"
need_root
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
[ -x "$WGX" ] || fail "$WGX not built"

two_hosts
start_wg wgx "$A" "$IFA"
APID=$WG_PID
start_wg wgx "$B" "$IFB"
wgA() { ip netns exec "$A" wg "$@"; }
wgB() { ip netns exec "$B" wg "$@"; }
expect() { [ "$1" = "$2" ] || fail "$3: got '$1', expected '$2'"; }
TAB=$'\t'
PSK=$(wg genpsk)
X1=$(wg genkey | wg pubkey) X2=$(wg genkey | wg pubkey) Y=$(wg genkey | wg pubkey)
# handshake_of IF PEER (in NS A): latest-handshake seconds.
hs_of() { wgA show "$IFA" latest-handshakes | awk -v k="$1" '$1 == k { print $2 }'; }

# --- wg set / wg show ------------------------------------------------------
log "wg set, then every wg show field"
wgA set "$IFA" private-key "$(wg_key_file "$A_PRIV")" listen-port 51820 \
	peer "$B_PUB" endpoint 10.250.0.2:51821 allowed-ips 10.99.0.2/32,fd99::2/128
wgB set "$IFB" private-key "$(wg_key_file "$B_PRIV")" listen-port 51821 \
	peer "$A_PUB" endpoint 10.250.0.1:51820 allowed-ips 10.99.0.1/32,fd99::1/128
expect "$(wgA show "$IFA" public-key)" "$A_PUB" "show public-key"
expect "$(wgA show "$IFA" private-key)" "$A_PRIV" "show private-key"
expect "$(wgA show "$IFA" listen-port)" 51820 "show listen-port"
expect "$(wgA show "$IFA" fwmark)" off "show fwmark"
expect "$(wgA show "$IFA" peers)" "$B_PUB" "show peers"
expect "$(wgA show "$IFA" endpoints)" "$B_PUB${TAB}10.250.0.2:51821" "show endpoints"
expect "$(wgA show "$IFA" allowed-ips)" "$B_PUB${TAB}10.99.0.2/32 fd99::2/128" "show allowed-ips"
expect "$(wgA show "$IFA" preshared-keys)" "$B_PUB${TAB}(none)" "show preshared-keys"
expect "$(wgA show "$IFA" persistent-keepalive)" "$B_PUB${TAB}off" "show persistent-keepalive"
expect "$(wgA show "$IFA" latest-handshakes)" "$B_PUB${TAB}0" "show latest-handshakes"
expect "$(wgA show "$IFA" dump | head -n 1)" "$A_PRIV${TAB}$A_PUB${TAB}51820${TAB}off" "dump"
grep -qx "$IFA" <<<"$(wgA show interfaces | tr ' ' '\n')" || fail "show interfaces lacks $IFA"
tunnel_addrs "$A" "$IFA" 1
tunnel_addrs "$B" "$IFB" 2
ping_ok "$A" 10.99.0.2 || fail "ping v4 after wg set"
ping_ok "$A" fd99::2 || fail "ping v6 after wg set"
show=$(wgA show "$IFA")
echo "$show"
for want in "interface: $IFA" "public key: $A_PUB" "private key: (hidden)" \
	"listening port: 51820" "peer: $B_PUB" "endpoint: 10.250.0.2:51821" \
	"allowed ips: 10.99.0.2/32, fd99::2/128" "latest handshake: " "transfer: "; do
	grep -qF "$want" <<<"$show" || fail "wg show lacks '$want'"
done
wgA set "$IFA" peer "$Y" allowed-ips 10.97.0.0/16 persistent-keepalive 15
expect "$(wgA show "$IFA" peers | sort)" "$(printf '%s\n' "$B_PUB" "$Y" | sort)" "peers after wg set"
wgA set "$IFA" peer "$Y" remove
expect "$(wgA show "$IFA" peers)" "$B_PUB" "peers after wg set remove"

# --- setconf, addconf, showconf --------------------------------------------
log "wg setconf replaces everything, wg addconf adds"
psk=$(wg_key_file "$PSK")
wgB set "$IFB" peer "$A_PUB" preshared-key "$psk"
wgA set "$IFA" peer "$Y" allowed-ips 10.97.0.0/16
c1=$(tmpfile)
cat >"$c1" <<EOF
[Interface]
PrivateKey = $A_PRIV
ListenPort = 51820
FwMark = 0x2a

[Peer]
PublicKey = $B_PUB
PresharedKey = $PSK
Endpoint = 10.250.0.2:51821
AllowedIPs = 10.99.0.2/32, fd99::2/128
PersistentKeepalive = 25

[Peer]
PublicKey = $X1
AllowedIPs = 10.98.1.0/24, fd98:1::/64
EOF
wgA setconf "$IFA" "$c1"
conf=$(wgA showconf "$IFA")
echo "$conf"
expect "$(wgA show "$IFA" peers | sort)" "$(printf '%s\n' "$B_PUB" "$X1" | sort)" "peers after setconf"
expect "$(wgA show "$IFA" fwmark)" 0x2a "fwmark after setconf"
for want in "PrivateKey = $A_PRIV" "ListenPort = 51820" "FwMark = 0x2a" "PublicKey = $B_PUB" \
	"PresharedKey = $PSK" "Endpoint = 10.250.0.2:51821" "PersistentKeepalive = 25" \
	"PublicKey = $X1"; do
	grep -qxF "$want" <<<"$conf" || fail "showconf lacks '$want'"
done
expect "$(wgA show "$IFA" allowed-ips | sort)" \
	"$(printf '%s\n' "$B_PUB${TAB}10.99.0.2/32 fd99::2/128" "$X1${TAB}10.98.1.0/24 fd98:1::/64" | sort)" \
	"allowed-ips after setconf"
ping_ok "$A" 10.99.0.2 || fail "ping after setconf (with a preshared key)"
c2=$(tmpfile)
printf '[Peer]\nPublicKey = %s\nAllowedIPs = 10.98.2.0/24\n' "$X2" >"$c2"
wgA addconf "$IFA" "$c2"
expect "$(wgA show "$IFA" peers | sort)" "$(printf '%s\n' "$B_PUB" "$X1" "$X2" | sort)" \
	"peers after addconf"

# --- syncconf --------------------------------------------------------------
log "wg syncconf keeps an unchanged peer's session, drops removed peers"
ping_ok "$A" 10.99.0.2 1 || fail "ping before syncconf"
hs=$(hs_of "$B_PUB")
[ "${hs:-0}" -gt 0 ] || fail "no handshake before syncconf"
rx_before=$(wgA show "$IFA" transfer | awk -v k="$B_PUB" '$1 == k { print $2 }')
sleep 1.2	# a new handshake now would show a later second
c3=$(tmpfile)
head -n -4 "$c1" >"$c3"	# c1 without its last peer, X1
grep -q "$X1" "$c3" && fail "c3 still has X1"
wgA syncconf "$IFA" "$c3"
expect "$(wgA show "$IFA" peers)" "$B_PUB" "peers after syncconf"
expect "$(hs_of "$B_PUB")" "$hs" "latest handshake right after syncconf"
ping_ok "$A" 10.99.0.2 || fail "ping after syncconf"
expect "$(hs_of "$B_PUB")" "$hs" "latest handshake after syncconf and a ping (session kept)"
rx_after=$(wgA show "$IFA" transfer | awk -v k="$B_PUB" '$1 == k { print $2 }')
[ "$rx_after" -gt "$rx_before" ] || fail "transfer reset by syncconf: $rx_before -> $rx_after"
wgA syncconf "$IFA" "$c1"
expect "$(wgA show "$IFA" peers | sort)" "$(printf '%s\n' "$B_PUB" "$X1" | sort)" "syncconf adding X1"
expect "$(hs_of "$B_PUB")" "$hs" "latest handshake after syncconf adding a peer"

# --- private key at runtime ------------------------------------------------
log "private key changed at runtime"
A_PRIV2=$(wg genkey)
A_PUB2=$(echo "$A_PRIV2" | wg pubkey)
wgA set "$IFA" private-key "$(wg_key_file "$A_PRIV2")"
expect "$(wgA show "$IFA" public-key)" "$A_PUB2" "public key after the change"
# B still knows the old key: with the old sessions gone nothing gets through.
not ping_ok "$A" 10.99.0.2 2 || fail "ping passed on an old session after the key change"
t_change=$(date +%s)
wgB set "$IFB" peer "$A_PUB" remove peer "$A_PUB2" preshared-key "$psk" \
	endpoint 10.250.0.1:51820 allowed-ips 10.99.0.1/32,fd99::1/128
ping_ok "$B" 10.99.0.1 || fail "no ping with the peer told the new key"
ping_ok "$A" 10.99.0.2 || fail "no ping A -> B with the new key"
[ "$(hs_of "$B_PUB")" -ge "$t_change" ] || fail "no new handshake after the key change"

# --- listen port at runtime ------------------------------------------------
log "listen port changed at runtime"
wgA set "$IFA" listen-port 51830
expect "$(wgA show "$IFA" listen-port)" 51830 "listen-port after the change"
grep -q "pid=$APID," <<<"$(ip netns exec "$A" ss -Hulnp "sport = :51830")" || fail "not bound to 51830"
[ -z "$(ip netns exec "$A" ss -Hulnp "sport = :51820")" ] || fail "51820 still bound"
wgB set "$IFB" peer "$A_PUB2" endpoint 10.250.0.1:51830
ping_ok "$B" 10.99.0.1 || fail "B cannot reach A on its new port (v4)"
wgB set "$IFB" peer "$A_PUB2" endpoint '[fd00:250::1]:51830'
ping_ok "$B" fd99::1 || fail "B cannot reach A on its new port (v6)"
ping_ok "$A" 10.99.0.2 || fail "A -> B after the port change"

# --- showconf -> restart -> setconf ----------------------------------------
log "showconf, restart the daemon, setconf: same config, working tunnel"
saved=$(tmpfile)
wgA showconf "$IFA" >"$saved"
stop_daemon "$APID" "$IFA"
start_wg wgx "$A" "$IFA"
APID=$WG_PID
wgA setconf "$IFA" "$saved"
diff -u "$saved" <(wgA showconf "$IFA") || fail "showconf differs after the round trip"
tunnel_addrs "$A" "$IFA" 1
ping_ok "$A" 10.99.0.2 || fail "no ping after the restart"

# --- 200 peers -------------------------------------------------------------
log "200 peers through setconf"
big=$(tmpfile) want=$(tmpfile)
printf '[Interface]\nPrivateKey = %s\nListenPort = 51830\n' "$A_PRIV2" >"$big"
for i in $(seq 1 200); do
	if [ "$i" -eq 100 ]; then
		pub=$B_PUB ips="10.99.0.2/32, fd99::2/128"
		printf '\n[Peer]\nPublicKey = %s\nPresharedKey = %s\nEndpoint = 10.250.0.2:51821\n' \
			"$pub" "$PSK" >>"$big"
	else
		pub=$(wg genkey | wg pubkey) ips="10.100.$((i / 200)).$((i % 200 + 1))/32, fd64::$i/128"
		printf '\n[Peer]\nPublicKey = %s\n' "$pub" >>"$big"
	fi
	printf 'AllowedIPs = %s\n' "$ips" >>"$big"
	printf '%s\t%s\n' "$pub" "${ips/, / }" >>"$want"
done
wgA setconf "$IFA" "$big"
expect "$(wgA show "$IFA" peers | wc -l)" 200 "peer count"
diff -u <(sort "$want") <(wgA show "$IFA" allowed-ips | sort) >/dev/null ||
	fail "allowed-ips of the 200 peers differ: $(diff <(sort "$want") <(wgA show "$IFA" allowed-ips | sort) | head -5)"
expect "$(wgA showconf "$IFA" | grep -c '^\[Peer\]')" 200 "showconf peer count"
ping_ok "$A" 10.99.0.2 || fail "no ping to the real peer among 200"
ping_ok "$A" fd99::2 || fail "no v6 ping to the real peer among 200"

pid_alive "$APID" || fail "daemon died"
check_daemon_logs || fail "sanitizer report"
log ok
