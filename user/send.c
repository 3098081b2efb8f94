// SPDX-License-Identifier: GPL-2.0
/*
 * Outgoing: plaintext from the tunnel to data messages, handshake
 * initiations and responses, keepalives, cookie replies. Timer hooks are
 * called in the order of timers.h (traversal before sending, sent after).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "offload.h"
#include "packet.h"
#include "transport.h"

uint64_t wgx_now_ns(void)
{
	struct timespec ts;

	/* Boot time keeps counting across suspend, so keys still expire. */
	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int wgx_tx_batch_init(struct wgx_tx_batch *b)
{
	unsigned int i;

	memset(b, 0, sizeof(*b));
	for (i = 0; i < WGX_BATCH; i++) {
		b->pkts[i].data = malloc(WGX_MAX_DATAGRAM);
		if (!b->pkts[i].data)
			return -ENOMEM;
		b->pkts[i].cap = WGX_MAX_DATAGRAM;
	}
	return 0;
}

void wgx_tx_batch_free(struct wgx_tx_batch *b)
{
	unsigned int i;

	for (i = 0; i < WGX_BATCH; i++)
		free(b->pkts[i].data);
}

void wgx_tx_batch_flush(struct wgx_device *dev, struct wgx_tx_batch *b)
{
	unsigned int i;
	int sent;

	if (!b->count)
		return;
	sent = wgx_udp_send_batch(&dev->udp, b->pkts, b->count);
	for (i = 0; i < b->count; i++) {
		struct wgx_peer *peer = b->owner[i];

		if ((int)i >= sent) {
			dev->counters[WGX_DEV_TX_SEND_FAILED]++;
			continue;
		}
		if (!peer)
			continue;
		peer->tx_bytes += b->pkts[i].len;
		/* The send may have dropped a source address that vanished. */
		if (peer->has_endpoint && wgx_endpoint_equal(&peer->endpoint, &b->pkts[i].ep))
			peer->endpoint = b->pkts[i].ep;
	}
	b->count = 0;
}

/* A slot for one datagram to peer (or to a bare address when peer is NULL). */
static struct wgx_pkt *tx_slot(struct wgx_device *dev, struct wgx_tx_batch *b,
			       struct wgx_peer *peer)
{
	if (b->count == WGX_BATCH)
		wgx_tx_batch_flush(dev, b);
	b->owner[b->count] = peer;
	if (peer)
		b->pkts[b->count].ep = peer->endpoint;
	return &b->pkts[b->count];
}

/* Sends one control message to peer right away. */
void wgx_send_control(struct wgx_device *dev, struct wgx_peer *peer, const void *msg, size_t len)
{
	struct wgx_tx_batch one;
	struct wgx_pkt *pkt;

	memset(&one, 0, sizeof(one));
	pkt = &one.pkts[0];
	pkt->data = (uint8_t *)msg;
	pkt->len = (uint32_t)len;
	pkt->cap = (uint32_t)len;
	pkt->ep = peer->endpoint;
	one.owner[0] = peer;
	one.count = 1;
	wgx_tx_batch_flush(dev, &one);
}

static bool keypair_usable(const struct wgx_keypair *kp, uint64_t now_ns)
{
	return kp && kp->valid &&
	       !wgx_timers_keypair_expired(kp->birthdate_ns, kp->send_counter, now_ns);
}

/* Encrypts into the batch; -errno when no usable keypair (caller stages). */
static int seal_to_batch(struct wgx_device *dev, struct wgx_tx_batch *b, struct wgx_peer *peer,
			 const uint8_t *pkt, size_t len, uint64_t now_ns)
{
	struct wgx_keypair *kp = peer->cur;
	struct wgx_pkt *out;
	size_t out_len;
	int ret;

	if (!keypair_usable(kp, now_ns))
		return -ENOKEY;
	out = tx_slot(dev, b, peer);
	wgx_timers_any_authenticated_packet_traversal(&peer->timers, now_ns);
	ret = wgx_transport_seal(kp, out->data, out->cap, pkt, len, dev->mtu, now_ns, &out_len);
	if (ret)
		return ret;
	out->len = (uint32_t)out_len;
	b->count++;
	wgx_timers_any_authenticated_packet_sent(&peer->timers);
	if (len)
		wgx_timers_data_sent(&peer->timers, now_ns);
	/* Keep the key fresh: the initiator rekeys by age or message count. */
	if (wgx_timers_rekey_on_send(kp->birthdate_ns, kp->send_counter, kp->is_initiator, now_ns))
		wgx_send_initiation(dev, peer, false, now_ns);
	return 0;
}

