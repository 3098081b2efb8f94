// SPDX-License-Identifier: GPL-2.0
/* MAC1/MAC2 and the cookie reply flow (whitepaper §5.4.4, §5.4.7). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cookie.h"
#include "peers.h"

#define SEC 1000000000ULL
#define NOW (1000 * SEC)

struct cookie_fixture {
	struct test_pair p;
	struct wgx_cookie_checker checker;	/* B, the responder */
	struct wgx_cookie cookie;		/* A's cookie state for B */
	struct sockaddr_in src;			/* where A's packets come from */
	struct wgx_msg_initiation init;
};

static int setup(void **state)
{
	struct cookie_fixture *f = calloc(1, sizeof(*f));
	uint8_t ts[WGX_TIMESTAMP_LEN];

	pair_init(&f->p, NULL, NULL);
	wgx_cookie_checker_init(&f->checker, f->p.b.id.public_key);
	wgx_cookie_init(&f->cookie, f->p.b.id.public_key);
	f->src.sin_family = AF_INET;
	f->src.sin_port = htons(51820);
	inet_pton(AF_INET, "192.0.2.1", &f->src.sin_addr);
	wgx_tai64n_now(ts);
	assert_int_equal(wgx_noise_create_initiation(&f->init, &f->p.a.hs, 1, ts), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static enum wgx_cookie_mac_state validate(struct cookie_fixture *f, const void *src,
					  uint64_t now)
{
	return wgx_cookie_validate(&f->checker, &f->init, sizeof(f->init), src, now);
}

static void test_mac1_only(void **state)
{
	struct cookie_fixture *f = *state;
	static const uint8_t zero[WGX_MAC_LEN];

	wgx_cookie_add_macs(&f->cookie, &f->init, sizeof(f->init), NOW);
	assert_memory_equal(f->init.macs.mac2, zero, WGX_MAC_LEN);
	assert_int_equal(validate(f, &f->src, NOW), WGX_COOKIE_VALID_MAC_BUT_NO_COOKIE);
	f->init.macs.mac1[3] ^= 1;
	assert_int_equal(validate(f, &f->src, NOW), WGX_COOKIE_INVALID_MAC);
}

static void test_mac1_for_other_responder(void **state)
{
	struct cookie_fixture *f = *state;
	struct wgx_cookie wrong;

	/* MAC1 keyed with a key that is not B's: B must reject it. */
	wgx_cookie_init(&wrong, f->p.a.id.public_key);
	wgx_cookie_add_macs(&wrong, &f->init, sizeof(f->init), NOW);
	assert_int_equal(validate(f, &f->src, NOW), WGX_COOKIE_INVALID_MAC);
}

/* A sends; B, under load, replies with a cookie; A's next message carries MAC2. */
static void run_cookie_exchange(struct cookie_fixture *f, uint64_t now)
{
	struct wgx_msg_cookie reply;

	wgx_cookie_add_macs(&f->cookie, &f->init, sizeof(f->init), now);
	assert_int_equal(wgx_cookie_reply_create(&reply, &f->checker, &f->init, sizeof(f->init), 1,
						 (struct sockaddr *)&f->src, now),
			 0);
	assert_int_equal(reply.header.type, WGX_MSG_HANDSHAKE_COOKIE);
	assert_int_equal(le32toh(reply.receiver_index), 1);
	assert_int_equal(wgx_cookie_reply_consume(&f->cookie, &reply, now), 0);
	assert_true(f->cookie.is_valid);
	wgx_cookie_add_macs(&f->cookie, &f->init, sizeof(f->init), now);
}

static void test_cookie_flow(void **state)
{
	struct cookie_fixture *f = *state;
	struct sockaddr_in other = f->src;

	run_cookie_exchange(f, NOW);
	assert_int_equal(validate(f, &f->src, NOW + SEC), WGX_COOKIE_VALID_MAC_WITH_COOKIE);
	/* The cookie is bound to the source address and port. */
	other.sin_port = htons(51821);
	assert_int_equal(validate(f, &other, NOW + SEC), WGX_COOKIE_VALID_MAC_BUT_NO_COOKIE);
	other = f->src;
	inet_pton(AF_INET, "192.0.2.2", &other.sin_addr);
	assert_int_equal(validate(f, &other, NOW + SEC), WGX_COOKIE_VALID_MAC_BUT_NO_COOKIE);
}

static void test_cookie_flow_ipv6(void **state)
{
	struct cookie_fixture *f = *state;
	struct sockaddr_in6 src6 = { .sin6_family = AF_INET6, .sin6_port = htons(4000) };
	struct wgx_msg_cookie reply;

	inet_pton(AF_INET6, "2001:db8::1", &src6.sin6_addr);
	wgx_cookie_add_macs(&f->cookie, &f->init, sizeof(f->init), NOW);
	assert_int_equal(wgx_cookie_reply_create(&reply, &f->checker, &f->init, sizeof(f->init), 1,
						 (struct sockaddr *)&src6, NOW),
			 0);
	assert_int_equal(wgx_cookie_reply_consume(&f->cookie, &reply, NOW), 0);
	wgx_cookie_add_macs(&f->cookie, &f->init, sizeof(f->init), NOW);
	assert_int_equal(validate(f, &src6, NOW), WGX_COOKIE_VALID_MAC_WITH_COOKIE);
	assert_int_equal(validate(f, &f->src, NOW), WGX_COOKIE_VALID_MAC_BUT_NO_COOKIE);
}

static void test_cookie_expires_at_sender(void **state)
{
	struct cookie_fixture *f = *state;
	static const uint8_t zero[WGX_MAC_LEN];

	run_cookie_exchange(f, NOW);
	/* Sender stops using a cookie after COOKIE_SECRET_MAX_AGE - LATENCY. */
	wgx_cookie_add_macs(&f->cookie, &f->init, sizeof(f->init), NOW + 114 * SEC);
	assert_memory_not_equal(f->init.macs.mac2, zero, WGX_MAC_LEN);
	wgx_cookie_add_macs(&f->cookie, &f->init, sizeof(f->init), NOW + 115 * SEC);
	assert_memory_equal(f->init.macs.mac2, zero, WGX_MAC_LEN);
	assert_int_equal(validate(f, &f->src, NOW + 115 * SEC), WGX_COOKIE_VALID_MAC_BUT_NO_COOKIE);
}

static void test_secret_rotates_at_responder(void **state)
{
	struct cookie_fixture *f = *state;

	run_cookie_exchange(f, NOW);
	assert_int_equal(validate(f, &f->src, NOW + 119 * SEC), WGX_COOKIE_VALID_MAC_WITH_COOKIE);
	/* After 120 s the responder has a new secret: an old cookie is worthless. */
	assert_int_equal(validate(f, &f->src, NOW + 120 * SEC), WGX_COOKIE_VALID_MAC_BUT_NO_COOKIE);
}

static void test_reply_rejected(void **state)
{
	struct cookie_fixture *f = *state;
	struct wgx_msg_cookie reply, bad;
	size_t i;

	wgx_cookie_add_macs(&f->cookie, &f->init, sizeof(f->init), NOW);
	assert_int_equal(wgx_cookie_reply_create(&reply, &f->checker, &f->init, sizeof(f->init), 1,
						 (struct sockaddr *)&f->src, NOW),
			 0);
	/* Any change to the nonce or the sealed cookie fails. */
	for (i = offsetof(struct wgx_msg_cookie, nonce); i < sizeof(reply); i++) {
		bad = reply;
		((uint8_t *)&bad)[i] ^= 0x40;
		assert_int_equal(wgx_cookie_reply_consume(&f->cookie, &bad, NOW), -EBADMSG);
	}
	assert_false(f->cookie.is_valid);
	/* A reply bound to another MAC1 (we sent a newer message since) fails too. */
	f->init.sender_index = htole32(2);
	wgx_cookie_add_macs(&f->cookie, &f->init, sizeof(f->init), NOW);
	assert_int_equal(wgx_cookie_reply_consume(&f->cookie, &reply, NOW), -EBADMSG);
	/* A reply when we sent nothing is ignored. */
	wgx_cookie_init(&f->cookie, f->p.b.id.public_key);
	assert_int_equal(wgx_cookie_reply_consume(&f->cookie, &reply, NOW), -EINVAL);
}

static void test_reply_bad_family(void **state)
{
	struct cookie_fixture *f = *state;
	struct sockaddr unix_src = { .sa_family = AF_UNIX };
	struct wgx_msg_cookie reply;

	assert_int_equal(wgx_cookie_reply_create(&reply, &f->checker, &f->init, sizeof(f->init), 1,
						 &unix_src, NOW),
			 -EAFNOSUPPORT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mac1_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mac1_for_other_responder, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cookie_flow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cookie_flow_ipv6, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cookie_expires_at_sender, setup, teardown),
		cmocka_unit_test_setup_teardown(test_secret_rotates_at_responder, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_rejected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_bad_family, setup, teardown),
	};

	if (wgx_crypto_init())
		return 1;
	return cmocka_run_group_tests_name("cookie", tests, NULL, NULL);
}
