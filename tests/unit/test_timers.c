/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Timer state machine on a fake clock: every timer fires at its deadline and
 * not a nanosecond before, is disarmed or re-armed by the right events, and
 * the rekey predicates flip exactly at their thresholds. Jitter comes from an
 * injected generator, except in the test of libsodium's default.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>

#include <sodium.h>

#include "timers.h"

#define MS 1000000ULL
#define SEC 1000000000ULL
#define T0 (5000 * SEC)		/* the monotonic clock never starts at 0 */
#define JITTER_MAX_NS (WGX_REKEY_TIMEOUT_JITTER_MAX_MS * MS)

static uint32_t fake_jitter_ms;
static unsigned int fake_calls;

static uint32_t fake_rng(uint32_t upper_bound)
{
	assert_int_equal(upper_bound, WGX_REKEY_TIMEOUT_JITTER_MAX_MS);
	fake_calls++;
	return fake_jitter_ms;
}

static int setup(void **state)
{
	static struct wgx_timers t;

	fake_jitter_ms = 0;
	fake_calls = 0;
	wgx_timers_init(&t, fake_rng);
	*state = &t;
	return 0;
}

#define T(fn) cmocka_unit_test_setup(fn, setup)

/* Nothing due just before at, exactly want at at. */
static void fires_at(struct wgx_timers *t, uint64_t at, unsigned int want)
{
	assert_int_equal(wgx_timers_poll(t, at - 1), 0);
	assert_int_equal(wgx_timers_poll(t, at), want);
}

static void test_init(void **state)
{
	struct wgx_timers *t = *state;
	int id;

	for (id = 0; id < WGX_TIMER_COUNT; id++)
		assert_true(t->deadline[id] == WGX_TIMER_OFF);
	assert_true(wgx_timers_next_deadline(t) == WGX_TIMER_OFF);
	assert_int_equal(wgx_timers_poll(t, T0 + 10000 * SEC), 0);
	assert_true(wgx_timers_may_send_initiation(t, 0));
}

/*
 * The daemon's side of §6.4 with zero jitter: one initiation, a retry every
 * 5 s, and after the 18th initiation (90 s) the peer gives up.
 */
static void test_retry_then_give_up(void **state)
{
	struct wgx_timers *t = *state;
	unsigned int initiations = 0, k;
	uint64_t now = T0;

	assert_int_equal(WGX_MAX_TIMER_HANDSHAKES, 18);
	wgx_timers_handshake_requested(t);
	wgx_timers_handshake_initiated(t, now);
	initiations++;
	for (k = 1; k < WGX_MAX_TIMER_HANDSHAKES; k++) {
		assert_true(wgx_timers_next_deadline(t) <= now + 5 * SEC);
		now = T0 + k * 5 * SEC;
		assert_false(wgx_timers_poll(t, now - 1) & WGX_TIMERS_SEND_HANDSHAKE_RETRY);
		assert_int_equal(wgx_timers_poll(t, now), WGX_TIMERS_SEND_HANDSHAKE_RETRY);
		assert_true(t->deadline[WGX_TIMER_RETRANSMIT_HANDSHAKE] == WGX_TIMER_OFF);
		assert_true(wgx_timers_may_send_initiation(t, now));
		wgx_timers_handshake_initiated(t, now);
		initiations++;
	}
	assert_int_equal(initiations, 18);
	/* A keepalive due at 95 s, which giving up cancels. */
	wgx_timers_data_received(t, now);
	fires_at(t, T0 + 90 * SEC, WGX_TIMERS_GIVE_UP);
	assert_true(t->deadline[WGX_TIMER_RETRANSMIT_HANDSHAKE] == WGX_TIMER_OFF);
	assert_true(t->deadline[WGX_TIMER_SEND_KEEPALIVE] == WGX_TIMER_OFF);
	/* Whatever is left is wiped 540 s later; nothing else is pending. */
	assert_true(wgx_timers_next_deadline(t) == T0 + (90 + 540) * SEC);
	fires_at(t, T0 + (90 + 540) * SEC, WGX_TIMERS_ZERO_KEYS);
	assert_true(wgx_timers_next_deadline(t) == WGX_TIMER_OFF);
}

