// SPDX-License-Identifier: GPL-2.0
/*
 * Known-answer tests for HASH/MAC/HMAC/HKDF and keys. The BLAKE2s vectors
 * are the reference ones; the HMAC and HKDF vectors were computed with
 * Python's hashlib/hmac, an implementation independent of ours; the X25519
 * vector is RFC 7748 §6.1.
 */
#include <errno.h>
#include <stdio.h>

#include "unit.h"

#include "hash.h"
#include "keys.h"

static void test_blake2s_reference(void **state)
{
	uint8_t out[WGX_HASH_LEN];

	wgx_hash2(out, NULL, 0, NULL, 0);
	assert_hex_equal(out, "69217a3079908094e11121d042354a7c1f55b6482ca1a51e1b250dfd1ed0eef9");
	wgx_hash2(out, "abc", 3, NULL, 0);
	assert_hex_equal(out, "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982");
	/* HASH(a || b) must not depend on where the split falls. */
	wgx_hash2(out, "a", 1, "bc", 2);
	assert_hex_equal(out, "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982");
}

static void test_mac_keyed_16(void **state)
{
	uint8_t key[WGX_KEY_LEN], in[64], out[WGX_MAC_LEN];
	size_t i;

	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)i;
	for (i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)i;
	wgx_mac(out, key, sizeof(key), "abc", 3);
	assert_hex_equal(out, "61ba5f165c194692e09d12520cc4c74a");
	wgx_mac(out, key, sizeof(key), in, sizeof(in));
	assert_hex_equal(out, "f1efa90d2547036841ecd3627fafbc36");
	/* MAC2 is keyed with a 16-byte cookie. */
	wgx_mac(out, key, WGX_COOKIE_LEN, "abc", 3);
	assert_hex_equal(out, "75296c2d2c0f51210b383f386bc8b1ff");
}

static void test_hmac(void **state)
{
	uint8_t key[100], out[WGX_HASH_LEN];
	size_t i;

	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)i;
	wgx_hmac(out, key, 32, "abc", 3);
	assert_hex_equal(out, "82623be5bc0a391b24dce53e67d028eff92d586de0485ac37822e597d049c74f");
	/* Keys longer than a block are hashed first (RFC 2104). */
	wgx_hmac(out, key, sizeof(key), "abc", 3);
	assert_hex_equal(out, "c1b751501db12b753069a918627b623179be55c8cc7ca5c4e14bdf32274ac656");
}

static void test_kdf(void **state)
{
	uint8_t ck[WGX_HASH_LEN], in[32], t1[32], t2[32], t3[32];
	size_t i;

	wgx_hash2(ck, "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s", 37, NULL, 0);
	assert_hex_equal(ck, "60e26daef327efc02ec335e2a025d2d016eb4206f87277f52d38d1988b78cd36");
	for (i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(32 + i);
	wgx_kdf(t1, t2, t3, ck, in, sizeof(in));
	assert_hex_equal(t1, "a1bb5656571db2bfe717e0e0148b7c3d3e5270adf9392b07cd20fe3d461094bd");
	assert_hex_equal(t2, "0349d890ad1d9ebbf0f4775178115686d2d91c13baf7941534c73d193ee4503d");
	assert_hex_equal(t3, "20524b5a0058dc9994bc93028b6b30007b1e270bffa55ac5dc9a890abef958e7");
	/* Transport key derivation uses an empty input. */
	wgx_kdf(t1, t2, NULL, ck, NULL, 0);
	assert_hex_equal(t1, "bd968725a9177942a8c2e4253d1dde31cf7b19ec001b4a3a3d141cd9d998d3ba");
	assert_hex_equal(t2, "aab5462b323780fa615bf80ffe469510239ff361575a663968e686a7ae41d693");
	/* Output may alias the chaining key, as mix_key does. */
	wgx_kdf(ck, NULL, NULL, ck, NULL, 0);
	assert_hex_equal(ck, "bd968725a9177942a8c2e4253d1dde31cf7b19ec001b4a3a3d141cd9d998d3ba");
}

static void test_x25519_rfc7748(void **state)
{
	wgx_key priv, pub, decoded;
	wgx_key_b64 b64;

	assert_int_equal(wgx_key_from_base64(priv, "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo="), 0);
	assert_hex_equal(priv, "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
	assert_int_equal(wgx_key_public_from_private(pub, priv), 0);
	assert_hex_equal(pub, "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
	wgx_key_to_base64(b64, pub);
	assert_string_equal(b64, "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=");
	assert_int_equal(wgx_key_from_base64(decoded, b64), 0);
	assert_true(wgx_key_equal(decoded, pub));
}

static void test_base64_rejects(void **state)
{
	static const char *const bad[] = {
		"",
		"hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo",	/* no padding */
		"hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo==", /* too long */
		"hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmp=",	/* non-canonical last bits */
		"hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066Spjqqb!mo=",	/* bad character */
		"hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo=",	/* url-safe alphabet */
	};
	wgx_key k;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(wgx_key_from_base64(k, bad[i]), -EINVAL);
	assert_int_equal(wgx_key_from_base64(k, NULL), -EINVAL);
}

static void test_hex_keys(void **state)
{
	const char *hex = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
	char out[2 * WGX_KEY_LEN + 1];
	wgx_key k;

	assert_int_equal(wgx_key_from_hex(k, hex), 0);
	wgx_key_to_hex(out, k);
	assert_string_equal(out, hex);
	assert_int_equal(wgx_key_from_hex(k, "8520"), -EINVAL);
	assert_int_equal(wgx_key_from_hex(k, "x520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"),
			 -EINVAL);
}

static void test_generate_and_clamp(void **state)
{
	wgx_key a, b, pa, pb;

	wgx_key_generate_private(a);
	wgx_key_generate_private(b);
	assert_false(wgx_key_equal(a, b));
	assert_int_equal(a[0] & 7, 0);
	assert_int_equal(a[31] & 0xc0, 0x40);
	assert_int_equal(wgx_key_public_from_private(pa, a), 0);
	assert_int_equal(wgx_key_public_from_private(pb, b), 0);
	assert_false(wgx_key_equal(pa, pb));
	assert_false(wgx_key_is_zero(pa));
	memset(a, 0, sizeof(a));
	assert_true(wgx_key_is_zero(a));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blake2s_reference),
		cmocka_unit_test(test_mac_keyed_16),
		cmocka_unit_test(test_hmac),
		cmocka_unit_test(test_kdf),
		cmocka_unit_test(test_x25519_rfc7748),
		cmocka_unit_test(test_base64_rejects),
		cmocka_unit_test(test_hex_keys),
		cmocka_unit_test(test_generate_and_clamp),
	};

	if (wgx_crypto_init())
		return 1;
	return cmocka_run_group_tests_name("crypto", tests, NULL, NULL);
}
