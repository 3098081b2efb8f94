// SPDX-License-Identifier: GPL-2.0
/*
 * wgx_egress under BPF_PROG_TEST_RUN. On the TUN device the program sees bare
 * IP packets, but test_run always parses data_in as an Ethernet frame (it sets
 * skb->protocol from bytes 12-13 and the network header at byte 14), so every
 * packet here carries a dummy Ethernet header; the program reads the IP header
 * at the network header and is correct in both cases (see bpf/wgx_egress.bpf.c).
 * Needs root; pins nothing.
 */
#include <stdbool.h>

#include <netinet/in.h>

#include <linux/pkt_cls.h>

#include "bpftest.h"
#include "wgx_egress.skel.h"

struct fixture {
	const char *name;
	uint16_t ethertype;	/* ETHERTYPE_IP, ETHERTYPE_IPV6, or other: zeros follow */
	uint8_t version;	/* IP version nibble written, if it should lie; 0 = honest */
	const char *dst;
	uint32_t action;
	enum wgx_counter counter;
};

/* The allowed-IPs of the tests: prefix -> peer id. */
static const struct route {
	const char *prefix;
	uint32_t prefixlen;
	uint32_t peer_id;
} routes[] = {
	{ "10.0.0.0", 8, 1 },
	{ "10.1.2.3", 32, 2 },
	{ "fd00::", 64, 3 },
	{ "fd00::1", 128, 4 },
};

/* Default routes, added only by test_default_routes. */
static const struct route default_routes[] = {
	{ "0.0.0.0", 0, 5 },
	{ "::", 0, 6 },
};

#define ETH_LEN 14

static struct fixture fixtures[] = {
	{ "ipv4_hit_slash8", ETHERTYPE_IP, 0, "10.9.9.9", TC_ACT_OK, WGX_CNT_TX_PEER },
	{ "ipv4_hit_slash32", ETHERTYPE_IP, 0, "10.1.2.3", TC_ACT_OK, WGX_CNT_TX_PEER },
	{ "ipv4_miss", ETHERTYPE_IP, 0, "192.0.2.7", TC_ACT_SHOT, WGX_CNT_TX_NO_PEER },
	{ "ipv4_miss_next_to_slash8", ETHERTYPE_IP, 0, "11.0.0.1", TC_ACT_SHOT,
	  WGX_CNT_TX_NO_PEER },
	{ "ipv6_hit_slash64", ETHERTYPE_IPV6, 0, "fd00::2", TC_ACT_OK, WGX_CNT_TX_PEER },
	{ "ipv6_hit_slash128", ETHERTYPE_IPV6, 0, "fd00::1", TC_ACT_OK, WGX_CNT_TX_PEER },
	{ "ipv6_miss", ETHERTYPE_IPV6, 0, "fd01::1", TC_ACT_SHOT, WGX_CNT_TX_NO_PEER },
	{ "arp", ETHERTYPE_ARP, 0, NULL, TC_ACT_SHOT, WGX_CNT_TX_NOT_IP },
	/*
	 * A cut IP header cannot be tested here: test_run refuses (EINVAL) an
	 * IPv4 frame under 14 + 20 bytes and an IPv6 one under 14 + 40 (measured
	 * on 6.18). The program still checks: the header load fails -> tx_not_ip.
	 */
	{ "ipv4_protocol_version_6", ETHERTYPE_IP, 6, "10.1.2.3", TC_ACT_SHOT,
	  WGX_CNT_TX_NOT_IP },
	{ "ipv6_protocol_version_4", ETHERTYPE_IPV6, 4, "fd00::1", TC_ACT_SHOT,
	  WGX_CNT_TX_NOT_IP },
};

static struct wgx_egress *skel;