/* Same with the largest jitter: each round 5.333 s, giving up after about 96 s. */
static void test_give_up_with_jitter(void **state)
{
	struct wgx_timers *t = *state;
	unsigned int polls = 0;
	uint64_t now = T0, gave_up = 0;

	fake_jitter_ms = WGX_REKEY_TIMEOUT_JITTER_MAX_MS - 1;
	wgx_timers_handshake_requested(t);
	wgx_timers_handshake_initiated(t, now);
	while (!gave_up && polls++ < 100) {
		unsigned int act;

		now = wgx_timers_next_deadline(t);
		act = wgx_timers_poll(t, now);
		if (act & WGX_TIMERS_SEND_HANDSHAKE_RETRY)
			wgx_timers_handshake_initiated(t, now);
		if (act & WGX_TIMERS_GIVE_UP)
			gave_up = now;
	}
	assert_int_equal(fake_calls, 18);
	assert_true(gave_up == T0 + 18 * (5 * SEC + 333 * MS));
	assert_true(gave_up >= T0 + 90 * SEC && gave_up < T0 + 90 * SEC + 18 * JITTER_MAX_NS);
}

/* An existing wipe deadline is kept; give-up does not postpone it. */
static void test_give_up_keeps_zero_deadline(void **state)
{
	struct wgx_timers *t = *state;
	unsigned int k;

	wgx_timers_session_derived(t, T0 - 100 * SEC);
	t->handshake_attempts = WGX_MAX_TIMER_HANDSHAKES - 1;
	wgx_timers_handshake_initiated(t, T0);
	fires_at(t, T0 + 5 * SEC, WGX_TIMERS_GIVE_UP);
	assert_true(t->deadline[WGX_TIMER_ZERO_KEY_MATERIAL] == T0 + 440 * SEC);

	/* A fresh request after giving up starts a full series again. */
	wgx_timers_handshake_requested(t);
	for (k = 0; k < WGX_MAX_TIMER_HANDSHAKES - 1; k++) {
		wgx_timers_handshake_initiated(t, T0 + (10 + 5 * k) * SEC);
		fires_at(t, T0 + (15 + 5 * k) * SEC, WGX_TIMERS_SEND_HANDSHAKE_RETRY);
	}
	wgx_timers_handshake_initiated(t, T0 + 100 * SEC);
	fires_at(t, T0 + 105 * SEC, WGX_TIMERS_GIVE_UP);
}

/* Traffic keeps asking for a handshake: the series restarts and never gives up. */
static void test_requests_restart_count(void **state)
{
	struct wgx_timers *t = *state;
	unsigned int k;

	wgx_timers_handshake_initiated(t, T0);
	for (k = 1; k <= 3 * WGX_MAX_TIMER_HANDSHAKES; k++) {
		uint64_t now = T0 + k * 5 * SEC;

		wgx_timers_handshake_requested(t);	/* data staged, rate limited */
		assert_false(wgx_timers_may_send_initiation(t, now - 1));
		assert_int_equal(wgx_timers_poll(t, now), WGX_TIMERS_SEND_HANDSHAKE_RETRY);
		wgx_timers_handshake_initiated(t, now);
	}
}

static void test_handshake_complete(void **state)
{
	struct wgx_timers *t = *state;

	wgx_timers_handshake_initiated(t, T0);
	assert_int_equal(wgx_timers_poll(t, T0 + 5 * SEC), WGX_TIMERS_SEND_HANDSHAKE_RETRY);
	wgx_timers_handshake_initiated(t, T0 + 5 * SEC);
	assert_int_equal(t->handshake_attempts, 2);
	wgx_timers_handshake_complete(t);
	assert_int_equal(t->handshake_attempts, 0);
	assert_true(wgx_timers_next_deadline(t) == WGX_TIMER_OFF);
	assert_int_equal(wgx_timers_poll(t, T0 + 3600 * SEC), 0);
}

