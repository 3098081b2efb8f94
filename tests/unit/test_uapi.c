/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The userspace API text protocol: framing, every set=1 key, the exact get=1
 * text for a known snapshot, set and get round trips, and malformed requests
 * answered with the errno wireguard-go gives (one cmocka test per table row).
 * A short seeded random-bytes loop checks nothing crashes outside the fuzzer.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "keys.h"
#include "uapi.h"

/* Keys whose bytes are n, n+1, …, n+31, in hex. */
#define H01 "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"
#define H21 "2122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f40"
#define H41 "4142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f60"
#define H61 "6162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f80"
#define HA0 "A0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBF"
#define HZERO "0000000000000000000000000000000000000000000000000000000000000000"

static void assert_key_seq(const wgx_key key, uint8_t first)
{
	for (int i = 0; i < WGX_KEY_LEN; i++)
		assert_int_equal(key[i], (uint8_t)(first + i));
}

static void assert_prefix(const struct wgx_allowedip *a, const char *text, uint32_t flags)
{
	char buf[WGX_PREFIX_STRLEN];

	assert_non_null(a);
	wgx_devcfg_format_prefix(buf, a);
	assert_string_equal(buf, text);
	assert_int_equal(a->flags, flags);
}

static void assert_endpoint(const struct sockaddr_storage *ss, const char *text)
{
	char buf[WGX_ENDPOINT_STRLEN];

	wgx_devcfg_format_endpoint(buf, ss);
	assert_string_equal(buf, text);
}

static struct wgx_devcfg *set_ok(const char *body)
{
	struct wgx_devcfg *dev = NULL;

	assert_int_equal(wgx_uapi_parse_set(&dev, body, strlen(body)), 0);
	assert_non_null(dev);
	return dev;
}

static const char set_all_keys[] =
	"private_key=" H01 "\n"
	"listen_port=51820\n"
	"fwmark=0\n"
	"replace_peers=true\n"
	"public_key=" H21 "\n"
	"update_only=true\n"
	"preshared_key=" H41 "\n"
	"endpoint=192.0.2.1:51820\n"
	"persistent_keepalive_interval=25\n"
	"replace_allowed_ips=true\n"
	"allowed_ip=10.0.0.2/32\n"
	"allowed_ip=-fd00::/64\n"
	"protocol_version=1\n"
	"public_key=" H61 "\n"
	"remove=true\n"
	"public_key=" HA0 "\n"
	"endpoint=[fe80::1%3]:51821\n"
	"allowed_ip=::/0\n"
	"\n";

static void test_set_every_key(void **state)
{
	struct wgx_devcfg *dev = set_ok(set_all_keys);
	struct wgx_peercfg *p;

	assert_int_equal(dev->flags, WGX_DEV_HAS_PRIVATE_KEY | WGX_DEV_HAS_LISTEN_PORT |
					     WGX_DEV_HAS_FWMARK | WGX_DEV_REPLACE_PEERS);
	assert_key_seq(dev->private_key, 0x01);
	assert_int_equal(dev->listen_port, 51820);
	assert_int_equal(dev->fwmark, 0);
	assert_int_equal(wgx_devcfg_peer_count(dev), 3);

	p = dev->first_peer;
	assert_int_equal(p->flags, WGX_PEER_HAS_PUBLIC_KEY | WGX_PEER_UPDATE_ONLY |
					   WGX_PEER_HAS_PRESHARED_KEY | WGX_PEER_HAS_ENDPOINT |
					   WGX_PEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL |
					   WGX_PEER_REPLACE_ALLOWEDIPS);
	assert_key_seq(p->public_key, 0x21);
	assert_key_seq(p->preshared_key, 0x41);
	assert_int_equal(p->endpoint.ss_family, AF_INET);
	assert_endpoint(&p->endpoint, "192.0.2.1:51820");
	assert_int_equal(p->persistent_keepalive_interval, 25);
	assert_prefix(p->first_allowedip, "10.0.0.2/32", 0);
	assert_prefix(p->last_allowedip, "fd00::/64", WGX_ALLOWEDIP_REMOVE_ME);

	p = p->next;
	assert_int_equal(p->flags, WGX_PEER_HAS_PUBLIC_KEY | WGX_PEER_REMOVE_ME);
	assert_key_seq(p->public_key, 0x61);

	p = p->next;
	/* Upper-case hex is hex too. */
	assert_key_seq(p->public_key, 0xa0);
	assert_int_equal(p->endpoint.ss_family, AF_INET6);
	assert_int_equal(((struct sockaddr_in6 *)&p->endpoint)->sin6_scope_id, 3);
	assert_int_equal(ntohs(((struct sockaddr_in6 *)&p->endpoint)->sin6_port), 51821);
	assert_endpoint(&p->endpoint, "[fe80::1%3]:51821");
	assert_prefix(p->first_allowedip, "::/0", 0);
	wgx_devcfg_free(dev);
}

