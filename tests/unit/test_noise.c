// SPDX-License-Identifier: GPL-2.0
/* Noise_IKpsk2 handshake between two in-process peers. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>

#include "cookie.h"
#include "peers.h"

#define MS 1000000ULL
#define NOW (1000 * MS)

static void assert_keys_mirror(const struct test_pair *p)
{
	assert_true(p->a.kp.valid && p->b.kp.valid);
	assert_true(p->a.kp.is_initiator);
	assert_false(p->b.kp.is_initiator);
	assert_memory_equal(p->a.kp.send_key, p->b.kp.recv_key, WGX_KEY_LEN);
	assert_memory_equal(p->a.kp.recv_key, p->b.kp.send_key, WGX_KEY_LEN);
	assert_memory_not_equal(p->a.kp.send_key, p->a.kp.recv_key, WGX_KEY_LEN);
	assert_int_equal(p->a.kp.local_index, 0x11111111);
	assert_int_equal(p->a.kp.remote_index, 0x22222222);
	assert_int_equal(p->b.kp.local_index, 0x22222222);
	assert_int_equal(p->b.kp.remote_index, 0x11111111);
}

static void test_handshake_no_psk(void **state)
{
	struct test_pair p;

	pair_init(&p, NULL, NULL);
	pair_handshake(&p, NOW);
	assert_keys_mirror(&p);
	/* begin_session leaves no ephemeral secret behind. */
	assert_int_equal(p.a.hs.state, WGX_HANDSHAKE_ZEROED);
	assert_true(wgx_key_is_zero(p.a.hs.ephemeral_private));
	assert_true(wgx_key_is_zero(p.b.hs.ephemeral_private));
}

static void test_handshake_psk(void **state)
{
	struct test_pair p, q;
	wgx_key psk;

	wgx_key_generate_preshared(psk);
	pair_init(&p, psk, psk);
	pair_handshake(&p, NOW);
	assert_keys_mirror(&p);

	/* The PSK changes the keys: same identities without it must differ. */
	q = p;
	memset(q.a.hs.preshared_key, 0, WGX_KEY_LEN);
	memset(q.b.hs.preshared_key, 0, WGX_KEY_LEN);
	q.a.hs.static_identity = &q.a.id;
	q.b.hs.static_identity = &q.b.id;
	memset(q.b.hs.latest_timestamp, 0, WGX_TIMESTAMP_LEN);
	q.b.hs.last_initiation_consumption_ns = 0;
	pair_handshake(&q, NOW);
	assert_memory_not_equal(p.a.kp.send_key, q.a.kp.send_key, WGX_KEY_LEN);
}

static void test_psk_mismatch(void **state)
{
	struct wgx_msg_initiation init;
	struct wgx_msg_response resp;
	uint8_t ts[WGX_TIMESTAMP_LEN];
	struct test_pair p;
	wgx_key psk;

	wgx_key_generate_preshared(psk);
	pair_init(&p, psk, NULL);
	wgx_tai64n_now(ts);
	assert_int_equal(wgx_noise_create_initiation(&init, &p.a.hs, 1, ts), 0);
	/* The PSK only enters with the response, so the initiation still passes. */
	assert_non_null(wgx_noise_consume_initiation(&init, &p.b.id, lookup_single, &p.b.hs, NOW));
	assert_int_equal(wgx_noise_create_response(&resp, &p.b.hs, 2), 0);
	assert_int_equal(wgx_noise_consume_response(&resp, &p.a.hs), -EBADMSG);
	assert_int_equal(p.a.hs.state, WGX_HANDSHAKE_CREATED_INITIATION);
	assert_int_equal(wgx_noise_begin_session(&p.a.hs, &p.a.kp, NOW), -EINVAL);
}

