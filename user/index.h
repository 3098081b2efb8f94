/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Receiver indices (whitepaper §5.4.2): random 32-bit numbers we hand out in
 * our handshake messages, mapped back to the in-flight handshake or the
 * keypair they name. A keypair inherits its handshake's index.
 */
#ifndef WGX_INDEX_H
#define WGX_INDEX_H

#include <stdint.h>

struct wgx_peer;
struct wgx_keypair;

enum wgx_index_type {
	WGX_INDEX_HANDSHAKE = 1,
	WGX_INDEX_KEYPAIR = 2,
};

struct wgx_index_entry {
	struct wgx_index_entry *next;
	uint32_t index;
	enum wgx_index_type type;
	struct wgx_peer *peer;
	struct wgx_keypair *keypair;	/* WGX_INDEX_KEYPAIR only */
};

struct wgx_index_table {
	struct wgx_index_entry **buckets;
	uint32_t mask;
	uint32_t count;
};

int wgx_index_init(struct wgx_index_table *t, uint32_t buckets_pow2);
void wgx_index_free(struct wgx_index_table *t);
/* Picks a fresh random index not in use; 0 with *index set, or -ENOMEM. */
int wgx_index_add(struct wgx_index_table *t, enum wgx_index_type type, struct wgx_peer *peer,
		  struct wgx_keypair *kp, uint32_t *index);
/* The handshake's index now names its keypair. 0 or -ENOENT. */
int wgx_index_promote(struct wgx_index_table *t, uint32_t index, struct wgx_keypair *kp);
void wgx_index_remove(struct wgx_index_table *t, uint32_t index);
/* Entry of one of the given types (a mask of wgx_index_type), or NULL. */
struct wgx_index_entry *wgx_index_lookup(const struct wgx_index_table *t, uint32_t index,
					 unsigned int types);

#endif /* WGX_INDEX_H */
