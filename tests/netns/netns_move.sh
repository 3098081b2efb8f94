#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Containers: the tunnel device moves to another namespace and keeps working
# while its UDP socket stays where the daemon was started (as with the
# kernel module: `ip link set wg0 netns C`, the socket stays in the birth
# namespace). Link state, MTU and addresses are then set in C, and wg-xdp must
# follow them there: the state found after the move (even when it changed
# before the daemon got to run), up/down, the MTU, deletion of the device.
#
#   ns wgxC-<id> (container)
#   wa<id> 10.99.0.1/24 fd99::1/64  <- moved here after wg-xdp made it in A
#        |
#   ns wgxA-<id>                                  ns wgxB-<id>
#   wg-xdp (UDP socket :51820)                    wg-xdp wb<id> 10.99.0.2/24 fd99::2/64
#   va<id> 10.250.0.1/24            <->           vb<id> 10.250.0.2/24 :51821
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/tunnel_matrix.bash"
source "$(dirname "$0")/lib/dataplane.bash"
need_root

two_hosts
C=wgxC-$TID
ns_add "$C"
# Verbose: a failure prints the daemon's log, where link events and moves show.
WGX_ENV=LOG_LEVEL=verbose start_wg wgx "$A" "$IFA"
PID_A=$WG_PID
start_wg wgx "$B" "$IFB"
PID_B=$WG_PID
set_peers 10.250.0.1:51820 10.250.0.2:51821
tunnel_addrs "$B" "$IFB" 2

# C already uses the device's interface index, so the device gets a new one there.
ip -n "$C" link add "xa$TID" type veth peer name "xb$TID"
# The daemon is kept from running until the device is moved and up in C: it
# must find the state the device is in, not only hear of later changes.
kill -STOP "$PID_A"
ip -n "$A" link set "$IFA" netns "$C"
ip -n "$A" link show "$IFA" >/dev/null 2>&1 && fail "$IFA still in A"
tunnel_addrs "$C" "$IFA" 1
kill -CONT "$PID_A"
sleep 0.2
wgx_alive "$PID_A" "$IFA" || fail "wg-xdp exited when its device moved"
ip netns exec "$A" ss -Hlun | grep -q ':51820 ' || fail "the UDP socket is not in A any more"
ip netns exec "$C" ss -Hlun | grep -q ':51820 ' && fail "a UDP socket appeared in C"

ping_ok "$C" 10.99.0.2 || fail "C -> B through the moved device"
ping_ok "$C" fd99::2 || fail "C -> B over inner IPv6"
ping_ok "$B" 10.99.0.1 || fail "B -> C"
log "device in C, socket in A: tunnel works both ways"

# Link state changes made in C reach the daemon.
ip -n "$C" link set "$IFA" down
ip -n "$C" link set "$IFA" up
ip -n "$C" addr add 10.99.0.1/24 dev "$IFA" 2>/dev/null || true
ping_ok "$C" 10.99.0.2 || fail "C -> B after down/up in C"
ip -n "$C" link set "$IFA" mtu 1300
ip netns exec "$C" ping -M do -c 1 -W 2 -q -s $((1300 - 28)) 10.99.0.2 >/dev/null ||
	fail "full-size ping at MTU 1300 set in C"
log "down/up and MTU set in C: tunnel follows"

# Moved back home, it still works.
ip -n "$C" link set "$IFA" netns "$A"
tunnel_addrs "$A" "$IFA" 1
ping_ok "$A" 10.99.0.2 || fail "A -> B after moving the device back"
log "moved back to A: tunnel works"

# Deleted in C, the daemon exits as with a device deleted at home.
ip -n "$A" link set "$IFA" netns "$C"
ip -n "$C" link del "$IFA"
wait_for 5 sh -c "! kill -0 $PID_A" || fail "wg-xdp still runs after its device was deleted in C"
rc=0
bg_stop "$PID_A" || rc=$?
[ $rc -eq 0 ] || fail "wg-xdp exited with status $rc after its device was deleted"
log "deleted in C: wg-xdp exited cleanly"

wgx_alive "$PID_B" "$IFB" || fail "B died"
wgx_stop_clean "$PID_B" "$IFB"
log ok