static void test_wrong_responder_key(void **state)
{
	struct wgx_msg_initiation init;
	uint8_t ts[WGX_TIMESTAMP_LEN];
	struct test_pair p;
	wgx_key other_priv, other_pub;

	pair_init(&p, NULL, NULL);
	/* A believes B has another public key: B cannot even decrypt A's static. */
	wgx_key_generate_private(other_priv);
	assert_int_equal(wgx_key_public_from_private(other_pub, other_priv), 0);
	assert_int_equal(wgx_handshake_init(&p.a.hs, &p.a.id, other_pub, NULL), 0);
	wgx_tai64n_now(ts);
	assert_int_equal(wgx_noise_create_initiation(&init, &p.a.hs, 1, ts), 0);
	assert_null(wgx_noise_consume_initiation(&init, &p.b.id, lookup_single, &p.b.hs, NOW));
	assert_int_equal(p.b.hs.state, WGX_HANDSHAKE_ZEROED);
}

static struct wgx_handshake *lookup_none(void *ctx, const wgx_key remote_static)
{
	return NULL;
}

static void test_unknown_peer(void **state)
{
	struct wgx_msg_initiation init;
	uint8_t ts[WGX_TIMESTAMP_LEN];
	struct test_pair p;

	pair_init(&p, NULL, NULL);
	wgx_tai64n_now(ts);
	assert_int_equal(wgx_noise_create_initiation(&init, &p.a.hs, 1, ts), 0);
	assert_null(wgx_noise_consume_initiation(&init, &p.b.id, lookup_none, NULL, NOW));
}

/* Any changed byte of an initiation fails MAC1, and Noise where it authenticates. */
static void test_tampered_initiation(void **state)
{
	struct wgx_msg_initiation init, bad;
	struct wgx_cookie_checker checker;
	struct wgx_cookie cookie;
	struct sockaddr_in src = { .sin_family = AF_INET };
	uint8_t ts[WGX_TIMESTAMP_LEN];
	struct test_pair p;
	size_t i;

	pair_init(&p, NULL, NULL);
	wgx_cookie_checker_init(&checker, p.b.id.public_key);
	wgx_cookie_init(&cookie, p.b.id.public_key);
	wgx_tai64n_now(ts);
	assert_int_equal(wgx_noise_create_initiation(&init, &p.a.hs, 1, ts), 0);
	wgx_cookie_add_macs(&cookie, &init, sizeof(init), NOW);

	for (i = 0; i < offsetof(struct wgx_msg_initiation, macs.mac2); i++) {
		bad = init;
		((uint8_t *)&bad)[i] ^= 0x01;
		/* MAC1 covers every byte before it, the indices Noise leaves open included. */
		if (wgx_cookie_validate(&checker, &bad, sizeof(bad), (struct sockaddr *)&src,
					NOW) != WGX_COOKIE_INVALID_MAC)
			fail_msg("flipped byte %zu passed MAC1", i);
	}
	/* Noise alone also refuses any change to what it authenticates. */
	for (i = offsetof(struct wgx_msg_initiation, unencrypted_ephemeral);
	     i < offsetof(struct wgx_msg_initiation, macs); i++) {
		bad = init;
		((uint8_t *)&bad)[i] ^= 0x20;
		assert_null(wgx_noise_consume_initiation(&bad, &p.b.id, lookup_single, &p.b.hs,
							 NOW));
	}
	assert_int_equal(p.b.hs.state, WGX_HANDSHAKE_ZEROED);
	/* The untouched message still goes through afterwards. */
	assert_non_null(wgx_noise_consume_initiation(&init, &p.b.id, lookup_single, &p.b.hs, NOW));
}

static void test_tampered_response(void **state)
{
	struct wgx_msg_initiation init;
	struct wgx_msg_response resp, bad;
	uint8_t ts[WGX_TIMESTAMP_LEN];
	struct test_pair p;
	size_t i;

	pair_init(&p, NULL, NULL);
	wgx_tai64n_now(ts);
	assert_int_equal(wgx_noise_create_initiation(&init, &p.a.hs, 7, ts), 0);
	assert_non_null(wgx_noise_consume_initiation(&init, &p.b.id, lookup_single, &p.b.hs, NOW));
	assert_int_equal(wgx_noise_create_response(&resp, &p.b.hs, 9), 0);
	/* Bytes Noise authenticates; sender_index is covered by MAC1 instead. */
	for (i = 0; i < offsetof(struct wgx_msg_response, macs); i++) {
		if (i >= offsetof(struct wgx_msg_response, sender_index) &&
		    i < offsetof(struct wgx_msg_response, receiver_index))
			continue;
		bad = resp;
		((uint8_t *)&bad)[i] ^= 0x80;
		if (!wgx_noise_consume_response(&bad, &p.a.hs))
			fail_msg("flipped response byte %zu was accepted", i);
		assert_int_equal(p.a.hs.state, WGX_HANDSHAKE_CREATED_INITIATION);
	}
	assert_int_equal(wgx_noise_consume_response(&resp, &p.a.hs), 0);
}

