/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BLAKE2s-based primitives of the protocol (whitepaper §5.4): HASH, MAC,
 * HMAC and HKDF. BLAKE2s itself comes from libb2.
 */
#ifndef WGX_HASH_H
#define WGX_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "wgx/messages.h"

#define WGX_BLAKE2S_BLOCK_LEN 64

/* HASH(a || b): either part may be NULL with length 0. */
void wgx_hash2(uint8_t out[WGX_HASH_LEN], const void *a, size_t alen, const void *b, size_t blen);
/* MAC(key, input): keyed BLAKE2s, 16 bytes out; keys are 32 bytes, or 16 for a cookie. */
void wgx_mac(uint8_t out[WGX_MAC_LEN], const void *key, size_t keylen, const void *in, size_t len);
/* HMAC-BLAKE2s, 32 bytes out. */
void wgx_hmac(uint8_t out[WGX_HASH_LEN], const void *key, size_t keylen, const void *in, size_t len);
/*
 * HKDF with HMAC-BLAKE2s: derive n (1..3) 32-byte outputs from chaining key
 * ck and input. out2/out3 may be NULL when fewer outputs are wanted.
 */
void wgx_kdf(uint8_t *out1, uint8_t *out2, uint8_t *out3, const uint8_t ck[WGX_HASH_LEN],
	     const void *in, size_t len);

#endif /* WGX_HASH_H */