/* Ethernet + IP header + 32 bytes of payload. */
static size_t build_frame(uint8_t *frame, const struct fixture *f)
{
	size_t len = frame_eth(frame, f->ethertype);
	const size_t payload = 32;

	if (f->ethertype == ETHERTYPE_IP)
		len += frame_ipv4(frame + len, IPPROTO_UDP, f->dst, 0, 0, payload);
	else if (f->ethertype == ETHERTYPE_IPV6)
		len += frame_ipv6(frame + len, IPPROTO_UDP, f->dst, payload);
	if (f->version)
		frame[ETH_LEN] = (frame[ETH_LEN] & 0x0f) | f->version << 4;
	memset(frame + len, 0x5a, payload);
	return len + payload;
}

static void run_fixture(const struct fixture *f)
{
	uint64_t before[WGX_CNT_MAX], after[WGX_CNT_MAX];
	uint8_t frame[BPFTEST_FRAME_MAX];
	size_t len = build_frame(frame, f);

	bpftest_counters(skel->maps.wgx_counters, before);
	assert_int_equal(bpftest_run(skel->progs.wgx_egress, frame, len), f->action);
	bpftest_counters(skel->maps.wgx_counters, after);
	bpftest_assert_counted(before, after, f->counter);
}

static void test_fixture(void **state)
{
	run_fixture(*state);
}

static int lookup_v4(const char *addr, uint32_t *peer_id)
{
	struct wgx_lpm_v4 key = { .prefixlen = 32 };
	struct wgx_allowedip_value value;

	assert_int_equal(inet_pton(AF_INET, addr, key.addr), 1);
	if (bpf_map__lookup_elem(skel->maps.wgx_allowedips_v4, &key, sizeof(key), &value,
				 sizeof(value), 0))
		return -1;
	*peer_id = value.peer_id;
	return 0;
}

static int lookup_v6(const char *addr, uint32_t *peer_id)
{
	struct wgx_lpm_v6 key = { .prefixlen = 128 };
	struct wgx_allowedip_value value;

	assert_int_equal(inet_pton(AF_INET6, addr, key.addr), 1);
	if (bpf_map__lookup_elem(skel->maps.wgx_allowedips_v6, &key, sizeof(key), &value,
				 sizeof(value), 0))
		return -1;
	*peer_id = value.peer_id;
	return 0;
}

/* Adds (or removes) one allowed-IP in the trie of its family. */
static void update_route(const struct route *r, bool add)
{
	struct wgx_allowedip_value value = { .peer_id = r->peer_id };
	struct wgx_lpm_v4 key4 = { .prefixlen = r->prefixlen };
	struct wgx_lpm_v6 key6 = { .prefixlen = r->prefixlen };
	struct bpf_map *map = skel->maps.wgx_allowedips_v4;
	void *key = &key4;
	size_t key_len = sizeof(key4);

	if (inet_pton(AF_INET, r->prefix, key4.addr) != 1) {
		assert_int_equal(inet_pton(AF_INET6, r->prefix, key6.addr), 1);
		map = skel->maps.wgx_allowedips_v6;
		key = &key6;
		key_len = sizeof(key6);
	}
	if (add)
		assert_int_equal(bpf_map__update_elem(map, key, key_len, &value, sizeof(value),
						      BPF_NOEXIST), 0);
	else
		assert_int_equal(bpf_map__delete_elem(map, key, key_len, 0), 0);
}

/*
 * The program does not tag packets with the peer yet, so which peer a hit
 * found is checked by the same full-length lookup from userspace.
 */
static void test_longest_prefix(void **state)
{
	uint32_t peer_id = 0;

	assert_int_equal(lookup_v4("10.1.2.3", &peer_id), 0);
	assert_int_equal(peer_id, 2);
	assert_int_equal(lookup_v4("10.1.2.4", &peer_id), 0);
	assert_int_equal(peer_id, 1);
	assert_int_equal(lookup_v4("11.1.2.3", &peer_id), -1);
	assert_int_equal(lookup_v6("fd00::1", &peer_id), 0);
	assert_int_equal(peer_id, 4);
	assert_int_equal(lookup_v6("fd00::1:0:0:1", &peer_id), 0);
	assert_int_equal(peer_id, 3);
	assert_int_equal(lookup_v6("fd01::1", &peer_id), -1);
}

