/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Anti-replay window (whitepaper §5.4.6): table-driven sequences for order,
 * reordering, duplicates, the window edge, jumps and the counter limit, then
 * long randomized runs against a naive reference (every counter ever seen
 * plus the rule "no more than WGX_REPLAY_WINDOW below the greatest"). The
 * seed is printed; WGX_TEST_SEED=<n> replays a run.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define W ((uint64_t)WGX_REPLAY_WINDOW)
#define LIMIT WGX_REJECT_AFTER_MESSAGES
#define DEFAULT_SEED 0x7265706c6179ULL

struct step {
	uint64_t counter;
	bool accept;
};

static void run_steps(struct wgx_replay *r, const struct step *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (wgx_replay_check_and_update(r, s[i].counter) == s[i].accept)
			continue;
		fail_msg("step %zu: counter %llu should be %s", i + 1,
			 (unsigned long long)s[i].counter, s[i].accept ? "accepted" : "refused");
	}
}

/* A macro so that a failure names the line of the test, not of a helper. */
#define expect(r, c, accept) expect_at(r, c, accept, __LINE__)

static void expect_at(struct wgx_replay *r, uint64_t counter, bool accept, int line)
{
	if (wgx_replay_check_and_update(r, counter) != accept)
		fail_msg("line %d: counter %llu should be %s", line, (unsigned long long)counter,
			 accept ? "accepted" : "refused");
}

static void test_geometry(void **state)
{
	assert_int_equal(WGX_REPLAY_WINDOW, 8128);
	assert_int_equal(sizeof(((struct wgx_replay *)0)->ring) * 8, WGX_COUNTER_WINDOW_BITS);
}

static void test_in_order(void **state)
{
	struct wgx_replay r;
	uint64_t c;

	wgx_replay_init(&r);
	for (c = 0; c < 5 * WGX_COUNTER_WINDOW_BITS; c++) {
		expect(&r, c, true);
		expect(&r, c, false);
		if (c >= W)
			expect(&r, c - W, false);
	}
}

static void test_reordered(void **state)
{
	static const struct step steps[] = {
		{ 0, true }, { 1, true }, { 1, false }, { 9, true }, { 8, true }, { 7, true },
		{ 7, false }, { 2, true }, { 6, true }, { 3, true }, { 5, true }, { 4, true },
		{ 4, false }, { W + 1, true }, { W, true }, { W, false }, { 1, false },
		{ 10, true }, { 11, true }, { W + 100, true }, { 99, false }, { 100, true },
		{ 100, false }, { W + 99, true }, { W + 101, true }, { W + 101, false },
		{ 101, true }, { 100, false }, { 200, true }, { 199, true }, { 200, false },
	};
	struct wgx_replay r;

	wgx_replay_init(&r);
	run_steps(&r, steps, ARRAY_SIZE(steps));
}

/* Greatest counter m: m - W is the oldest still accepted, m - W - 1 is refused. */
static void test_window_edge(void **state)
{
	const uint64_t m = 100000;
	struct wgx_replay r;

	wgx_replay_init(&r);
	expect(&r, m, true);
	expect(&r, m - W - 1, false);
	expect(&r, m - W + 1, true);
	expect(&r, m - W, true);
	expect(&r, m - W, false);
	expect(&r, m - W - 2, false);
	expect(&r, 0, false);

	/* One step forward drags the edge along. */
	expect(&r, m + 1, true);
	expect(&r, m + 1 - W - 1, false);
	expect(&r, m + 1 - W + 2, true);

	/* A whole word forward: the word of the old edge is recycled. */
	expect(&r, m + 64, true);
	expect(&r, m + 64 - W - 1, false);
	expect(&r, m + 64 - W, true);
	expect(&r, m + 63 - W, false);
}

/* From an empty window, the first counter fixes the edge like any other. */
static void test_first_counter(void **state)
{
	struct wgx_replay r;

	wgx_replay_init(&r);
	expect(&r, 0, true);
	expect(&r, 0, false);

	wgx_replay_init(&r);
	expect(&r, 5, true);
	expect(&r, 0, true);
	expect(&r, 0, false);

	wgx_replay_init(&r);
	expect(&r, W, true);
	expect(&r, 0, true);

	wgx_replay_init(&r);
	expect(&r, W + 1, true);
	expect(&r, 0, false);
	expect(&r, 1, true);
}

static bool in_list(const uint64_t *list, size_t n, uint64_t c)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (list[i] == c)
			return true;
	}
	return false;
}

static void test_duplicates(void **state)
{
	static const uint64_t order[] = { 17, 3, 4000, 8000, 0, 8127, 5000, 64, 63, 65, 127, 128 };
	struct wgx_replay r;
	size_t i, pass;
	uint64_t c;

	wgx_replay_init(&r);
	for (pass = 0; pass < 3; pass++) {
		for (i = 0; i < ARRAY_SIZE(order); i++)
			expect(&r, order[i], pass == 0);
	}
	/* The rest of the window is still fresh, and then seen too. */
	for (c = 0; c <= 8127; c++)
		expect(&r, c, !in_list(order, ARRAY_SIZE(order), c));
	for (c = 0; c <= 8127; c++)
		expect(&r, c, false);
}

/*
 * Fill a whole window, jump by d, and check that everything in the new window
 * that was not accepted before is fresh: stale bits of recycled words would
 * show as false replays.
 */
static void jump_by(uint64_t d)
{
	const uint64_t start = 3 * WGX_COUNTER_WINDOW_BITS + 17;
	struct wgx_replay r;
	uint64_t c, top;

	wgx_replay_init(&r);
	for (c = start - W; c <= start; c++)
		expect(&r, c, true);
	top = start + d;
	expect(&r, top, true);
	expect(&r, top - W - 1, false);
	for (c = top - W; c < top; c++)
		expect(&r, c, c > start);
	for (c = top - W; c <= top; c++)
		expect(&r, c, false);
}

