// SPDX-License-Identifier: GPL-2.0
/* Data messages: seal/open both ways, padding, replay, tampering, key expiry. */
#include <errno.h>
#include <stdio.h>

#include "peers.h"
#include "transport.h"

#define SEC 1000000000ULL
#define NOW (1000 * SEC)
#define MTU 1420

static void seal_open(struct test_peer *from, struct test_peer *to, const uint8_t *plain,
		      size_t len, uint64_t now)
{
	uint8_t msg[2048], out[2048];
	size_t msg_len, out_len;

	assert_int_equal(wgx_transport_seal(&from->kp, msg, sizeof(msg), plain, len, MTU, now,
					    &msg_len),
			 0);
	assert_int_equal(wgx_transport_open(&to->kp, out, msg, msg_len, now, &out_len), 0);
	assert_true(out_len >= len);
	assert_memory_equal(out, plain, len);
}

static void test_round_trip_both_ways(void **state)
{
	uint8_t plain[MTU];
	struct test_pair p;
	size_t i, lens[] = { 0, 1, 15, 16, 17, 100, 1280, MTU };

	for (i = 0; i < sizeof(plain); i++)
		plain[i] = (uint8_t)(i * 7);
	pair_init(&p, NULL, NULL);
	pair_handshake(&p, NOW);
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		seal_open(&p.a, &p.b, plain, lens[i], NOW);
		seal_open(&p.b, &p.a, plain, lens[i], NOW);
	}
	assert_int_equal(p.a.kp.send_counter, 8);
	assert_int_equal(p.b.kp.send_counter, 8);
}

static void test_padding(void **state)
{
	/* header 16 + padded plaintext + tag 16 */
	assert_int_equal(wgx_transport_message_len(0, MTU), 32);	/* keepalive */
	assert_int_equal(wgx_transport_message_len(1, MTU), 48);
	assert_int_equal(wgx_transport_message_len(16, MTU), 48);
	assert_int_equal(wgx_transport_message_len(17, MTU), 64);
	/* Padding stops at the MTU (1420 is not a multiple of 16)... */
	assert_int_equal(wgx_transport_message_len(1419, MTU), 32 + 1420);
	assert_int_equal(wgx_transport_message_len(1420, MTU), 32 + 1420);
	/* ...and never cuts a longer packet. */
	assert_int_equal(wgx_transport_message_len(1500, MTU), 32 + 1500);
}

static void test_wire_format(void **state)
{
	uint8_t msg[128];
	struct test_pair p;
	size_t len;

	pair_init(&p, NULL, NULL);
	pair_handshake(&p, NOW);
	assert_int_equal(wgx_transport_seal(&p.a.kp, msg, sizeof(msg), (const uint8_t *)"hi", 2,
					    MTU, NOW, &len),
			 0);
	assert_int_equal(len, 48);
	assert_int_equal(msg[0], WGX_MSG_DATA);
	assert_int_equal(msg[1] | msg[2] | msg[3], 0);
	/* receiver index is B's local index, little-endian; counter 0 */
	assert_int_equal(msg[4], 0x22);
	assert_int_equal(msg[7], 0x22);
	assert_int_equal(msg[8] | msg[9] | msg[15], 0);
	assert_int_equal(wgx_transport_seal(&p.a.kp, msg, 40, (const uint8_t *)"hi", 2, MTU, NOW,
					    &len),
			 -ENOBUFS);
}