/* Removing the /32 leaves its address to the /8, in the program as in the map. */
static void test_remove_more_specific(void **state)
{
	const struct fixture to_host = { "to_host", ETHERTYPE_IP, 0, "10.1.2.3", TC_ACT_OK,
					 WGX_CNT_TX_PEER };
	struct wgx_lpm_v4 key = { .prefixlen = 32, .addr = { 10, 1, 2, 3 } };
	uint32_t peer_id = 0;

	assert_int_equal(bpf_map__delete_elem(skel->maps.wgx_allowedips_v4, &key, sizeof(key), 0),
			 0);
	assert_int_equal(lookup_v4("10.1.2.3", &peer_id), 0);
	assert_int_equal(peer_id, 1);
	run_fixture(&to_host);
	update_route(&routes[1], true);
}

/* A /0 (wg's AllowedIPs = 0.0.0.0/0, ::/0) catches every miss, and only misses. */
static void test_default_routes(void **state)
{
	const struct fixture to_v4 = { "to_v4", ETHERTYPE_IP, 0, "192.0.2.7", TC_ACT_OK,
				       WGX_CNT_TX_PEER };
	const struct fixture to_v6 = { "to_v6", ETHERTYPE_IPV6, 0, "fd01::1", TC_ACT_OK,
				       WGX_CNT_TX_PEER };
	uint32_t peer_id = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(default_routes); i++)
		update_route(&default_routes[i], true);
	run_fixture(&to_v4);
	run_fixture(&to_v6);
	assert_int_equal(lookup_v4("192.0.2.7", &peer_id), 0);
	assert_int_equal(peer_id, 5);
	assert_int_equal(lookup_v4("10.1.2.3", &peer_id), 0);
	assert_int_equal(peer_id, 2);
	assert_int_equal(lookup_v6("fd01::1", &peer_id), 0);
	assert_int_equal(peer_id, 6);
	assert_int_equal(lookup_v6("fd00::1", &peer_id), 0);
	assert_int_equal(peer_id, 4);
	for (i = 0; i < ARRAY_SIZE(default_routes); i++)
		update_route(&default_routes[i], false);
}

static void test_nothing_pinned(void **state)
{
	bpftest_assert_unpinned(skel->obj);
}

static int setup(void **state)
{
	size_t i;

	skel = wgx_egress__open();
	assert_non_null(skel);
	bpftest_unpin(skel->obj);
	assert_int_equal(wgx_egress__load(skel), 0);
	printf("# wgx_egress: %zu instructions\n", bpf_program__insn_cnt(skel->progs.wgx_egress));

	for (i = 0; i < ARRAY_SIZE(routes); i++)
		update_route(&routes[i], true);
	return 0;
}

static int teardown(void **state)
{
	wgx_egress__destroy(skel);
	skel = NULL;
	return 0;
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(bpftest_counter_names),
		cmocka_unit_test(test_longest_prefix),
		cmocka_unit_test(test_remove_more_specific),
		cmocka_unit_test(test_default_routes),
		cmocka_unit_test(test_nothing_pinned),
	};
	struct CMUnitTest tests[ARRAY_SIZE(fixed) + ARRAY_SIZE(fixtures)];
	size_t i;

	memcpy(tests, fixed, sizeof(fixed));
	for (i = 0; i < ARRAY_SIZE(fixtures); i++)
		tests[ARRAY_SIZE(fixed) + i] = (struct CMUnitTest){
			.name = fixtures[i].name,
			.test_func = test_fixture,
			.initial_state = &fixtures[i],
		};
	return cmocka_run_group_tests_name("wgx_egress", tests, setup, teardown);
}
