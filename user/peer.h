/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A peer of the device: its handshake, cookie state, up to three keypairs
 * (previous, current, next: whitepaper §6.1 and the kernel's rotation
 * rules), endpoint, timers, staged packets and counters. Peers live in
 * locked memory (sodium_malloc) because they hold session keys.
 */
#ifndef WGX_PEER_H
#define WGX_PEER_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "cookie.h"
#include "noise.h"
#include "timers.h"
#include "udp.h"

struct wgx_device;

struct wgx_staged_queue {
	uint8_t **pkt;		/* ring of WGX_MAX_PEER_QUEUED_PACKETS, allocated on first use */
	uint16_t *len;
	unsigned int head;
	unsigned int count;
};

struct wgx_peer {
	uint32_t id;		/* index in the device's peer table + 1 */
	struct wgx_device *dev;
	wgx_key public_key;
	struct wgx_handshake hs;
	struct wgx_cookie cookie;
	struct wgx_keypair slots[3];
	struct wgx_keypair *prev, *cur, *next;
	struct wgx_endpoint endpoint;
	bool has_endpoint;
	struct wgx_timers timers;
	struct wgx_staged_queue staged;
	uint64_t rx_bytes;
	uint64_t tx_bytes;
	struct timespec last_handshake;	/* wall clock, zero = never */
};

struct wgx_peer *wgx_peer_new(struct wgx_device *dev, const wgx_key public_key, uint32_t id);
/* Forgets every key and index of the peer, then frees it. */
void wgx_peer_free(struct wgx_peer *peer);

/* A keypair slot not used by prev/cur/next; it is cleared. */
struct wgx_keypair *wgx_peer_free_slot(struct wgx_peer *peer);
/* Installs a keypair fresh from begin_session (initiator: current; responder: next). */
void wgx_peer_add_keypair(struct wgx_peer *peer, struct wgx_keypair *kp);
/* A data message arrived on kp; true when that confirmed the next keypair. */
bool wgx_peer_received_with_keypair(struct wgx_peer *peer, struct wgx_keypair *kp);
/* Wipes all keypairs and the in-flight handshake, dropping their indices. */
void wgx_peer_clear_sessions(struct wgx_peer *peer);
/* Drops the in-flight handshake's index, if any. */
void wgx_peer_drop_handshake_index(struct wgx_peer *peer);

/* Copies a packet into the staged queue, dropping the oldest when full. 0 or -ENOMEM. */
int wgx_peer_stage(struct wgx_peer *peer, const uint8_t *pkt, uint16_t len);
void wgx_peer_staged_clear(struct wgx_peer *peer);

void wgx_peer_set_endpoint(struct wgx_peer *peer, const struct wgx_endpoint *ep);

#endif /* WGX_PEER_H */
