// SPDX-License-Identifier: GPL-2.0
/* Peers: keypair rotation, staged packets, endpoint. */
#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "device.h"
#include "peer.h"

struct wgx_peer *wgx_peer_new(struct wgx_device *dev, const wgx_key public_key, uint32_t id)
{
	struct wgx_peer *peer = sodium_malloc(sizeof(*peer));

	if (!peer)
		return NULL;
	memset(peer, 0, sizeof(*peer));
	peer->id = id;
	peer->dev = dev;
	memcpy(peer->public_key, public_key, WGX_KEY_LEN);
	/* Fails only for a low-order key; the handshake then stays unusable. */
	wgx_handshake_init(&peer->hs, &dev->id, public_key, NULL);
	wgx_cookie_init(&peer->cookie, public_key);
	wgx_timers_init(&peer->timers, NULL);
	return peer;
}

static void keypair_drop(struct wgx_peer *peer, struct wgx_keypair **slot)
{
	if (!*slot)
		return;
	wgx_index_remove(&peer->dev->index, (*slot)->local_index);
	wgx_keypair_clear(*slot);
	*slot = NULL;
}

void wgx_peer_drop_handshake_index(struct wgx_peer *peer)
{
	if (peer->hs.local_index &&
	    wgx_index_lookup(&peer->dev->index, peer->hs.local_index, WGX_INDEX_HANDSHAKE))
		wgx_index_remove(&peer->dev->index, peer->hs.local_index);
	peer->hs.local_index = 0;
}

void wgx_peer_clear_sessions(struct wgx_peer *peer)
{
	keypair_drop(peer, &peer->prev);
	keypair_drop(peer, &peer->cur);
	keypair_drop(peer, &peer->next);
	wgx_peer_drop_handshake_index(peer);
	wgx_handshake_zero(&peer->hs);
	/*
	 * With no session left, a handshake may go out at once rather than up to
	 * REKEY_TIMEOUT later: kernel wg_stop and wg_noise_expire_current_peer_keypairs
	 * (interface down, new private key) reset last_sent_handshake likewise.
	 */
	peer->timers.initiation_sent = false;
}

void wgx_peer_free(struct wgx_peer *peer)
{
	if (!peer)
		return;
	wgx_timers_stop(&peer->timers);
	wgx_peer_clear_sessions(peer);
	wgx_peer_staged_clear(peer);
	free(peer->staged.pkt);
	free(peer->staged.len);
	sodium_free(peer);	/* wipes the handshake, keys and cookie state */
}

struct wgx_keypair *wgx_peer_free_slot(struct wgx_peer *peer)
{
	int i;

	for (i = 0; i < 3; i++) {
		struct wgx_keypair *kp = &peer->slots[i];

		if (kp != peer->prev && kp != peer->cur && kp != peer->next) {
			wgx_keypair_clear(kp);
			return kp;
		}
	}
	return NULL;	/* unreachable: three slots, at most three in use */
}

void wgx_peer_add_keypair(struct wgx_peer *peer, struct wgx_keypair *kp)
{
	if (kp->is_initiator) {
		/* An unconfirmed next keypair was never used: it becomes previous. */
		if (peer->next) {
			keypair_drop(peer, &peer->prev);
			peer->prev = peer->next;
			peer->next = NULL;
			keypair_drop(peer, &peer->cur);
		} else {
			keypair_drop(peer, &peer->prev);
			peer->prev = peer->cur;
		}
		peer->cur = kp;
	} else {
		/* The responder may not send until the initiator has used it. */
		keypair_drop(peer, &peer->next);
		keypair_drop(peer, &peer->prev);
		peer->next = kp;
	}
}

bool wgx_peer_received_with_keypair(struct wgx_peer *peer, struct wgx_keypair *kp)
{
	if (kp != peer->next)
		return false;
	keypair_drop(peer, &peer->prev);
	peer->prev = peer->cur;
	peer->cur = peer->next;
	peer->next = NULL;
	return true;
}

static int staged_alloc(struct wgx_staged_queue *q)
{
	if (q->pkt)
		return 0;
	q->pkt = calloc(WGX_MAX_PEER_QUEUED_PACKETS, sizeof(*q->pkt));
	q->len = calloc(WGX_MAX_PEER_QUEUED_PACKETS, sizeof(*q->len));
	return q->pkt && q->len ? 0 : -ENOMEM;
}

int wgx_peer_stage(struct wgx_peer *peer, const uint8_t *pkt, uint16_t len)
{
	struct wgx_staged_queue *q = &peer->staged;
	unsigned int tail;
	uint8_t *copy;

	if (staged_alloc(q) || !(copy = malloc(len ? len : 1)))
		return -ENOMEM;
	if (len)
		memcpy(copy, pkt, len);
	if (q->count == WGX_MAX_PEER_QUEUED_PACKETS) {	/* drop the oldest */
		free(q->pkt[q->head]);
		q->head = (q->head + 1) % WGX_MAX_PEER_QUEUED_PACKETS;
		q->count--;
		peer->dev->counters[WGX_DEV_TX_STAGED_DROPPED]++;
	}
	tail = (q->head + q->count) % WGX_MAX_PEER_QUEUED_PACKETS;
	q->pkt[tail] = copy;
	q->len[tail] = len;
	q->count++;
	return 0;
}

void wgx_peer_staged_clear(struct wgx_peer *peer)
{
	struct wgx_staged_queue *q = &peer->staged;

	while (q->count) {
		free(q->pkt[q->head]);
		q->head = (q->head + 1) % WGX_MAX_PEER_QUEUED_PACKETS;
		q->count--;
	}
	q->head = 0;
}

void wgx_peer_set_endpoint(struct wgx_peer *peer, const struct wgx_endpoint *ep)
{
	peer->endpoint = *ep;
	peer->has_endpoint = true;
}
