// SPDX-License-Identifier: GPL-2.0
/* The two AEAD backends compute the same function: byte-identical output, cross-opening. */
#include <errno.h>
#include <sodium.h>
#include <stdlib.h>

#include "aead.h"
#include "unit.h"

static const size_t sizes[] = { 0, 1, 15, 16, 63, 64, 1023, 1024, 1420, 1500, 8192, 65000 };

static void test_backends_agree(void **state)
{
	static uint8_t a[65536], b[65536], plain[65536], out[65536];
	uint8_t key[WGX_KEY_LEN];
	size_t i;

	randombytes_buf(key, sizeof(key));
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t len = sizes[i];
		uint64_t counter = 0x0102030405060708ULL + i;

		randombytes_buf(plain, len);
		memcpy(a, plain, len);
		memcpy(b, plain, len);
		assert_int_equal(wgx_aead_seal(WGX_AEAD_SODIUM, a, len, key, counter), 0);
		assert_int_equal(wgx_aead_seal(WGX_AEAD_OPENSSL, b, len, key, counter), 0);
		assert_memory_equal(a, b, len + WGX_AEAD_TAG_LEN);
		/* What one seals, the other opens; AUTO too. */
		assert_int_equal(wgx_aead_open(WGX_AEAD_OPENSSL, out, a, len + 16, key, counter), 0);
		assert_memory_equal(out, plain, len);
		assert_int_equal(wgx_aead_open(WGX_AEAD_SODIUM, out, b, len + 16, key, counter), 0);
		assert_memory_equal(out, plain, len);
		assert_int_equal(wgx_aead_open(WGX_AEAD_AUTO, out, b, len + 16, key, counter), 0);
		/* The counter is part of the nonce. */
		assert_int_equal(wgx_aead_open(WGX_AEAD_OPENSSL, out, a, len + 16, key, counter + 1),
				 -EBADMSG);
		assert_int_equal(wgx_aead_open(WGX_AEAD_SODIUM, out, a, len + 16, key, counter + 1),
				 -EBADMSG);
	}
}

static void test_tampering_rejected(void **state)
{
	static uint8_t buf[2048], out[2048];
	uint8_t key[WGX_KEY_LEN];
	enum wgx_aead_backend b;
	size_t i;

	randombytes_buf(key, sizeof(key));
	for (b = WGX_AEAD_SODIUM; b <= WGX_AEAD_OPENSSL; b++) {
		memset(buf, 0x5a, 1420);
		assert_int_equal(wgx_aead_seal(b, buf, 1420, key, 7), 0);
		for (i = 0; i < 1420 + 16; i += 97) {
			buf[i] ^= 1;
			memset(out, 0x77, sizeof(out));
			assert_int_equal(wgx_aead_open(b, out, buf, 1420 + 16, key, 7), -EBADMSG);
			buf[i] ^= 1;
		}
		/* No unauthenticated plaintext is left behind by OpenSSL's streaming decrypt. */
		if (b == WGX_AEAD_OPENSSL)
			assert_true(sodium_is_zero(out, 1420));
		assert_int_equal(wgx_aead_open(b, out, buf, 15, key, 7), -EBADMSG);
		assert_int_equal(wgx_aead_open(b, out, buf, 1420 + 16, key, 7), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backends_agree),
		cmocka_unit_test(test_tampering_rejected),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("aead", tests, NULL, NULL);
}