static void test_set_semantics(void **state)
{
	struct wgx_devcfg *dev;

	/* replace_allowed_ips removes what the same request listed before it. */
	dev = set_ok("public_key=" H21 "\nallowed_ip=10.0.0.0/8\nreplace_allowed_ips=true\n"
		     "allowed_ip=10.1.0.0/16\n");
	assert_prefix(dev->first_peer->first_allowedip, "10.1.0.0/16", 0);
	assert_null(dev->first_peer->first_allowedip->next);
	wgx_devcfg_free(dev);

	/* A zero private key is a removal, not an error; no blank line needed at EOF. */
	dev = set_ok("private_key=" HZERO);
	assert_true(dev->flags & WGX_DEV_HAS_PRIVATE_KEY);
	assert_true(wgx_key_is_zero(dev->private_key));
	wgx_devcfg_free(dev);

	/* An empty body changes nothing; parsing stops at the blank line. */
	dev = set_ok("\nlisten_port=junk\n");
	assert_int_equal(dev->flags, 0);
	assert_null(dev->first_peer);
	wgx_devcfg_free(dev);

	/* CRLF as Go's line scanner accepts it; later values win. */
	dev = set_ok("listen_port=1\r\nlisten_port=2\r\nfwmark=4294967295\r\n\r\n");
	assert_int_equal(dev->listen_port, 2);
	assert_int_equal(dev->fwmark, 4294967295U);
	wgx_devcfg_free(dev);
}

/* A known snapshot, as the daemon will build it for get=1. */
static struct wgx_devcfg *snapshot(void)
{
	struct wgx_devcfg *dev = set_ok("private_key=" H01 "\nlisten_port=51820\nfwmark=4660\n"
					"public_key=" H21 "\npreshared_key=" H41 "\n"
					"endpoint=192.0.2.1:51820\npersistent_keepalive_interval=25\n"
					"allowed_ip=10.0.0.2/32\nallowed_ip=fd00::2/128\n"
					"public_key=" H61 "\nallowed_ip=10.0.1.0/24\n");
	struct wgx_peercfg *p = dev->first_peer;

	p->last_handshake_time_sec = 1700000000;
	p->last_handshake_time_nsec = 123456789;
	p->rx_bytes = 1000;
	p->tx_bytes = 18446744073709551615ULL;
	return dev;
}

/* Byte for byte what wireguard-go answers for the same device. */
static const char get_text[] =
	"private_key=" H01 "\n"
	"listen_port=51820\n"
	"fwmark=4660\n"
	"public_key=" H21 "\n"
	"preshared_key=" H41 "\n"
	"protocol_version=1\n"
	"endpoint=192.0.2.1:51820\n"
	"last_handshake_time_sec=1700000000\n"
	"last_handshake_time_nsec=123456789\n"
	"tx_bytes=18446744073709551615\n"
	"rx_bytes=1000\n"
	"persistent_keepalive_interval=25\n"
	"allowed_ip=10.0.0.2/32\n"
	"allowed_ip=fd00::2/128\n"
	"public_key=" H61 "\n"
	"preshared_key=" HZERO "\n"
	"protocol_version=1\n"
	"last_handshake_time_sec=0\n"
	"last_handshake_time_nsec=0\n"
	"tx_bytes=0\n"
	"rx_bytes=0\n"
	"persistent_keepalive_interval=0\n"
	"allowed_ip=10.0.1.0/24\n"
	"errno=0\n"
	"\n";

