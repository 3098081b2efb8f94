/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Allowed IPs as two path-compressed binary tries, one per family.
 *
 * Every node holds a whole prefix (key masked to cidr). A child's prefix is
 * strictly longer than its parent's and extends it; which child slot it sits
 * in is the child's bit at position parent->cidr (bit 0 is the top bit of
 * the first byte). A node either carries a peer or is a "glue" node made
 * where two prefixes diverge, and a glue node always has two children: that
 * keeps the trie at most 2n - 1 nodes for n prefixes and its depth at most
 * 129, so the recursive helpers below are bounded.
 *
 * Lookup follows a single path and keeps the last node with a peer, so it
 * costs O(prefix bits) node visits.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "allowedips.h"

#define KEY_LEN 16

struct wgx_aip_node {
	struct wgx_aip_node *child[2];
	uint8_t key[KEY_LEN];	/* masked to cidr; IPv4 uses the first 4 bytes */
	uint8_t cidr;
	bool has_peer;		/* false: glue node */
	uint32_t peer_id;
};

static unsigned int family_bits(int family)
{
	if (family == AF_INET)
		return 32;
	if (family == AF_INET6)
		return 128;
	return 0;
}

static unsigned int key_bit(const uint8_t *key, unsigned int i)
{
	return (key[i / 8] >> (7 - i % 8)) & 1;
}

/* Number of leading bits a and b share, at most limit. */
static unsigned int common_bits(const uint8_t *a, const uint8_t *b, unsigned int limit)
{
	unsigned int i;

	for (i = 0; i < limit; i += 8) {
		unsigned int x = a[i / 8] ^ b[i / 8];

		if (x) {
			i += __builtin_clz(x) - 24;
			break;
		}
	}
	return i < limit ? i : limit;
}

static void key_mask(uint8_t key[KEY_LEN], unsigned int cidr)
{
	unsigned int i;

	for (i = cidr; i < KEY_LEN * 8; i = (i | 7) + 1)
		key[i / 8] &= (uint8_t)(0xff00 >> (i % 8));
}

static bool node_covers(const struct wgx_aip_node *node, const uint8_t *addr)
{
	return common_bits(node->key, addr, node->cidr) == node->cidr;
}

static bool node_is_prefix(const struct wgx_aip_node *node, const uint8_t *key, unsigned int cidr)
{
	return node->cidr == cidr && node_covers(node, key);
}

static struct wgx_aip_node *node_new(const uint8_t *key, unsigned int cidr)
{
	struct wgx_aip_node *node = calloc(1, sizeof(*node));

	if (node) {
		memcpy(node->key, key, KEY_LEN);
		key_mask(node->key, cidr);
		node->cidr = cidr;
	}
	return node;
}

static void node_free_all(struct wgx_aip_node *node)
{
	if (!node)
		return;
	node_free_all(node->child[0]);
	node_free_all(node->child[1]);
	free(node);
}

/*
 * Restores "a glue node has two children" at *slot after a peer was taken
 * off it or one of its children went away.
 */
static void node_collapse(struct wgx_aip_node **slot)
{
	struct wgx_aip_node *node = *slot;

	if (node->has_peer || (node->child[0] && node->child[1]))
		return;
	*slot = node->child[0] ? node->child[0] : node->child[1];
	free(node);
}

/*
 * The slot where key/cidr is or would go: the path stops at the first node
 * that is not a shorter prefix of key. *parent_slot is the slot above it.
 */
static struct wgx_aip_node **trie_descend(struct wgx_aip_node **slot,
					  struct wgx_aip_node ***parent_slot, const uint8_t *key,
					  unsigned int cidr)
{
	struct wgx_aip_node *node;

	*parent_slot = NULL;
	while ((node = *slot) && node->cidr < cidr && node_covers(node, key)) {
		*parent_slot = slot;
		slot = &node->child[key_bit(key, node->cidr)];
	}
	return slot;
}

/*
 * Puts a new node for key/cidr at *slot, above the subtree already there
 * (which is not a prefix of key). If neither prefix contains the other, a
 * glue node at their first differing bit takes both.
 */
