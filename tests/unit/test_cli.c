// SPDX-License-Identifier: GPL-2.0
/*
 * The pure parts of the wg(8) commands: value formats and every `wg show`
 * output against text written down from wg(8)'s (the namespace test
 * cli_wg_compat.sh compares with the real wg), `wg set` arguments into a
 * diff with wg(8)'s messages, key files, the syncconf diff and the stats=1
 * reply parser. Table-driven; error rows are one cmocka test each.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <unistd.h>

#include "unit.h"

#include "cli/format.h"
#include "cli/ipc_client.h"
#include "cli/set_args.h"
#include "cli/show.h"
#include "cli/sync.h"
#include "keys.h"

/* Keys whose bytes are n, n+1, …: the base64 of bytes 0x01.., 0x21.., 0x41.., 0x61... */
#define K01 "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="
#define K21 "ISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0A="
#define K41 "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVpbXF1eX2A="
#define K61 "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4A="

#define NOW 1700000000

static void key_seq(wgx_key key, uint8_t first)
{
	for (int i = 0; i < WGX_KEY_LEN; i++)
		key[i] = (uint8_t)(first + i);
}

/* ---- capturing what a printer writes ---- */

struct capture {
	FILE *f;
	char *text;
	size_t len;
};

static FILE *capture_start(struct capture *c)
{
	memset(c, 0, sizeof(*c));
	c->f = open_memstream(&c->text, &c->len);
	assert_non_null(c->f);
	return c->f;
}

static void capture_expect(struct capture *c, const char *expect)
{
	fclose(c->f);
	assert_string_equal(c->text, expect);
	free(c->text);
}

/* ---- value formats ---- */

static void test_duration(void **state)
{
	static const struct {
		uint64_t s;
		const char *text;
	} rows[] = {
		{ 0, "" },
		{ 1, "1 second" },
		{ 25, "25 seconds" },
		{ 60, "1 minute" },
		{ 63, "1 minute, 3 seconds" },
		{ 7200 + 2, "2 hours, 2 seconds" },
		{ 86400, "1 day" },
		{ 365 * 86400ULL + 86400 + 3600 + 60 + 1,
		  "1 year, 1 day, 1 hour, 1 minute, 1 second" },
		{ 2 * 365 * 86400ULL + 2 * 86400, "2 years, 2 days" },
	};
	char buf[WGX_FMT_LEN];

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		wgx_fmt_duration(buf, rows[i].s);
		assert_string_equal(buf, rows[i].text);
	}
	wgx_fmt_duration(buf, UINT64_MAX);
	assert_string_equal(buf, "584942417355 years, 26 days, 7 hours, 15 seconds");
}

static void test_ago(void **state)
{
	char buf[WGX_FMT_LEN];

	(void)state;
	wgx_fmt_ago(buf, NOW, NOW);
	assert_string_equal(buf, "Now");
	wgx_fmt_ago(buf, NOW - 63, NOW);
	assert_string_equal(buf, "1 minute, 3 seconds ago");
	wgx_fmt_ago(buf, NOW + 1, NOW);
	assert_string_equal(buf, "(System clock wound backward; connection problems may ensue.)");
}

static void test_bytes(void **state)
{
	static const struct {
		uint64_t b;
		const char *text;
	} rows[] = {
		{ 0, "0 B" },
		{ 1023, "1023 B" },
		{ 1024, "1.00 KiB" },
		{ 1260, "1.23 KiB" },
		{ 1024 * 1024 - 1, "1024.00 KiB" },
		{ 1024 * 1024, "1.00 MiB" },
		{ 5ULL << 30, "5.00 GiB" },
		{ 3ULL << 40, "3.00 TiB" },
		{ UINT64_MAX, "16777216.00 TiB" },
	};
	char buf[WGX_FMT_LEN];

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		wgx_fmt_bytes(buf, rows[i].b);
		assert_string_equal(buf, rows[i].text);
	}
}

static void set_v4(struct sockaddr_storage *ss, const char *ip, uint16_t port)
{
	struct sockaddr_in *sin = (void *)ss;

	memset(ss, 0, sizeof(*ss));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	assert_int_equal(inet_pton(AF_INET, ip, &sin->sin_addr), 1);
}

