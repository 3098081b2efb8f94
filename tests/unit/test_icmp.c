// SPDX-License-Identifier: GPL-2.0
/* ICMP "unreachable" replies for packets the tunnel cannot carry, and when not to send one. */
#include <arpa/inet.h>

#include "offload.h"
#include "packet.h"
#include "unit.h"

static size_t build(uint8_t *p, bool v6, const char *src, const char *dst, uint8_t proto)
{
	memset(p, 0, 100);
	if (v6) {
		p[0] = 0x60, p[5] = 60, p[6] = proto, p[7] = 64;
		inet_pton(AF_INET6, src, p + 8);
		inet_pton(AF_INET6, dst, p + 24);
		p[40] = 128;	/* echo request, if ICMPv6 */
		return 100;
	}
	p[0] = 0x45, p[3] = 100, p[8] = 64, p[9] = proto;
	inet_pton(AF_INET, src, p + 12);
	inet_pton(AF_INET, dst, p + 16);
	p[20] = 8;		/* echo request, if ICMP */
	return 100;
}

static void test_unicast_v4(void **state)
{
	uint8_t pkt[100], out[1280];
	size_t n = wgx_icmp_unreachable(out, sizeof(out), pkt,
					build(pkt, false, "10.99.0.1", "10.99.0.9", 1));

	assert_int_equal(n, 28 + 100);
	assert_int_equal(out[9], 1);
	assert_memory_equal(out + 12, pkt + 16, 4);	/* from the unreachable destination */
	assert_memory_equal(out + 16, pkt + 12, 4);
	assert_int_equal(out[20], 3);
	assert_int_equal(out[21], 1);
	assert_int_equal(wgx_csum_fold(wgx_csum_add(0, out, 20)), 0xffff);
	assert_int_equal(wgx_csum_fold(wgx_csum_add(0, out + 20, n - 20)), 0xffff);
	assert_memory_equal(out + 28, pkt, 100);
}

static void test_unicast_v6(void **state)
{
	uint8_t pkt[100], out[1280];
	size_t n = wgx_icmp_unreachable(out, sizeof(out), pkt,
					build(pkt, true, "fd99::1", "fd99::9", 58));
	uint64_t sum;

	assert_int_equal(n, 48 + 100);
	assert_int_equal(out[40], 1);
	assert_int_equal(out[41], 3);
	sum = wgx_csum_add(0, out + 8, 32) + 58 + (n - 40);
	assert_int_equal(wgx_csum_fold(wgx_csum_add(sum, out + 40, n - 40)), 0xffff);
}

static void test_no_reply(void **state)
{
	uint8_t pkt[100], out[1280];

	/* Multicast and broadcast destinations, unspecified sources (RFC 1122 §3.2.2). */
	assert_int_equal(wgx_icmp_unreachable(out, sizeof(out), pkt,
					      build(pkt, false, "10.99.0.1", "224.0.0.1", 17)), 0);
	assert_int_equal(wgx_icmp_unreachable(out, sizeof(out), pkt,
					      build(pkt, false, "10.99.0.1", "255.255.255.255", 17)),
			 0);
	assert_int_equal(wgx_icmp_unreachable(out, sizeof(out), pkt,
					      build(pkt, false, "0.0.0.0", "10.99.0.9", 17)), 0);
	assert_int_equal(wgx_icmp_unreachable(out, sizeof(out), pkt,
					      build(pkt, true, "fd99::1", "ff02::1", 17)), 0);
	assert_int_equal(wgx_icmp_unreachable(out, sizeof(out), pkt,
					      build(pkt, true, "::", "fd99::9", 17)), 0);
	/* Never an error about an error. */
	build(pkt, false, "10.99.0.1", "10.99.0.9", 1);
	pkt[20] = 3;
	assert_int_equal(wgx_icmp_unreachable(out, sizeof(out), pkt, 100), 0);
	build(pkt, true, "fd99::1", "fd99::9", 58);
	pkt[40] = 1;
	assert_int_equal(wgx_icmp_unreachable(out, sizeof(out), pkt, 100), 0);
	/* Not about a non-first fragment. */
	build(pkt, false, "10.99.0.1", "10.99.0.9", 17);
	pkt[7] = 8;
	assert_int_equal(wgx_icmp_unreachable(out, sizeof(out), pkt, 100), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unicast_v4),
		cmocka_unit_test(test_unicast_v6),
		cmocka_unit_test(test_no_reply),
	};

	return cmocka_run_group_tests_name("icmp", tests, NULL, NULL);
}