static void test_jumps(void **state)
{
	static const uint64_t jumps[] = {
		1, 2, 63, 64, 65, 127, 128, 4000, W - 1, W, W + 1, W + 64,
		WGX_COUNTER_WINDOW_BITS - 1, WGX_COUNTER_WINDOW_BITS, WGX_COUNTER_WINDOW_BITS + 1,
		2 * WGX_COUNTER_WINDOW_BITS + 5, 1ULL << 20, 1ULL << 40,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(jumps); i++)
		jump_by(jumps[i]);
}

static void test_limit(void **state)
{
	static const struct step steps[] = {
		{ LIMIT, false },     { LIMIT - 1, true },  { LIMIT, false },
		{ LIMIT - 1, false }, { LIMIT - 2, true },  { LIMIT + 1, false },
		{ LIMIT + 2, false }, { LIMIT - 2, false }, { LIMIT - 3, true },
		{ UINT64_MAX, false }, { UINT64_MAX - 1, false }, { LIMIT - 1 - W, true },
		{ LIMIT - 2 - W, false }, { 0, false },
	};
	struct wgx_replay r;

	assert_true(LIMIT == UINT64_MAX - 8192);
	wgx_replay_init(&r);
	expect(&r, 0, true);
	run_steps(&r, steps, ARRAY_SIZE(steps));
}

/* --- randomized comparison against a naive reference --- */

static uint64_t rng_state;

/* splitmix64: the same sequence on every libc, so a printed seed replays. */
static uint64_t rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Counters base .. base + span - 1, each remembered forever once accepted. */
struct ref {
	uint64_t base;
	uint64_t span;
	uint8_t *seen;
	uint64_t max;
	bool any;
};

static bool ref_check(struct ref *f, uint64_t c)
{
	uint64_t off = c - f->base;

	if (c >= LIMIT)
		return false;
	if (f->any && c < f->max && f->max - c > W)
		return false;
	if (f->seen[off / 8] & (1u << (off % 8)))
		return false;
	f->seen[off / 8] |= 1u << (off % 8);
	if (!f->any || c > f->max)
		f->max = c;
	f->any = true;
	return true;
}

static void ref_reset(struct ref *f, struct wgx_replay *r)
{
	memset(f->seen, 0, f->span / 8);
	f->any = false;
	f->max = f->base;
	wgx_replay_init(r);
}

static uint64_t ref_clamp(const struct ref *f, uint64_t from, int64_t delta)
{
	uint64_t last = f->base + (f->span - 1);

	if (delta < 0)
		return from - f->base < (uint64_t)-delta ? f->base : from + delta;
	return last - from < (uint64_t)delta ? last : from + delta;
}

/* Mostly in order, much just behind the edge, some jumps, some anywhere. */
static uint64_t ref_pick(const struct ref *f)
{
	unsigned int dice = rng() % 100;
	uint64_t m = f->max;

	if (dice < 40)
		return ref_clamp(f, m, 1 + (int64_t)(rng() % 8));
	if (dice < 70)
		return ref_clamp(f, m, -(int64_t)(rng() % (W + 300)));
	if (dice < 82)
		return ref_clamp(f, m, -(int64_t)(W - 3 + rng() % 7));
	if (dice < 95)
		return ref_clamp(f, m, (int64_t)(rng() % (3 * WGX_COUNTER_WINDOW_BITS)));
	return f->base + rng() % (m - f->base + 1);
}

static unsigned long random_accepted, random_ops;

static void random_run(struct ref *f, unsigned long ops, bool restart_near_end)
{
	struct wgx_replay r;
	unsigned long op;

	ref_reset(f, &r);
	for (op = 0; op < ops; op++) {
		uint64_t c = ref_pick(f);
		bool want = ref_check(f, c);

		if (wgx_replay_check_and_update(&r, c) != want)
			fail_msg("op %lu: counter %llu (greatest %llu) should be %s", op,
				 (unsigned long long)c, (unsigned long long)f->max,
				 want ? "accepted" : "refused");
		random_accepted += want;
		random_ops++;
		if (restart_near_end && f->max - f->base > f->span - 4 * W)
			ref_reset(f, &r);
	}
}

static void test_random_vs_reference(void **state)
{
	const char *env = getenv("WGX_TEST_SEED");
	uint64_t seed = env ? strtoull(env, NULL, 0) : DEFAULT_SEED;
	struct ref f = { .span = 1ULL << 24 };
	int i;

	print_message("replay: seed %llu (WGX_TEST_SEED=<n> to replay)\n",
		      (unsigned long long)seed);
	rng_state = seed;
	f.seen = malloc(f.span / 8);
	assert_non_null(f.seen);

	f.base = 0;
	random_run(&f, 300000, true);
	f.base = 1ULL << 63;
	random_run(&f, 50000, true);
	/* Ending exactly at 2^64 - 1: the runs climb into the counter limit. */
	f.span = 1ULL << 20;
	f.base = UINT64_MAX - (f.span - 1);
	for (i = 0; i < 10; i++)
		random_run(&f, 5000, false);
	free(f.seen);
	print_message("replay: %lu operations, %lu accepted\n", random_ops, random_accepted);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_geometry),
		cmocka_unit_test(test_in_order),
		cmocka_unit_test(test_reordered),
		cmocka_unit_test(test_window_edge),
		cmocka_unit_test(test_first_counter),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_jumps),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_random_vs_reference),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