static void set_v6(struct sockaddr_storage *ss, const char *ip, uint16_t port, uint32_t scope)
{
	struct sockaddr_in6 *sin6 = (void *)ss;

	memset(ss, 0, sizeof(*ss));
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	sin6->sin6_scope_id = scope;
	assert_int_equal(inet_pton(AF_INET6, ip, &sin6->sin6_addr), 1);
}

static void test_endpoint(void **state)
{
	struct sockaddr_storage ss;
	char buf[WGX_FMT_LEN];

	(void)state;
	set_v4(&ss, "192.0.2.1", 51820);
	wgx_fmt_endpoint(buf, &ss);
	assert_string_equal(buf, "192.0.2.1:51820");
	set_v6(&ss, "2001:db8::1", 1, 0);
	wgx_fmt_endpoint(buf, &ss);
	assert_string_equal(buf, "[2001:db8::1]:1");
	/* getnameinfo names the scope's interface, as wg(8) shows it. */
	set_v6(&ss, "fe80::1", 51820, if_nametoindex("lo"));
	wgx_fmt_endpoint(buf, &ss);
	assert_string_equal(buf, "[fe80::1%lo]:51820");
	set_v6(&ss, "fe80::1", 51820, 4000000);
	wgx_fmt_endpoint(buf, &ss);
	assert_string_equal(buf, "[fe80::1%4000000]:51820");
	/* A v4-mapped address still has a ':' and gets brackets. */
	set_v6(&ss, "::ffff:192.0.2.1", 7, 0);
	wgx_fmt_endpoint(buf, &ss);
	assert_string_equal(buf, "[::ffff:192.0.2.1]:7");
}

static void test_json_string(void **state)
{
	struct capture c;

	(void)state;
	wgx_fmt_json_string(capture_start(&c), "a\"b\\c\nd\te\x01\x7f\xc3\xa9");
	capture_expect(&c, "\"a\\\"b\\\\c\\nd\\te\\u0001\\u007f\\u00c3\\u00a9\"");
	wgx_fmt_json_string(capture_start(&c), "");
	capture_expect(&c, "\"\"");
}

/* ---- show outputs ---- */

static void add_ip(struct wgx_peercfg *p, const char *prefix)
{
	struct wgx_allowedip a;

	assert_int_equal(wgx_devcfg_parse_prefix(&a, prefix, true), 0);
	assert_int_equal(wgx_devcfg_add_allowedip(p, &a), 0);
}

/*
 * The daemon's order: P1 (0x21.., no handshake), P2 (0x41.., 63 s ago, psk,
 * keepalive), P3 (0x61.., 5 s ago, v6). wg(8) prints P3, P2, P1.
 */
static struct wgx_devcfg *sample_dev(void)
{
	struct wgx_devcfg *dev = wgx_devcfg_alloc();
	struct wgx_peercfg *p1, *p2, *p3;

	assert_non_null(dev);
	dev->flags = WGX_DEV_HAS_PRIVATE_KEY | WGX_DEV_HAS_PUBLIC_KEY | WGX_DEV_HAS_LISTEN_PORT;
	key_seq(dev->private_key, 0x01);
	key_seq(dev->public_key, 0x01);	/* not derived: the printer must not care */
	dev->listen_port = 51820;
	dev->fwmark = 0x1234;
	p1 = wgx_devcfg_add_peer(dev);
	p2 = wgx_devcfg_add_peer(dev);
	p3 = wgx_devcfg_add_peer(dev);
	key_seq(p1->public_key, 0x21);
	key_seq(p2->public_key, 0x41);
	key_seq(p3->public_key, 0x61);
	p2->flags |= WGX_PEER_HAS_PRESHARED_KEY;
	key_seq(p2->preshared_key, 0x01);
	set_v4(&p2->endpoint, "192.0.2.2", 51821);
	add_ip(p2, "10.0.0.2/32");
	add_ip(p2, "fd00::2/128");
	p2->last_handshake_time_sec = NOW - 63;
	p2->rx_bytes = 1260;
	p2->tx_bytes = 3 << 20;
	p2->persistent_keepalive_interval = 25;
	set_v6(&p3->endpoint, "2001:db8::3", 51822, 0);
	add_ip(p3, "10.0.3.0/24");
	p3->last_handshake_time_sec = NOW - 5;
	p3->last_handshake_time_nsec = 1;
	p3->rx_bytes = 92;
	return dev;
}

