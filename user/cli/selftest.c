// SPDX-License-Identifier: GPL-2.0
/*
 * selftest: two in-process peers run a complete handshake (with MACs and a
 * cookie round under load) and exchange data both ways, printing each step.
 * It shows the protocol core working end to end without any I/O.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "cli/cli.h"
#include "cookie.h"
#include "noise.h"
#include "transport.h"

struct side {
	const char *name;
	struct wgx_static_identity id;
	struct wgx_handshake hs;
	struct wgx_cookie cookie;		/* for MACs on messages to the other */
	struct wgx_cookie_checker checker;	/* for MACs on messages from the other */
	struct wgx_keypair kp;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static struct wgx_handshake *lookup(void *ctx, const wgx_key remote_static)
{
	struct side *s = ctx;

	return wgx_key_equal(s->hs.remote_static, remote_static) ? &s->hs : NULL;
}

static void side_init(struct side *s, const char *name)
{
	wgx_key priv;
	wgx_key_b64 b64;

	memset(s, 0, sizeof(*s));
	s->name = name;
	wgx_key_generate_private(priv);
	wgx_static_identity_set(&s->id, priv);
	sodium_memzero(priv, sizeof(priv));
	wgx_cookie_checker_init(&s->checker, s->id.public_key);
	wgx_key_to_base64(b64, s->id.public_key);
	printf("  %s public key %s\n", name, b64);
}

static int side_meet(struct side *s, const struct side *other, const wgx_key psk)
{
	wgx_cookie_init(&s->cookie, other->id.public_key);
	return wgx_handshake_init(&s->hs, &s->id, other->id.public_key, psk);
}

static const char *mac_state_name(enum wgx_cookie_mac_state st)
{
	static const char *const names[] = { "invalid MAC1", "MAC1 ok, no cookie",
					     "MAC1 ok, MAC2 ok" };
	return names[st];
}

static int step(bool ok, const char *what)
{
	printf("  %-52s %s\n", what, ok ? "ok" : "FAILED");
	return ok ? 0 : -1;
}

/* Initiation under load: the responder answers with a cookie, the initiator retries with MAC2. */
static int run_handshake(struct side *a, struct side *b, const struct sockaddr *a_addr)
{
	struct wgx_msg_initiation init;
	struct wgx_msg_response resp;
	struct wgx_msg_cookie reply;
	uint8_t ts[WGX_TIMESTAMP_LEN];
	enum wgx_cookie_mac_state st;
	int err = 0;

	wgx_tai64n_now(ts);
	err |= step(!wgx_noise_create_initiation(&init, &a->hs, 1, ts), "A: create initiation (148 B)");
	wgx_cookie_add_macs(&a->cookie, &init, sizeof(init), now_ns());
	st = wgx_cookie_validate(&b->checker, &init, sizeof(init), a_addr, now_ns());
	printf("  B: under load, checks MACs: %s -> sends cookie reply\n", mac_state_name(st));
	err |= step(!wgx_cookie_reply_create(&reply, &b->checker, &init, sizeof(init), 1, a_addr,
					     now_ns()), "B: create cookie reply (64 B)");
	err |= step(!wgx_cookie_reply_consume(&a->cookie, &reply, now_ns()), "A: consume cookie reply");
	wgx_tai64n_now(ts);
	ts[WGX_TIMESTAMP_LEN - 1]++;	/* a retry carries a newer timestamp */
	err |= step(!wgx_noise_create_initiation(&init, &a->hs, 2, ts), "A: retry initiation");
	wgx_cookie_add_macs(&a->cookie, &init, sizeof(init), now_ns());
	st = wgx_cookie_validate(&b->checker, &init, sizeof(init), a_addr, now_ns());
	err |= step(st == WGX_COOKIE_VALID_MAC_WITH_COOKIE, "B: MAC1 and MAC2 valid");
	err |= step(wgx_noise_consume_initiation(&init, &b->id, lookup, b, now_ns()) == &b->hs,
		    "B: consume initiation (Noise IK: e, es, s, ss, {t})");
	err |= step(!wgx_noise_create_response(&resp, &b->hs, 3), "B: create response (92 B)");
	err |= step(!wgx_noise_consume_response(&resp, &a->hs), "A: consume response (e, ee, se, psk)");
	err |= step(!wgx_noise_begin_session(&a->hs, &a->kp, now_ns()), "A: derive transport keys");
	err |= step(!wgx_noise_begin_session(&b->hs, &b->kp, now_ns()), "B: derive transport keys");
	err |= step(!memcmp(a->kp.send_key, b->kp.recv_key, WGX_KEY_LEN) &&
			    !memcmp(a->kp.recv_key, b->kp.send_key, WGX_KEY_LEN),
		    "transport keys agree");
	return err;
}

static int send_data(struct side *from, struct side *to, const char *text)
{
	uint8_t msg[256], out[256];
	size_t len, out_len;
	int ret;

	ret = wgx_transport_seal(&from->kp, msg, sizeof(msg), (const uint8_t *)text,
				 strlen(text) + 1, 1420, now_ns(), &len);
	if (!ret)
		ret = wgx_transport_open(&to->kp, out, msg, len, now_ns(), &out_len);
	printf("  %s -> %s: %zu-byte data message, decrypted \"%s\"\n", from->name, to->name, len,
	       ret ? "(failed)" : (char *)out);
	if (!ret)
		ret = wgx_transport_open(&to->kp, out, msg, len, now_ns(), &out_len) ? 0 : -1;
	return step(!ret, "  same message again is rejected as a replay");
}

int wgx_cmd_selftest(int argc, char *argv[])
{
	struct sockaddr_in a_addr = { .sin_family = AF_INET, .sin_port = htons(51820) };
	struct side *a = sodium_malloc(sizeof(*a)), *b = sodium_malloc(sizeof(*b));
	wgx_key psk;
	int err = -1;

	if (wgx_cli_wants_help(argc, argv, ""))
		return 0;
	if (!a || !b)
		goto out;
	inet_pton(AF_INET, "192.0.2.1", &a_addr.sin_addr);
	printf("wg-xdp selftest: two in-process peers, Noise_IKpsk2 with a preshared key\n");
	side_init(a, "A");
	side_init(b, "B");
	wgx_key_generate_preshared(psk);
	if (side_meet(a, b, psk) || side_meet(b, a, psk))
		goto out;
	err = run_handshake(a, b, (struct sockaddr *)&a_addr);
	err |= send_data(a, b, "hello from A");
	err |= send_data(b, a, "hello from B");
	printf("selftest %s\n", err ? "FAILED" : "passed");
out:
	sodium_memzero(psk, sizeof(psk));
	sodium_free(a);
	sodium_free(b);
	return err ? 1 : 0;
}