static void test_tamper_and_replay(void **state)
{
	uint8_t msg[256], bad[256], out[256];
	struct test_pair p;
	size_t len, out_len, i;

	pair_init(&p, NULL, NULL);
	pair_handshake(&p, NOW);
	assert_int_equal(wgx_transport_seal(&p.a.kp, msg, sizeof(msg), (const uint8_t *)"payload",
					    7, MTU, NOW, &len),
			 0);
	/* Every byte from the counter on is authenticated. */
	for (i = 8; i < len; i++) {
		memcpy(bad, msg, len);
		bad[i] ^= 0x04;
		assert_int_equal(wgx_transport_open(&p.b.kp, out, bad, len, NOW, &out_len),
				 -EBADMSG);
	}
	/* A forged counter did not move the window: the real message still opens once. */
	assert_int_equal(wgx_transport_open(&p.b.kp, out, msg, len, NOW, &out_len), 0);
	assert_int_equal(wgx_transport_open(&p.b.kp, out, msg, len, NOW, &out_len), -EALREADY);
	/* Truncated, wrong type, wrong receiver index. */
	assert_int_equal(wgx_transport_open(&p.b.kp, out, msg, 31, NOW, &out_len), -EINVAL);
	msg[0] = WGX_MSG_HANDSHAKE_INITIATION;
	assert_int_equal(wgx_transport_open(&p.b.kp, out, msg, len, NOW, &out_len), -EINVAL);
	msg[0] = WGX_MSG_DATA;
	msg[4] ^= 1;
	assert_int_equal(wgx_transport_open(&p.b.kp, out, msg, len, NOW, &out_len), -ENOKEY);
}

static void test_reordered_delivery(void **state)
{
	uint8_t msgs[4][64], out[64];
	struct test_pair p;
	size_t lens[4], out_len;
	int i, order[] = { 2, 0, 3, 1 };

	pair_init(&p, NULL, NULL);
	pair_handshake(&p, NOW);
	for (i = 0; i < 4; i++)
		assert_int_equal(wgx_transport_seal(&p.a.kp, msgs[i], sizeof(msgs[i]),
						    (const uint8_t *)"x", 1, MTU, NOW, &lens[i]),
				 0);
	for (i = 0; i < 4; i++)
		assert_int_equal(wgx_transport_open(&p.b.kp, out, msgs[order[i]], lens[order[i]],
						    NOW, &out_len),
				 0);
}

static void test_keys_expire(void **state)
{
	uint8_t msg[64], out[64];
	struct test_pair p;
	size_t len, out_len;

	pair_init(&p, NULL, NULL);
	pair_handshake(&p, NOW);
	assert_int_equal(wgx_transport_seal(&p.a.kp, msg, sizeof(msg), (const uint8_t *)"x", 1, MTU,
					    NOW + 179 * SEC, &len),
			 0);
	/* REJECT_AFTER_TIME: 180 s after the session began, neither side uses it. */
	assert_int_equal(wgx_transport_open(&p.b.kp, out, msg, len, NOW + 180 * SEC, &out_len),
			 -EKEYEXPIRED);
	assert_int_equal(wgx_transport_seal(&p.a.kp, msg, sizeof(msg), (const uint8_t *)"x", 1, MTU,
					    NOW + 180 * SEC, &len),
			 -EKEYEXPIRED);
	/* REJECT_AFTER_MESSAGES on the sending side. */
	p.b.kp.send_counter = WGX_REJECT_AFTER_MESSAGES;
	assert_int_equal(wgx_transport_seal(&p.b.kp, msg, sizeof(msg), (const uint8_t *)"x", 1, MTU,
					    NOW, &len),
			 -EKEYEXPIRED);
	/* A cleared keypair is unusable. */
	wgx_keypair_clear(&p.a.kp);
	assert_int_equal(wgx_transport_seal(&p.a.kp, msg, sizeof(msg), (const uint8_t *)"x", 1, MTU,
					    NOW, &len),
			 -ENOKEY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_both_ways),
		cmocka_unit_test(test_padding),
		cmocka_unit_test(test_wire_format),
		cmocka_unit_test(test_tamper_and_replay),
		cmocka_unit_test(test_reordered_delivery),
		cmocka_unit_test(test_keys_expire),
	};

	if (wgx_crypto_init())
		return 1;
	return cmocka_run_group_tests_name("transport", tests, NULL, NULL);
}