static const char sample_pretty[] = "interface: wg0\n"
				    "  public key: " K01 "\n"
				    "  private key: (hidden)\n"
				    "  listening port: 51820\n"
				    "  fwmark: 0x1234\n"
				    "\n"
				    "peer: " K61 "\n"
				    "  endpoint: [2001:db8::3]:51822\n"
				    "  allowed ips: 10.0.3.0/24\n"
				    "  latest handshake: 5 seconds ago\n"
				    "  transfer: 92 B received, 0 B sent\n"
				    "\n"
				    "peer: " K41 "\n"
				    "  preshared key: (hidden)\n"
				    "  endpoint: 192.0.2.2:51821\n"
				    "  allowed ips: 10.0.0.2/32, fd00::2/128\n"
				    "  latest handshake: 1 minute, 3 seconds ago\n"
				    "  transfer: 1.23 KiB received, 3.00 MiB sent\n"
				    "  persistent keepalive: every 25 seconds\n"
				    "\n"
				    "peer: " K21 "\n"
				    "  allowed ips: (none)\n";

static void test_pretty(void **state)
{
	struct wgx_devcfg *dev = sample_dev();
	struct capture c;

	(void)state;
	unsetenv("WG_HIDE_KEYS");
	wgx_show_pretty(capture_start(&c), "wg0", dev, NOW, NULL);
	capture_expect(&c, sample_pretty);
	wgx_devcfg_free(dev);
}

static void test_pretty_bare_and_unhidden(void **state)
{
	struct wgx_devcfg *dev = wgx_devcfg_alloc();
	struct wgx_peercfg *p = wgx_devcfg_add_peer(dev);
	struct capture c;

	(void)state;
	key_seq(p->public_key, 0x21);
	p->flags |= WGX_PEER_HAS_PRESHARED_KEY;
	key_seq(p->preshared_key, 0x41);
	wgx_show_pretty(capture_start(&c), "wg1", dev, NOW, NULL);
	capture_expect(&c, "interface: wg1\n\npeer: " K21 "\n  preshared key: (hidden)\n"
			   "  allowed ips: (none)\n");
	setenv("WG_HIDE_KEYS", "never", 1);
	wgx_show_pretty(capture_start(&c), "wg1", dev, NOW, NULL);
	capture_expect(&c, "interface: wg1\n\npeer: " K21 "\n  preshared key: " K41
			   "\n  allowed ips: (none)\n");
	unsetenv("WG_HIDE_KEYS");
	wgx_devcfg_free(dev);
}

static void test_pretty_stats(void **state)
{
	struct wgx_ipc_stat items[] = { { "rx_garbage", 0 }, { "rx_bad_mac", 3 }, { "rx_x", 1 } };
	struct wgx_show_stats st = { .wanted = true, .stats = { items, 3 } };
	struct wgx_devcfg *dev = wgx_devcfg_alloc();
	struct capture c;

	(void)state;
	wgx_show_pretty(capture_start(&c), "wg0", dev, NOW, &st);
	capture_expect(&c, "interface: wg0\n  counters: rx_bad_mac 3, rx_x 1\n");
	items[1].value = items[2].value = 0;
	wgx_show_pretty(capture_start(&c), "wg0", dev, NOW, &st);
	capture_expect(&c, "interface: wg0\n  counters: (all zero)\n");
	st.err = -EINVAL;
	wgx_show_pretty(capture_start(&c), "wg0", dev, NOW, &st);
	capture_expect(&c, "interface: wg0\n  counters: (unavailable: Invalid argument)\n");
	wgx_devcfg_free(dev);
}

static void test_sort_ties(void **state)
{
	struct wgx_devcfg *dev = wgx_devcfg_alloc();
	const struct wgx_peercfg **sorted;
	struct wgx_peercfg *p[4];
	size_t n;

	(void)state;
	for (int i = 0; i < 4; i++) {
		p[i] = wgx_devcfg_add_peer(dev);
		p[i]->last_handshake_time_sec = i == 2 ? 0 : 100;
	}
	p[3]->last_handshake_time_nsec = 5;
	sorted = wgx_show_sort_peers(dev, &n);
	assert_int_equal(n, 4);
	assert_ptr_equal(sorted[0], p[3]);
	assert_ptr_equal(sorted[1], p[0]);	/* equal times: the daemon's order */
	assert_ptr_equal(sorted[2], p[1]);
	assert_ptr_equal(sorted[3], p[2]);
	free(sorted);
	wgx_devcfg_free(dev);
}

