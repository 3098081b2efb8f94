/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Token buckets in a chained hash table whose entries come from one pool
 * allocated at init: a flood of spoofed sources costs no allocation and can
 * never grow memory, it only fills the pool (and then is refused wholesale).
 */
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ratelimiter.h"

#define NSEC_PER_SEC 1000000000ULL
/* Credit is counted in nanoseconds of refill time: one packet costs 1/20 s. */
#define PACKET_COST (NSEC_PER_SEC / WGX_RATELIMIT_PACKETS_PER_SECOND)
#define TOKEN_MAX (PACKET_COST * WGX_RATELIMIT_BURST)
/*
 * A bucket idle this long is full again (after TOKEN_MAX = 250 ms already),
 * exactly like a fresh one, so dropping it forgets nothing.
 */
#define IDLE_NS NSEC_PER_SEC
#define MAX_ENTRIES_LIMIT (1u << 24)
#define ENTRIES_PER_BUCKET 4

_Static_assert(WGX_RATELIMITER_SECRET_LEN == crypto_shorthash_KEYBYTES, "SipHash key size");

/* Hashed and compared as bytes, so no implicit padding. */
struct rl_key {
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t zero[3];
	uint8_t addr[8];	/* the IPv4 address, or the IPv6 /64; zero padded */
};

struct wgx_ratelimiter_entry {
	struct wgx_ratelimiter_entry *next;
	uint64_t last_ns;
	uint64_t tokens;	/* nanoseconds of credit, at most TOKEN_MAX */
	struct rl_key key;
};

/* Field copies by offset: src need not be aligned for sockaddr_in6. */
static int rl_key_from_sockaddr(struct rl_key *key, const struct sockaddr *src)
{
	const uint8_t *raw = (const uint8_t *)src;
	struct in6_addr a6;

	memset(key, 0, sizeof(*key));
	if (src->sa_family == AF_INET) {
		key->family = AF_INET;
		memcpy(key->addr, raw + offsetof(struct sockaddr_in, sin_addr), 4);
		return 0;
	}
	if (src->sa_family != AF_INET6)
		return -EAFNOSUPPORT;
	memcpy(&a6, raw + offsetof(struct sockaddr_in6, sin6_addr), sizeof(a6));
	if (IN6_IS_ADDR_V4MAPPED(&a6)) {
		key->family = AF_INET;
		memcpy(key->addr, &a6.s6_addr[12], 4);
	} else {
		key->family = AF_INET6;
		memcpy(key->addr, a6.s6_addr, 8);
	}
	return 0;
}

static struct wgx_ratelimiter_entry **rl_bucket(struct wgx_ratelimiter *rl,
						const struct rl_key *key)
{
	uint64_t h;

	crypto_shorthash((unsigned char *)&h, (const unsigned char *)key, sizeof(*key), rl->secret);
	return &rl->buckets[h & rl->bucket_mask];
}

static struct wgx_ratelimiter_entry *rl_find(struct wgx_ratelimiter_entry *e,
					     const struct rl_key *key)
{
	for (; e; e = e->next) {
		if (!memcmp(&e->key, key, sizeof(*key)))
			return e;
	}
	return NULL;
}

/* Refill for the time since the last packet, then try to pay for this one. */
static bool rl_spend(struct wgx_ratelimiter_entry *e, uint64_t now_ns)
{
	uint64_t elapsed = now_ns > e->last_ns ? now_ns - e->last_ns : 0;
	uint64_t tokens = e->tokens;

	tokens += elapsed < TOKEN_MAX ? elapsed : TOKEN_MAX;
	if (tokens > TOKEN_MAX)
		tokens = TOKEN_MAX;
	if (now_ns > e->last_ns)
		e->last_ns = now_ns;
	if (tokens < PACKET_COST) {
		e->tokens = tokens;
		return false;
	}
	e->tokens = tokens - PACKET_COST;
	return true;
}

/* A new source starts with a full bucket and spends one token at once. */
static bool rl_add(struct wgx_ratelimiter *rl, struct wgx_ratelimiter_entry **head,
		   const struct rl_key *key, uint64_t now_ns)
{
	struct wgx_ratelimiter_entry *e = rl->free_list;

	if (!e)
		return false;	/* table full: refuse rather than evict a live bucket */
	rl->free_list = e->next;
	e->key = *key;
	e->last_ns = now_ns;
	e->tokens = TOKEN_MAX - PACKET_COST;
	e->next = *head;
	*head = e;
	rl->count++;
	return true;
}

bool wgx_ratelimiter_allow(struct wgx_ratelimiter *rl, const struct sockaddr *src,
			   uint64_t now_ns)
{
	struct wgx_ratelimiter_entry **head, *e;
	struct rl_key key;

	if (!src || rl_key_from_sockaddr(&key, src) < 0)
		return false;
	head = rl_bucket(rl, &key);
	e = rl_find(*head, &key);
	if (!e)
		return rl_add(rl, head, &key, now_ns);
	return rl_spend(e, now_ns);
}

static unsigned int rl_gc_chain(struct wgx_ratelimiter *rl, struct wgx_ratelimiter_entry **link,
				uint64_t now_ns)
{
	struct wgx_ratelimiter_entry *e;
	unsigned int removed = 0;

	while ((e = *link)) {
		if (now_ns <= e->last_ns || now_ns - e->last_ns <= IDLE_NS) {
			link = &e->next;
			continue;
		}
		*link = e->next;
		e->next = rl->free_list;
		rl->free_list = e;
		removed++;
	}
	return removed;
}

unsigned int wgx_ratelimiter_gc(struct wgx_ratelimiter *rl, uint64_t now_ns)
{
	unsigned int i, removed = 0;

	for (i = 0; i <= rl->bucket_mask; i++)
		removed += rl_gc_chain(rl, &rl->buckets[i], now_ns);
	rl->count -= removed;
	return removed;
}

static unsigned int rl_bucket_count(unsigned int max_entries)
{
	unsigned int want = max_entries / ENTRIES_PER_BUCKET, n = 1;

	while (n < want)
		n <<= 1;
	return n;
}

int wgx_ratelimiter_init(struct wgx_ratelimiter *rl, unsigned int max_entries)
{
	unsigned int i, nbuckets = rl_bucket_count(max_entries);
	int ret = -EINVAL;

	memset(rl, 0, sizeof(*rl));
	if (!max_entries || max_entries > MAX_ENTRIES_LIMIT)
		goto out;
	ret = -EIO;
	if (sodium_init() < 0)
		goto out;
	ret = -ENOMEM;
	rl->pool = calloc(max_entries, sizeof(*rl->pool));
	if (!rl->pool)
		goto out;
	rl->buckets = calloc(nbuckets, sizeof(*rl->buckets));
	if (!rl->buckets)
		goto err_pool;

	for (i = max_entries; i-- > 0;) {
		rl->pool[i].next = rl->free_list;
		rl->free_list = &rl->pool[i];
	}
	rl->bucket_mask = nbuckets - 1;
	rl->max_entries = max_entries;
	randombytes_buf(rl->secret, sizeof(rl->secret));
	return 0;

err_pool:
	free(rl->pool);
	rl->pool = NULL;
out:
	return ret;
}

void wgx_ratelimiter_free(struct wgx_ratelimiter *rl)
{
	free(rl->buckets);
	free(rl->pool);
	sodium_memzero(rl, sizeof(*rl));
}