static void test_get_exact(void **state)
{
	struct wgx_devcfg *dev = snapshot();
	struct wgx_textbuf tb = { 0 };

	assert_int_equal(wgx_uapi_write_get(&tb, dev), 0);
	assert_string_equal(tb.buf, get_text);
	wgx_textbuf_free(&tb);

	wgx_devcfg_free(dev);

	/* No private key, no port, no peers: only the errno line. */
	dev = wgx_devcfg_alloc();
	assert_int_equal(wgx_uapi_write_get(&tb, dev), 0);
	assert_string_equal(tb.buf, "errno=0\n\n");
	wgx_textbuf_free(&tb);
	wgx_devcfg_free(dev);
}

static void test_get_roundtrip(void **state)
{
	struct wgx_devcfg *dev = snapshot(), *back = NULL;

	/* The client derives the public key, as wg(8) does. */
	assert_int_equal(wgx_key_public_from_private(dev->public_key, dev->private_key), 0);
	dev->flags |= WGX_DEV_HAS_PUBLIC_KEY;
	assert_int_equal(wgx_uapi_parse_get(&back, get_text, strlen(get_text)), 0);
	assert_true(wgx_devcfg_equal(dev, back));
	wgx_devcfg_free(back);
	wgx_devcfg_free(dev);
}

static void test_get_parse_errors(void **state)
{
	struct wgx_devcfg *dev = NULL;
	const char *t;

	t = "errno=-22\n\n";
	assert_int_equal(wgx_uapi_parse_get(&dev, t, strlen(t)), -EINVAL);
	assert_null(dev);
	t = "errno=95\n\n";
	assert_int_equal(wgx_uapi_parse_get(&dev, t, strlen(t)), -EOPNOTSUPP);
	t = "listen_port=1\n\n";
	assert_int_equal(wgx_uapi_parse_get(&dev, t, strlen(t)), -EPROTO);
	t = "errno=0\n";
	assert_int_equal(wgx_uapi_parse_get(&dev, t, strlen(t)), -EPROTO);
	t = "errno=0\nlisten_port=1\n\n";
	assert_int_equal(wgx_uapi_parse_get(&dev, t, strlen(t)), -EPROTO);
	t = "listen_port=65536\nerrno=0\n\n";
	assert_int_equal(wgx_uapi_parse_get(&dev, t, strlen(t)), -EPROTO);
	t = "errno=x\n\n";
	assert_int_equal(wgx_uapi_parse_get(&dev, t, strlen(t)), -EPROTO);
	assert_null(dev);
	/* Keys this parser does not know are skipped: newer daemons may add some. */
	t = "jc=4\nlisten_port=7\npublic_key=" H21 "\nfuture_key=x\nerrno=0\n\n";
	assert_int_equal(wgx_uapi_parse_get(&dev, t, strlen(t)), 0);
	assert_int_equal(dev->listen_port, 7);
	assert_int_equal(wgx_devcfg_peer_count(dev), 1);
	wgx_devcfg_free(dev);
}

/* What wg(8) sends for the diff of set_all_keys. */
static const char set_text[] =
	"set=1\n"
	"private_key=" H01 "\n"
	"listen_port=51820\n"
	"fwmark=0\n"
	"replace_peers=true\n"
	"public_key=" H21 "\n"
	"update_only=true\n"
	"preshared_key=" H41 "\n"
	"endpoint=192.0.2.1:51820\n"
	"persistent_keepalive_interval=25\n"
	"replace_allowed_ips=true\n"
	"allowed_ip=10.0.0.2/32\n"
	"allowed_ip=-fd00::/64\n"
	"public_key=" H61 "\n"
	"remove=true\n"
	"public_key=a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf\n"
	"endpoint=[fe80::1%3]:51821\n"
	"allowed_ip=::/0\n"
	"\n";