static void test_fields(void **state)
{
	static const struct {
		const char *field;
		bool with_ifname;
		const char *text;
	} rows[] = {
		{ "public-key", false, K01 "\n" },
		{ "private-key", true, "wg0\t" K01 "\n" },
		{ "listen-port", false, "51820\n" },
		{ "fwmark", true, "wg0\t0x1234\n" },
		{ "peers", false, K21 "\n" K41 "\n" K61 "\n" },
		{ "preshared-keys", false, K21 "\t(none)\n" K41 "\t" K01 "\n" K61 "\t(none)\n" },
		{ "endpoints", true,
		  "wg0\t" K21 "\t(none)\nwg0\t" K41 "\t192.0.2.2:51821\nwg0\t" K61
		  "\t[2001:db8::3]:51822\n" },
		{ "allowed-ips", false,
		  K21 "\t(none)\n" K41 "\t10.0.0.2/32 fd00::2/128\n" K61 "\t10.0.3.0/24\n" },
		{ "latest-handshakes", false,
		  K21 "\t0\n" K41 "\t1699999937\n" K61 "\t1699999995\n" },
		{ "transfer", false, K21 "\t0\t0\n" K41 "\t1260\t3145728\n" K61 "\t92\t0\n" },
		{ "persistent-keepalive", false, K21 "\toff\n" K41 "\t25\n" K61 "\toff\n" },
		{ "dump", false,
		  K01 "\t" K01 "\t51820\t0x1234\n"
		  K21 "\t(none)\t(none)\t(none)\t0\t0\t0\toff\n"
		  K41 "\t" K01 "\t192.0.2.2:51821\t10.0.0.2/32,fd00::2/128\t1699999937\t1260\t"
		  "3145728\t25\n"
		  K61
		  "\t(none)\t[2001:db8::3]:51822\t10.0.3.0/24\t1699999995\t92\t0\toff\n" },
	};
	struct wgx_devcfg *dev = sample_dev();
	struct capture c;

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_true(wgx_show_is_field(rows[i].field));
		wgx_show_field(capture_start(&c), "wg0", dev, rows[i].field, rows[i].with_ifname);
		capture_expect(&c, rows[i].text);
	}
	assert_false(wgx_show_is_field("bogus"));
	assert_false(wgx_show_is_field("--json"));
	wgx_devcfg_free(dev);
}

static void test_dump_with_ifname_and_no_keys(void **state)
{
	struct wgx_devcfg *dev = wgx_devcfg_alloc();
	struct wgx_peercfg *p = wgx_devcfg_add_peer(dev);
	struct capture c;

	(void)state;
	key_seq(p->public_key, 0x21);
	wgx_show_field(capture_start(&c), "wg9", dev, "dump", true);
	capture_expect(&c, "wg9\t(none)\t(none)\t0\toff\n"
			   "wg9\t" K21 "\t(none)\t(none)\t(none)\t0\t0\t0\toff\n");
	wgx_devcfg_free(dev);
}

