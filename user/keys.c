// SPDX-License-Identifier: GPL-2.0
/* Curve25519 keys through libsodium; base64 and hex as wg(8) and the UAPI spell them. */
#include <errno.h>
#include <sodium.h>
#include <string.h>

#include "keys.h"

int wgx_crypto_init(void)
{
	return sodium_init() < 0 ? -ENOSYS : 0;
}

void wgx_key_clamp(wgx_key key)
{
	key[0] &= 248;
	key[31] = (key[31] & 127) | 64;
}

void wgx_key_generate_private(wgx_key out)
{
	randombytes_buf(out, WGX_KEY_LEN);
	wgx_key_clamp(out);
}

void wgx_key_generate_preshared(wgx_key out)
{
	randombytes_buf(out, WGX_KEY_LEN);
}

int wgx_key_public_from_private(wgx_key pub, const wgx_key priv)
{
	/* crypto_scalarmult_base clamps a copy itself and fails on a zero result. */
	return crypto_scalarmult_base(pub, priv) ? -EINVAL : 0;
}

void wgx_key_to_base64(wgx_key_b64 out, const wgx_key key)
{
	sodium_bin2base64(out, sizeof(wgx_key_b64), key, WGX_KEY_LEN,
			  sodium_base64_VARIANT_ORIGINAL);
}

int wgx_key_from_base64(wgx_key out, const char *b64)
{
	size_t len;

	if (!b64 || strlen(b64) != WGX_KEY_B64_LEN || b64[WGX_KEY_B64_LEN - 1] != '=')
		return -EINVAL;
	/* libsodium rejects non-zero leftover bits, so only canonical keys pass. */
	if (sodium_base642bin(out, WGX_KEY_LEN, b64, WGX_KEY_B64_LEN, NULL, &len, NULL,
			      sodium_base64_VARIANT_ORIGINAL) || len != WGX_KEY_LEN) {
		sodium_memzero(out, WGX_KEY_LEN);
		return -EINVAL;
	}
	return 0;
}

int wgx_key_from_hex(wgx_key out, const char *hex)
{
	size_t len;

	if (!hex || strlen(hex) != 2 * WGX_KEY_LEN)
		return -EINVAL;
	if (sodium_hex2bin(out, WGX_KEY_LEN, hex, 2 * WGX_KEY_LEN, NULL, &len, NULL) ||
	    len != WGX_KEY_LEN) {
		sodium_memzero(out, WGX_KEY_LEN);
		return -EINVAL;
	}
	return 0;
}

void wgx_key_to_hex(char out[2 * WGX_KEY_LEN + 1], const wgx_key key)
{
	sodium_bin2hex(out, 2 * WGX_KEY_LEN + 1, key, WGX_KEY_LEN);
}

bool wgx_key_is_zero(const wgx_key key)
{
	return sodium_is_zero(key, WGX_KEY_LEN);
}

bool wgx_key_equal(const wgx_key a, const wgx_key b)
{
	return sodium_memcmp(a, b, WGX_KEY_LEN) == 0;
}