static int trie_attach(struct wgx_aip_node **slot, const uint8_t *key, unsigned int cidr,
		       uint32_t peer_id)
{
	struct wgx_aip_node *old = *slot, *leaf, *glue;
	unsigned int common;
	int ret = -ENOMEM;

	leaf = node_new(key, cidr);
	if (!leaf)
		goto out;
	leaf->has_peer = true;
	leaf->peer_id = peer_id;
	common = old ? common_bits(old->key, key, old->cidr < cidr ? old->cidr : cidr) : cidr;
	if (common == cidr) {
		if (old)
			leaf->child[key_bit(old->key, cidr)] = old;
		*slot = leaf;
		ret = 0;
		goto out;
	}
	glue = node_new(key, common);
	if (!glue) {
		free(leaf);
		goto out;
	}
	glue->child[key_bit(key, common)] = leaf;
	glue->child[key_bit(old->key, common)] = old;
	*slot = glue;
	ret = 0;
out:
	return ret;
}

static int trie_insert(struct wgx_aip_node **root, const uint8_t *key, unsigned int cidr,
		       uint32_t peer_id, size_t *count)
{
	struct wgx_aip_node **parent_slot;
	struct wgx_aip_node **slot = trie_descend(root, &parent_slot, key, cidr);
	struct wgx_aip_node *node = *slot;
	int ret = 0;

	if (node && node_is_prefix(node, key, cidr)) {
		/* Existing prefix or glue at the same place: (re)assign it. */
		*count += !node->has_peer;
		node->has_peer = true;
		node->peer_id = peer_id;
	} else {
		ret = trie_attach(slot, key, cidr, peer_id);
		*count += !ret;
	}
	return ret;
}

static int trie_remove(struct wgx_aip_node **root, const uint8_t *key, unsigned int cidr,
		       uint32_t peer_id, size_t *count)
{
	struct wgx_aip_node **parent_slot;
	struct wgx_aip_node **slot = trie_descend(root, &parent_slot, key, cidr);
	struct wgx_aip_node *node = *slot;

	if (!node || !node_is_prefix(node, key, cidr) || !node->has_peer ||
	    node->peer_id != peer_id)
		return -ENOENT;
	node->has_peer = false;
	(*count)--;
	node_collapse(slot);
	/* A leaf going away can leave its parent a glue node with one child. */
	if (parent_slot)
		node_collapse(parent_slot);
	return 0;
}

/* Post-order, so each node is collapsed only once its subtrees are final. */
static void trie_prune(struct wgx_aip_node **slot, uint32_t peer_id, size_t *count)
{
	struct wgx_aip_node *node = *slot;

	if (!node)
		return;
	trie_prune(&node->child[0], peer_id, count);
	trie_prune(&node->child[1], peer_id, count);
	if (node->has_peer && node->peer_id == peer_id) {
		node->has_peer = false;
		(*count)--;
	}
	node_collapse(slot);
}

static const struct wgx_aip_node *trie_lookup(const struct wgx_aip_node *node,
					      const uint8_t *addr, unsigned int bits)
{
	const struct wgx_aip_node *best = NULL;

	while (node && node_covers(node, addr)) {
		if (node->has_peer)
			best = node;
		if (node->cidr == bits)
			break;
		node = node->child[key_bit(addr, node->cidr)];
	}
	return best;
}

static int trie_walk(const struct wgx_aip_node *node, int family, wgx_allowedips_walk_fn fn,
		     void *ctx)
{
	int ret = 0;

	if (!node)
		return 0;
	if (node->has_peer)
		ret = fn(family, node->key, node->cidr, node->peer_id, ctx);
	if (!ret)
		ret = trie_walk(node->child[0], family, fn, ctx);
	if (!ret)
		ret = trie_walk(node->child[1], family, fn, ctx);
	return ret;
}

/* Validates family, cidr and addr, and gives the key masked to cidr. */
static int prefix_load(int family, const void *addr, unsigned int cidr, uint8_t key[KEY_LEN])
{
	unsigned int bits = family_bits(family);

	if (!addr || !bits || cidr > bits)
		return -EINVAL;
	memset(key, 0, KEY_LEN);
	memcpy(key, addr, bits / 8);
	key_mask(key, cidr);
	return 0;
}

static struct wgx_aip_node **trie_root(struct wgx_allowedips *t, int family)
{
	return family == AF_INET ? &t->root4 : &t->root6;
}

void wgx_allowedips_init(struct wgx_allowedips *t)
{
	memset(t, 0, sizeof(*t));
}

void wgx_allowedips_free(struct wgx_allowedips *t)
{
	node_free_all(t->root4);
	node_free_all(t->root6);
	wgx_allowedips_init(t);
}