static void test_json(void **state)
{
	struct wgx_ipc_stat items[] = { { "rx_garbage", 0 }, { "rx_bad_mac", 3 } };
	struct wgx_show_stats st = { .wanted = true, .stats = { items, 2 } };
	struct wgx_devcfg *dev = sample_dev();
	struct capture c;

	(void)state;
	/* Only the last peer, to keep the text short. */
	wgx_devcfg_free(dev);
	dev = wgx_devcfg_alloc();
	dev->flags = WGX_DEV_HAS_LISTEN_PORT;
	dev->listen_port = 1;
	key_seq(wgx_devcfg_add_peer(dev)->public_key, 0x61);
	add_ip(dev->first_peer, "10.0.3.0/24");
	add_ip(dev->first_peer, "fd00::/64");
	dev->first_peer->last_handshake_time_sec = NOW;
	wgx_show_json(capture_start(&c), "wg\"0", dev, &st);
	capture_expect(&c, "{\n\t\"interface\": \"wg\\\"0\",\n"
			   "\t\"public_key\": null,\n\t\"private_key\": null,\n"
			   "\t\"listen_port\": 1,\n\t\"fwmark\": 0,\n\t\"peers\": [\n"
			   "\t\t{\n\t\t\t\"public_key\": \"" K61 "\",\n"
			   "\t\t\t\"preshared_key\": null,\n\t\t\t\"endpoint\": null,\n"
			   "\t\t\t\"allowed_ips\": [\"10.0.3.0/24\", \"fd00::/64\"],\n"
			   "\t\t\t\"latest_handshake\": 1700000000,\n\t\t\t\"rx_bytes\": 0,\n"
			   "\t\t\t\"tx_bytes\": 0,\n\t\t\t\"persistent_keepalive\": 0\n"
			   "\t\t}\n\t],\n"
			   "\t\"stats\": {\n\t\t\"rx_garbage\": 0,\n\t\t\"rx_bad_mac\": 3\n\t}\n}");
	wgx_devcfg_free(dev);
	dev = wgx_devcfg_alloc();
	wgx_show_json(capture_start(&c), "wg0", dev, NULL);
	capture_expect(&c, "{\n\t\"interface\": \"wg0\",\n\t\"public_key\": null,\n"
			   "\t\"private_key\": null,\n\t\"listen_port\": 0,\n\t\"fwmark\": 0,\n"
			   "\t\"peers\": [],\n\t\"stats\": null\n}");
	wgx_devcfg_free(dev);
}

/* ---- `wg set` arguments ---- */