static void test_set_roundtrip(void **state)
{
	struct wgx_devcfg *dev = set_ok(set_all_keys), *back = NULL;
	struct wgx_textbuf tb = { 0 };
	enum wgx_uapi_op op = 0;
	size_t off = 0;

	assert_int_equal(wgx_uapi_write_set(&tb, dev), 0);
	assert_string_equal(tb.buf, set_text);
	assert_int_equal(wgx_uapi_request_len(tb.buf, tb.len), (ssize_t)tb.len);
	assert_int_equal(wgx_uapi_parse_op(&op, &off, tb.buf, tb.len), 0);
	assert_int_equal(op, WGX_UAPI_SET);
	assert_int_equal(wgx_uapi_parse_set(&back, tb.buf + off, tb.len - off), 0);
	assert_true(wgx_devcfg_equal(dev, back));
	wgx_textbuf_free(&tb);
	wgx_devcfg_free(back);
	wgx_devcfg_free(dev);
}

static void test_request_len(void **state)
{
	static const char two[] = "set=1\nlisten_port=1\n\nget=1\n\n";
	char big[WGX_UAPI_LINE_MAX + 8];

	assert_int_equal(wgx_uapi_request_len("get=1\n\n", 7), 7);
	assert_int_equal(wgx_uapi_request_len("get=1\n", 6), 0);
	assert_int_equal(wgx_uapi_request_len("get=1\n\n", 0), 0);
	assert_int_equal(wgx_uapi_request_len("get=1\r\n\r\n", 9), 9);
	assert_int_equal(wgx_uapi_request_len(two, strlen(two)), 21);
	assert_int_equal(wgx_uapi_request_len(two + 21, strlen(two + 21)), 7);
	assert_int_equal(wgx_uapi_request_len("\n", 1), -EPROTO);

	/* A line at the limit may still end; one byte more never will. */
	memset(big, 'a', sizeof(big));
	memcpy(big, "set=1\n", 6);
	assert_int_equal(wgx_uapi_request_len(big, 6 + WGX_UAPI_LINE_MAX), 0);
	assert_int_equal(wgx_uapi_request_len(big, 6 + WGX_UAPI_LINE_MAX + 1), -EMSGSIZE);
}

static void test_parse_op(void **state)
{
	enum wgx_uapi_op op;
	size_t off;

	assert_int_equal(wgx_uapi_parse_op(&op, &off, "get=1\n\n", 7), 0);
	assert_int_equal(op, WGX_UAPI_GET);
	assert_int_equal(off, 6);
	assert_int_equal(wgx_uapi_parse_op(&op, &off, "set=1\n\n", 7), 0);
	assert_int_equal(op, WGX_UAPI_SET);
	assert_int_equal(wgx_uapi_parse_op(&op, &off, "get=1\nx=1\n\n", 11), -EINVAL);
	assert_int_equal(wgx_uapi_parse_op(&op, &off, "get=2\n\n", 7), -EPROTO);
	assert_int_equal(wgx_uapi_parse_op(&op, &off, "del=1\n\n", 7), -EPROTO);
	assert_int_equal(wgx_uapi_parse_op(&op, &off, "get=1", 5), -EPROTO);
	assert_int_equal(wgx_uapi_parse_op(&op, &off, "", 0), -EPROTO);
}

static void test_write_errno(void **state)
{
	struct wgx_textbuf tb = { 0 };

	assert_int_equal(wgx_uapi_write_errno(&tb, -EINVAL), 0);
	assert_string_equal(tb.buf, "errno=-22\n\n");
	wgx_textbuf_free(&tb);
}

