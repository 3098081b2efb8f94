#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# wg-xdp's wg(8) commands against Debian's wg on the same interfaces: every
# `show` form, `showconf` and the error messages must be byte-for-byte the
# same; set/setconf/addconf/syncconf must configure a working tunnel;
# syncconf must keep the session of an unchanged peer; --json and --stats.
#
#   ns wgxA-<id>                                  ns wgxB-<id>
#   wg-xdp wa<id> 10.99.0.1/24 fd99::1/64          wg-xdp wb<id> 10.99.0.2/24 fd99::2/64
#     peers: B, C (never answers), D (bare)          peer: A  (configured by setconf)
#     (configured by `wg-xdp set`)
#   va<id> 10.250.0.1/24 fd00:250::1/64   <->    vb<id> 10.250.0.2/24 fd00:250::2/64
source "$(dirname "$0")/lib/common.bash"
need_root
command -v wg >/dev/null || skip "wg (wireguard-tools) not installed"
command -v python3 >/dev/null || skip "python3 not installed"
[ -x "$WGX" ] || skip "$WGX not built"

T=$(mktemp -d)
_FILES+=("$T")
chmod 700 "$T"

# same NS ARGS...: wg and wg-xdp give the same stdout, stderr and status. Retried a few
# times: a second may tick ("latest handshake") or a keepalive may go out between the calls.
same() {
	local ns=$1 i wrc xrc
	shift
	for i in 1 2 3 4 5; do
		wrc=0 xrc=0
		ip netns exec "$ns" wg "$@" >"$T/wg.out" 2>"$T/wg.err" || wrc=$?
		ip netns exec "$ns" "$WGX" "$@" >"$T/x.out" 2>"$T/x.err" || xrc=$?
		if cmp -s "$T/wg.out" "$T/x.out" && cmp -s "$T/wg.err" "$T/x.err" &&
			[ $wrc -eq $xrc ]; then
			return 0
		fi
		sleep 0.3
	done
	diff -u "$T/wg.out" "$T/x.out" >&2 || true
	diff -u "$T/wg.err" "$T/x.err" >&2 || true
	fail "wg-xdp $* differs from wg $* (status wg $wrc, wg-xdp $xrc)"
}

# fails_like NS ARGS...: both refuse with status 1 and the same one-line message.
fails_like() {
	local ns=$1
	shift
	same "$ns" "$@"
	[ "$(wc -l <"$T/x.err")" -ge 1 ] || fail "wg-xdp $*: no message"
	ip netns exec "$ns" "$WGX" "$@" >/dev/null 2>&1 && fail "wg-xdp $* succeeded"
	log "refused like wg: $* -> $(head -1 "$T/x.err")"
}

wgx() { ip netns exec "$1" "$WGX" "${@:2}"; }
handshake_of() { wgx "$1" show "$2" latest-handshakes | awk -v k="$3" '$1 == k { print $2 }'; }

two_hosts
start_wg wgx "$A" "$IFA"
start_wg wgx "$B" "$IFB"
PSK=$(wg genpsk)
C_PUB=$(wg genkey | wg pubkey) D_PUB=$(wg genkey | wg pubkey) E_PUB=$(wg genkey | wg pubkey)
A_KEY=$(wg_key_file "$A_PRIV") PSK_FILE=$(wg_key_file "$PSK")

log "B by setconf, A by set"
cat >"$T/b.conf" <<EOF
[Interface]
PrivateKey = $B_PRIV
ListenPort = 51821

[Peer]
PublicKey = $A_PUB
PresharedKey = $PSK
Endpoint = 10.250.0.1:51820
AllowedIPs = 10.99.0.1/32, fd99::1/128
EOF
chmod 600 "$T/b.conf"
wgx "$B" setconf "$IFB" "$T/b.conf" 2>"$T/err"
[ -s "$T/err" ] && fail "setconf of a 0600 file warned: $(cat "$T/err")"
wgx "$A" set "$IFA" private-key "$A_KEY" listen-port 51820 fwmark 0x1234 \
	peer "$B_PUB" preshared-key "$PSK_FILE" endpoint 10.250.0.2:51821 \
	allowed-ips "10.99.0.2/32, fd99::2/128" \
	peer "$C_PUB" endpoint '[fd00:250::3]:51822' allowed-ips 10.99.0.3/32,10.98.0.0/16 \
	peer "$D_PUB" persistent-keepalive 25
tunnel_addrs "$A" "$IFA" 1
tunnel_addrs "$B" "$IFB" 2
ping_ok "$A" 10.99.0.2 5 || fail "no ping over a tunnel configured by wg-xdp set/setconf"
ping_ok "$A" fd99::2 3 || fail "no inner IPv6 ping"