/* A 0600 temporary file holding text; the caller unlinks it. */
static char *temp_file(const char *text)
{
	char *path = strdup("/tmp/wgx-test-cli-XXXXXX");
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

/* Parses argv (NULL-terminated), with what went to stderr in *err (caller frees). */
static int parse_set(struct wgx_devcfg **dev, const char *const *argv, char **err)
{
	struct capture c;
	int argc = 0, ret;

	while (argv[argc])
		argc++;
	ret = wgx_cli_parse_set(dev, argc, (char **)argv, capture_start(&c));
	fclose(c.f);
	*err = c.text;
	return ret;
}

static void test_set_every_arg(void **state)
{
	char *key_path = temp_file(K01 "\n\n"), *psk_path = temp_file(K41), *err;
	const char *argv[] = { "listen-port", "51820", "fwmark", "0x10", "private-key", key_path,
			       "peer", K21, "preshared-key", psk_path, "endpoint", "192.0.2.1:7",
			       "persistent-keepalive", "off", "allowed-ips",
			       " 10.0.0.0/8, fd00::1 ", "peer", K61, "remove", NULL };
	struct wgx_devcfg *dev;
	struct wgx_peercfg *p;
	wgx_key k;
	char prefix[WGX_PREFIX_STRLEN];

	(void)state;
	assert_int_equal(parse_set(&dev, argv, &err), 0);
	assert_string_equal(err, "");
	assert_int_equal(dev->flags, WGX_DEV_HAS_LISTEN_PORT | WGX_DEV_HAS_FWMARK |
					     WGX_DEV_HAS_PRIVATE_KEY);
	assert_int_equal(dev->listen_port, 51820);
	assert_int_equal(dev->fwmark, 16);
	key_seq(k, 0x01);
	assert_memory_equal(dev->private_key, k, WGX_KEY_LEN);
	p = dev->first_peer;
	assert_int_equal(p->flags, WGX_PEER_HAS_PUBLIC_KEY | WGX_PEER_HAS_PRESHARED_KEY |
					   WGX_PEER_HAS_ENDPOINT |
					   WGX_PEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL |
					   WGX_PEER_REPLACE_ALLOWEDIPS);
	key_seq(k, 0x41);
	assert_memory_equal(p->preshared_key, k, WGX_KEY_LEN);
	assert_int_equal(p->persistent_keepalive_interval, 0);
	wgx_devcfg_format_prefix(prefix, p->first_allowedip);
	assert_string_equal(prefix, "10.0.0.0/8");
	wgx_devcfg_format_prefix(prefix, p->first_allowedip->next);
	assert_string_equal(prefix, "fd00::1/128");
	assert_int_equal(p->next->flags, WGX_PEER_HAS_PUBLIC_KEY | WGX_PEER_REMOVE_ME);
	assert_null(p->next->next);
	wgx_devcfg_free(dev);
	free(err);
	unlink(key_path);
	unlink(psk_path);
	free(key_path);
	free(psk_path);
}

static void test_set_incremental_ips_and_warning(void **state)
{
	const char *argv[] = { "peer", K21, "allowed-ips", "+10.1.2.3/8,-fd00::/64", NULL };
	struct wgx_devcfg *dev;
	char *err;

	(void)state;
	assert_int_equal(parse_set(&dev, argv, &err), 0);
	assert_string_equal(err, "Warning: AllowedIP has nonzero host part: 10.1.2.3/8\n");
	assert_false(dev->first_peer->flags & WGX_PEER_REPLACE_ALLOWEDIPS);
	assert_int_equal(dev->first_peer->first_allowedip->flags, 0);
	assert_int_equal(dev->first_peer->last_allowedip->flags, WGX_ALLOWEDIP_REMOVE_ME);
	wgx_devcfg_free(dev);
	free(err);
}

static void test_set_null_key_and_services(void **state)
{
	const char *argv[] = { "private-key", "/dev/null", "listen-port", "domain", NULL };
	struct wgx_devcfg *dev;
	char *err;

	(void)state;
	assert_int_equal(parse_set(&dev, argv, &err), 0);
	assert_true(dev->flags & WGX_DEV_HAS_PRIVATE_KEY);
	assert_true(wgx_key_is_zero(dev->private_key));
	assert_int_equal(dev->listen_port, 53);	/* /etc/services, as wg(8) reads it */
	wgx_devcfg_free(dev);
	free(err);
}

struct set_error {
	const char *name;
	const char *argv[8];
	const char *message;
};

static const struct set_error set_errors[] = {
	{ "unknown", { "bogus", NULL }, "Invalid argument: bogus\n" },
	{ "missing value", { "listen-port", NULL }, "Invalid argument: listen-port\n" },
	{ "peer arg first", { "endpoint", "1.2.3.4:5", NULL }, "Invalid argument: endpoint\n" },
	{ "device arg in peer", { "peer", K21, "fwmark", "1", NULL },
	  "Invalid argument: fwmark\n" },
	{ "bad peer key", { "peer", "xyz", NULL },
	  "Key is not the correct length or format: `xyz'\n" },
	{ "empty port", { "listen-port", "", NULL }, "Unable to parse empty port\n" },
	{ "port range", { "listen-port", "65536", NULL },
	  "Port is not in the range 0-65535: `65536'\n" },
	{ "fwmark", { "fwmark", "0xq", NULL },
	  "Fwmark is neither 0/off nor 0-0xffffffff: `0xq'\n" },
	{ "keepalive", { "peer", K21, "persistent-keepalive", "65536", NULL },
	  "Persistent keepalive interval is neither 0/off nor 1-65535: `65536'\n" },
	{ "ip", { "peer", K21, "allowed-ips", "10.0.0.0/8,1.2.3/8", NULL },
	  "Unable to parse IP address: `1.2.3'\n" },
	{ "cidr", { "peer", K21, "allowed-ips", "-fd00::/129", NULL },
	  "AllowedIP is not in the correct format: `fd00::/129'\n" },
	{ "empty entry", { "peer", K21, "allowed-ips", "10.0.0.0/8,", NULL },
	  "Unable to parse IP address: `'\n" },
	{ "empty endpoint", { "peer", K21, "endpoint", "", NULL },
	  "Unable to parse empty endpoint\n" },
	{ "no port", { "peer", K21, "endpoint", "192.0.2.1:", NULL },
	  "Unable to find port of endpoint: `192.0.2.1:'\n" },
	{ "no brace", { "peer", K21, "endpoint", "[::1:5", NULL },
	  "Unable to find matching brace of endpoint: `[::1:5'\n" },
	{ "no port v6", { "peer", K21, "endpoint", "[::1]5", NULL },
	  "Unable to find port of endpoint: `[::1]5'\n" },
	{ "key file missing", { "private-key", "/nonexistent/key", NULL },
	  "fopen: No such file or directory\n" },
};

static void test_set_error(void **state)
{
	const struct set_error *e = *state;
	struct wgx_devcfg *dev = (void *)1;
	char *err;

	assert_true(parse_set(&dev, e->argv, &err) < 0);
	assert_null(dev);
	assert_string_equal(err, e->message);
	free(err);
}

/* ---- key files ---- */

static void test_key_files(void **state)
{
	static const struct {
		const char *text;
		int ret;
		const char *message;
	} rows[] = {
		{ K21, 0, "" },
		{ K21 " \n\t\n", 0, "" },
		{ "", 0, "" },	/* the zero key */
		{ " " K21, -EINVAL, "Found trailing character in key file: `='\n" },
		{ K21 "x", -EINVAL, "Found trailing character in key file: `x'\n" },
		{ "abc\n", -EINVAL, "Invalid length key in key file\n" },
		{ "not a key, but forty-four characters long!!!\n", -EINVAL,
		  "Key is not the correct length or format: `not a key, but forty-four characters "
		  "long!!!'\n" },
	};
	struct capture c;
	wgx_key key, k21;

	(void)state;
	key_seq(k21, 0x21);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *path = temp_file(rows[i].text);

		memset(key, 0xff, sizeof(key));
		assert_int_equal(wgx_cli_read_key_file(key, path, capture_start(&c)), rows[i].ret);
		capture_expect(&c, rows[i].message);
		if (!rows[i].ret)
			assert_memory_equal(key, rows[i].text[0] ? k21 : (uint8_t[32]){ 0 }, 32);
		unlink(path);
		free(path);
	}
}

