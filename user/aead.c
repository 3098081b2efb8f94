// SPDX-License-Identifier: GPL-2.0
/* Data-message AEAD over libsodium or OpenSSL (see aead.h). */
#include <endian.h>
#include <errno.h>
#include <openssl/evp.h>
#include <sodium.h>
#include <string.h>

#include "aead.h"

static void counter_nonce(uint8_t nonce[12], uint64_t counter)
{
	uint64_t le = htole64(counter);

	memset(nonce, 0, 4);
	memcpy(nonce + 4, &le, sizeof(le));
}

/* One context per thread, re-keyed per message: creating one per message costs more. */
static EVP_CIPHER_CTX *thread_ctx(int encrypt)
{
	static __thread EVP_CIPHER_CTX *ctx[2];

	if (!ctx[encrypt]) {
		ctx[encrypt] = EVP_CIPHER_CTX_new();
		if (ctx[encrypt] && !EVP_CipherInit_ex(ctx[encrypt], EVP_chacha20_poly1305(), NULL,
						       NULL, NULL, encrypt)) {
			EVP_CIPHER_CTX_free(ctx[encrypt]);
			ctx[encrypt] = NULL;
		}
	}
	return ctx[encrypt];
}

static enum wgx_aead_backend pick(enum wgx_aead_backend b, size_t len)
{
	if (b != WGX_AEAD_AUTO)
		return b;
	return len >= WGX_AEAD_OPENSSL_MIN ? WGX_AEAD_OPENSSL : WGX_AEAD_SODIUM;
}

static int seal_openssl(uint8_t *buf, size_t len, const uint8_t *key, const uint8_t *nonce)
{
	EVP_CIPHER_CTX *ctx = thread_ctx(1);
	int n;

	if (!ctx || !EVP_CipherInit_ex(ctx, NULL, NULL, key, nonce, 1) ||
	    !EVP_CipherUpdate(ctx, buf, &n, buf, (int)len) ||
	    !EVP_CipherFinal_ex(ctx, buf + n, &n) ||
	    !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, WGX_AEAD_TAG_LEN, buf + len))
		return -EIO;
	return 0;
}

static int open_openssl(uint8_t *out, const uint8_t *in, size_t len, const uint8_t *key,
			const uint8_t *nonce)
{
	EVP_CIPHER_CTX *ctx = thread_ctx(0);
	size_t plain = len - WGX_AEAD_TAG_LEN;
	int n;

	if (!ctx || !EVP_CipherInit_ex(ctx, NULL, NULL, key, nonce, 0) ||
	    !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, WGX_AEAD_TAG_LEN,
				 (void *)(in + plain)) ||
	    !EVP_CipherUpdate(ctx, out, &n, in, (int)plain))
		return -EBADMSG;
	/* Final checks the tag: until it passes, out holds unauthenticated bytes. */
	if (EVP_CipherFinal_ex(ctx, out + n, &n) <= 0) {
		sodium_memzero(out, plain);
		return -EBADMSG;
	}
	return 0;
}

int wgx_aead_seal(enum wgx_aead_backend b, uint8_t *buf, size_t len,
		  const uint8_t key[WGX_KEY_LEN], uint64_t counter)
{
	uint8_t nonce[12];

	counter_nonce(nonce, counter);
	if (pick(b, len) == WGX_AEAD_OPENSSL)
		return seal_openssl(buf, len, key, nonce);
	crypto_aead_chacha20poly1305_ietf_encrypt(buf, NULL, buf, len, NULL, 0, NULL, nonce, key);
	return 0;
}

int wgx_aead_open(enum wgx_aead_backend b, uint8_t *out, const uint8_t *in, size_t len,
		  const uint8_t key[WGX_KEY_LEN], uint64_t counter)
{
	uint8_t nonce[12];

	if (len < WGX_AEAD_TAG_LEN)
		return -EBADMSG;
	counter_nonce(nonce, counter);
	if (pick(b, len) == WGX_AEAD_OPENSSL)
		return open_openssl(out, in, len, key, nonce);
	return crypto_aead_chacha20poly1305_ietf_decrypt(out, NULL, NULL, in, len, NULL, 0, nonce,
							 key)
		       ? -EBADMSG
		       : 0;
}
