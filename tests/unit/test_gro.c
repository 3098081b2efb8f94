// SPDX-License-Identifier: GPL-2.0
/* Receive-side coalescing: segments cut by offload.c merge back into their super-packet. */
#include <arpa/inet.h>
#include <stdlib.h>

#include "gro.h"
#include "offload.h"
#include "unit.h"

#define PAYLOAD 6000
#define MSS 1380
#define SEGS ((PAYLOAD + MSS - 1) / MSS)

static uint8_t super[65536];
static uint8_t bufs[WGX_GRO_MAX_ITEMS][65536];

static size_t build_super(bool v6, uint16_t sport)
{
	size_t ip = v6 ? 40 : 20, i;

	memset(super, 0, ip + 32);
	if (v6) {
		super[0] = 0x60, super[6] = 6, super[7] = 64;
		inet_pton(AF_INET6, "fd99::2", super + 8);
		inet_pton(AF_INET6, "fd99::1", super + 24);
	} else {
		super[0] = 0x45, super[8] = 64, super[9] = 6;
		inet_pton(AF_INET, "10.99.0.2", super + 12);
		inet_pton(AF_INET, "10.99.0.1", super + 16);
	}
	super[ip] = (uint8_t)(sport >> 8), super[ip + 1] = (uint8_t)sport;
	super[ip + 3] = 80;
	super[ip + 4] = 0x10, super[ip + 11] = 7;	/* seq, ack */
	super[ip + 12] = 8 << 4;			/* 12 bytes of options: timestamps */
	super[ip + 13] = 0x18;				/* ACK|PSH: PSH ends up on the last */
	super[ip + 14] = 0x01;
	super[ip + 20] = 1, super[ip + 21] = 1, super[ip + 22] = 8, super[ip + 23] = 10;
	for (i = 0; i < PAYLOAD; i++)
		super[ip + 32 + i] = (uint8_t)(i * 13 + sport);
	return ip + 32 + PAYLOAD;
}

/* Cuts the super-packet into bufs[first..], as the sender's offload.c would. */
static unsigned int cut(bool v6, size_t len, unsigned int first, size_t *lens)
{
	struct virtio_net_hdr h = { .gso_type = v6 ? VIRTIO_NET_HDR_GSO_TCPV6
						   : VIRTIO_NET_HDR_GSO_TCPV4,
				    .gso_size = MSS };
	struct wgx_gso g;
	unsigned int k;

	assert_int_equal(wgx_gso_init(&g, &h, super, len), SEGS);
	for (k = 0; k < g.segments; k++)
		lens[first + k] = wgx_gso_segment(&g, k, bufs[first + k]);
	return g.segments;
}