/* ---- syncconf ---- */

static struct wgx_peercfg *peer_with(struct wgx_devcfg *dev, uint8_t first)
{
	struct wgx_peercfg *p = wgx_devcfg_add_peer(dev);

	assert_non_null(p);
	p->flags = WGX_PEER_HAS_PUBLIC_KEY;
	key_seq(p->public_key, first);
	return p;
}

static void test_sync_diff(void **state)
{
	struct wgx_devcfg *file = wgx_devcfg_alloc(), *run = wgx_devcfg_alloc();
	struct wgx_peercfg *fb, *fd, *rb, *p;

	(void)state;
	file->flags = WGX_DEV_REPLACE_PEERS | WGX_DEV_HAS_PRIVATE_KEY | WGX_DEV_HAS_LISTEN_PORT;
	key_seq(file->private_key, 0x01);
	run->flags = WGX_DEV_HAS_PRIVATE_KEY;
	key_seq(run->private_key, 0x01);
	fd = peer_with(file, 0x61);	/* new */
	fb = peer_with(file, 0x41);	/* kept, psk and keepalive omitted */
	rb = peer_with(run, 0x41);
	rb->flags |= WGX_PEER_HAS_PRESHARED_KEY;
	key_seq(rb->preshared_key, 0x01);
	rb->persistent_keepalive_interval = 25;
	peer_with(run, 0x21);		/* gone from the file */
	assert_int_equal(wgx_cli_sync_diff(file, run), 0);

	assert_int_equal(file->flags, WGX_DEV_HAS_PRIVATE_KEY | WGX_DEV_HAS_LISTEN_PORT);
	p = file->first_peer;
	assert_int_equal(p->flags, WGX_PEER_HAS_PUBLIC_KEY | WGX_PEER_REMOVE_ME);
	assert_int_equal(p->public_key[0], 0x21);
	assert_ptr_equal(p->next, fd);
	assert_int_equal(fd->flags, WGX_PEER_HAS_PUBLIC_KEY);
	assert_ptr_equal(fd->next, fb);
	assert_int_equal(fb->flags, WGX_PEER_HAS_PUBLIC_KEY | WGX_PEER_HAS_PRESHARED_KEY |
					    WGX_PEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL);
	assert_true(wgx_key_is_zero(fb->preshared_key));
	assert_ptr_equal(file->last_peer, fb);
	wgx_devcfg_free(file);
	wgx_devcfg_free(run);
}

