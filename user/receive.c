// SPDX-License-Identifier: GPL-2.0
/*
 * Incoming datagrams: handshake messages (under load only with a valid
 * cookie and within the per-source rate), cookie replies and data. Every
 * authenticated packet updates the peer's endpoint (roaming, whitepaper
 * §2.1) and its timers; a decrypted packet reaches the tunnel only if its
 * inner source is one of the sending peer's allowed IPs (cryptokey routing).
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gro.h"
#include "log.h"
#include "packet.h"
#include "transport.h"

static bool header_ok(const uint8_t *buf, size_t len, uint8_t *type)
{
	static const size_t exact_len[] = {
		[WGX_MSG_HANDSHAKE_INITIATION] = WGX_MSG_INITIATION_LEN,
		[WGX_MSG_HANDSHAKE_RESPONSE] = WGX_MSG_RESPONSE_LEN,
		[WGX_MSG_HANDSHAKE_COOKIE] = WGX_MSG_COOKIE_LEN,
	};

	if (len < 4 || buf[1] || buf[2] || buf[3])
		return false;
	*type = buf[0];
	if (*type == WGX_MSG_DATA)
		return len >= WGX_MSG_DATA_MIN_LEN;
	return *type >= WGX_MSG_HANDSHAKE_INITIATION && *type <= WGX_MSG_HANDSHAKE_COOKIE &&
	       len == exact_len[*type];
}

/* Under load (whitepaper §5.3) once handshakes arrive faster than we want to do DH. */
static bool under_load(struct wgx_device *dev, uint64_t now_ns)
{
	const uint64_t window = 100000000ULL, hold = 1000000000ULL;

	if (now_ns - dev->handshake_window_start_ns >= window) {
		dev->handshake_window_start_ns = now_ns;
		dev->handshakes_in_window = 0;
	}
	if (++dev->handshakes_in_window > dev->under_load_threshold)
		dev->under_load_until_ns = now_ns + hold;
	return now_ns < dev->under_load_until_ns;
}

/*
 * Received bytes count as the kernel module counts them: the whole datagram of
 * a handshake message, keepalive or delivered packet; nothing for a data
 * message dropped after decryption (bad inner packet, source not allowed).
 */
static void authenticated_from(struct wgx_peer *peer, const struct wgx_pkt *pkt, uint64_t now_ns)
{
	/* Roaming: the latest authenticated source is where the peer now is. */
	wgx_peer_set_endpoint(peer, &pkt->ep);
	wgx_timers_any_authenticated_packet_received(&peer->timers);
	wgx_timers_any_authenticated_packet_traversal(&peer->timers, now_ns);
}

static void handshake_completed(struct wgx_device *dev, struct wgx_peer *peer, uint64_t now_ns)
{
	wgx_timers_handshake_complete(&peer->timers);
	clock_gettime(CLOCK_REALTIME, &peer->last_handshake);
	wgx_dbg("%s: peer %u: handshake complete", dev->tun.name, peer->id);
}

static struct wgx_handshake *lookup_by_key(void *ctx, const wgx_key remote_static)
{
	struct wgx_peer *peer = wgx_device_find_peer(ctx, remote_static);

	return peer ? &peer->hs : NULL;
}

static void rx_initiation(struct wgx_device *dev, struct wgx_pkt *pkt, uint64_t now_ns)
{
	struct wgx_handshake *hs;
	struct wgx_peer *peer;

	hs = wgx_noise_consume_initiation((void *)pkt->data, &dev->id, lookup_by_key, dev, now_ns);
	if (!hs) {
		dev->counters[WGX_DEV_RX_HANDSHAKE_REJECTED]++;
		return;
	}
	peer = (struct wgx_peer *)((uint8_t *)hs - offsetof(struct wgx_peer, hs));
	authenticated_from(peer, pkt, now_ns);
	peer->rx_bytes += pkt->len;
	wgx_send_response(dev, peer, now_ns);
}

