/* SPDX-License-Identifier: GPL-2.0 */
/* Shared bits of the cmocka unit tests. */
#ifndef WGX_TESTS_UNIT_H
#define WGX_TESTS_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

/* Decodes a hex literal of a known-answer vector; fails the test on bad input. */
static inline void unhex(uint8_t *out, size_t len, const char *hex)
{
	size_t i;

	assert_int_equal(strlen(hex), 2 * len);
	for (i = 0; i < len; i++) {
		unsigned int byte;

		assert_int_equal(sscanf(hex + 2 * i, "%2x", &byte), 1);
		out[i] = (uint8_t)byte;
	}
}

#define assert_hex_equal(bytes, hex)                                      \
	do {                                                              \
		uint8_t expect_[sizeof(bytes)];                           \
		unhex(expect_, sizeof(expect_), hex);                     \
		assert_memory_equal(bytes, expect_, sizeof(expect_));     \
	} while (0)

#endif
