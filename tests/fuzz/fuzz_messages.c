// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: arbitrary bytes as a received UDP payload, dispatched the
 * way the receive path does (type, exact length, MACs, then Noise or
 * transport). Nothing may crash, and nothing forged may be accepted.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "cookie.h"
#include "noise.h"
#include "transport.h"

static struct wgx_static_identity local, remote;
static struct wgx_handshake hs;		/* our handshake with remote */
static struct wgx_cookie cookie;
static struct wgx_cookie_checker checker;
static struct wgx_keypair kp;
static struct sockaddr_in src = { .sin_family = AF_INET };

static struct wgx_handshake *lookup(void *ctx, const wgx_key s)
{
	return wgx_key_equal(s, hs.remote_static) ? &hs : NULL;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	wgx_key priv;

	if (wgx_crypto_init())
		abort();
	wgx_key_generate_private(priv);
	wgx_static_identity_set(&local, priv);
	wgx_key_generate_private(priv);
	wgx_static_identity_set(&remote, priv);
	wgx_cookie_checker_init(&checker, local.public_key);
	inet_pton(AF_INET, "192.0.2.1", &src.sin_addr);
	return 0;
}

/* Fresh per input, so one input cannot change the outcome of the next. */
static void reset_state(void)
{
	uint8_t ts[WGX_TIMESTAMP_LEN] = { 0 };
	struct wgx_msg_initiation init;

	if (wgx_handshake_init(&hs, &local, remote.public_key, NULL))
		abort();
	wgx_cookie_init(&cookie, remote.public_key);
	memset(&kp, 0, sizeof(kp));
	kp.valid = true;
	kp.local_index = 7;
	wgx_replay_init(&kp.replay);
	/* Leave the handshake waiting for a response, so responses reach Noise. */
	if (wgx_noise_create_initiation(&init, &hs, 7, ts))
		abort();
	wgx_cookie_add_macs(&cookie, &init, sizeof(init), 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t buf[2048], plain[2048];
	size_t plain_len;

	if (size < 4 || size > sizeof(buf))
		return 0;
	memcpy(buf, data, size);	/* aligned copy, as a receive buffer would be */
	reset_state();
	switch (buf[0]) {
	case WGX_MSG_HANDSHAKE_INITIATION:
		if (size != WGX_MSG_INITIATION_LEN ||
		    wgx_cookie_validate(&checker, buf, size, (struct sockaddr *)&src, 1) ==
			    WGX_COOKIE_INVALID_MAC)
			break;
		/* Valid MAC1 over random bytes is a forgery: Noise must refuse it. */
		if (wgx_noise_consume_initiation((void *)buf, &local, lookup, NULL, 1))
			abort();
		break;
	case WGX_MSG_HANDSHAKE_RESPONSE:
		if (size == WGX_MSG_RESPONSE_LEN && !wgx_noise_consume_response((void *)buf, &hs))
			abort();
		break;
	case WGX_MSG_HANDSHAKE_COOKIE:
		if (size == WGX_MSG_COOKIE_LEN && !wgx_cookie_reply_consume(&cookie, (void *)buf, 1))
			abort();
		break;
	case WGX_MSG_DATA:
		if (!wgx_transport_open(&kp, plain, buf, size, 1, &plain_len))
			abort();
		break;
	}
	return 0;
}