static void rx_response(struct wgx_device *dev, struct wgx_pkt *pkt, uint64_t now_ns)
{
	const struct wgx_msg_response *msg = (const void *)pkt->data;
	struct wgx_index_entry *e;
	struct wgx_keypair *kp;
	struct wgx_peer *peer;

	e = wgx_index_lookup(&dev->index, le32toh(msg->receiver_index), WGX_INDEX_HANDSHAKE);
	if (!e) {
		dev->counters[WGX_DEV_RX_UNKNOWN_INDEX]++;
		return;
	}
	peer = e->peer;
	if (wgx_noise_consume_response(msg, &peer->hs)) {
		dev->counters[WGX_DEV_RX_HANDSHAKE_REJECTED]++;
		return;
	}
	authenticated_from(peer, pkt, now_ns);
	peer->rx_bytes += pkt->len;
	kp = wgx_peer_free_slot(peer);
	if (wgx_noise_begin_session(&peer->hs, kp, now_ns))
		return;
	wgx_index_promote(&dev->index, kp->local_index, kp);
	wgx_peer_add_keypair(peer, kp);
	wgx_timers_session_derived(&peer->timers, now_ns);
	handshake_completed(dev, peer, now_ns);
	/* Confirms the session to the responder, with staged data if there is some. */
	wgx_send_keepalive(dev, peer, now_ns);
}

static void rx_handshake(struct wgx_device *dev, struct wgx_pkt *pkt, uint8_t type,
			 uint64_t now_ns)
{
	enum wgx_cookie_mac_state st;
	uint32_t sender;

	st = wgx_cookie_validate(&dev->cookie_checker, pkt->data, pkt->len, &pkt->ep.addr.sa,
				 now_ns);
	if (st == WGX_COOKIE_INVALID_MAC) {
		dev->counters[WGX_DEV_RX_BAD_MAC]++;
		return;
	}
	if (under_load(dev, now_ns)) {
		if (st != WGX_COOKIE_VALID_MAC_WITH_COOKIE) {
			memcpy(&sender, pkt->data + 4, sizeof(sender));
			wgx_send_cookie_reply(dev, pkt, le32toh(sender), now_ns);
			dev->counters[WGX_DEV_RX_COOKIE_SENT]++;
			return;
		}
		if (!wgx_ratelimiter_allow(&dev->ratelimiter, &pkt->ep.addr.sa, now_ns)) {
			dev->counters[WGX_DEV_RX_RATELIMITED]++;
			return;
		}
	}
	if (type == WGX_MSG_HANDSHAKE_INITIATION)
		rx_initiation(dev, pkt, now_ns);
	else
		rx_response(dev, pkt, now_ns);
}

static void rx_cookie(struct wgx_device *dev, struct wgx_pkt *pkt, uint64_t now_ns)
{
	const struct wgx_msg_cookie *msg = (const void *)pkt->data;
	struct wgx_index_entry *e;

	e = wgx_index_lookup(&dev->index, le32toh(msg->receiver_index),
			     WGX_INDEX_HANDSHAKE | WGX_INDEX_KEYPAIR);
	if (!e) {
		dev->counters[WGX_DEV_RX_UNKNOWN_INDEX]++;
		return;
	}
	if (wgx_cookie_reply_consume(&e->peer->cookie, msg, now_ns))
		dev->counters[WGX_DEV_RX_BAD_MAC]++;
}

int wgx_rx_out_init(struct wgx_rx_out *o)
{
	unsigned int i;

	memset(o, 0, sizeof(*o));
	for (i = 0; i < WGX_BATCH; i++) {
		o->bufs[i] = malloc(WGX_RX_OUT_BUF);
		if (!o->bufs[i])
			return -ENOMEM;
	}
	return 0;
}

void wgx_rx_out_free(struct wgx_rx_out *o)
{
	unsigned int i;

	for (i = 0; i < WGX_BATCH; i++)
		free(o->bufs[i]);
}

/*
 * Queues a decrypted packet for the tunnel. With offloads, TCP segments of
 * one flow merge into a super-packet (gro.h) and a kept buffer is replaced by
 * the next free one; without, the packet is written at once.
 */
void wgx_rx_out_add(struct wgx_device *dev, uint8_t *buf, size_t len)
{
	struct wgx_rx_out *o = dev->rx_out;

	if (!dev->tun.offload) {
		wgx_tun_write(&dev->tun, buf, len);
		return;
	}
	if (wgx_gro_add(&o->gro, buf, len, WGX_RX_OUT_BUF) && ++o->used == WGX_BATCH)
		wgx_rx_out_flush(dev);
}

void wgx_rx_out_flush(struct wgx_device *dev)
{
	struct wgx_rx_out *o = dev->rx_out;
	struct virtio_net_hdr h;
	unsigned int i;

	for (i = 0; i < o->gro.count; i++) {
		wgx_gro_finish(&o->gro.items[i], &h);
		wgx_tun_write_hdr(&dev->tun, &h, o->gro.items[i].buf, o->gro.items[i].len);
	}
	/* Kept buffers are always bufs[0..used): decryption goes to bufs[used]. */
	o->used = 0;
	wgx_gro_reset(&o->gro);
}

