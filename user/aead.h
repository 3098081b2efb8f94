/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ChaCha20-Poly1305 (RFC 8439) for data messages, with WireGuard's nonce:
 * 32 zero bits then the 64-bit counter, little-endian, and no associated
 * data. Two libraries back it, chosen by size: on this CPU OpenSSL is
 * faster for MTU-sized messages and libsodium for small ones
 * (docs/aead.md). Both compute the same function; tests hold them to it.
 */
#ifndef WGX_AEAD_H
#define WGX_AEAD_H

#include <stddef.h>
#include <stdint.h>

#include "wgx/messages.h"

enum wgx_aead_backend {
	WGX_AEAD_AUTO,		/* by size, WGX_AEAD_OPENSSL_MIN */
	WGX_AEAD_SODIUM,
	WGX_AEAD_OPENSSL,
};

/* Below this many bytes libsodium wins on this CPU (docs/aead.md). */
#define WGX_AEAD_OPENSSL_MIN 1024

/* Encrypts buf[0..len) in place and appends the 16-byte tag at buf + len. 0 or -EIO. */
int wgx_aead_seal(enum wgx_aead_backend b, uint8_t *buf, size_t len,
		  const uint8_t key[WGX_KEY_LEN], uint64_t counter);
/* Decrypts in[0..len) (tag included) into out; 0, or -EBADMSG when it does not authenticate. */
int wgx_aead_open(enum wgx_aead_backend b, uint8_t *out, const uint8_t *in, size_t len,
		  const uint8_t key[WGX_KEY_LEN], uint64_t counter);

#endif /* WGX_AEAD_H */
