// SPDX-License-Identifier: GPL-2.0
/*
 * HASH, MAC, HMAC and HKDF of whitepaper §5.4, on libb2's BLAKE2s.
 * HMAC is the RFC 2104 construction around BLAKE2s (not BLAKE2s's keyed
 * mode), as the protocol requires.
 */
#include <blake2.h>
#include <sodium.h>
#include <string.h>

#include "hash.h"

void wgx_hash2(uint8_t out[WGX_HASH_LEN], const void *a, size_t alen, const void *b, size_t blen)
{
	blake2s_state st;

	blake2s_init(&st, WGX_HASH_LEN);
	if (alen)
		blake2s_update(&st, a, alen);
	if (blen)
		blake2s_update(&st, b, blen);
	blake2s_final(&st, out, WGX_HASH_LEN);
	sodium_memzero(&st, sizeof(st));
}

void wgx_mac(uint8_t out[WGX_MAC_LEN], const void *key, size_t keylen, const void *in, size_t len)
{
	blake2s(out, in, key, WGX_MAC_LEN, len, keylen);
}

void wgx_hmac(uint8_t out[WGX_HASH_LEN], const void *key, size_t keylen, const void *in, size_t len)
{
	uint8_t pad[WGX_BLAKE2S_BLOCK_LEN] = { 0 };
	uint8_t inner[WGX_HASH_LEN];
	blake2s_state st;
	size_t i;

	if (keylen > WGX_BLAKE2S_BLOCK_LEN)
		wgx_hash2(pad, key, keylen, NULL, 0);
	else
		memcpy(pad, key, keylen);

	for (i = 0; i < sizeof(pad); i++)
		pad[i] ^= 0x36;
	blake2s_init(&st, WGX_HASH_LEN);
	blake2s_update(&st, pad, sizeof(pad));
	blake2s_update(&st, in, len);
	blake2s_final(&st, inner, WGX_HASH_LEN);

	for (i = 0; i < sizeof(pad); i++)
		pad[i] ^= 0x36 ^ 0x5c;
	blake2s_init(&st, WGX_HASH_LEN);
	blake2s_update(&st, pad, sizeof(pad));
	blake2s_update(&st, inner, WGX_HASH_LEN);
	blake2s_final(&st, out, WGX_HASH_LEN);

	sodium_memzero(pad, sizeof(pad));
	sodium_memzero(inner, sizeof(inner));
	sodium_memzero(&st, sizeof(st));
}

void wgx_kdf(uint8_t *out1, uint8_t *out2, uint8_t *out3, const uint8_t ck[WGX_HASH_LEN],
	     const void *in, size_t len)
{
	uint8_t prk[WGX_HASH_LEN];
	uint8_t t[WGX_HASH_LEN + 1];

	wgx_hmac(prk, ck, WGX_HASH_LEN, in, len);	/* extract */

	t[0] = 1;					/* T1 = HMAC(prk, 0x1) */
	wgx_hmac(t, prk, WGX_HASH_LEN, t, 1);
	memcpy(out1, t, WGX_HASH_LEN);
	if (out2) {					/* T2 = HMAC(prk, T1 || 0x2) */
		t[WGX_HASH_LEN] = 2;
		wgx_hmac(t, prk, WGX_HASH_LEN, t, WGX_HASH_LEN + 1);
		memcpy(out2, t, WGX_HASH_LEN);
	}
	if (out2 && out3) {				/* T3 = HMAC(prk, T2 || 0x3) */
		t[WGX_HASH_LEN] = 3;
		wgx_hmac(t, prk, WGX_HASH_LEN, t, WGX_HASH_LEN + 1);
		memcpy(out3, t, WGX_HASH_LEN);
	}
	sodium_memzero(prk, sizeof(prk));
	sodium_memzero(t, sizeof(t));
}
