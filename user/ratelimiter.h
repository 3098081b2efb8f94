/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-source rate limit for handshake messages under load (whitepaper §5.3,
 * kernel ratelimiter.c): a token bucket per source of 20 packets/s with a
 * burst of 5. An IPv4 source is its full address; an IPv6 source is its /64,
 * the smallest unit a host can be assumed not to pick addresses from freely.
 * IPv4-mapped IPv6 addresses count as IPv4, so a dual-stack socket does not
 * lump every IPv4 client into ::/64.
 *
 * The table is bounded: when max_entries sources are tracked, new sources are
 * treated as limited until wgx_ratelimiter_gc() frees idle entries. Buckets are
 * chosen by SipHash under a random secret, so senders cannot aim at one chain.
 *
 * Pure and unlocked: no clock reads (now_ns is monotonic time from the
 * caller), no threads; the caller serialises access to one limiter.
 */
#ifndef WGX_RATELIMITER_H
#define WGX_RATELIMITER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

enum wgx_ratelimiter_limits {
	WGX_RATELIMIT_PACKETS_PER_SECOND = 20,
	WGX_RATELIMIT_BURST = 5,
	WGX_RATELIMITER_DEFAULT_ENTRIES = 8192,
	WGX_RATELIMITER_SECRET_LEN = 16,	/* crypto_shorthash_KEYBYTES */
};

struct wgx_ratelimiter_entry;

struct wgx_ratelimiter {
	struct wgx_ratelimiter_entry **buckets;
	struct wgx_ratelimiter_entry *pool;	/* max_entries entries, allocated once */
	struct wgx_ratelimiter_entry *free_list;
	unsigned int bucket_mask;
	unsigned int max_entries;
	unsigned int count;			/* entries in use */
	uint8_t secret[WGX_RATELIMITER_SECRET_LEN];
};

/* 0, -EINVAL (max_entries 0 or absurd), -ENOMEM, or -EIO if libsodium cannot start. */
int wgx_ratelimiter_init(struct wgx_ratelimiter *rl, unsigned int max_entries);
void wgx_ratelimiter_free(struct wgx_ratelimiter *rl);
/*
 * true: a handshake message from src may be processed now (one token spent).
 * false: src is over its rate, the table is full, or src is not AF_INET/AF_INET6.
 */
bool wgx_ratelimiter_allow(struct wgx_ratelimiter *rl, const struct sockaddr *src,
			   uint64_t now_ns);
/* Drops entries idle for more than a second; call about once a second. Returns how many. */
unsigned int wgx_ratelimiter_gc(struct wgx_ratelimiter *rl, uint64_t now_ns);

#endif /* WGX_RATELIMITER_H */