static struct wgx_peer *route(struct wgx_device *dev, const uint8_t *pkt, size_t len)
{
	uint32_t id;
	int ret = -EINVAL;

	if (len >= 20 && pkt[0] >> 4 == 4)
		ret = wgx_allowedips_lookup(&dev->allowedips, AF_INET, pkt + 16, &id);
	else if (len >= 40 && pkt[0] >> 4 == 6)
		ret = wgx_allowedips_lookup(&dev->allowedips, AF_INET6, pkt + 24, &id);
	return ret ? NULL : wgx_device_peer_by_id(dev, id);
}

static void reply_unreachable(struct wgx_device *dev, const uint8_t *pkt, size_t len)
{
	uint8_t icmp[1280];
	size_t n = wgx_icmp_unreachable(icmp, sizeof(icmp), pkt, len);

	if (n)
		wgx_tun_write(&dev->tun, icmp, n);
}

/* One packet of at most the MTU to peer: sealed into the batch, or staged. */
static void send_one(struct wgx_device *dev, struct wgx_tx_batch *b, struct wgx_peer *peer,
		     const uint8_t *pkt, size_t len, uint64_t now_ns)
{
	/* Packets queue behind staged ones so order is kept. */
	if (!peer->staged.count && !seal_to_batch(dev, b, peer, pkt, len, now_ns))
		return;
	wgx_peer_stage(peer, pkt, (uint16_t)len);
	if (keypair_usable(peer->cur, now_ns))
		wgx_send_staged(dev, peer, now_ns);
	else
		wgx_send_initiation(dev, peer, false, now_ns);
}

/* Cuts a TSO super-packet into segments built straight into batch slots. */
static void send_segments(struct wgx_device *dev, struct wgx_tx_batch *b, struct wgx_peer *peer,
			  const struct wgx_gso *g, uint64_t now_ns)
{
	const size_t room = offsetof(struct wgx_msg_data, encrypted_data);
	unsigned int k;

	for (k = 0; k < g->segments; k++) {
		uint8_t *seg = tx_slot(dev, b, peer)->data + room;

		/* Sealing in place: the segment already sits where its ciphertext goes. */
		send_one(dev, b, peer, seg, wgx_gso_segment(g, k, seg), now_ns);
	}
}

void wgx_send_plaintext(struct wgx_device *dev, struct wgx_tx_batch *b,
			const struct virtio_net_hdr *h, uint8_t *pkt, size_t len, uint64_t now_ns)
{
	struct wgx_peer *peer = route(dev, pkt, len);
	struct wgx_gso g;
	int segments;

	if (!peer || !peer->has_endpoint) {
		dev->counters[peer ? WGX_DEV_TX_NO_ENDPOINT : WGX_DEV_TX_NO_PEER]++;
		reply_unreachable(dev, pkt, len);
		return;
	}
	segments = wgx_gso_init(&g, h, pkt, len);
	if (segments > 1) {
		send_segments(dev, b, peer, &g, now_ns);
		return;
	}
	if (segments < 0 || wgx_csum_complete(h, pkt, len) || len > WGX_MAX_PLAINTEXT) {
		dev->counters[WGX_DEV_TX_BAD_PACKET]++;
		return;
	}
	send_one(dev, b, peer, pkt, len, now_ns);
}

void wgx_send_staged(struct wgx_device *dev, struct wgx_peer *peer, uint64_t now_ns)
{
	struct wgx_staged_queue *q = &peer->staged;
	struct wgx_tx_batch *b = dev->ctl_batch;

	while (q->count && keypair_usable(peer->cur, now_ns)) {
		if (seal_to_batch(dev, b, peer, q->pkt[q->head], q->len[q->head], now_ns))
			break;
		free(q->pkt[q->head]);
		q->head = (q->head + 1) % WGX_MAX_PEER_QUEUED_PACKETS;
		q->count--;
	}
	wgx_tx_batch_flush(dev, b);
	/* Whatever is left waits for a session (kernel: send_staged_packets). */
	if (q->count)
		wgx_send_initiation(dev, peer, false, now_ns);
}

void wgx_send_keepalive(struct wgx_device *dev, struct wgx_peer *peer, uint64_t now_ns)
{
	/* A keepalive is an empty data message, queued like any packet. */
	if (!peer->staged.count)
		wgx_peer_stage(peer, NULL, 0);
	wgx_send_staged(dev, peer, now_ns);
}