/* Random bytes, random truncations of valid text: errors only, never a crash. */
static void test_garbage(void **state)
{
	static const char alphabet[] = "=\n\r-[]:%./0123456789abcdef_ptkrlywx\0";
	struct wgx_devcfg *dev;
	uint32_t seed = 0x5eed;
	char buf[512];
	size_t len, i;
	int iter, ret;

	for (iter = 0; iter < 20000; iter++) {
		seed = seed * 1103515245 + 12345;
		len = (seed >> 8) % sizeof(buf);
		for (i = 0; i < len; i++) {
			seed = seed * 1103515245 + 12345;
			buf[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		if (iter % 4 == 0) {
			len = (seed >> 4) % (sizeof(buf) < sizeof(set_all_keys) ? sizeof(buf) :
					     sizeof(set_all_keys));
			memcpy(buf, set_all_keys, len);
		}
		ret = wgx_uapi_parse_set(&dev, buf, len);
		assert_true(ret <= 0);
		assert_true(ret == 0 ? dev != NULL : dev == NULL);
		wgx_devcfg_free(dev);
		ret = wgx_uapi_parse_get(&dev, buf, len);
		assert_true(ret == 0 ? dev != NULL : dev == NULL);
		wgx_devcfg_free(dev);
		assert_true(wgx_uapi_request_len(buf, len) <= (ssize_t)len);
	}
}

struct bad_case {
	const char *name;
	const char *body;
	size_t len;	/* 0: strlen(body) */
	int err;
};

#define PEER "public_key=" H21 "\n"
#define NUL_BODY PEER "endpoint=1.2.3.4:5\0\n"
#define LONG_LINE PEER "allowed_ip=10.0.0.1/32" \
	"                                                                                " \
	"                                                                                " \
	"                                                                                " \
	"\n"

static const struct bad_case bad_cases[] = {
	{ "private_key_short_hex", "private_key=0102\n", 0, -EINVAL },
	{ "private_key_bad_hex", "private_key=zz02030405060708090a0b0c0d0e0f101112131415161718191a1b"
	  "1c1d1e1f20\n", 0, -EINVAL },
	{ "private_key_base64", "private_key=AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=\n", 0,
	  -EINVAL },
	{ "public_key_long_hex", "public_key=" H21 "00\n", 0, -EINVAL },
	{ "preshared_key_bad_hex", PEER "preshared_key=" H41 "x\n", 0, -EINVAL },
	{ "unknown_device_key", "listen_prot=1\n", 0, -EINVAL },
	{ "unknown_peer_key", PEER "allowed_ips=10.0.0.0/8\n", 0, -EINVAL },
	{ "get_only_key_in_set", PEER "rx_bytes=1\n", 0, -EINVAL },
	{ "empty_key", "=1\n", 0, -EINVAL },
	{ "missing_equals", "listen_port\n", 0, -EPROTO },
	{ "missing_equals_peer", PEER "remove\n", 0, -EPROTO },
	{ "peer_key_without_peer", "endpoint=1.2.3.4:5\n", 0, -EINVAL },
	{ "allowed_ip_without_peer", "allowed_ip=10.0.0.0/8\n", 0, -EINVAL },
	{ "remove_without_peer", "remove=true\n", 0, -EINVAL },
	{ "protocol_version_without_peer", "protocol_version=1\n", 0, -EINVAL },
	{ "device_key_after_peer", PEER "listen_port=1\n", 0, -EINVAL },
	{ "protocol_version_2", PEER "protocol_version=2\n", 0, -EINVAL },
	{ "protocol_version_empty", PEER "protocol_version=\n", 0, -EINVAL },
	{ "overlong_line", LONG_LINE, 0, -EMSGSIZE },
	{ "embedded_nul", NUL_BODY, sizeof(NUL_BODY) - 1, -EPROTO },
	{ "listen_port_too_big", "listen_port=65536\n", 0, -EINVAL },
	{ "listen_port_negative", "listen_port=-1\n", 0, -EINVAL },
	{ "listen_port_empty", "listen_port=\n", 0, -EINVAL },
	{ "listen_port_hex", "listen_port=0x10\n", 0, -EINVAL },
	{ "listen_port_space", "listen_port= 1\n", 0, -EINVAL },
	{ "fwmark_too_big", "fwmark=4294967296\n", 0, -EINVAL },
	{ "fwmark_off", "fwmark=off\n", 0, -EINVAL },
	{ "replace_peers_false", "replace_peers=false\n", 0, -EINVAL },
	{ "replace_peers_one", "replace_peers=1\n", 0, -EINVAL },
	{ "update_only_false", PEER "update_only=false\n", 0, -EINVAL },
	{ "remove_yes", PEER "remove=yes\n", 0, -EINVAL },
	{ "replace_allowed_ips_false", PEER "replace_allowed_ips=false\n", 0, -EINVAL },
	{ "endpoint_v6_no_brackets", PEER "endpoint=::1:51820\n", 0, -EINVAL },
	{ "endpoint_hostname", PEER "endpoint=localhost:51820\n", 0, -EINVAL },
	{ "endpoint_no_port", PEER "endpoint=[::1]\n", 0, -EINVAL },
	{ "endpoint_port_range", PEER "endpoint=1.2.3.4:65536\n", 0, -EINVAL },
	{ "endpoint_empty", PEER "endpoint=\n", 0, -EINVAL },
	{ "endpoint_lax_ipv4", PEER "endpoint=127.1:5\n", 0, -EINVAL },
	{ "endpoint_v4_scope", PEER "endpoint=1.2.3.4%1:5\n", 0, -EINVAL },
	{ "endpoint_unknown_iface", PEER "endpoint=[fe80::1%nosuchif0]:5\n", 0, -EINVAL },
	{ "endpoint_empty_brackets", PEER "endpoint=[]:5\n", 0, -EINVAL },
	{ "allowed_ip_no_cidr", PEER "allowed_ip=10.0.0.1\n", 0, -EINVAL },
	{ "allowed_ip_cidr_33", PEER "allowed_ip=10.0.0.0/33\n", 0, -EINVAL },
	{ "allowed_ip_cidr_129", PEER "allowed_ip=::/129\n", 0, -EINVAL },
	{ "allowed_ip_double_minus", PEER "allowed_ip=--10.0.0.0/8\n", 0, -EINVAL },
	{ "allowed_ip_plus", PEER "allowed_ip=+10.0.0.0/8\n", 0, -EINVAL },
	{ "allowed_ip_minus_only", PEER "allowed_ip=-\n", 0, -EINVAL },
	{ "keepalive_too_big", PEER "persistent_keepalive_interval=65536\n", 0, -EINVAL },
	{ "keepalive_off", PEER "persistent_keepalive_interval=off\n", 0, -EINVAL },
	{ "error_after_good_lines", "listen_port=1\n" PEER "allowed_ip=10.0.0.0/8\nbogus=1\n", 0,
	  -EINVAL },
};

static void test_bad_case(void **state)
{
	const struct bad_case *c = *state;
	struct wgx_devcfg *dev = (void *)1;
	size_t len = c->len ? c->len : strlen(c->body);

	assert_int_equal(wgx_uapi_parse_set(&dev, c->body, len), c->err);
	assert_null(dev);
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_set_every_key),
		cmocka_unit_test(test_set_semantics),
		cmocka_unit_test(test_get_exact),
		cmocka_unit_test(test_get_roundtrip),
		cmocka_unit_test(test_get_parse_errors),
		cmocka_unit_test(test_set_roundtrip),
		cmocka_unit_test(test_request_len),
		cmocka_unit_test(test_parse_op),
		cmocka_unit_test(test_write_errno),
		cmocka_unit_test(test_garbage),
	};
	const size_t nfixed = sizeof(fixed) / sizeof(fixed[0]);
	const size_t nbad = sizeof(bad_cases) / sizeof(bad_cases[0]);
	struct CMUnitTest tests[sizeof(fixed) / sizeof(fixed[0]) +
				sizeof(bad_cases) / sizeof(bad_cases[0])];
	size_t i;

	if (wgx_crypto_init())
		return 1;
	memcpy(tests, fixed, sizeof(fixed));
	for (i = 0; i < nbad; i++) {
		tests[nfixed + i] = (struct CMUnitTest)cmocka_unit_test_prestate(
			test_bad_case, (void *)&bad_cases[i]);
		tests[nfixed + i].name = bad_cases[i].name;
	}
	return _cmocka_run_group_tests("uapi", tests, nfixed + nbad, NULL, NULL);
}
