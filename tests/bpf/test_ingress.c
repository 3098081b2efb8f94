// SPDX-License-Identifier: GPL-2.0
/*
 * wgx_ingress under BPF_PROG_TEST_RUN: one fixture per verdict and drop
 * reason. Each fixture describes a frame, the XDP action expected and the one
 * counter that must move. Needs root (CAP_BPF + CAP_NET_ADMIN); pins nothing.
 */
#include <endian.h>
#include <netinet/udp.h>

#include "bpftest.h"
#include "wgx/messages.h"
#include "wgx_ingress.skel.h"

/* Fixtures start from a base (V4, INITIATION, ...) and override single fields. */
#pragma GCC diagnostic ignored "-Woverride-init"

#define WG_PORT 51820
#define V4_DST "198.51.100.1"
#define V6_DST "2001:db8::2"
#define KNOWN_INDEX 0x11223344u
#define UNKNOWN_INDEX 0x55667788u

/* What a fixture's frame looks like; zero fields take the obvious default. */
struct frame_spec {
	uint16_t ethertype;	/* ETHERTYPE_IP, ETHERTYPE_IPV6, or other: zeros follow */
	uint8_t l4;		/* IP protocol / next header; a UDP-shaped header follows */
	uint8_t ip_opts;	/* IPv4 option bytes */
	uint16_t frag_off;	/* IPv4 flags and fragment offset, host order */
	uint16_t dport;
	uint8_t type;		/* WireGuard message header */
	uint8_t reserved;	/* first reserved byte */
	uint16_t msg_len;	/* UDP payload length */
	uint32_t index;		/* receiver index of a data message */
	uint16_t udp_len;	/* UDP length field if non-zero, else 8 + msg_len */
	uint16_t pad;		/* trailing bytes after the datagram (Ethernet padding) */
	uint16_t cut;		/* frame cut to this many bytes if non-zero */
};

struct fixture {
	const char *name;
	struct frame_spec frame;
	uint32_t action;
	enum wgx_counter counter;
};

#define V4 .ethertype = ETHERTYPE_IP, .l4 = IPPROTO_UDP, .dport = WG_PORT
#define V6 .ethertype = ETHERTYPE_IPV6, .l4 = IPPROTO_UDP, .dport = WG_PORT
#define INITIATION .type = WGX_MSG_HANDSHAKE_INITIATION, .msg_len = WGX_MSG_INITIATION_LEN
#define RESPONSE .type = WGX_MSG_HANDSHAKE_RESPONSE, .msg_len = WGX_MSG_RESPONSE_LEN
#define COOKIE .type = WGX_MSG_HANDSHAKE_COOKIE, .msg_len = WGX_MSG_COOKIE_LEN
#define DATA(idx, len) .type = WGX_MSG_DATA, .index = (idx), .msg_len = (len)

/* Offsets of the headers in an IPv4 frame without options. */
#define ETH_LEN 14
#define V4_UDP_OFF (ETH_LEN + 20)
#define V4_MSG_OFF (V4_UDP_OFF + 8)

static struct fixture fixtures[] = {
	/* Not ours: left to the stack. */
	{ "arp", { .ethertype = ETHERTYPE_ARP, .msg_len = 28 }, XDP_PASS, WGX_CNT_RX_NOT_WG },
	{ "ipv4_tcp_to_listen_port", { V4, .l4 = IPPROTO_TCP, INITIATION },
	  XDP_PASS, WGX_CNT_RX_NOT_WG },
	{ "ipv4_udp_other_port", { V4, .dport = 53, INITIATION }, XDP_PASS, WGX_CNT_RX_NOT_WG },
	{ "ipv6_udp_other_port", { V6, .dport = 53, DATA(KNOWN_INDEX, 64) },
	  XDP_PASS, WGX_CNT_RX_NOT_WG },
	{ "ipv4_fragment", { V4, .frag_off = 0x2000 /* MF */, INITIATION },
	  XDP_PASS, WGX_CNT_RX_NOT_WG },
	{ "ipv6_extension_header", { V6, .l4 = IPPROTO_HOPOPTS, INITIATION },
	  XDP_PASS, WGX_CNT_RX_NOT_WG },
	{ "cut_in_ipv4_header", { V4, INITIATION, .cut = ETH_LEN + 10 },
	  XDP_PASS, WGX_CNT_RX_NOT_WG },
	{ "cut_in_ipv4_options", { V4, .ip_opts = 8, INITIATION, .cut = ETH_LEN + 24 },
	  XDP_PASS, WGX_CNT_RX_NOT_WG },
	{ "cut_in_ipv6_header", { V6, INITIATION, .cut = ETH_LEN + 30 },
	  XDP_PASS, WGX_CNT_RX_NOT_WG },
	{ "cut_in_udp_header", { V4, INITIATION, .cut = V4_UDP_OFF + 4 },
	  XDP_PASS, WGX_CNT_RX_NOT_WG },

