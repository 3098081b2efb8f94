#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Stock wg-quick(8) with WG_QUICK_USERSPACE_IMPLEMENTATION=wg-xdp: `up` starts
# the daemon (background mode) and sets addresses, MTU, routes for the
# AllowedIPs and the hooks; a ping passes; `down` deletes the interface, the
# daemon exits and its socket goes. No DNS (needs resolvconf) and no /0
# AllowedIPs (would need a fwmark policy route and nft).
#
#   ns wgxA-<id>                                   ns wgxB-<id>
#   wg-quick up wq<id>.conf:                       wg-xdp wb<id> 10.99.0.2/24 fd99::2/64
#     wq<id> 10.99.0.1/24 fd99::1/64 MTU 1380        + 10.77.0.1/32, listen 51821
#     route 10.77.0.0/16 dev wq<id>, listen 51820
#   va<id> 10.250.0.1/24 fd00:250::1/64    <->   vb<id> 10.250.0.2/24 fd00:250::2/64
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/daemon.bash"
need_root
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
command -v wg-quick >/dev/null || skip "wg-quick not installed"
[ -x "$WGX" ] || fail "$WGX not built"

two_hosts
IFQ=wq$TID
start_wg wgx "$B" "$IFB"
ip netns exec "$B" wg set "$IFB" private-key "$(wg_key_file "$B_PRIV")" listen-port 51821 \
	peer "$A_PUB" endpoint 10.250.0.1:51820 allowed-ips 10.99.0.1/32,fd99::1/128
tunnel_addrs "$B" "$IFB" 2
ip -n "$B" addr add 10.77.0.1/32 dev "$IFB"

dir=$(mktemp -d)
_FILES+=("$dir" "$(sock_of "$IFQ")")
chmod 700 "$dir"
conf=$dir/$IFQ.conf
cat >"$conf" <<EOF
[Interface]
PrivateKey = $A_PRIV
Address = 10.99.0.1/24, fd99::1/64
MTU = 1380
ListenPort = 51820
PreUp = touch $dir/preup-%i
PostUp = touch $dir/postup-%i
PreDown = touch $dir/predown-%i
PostDown = touch $dir/postdown-%i

[Peer]
PublicKey = $B_PUB
Endpoint = 10.250.0.2:51821
AllowedIPs = 10.99.0.2/32, fd99::2/128, 10.77.0.0/16
EOF
chmod 600 "$conf"

# The daemon inherits wg-quick's stderr: keep both in the daemon's log.
qlog=$(daemon_log "wgx-$IFQ")
quick() {
	ip netns exec "$A" env WG_QUICK_USERSPACE_IMPLEMENTATION="$WGX" timeout 30 wg-quick "$@" \
		2>>"$qlog"
}

log "wg-quick up"
rc=0
quick up "$conf" || rc=$?
pid=$(uapi_pid "$A" "$IFQ")
[ -z "$pid" ] || track_pid "$pid"
cat "$qlog"
[ $rc -eq 0 ] || fail "wg-quick up exited $rc"
[ -n "$pid" ] || fail "no daemon serves $IFQ after wg-quick up"
grep -qF "$WGX $IFQ" "$qlog" || fail "wg-quick did not start $WGX"
not grep -qi 'world accessible' "$qlog" || fail "wg-quick warned about permissions"
[ -e "$dir/preup-$IFQ" ] && [ -e "$dir/postup-$IFQ" ] || fail "PreUp/PostUp did not run"
[ ! -e "$dir/predown-$IFQ" ] || fail "PreDown ran on up"

link=$(ip -d -n "$A" link show "$IFQ")
grep -q 'tun type tun' <<<"$link" || fail "$IFQ is not wg-xdp's TUN"
grep -qw 'mtu 1380' <<<"$link" || fail "MTU not set: $link"
grep -q ',UP' <<<"$link" || fail "$IFQ not up"
addrs=$(ip -n "$A" addr show dev "$IFQ")
grep -q 'inet 10.99.0.1/24' <<<"$addrs" && grep -q 'inet6 fd99::1/64' <<<"$addrs" ||
	fail "addresses not set: $addrs"
grep -q '^10.77.0.0/16' <<<"$(ip -n "$A" route show dev "$IFQ")" || fail "no route for 10.77.0.0/16"
expect_eq() { [ "$1" = "$2" ] || fail "$3: got '$1', expected '$2'"; }
expect_eq "$(ip netns exec "$A" wg show "$IFQ" listen-port)" 51820 "listen port"
expect_eq "$(ip netns exec "$A" wg show "$IFQ" public-key)" "$A_PUB" "public key"
expect_eq "$(ip netns exec "$A" wg show "$IFQ" peers)" "$B_PUB" "peers"

ping_ok "$A" 10.99.0.2 || fail "ping 10.99.0.2 through the wg-quick interface"
ping_ok "$A" fd99::2 || fail "ping fd99::2 through the wg-quick interface"
ping_ok "$A" 10.77.0.1 || fail "ping 10.77.0.1 over the AllowedIPs route"

log "wg-quick down"
rc=0
quick down "$conf" || rc=$?
[ $rc -eq 0 ] || fail "wg-quick down exited $rc: $(tail -n 5 "$qlog")"
not ip -n "$A" link show "$IFQ" 2>/dev/null || fail "$IFQ still exists after down"
wait_exit "$pid" || fail "daemon survived wg-quick down"
wait_for 2 test ! -e "$(sock_of "$IFQ")" || fail "socket left behind after wg-quick down"
[ -e "$dir/predown-$IFQ" ] && [ -e "$dir/postdown-$IFQ" ] || fail "PreDown/PostDown did not run"

log "wg-quick up again after down"
quick up "$conf" || fail "second wg-quick up"
pid=$(uapi_pid "$A" "$IFQ")
[ -n "$pid" ] || fail "no daemon after the second up"
track_pid "$pid"
ping_ok "$A" 10.99.0.2 || fail "ping after the second up"
quick down "$conf" || fail "second wg-quick down"
wait_exit "$pid" || fail "daemon survived the second wg-quick down"

check_daemon_logs || fail "sanitizer report"
log ok
