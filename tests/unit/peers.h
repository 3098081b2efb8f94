/* SPDX-License-Identifier: GPL-2.0 */
/* Two in-process peers for handshake and transport tests. */
#ifndef WGX_TESTS_PEERS_H
#define WGX_TESTS_PEERS_H

#include "noise.h"
#include "unit.h"

struct test_peer {
	struct wgx_static_identity id;
	struct wgx_handshake hs;	/* this side's handshake with the other */
	struct wgx_keypair kp;
};

struct test_pair {
	struct test_peer a;	/* initiator */
	struct test_peer b;	/* responder */
};

static inline struct wgx_handshake *lookup_single(void *ctx, const wgx_key remote_static)
{
	struct wgx_handshake *hs = ctx;

	return wgx_key_equal(hs->remote_static, remote_static) ? hs : NULL;
}

static inline void pair_init(struct test_pair *p, const wgx_key psk_a, const wgx_key psk_b)
{
	wgx_key priv;

	memset(p, 0, sizeof(*p));
	wgx_key_generate_private(priv);
	wgx_static_identity_set(&p->a.id, priv);
	wgx_key_generate_private(priv);
	wgx_static_identity_set(&p->b.id, priv);
	assert_true(p->a.id.has_identity && p->b.id.has_identity);
	assert_int_equal(wgx_handshake_init(&p->a.hs, &p->a.id, p->b.id.public_key, psk_a), 0);
	assert_int_equal(wgx_handshake_init(&p->b.hs, &p->b.id, p->a.id.public_key, psk_b), 0);
}

/* A full handshake; both keypairs established. */
static inline void pair_handshake(struct test_pair *p, uint64_t now_ns)
{
	struct wgx_msg_initiation init;
	struct wgx_msg_response resp;
	uint8_t ts[WGX_TIMESTAMP_LEN];

	wgx_tai64n_now(ts);
	assert_int_equal(wgx_noise_create_initiation(&init, &p->a.hs, 0x11111111, ts), 0);
	assert_ptr_equal(wgx_noise_consume_initiation(&init, &p->b.id, lookup_single, &p->b.hs,
						      now_ns),
			 &p->b.hs);
	assert_int_equal(wgx_noise_create_response(&resp, &p->b.hs, 0x22222222), 0);
	assert_int_equal(wgx_noise_consume_response(&resp, &p->a.hs), 0);
	assert_int_equal(wgx_noise_begin_session(&p->a.hs, &p->a.kp, now_ns), 0);
	assert_int_equal(wgx_noise_begin_session(&p->b.hs, &p->b.kp, now_ns), 0);
}

#endif