	/* Handshake messages: to the daemon's socket. */
	{ "ipv4_initiation", { V4, INITIATION }, XDP_PASS, WGX_CNT_RX_HANDSHAKE },
	{ "ipv4_response", { V4, RESPONSE }, XDP_PASS, WGX_CNT_RX_HANDSHAKE },
	{ "ipv4_cookie", { V4, COOKIE }, XDP_PASS, WGX_CNT_RX_HANDSHAKE },
	{ "ipv6_initiation", { V6, INITIATION }, XDP_PASS, WGX_CNT_RX_HANDSHAKE },
	{ "ipv6_response", { V6, RESPONSE }, XDP_PASS, WGX_CNT_RX_HANDSHAKE },
	{ "ipv6_cookie", { V6, COOKIE }, XDP_PASS, WGX_CNT_RX_HANDSHAKE },
	{ "ipv4_options_initiation", { V4, .ip_opts = 12, INITIATION },
	  XDP_PASS, WGX_CNT_RX_HANDSHAKE },
	{ "cookie_with_ethernet_padding", { V4, COOKIE, .pad = 24 },
	  XDP_PASS, WGX_CNT_RX_HANDSHAKE },

	/* Data with a known index: redirect to the XSK, PASS while none is bound. */
	{ "ipv4_data_known_index", { V4, DATA(KNOWN_INDEX, 128) }, XDP_PASS, WGX_CNT_RX_DATA },
	{ "ipv6_data_known_index", { V6, DATA(KNOWN_INDEX, 1440) }, XDP_PASS, WGX_CNT_RX_DATA },
	{ "ipv4_keepalive_known_index", { V4, DATA(KNOWN_INDEX, WGX_MSG_DATA_MIN_LEN) },
	  XDP_PASS, WGX_CNT_RX_DATA },
	{ "ipv4_max_options_data", { V4, .ip_opts = 40, DATA(KNOWN_INDEX, 64) },
	  XDP_PASS, WGX_CNT_RX_DATA },

	/* Wrong size for the type. */
	{ "initiation_147", { V4, INITIATION, .msg_len = 147 }, XDP_DROP, WGX_CNT_DROP_BAD_LENGTH },
	{ "initiation_149", { V4, INITIATION, .msg_len = 149 }, XDP_DROP, WGX_CNT_DROP_BAD_LENGTH },
	{ "ipv6_response_93", { V6, RESPONSE, .msg_len = 93 }, XDP_DROP, WGX_CNT_DROP_BAD_LENGTH },
	{ "cookie_63", { V4, COOKIE, .msg_len = 63 }, XDP_DROP, WGX_CNT_DROP_BAD_LENGTH },

	/* Bad header. */
	{ "type_5", { V4, .type = 5, .msg_len = 148 }, XDP_DROP, WGX_CNT_DROP_BAD_TYPE },
	{ "type_0", { V4, .type = 0, .msg_len = 64 }, XDP_DROP, WGX_CNT_DROP_BAD_TYPE },
	{ "initiation_reserved_nonzero", { V4, INITIATION, .reserved = 1 },
	  XDP_DROP, WGX_CNT_DROP_BAD_TYPE },
	{ "data_reserved_nonzero", { V6, DATA(KNOWN_INDEX, 64), .reserved = 0x80 },
	  XDP_DROP, WGX_CNT_DROP_BAD_TYPE },

