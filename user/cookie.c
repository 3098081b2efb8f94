// SPDX-License-Identifier: GPL-2.0
/* MAC1/MAC2 and cookie replies (whitepaper §5.4.4, §5.4.7). */
#include <endian.h>
#include <errno.h>
#include <netinet/in.h>
#include <sodium.h>
#include <string.h>

#include "cookie.h"
#include "hash.h"

#define NSEC_PER_SEC 1000000000ULL

static const uint8_t label_mac1[8] = "mac1----";
static const uint8_t label_cookie[8] = "cookie--";

static void precompute_key(uint8_t out[WGX_KEY_LEN], const uint8_t label[8], const wgx_key pub)
{
	wgx_hash2(out, label, 8, pub, WGX_KEY_LEN);
}

void wgx_cookie_checker_init(struct wgx_cookie_checker *c, const wgx_key local_public)
{
	precompute_key(c->cookie_encryption_key, label_cookie, local_public);
	precompute_key(c->message_mac1_key, label_mac1, local_public);
}

void wgx_cookie_init(struct wgx_cookie *c, const wgx_key remote_public)
{
	memset(c, 0, sizeof(*c));
	precompute_key(c->cookie_decryption_key, label_cookie, remote_public);
	precompute_key(c->message_mac1_key, label_mac1, remote_public);
}

void wgx_cookie_checker_clear(struct wgx_cookie_checker *c)
{
	sodium_memzero(c, sizeof(*c));
}

/* A_m of the whitepaper: source address bytes followed by the port, network order. */
static size_t source_bytes(uint8_t out[18], const struct sockaddr *src)
{
	if (src->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)src;

		memcpy(out, &in->sin_addr, 4);
		memcpy(out + 4, &in->sin_port, 2);
		return 6;
	}
	if (src->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)src;

		memcpy(out, &in6->sin6_addr, 16);
		memcpy(out + 16, &in6->sin6_port, 2);
		return 18;
	}
	return 0;
}

/* tau = MAC(R_m, A_m), with R_m replaced every COOKIE_SECRET_MAX_AGE. */
static void make_cookie(uint8_t tau[WGX_COOKIE_LEN], struct wgx_cookie_checker *c,
			const struct sockaddr *src, uint64_t now_ns)
{
	uint8_t a[18];
	size_t alen = source_bytes(a, src);

	if (!c->has_secret || now_ns - c->secret_birthdate_ns >=
				      WGX_COOKIE_SECRET_MAX_AGE * NSEC_PER_SEC) {
		randombytes_buf(c->secret, sizeof(c->secret));
		c->secret_birthdate_ns = now_ns;
		c->has_secret = true;
	}
	wgx_mac(tau, c->secret, sizeof(c->secret), a, alen);
}

enum wgx_cookie_mac_state wgx_cookie_validate(struct wgx_cookie_checker *c, const void *msg,
					      size_t len, const struct sockaddr *src,
					      uint64_t now_ns)
{
	const struct wgx_msg_macs *macs =
		(const struct wgx_msg_macs *)((const uint8_t *)msg + WGX_MAC1_OFFSET(len));
	uint8_t computed[WGX_MAC_LEN], tau[WGX_COOKIE_LEN];
	enum wgx_cookie_mac_state ret = WGX_COOKIE_INVALID_MAC;

	wgx_mac(computed, c->message_mac1_key, WGX_KEY_LEN, msg, WGX_MAC1_OFFSET(len));
	if (sodium_memcmp(computed, macs->mac1, WGX_MAC_LEN))
		goto out;
	ret = WGX_COOKIE_VALID_MAC_BUT_NO_COOKIE;

	make_cookie(tau, c, src, now_ns);
	wgx_mac(computed, tau, sizeof(tau), msg, WGX_MAC2_OFFSET(len));
	if (!sodium_memcmp(computed, macs->mac2, WGX_MAC_LEN))
		ret = WGX_COOKIE_VALID_MAC_WITH_COOKIE;
out:
	sodium_memzero(tau, sizeof(tau));
	return ret;
}

void wgx_cookie_add_macs(struct wgx_cookie *c, void *msg, size_t len, uint64_t now_ns)
{
	struct wgx_msg_macs *macs = (struct wgx_msg_macs *)((uint8_t *)msg + WGX_MAC1_OFFSET(len));
	const uint64_t cookie_lifetime =
		(WGX_COOKIE_SECRET_MAX_AGE - WGX_COOKIE_SECRET_LATENCY) * NSEC_PER_SEC;

	wgx_mac(macs->mac1, c->message_mac1_key, WGX_KEY_LEN, msg, WGX_MAC1_OFFSET(len));
	memcpy(c->last_mac1_sent, macs->mac1, WGX_MAC_LEN);
	c->have_sent_mac1 = true;

	if (c->is_valid && now_ns - c->birthdate_ns < cookie_lifetime)
		wgx_mac(macs->mac2, c->cookie, WGX_COOKIE_LEN, msg, WGX_MAC2_OFFSET(len));
	else
		memset(macs->mac2, 0, WGX_MAC_LEN);
}

int wgx_cookie_reply_create(struct wgx_msg_cookie *reply, struct wgx_cookie_checker *c,
			    const void *msg, size_t len, uint32_t sender_index,
			    const struct sockaddr *src, uint64_t now_ns)
{
	const uint8_t *mac1 = (const uint8_t *)msg + WGX_MAC1_OFFSET(len);
	uint8_t tau[WGX_COOKIE_LEN];

	if (src->sa_family != AF_INET && src->sa_family != AF_INET6)
		return -EAFNOSUPPORT;
	memset(reply, 0, sizeof(*reply));
	reply->header.type = WGX_MSG_HANDSHAKE_COOKIE;
	reply->receiver_index = htole32(sender_index);
	randombytes_buf(reply->nonce, sizeof(reply->nonce));
	make_cookie(tau, c, src, now_ns);
	/* The triggering MAC1 is the associated data: it binds the reply to that message. */
	crypto_aead_xchacha20poly1305_ietf_encrypt(reply->encrypted_cookie, NULL, tau, sizeof(tau),
						   mac1, WGX_MAC_LEN, NULL, reply->nonce,
						   c->cookie_encryption_key);
	sodium_memzero(tau, sizeof(tau));
	return 0;
}

int wgx_cookie_reply_consume(struct wgx_cookie *c, const struct wgx_msg_cookie *reply,
			     uint64_t now_ns)
{
	uint8_t tau[WGX_COOKIE_LEN];
	int ret = -EINVAL;

	if (!c->have_sent_mac1)
		goto out;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(
		    tau, NULL, NULL, reply->encrypted_cookie, sizeof(reply->encrypted_cookie),
		    c->last_mac1_sent, WGX_MAC_LEN, reply->nonce, c->cookie_decryption_key)) {
		ret = -EBADMSG;
		goto out;
	}
	memcpy(c->cookie, tau, sizeof(tau));
	c->birthdate_ns = now_ns;
	c->is_valid = true;
	c->have_sent_mac1 = false;
	ret = 0;
out:
	sodium_memzero(tau, sizeof(tau));
	return ret;
}
