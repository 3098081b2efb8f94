/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared bits of the BPF_PROG_TEST_RUN tests: loading without pinning,
 * running a program on a frame, and checking counter deltas.
 */
#ifndef WGX_TESTS_BPFTEST_H
#define WGX_TESTS_BPFTEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <net/ethernet.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "counters.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Room for any frame the tests build: a full-MTU data message fits, under XDP's page limit. */
#define BPFTEST_FRAME_MAX 2048

/* Frame builders: each writes one header at p and returns its length. */
static inline size_t frame_eth(uint8_t *p, uint16_t ethertype)
{
	struct ether_header eth = {
		.ether_dhost = { 0x02, 0, 0, 0, 0, 0x02 },
		.ether_shost = { 0x02, 0, 0, 0, 0, 0x01 },
		.ether_type = htons(ethertype),
	};

	memcpy(p, &eth, sizeof(eth));
	return sizeof(eth);
}

static inline uint16_t ipv4_checksum(const uint8_t *hdr, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i < len; i += 2)
		sum += (uint32_t)hdr[i] << 8 | hdr[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons(~sum & 0xffff);
}

/* opt_len bytes of NOP options (a multiple of 4, at most 40); frag_off in host order. */
static inline size_t frame_ipv4(uint8_t *p, uint8_t proto, const char *dst, size_t opt_len,
				uint16_t frag_off, size_t payload_len)
{
	struct iphdr iph = {
		.version = 4,
		.ihl = (sizeof(iph) + opt_len) / 4,
		.tot_len = htons(sizeof(iph) + opt_len + payload_len),
		.frag_off = htons(frag_off),
		.ttl = 64,
		.protocol = proto,
	};

	assert_int_equal(opt_len % 4, 0);
	assert_true(opt_len <= 40);
	assert_int_equal(inet_pton(AF_INET, "192.0.2.1", &iph.saddr), 1);
	assert_int_equal(inet_pton(AF_INET, dst, &iph.daddr), 1);
	memcpy(p, &iph, sizeof(iph));
	memset(p + sizeof(iph), 1 /* IPOPT_NOP */, opt_len);
	iph.check = ipv4_checksum(p, sizeof(iph) + opt_len);
	memcpy(p, &iph, sizeof(iph));
	return sizeof(iph) + opt_len;
}

static inline size_t frame_ipv6(uint8_t *p, uint8_t nexthdr, const char *dst, size_t payload_len)
{
	struct ip6_hdr ip6h = {
		.ip6_flow = htonl(6u << 28),
		.ip6_plen = htons(payload_len),
		.ip6_nxt = nexthdr,
		.ip6_hlim = 64,
	};

	assert_int_equal(inet_pton(AF_INET6, "2001:db8::1", &ip6h.ip6_src), 1);
	assert_int_equal(inet_pton(AF_INET6, dst, &ip6h.ip6_dst), 1);
	memcpy(p, &ip6h, sizeof(ip6h));
	return sizeof(ip6h);
}

/* libbpf's warnings go to stderr; its debug chatter is dropped. */
static inline int bpftest_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, args);
}

/*
 * The programs pin their maps by name for the daemon and the CLI; a test must
 * leave nothing under /sys/fs/bpf, so it clears every pin path before load.
 */
static inline void bpftest_unpin(struct bpf_object *obj)
{
	struct bpf_map *map;

	libbpf_set_print(bpftest_print);
	bpf_object__for_each_map(map, obj)
		assert_int_equal(bpf_map__set_pin_path(map, NULL), 0);
}

static inline void bpftest_assert_unpinned(const struct bpf_object *obj)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj)
		assert_false(bpf_map__is_pinned(map));
}

/* Runs prog once on frame (an Ethernet frame for XDP and tc alike); returns its verdict. */
static inline uint32_t bpftest_run(const struct bpf_program *prog, const void *frame,
				   size_t len)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = len);

	assert_int_equal(bpf_prog_test_run_opts(bpf_program__fd(prog), &opts), 0);
	return opts.retval;
}

static inline void bpftest_counters(const struct bpf_map *counters, uint64_t out[WGX_CNT_MAX])
{
	assert_int_equal(wgx_counters_read(bpf_map__fd(counters), out), 0);
}

/* Exactly one counter, `which`, moved, and by one. */
static inline void bpftest_assert_counted(const uint64_t before[WGX_CNT_MAX],
					  const uint64_t after[WGX_CNT_MAX],
					  enum wgx_counter which)
{
	int i;

	for (i = 0; i < WGX_CNT_MAX; i++) {
		uint64_t want = before[i] + (i == (int)which);

		if (after[i] != want)
			fail_msg("counter %s: %llu, expected %llu (wanted +1 on %s)",
				 wgx_counter_name(i), (unsigned long long)after[i],
				 (unsigned long long)want, wgx_counter_name(which));
	}
}

/* Every counter has a name for `wg-xdp show --stats`. */
static inline void bpftest_counter_names(void **state)
{
	int i;

	for (i = 0; i < WGX_CNT_MAX; i++)
		assert_string_not_equal(wgx_counter_name(i), "unknown");
	assert_string_equal(wgx_counter_name(WGX_CNT_MAX), "unknown");
}

#endif