log "every show form and showconf, as wg prints them"
for field in "" public-key private-key listen-port fwmark peers preshared-keys endpoints \
	allowed-ips latest-handshakes transfer persistent-keepalive dump; do
	# shellcheck disable=SC2086 # the empty field is no argument
	same "$A" show "$IFA" $field
	# shellcheck disable=SC2086
	same "$B" show "$IFB" $field
done
WG_HIDE_KEYS=never same "$A" show "$IFA"
same "$A" showconf "$IFA"
same "$B" showconf "$IFB"

# `show all` lists every daemon on the machine (the socket directory is shared): compare ours.
for field in public-key listen-port peers allowed-ips transfer dump; do
	wg show all "$field" | grep -E "^($IFA|$IFB)	" >"$T/wg.all" || true
	"$WGX" show all "$field" | grep -E "^($IFA|$IFB)	" >"$T/x.all" || true
	[ -s "$T/x.all" ] || fail "show all $field: nothing for our interfaces"
	cmp -s "$T/wg.all" "$T/x.all" || { diff -u "$T/wg.all" "$T/x.all"; fail "show all $field"; }
done
grep -qx "$IFA" <<<"$("$WGX" show interfaces | tr ' ' '\n')" || fail "show interfaces: no $IFA"
grep -qx "interface: $IFB" <<<"$("$WGX")" || fail "wg-xdp without arguments does not show $IFB"

log "--json and --stats"
wgx "$A" show "$IFA" --json >"$T/a.json"
python3 - "$T/a.json" "$B_PUB" <<'EOF' || fail "show --json: $(cat "$T/a.json")"
import json, sys
dev = json.load(open(sys.argv[1]))
peer = [p for p in dev["peers"] if p["public_key"] == sys.argv[2]][0]
assert dev["listen_port"] == 51820 and dev["fwmark"] == 0x1234, dev
assert peer["latest_handshake"] > 0 and peer["rx_bytes"] > 0 and peer["tx_bytes"] > 0, peer
assert peer["allowed_ips"] == ["10.99.0.2/32", "fd99::2/128"], peer
assert peer["endpoint"] == "10.250.0.2:51821" and peer["preshared_key"] == "(hidden)", peer
assert isinstance(dev["stats"], dict) and dev["stats"], dev
EOF
"$WGX" show all --json | python3 -m json.tool >/dev/null || fail "show all --json is not JSON"
stats_sum() {
	wgx "$A" show "$IFA" --json |
		python3 -c 'import json, sys; print(sum(json.load(sys.stdin)["stats"].values()))'
}
before=$(stats_sum)
ip netns exec "$B" bash -c 'printf "not wireguard" >/dev/udp/10.250.0.1/51820'
wait_for 5 test "$(stats_sum)" -gt "$before" || fail "garbage to the port moved no counter"
wgx "$A" show "$IFA" --stats | grep -E '^  counters: [a-z_]+ [0-9]+' ||
	fail "show --stats: no counters line"

log "set: incremental allowed-ips, removal, keys from /dev/null"
wgx "$A" set "$IFA" peer "$C_PUB" allowed-ips +10.97.0.0/16,-10.98.0.0/16
c_ips=$(wgx "$A" show "$IFA" allowed-ips | awk -v k="$C_PUB" '$1 == k { $1 = ""; print }')
[ "$(tr ' ' '\n' <<<"$c_ips" | sort | xargs)" = "10.97.0.0/16 10.99.0.3/32" ] ||
	fail "allowed-ips +/-: $c_ips"
wgx "$A" set "$IFA" peer "$E_PUB" allowed-ips 10.99.0.5/32
wgx "$A" set "$IFA" peer "$E_PUB" remove
grep -q "$E_PUB" <<<"$(wgx "$A" show "$IFA" peers)" && fail "peer remove"

log "syncconf keeps B's session, drops C, resets D's keepalive"
hs=$(handshake_of "$A" "$IFA" "$B_PUB")
[ "${hs:-0}" -gt 0 ] || fail "no handshake with B yet"
cat >"$T/a.conf" <<EOF
[Interface]
PrivateKey = $A_PRIV
ListenPort = 51820
FwMark = 0x1234

[Peer]
PublicKey = $B_PUB
PresharedKey = $PSK
Endpoint = 10.250.0.2:51821
AllowedIPs = 10.99.0.2/32, fd99::2/128, 10.99.0.22/32

