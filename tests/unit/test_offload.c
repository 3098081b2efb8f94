// SPDX-License-Identifier: GPL-2.0
/* TCP segmentation and checksum completion for TUN offloads. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>

#include "offload.h"
#include "unit.h"

#define PAYLOAD 5000
#define MSS 1380

/* Independent check: a valid checksum makes the one's-complement sum 0xffff. */
static uint16_t naive_sum(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i < len; i++)
		sum += (i & 1) ? p[i] : (uint32_t)p[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static uint32_t pseudo(const uint8_t *ip, bool v6, size_t tcp_len)
{
	uint32_t sum = naive_sum(v6 ? ip + 8 : ip + 12, v6 ? 32 : 8, 0);

	return sum + 6 + (uint32_t)tcp_len;
}

static size_t build_super(uint8_t *pkt, bool v6, uint8_t flags)
{
	size_t ip = v6 ? 40 : 20, len = ip + 20 + PAYLOAD, i;

	memset(pkt, 0, ip + 20);
	if (v6) {
		pkt[0] = 0x60, pkt[6] = 6, pkt[7] = 64;
		inet_pton(AF_INET6, "fd99::1", pkt + 8);
		inet_pton(AF_INET6, "fd99::2", pkt + 24);
	} else {
		pkt[0] = 0x45, pkt[4] = 0x12, pkt[5] = 0x34, pkt[8] = 64, pkt[9] = 6;
		inet_pton(AF_INET, "10.99.0.1", pkt + 12);
		inet_pton(AF_INET, "10.99.0.2", pkt + 16);
	}
	pkt[ip + 4] = 0xff, pkt[ip + 5] = 0xff, pkt[ip + 6] = 0xfa, pkt[ip + 7] = 0x00; /* seq wraps */
	pkt[ip + 12] = 5 << 4;
	pkt[ip + 13] = flags;
	for (i = 0; i < PAYLOAD; i++)
		pkt[ip + 20 + i] = (uint8_t)(i * 31 + 7);
	return len;
}

static void check_segments(bool v6)
{
	static uint8_t pkt[65536], seg[2048], joined[PAYLOAD];
	struct virtio_net_hdr h = { .gso_type = v6 ? VIRTIO_NET_HDR_GSO_TCPV6
						   : VIRTIO_NET_HDR_GSO_TCPV4,
				    .gso_size = MSS };
	size_t ip = v6 ? 40 : 20, len = build_super(pkt, v6, 0x80 | 0x18 | 0x01), got = 0;
	struct wgx_gso g;
	unsigned int k;

	assert_int_equal(wgx_gso_init(&g, &h, pkt, len), (PAYLOAD + MSS - 1) / MSS);
	for (k = 0; k < g.segments; k++) {
		size_t n = wgx_gso_segment(&g, k, seg), chunk = n - ip - 20;
		uint32_t seq = (uint32_t)seg[ip + 4] << 24 | (uint32_t)seg[ip + 5] << 16 |
			       (uint32_t)seg[ip + 6] << 8 | seg[ip + 7];

		assert_true(chunk <= MSS);
		assert_int_equal(seq, (uint32_t)(0xfffffa00u + got));
		if (v6) {
			assert_int_equal((seg[4] << 8 | seg[5]) + 40, n);
		} else {
			assert_int_equal(seg[2] << 8 | seg[3], n);
			assert_int_equal(seg[4] << 8 | seg[5], 0x1234 + k);
			assert_int_equal(naive_sum(seg, 20, 0), 0xffff);
		}
		assert_int_equal(naive_sum(seg + ip, n - ip, pseudo(seg, v6, n - ip)), 0xffff);
		/* CWR only on the first, FIN and PSH only on the last. */
		assert_int_equal(!!(seg[ip + 13] & 0x80), k == 0);
		assert_int_equal(!!(seg[ip + 13] & 0x09), k + 1 == g.segments);
		memcpy(joined + got, seg + ip + 20, chunk);
		got += chunk;
	}
	assert_int_equal(got, PAYLOAD);
	assert_memory_equal(joined, pkt + ip + 20, PAYLOAD);
}

static void test_segment_v4(void **state)
{
	check_segments(false);
}

static void test_segment_v6(void **state)
{
	check_segments(true);
}

static void test_gso_none_and_rejects(void **state)
{
	static uint8_t pkt[65536];
	struct virtio_net_hdr h = { .gso_type = VIRTIO_NET_HDR_GSO_NONE };
	size_t len = build_super(pkt, false, 0);
	struct wgx_gso g;

	assert_int_equal(wgx_gso_init(&g, &h, pkt, len), 1);
	h.gso_type = VIRTIO_NET_HDR_GSO_UDP;
	h.gso_size = MSS;
	assert_int_equal(wgx_gso_init(&g, &h, pkt, len), -EINVAL);
	/* TCPv6 type on an IPv4 packet, zero MSS, truncated headers. */
	h.gso_type = VIRTIO_NET_HDR_GSO_TCPV6;
	assert_int_equal(wgx_gso_init(&g, &h, pkt, len), -EINVAL);
	h.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	h.gso_size = 0;
	assert_int_equal(wgx_gso_init(&g, &h, pkt, len), -EINVAL);
	h.gso_size = MSS;
	assert_int_equal(wgx_gso_init(&g, &h, pkt, 30), -EINVAL);
	pkt[9] = 17;	/* not TCP */
	assert_int_equal(wgx_gso_init(&g, &h, pkt, len), -EINVAL);
}

static void test_csum_complete(void **state)
{
	static uint8_t pkt[65536];
	size_t len = build_super(pkt, false, 0x18);
	struct virtio_net_hdr h = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM, .csum_start = 20,
				    .csum_offset = 16 };
	uint16_t ps = naive_sum(pkt + 12, 8, 6 + (uint32_t)(len - 20));

	/* As the stack leaves it: the pseudo-header sum in the checksum field. */
	pkt[36] = (uint8_t)(ps >> 8), pkt[37] = (uint8_t)ps;
	assert_int_equal(wgx_csum_complete(&h, pkt, len), 0);
	assert_int_equal(naive_sum(pkt + 20, len - 20, pseudo(pkt, false, len - 20)), 0xffff);
	h.csum_start = (uint16_t)len;
	assert_int_equal(wgx_csum_complete(&h, pkt, len), -EINVAL);
	h.flags = 0;
	assert_int_equal(wgx_csum_complete(&h, pkt, len), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_segment_v4),
		cmocka_unit_test(test_segment_v6),
		cmocka_unit_test(test_gso_none_and_rejects),
		cmocka_unit_test(test_csum_complete),
	};

	return cmocka_run_group_tests_name("offload", tests, NULL, NULL);
}