	/* Too short for what it claims to be. */
	{ "data_31", { V4, DATA(KNOWN_INDEX, 31) }, XDP_DROP, WGX_CNT_DROP_TRUNCATED },
	{ "ipv6_data_16", { V6, DATA(KNOWN_INDEX, 16) }, XDP_DROP, WGX_CNT_DROP_TRUNCATED },
	{ "header_3_bytes", { V4, INITIATION, .msg_len = 3 }, XDP_DROP, WGX_CNT_DROP_TRUNCATED },
	{ "empty_datagram", { V4, .msg_len = 0 }, XDP_DROP, WGX_CNT_DROP_TRUNCATED },
	{ "udp_len_below_header", { V4, INITIATION, .udp_len = 4 },
	  XDP_DROP, WGX_CNT_DROP_TRUNCATED },
	{ "cut_in_message", { V4, INITIATION, .cut = V4_MSG_OFF + 100 },
	  XDP_DROP, WGX_CNT_DROP_TRUNCATED },

	/* Data for an index the daemon never issued. */
	{ "ipv4_data_unknown_index", { V4, DATA(UNKNOWN_INDEX, 64) },
	  XDP_DROP, WGX_CNT_DROP_UNKNOWN_INDEX },
	{ "ipv6_data_unknown_index", { V6, DATA(UNKNOWN_INDEX, 64) },
	  XDP_DROP, WGX_CNT_DROP_UNKNOWN_INDEX },
};

static struct wgx_ingress *skel;

/* WireGuard message: header, receiver index of data messages, filler. */
static size_t put_message(uint8_t *p, const struct frame_spec *s)
{
	struct wgx_msg_header hdr = { .type = s->type, .reserved_zero = { s->reserved } };
	uint32_t index = htole32(s->index);

	memset(p, 0xa5, s->msg_len);
	memcpy(p, &hdr, s->msg_len < sizeof(hdr) ? s->msg_len : sizeof(hdr));
	if (s->type == WGX_MSG_DATA && s->msg_len >= offsetof(struct wgx_msg_data, counter))
		memcpy(p + offsetof(struct wgx_msg_data, key_idx), &index, sizeof(index));
	return s->msg_len;
}

static size_t put_udp(uint8_t *p, const struct frame_spec *s)
{
	struct udphdr udp = {
		.source = htons(40000),
		.dest = htons(s->dport),
		.len = htons(s->udp_len ? s->udp_len : sizeof(udp) + s->msg_len),
	};

	memcpy(p, &udp, sizeof(udp));
	return sizeof(udp) + put_message(p + sizeof(udp), s);
}

/* Ethernet, IP, UDP, message, padding, then the cut. Non-IP frames carry msg_len zeros. */
static size_t build_frame(uint8_t *frame, const struct frame_spec *s)
{
	size_t l4_len = sizeof(struct udphdr) + s->msg_len;
	size_t len = frame_eth(frame, s->ethertype);

	assert_true(len + 60 + l4_len + s->pad <= BPFTEST_FRAME_MAX);
	switch (s->ethertype) {
	case ETHERTYPE_IP:
		len += frame_ipv4(frame + len, s->l4, V4_DST, s->ip_opts, s->frag_off, l4_len);
		len += put_udp(frame + len, s);
		break;
	case ETHERTYPE_IPV6:
		len += frame_ipv6(frame + len, s->l4, V6_DST, l4_len);
		len += put_udp(frame + len, s);
		break;
	default:
		memset(frame + len, 0, s->msg_len);
		len += s->msg_len;
	}
	memset(frame + len, 0, s->pad);
	len += s->pad;
	return s->cut ? s->cut : len;
}

static void set_listen_port(uint16_t port)
{
	struct wgx_config config = { .listen_port_be = htons(port), .listen_port = port };
	uint32_t key = 0;

	assert_int_equal(bpf_map__update_elem(skel->maps.wgx_config, &key, sizeof(key), &config,
					      sizeof(config), BPF_ANY), 0);
}

