// SPDX-License-Identifier: GPL-2.0
/* Acting on a peer's timers (timers.h lists them). */
#include "log.h"
#include "packet.h"

void wgx_peer_run_timers(struct wgx_device *dev, struct wgx_peer *peer, uint64_t now_ns)
{
	unsigned int due = wgx_timers_poll(&peer->timers, now_ns);

	if (!due)
		return;
	if (due & WGX_TIMERS_ZERO_KEYS) {
		wgx_dbg("%s: peer %u: zeroing keys after %d s", dev->tun.name, peer->id,
			3 * WGX_REJECT_AFTER_TIME);
		wgx_peer_clear_sessions(peer);
	}
	if (due & WGX_TIMERS_GIVE_UP) {
		wgx_info("%s: peer %u: handshake did not complete after %d s, giving up",
			 dev->tun.name, peer->id, WGX_REKEY_ATTEMPT_TIME);
		dev->counters[WGX_DEV_TX_STAGED_DROPPED] += peer->staged.count;
		wgx_peer_staged_clear(peer);
	}
	/* A retry or a fresh handshake forgets the sticky source (§6.4: the route may have moved). */
	if (due & (WGX_TIMERS_SEND_HANDSHAKE_RETRY | WGX_TIMERS_NEW_HANDSHAKE)) {
		wgx_endpoint_clear_src(&peer->endpoint);
		wgx_send_initiation(dev, peer, due & WGX_TIMERS_SEND_HANDSHAKE_RETRY, now_ns);
	}
	if (due & (WGX_TIMERS_SEND_KEEPALIVE | WGX_TIMERS_SEND_PERSISTENT_KEEPALIVE))
		wgx_send_keepalive(dev, peer, now_ns);
}
