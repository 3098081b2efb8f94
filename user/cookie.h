/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MAC1/MAC2 and cookie replies (whitepaper §5.4.4, §5.4.7).
 *
 * The responder side (checker) validates MACs and, when under load, answers
 * with a cookie reply sealed with XChaCha20-Poly1305; its secret rotates every
 * COOKIE_SECRET_MAX_AGE. The initiator side (one per peer) adds MACs to its
 * handshake messages and stores cookies it receives.
 */
#ifndef WGX_COOKIE_H
#define WGX_COOKIE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "keys.h"
#include "wgx/messages.h"

enum wgx_cookie_mac_state {
	WGX_COOKIE_INVALID_MAC,
	WGX_COOKIE_VALID_MAC_BUT_NO_COOKIE,
	WGX_COOKIE_VALID_MAC_WITH_COOKIE,
};

struct wgx_cookie_checker {
	uint8_t secret[WGX_HASH_LEN];
	uint64_t secret_birthdate_ns;
	bool has_secret;
	uint8_t cookie_encryption_key[WGX_KEY_LEN];	/* HASH("cookie--" || our public) */
	uint8_t message_mac1_key[WGX_KEY_LEN];		/* HASH("mac1----" || our public) */
};

struct wgx_cookie {
	uint8_t cookie[WGX_COOKIE_LEN];
	uint64_t birthdate_ns;
	bool is_valid;
	bool have_sent_mac1;
	uint8_t last_mac1_sent[WGX_MAC_LEN];
	uint8_t cookie_decryption_key[WGX_KEY_LEN];	/* HASH("cookie--" || peer public) */
	uint8_t message_mac1_key[WGX_KEY_LEN];		/* HASH("mac1----" || peer public) */
};

/* Called again whenever the interface's private key changes. */
void wgx_cookie_checker_init(struct wgx_cookie_checker *c, const wgx_key local_public);
void wgx_cookie_init(struct wgx_cookie *c, const wgx_key remote_public);

/* msg is a whole initiation or response; len its size. */
enum wgx_cookie_mac_state wgx_cookie_validate(struct wgx_cookie_checker *c, const void *msg,
					      size_t len, const struct sockaddr *src,
					      uint64_t now_ns);
/* Fills mac1 and (with a fresh cookie) mac2 of an outgoing handshake message. */
void wgx_cookie_add_macs(struct wgx_cookie *c, void *msg, size_t len, uint64_t now_ns);

/* Cookie reply to a handshake message that came from src under load. 0 or -errno. */
int wgx_cookie_reply_create(struct wgx_msg_cookie *reply, struct wgx_cookie_checker *c,
			    const void *msg, size_t len, uint32_t sender_index,
			    const struct sockaddr *src, uint64_t now_ns);
/* Stores the cookie if it decrypts against our last MAC1. 0 or -errno. */
int wgx_cookie_reply_consume(struct wgx_cookie *c, const struct wgx_msg_cookie *reply,
			     uint64_t now_ns);

void wgx_cookie_checker_clear(struct wgx_cookie_checker *c);

#endif /* WGX_COOKIE_H */