/* Length of the IP packet inside plain, or 0 if it is not a well-formed one. */
static size_t inner_len(const uint8_t *plain, size_t len, int *family, const uint8_t **src)
{
	size_t ip_len;

	if (len >= 20 && plain[0] >> 4 == 4) {
		ip_len = (size_t)plain[2] << 8 | plain[3];
		*family = AF_INET;
		*src = plain + 12;
		return ip_len >= 20 && ip_len <= len ? ip_len : 0;
	}
	if (len >= 40 && plain[0] >> 4 == 6) {
		ip_len = 40 + ((size_t)plain[4] << 8 | plain[5]);
		*family = AF_INET6;
		*src = plain + 8;
		return ip_len <= len ? ip_len : 0;
	}
	return 0;
}

/* Writes an allowed inner packet to the tunnel; false when it was dropped. */
static bool deliver(struct wgx_device *dev, struct wgx_peer *peer, uint8_t *plain,
		    size_t len, uint64_t now_ns)
{
	const uint8_t *src;
	uint32_t owner;
	size_t ip_len;
	int family;

	ip_len = inner_len(plain, len, &family, &src);
	if (!ip_len) {
		dev->counters[WGX_DEV_RX_BAD_INNER]++;
		return false;
	}
	/* Cryptokey routing: only sources this peer may use (whitepaper §2). */
	if (wgx_allowedips_lookup(&dev->allowedips, family, src, &owner) || owner != peer->id) {
		dev->counters[WGX_DEV_RX_SOURCE_NOT_ALLOWED]++;
		return false;
	}
	wgx_rx_out_add(dev, plain, ip_len);
	wgx_timers_data_received(&peer->timers, now_ns);
	return true;
}

static void rx_data(struct wgx_device *dev, struct wgx_pkt *pkt, uint8_t *plain, uint64_t now_ns)
{
	const struct wgx_msg_data *msg = (const void *)pkt->data;
	struct wgx_index_entry *e;
	struct wgx_keypair *kp;
	struct wgx_peer *peer;
	size_t plain_len;
	int ret;

	e = wgx_index_lookup(&dev->index, le32toh(msg->key_idx), WGX_INDEX_KEYPAIR);
	if (!e) {
		dev->counters[WGX_DEV_RX_UNKNOWN_INDEX]++;
		return;
	}
	peer = e->peer;
	kp = e->keypair;
	ret = wgx_transport_open(kp, plain, pkt->data, pkt->len, now_ns, &plain_len);
	if (ret) {
		dev->counters[ret == -EALREADY ? WGX_DEV_RX_REPLAYED : WGX_DEV_RX_DECRYPT_FAILED]++;
		return;
	}
	authenticated_from(peer, pkt, now_ns);
	if (wgx_peer_received_with_keypair(peer, kp)) {
		handshake_completed(dev, peer, now_ns);
		wgx_send_staged(dev, peer, now_ns);
	}
	/* Keep the key fresh: an initiator rekeys before the session expires. */
	if (peer->cur && wgx_timers_want_lastminute_handshake(&peer->timers, peer->cur->birthdate_ns,
							      peer->cur->is_initiator, now_ns))
		wgx_send_initiation(dev, peer, false, now_ns);
	if (!plain_len || deliver(dev, peer, plain, plain_len, now_ns))
		peer->rx_bytes += pkt->len;
}

void wgx_receive(struct wgx_device *dev, struct wgx_pkt *pkt, uint64_t now_ns)
{
	uint8_t *plain = dev->rx_out->bufs[dev->rx_out->used];
	uint8_t type;

	if (!dev->up)
		return;
	if (!header_ok(pkt->data, pkt->len, &type)) {
		dev->counters[WGX_DEV_RX_GARBAGE]++;
		return;
	}
	switch (type) {
	case WGX_MSG_HANDSHAKE_INITIATION:
	case WGX_MSG_HANDSHAKE_RESPONSE:
		rx_handshake(dev, pkt, type, now_ns);
		break;
	case WGX_MSG_HANDSHAKE_COOKIE:
		rx_cookie(dev, pkt, now_ns);
		break;
	case WGX_MSG_DATA:
		rx_data(dev, pkt, plain, now_ns);
		break;
	}
}