static void test_jitter_bounds_injected(void **state)
{
	struct wgx_timers *t = *state;

	fake_jitter_ms = 0;
	wgx_timers_handshake_initiated(t, T0);
	assert_true(t->deadline[WGX_TIMER_RETRANSMIT_HANDSHAKE] == T0 + 5 * SEC);
	fake_jitter_ms = 333;
	wgx_timers_handshake_initiated(t, T0);
	assert_true(t->deadline[WGX_TIMER_RETRANSMIT_HANDSHAKE] == T0 + 5 * SEC + 333 * MS);
	/* A generator ignoring its bound still cannot push past it. */
	fake_jitter_ms = 334;
	wgx_timers_handshake_initiated(t, T0);
	assert_true(t->deadline[WGX_TIMER_RETRANSMIT_HANDSHAKE] == T0 + 5 * SEC);
	fake_jitter_ms = UINT32_MAX;
	wgx_timers_data_sent(t, T0);
	assert_true(t->deadline[WGX_TIMER_NEW_HANDSHAKE] < T0 + 15 * SEC + JITTER_MAX_NS);
}

/* libsodium's generator: whole milliseconds in [0, 334), both ends reached. */
static void test_jitter_bounds_default(void **state)
{
	struct wgx_timers t;
	uint64_t lo = UINT64_MAX, hi = 0;
	unsigned int i;

	wgx_timers_init(&t, NULL);
	for (i = 0; i < 20000; i++) {
		uint64_t j;

		wgx_timers_handshake_initiated(&t, T0);
		j = t.deadline[WGX_TIMER_RETRANSMIT_HANDSHAKE] - (T0 + 5 * SEC);
		assert_true(j < JITTER_MAX_NS && j % MS == 0);
		lo = j < lo ? j : lo;
		hi = j > hi ? j : hi;
		wgx_timers_any_authenticated_packet_received(&t);
		wgx_timers_data_sent(&t, T0);
		j = t.deadline[WGX_TIMER_NEW_HANDSHAKE] - (T0 + 15 * SEC);
		assert_true(j < JITTER_MAX_NS);
	}
	assert_true(lo == 0);
	assert_true(hi == JITTER_MAX_NS - MS);
}

static void test_passive_keepalive(void **state)
{
	struct wgx_timers *t = *state;

	wgx_timers_data_received(t, T0);
	/* More data does not postpone the answer. */
	wgx_timers_data_received(t, T0 + 4 * SEC);
	fires_at(t, T0 + 10 * SEC, WGX_TIMERS_SEND_KEEPALIVE);
	assert_true(wgx_timers_next_deadline(t) == WGX_TIMER_OFF);

	/* Anything sent in between is answer enough. */
	wgx_timers_data_received(t, T0 + 20 * SEC);
	wgx_timers_any_authenticated_packet_sent(t);
	assert_int_equal(wgx_timers_poll(t, T0 + 40 * SEC), 0);

	/* Only data asks for an answer: a handshake or a keepalive received does not. */
	wgx_timers_any_authenticated_packet_received(t);
	wgx_timers_any_authenticated_packet_traversal(t, T0 + 50 * SEC);
	assert_true(wgx_timers_next_deadline(t) == WGX_TIMER_OFF);

	/* Data after the keepalive went out arms a new one. */
	wgx_timers_data_received(t, T0 + 60 * SEC);
	wgx_timers_any_authenticated_packet_sent(t);
	wgx_timers_data_received(t, T0 + 61 * SEC);
	fires_at(t, T0 + 71 * SEC, WGX_TIMERS_SEND_KEEPALIVE);
}