static void test_sync_diff_replaces(void **state)
{
	struct wgx_devcfg *file = wgx_devcfg_alloc(), *run = wgx_devcfg_alloc();

	(void)state;
	/* No peers in the file: a plain setconf, which drops every peer. */
	file->flags = WGX_DEV_REPLACE_PEERS | WGX_DEV_HAS_PRIVATE_KEY;
	peer_with(run, 0x21);
	assert_int_equal(wgx_cli_sync_diff(file, run), 0);
	assert_int_equal(file->flags, WGX_DEV_REPLACE_PEERS | WGX_DEV_HAS_PRIVATE_KEY);
	assert_null(file->first_peer);
	/* A peer in both: nothing to remove, nothing to reset. */
	peer_with(file, 0x21);
	assert_int_equal(wgx_cli_sync_diff(file, run), 0);
	assert_int_equal(file->flags, WGX_DEV_HAS_PRIVATE_KEY);
	assert_int_equal(file->first_peer->flags, WGX_PEER_HAS_PUBLIC_KEY);
	assert_null(file->first_peer->next);
	wgx_devcfg_free(file);
	wgx_devcfg_free(run);
}

/* ---- stats=1 replies ---- */

static void test_stats_parse(void **state)
{
	static const char ok[] = "rx_garbage=1\nrx_bad_mac=18446744073709551615\nerrno=0\n\n";
	static const struct {
		const char *reply;
		int ret;
	} bad[] = {
		{ "errno=-22\n\n", -EINVAL },
		{ "errno=95\n\n", -EOPNOTSUPP },
		{ "a=1\n\n", -EPROTO },			/* no errno */
		{ "a=1\nerrno=0\n", -EPROTO },		/* cut before the blank line */
		{ "a=x\nerrno=0\n\n", -EPROTO },
		{ "=1\nerrno=0\n\n", -EPROTO },
		{ "a\nerrno=0\n\n", -EPROTO },
		{ "a_name_longer_than_the_forty_eight_bytes_we_keep_for=1\nerrno=0\n\n", -EPROTO },
	};
	struct wgx_ipc_stats st;

	(void)state;
	assert_int_equal(wgx_ipc_parse_stats(&st, ok, strlen(ok)), 0);
	assert_int_equal(st.count, 2);
	assert_string_equal(st.items[0].name, "rx_garbage");
	assert_int_equal(st.items[0].value, 1);
	assert_true(st.items[1].value == UINT64_MAX);
	wgx_ipc_stats_free(&st);
	assert_int_equal(wgx_ipc_parse_stats(&st, "errno=0\n\n", 9), 0);
	assert_int_equal(st.count, 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(wgx_ipc_parse_stats(&st, bad[i].reply, strlen(bad[i].reply)),
				 bad[i].ret);
		assert_null(st.items);
	}
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_ago),
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_endpoint),
		cmocka_unit_test(test_json_string),
		cmocka_unit_test(test_pretty),
		cmocka_unit_test(test_pretty_bare_and_unhidden),
		cmocka_unit_test(test_pretty_stats),
		cmocka_unit_test(test_sort_ties),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_dump_with_ifname_and_no_keys),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_set_every_arg),
		cmocka_unit_test(test_set_incremental_ips_and_warning),
		cmocka_unit_test(test_set_null_key_and_services),
		cmocka_unit_test(test_key_files),
		cmocka_unit_test(test_sync_diff),
		cmocka_unit_test(test_sync_diff_replaces),
		cmocka_unit_test(test_stats_parse),
	};
	const size_t nfixed = sizeof(fixed) / sizeof(fixed[0]);
	const size_t nbad = sizeof(set_errors) / sizeof(set_errors[0]);
	struct CMUnitTest tests[sizeof(fixed) / sizeof(fixed[0]) +
				sizeof(set_errors) / sizeof(set_errors[0])];
	size_t i;

	if (wgx_crypto_init())
		return 1;
	memcpy(tests, fixed, sizeof(fixed));
	for (i = 0; i < nbad; i++) {
		tests[nfixed + i] = (struct CMUnitTest)cmocka_unit_test_prestate(
			test_set_error, (void *)&set_errors[i]);
		tests[nfixed + i].name = set_errors[i].name;
	}
	return _cmocka_run_group_tests("cli", tests, nfixed + nbad, NULL, NULL);
}
