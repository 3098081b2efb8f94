// SPDX-License-Identifier: GPL-2.0
/* Outgoing handshake messages and cookie replies (whitepaper §5.4.2–5.4.7). */
#include <endian.h>
#include <string.h>

#include "log.h"
#include "packet.h"

void wgx_send_initiation(struct wgx_device *dev, struct wgx_peer *peer, bool is_retry,
			 uint64_t now_ns)
{
	struct wgx_msg_initiation msg;
	uint8_t ts[WGX_TIMESTAMP_LEN];
	uint32_t index;

	if (!is_retry)
		wgx_timers_handshake_requested(&peer->timers);
	if (!dev->up || !peer->has_endpoint || !dev->id.has_identity ||
	    !wgx_timers_may_send_initiation(&peer->timers, now_ns))
		return;
	wgx_peer_drop_handshake_index(peer);
	if (wgx_index_add(&dev->index, WGX_INDEX_HANDSHAKE, peer, NULL, &index))
		return;
	wgx_tai64n_now(ts);
	if (wgx_noise_create_initiation(&msg, &peer->hs, index, ts)) {
		wgx_index_remove(&dev->index, index);
		return;
	}
	wgx_cookie_add_macs(&peer->cookie, &msg, sizeof(msg), now_ns);
	wgx_timers_any_authenticated_packet_traversal(&peer->timers, now_ns);
	wgx_timers_any_authenticated_packet_sent(&peer->timers);
	wgx_send_control(dev, peer, &msg, sizeof(msg));
	wgx_timers_handshake_initiated(&peer->timers, now_ns);
	wgx_dbg("%s: peer %u: sending handshake initiation%s", dev->tun.name, peer->id,
		is_retry ? " (retry)" : "");
}

void wgx_send_response(struct wgx_device *dev, struct wgx_peer *peer, uint64_t now_ns)
{
	struct wgx_msg_response msg;
	struct wgx_keypair *kp;
	uint32_t index;

	wgx_peer_drop_handshake_index(peer);
	if (wgx_index_add(&dev->index, WGX_INDEX_HANDSHAKE, peer, NULL, &index))
		return;
	if (wgx_noise_create_response(&msg, &peer->hs, index))
		goto err;
	wgx_cookie_add_macs(&peer->cookie, &msg, sizeof(msg), now_ns);
	kp = wgx_peer_free_slot(peer);
	if (wgx_noise_begin_session(&peer->hs, kp, now_ns))
		goto err;
	wgx_index_promote(&dev->index, index, kp);
	wgx_peer_add_keypair(peer, kp);
	wgx_timers_session_derived(&peer->timers, now_ns);
	wgx_timers_any_authenticated_packet_traversal(&peer->timers, now_ns);
	wgx_timers_any_authenticated_packet_sent(&peer->timers);
	wgx_send_control(dev, peer, &msg, sizeof(msg));
	wgx_dbg("%s: peer %u: sending handshake response", dev->tun.name, peer->id);
	return;
err:
	wgx_index_remove(&dev->index, index);
}

void wgx_send_cookie_reply(struct wgx_device *dev, const struct wgx_pkt *in, uint32_t sender,
			   uint64_t now_ns)
{
	struct wgx_msg_cookie reply;
	struct wgx_pkt out = { .data = (uint8_t *)&reply, .len = sizeof(reply) };

	if (wgx_cookie_reply_create(&reply, &dev->cookie_checker, in->data, in->len, sender,
				    &in->ep.addr.sa, now_ns))
		return;
	/* Back where it came from, from the address it came to. */
	out.cap = sizeof(reply);
	out.ep = in->ep;
	wgx_udp_send_batch(&dev->udp, &out, 1);
}