static void test_new_handshake(void **state)
{
	struct wgx_timers *t = *state;

	wgx_timers_data_sent(t, T0);
	wgx_timers_data_sent(t, T0 + 7 * SEC);	/* does not postpone */
	t->handshake_attempts = 5;
	fires_at(t, T0 + 15 * SEC, WGX_TIMERS_NEW_HANDSHAKE);
	assert_int_equal(t->handshake_attempts, 0);
	assert_true(wgx_timers_next_deadline(t) == WGX_TIMER_OFF);

	/* Any authenticated reply, even a keepalive, cancels the suspicion. */
	wgx_timers_data_sent(t, T0 + 100 * SEC);
	wgx_timers_any_authenticated_packet_received(t);
	assert_int_equal(wgx_timers_poll(t, T0 + 200 * SEC), 0);

	/* Receiving alone never starts it; a send after a reply starts over. */
	wgx_timers_data_received(t, T0 + 300 * SEC);
	assert_true(t->deadline[WGX_TIMER_NEW_HANDSHAKE] == WGX_TIMER_OFF);
	wgx_timers_data_sent(t, T0 + 301 * SEC);
	wgx_timers_any_authenticated_packet_received(t);
	wgx_timers_data_sent(t, T0 + 302 * SEC);
	assert_int_equal(wgx_timers_poll(t, T0 + 317 * SEC - 1), WGX_TIMERS_SEND_KEEPALIVE);
	assert_int_equal(wgx_timers_poll(t, T0 + 317 * SEC), WGX_TIMERS_NEW_HANDSHAKE);
}

static void test_zero_keys(void **state)
{
	struct wgx_timers *t = *state;

	assert_int_equal(WGX_REJECT_AFTER_TIME * 3, 540);
	wgx_timers_session_derived(t, T0);
	fires_at(t, T0 + 540 * SEC, WGX_TIMERS_ZERO_KEYS);
	assert_int_equal(wgx_timers_poll(t, T0 + 2000 * SEC), 0);

	/* Each new session postpones the wipe: it counts from the newest. */
	wgx_timers_session_derived(t, T0 + 1000 * SEC);
	wgx_timers_session_derived(t, T0 + 1120 * SEC);
	assert_int_equal(wgx_timers_poll(t, T0 + 1540 * SEC), 0);
	fires_at(t, T0 + 1660 * SEC, WGX_TIMERS_ZERO_KEYS);
}

/* The daemon's loop for persistent keepalives: sending one is a traversal. */
static uint64_t next_persistent(struct wgx_timers *t)
{
	uint64_t at = wgx_timers_next_deadline(t);

	assert_int_equal(wgx_timers_poll(t, at - 1), 0);
	assert_int_equal(wgx_timers_poll(t, at), WGX_TIMERS_SEND_PERSISTENT_KEEPALIVE);
	wgx_timers_any_authenticated_packet_traversal(t, at);
	wgx_timers_any_authenticated_packet_sent(t);
	return at;
}

