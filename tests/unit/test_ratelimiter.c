/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Handshake rate limiter: burst and refill of one bucket on a fake clock,
 * independence of sources (IPv4 address, IPv6 /64, IPv4-mapped as IPv4),
 * garbage collection of idle entries and the bounded table.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>

#include <sodium.h>

#include "ratelimiter.h"

#define MS 1000000ULL
#define SEC 1000000000ULL
#define T0 (1000 * SEC)		/* the monotonic clock never starts at 0 */

static struct sockaddr_storage addr_storage(const char *ip, uint16_t port)
{
	struct sockaddr_storage ss;

	memset(&ss, 0, sizeof(ss));
	if (strchr(ip, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		assert_int_equal(inet_pton(AF_INET6, ip, &s6->sin6_addr), 1);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		assert_int_equal(inet_pton(AF_INET, ip, &s4->sin_addr), 1);
	}
	return ss;
}

static bool allow(struct wgx_ratelimiter *rl, const char *ip, uint64_t now)
{
	struct sockaddr_storage ss = addr_storage(ip, 51820);

	return wgx_ratelimiter_allow(rl, (const struct sockaddr *)&ss, now);
}

/* Spends the whole burst of ip at now; checks it is exactly 5. */
static void drain(struct wgx_ratelimiter *rl, const char *ip, uint64_t now)
{
	int i;

	for (i = 0; i < WGX_RATELIMIT_BURST; i++)
		assert_true(allow(rl, ip, now));
	assert_false(allow(rl, ip, now));
}

static int setup(void **state)
{
	static struct wgx_ratelimiter rl;

	*state = &rl;
	return wgx_ratelimiter_init(&rl, WGX_RATELIMITER_DEFAULT_ENTRIES);
}

static int teardown(void **state)
{
	wgx_ratelimiter_free(*state);
	return 0;
}

static void test_burst(void **state)
{
	struct wgx_ratelimiter *rl = *state;
	int i;

	assert_int_equal(WGX_RATELIMIT_BURST, 5);
	for (i = 0; i < 5; i++)
		assert_true(allow(rl, "192.0.2.1", T0));
	assert_false(allow(rl, "192.0.2.1", T0));
	assert_false(allow(rl, "192.0.2.1", T0 + 1));
	assert_int_equal(rl->count, 1);
}

static void test_refill(void **state)
{
	struct wgx_ratelimiter *rl = *state;
	unsigned int k, allowed = 0;

	drain(rl, "192.0.2.1", T0);
	/* 20/s: one packet's worth of credit every 50 ms, not a nanosecond sooner. */
	assert_false(allow(rl, "192.0.2.1", T0 + 50 * MS - 1));
	assert_true(allow(rl, "192.0.2.1", T0 + 50 * MS));
	assert_false(allow(rl, "192.0.2.1", T0 + 50 * MS));
	assert_false(allow(rl, "192.0.2.1", T0 + 100 * MS - 1));
	assert_true(allow(rl, "192.0.2.1", T0 + 100 * MS));

	/* Offered 100/s for 10 s, exactly 20/s get through. */
	for (k = 1; k <= 1000; k++)
		allowed += allow(rl, "192.0.2.1", T0 + 100 * MS + k * 10 * MS);
	assert_int_equal(allowed, 200);

	/* Credit saturates at the burst, however long the silence. */
	drain(rl, "192.0.2.1", T0 + 3600 * SEC);
}

static void test_clock_backwards(void **state)
{
	struct wgx_ratelimiter *rl = *state;

	drain(rl, "192.0.2.1", T0);
	assert_false(allow(rl, "192.0.2.1", T0 - SEC));
	assert_false(allow(rl, "192.0.2.1", T0 + 50 * MS - 1));
	assert_true(allow(rl, "192.0.2.1", T0 + 50 * MS));
}

static void test_v4_sources_independent(void **state)
{
	struct wgx_ratelimiter *rl = *state;
	struct sockaddr_storage other_port = addr_storage("192.0.2.1", 9);

	drain(rl, "192.0.2.1", T0);
	drain(rl, "192.0.2.2", T0);
	drain(rl, "198.51.100.1", T0);
	/* The port is not part of the source. */
	assert_false(wgx_ratelimiter_allow(rl, (struct sockaddr *)&other_port, T0));
	assert_int_equal(rl->count, 3);
}

static void test_v6_prefix(void **state)
{
	struct wgx_ratelimiter *rl = *state;

	drain(rl, "2001:db8:1:2::1", T0);
	assert_false(allow(rl, "2001:db8:1:2:ffff:ffff:ffff:ffff", T0));
	assert_false(allow(rl, "2001:db8:1:2::", T0));
	drain(rl, "2001:db8:1:3::1", T0);
	drain(rl, "2001:db8:1:1:ffff:ffff:ffff:ffff", T0);
	drain(rl, "2001:db9:1:2::1", T0);
	assert_int_equal(rl->count, 4);
}

/* A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d: still per address. */
static void test_v4_mapped(void **state)
{
	struct wgx_ratelimiter *rl = *state;

	drain(rl, "::ffff:192.0.2.1", T0);
	assert_false(allow(rl, "192.0.2.1", T0));
	drain(rl, "::ffff:192.0.2.2", T0);
	drain(rl, "198.51.100.7", T0);
	assert_false(allow(rl, "::ffff:198.51.100.7", T0));
	/* ::/64 itself is an ordinary IPv6 source, not 0.0.0.0. */
	drain(rl, "::1", T0);
	drain(rl, "0.0.0.0", T0);
	assert_int_equal(rl->count, 5);
}

static void test_bad_input(void **state)
{
	struct wgx_ratelimiter *rl = *state;
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	struct wgx_ratelimiter other;

	assert_false(wgx_ratelimiter_allow(rl, (struct sockaddr *)&un, T0));
	assert_false(wgx_ratelimiter_allow(rl, NULL, T0));
	assert_int_equal(rl->count, 0);
	assert_int_equal(wgx_ratelimiter_init(&other, 0), -EINVAL);
	wgx_ratelimiter_free(&other);
	assert_int_equal(wgx_ratelimiter_init(&other, ~0u), -EINVAL);
	wgx_ratelimiter_free(&other);
}

/* Each limiter hashes under its own secret. */
static void test_secret(void **state)
{
	struct wgx_ratelimiter *rl = *state, other;
	uint8_t zero[WGX_RATELIMITER_SECRET_LEN] = { 0 };

	assert_int_equal(wgx_ratelimiter_init(&other, 16), 0);
	assert_memory_not_equal(rl->secret, zero, sizeof(zero));
	assert_memory_not_equal(rl->secret, other.secret, sizeof(zero));
	wgx_ratelimiter_free(&other);
	assert_memory_equal(other.secret, zero, sizeof(zero));
}

static void test_gc(void **state)
{
	struct wgx_ratelimiter *rl = *state;

	drain(rl, "192.0.2.1", T0);
	assert_true(allow(rl, "2001:db8::1", T0));
	assert_true(allow(rl, "192.0.2.2", T0 + 500 * MS));
	drain(rl, "192.0.2.3", T0 + 800 * MS);
	/* A refused packet is activity too: it keeps its entry. */
	assert_false(allow(rl, "192.0.2.3", T0 + 820 * MS));
	assert_int_equal(rl->count, 4);

	assert_int_equal(wgx_ratelimiter_gc(rl, T0), 0);
	/* Idle for exactly a second is not yet more than a second. */
	assert_int_equal(wgx_ratelimiter_gc(rl, T0 + SEC), 0);
	assert_int_equal(wgx_ratelimiter_gc(rl, T0 + SEC + 1), 2);
	assert_int_equal(rl->count, 2);
	assert_int_equal(wgx_ratelimiter_gc(rl, T0 + 1500 * MS + 1), 1);
	assert_int_equal(wgx_ratelimiter_gc(rl, T0 + 1800 * MS + 1), 0);
	assert_int_equal(wgx_ratelimiter_gc(rl, T0 + 1820 * MS + 1), 1);
	assert_int_equal(rl->count, 0);
	/* A collected source starts over with a full burst. */
	drain(rl, "192.0.2.1", T0 + 3 * SEC);
	drain(rl, "192.0.2.3", T0 + 3 * SEC);
}

static void test_table_full(void **state)
{
	struct wgx_ratelimiter rl;
	char ip[32];
	unsigned int i;

	assert_int_equal(wgx_ratelimiter_init(&rl, 4), 0);
	for (i = 1; i <= 4; i++) {
		snprintf(ip, sizeof(ip), "10.0.0.%u", i);
		assert_true(allow(&rl, ip, T0));
	}
	/* A fifth source finds no room and is treated as limited... */
	assert_false(allow(&rl, "10.0.0.5", T0));
	assert_false(allow(&rl, "2001:db8::5", T0 + SEC));
	assert_int_equal(rl.count, 4);
	/* ...while the tracked ones keep their buckets. */
	for (i = 0; i < 4; i++)
		assert_true(allow(&rl, "10.0.0.1", T0));
	assert_false(allow(&rl, "10.0.0.1", T0));
	/* Once idle entries are collected there is room again. */
	assert_true(allow(&rl, "10.0.0.2", T0 + 2 * SEC));
	assert_int_equal(wgx_ratelimiter_gc(&rl, T0 + 2 * SEC), 3);
	drain(&rl, "10.0.0.5", T0 + 2 * SEC);
	assert_int_equal(rl.count, 2);
	wgx_ratelimiter_free(&rl);
}

/* The default table holds exactly its 8192 sources, spread over its buckets. */
static void test_table_full_default(void **state)
{
	struct wgx_ratelimiter *rl = *state;
	char ip[32];
	unsigned int i;

	for (i = 0; i < WGX_RATELIMITER_DEFAULT_ENTRIES; i++) {
		snprintf(ip, sizeof(ip), "10.%u.%u.1", i >> 8, i & 0xff);
		assert_true(allow(rl, ip, T0 + i));
	}
	assert_int_equal(rl->count, WGX_RATELIMITER_DEFAULT_ENTRIES);
	assert_false(allow(rl, "192.0.2.1", T0 + SEC));
	assert_false(allow(rl, "2001:db8::1", T0 + SEC));
	assert_true(allow(rl, "10.0.0.1", T0 + SEC));
	assert_int_equal(wgx_ratelimiter_gc(rl, T0 + 3 * SEC), WGX_RATELIMITER_DEFAULT_ENTRIES);
	assert_int_equal(rl->count, 0);
	assert_true(allow(rl, "192.0.2.1", T0 + 3 * SEC));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_burst),
		T(test_refill),
		T(test_clock_backwards),
		T(test_v4_sources_independent),
		T(test_v6_prefix),
		T(test_v4_mapped),
		T(test_bad_input),
		T(test_secret),
		T(test_gc),
		cmocka_unit_test(test_table_full),
		T(test_table_full_default),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