[Peer]
PublicKey = $D_PUB
EOF
chmod 600 "$T/a.conf"
sleep 1.1	# a new handshake would now carry a later second
wgx "$A" syncconf "$IFA" "$T/a.conf"
ping_ok "$A" 10.99.0.2 2 || fail "no ping after syncconf"
hs_after=$(handshake_of "$A" "$IFA" "$B_PUB")
[ "$hs_after" = "$hs" ] || fail "syncconf restarted B's session (handshake $hs, now $hs_after)"
grep -q "$C_PUB" <<<"$(wgx "$A" show "$IFA" peers)" && fail "syncconf kept C, absent from the file"
[ "$(wgx "$A" show "$IFA" persistent-keepalive | grep "^$D_PUB")" = "$D_PUB	off" ] ||
	fail "syncconf left D's keepalive on"
grep -q "10.99.0.22/32" <<<"$(wgx "$A" show "$IFA" allowed-ips)" || fail "syncconf: new allowed IP"
same "$A" showconf "$IFA"

log "addconf adds, setconf replaces"
printf '[Peer]\nPublicKey = %s\nAllowedIPs = 10.99.0.5/32\n' "$E_PUB" >"$T/e.conf"
chmod 600 "$T/e.conf"
wgx "$A" addconf "$IFA" "$T/e.conf"
[ "$(wgx "$A" show "$IFA" peers | wc -l)" -eq 3 ] || fail "addconf: $(wgx "$A" show "$IFA" peers)"
chmod 644 "$T/e.conf"
chmod 755 "$T"
wgx "$A" setconf "$IFA" "$T/e.conf" 2>"$T/err"
grep -qx "Warning: \`$(realpath "$T/e.conf")' is world accessible" "$T/err" ||
	fail "no warning for a world-readable config: $(cat "$T/err")"
chmod 700 "$T"
[ "$(wgx "$A" show "$IFA" peers)" = "$E_PUB" ] || fail "setconf did not replace the peers"
same "$A" show "$IFA" dump
wgx "$A" set "$IFA" private-key /dev/null
same "$A" show "$IFA" private-key
same "$A" show "$IFA"

log "errors: status 1 and wg's one-line messages"
fails_like "$A" set "$IFA" peer xyz
fails_like "$A" set "$IFA" listen-port
fails_like "$A" set "$IFA" listen-port http-alt
fails_like "$A" set "$IFA" fwmark 12ab
fails_like "$A" set "$IFA" private-key "$T/missing.key"
fails_like "$A" set "$IFA" remove
fails_like "$A" set "$IFA" peer "$E_PUB" persistent-keepalive forever
fails_like "$A" set "$IFA" peer "$E_PUB" allowed-ips 10.0.0.1/33
fails_like "$A" set "$IFA" peer "$E_PUB" allowed-ips 10.0.0.256/32
fails_like "$A" set "$IFA" peer "$E_PUB" endpoint 10.0.0.1
fails_like "$A" set "$IFA" peer "$E_PUB" endpoint '[fd00::1:51820'
fails_like "$A" set "$IFA" peer "$E_PUB" allowed-ips 10.1.2.3/8 bogus
fails_like "$A" setconf "$IFA" "$T/missing.conf"
printf 'not wireguard\n' >"$T/junk.key"
fails_like "$A" set "$IFA" private-key "$T/junk.key"
# wg(8) wraps it to 4464 (getaddrinfo); wg-xdp refuses.
wgx "$A" set "$IFA" listen-port 70000 2>"$T/err" && fail "listen-port 70000 accepted"
[ "$(cat "$T/err")" = "Port is not in the range 0-65535: \`70000'" ] || fail "port: $(cat "$T/err")"
wgx "$A" show "$IFA" bogus 2>"$T/err" && fail "show bogus succeeded"
[ "$(head -1 "$T/err")" = "Invalid parameter: \`bogus'" ] || fail "show bogus: $(cat "$T/err")"
# wg itself falls back to the kernel here; wg-xdp only has sockets.
wgx "$A" show "nosuch$TID" 2>"$T/err" && fail "show of a missing interface succeeded"
[ "$(cat "$T/err")" = "Unable to access interface: No such file or directory" ] ||
	fail "missing interface: $(cat "$T/err")"
printf '[Interface]\nListenPort = 99999\n' >"$T/bad.conf"
chmod 600 "$T/bad.conf"
wgx "$A" setconf "$IFA" "$T/bad.conf" 2>"$T/err" && fail "setconf of a bad file succeeded"
[ "$(wc -l <"$T/err")" -eq 1 ] && grep -q "bad.conf:2:.*99999" "$T/err" ||
	fail "bad config: $(cat "$T/err")"
for cmd in show showconf set setconf addconf syncconf; do
	grep -q "^Usage: .*$cmd" <<<"$("$WGX" "$cmd" --help)" || fail "$cmd --help"
done
log ok