static void test_persistent_keepalive(void **state)
{
	struct wgx_timers *t = *state;

	/* Off: traffic arms nothing. */
	wgx_timers_any_authenticated_packet_traversal(t, T0);
	assert_true(wgx_timers_next_deadline(t) == WGX_TIMER_OFF);

	/* Switched on: one at once, then every 25 s of silence. */
	wgx_timers_set_persistent_keepalive(t, 25, T0);
	assert_int_equal(wgx_timers_poll(t, T0), WGX_TIMERS_SEND_PERSISTENT_KEEPALIVE);
	wgx_timers_any_authenticated_packet_traversal(t, T0);
	assert_true(next_persistent(t) == T0 + 25 * SEC);
	assert_true(next_persistent(t) == T0 + 50 * SEC);

	/* Traffic either way pushes it back. */
	wgx_timers_any_authenticated_packet_traversal(t, T0 + 60 * SEC);	/* sent */
	assert_true(next_persistent(t) == T0 + 85 * SEC);
	wgx_timers_any_authenticated_packet_traversal(t, T0 + 100 * SEC);	/* received */
	assert_true(next_persistent(t) == T0 + 125 * SEC);

	/* Even if the keepalive could not be sent, the cadence holds. */
	assert_int_equal(wgx_timers_poll(t, T0 + 150 * SEC), WGX_TIMERS_SEND_PERSISTENT_KEEPALIVE);
	fires_at(t, T0 + 175 * SEC, WGX_TIMERS_SEND_PERSISTENT_KEEPALIVE);

	/* A new interval applies from the next traversal, without an extra keepalive. */
	wgx_timers_set_persistent_keepalive(t, 10, T0 + 180 * SEC);
	assert_true(wgx_timers_next_deadline(t) == T0 + 200 * SEC);
	wgx_timers_any_authenticated_packet_traversal(t, T0 + 181 * SEC);
	assert_true(next_persistent(t) == T0 + 191 * SEC);

	/* Off again: nothing more. */
	wgx_timers_set_persistent_keepalive(t, 0, T0 + 192 * SEC);
	assert_true(wgx_timers_next_deadline(t) == WGX_TIMER_OFF);
	wgx_timers_any_authenticated_packet_traversal(t, T0 + 193 * SEC);
	assert_int_equal(wgx_timers_poll(t, T0 + 1000 * SEC), 0);
}

static void test_start_stop(void **state)
{
	const uint64_t up = T0 + 20000 * SEC;
	struct wgx_timers *t = *state;
	int id;

	wgx_timers_set_persistent_keepalive(t, 25, T0);
	wgx_timers_handshake_initiated(t, T0);
	wgx_timers_data_received(t, T0);
	wgx_timers_data_sent(t, T0);
	wgx_timers_session_derived(t, T0);
	for (id = 0; id < WGX_TIMER_COUNT; id++)
		assert_true(t->deadline[id] != WGX_TIMER_OFF);
	assert_true(wgx_timers_next_deadline(t) == T0);

	wgx_timers_stop(t);
	assert_true(wgx_timers_next_deadline(t) == WGX_TIMER_OFF);
	assert_int_equal(wgx_timers_poll(t, T0 + 10000 * SEC), 0);
	/* Up again: the persistent keepalive goes out at once. */
	wgx_timers_start(t, up);
	assert_int_equal(wgx_timers_poll(t, up), WGX_TIMERS_SEND_PERSISTENT_KEEPALIVE);
}

/* next_deadline is the earliest of the armed ones; several can fall due in one poll. */
static void test_next_deadline(void **state)
{
	struct wgx_timers *t = *state;

	wgx_timers_session_derived(t, T0);		/* T0 + 540 s */
	wgx_timers_data_sent(t, T0);			/* T0 + 15 s */
	wgx_timers_data_received(t, T0 + 2 * SEC);	/* T0 + 12 s */
	wgx_timers_handshake_initiated(t, T0 + 8 * SEC);	/* T0 + 13 s */
	assert_true(wgx_timers_next_deadline(t) == T0 + 12 * SEC);
	assert_int_equal(wgx_timers_poll(t, T0 + 14 * SEC),
			 WGX_TIMERS_SEND_KEEPALIVE | WGX_TIMERS_SEND_HANDSHAKE_RETRY);
	assert_true(wgx_timers_next_deadline(t) == T0 + 15 * SEC);
	assert_int_equal(wgx_timers_poll(t, T0 + 540 * SEC),
			 WGX_TIMERS_NEW_HANDSHAKE | WGX_TIMERS_ZERO_KEYS);
}

static void test_may_send_initiation(void **state)
{
	struct wgx_timers *t = *state;

	assert_true(wgx_timers_may_send_initiation(t, T0));
	wgx_timers_handshake_initiated(t, T0);
	assert_false(wgx_timers_may_send_initiation(t, T0));
	assert_false(wgx_timers_may_send_initiation(t, T0 + 5 * SEC - 1));
	assert_true(wgx_timers_may_send_initiation(t, T0 + 5 * SEC));
	assert_false(wgx_timers_may_send_initiation(t, T0 - SEC));
}

