/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Allowed IPs driven by fuzz input: a sequence of insert/remove/
 * remove_by_peer/lookup operations on both families, each checked against
 * a naive reference (flat array, linear longest match). Any disagreement,
 * or a broken trie invariant, aborts.
 *
 * Each operation reads: op byte (low 2 bits: operation, bit 2: IPv6),
 * cidr byte, peer byte (8 peers, so owners collide), then 4 or 16 address
 * bytes.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "allowedips.h"

#define REF_MAX 1024
#define PEERS 8

struct ref_entry {
	int family;
	uint8_t key[16];
	uint8_t cidr;
	uint32_t peer;
};

struct ref {
	struct ref_entry e[REF_MAX];
	size_t n;
};

struct op {
	unsigned int kind;
	int family;
	unsigned int bits;
	uint8_t cidr;
	uint32_t peer;
	uint8_t addr[16];
};

enum { OP_INSERT, OP_REMOVE, OP_REMOVE_BY_PEER, OP_LOOKUP };

static void check(bool ok)
{
	if (!ok)
		abort();
}

/* Bit by bit, unlike the trie, so a shared mistake is unlikely. */
static void ref_mask(uint8_t *key, unsigned int cidr)
{
	unsigned int i;

	for (i = cidr; i < 128; i++)
		key[i / 8] &= (uint8_t)~(0x80u >> (i % 8));
}

static bool ref_covers(const struct ref_entry *e, int family, const uint8_t *addr)
{
	uint8_t key[16];

	memcpy(key, addr, 16);
	ref_mask(key, e->cidr);
	return e->family == family && !memcmp(key, e->key, 16);
}

static struct ref_entry *ref_find(struct ref *r, int family, const uint8_t *key, uint8_t cidr)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		const struct ref_entry *e = &r->e[i];

		if (e->family == family && e->cidr == cidr && !memcmp(e->key, key, 16))
			return &r->e[i];
	}
	return NULL;
}

static int ref_insert(struct ref *r, const struct op *op)
{
	struct ref_entry *e;
	uint8_t key[16];

	memcpy(key, op->addr, 16);
	ref_mask(key, op->cidr);
	e = ref_find(r, op->family, key, op->cidr);
	if (!e) {
		e = &r->e[r->n++];
		e->family = op->family;
		memcpy(e->key, key, 16);
		e->cidr = op->cidr;
	}
	e->peer = op->peer;
	return 0;
}

static int ref_remove(struct ref *r, const struct op *op)
{
	struct ref_entry *e;
	uint8_t key[16];

	memcpy(key, op->addr, 16);
	ref_mask(key, op->cidr);
	e = ref_find(r, op->family, key, op->cidr);
	if (!e || e->peer != op->peer)
		return -ENOENT;
	*e = r->e[--r->n];
	return 0;
}

static void ref_remove_by_peer(struct ref *r, uint32_t peer)
{
	size_t i = 0;

	while (i < r->n) {
		if (r->e[i].peer == peer)
			r->e[i] = r->e[--r->n];
		else
			i++;
	}
}

static int ref_lookup(const struct ref *r, int family, const uint8_t *addr, uint32_t *peer)
{
	const struct ref_entry *best = NULL;
	size_t i;

	for (i = 0; i < r->n; i++) {
		if (ref_covers(&r->e[i], family, addr) && (!best || r->e[i].cidr > best->cidr))
			best = &r->e[i];
	}
	if (best)
		*peer = best->peer;
	return best ? 0 : -ENOENT;
}

/* Consumes one operation from the input; false when too few bytes remain. */
static bool op_read(struct op *op, const uint8_t **data, size_t *size)
{
	const uint8_t *d = *data;

	if (*size < 3)
		return false;
	op->kind = d[0] & 3;
	op->family = d[0] & 4 ? AF_INET6 : AF_INET;
	op->bits = op->family == AF_INET ? 32 : 128;
	/* Mostly valid, sometimes one past the end to exercise -EINVAL. */
	op->cidr = d[1] % (op->bits + 2);
	op->peer = d[2] % PEERS;
	if (*size < 3 + op->bits / 8)
		return false;
	memset(op->addr, 0, sizeof(op->addr));
	memcpy(op->addr, d + 3, op->bits / 8);
	*data += 3 + op->bits / 8;
	*size -= 3 + op->bits / 8;
	return true;
}

static void compare_lookup(const struct wgx_allowedips *t, const struct ref *r,
			   const struct op *op)
{
	uint32_t got = 0, want = 0;
	int ret = wgx_allowedips_lookup(t, op->family, op->addr, &got);

	check(ret == ref_lookup(r, op->family, op->addr, &want));
	check(ret || got == want);
}

static void op_run(struct wgx_allowedips *t, struct ref *r, const struct op *op)
{
	bool valid = op->cidr <= op->bits;
	int ret;

	if (op->kind == OP_INSERT && r->n < REF_MAX) {
		ret = wgx_allowedips_insert(t, op->family, op->addr, op->cidr, op->peer);
		check(ret == (valid ? ref_insert(r, op) : -EINVAL));
	} else if (op->kind == OP_REMOVE) {
		ret = wgx_allowedips_remove(t, op->family, op->addr, op->cidr, op->peer);
		check(ret == (valid ? ref_remove(r, op) : -EINVAL));
	} else if (op->kind == OP_REMOVE_BY_PEER) {
		wgx_allowedips_remove_by_peer(t, op->peer);
		ref_remove_by_peer(r, op->peer);
	}
	compare_lookup(t, r, op);
	check(wgx_allowedips_count(t) == r->n);
}

static int walk_one(int family, const void *addr, uint8_t cidr, uint32_t peer, void *ctx)
{
	struct ref *r = ctx;
	uint8_t key[16] = { 0 };
	struct ref_entry *e;

	memcpy(key, addr, family == AF_INET ? 4 : 16);
	e = ref_find(r, family, key, cidr);
	return !e || e->peer != peer;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ref r;
	struct wgx_allowedips t;
	struct op op;

	r.n = 0;
	wgx_allowedips_init(&t);
	while (op_read(&op, &data, &size))
		op_run(&t, &r, &op);
	check(wgx_allowedips_check(&t) == 0);
	check(wgx_allowedips_walk(&t, walk_one, &r) == 0);
	wgx_allowedips_free(&t);
	return 0;
}
