// SPDX-License-Identifier: GPL-2.0
/* Receiver index table: chained hash, random keys, so no hashing beyond masking. */
#include <errno.h>
#include <sodium.h>
#include <stdlib.h>

#include "index.h"

int wgx_index_init(struct wgx_index_table *t, uint32_t buckets_pow2)
{
	t->buckets = calloc(1U << buckets_pow2, sizeof(*t->buckets));
	t->mask = (1U << buckets_pow2) - 1;
	t->count = 0;
	return t->buckets ? 0 : -ENOMEM;
}

void wgx_index_free(struct wgx_index_table *t)
{
	struct wgx_index_entry *e, *next;
	uint32_t i;

	for (i = 0; t->buckets && i <= t->mask; i++) {
		for (e = t->buckets[i]; e; e = next) {
			next = e->next;
			free(e);
		}
	}
	free(t->buckets);
	t->buckets = NULL;
}

static struct wgx_index_entry **find_slot(const struct wgx_index_table *t, uint32_t index)
{
	struct wgx_index_entry **slot = &t->buckets[index & t->mask];

	while (*slot && (*slot)->index != index)
		slot = &(*slot)->next;
	return slot;
}

int wgx_index_add(struct wgx_index_table *t, enum wgx_index_type type, struct wgx_peer *peer,
		  struct wgx_keypair *kp, uint32_t *index)
{
	struct wgx_index_entry *e = malloc(sizeof(*e));
	struct wgx_index_entry **slot;

	if (!e)
		return -ENOMEM;
	/* Indices are random so an observer learns nothing from them (§5.4.2). */
	do {
		e->index = randombytes_random();
		slot = find_slot(t, e->index);
	} while (*slot || !e->index);	/* 0 stays free: it means "none" in peers */
	e->type = type;
	e->peer = peer;
	e->keypair = kp;
	e->next = NULL;
	*slot = e;
	t->count++;
	*index = e->index;
	return 0;
}

int wgx_index_promote(struct wgx_index_table *t, uint32_t index, struct wgx_keypair *kp)
{
	struct wgx_index_entry *e = *find_slot(t, index);

	if (!e)
		return -ENOENT;
	e->type = WGX_INDEX_KEYPAIR;
	e->keypair = kp;
	return 0;
}

void wgx_index_remove(struct wgx_index_table *t, uint32_t index)
{
	struct wgx_index_entry **slot = find_slot(t, index), *e = *slot;

	if (!e)
		return;
	*slot = e->next;
	free(e);
	t->count--;
}

struct wgx_index_entry *wgx_index_lookup(const struct wgx_index_table *t, uint32_t index,
					 unsigned int types)
{
	struct wgx_index_entry *e = *find_slot(t, index);

	return e && (e->type & types) ? e : NULL;
}