static void test_replayed_initiation_and_flood(void **state)
{
	struct wgx_msg_initiation init, newer;
	uint8_t ts[WGX_TIMESTAMP_LEN];
	struct test_pair p;

	pair_init(&p, NULL, NULL);
	wgx_tai64n_now(ts);
	assert_int_equal(wgx_noise_create_initiation(&init, &p.a.hs, 1, ts), 0);
	assert_non_null(wgx_noise_consume_initiation(&init, &p.b.id, lookup_single, &p.b.hs, NOW));
	/* Same timestamp again, even much later: a replay. */
	assert_null(wgx_noise_consume_initiation(&init, &p.b.id, lookup_single, &p.b.hs,
						 NOW + 5000 * MS));

	ts[WGX_TIMESTAMP_LEN - 1]++;	/* a newer timestamp... */
	assert_int_equal(wgx_noise_create_initiation(&newer, &p.a.hs, 2, ts), 0);
	/* ...within 1/50 s of the last one is a flood... */
	assert_null(wgx_noise_consume_initiation(&newer, &p.b.id, lookup_single, &p.b.hs,
						 NOW + 19 * MS));
	/* ...and fine once the interval has passed. */
	assert_non_null(wgx_noise_consume_initiation(&newer, &p.b.id, lookup_single, &p.b.hs,
						     NOW + 21 * MS));
	assert_int_equal(p.b.hs.remote_index, 2);
}

static void test_low_order_points(void **state)
{
	/* Order-8 point from the libsodium/Curve25519 blacklist, and the zero point. */
	static const char *const low_order[] = {
		"0000000000000000000000000000000000000000000000000000000000000000",
		"0100000000000000000000000000000000000000000000000000000000000000",
		"e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
		"5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
	};
	struct wgx_msg_initiation init;
	uint8_t ts[WGX_TIMESTAMP_LEN];
	struct wgx_handshake hs;
	struct test_pair p;
	wgx_key point;
	size_t i;

	pair_init(&p, NULL, NULL);
	wgx_tai64n_now(ts);
	for (i = 0; i < sizeof(low_order) / sizeof(low_order[0]); i++) {
		unhex(point, sizeof(point), low_order[i]);
		/* As a peer's static key: refused at configuration. */
		assert_int_equal(wgx_handshake_init(&hs, &p.a.id, point, NULL), -EINVAL);
		assert_int_equal(wgx_noise_create_initiation(&init, &hs, 1, ts), -EINVAL);
		/* As an ephemeral in a message: refused on receipt. */
		assert_int_equal(wgx_noise_create_initiation(&init, &p.a.hs, 1, ts), 0);
		memcpy(init.unencrypted_ephemeral, point, WGX_KEY_LEN);
		assert_null(wgx_noise_consume_initiation(&init, &p.b.id, lookup_single, &p.b.hs,
							 NOW));
	}
}

