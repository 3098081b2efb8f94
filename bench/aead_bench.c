// SPDX-License-Identifier: GPL-2.0
/*
 * Which library seals and opens data messages faster on this CPU:
 * libsodium's or OpenSSL's ChaCha20-Poly1305 (IETF, 96-bit nonce)? Prints
 * messages per second for both at each size, measured in the same run.
 *
 *   aead_bench [seconds per case]
 */
#include <openssl/evp.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void seal_sodium(uint8_t *buf, size_t len, const uint8_t *key, uint64_t n)
{
	uint8_t nonce[12] = { 0 };

	memcpy(nonce + 4, &n, 8);
	crypto_aead_chacha20poly1305_ietf_encrypt(buf, NULL, buf, len, NULL, 0, NULL, nonce, key);
}

static void seal_openssl(uint8_t *buf, size_t len, const uint8_t *key, uint64_t n)
{
	static EVP_CIPHER_CTX *ctx;
	uint8_t nonce[12] = { 0 };
	int out;

	if (!ctx) {
		ctx = EVP_CIPHER_CTX_new();
		EVP_EncryptInit_ex(ctx, EVP_chacha20_poly1305(), NULL, NULL, NULL);
	}
	memcpy(nonce + 4, &n, 8);
	EVP_EncryptInit_ex(ctx, NULL, NULL, key, nonce);
	EVP_EncryptUpdate(ctx, buf, &out, buf, (int)len);
	EVP_EncryptFinal_ex(ctx, buf + out, &out);
	EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, buf + len);
}

static double rate(void (*seal)(uint8_t *, size_t, const uint8_t *, uint64_t), size_t len,
		   double secs)
{
	static uint8_t buf[65536 + 16], key[32];
	double start = now_s(), elapsed;
	uint64_t n = 0;

	do {
		for (int i = 0; i < 1000; i++)
			seal(buf, len, key, n++);
		elapsed = now_s() - start;
	} while (elapsed < secs);
	return (double)n / elapsed;
}

int main(int argc, char *argv[])
{
	static const size_t sizes[] = { 64, 512, 1420, 8192 };
	double secs = argc > 1 ? atof(argv[1]) : 1.0;

	if (sodium_init() < 0)
		return 1;
	printf("| size (B) | libsodium (k msgs/s) | OpenSSL (k msgs/s) | OpenSSL / libsodium |\n");
	printf("|---|---|---|---|\n");
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		double s = rate(seal_sodium, sizes[i], secs), o = rate(seal_openssl, sizes[i], secs);

		printf("| %zu | %.0f | %.0f | %.2f× |\n", sizes[i], s / 1e3, o / 1e3, o / s);
	}
	return 0;
}
