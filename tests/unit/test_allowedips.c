/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Allowed IPs: explicit overlap cases from tables, then randomized
 * insert/remove/lookup runs checked against a naive reference (a flat array
 * with a linear longest match), in the spirit of the kernel's allowedips
 * selftest. The seed is printed; WGX_TEST_SEED=<n> replays a run.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "allowedips.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define NONE (-1)		/* expected lookup result: no peer */
#define DEFAULT_SEED 0x7767786470ULL
#define RANDOM_OPS 12000
#define RANDOM_PEERS 64
#define LOOKUPS_PER_OP 8
#define FULL_CHECK_EVERY 250

struct pfx {
	int family;
	uint8_t addr[16];
	uint8_t cidr;
};

struct route {
	const char *prefix;
	uint32_t peer;
};

struct probe {
	const char *addr;
	int64_t peer;		/* NONE for -ENOENT */
};

/* "10.0.0.0/8", "2001:db8::1" (no slash: a full-length prefix). */
static struct pfx pfx(const char *text)
{
	char buf[INET6_ADDRSTRLEN + 8];
	struct pfx p = { 0 };
	char *slash;

	snprintf(buf, sizeof(buf), "%s", text);
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	p.family = strchr(buf, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(p.family, buf, p.addr) != 1)
		fail_msg("bad address in test table: %s", text);
	p.cidr = slash ? atoi(slash + 1) : (p.family == AF_INET ? 32 : 128);
	return p;
}

static int ins(struct wgx_allowedips *t, const char *prefix, uint32_t peer)
{
	struct pfx p = pfx(prefix);

	return wgx_allowedips_insert(t, p.family, p.addr, p.cidr, peer);
}

static int rem(struct wgx_allowedips *t, const char *prefix, uint32_t peer)
{
	struct pfx p = pfx(prefix);

	return wgx_allowedips_remove(t, p.family, p.addr, p.cidr, peer);
}

static void load_routes(struct wgx_allowedips *t, const struct route *r, size_t n, bool reverse)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct route *e = &r[reverse ? n - 1 - i : i];

		assert_int_equal(ins(t, e->prefix, e->peer), 0);
	}
	assert_int_equal(wgx_allowedips_check(t), 0);
}

static void run_probes(const struct wgx_allowedips *t, const struct probe *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct pfx a = pfx(p[i].addr);
		uint32_t peer = 0xdeadbeef;
		int ret = wgx_allowedips_lookup(t, a.family, a.addr, &peer);

		if (p[i].peer == NONE && ret != -ENOENT)
			fail_msg("%s: want no peer, got ret %d peer %u", p[i].addr, ret, peer);
		if (p[i].peer != NONE && (ret || peer != (uint32_t)p[i].peer))
			fail_msg("%s: want peer %lld, got ret %d peer %u", p[i].addr,
				 (long long)p[i].peer, ret, peer);
	}
}

/* Collects what a walk visits, in order. */
struct seen {
	struct pfx p[64];
	uint32_t peer[64];
	size_t n;
	size_t stop_at;		/* non-zero: return 7 on this call */
};

static int seen_add(int family, const void *addr, uint8_t cidr, uint32_t peer, void *ctx)
{
	struct seen *s = ctx;

	assert_true(s->n < ARRAY_SIZE(s->p));
	memset(&s->p[s->n], 0, sizeof(s->p[s->n]));
	s->p[s->n].family = family;
	memcpy(s->p[s->n].addr, addr, family == AF_INET ? 4 : 16);
	s->p[s->n].cidr = cidr;
	s->peer[s->n] = peer;
	s->n++;
	return s->n == s->stop_at ? 7 : 0;
}

static int seen_add_peer(int family, const void *addr, uint8_t cidr, void *ctx)
{
	return seen_add(family, addr, cidr, 0, ctx);
}

static void expect_seen(const struct seen *s, size_t i, const char *prefix)
{
	struct pfx want = pfx(prefix);

	assert_true(i < s->n);
	assert_int_equal(s->p[i].family, want.family);
	assert_int_equal(s->p[i].cidr, want.cidr);
	assert_memory_equal(s->p[i].addr, want.addr, 16);
}

