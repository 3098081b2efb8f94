/* SPDX-License-Identifier: GPL-2.0 */
/* Curve25519 keys: generation, public derivation, base64 as wg(8) prints them. */
#ifndef WGX_KEYS_H
#define WGX_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wgx/messages.h"

typedef uint8_t wgx_key[WGX_KEY_LEN];
typedef char wgx_key_b64[WGX_KEY_B64_LEN + 1];

/* Must be called once before any other wgx_ function (initialises libsodium). */
int wgx_crypto_init(void);

void wgx_key_generate_private(wgx_key out);
void wgx_key_generate_preshared(wgx_key out);
void wgx_key_clamp(wgx_key key);
/* 0, or -EINVAL if the private key yields a low-order (all-zero) public key. */
int wgx_key_public_from_private(wgx_key pub, const wgx_key priv);

void wgx_key_to_base64(wgx_key_b64 out, const wgx_key key);
/* Strict: exactly 44 chars, '=' last, canonical trailing bits. 0 or -EINVAL. */
int wgx_key_from_base64(wgx_key out, const char *b64);
/* Accepts 64 hex digits, as the UAPI encodes keys. 0 or -EINVAL. */
int wgx_key_from_hex(wgx_key out, const char *hex);
void wgx_key_to_hex(char out[2 * WGX_KEY_LEN + 1], const wgx_key key);

bool wgx_key_is_zero(const wgx_key key);
/* Constant time. */
bool wgx_key_equal(const wgx_key a, const wgx_key b);

#endif /* WGX_KEYS_H */