static void test_rekey_on_send(void **state)
{
	const uint64_t b = T0, lim = WGX_REKEY_AFTER_MESSAGES;

	assert_false(wgx_timers_rekey_on_send(b, 0, true, b + 120 * SEC - 1));
	assert_true(wgx_timers_rekey_on_send(b, 0, true, b + 120 * SEC));
	assert_true(wgx_timers_rekey_on_send(b, 0, true, b + 120 * SEC + 1));
	/* The responder leaves rekeying by time to the initiator. */
	assert_false(wgx_timers_rekey_on_send(b, 0, false, b + 170 * SEC));
	/* By messages, either side. */
	assert_false(wgx_timers_rekey_on_send(b, lim, true, b));
	assert_true(wgx_timers_rekey_on_send(b, lim + 1, true, b));
	assert_false(wgx_timers_rekey_on_send(b, lim, false, b));
	assert_true(wgx_timers_rekey_on_send(b, lim + 1, false, b));
	/* A birth in the future (clock confusion) is not old. */
	assert_false(wgx_timers_rekey_on_send(b, 0, true, b - 200 * SEC));
}

static void test_rekey_on_receive(void **state)
{
	struct wgx_timers *t = *state;
	const uint64_t b = T0;

	assert_int_equal(WGX_REJECT_AFTER_TIME - WGX_KEEPALIVE_TIMEOUT - WGX_REKEY_TIMEOUT, 165);
	assert_false(wgx_timers_rekey_on_receive(b, true, b + 165 * SEC - 1));
	assert_true(wgx_timers_rekey_on_receive(b, true, b + 165 * SEC));
	assert_true(wgx_timers_rekey_on_receive(b, true, b + 165 * SEC + 1));
	assert_false(wgx_timers_rekey_on_receive(b, false, b + 179 * SEC));

	/* Acted on once per handshake. */
	assert_false(wgx_timers_want_lastminute_handshake(t, b, true, b + 165 * SEC - 1));
	assert_false(wgx_timers_want_lastminute_handshake(t, b, false, b + 170 * SEC));
	assert_true(wgx_timers_want_lastminute_handshake(t, b, true, b + 165 * SEC));
	assert_false(wgx_timers_want_lastminute_handshake(t, b, true, b + 166 * SEC));
	wgx_timers_handshake_complete(t);
	assert_true(wgx_timers_want_lastminute_handshake(t, b, true, b + 167 * SEC));
}

static void test_keypair_expired(void **state)
{
	const uint64_t b = T0, lim = WGX_REJECT_AFTER_MESSAGES;

	assert_false(wgx_timers_keypair_expired(b, 0, b + 180 * SEC - 1));
	assert_true(wgx_timers_keypair_expired(b, 0, b + 180 * SEC));
	assert_true(wgx_timers_keypair_expired(b, 0, b + 180 * SEC + 1));
	assert_false(wgx_timers_keypair_expired(b, lim - 1, b));
	assert_true(wgx_timers_keypair_expired(b, lim, b));
	assert_true(wgx_timers_keypair_expired(b, UINT64_MAX, b));
	assert_false(wgx_timers_keypair_expired(b, 0, b - SEC));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_init),
		T(test_retry_then_give_up),
		T(test_give_up_with_jitter),
		T(test_give_up_keeps_zero_deadline),
		T(test_requests_restart_count),
		T(test_handshake_complete),
		T(test_jitter_bounds_injected),
		cmocka_unit_test(test_jitter_bounds_default),
		T(test_passive_keepalive),
		T(test_new_handshake),
		T(test_zero_keys),
		T(test_persistent_keepalive),
		T(test_start_stop),
		T(test_next_deadline),
		T(test_may_send_initiation),
		T(test_rekey_on_send),
		T(test_rekey_on_receive),
		T(test_keypair_expired),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