static uint32_t run_frame(const struct frame_spec *s, enum wgx_counter counter)
{
	uint8_t frame[BPFTEST_FRAME_MAX];
	uint64_t before[WGX_CNT_MAX], after[WGX_CNT_MAX];
	size_t len = build_frame(frame, s);
	uint32_t action;

	bpftest_counters(skel->maps.wgx_counters, before);
	action = bpftest_run(skel->progs.wgx_ingress, frame, len);
	bpftest_counters(skel->maps.wgx_counters, after);
	bpftest_assert_counted(before, after, counter);
	return action;
}

static void test_fixture(void **state)
{
	const struct fixture *f = *state;

	assert_int_equal(run_frame(&f->frame, f->counter), f->action);
}

/* Until the daemon sets a listen port, nothing is WireGuard. */
static void test_port_unconfigured(void **state)
{
	const struct frame_spec initiation = { V4, INITIATION };
	const struct frame_spec data = { V6, DATA(KNOWN_INDEX, 64) };

	set_listen_port(0);
	assert_int_equal(run_frame(&initiation, WGX_CNT_RX_NOT_WG), XDP_PASS);
	assert_int_equal(run_frame(&data, WGX_CNT_RX_NOT_WG), XDP_PASS);
	set_listen_port(WG_PORT);
}

/* The listen port is read per packet: a change applies at once. */
static void test_port_change(void **state)
{
	struct frame_spec initiation = { V4, INITIATION, .dport = 1234 };

	assert_int_equal(run_frame(&initiation, WGX_CNT_RX_NOT_WG), XDP_PASS);
	set_listen_port(1234);
	assert_int_equal(run_frame(&initiation, WGX_CNT_RX_HANDSHAKE), XDP_PASS);
	set_listen_port(WG_PORT);
}

/* A session removed by the daemon stops matching. */
static void test_session_removed(void **state)
{
	const struct frame_spec data = { V4, DATA(0x01020304, 64) };
	struct wgx_session_value session = { .peer_id = 9, .keypair_slot = 1 };
	uint32_t key = htole32(0x01020304);

	assert_int_equal(bpf_map__update_elem(skel->maps.wgx_sessions, &key, sizeof(key),
					      &session, sizeof(session), BPF_NOEXIST), 0);
	assert_int_equal(run_frame(&data, WGX_CNT_RX_DATA), XDP_PASS);
	assert_int_equal(bpf_map__delete_elem(skel->maps.wgx_sessions, &key, sizeof(key), 0), 0);
	assert_int_equal(run_frame(&data, WGX_CNT_DROP_UNKNOWN_INDEX), XDP_DROP);
}

static void test_nothing_pinned(void **state)
{
	bpftest_assert_unpinned(skel->obj);
}

static int setup(void **state)
{
	/* The key is the index's four wire bytes, as the program reads them. */
	struct wgx_session_value session = { .peer_id = 7, .keypair_slot = 1 };
	uint32_t key = htole32(KNOWN_INDEX);

	skel = wgx_ingress__open();
	assert_non_null(skel);
	bpftest_unpin(skel->obj);
	assert_int_equal(wgx_ingress__load(skel), 0);
	printf("# wgx_ingress: %zu instructions\n",
	       bpf_program__insn_cnt(skel->progs.wgx_ingress));

	set_listen_port(WG_PORT);
	assert_int_equal(bpf_map__update_elem(skel->maps.wgx_sessions, &key, sizeof(key),
					      &session, sizeof(session), BPF_NOEXIST), 0);
	return 0;
}

static int teardown(void **state)
{
	wgx_ingress__destroy(skel);
	skel = NULL;
	return 0;
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(bpftest_counter_names),
		cmocka_unit_test(test_port_unconfigured),
		cmocka_unit_test(test_port_change),
		cmocka_unit_test(test_session_removed),
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
	return cmocka_run_group_tests_name("wgx_ingress", tests, setup, teardown);
}