static void test_state_machine_order(void **state)
{
	struct wgx_msg_initiation init;
	struct wgx_msg_response resp;
	uint8_t ts[WGX_TIMESTAMP_LEN];
	struct test_pair p;

	pair_init(&p, NULL, NULL);
	/* Nothing but create_initiation / consume_initiation is valid from ZEROED. */
	assert_int_equal(wgx_noise_create_response(&resp, &p.b.hs, 1), -EINVAL);
	assert_int_equal(wgx_noise_begin_session(&p.b.hs, &p.b.kp, NOW), -EINVAL);
	memset(&resp, 0, sizeof(resp));
	resp.header.type = WGX_MSG_HANDSHAKE_RESPONSE;
	assert_int_equal(wgx_noise_consume_response(&resp, &p.a.hs), -EINVAL);

	wgx_tai64n_now(ts);
	assert_int_equal(wgx_noise_create_initiation(&init, &p.a.hs, 5, ts), 0);
	assert_int_equal(p.a.hs.state, WGX_HANDSHAKE_CREATED_INITIATION);
	/* An initiator cannot start a session before the response. */
	assert_int_equal(wgx_noise_begin_session(&p.a.hs, &p.a.kp, NOW), -EINVAL);
	assert_non_null(wgx_noise_consume_initiation(&init, &p.b.id, lookup_single, &p.b.hs, NOW));
	assert_int_equal(p.b.hs.state, WGX_HANDSHAKE_CONSUMED_INITIATION);
	assert_int_equal(wgx_noise_create_response(&resp, &p.b.hs, 6), 0);
	assert_int_equal(p.b.hs.state, WGX_HANDSHAKE_CREATED_RESPONSE);
	/* A response naming another receiver index is not ours. */
	resp.receiver_index = htole32(4);
	assert_int_equal(wgx_noise_consume_response(&resp, &p.a.hs), -EINVAL);
	resp.receiver_index = htole32(5);
	assert_int_equal(wgx_noise_consume_response(&resp, &p.a.hs), 0);
	assert_int_equal(p.a.hs.state, WGX_HANDSHAKE_CONSUMED_RESPONSE);
	/* Consuming the same response twice is refused. */
	assert_int_equal(wgx_noise_consume_response(&resp, &p.a.hs), -EINVAL);
}

static void test_no_identity(void **state)
{
	struct wgx_static_identity none = { 0 };
	struct wgx_msg_initiation init;
	uint8_t ts[WGX_TIMESTAMP_LEN];
	struct wgx_handshake hs;
	struct test_pair p;

	pair_init(&p, NULL, NULL);
	/* A peer can be configured before the interface has a private key. */
	assert_int_equal(wgx_handshake_init(&hs, &none, p.b.id.public_key, NULL), 0);
	wgx_tai64n_now(ts);
	assert_int_equal(wgx_noise_create_initiation(&init, &hs, 1, ts), -EINVAL);
	assert_int_equal(wgx_noise_create_initiation(&init, &p.a.hs, 1, ts), 0);
	assert_null(wgx_noise_consume_initiation(&init, &none, lookup_single, &p.b.hs, NOW));
}

static void test_tai64n(void **state)
{
	uint8_t a[WGX_TIMESTAMP_LEN], b[WGX_TIMESTAMP_LEN];
	uint32_t nsec;

	wgx_tai64n_now(a);
	/* 2^62 + 10 + seconds since 1970, big-endian. */
	assert_int_equal(a[0], 0x40);
	memcpy(&nsec, a + 8, 4);
	assert_int_equal(be32toh(nsec) & 0xffffff, 0);
	assert_true(be32toh(nsec) < 1000000000);
	wgx_tai64n_now(b);
	assert_true(memcmp(a, b, WGX_TIMESTAMP_LEN) <= 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handshake_no_psk),
		cmocka_unit_test(test_handshake_psk),
		cmocka_unit_test(test_psk_mismatch),
		cmocka_unit_test(test_wrong_responder_key),
		cmocka_unit_test(test_unknown_peer),
		cmocka_unit_test(test_tampered_initiation),
		cmocka_unit_test(test_tampered_response),
		cmocka_unit_test(test_replayed_initiation_and_flood),
		cmocka_unit_test(test_low_order_points),
		cmocka_unit_test(test_state_machine_order),
		cmocka_unit_test(test_no_identity),
		cmocka_unit_test(test_tai64n),
	};

	if (wgx_crypto_init())
		return 1;
	return cmocka_run_group_tests_name("noise", tests, NULL, NULL);
}