static size_t peer_count(const struct wgx_allowedips *t, uint32_t peer)
{
	struct seen s = { 0 };

	assert_int_equal(wgx_allowedips_walk_by_peer(t, peer, seen_add_peer, &s), 0);
	return s.n;
}

static int setup(void **state)
{
	struct wgx_allowedips *t = malloc(sizeof(*t));

	if (!t)
		return -1;
	wgx_allowedips_init(t);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct wgx_allowedips *t = *state;
	int ret = wgx_allowedips_check(t);

	wgx_allowedips_free(t);
	free(t);
	return ret;
}

static void test_default_route_v4(void **state)
{
	static const struct probe only_default[] = {
		{ "0.0.0.0", 1 }, { "10.0.0.1", 1 }, { "255.255.255.255", 1 }, { "::", NONE },
		{ "::ffff:10.0.0.1", NONE },
	};
	static const struct probe with_10[] = {
		{ "10.0.0.1", 2 }, { "10.255.255.255", 2 }, { "11.0.0.0", 1 },
		{ "9.255.255.255", 1 },
	};
	static const struct probe without_default[] = {
		{ "10.0.0.1", 2 }, { "11.0.0.0", NONE }, { "0.0.0.0", NONE },
	};
	struct wgx_allowedips *t = *state;

	assert_int_equal(ins(t, "0.0.0.0/0", 1), 0);
	run_probes(t, only_default, ARRAY_SIZE(only_default));
	assert_int_equal(ins(t, "10.0.0.0/8", 2), 0);
	run_probes(t, with_10, ARRAY_SIZE(with_10));
	assert_int_equal(rem(t, "0.0.0.0/0", 1), 0);
	run_probes(t, without_default, ARRAY_SIZE(without_default));
	assert_int_equal(wgx_allowedips_count(t), 1);
}