/* The finished super-packet, checksum completed as the stack would, is the original. */
static void check_merged(struct wgx_gro_item *it, bool v6, size_t len)
{
	struct virtio_net_hdr h;
	size_t ip = v6 ? 40 : 20;

	wgx_gro_finish(it, &h);
	assert_int_equal(it->merged, SEGS - 1);
	assert_int_equal(it->len, len);
	assert_int_equal(h.gso_type, v6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4);
	assert_int_equal(h.gso_size, MSS);
	assert_int_equal(h.hdr_len, ip + 32);
	assert_int_equal(h.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	assert_int_equal(wgx_csum_complete(&h, it->buf, it->len), 0);
	/* IP header checksums differ only if the original had none: compare the rest. */
	assert_memory_equal(it->buf + ip, super + ip, 16);
	assert_memory_equal(it->buf + ip + 18, super + ip + 18, len - ip - 18);
	assert_int_equal(it->buf[ip + 13], 0x18);
}

static void merge_in_order(bool v6)
{
	size_t lens[WGX_GRO_MAX_ITEMS], len = build_super(v6, 1000);
	unsigned int n = cut(v6, len, 0, lens), k;
	struct wgx_gro g;

	wgx_gro_reset(&g);
	for (k = 0; k < n; k++)
		assert_int_equal(wgx_gro_add(&g, bufs[k], lens[k], sizeof(bufs[k])), k == 0);
	assert_int_equal(g.count, 1);
	check_merged(&g.items[0], v6, len);
}

static void test_merge_v4(void **state)
{
	merge_in_order(false);
}

static void test_merge_v6(void **state)
{
	merge_in_order(true);
}

static void test_two_flows_interleaved(void **state)
{
	size_t lens[WGX_GRO_MAX_ITEMS], len_a, len_b;
	unsigned int k;
	struct wgx_gro g;

	len_b = build_super(false, 2000);
	cut(false, len_b, SEGS, lens);
	len_a = build_super(false, 1000);
	cut(false, len_a, 0, lens);
	wgx_gro_reset(&g);
	for (k = 0; k < SEGS; k++) {
		wgx_gro_add(&g, bufs[k], lens[k], sizeof(bufs[k]));
		wgx_gro_add(&g, bufs[SEGS + k], lens[SEGS + k], sizeof(bufs[k]));
	}
	assert_int_equal(g.count, 2);
	check_merged(&g.items[0], false, len_a);	/* super now holds flow A */
	assert_int_equal(g.items[1].merged, SEGS - 1);
}

static void test_not_merged(void **state)
{
	size_t lens[WGX_GRO_MAX_ITEMS], len = build_super(false, 1000);
	struct wgx_gro g;

	cut(false, len, 0, lens);
	/* Out of order: segment 1 first, then 0, then 2 (which extends 1). */
	wgx_gro_reset(&g);
	assert_true(wgx_gro_add(&g, bufs[1], lens[1], sizeof(bufs[1])));
	assert_true(wgx_gro_add(&g, bufs[0], lens[0], sizeof(bufs[0])));
	assert_false(wgx_gro_add(&g, bufs[2], lens[2], sizeof(bufs[2])));
	assert_int_equal(g.count, 2);
	/* A corrupted segment is written alone, never merged. */
	cut(false, len, 0, lens);
	bufs[1][60] ^= 1;
	wgx_gro_reset(&g);
	wgx_gro_add(&g, bufs[0], lens[0], sizeof(bufs[0]));
	assert_true(wgx_gro_add(&g, bufs[1], lens[1], sizeof(bufs[1])));
	assert_int_equal(g.items[1].ip_len, 0);
	/* A different ACK number is another flow. */
	cut(false, len, 0, lens);
	bufs[1][20 + 11] = 8;
	bufs[1][20 + 16] = 0, bufs[1][20 + 17] = 0;
	{
		struct virtio_net_hdr h = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM, .csum_start = 20,
					    .csum_offset = 16 };
		uint64_t ps = wgx_csum_add(0, bufs[1] + 12, 8) + 6 + (lens[1] - 20);

		bufs[1][36] = (uint8_t)(wgx_csum_fold(ps) >> 8), bufs[1][37] = (uint8_t)wgx_csum_fold(ps);
		assert_int_equal(wgx_csum_complete(&h, bufs[1], lens[1]), 0);
	}
	wgx_gro_reset(&g);
	wgx_gro_add(&g, bufs[0], lens[0], sizeof(bufs[0]));
	assert_true(wgx_gro_add(&g, bufs[1], lens[1], sizeof(bufs[1])));
	assert_int_equal(g.count, 2);
	assert_int_not_equal(g.items[1].ip_len, 0);
}

static void test_non_tcp_passes_through(void **state)
{
	static uint8_t udp[100] = { 0x45, 0, 0, 100, 0, 0, 0, 0, 64, 17 };
	struct virtio_net_hdr h;
	struct wgx_gro g;

	wgx_gro_reset(&g);
	assert_true(wgx_gro_add(&g, udp, sizeof(udp), sizeof(udp)));
	assert_true(wgx_gro_add(&g, udp, sizeof(udp), sizeof(udp)));
	assert_int_equal(g.count, 2);
	wgx_gro_finish(&g.items[0], &h);
	assert_int_equal(h.flags, VIRTIO_NET_HDR_F_DATA_VALID);
	assert_int_equal(h.gso_type, VIRTIO_NET_HDR_GSO_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge_v4),
		cmocka_unit_test(test_merge_v6),
		cmocka_unit_test(test_two_flows_interleaved),
		cmocka_unit_test(test_not_merged),
		cmocka_unit_test(test_non_tcp_passes_through),
	};

	return cmocka_run_group_tests_name("gro", tests, NULL, NULL);
}