int wgx_allowedips_insert(struct wgx_allowedips *t, int family, const void *addr, uint8_t cidr,
			  uint32_t peer_id)
{
	uint8_t key[KEY_LEN];
	int ret;

	ret = prefix_load(family, addr, cidr, key);
	if (!ret)
		ret = trie_insert(trie_root(t, family), key, cidr, peer_id, &t->count);
	return ret;
}

int wgx_allowedips_remove(struct wgx_allowedips *t, int family, const void *addr, uint8_t cidr,
			  uint32_t peer_id)
{
	uint8_t key[KEY_LEN];
	int ret;

	ret = prefix_load(family, addr, cidr, key);
	if (!ret)
		ret = trie_remove(trie_root(t, family), key, cidr, peer_id, &t->count);
	return ret;
}

void wgx_allowedips_remove_by_peer(struct wgx_allowedips *t, uint32_t peer_id)
{
	trie_prune(&t->root4, peer_id, &t->count);
	trie_prune(&t->root6, peer_id, &t->count);
}

int wgx_allowedips_lookup(const struct wgx_allowedips *t, int family, const void *addr,
			  uint32_t *peer_id)
{
	unsigned int bits = family_bits(family);
	uint8_t key[KEY_LEN];
	const struct wgx_aip_node *node;
	int ret;

	ret = prefix_load(family, addr, bits, key);
	if (ret)
		return ret;
	node = trie_lookup(family == AF_INET ? t->root4 : t->root6, key, bits);
	if (!node)
		return -ENOENT;
	*peer_id = node->peer_id;
	return 0;
}

int wgx_allowedips_walk(const struct wgx_allowedips *t, wgx_allowedips_walk_fn fn, void *ctx)
{
	int ret = trie_walk(t->root4, AF_INET, fn, ctx);

	if (!ret)
		ret = trie_walk(t->root6, AF_INET6, fn, ctx);
	return ret;
}

struct peer_walk {
	uint32_t peer_id;
	wgx_allowedips_peer_walk_fn fn;
	void *ctx;
};

static int peer_walk_filter(int family, const void *addr, uint8_t cidr, uint32_t peer_id,
			    void *ctx)
{
	const struct peer_walk *pw = ctx;

	return peer_id == pw->peer_id ? pw->fn(family, addr, cidr, pw->ctx) : 0;
}

int wgx_allowedips_walk_by_peer(const struct wgx_allowedips *t, uint32_t peer_id,
				wgx_allowedips_peer_walk_fn fn, void *ctx)
{
	struct peer_walk pw = { .peer_id = peer_id, .fn = fn, .ctx = ctx };

	return wgx_allowedips_walk(t, peer_walk_filter, &pw);
}

size_t wgx_allowedips_count(const struct wgx_allowedips *t)
{
	return t->count;
}

static bool node_key_masked(const struct wgx_aip_node *node)
{
	uint8_t key[KEY_LEN];

	memcpy(key, node->key, KEY_LEN);
	key_mask(key, node->cidr);
	return !memcmp(key, node->key, KEY_LEN);
}

static bool child_fits(const struct wgx_aip_node *parent, const struct wgx_aip_node *child,
		       unsigned int i)
{
	return child->cidr > parent->cidr && node_covers(parent, child->key) &&
	       key_bit(child->key, parent->cidr) == i;
}

static int node_check(const struct wgx_aip_node *node, unsigned int bits, size_t *peers)
{
	unsigned int i;
	int ret = 0;

	if (node->cidr > bits || !node_key_masked(node))
		return -EUCLEAN;
	if (!node->has_peer && !(node->child[0] && node->child[1]))
		return -EUCLEAN;
	*peers += node->has_peer;
	for (i = 0; i < 2 && !ret; i++) {
		if (!node->child[i])
			continue;
		ret = child_fits(node, node->child[i], i) ? 0 : -EUCLEAN;
		if (!ret)
			ret = node_check(node->child[i], bits, peers);
	}
	return ret;
}

int wgx_allowedips_check(const struct wgx_allowedips *t)
{
	size_t peers = 0;
	int ret = 0;

	if (t->root4)
		ret = node_check(t->root4, 32, &peers);
	if (!ret && t->root6)
		ret = node_check(t->root6, 128, &peers);
	if (!ret && peers != t->count)
		ret = -EUCLEAN;
	return ret;
}