static void test_default_route_v6(void **state)
{
	static const struct probe only_default[] = {
		{ "::", 1 }, { "2001:db8::1", 1 }, { "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 1 },
		{ "::ffff:10.0.0.1", 1 }, { "0.0.0.0", NONE }, { "10.0.0.1", NONE },
	};
	static const struct probe with_db8[] = {
		{ "2001:db8::1", 2 }, { "2001:db9::", 1 }, { "fe80::1", 1 },
	};
	static const struct probe without_default[] = {
		{ "2001:db8:ffff::1", 2 }, { "2001:db9::", NONE }, { "::", NONE },
	};
	struct wgx_allowedips *t = *state;

	assert_int_equal(ins(t, "::/0", 1), 0);
	run_probes(t, only_default, ARRAY_SIZE(only_default));
	assert_int_equal(ins(t, "2001:db8::/32", 2), 0);
	run_probes(t, with_db8, ARRAY_SIZE(with_db8));
	assert_int_equal(rem(t, "::/0", 1), 0);
	run_probes(t, without_default, ARRAY_SIZE(without_default));
	assert_int_equal(wgx_allowedips_count(t), 1);
}

static void test_host_routes(void **state)
{
	static const struct route routes[] = {
		{ "192.168.1.1/32", 3 }, { "192.168.1.2/32", 4 }, { "0.0.0.0/32", 5 },
		{ "255.255.255.255/32", 6 }, { "2001:db8::1/128", 3 }, { "2001:db8::/128", 4 },
		{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", 6 },
	};
	static const struct probe probes[] = {
		{ "192.168.1.1", 3 }, { "192.168.1.2", 4 }, { "192.168.1.0", NONE },
		{ "192.168.1.3", NONE }, { "0.0.0.0", 5 }, { "0.0.0.1", NONE },
		{ "255.255.255.255", 6 }, { "255.255.255.254", NONE }, { "2001:db8::1", 3 },
		{ "2001:db8::", 4 }, { "2001:db8::2", NONE }, { "::", NONE },
		{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 6 },
		{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", NONE },
	};
	struct wgx_allowedips *t = *state;

	load_routes(t, routes, ARRAY_SIZE(routes), false);
	run_probes(t, probes, ARRAY_SIZE(probes));
	assert_int_equal(wgx_allowedips_count(t), ARRAY_SIZE(routes));
}

/* Nested prefixes owned by different peers; loaded in both orders. */
static void test_longest_match(void **state)
{
	static const struct route routes[] = {
		{ "10.0.0.0/8", 1 }, { "10.1.0.0/16", 2 }, { "10.1.2.0/24", 3 },
		{ "10.1.2.128/25", 4 }, { "10.1.2.3/32", 5 }, { "192.168.0.0/16", 6 },
		{ "192.168.128.0/17", 1 }, { "172.16.0.0/12", 7 }, { "2001:db8::/32", 1 },
		{ "2001:db8:1::/48", 2 }, { "2001:db8:1:2::/64", 3 }, { "2001:db8:1:2::1/128", 4 },
		{ "2001:db8:8000::/33", 5 }, { "fe80::/10", UINT32_MAX }, { "::ffff:0:0/96", 0 },
	};
	static const struct probe probes[] = {
		{ "10.0.0.1", 1 }, { "10.1.0.1", 2 }, { "10.1.2.1", 3 }, { "10.1.2.3", 5 },
		{ "10.1.2.4", 3 }, { "10.1.2.200", 4 }, { "10.1.3.0", 2 }, { "10.255.255.255", 1 },
		{ "11.0.0.0", NONE }, { "9.255.255.255", NONE }, { "192.168.1.1", 6 },
		{ "192.168.200.1", 1 }, { "172.31.255.255", 7 }, { "172.32.0.0", NONE },
		{ "172.15.255.255", NONE }, { "0.0.0.0", NONE }, { "255.255.255.255", NONE },
		{ "2001:db8::1", 1 }, { "2001:db8:1::1", 2 }, { "2001:db8:1:2::2", 3 },
		{ "2001:db8:1:2::1", 4 }, { "2001:db8:8000::1", 5 }, { "2001:db8:ffff::", 5 },
		{ "2001:db8:7fff::", 1 }, { "2001:db9::", NONE }, { "fe80::1", UINT32_MAX },
		{ "febf:ffff::1", UINT32_MAX }, { "fec0::", NONE }, { "::ffff:10.0.0.1", 0 },
		{ "::1", NONE }, { "::", NONE },
	};
	struct wgx_allowedips *t = *state;
	int reverse;

	for (reverse = 0; reverse < 2; reverse++) {
		load_routes(t, routes, ARRAY_SIZE(routes), reverse);
		run_probes(t, probes, ARRAY_SIZE(probes));
		assert_int_equal(wgx_allowedips_count(t), ARRAY_SIZE(routes));
		wgx_allowedips_free(t);
	}
}

static void test_reassign(void **state)
{
	static const struct probe probes[] = { { "10.0.0.5", 2 }, { "10.0.1.0", NONE } };
	struct wgx_allowedips *t = *state;

	assert_int_equal(ins(t, "10.0.0.0/24", 1), 0);
	assert_int_equal(ins(t, "10.0.0.77/24", 2), 0);
	assert_int_equal(wgx_allowedips_count(t), 1);
	run_probes(t, probes, ARRAY_SIZE(probes));
	assert_int_equal(peer_count(t, 1), 0);
	assert_int_equal(peer_count(t, 2), 1);
	assert_int_equal(rem(t, "10.0.0.0/24", 1), -ENOENT);
	assert_int_equal(rem(t, "10.0.0.0/24", 2), 0);
	assert_int_equal(wgx_allowedips_count(t), 0);
}

static void test_remove_not_owned(void **state)
{
	static const struct route routes[] = { { "10.0.0.0/8", 1 }, { "10.1.0.0/16", 2 } };
	static const struct route not_owned[] = {
		{ "10.0.0.0/8", 2 },	/* owned by 1 */
		{ "10.1.0.0/16", 1 },	/* owned by 2, inside 1's prefix */
		{ "10.0.0.0/9", 1 },	/* not exact: a sub-prefix */
		{ "10.0.0.0/7", 1 },	/* not exact: a super-prefix */
		{ "10.1.0.0/24", 2 },
		{ "::/0", 1 },		/* other family, empty trie */
	};
	static const struct probe before[] = { { "10.2.0.0", 1 }, { "10.1.0.0", 2 } };
	static const struct probe after[] = { { "10.2.0.0", NONE }, { "10.1.0.0", 2 } };
	struct wgx_allowedips *t = *state;
	size_t i;

	load_routes(t, routes, ARRAY_SIZE(routes), false);
	for (i = 0; i < ARRAY_SIZE(not_owned); i++)
		assert_int_equal(rem(t, not_owned[i].prefix, not_owned[i].peer), -ENOENT);
	assert_int_equal(wgx_allowedips_count(t), 2);
	run_probes(t, before, ARRAY_SIZE(before));
	/* Host bits are masked on removal too. */
	assert_int_equal(rem(t, "10.255.0.0/8", 1), 0);
	assert_int_equal(rem(t, "10.0.0.0/8", 1), -ENOENT);
	run_probes(t, after, ARRAY_SIZE(after));
	assert_int_equal(wgx_allowedips_count(t), 1);
}

/* A prefix landing on, and leaving, the glue node two siblings create. */
static void test_remove_glue(void **state)
{
	static const struct probe all[] = {
		{ "10.0.0.1", 1 }, { "10.0.1.1", 2 }, { "10.0.2.0", NONE },
	};
	static const struct probe left[] = {
		{ "10.0.0.1", NONE }, { "10.0.1.1", 2 },
	};
	struct wgx_allowedips *t = *state;
	struct seen s = { 0 };

	assert_int_equal(ins(t, "10.0.0.0/24", 1), 0);
	assert_int_equal(ins(t, "10.0.1.0/24", 2), 0);
	assert_int_equal(ins(t, "10.0.0.0/23", 3), 0);
	assert_int_equal(wgx_allowedips_count(t), 3);
	assert_int_equal(wgx_allowedips_walk(t, seen_add, &s), 0);
	assert_int_equal(s.n, 3);
	expect_seen(&s, 0, "10.0.0.0/23");
	run_probes(t, all, ARRAY_SIZE(all));
	assert_int_equal(rem(t, "10.0.0.0/23", 3), 0);
	assert_int_equal(wgx_allowedips_check(t), 0);
	run_probes(t, all, ARRAY_SIZE(all));
	assert_int_equal(rem(t, "10.0.0.0/24", 1), 0);
	assert_int_equal(wgx_allowedips_check(t), 0);
	run_probes(t, left, ARRAY_SIZE(left));
	assert_int_equal(rem(t, "10.0.1.0/24", 2), 0);
	assert_int_equal(wgx_allowedips_count(t), 0);
	s.n = 0;
	assert_int_equal(wgx_allowedips_walk(t, seen_add, &s), 0);
	assert_int_equal(s.n, 0);
}

static void test_remove_by_peer(void **state)
{
	static const struct route routes[] = {
		{ "0.0.0.0/0", 1 }, { "10.0.0.0/8", 2 }, { "10.1.0.0/16", 3 },
		{ "10.1.2.0/24", 2 }, { "10.1.2.3/32", 1 }, { "10.1.3.0/24", 2 },
		{ "::/0", 2 }, { "2001:db8::/32", 1 }, { "2001:db8::/48", 2 },
		{ "2001:db8::1/128", 3 },
	};
	static const struct probe probes[] = {
		{ "11.0.0.0", 1 }, { "10.0.0.1", 1 }, { "10.1.2.1", 3 }, { "10.1.2.3", 1 },
		{ "10.1.3.1", 3 }, { "::1", NONE }, { "2001:db8::2", 1 }, { "2001:db8::1", 3 },
	};
	struct wgx_allowedips *t = *state;

	load_routes(t, routes, ARRAY_SIZE(routes), false);
	assert_int_equal(peer_count(t, 2), 5);
	wgx_allowedips_remove_by_peer(t, 2);
	assert_int_equal(wgx_allowedips_check(t), 0);
	assert_int_equal(peer_count(t, 2), 0);
	assert_int_equal(peer_count(t, 1), 3);
	assert_int_equal(peer_count(t, 3), 2);
	assert_int_equal(wgx_allowedips_count(t), 5);
	run_probes(t, probes, ARRAY_SIZE(probes));
	wgx_allowedips_remove_by_peer(t, 99);
	assert_int_equal(wgx_allowedips_count(t), 5);
	wgx_allowedips_remove_by_peer(t, 1);
	wgx_allowedips_remove_by_peer(t, 3);
	assert_int_equal(wgx_allowedips_count(t), 0);
	assert_int_equal(wgx_allowedips_check(t), 0);
}

static void test_host_bits_masked(void **state)
{
	static const struct {
		const char *given, *stored;
	} cases[] = {
		{ "10.0.0.1/24", "10.0.0.0/24" },
		{ "10.1.3.255/23", "10.1.2.0/23" },
		{ "255.255.255.255/0", "0.0.0.0/0" },
		{ "255.255.255.255/1", "128.0.0.0/1" },
		{ "192.168.1.1/32", "192.168.1.1/32" },
		{ "2001:db8::1/64", "2001:db8::/64" },
		{ "2001:db8:ffff:ffff::/33", "2001:db8:8000::/33" },
		{ "ffff::/1", "8000::/1" },
		{ "::1/127", "::/127" },
		{ "::ffff/0", "::/0" },
	};
	struct wgx_allowedips *t = *state;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct seen s = { 0 };
		struct pfx stored = pfx(cases[i].stored);
		uint32_t peer = 0;

		assert_int_equal(ins(t, cases[i].given, 42), 0);
		assert_int_equal(wgx_allowedips_walk(t, seen_add, &s), 0);
		assert_int_equal(s.n, 1);
		expect_seen(&s, 0, cases[i].stored);
		assert_int_equal(wgx_allowedips_lookup(t, stored.family, stored.addr, &peer), 0);
		assert_int_equal(peer, 42);
		assert_int_equal(rem(t, cases[i].stored, 42), 0);
		assert_int_equal(wgx_allowedips_count(t), 0);
	}
}

static void test_invalid_args(void **state)
{
	static const struct {
		int family;
		uint8_t cidr;
		int ret;
	} cases[] = {
		{ AF_INET, 33, -EINVAL }, { AF_INET, 255, -EINVAL }, { AF_INET6, 129, -EINVAL },
		{ AF_INET6, 255, -EINVAL }, { AF_UNIX, 0, -EINVAL }, { AF_UNSPEC, 0, -EINVAL },
		{ AF_INET, 32, 0 }, { AF_INET6, 128, 0 },
	};
	static const uint8_t addr[16] = { 10 };
	struct wgx_allowedips *t = *state;
	uint32_t peer = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int fam = cases[i].family, ret = cases[i].ret;
		uint8_t cidr = cases[i].cidr;

		/* Valid but absent prefixes fail removal with -ENOENT. */
		assert_int_equal(wgx_allowedips_remove(t, fam, addr, cidr, 1), ret ? ret : -ENOENT);
		assert_int_equal(wgx_allowedips_insert(t, fam, addr, cidr, 1), ret);
	}
	assert_int_equal(wgx_allowedips_count(t), 2);
	assert_int_equal(wgx_allowedips_insert(t, AF_INET, NULL, 8, 1), -EINVAL);
	assert_int_equal(wgx_allowedips_lookup(t, AF_UNIX, addr, &peer), -EINVAL);
	assert_int_equal(wgx_allowedips_lookup(t, AF_INET, NULL, &peer), -EINVAL);
	assert_int_equal(wgx_allowedips_count(t), 2);
}

static void test_walk_lists_inserted(void **state)
{
	/* In walk order: IPv4 first, address order, shorter prefix first. */
	static const struct route sorted[] = {
		{ "0.0.0.0/0", 1 }, { "9.0.0.0/8", 2 }, { "10.0.0.0/8", 1 },
		{ "10.0.0.0/24", 3 }, { "10.0.0.1/32", 2 }, { "10.128.0.0/9", 2 },
		{ "192.168.1.0/24", 3 }, { "::/0", 3 }, { "::ffff:0:0/96", 1 },
		{ "2001:db8::/32", 2 }, { "2001:db8::1/128", 1 }, { "fe80::/10", 3 },
	};
	static const size_t order[] = { 5, 11, 0, 8, 2, 10, 3, 7, 1, 9, 6, 4 };
	struct wgx_allowedips *t = *state;
	struct seen s = { 0 }, p = { 0 };
	size_t i, j = 0;

	for (i = 0; i < ARRAY_SIZE(order); i++)
		assert_int_equal(ins(t, sorted[order[i]].prefix, sorted[order[i]].peer), 0);
	assert_int_equal(wgx_allowedips_walk(t, seen_add, &s), 0);
	assert_int_equal(s.n, ARRAY_SIZE(sorted));
	assert_int_equal(wgx_allowedips_walk_by_peer(t, 2, seen_add_peer, &p), 0);
	for (i = 0; i < ARRAY_SIZE(sorted); i++) {
		expect_seen(&s, i, sorted[i].prefix);
		assert_int_equal(s.peer[i], sorted[i].peer);
		if (sorted[i].peer == 2)
			expect_seen(&p, j++, sorted[i].prefix);
	}
	assert_int_equal(p.n, j);
}

static void test_walk_stops_early(void **state)
{
	static const struct route routes[] = {
		{ "10.0.0.0/8", 1 }, { "10.1.0.0/16", 2 }, { "10.2.0.0/16", 1 },
		{ "2001:db8::/32", 1 }, { "2001:db8::/64", 2 },
	};
	struct wgx_allowedips *t = *state;
	struct seen s = { .stop_at = 2 }, p = { .stop_at = 3 };

	load_routes(t, routes, ARRAY_SIZE(routes), false);
	assert_int_equal(wgx_allowedips_walk(t, seen_add, &s), 7);
	assert_int_equal(s.n, 2);
	assert_int_equal(wgx_allowedips_walk_by_peer(t, 1, seen_add_peer, &p), 7);
	assert_int_equal(p.n, 3);
	expect_seen(&p, 2, "2001:db8::/32");
}

static void test_free_and_reuse(void **state)
{
	static const struct probe gone[] = { { "10.0.0.1", NONE }, { "2001:db8::1", NONE } };
	static const struct probe back[] = { { "10.0.0.1", 4 }, { "2001:db8::1", NONE } };
	struct wgx_allowedips *t = *state;

	assert_int_equal(ins(t, "10.0.0.0/8", 1), 0);
	assert_int_equal(ins(t, "10.0.0.0/16", 2), 0);
	assert_int_equal(ins(t, "2001:db8::/32", 3), 0);
	wgx_allowedips_free(t);
	assert_int_equal(wgx_allowedips_count(t), 0);
	run_probes(t, gone, ARRAY_SIZE(gone));
	assert_int_equal(ins(t, "10.0.0.0/8", 4), 0);
	run_probes(t, back, ARRAY_SIZE(back));
}

/* --- randomized comparison against a naive reference --- */

static uint64_t rng_state;

/* splitmix64: same sequence on every libc, so a printed seed replays. */
static uint64_t rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int rng_below(unsigned int n)
{
	return (unsigned int)(rng() % n);
}

struct ref_entry {
	uint8_t key[16];
	uint8_t cidr;
	uint32_t peer;
};

struct ref {
	int family;
	unsigned int bits;
	struct ref_entry *e;
	size_t n;
	uint8_t bases[8][16];	/* random addresses generated prefixes cluster around */
};

static void bit_set(uint8_t *a, unsigned int i, unsigned int v)
{
	a[i / 8] = (uint8_t)((a[i / 8] & ~(0x80u >> (i % 8))) | (v << (7 - i % 8)));
}

/* Deliberately bit by bit: an implementation unlike the trie's. */
static void ref_mask(uint8_t *key, unsigned int cidr)
{
	unsigned int i;

	for (i = cidr; i < 128; i++)
		bit_set(key, i, 0);
}

static bool ref_covers(const struct ref_entry *e, const uint8_t *addr)
{
	unsigned int full = e->cidr / 8, rest = e->cidr % 8;
	uint8_t mask = (uint8_t)(0xff00 >> rest);

	if (memcmp(e->key, addr, full))
		return false;
	return !rest || !((e->key[full] ^ addr[full]) & mask);
}

static struct ref_entry *ref_find(struct ref *r, const uint8_t *key, unsigned int cidr)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		if (r->e[i].cidr == cidr && !memcmp(r->e[i].key, key, 16))
			return &r->e[i];
	}
	return NULL;
}

static void ref_insert(struct ref *r, const uint8_t *addr, unsigned int cidr, uint32_t peer)
{
	struct ref_entry *e;
	uint8_t key[16];

	memcpy(key, addr, 16);
	ref_mask(key, cidr);
	e = ref_find(r, key, cidr);
	if (!e) {
		e = &r->e[r->n++];
		memcpy(e->key, key, 16);
		e->cidr = cidr;
	}
	e->peer = peer;
}

static int ref_remove(struct ref *r, const uint8_t *addr, unsigned int cidr, uint32_t peer)
{
	struct ref_entry *e;
	uint8_t key[16];

	memcpy(key, addr, 16);
	ref_mask(key, cidr);
	e = ref_find(r, key, cidr);
	if (!e || e->peer != peer)
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

static int ref_lookup(const struct ref *r, const uint8_t *addr, uint32_t *peer)
{
	const struct ref_entry *best = NULL;
	size_t i;

	for (i = 0; i < r->n; i++) {
		if (ref_covers(&r->e[i], addr) && (!best || r->e[i].cidr > best->cidr))
			best = &r->e[i];
	}
	if (best)
		*peer = best->peer;
	return best ? 0 : -ENOENT;
}

/*
 * One of a few base addresses with everything after a random bit position
 * re-randomized: prefixes nest deeply and diverge at every depth, which
 * uniformly random addresses would not do in a 128-bit space.
 */
static void rand_addr(const struct ref *r, uint8_t *addr)
{
	unsigned int from = rng_below(r->bits + 1), i;

	memset(addr, 0, 16);
	memcpy(addr, r->bases[rng_below(ARRAY_SIZE(r->bases))], r->bits / 8);
	for (i = from; i < r->bits; i++)
		bit_set(addr, i, (unsigned int)rng() & 1);
}

/*
 * Mostly longer than a quarter of the address, often near a host route
 * where the trie is deepest, rarely anything down to /0: short prefixes
 * would cover every lookup and hide the misses.
 */
static unsigned int rand_cidr(const struct ref *r)
{
	unsigned int dice = rng_below(100);

	if (dice < 2)
		return rng_below(r->bits + 1);
	if (dice < 35)
		return r->bits - rng_below(9);
	return r->bits / 4 + rng_below(r->bits - r->bits / 4 + 1);
}

static uint32_t rand_peer(void)
{
	uint32_t peer = rng_below(RANDOM_PEERS);

	/* Ids are opaque: exercise the extremes of the range too. */
	return peer == RANDOM_PEERS - 1 ? UINT32_MAX : peer;
}

static void agree(long got, long want, const char *what, size_t op)
{
	if (got != want)
		fail_msg("%s: trie says %ld, reference %ld, at op %zu", what, got, want, op);
}

static void compare_lookups(const struct wgx_allowedips *t, const struct ref *r, size_t op)
{
	uint8_t addr[16];
	uint32_t got = 0, want = 0;
	int i, ret;

	for (i = 0; i < LOOKUPS_PER_OP; i++) {
		rand_addr(r, addr);
		ret = wgx_allowedips_lookup(t, r->family, addr, &got);
		agree(ret, ref_lookup(r, addr, &want), "lookup ret", op);
		if (!ret)
			agree(got, want, "lookup peer", op);
	}
}

struct walk_cmp {
	struct ref *r;
	size_t n;
};

static int walk_cmp_one(int family, const void *addr, uint8_t cidr, uint32_t peer, void *ctx)
{
	struct walk_cmp *w = ctx;
	struct ref_entry *e;
	uint8_t key[16] = { 0 };

	memcpy(key, addr, w->r->bits / 8);
	e = ref_find(w->r, key, cidr);
	w->n++;
	return family != w->r->family || !e || e->peer != peer;
}

/* Structure invariants, and the walk yields exactly the reference's entries. */
static void compare_all(const struct wgx_allowedips *t, struct ref *r, size_t op)
{
	struct walk_cmp w = { .r = r };

	agree(wgx_allowedips_check(t), 0, "check", op);
	agree(wgx_allowedips_walk(t, walk_cmp_one, &w), 0, "walk entry", op);
	agree(w.n, r->n, "walk count", op);
}

/* Keeps the prefix, randomizes what lies beyond it: remove must mask too. */
static void dirty_host_bits(const struct ref *r, uint8_t *addr, unsigned int cidr)
{
	unsigned int i;

	for (i = cidr; i < r->bits; i++)
		bit_set(addr, i, (unsigned int)rng() & 1);
}

/* dice 50..96: mostly an existing prefix, with its owner or a random peer. */
static void random_remove(struct wgx_allowedips *t, struct ref *r, unsigned int dice, size_t op)
{
	unsigned int cidr = rand_cidr(r);
	uint32_t peer = rand_peer();
	uint8_t addr[16];
	int ret;

	rand_addr(r, addr);
	if (r->n && dice < 82) {
		const struct ref_entry *e = &r->e[rng_below(r->n)];

		memcpy(addr, e->key, 16);
		cidr = e->cidr;
		dirty_host_bits(r, addr, cidr);
		peer = dice < 72 ? e->peer : peer;
	}
	ret = wgx_allowedips_remove(t, r->family, addr, cidr, peer);
	agree(ret, ref_remove(r, addr, cidr, peer), "remove", op);
}

static void random_op(struct wgx_allowedips *t, struct ref *r, size_t op)
{
	unsigned int dice = rng_below(100), cidr = rand_cidr(r);
	uint32_t peer = rand_peer();
	uint8_t addr[16];

	rand_addr(r, addr);
	if (dice < 50) {
		/* Dirty host bits come for free: rand_addr fills every bit. */
		agree(wgx_allowedips_insert(t, r->family, addr, cidr, peer), 0, "insert", op);
		ref_insert(r, addr, cidr, peer);
	} else if (dice < 97) {
		random_remove(t, r, dice, op);
	} else {
		wgx_allowedips_remove_by_peer(t, peer);
		ref_remove_by_peer(r, peer);
	}
	agree(wgx_allowedips_count(t), r->n, "count", op);
}

static void random_run(struct wgx_allowedips *t, int family)
{
	const char *env = getenv("WGX_TEST_SEED");
	uint64_t seed = env ? strtoull(env, NULL, 0) : DEFAULT_SEED;
	struct ref r = { .family = family, .bits = family == AF_INET ? 32 : 128 };
	size_t op, i;

	print_message("allowedips %s: seed %llu (WGX_TEST_SEED=<n> to replay)\n",
		      family == AF_INET ? "IPv4" : "IPv6", (unsigned long long)seed);
	rng_state = seed;
	r.e = calloc(RANDOM_OPS, sizeof(*r.e));
	assert_non_null(r.e);
	for (i = 0; i < sizeof(r.bases); i++)
		r.bases[i / 16][i % 16] = (uint8_t)rng();
	for (op = 0; op < RANDOM_OPS; op++) {
		random_op(t, &r, op);
		compare_lookups(t, &r, op);
		if (op % FULL_CHECK_EVERY == 0)
			compare_all(t, &r, op);
	}
	compare_all(t, &r, op);
	free(r.e);
}

static void test_random_v4(void **state)
{
	random_run(*state, AF_INET);
}

static void test_random_v6(void **state)
{
	random_run(*state, AF_INET6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_default_route_v4, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_route_v6, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_routes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_longest_match, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reassign, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove_not_owned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove_glue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove_by_peer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_bits_masked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_args, setup, teardown),
		cmocka_unit_test_setup_teardown(test_walk_lists_inserted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_walk_stops_early, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_and_reuse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_v4, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_v6, setup, teardown),
	};

	return cmocka_run_group_tests_name("allowedips", tests, NULL, NULL);
}
