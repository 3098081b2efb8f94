/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wg(8)/wg-quick(8) config files: a seed-style file parses to the expected
 * diff, the writer prints exactly what `wg showconf` prints, write → parse is
 * the identity, and every error is -EINVAL with one message naming the line
 * and quoting the value. Error cases are a table, one cmocka test per row.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "keys.h"

/* Keys whose bytes are n, n+1, …, n+31: easy to check after decoding. */
#define K01 "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="
#define K21 "ISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0A="
#define K41 "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVpbXF1eX2A="
#define K61 "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4A="
#define KA0 "oKGio6SlpqeoqaqrrK2ur7CxsrO0tba3uLm6u7y9vr8="

static void assert_key_seq(const wgx_key key, uint8_t first)
{
	for (int i = 0; i < WGX_KEY_LEN; i++)
		assert_int_equal(key[i], (uint8_t)(first + i));
}

static int parse(struct wgx_devcfg **out, const char *text, unsigned int flags, char *err)
{
	return wgx_config_parse_buf(out, text, strlen(text), "test.conf", flags, err,
				    WGX_CONFIG_ERRBUF_LEN);
}

static struct wgx_devcfg *parse_ok(const char *text, unsigned int flags)
{
	char err[WGX_CONFIG_ERRBUF_LEN] = "";
	struct wgx_devcfg *dev = NULL;
	int ret = parse(&dev, text, flags, err);

	if (ret)
		print_error("unexpected error %d: %s\n", ret, err);
	assert_int_equal(ret, 0);
	assert_non_null(dev);
	return dev;
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

static const char seed_conf[] =
	"# wg0: seed-style example\n"
	"[Interface]\n"
	"ListenPort = 51820\n"
	"PrivateKey = " K01 "\n"
	"\n"
	"[Peer]  # first\n"
	"PublicKey = " K21 "\n"
	"PresharedKey = " K41 "\n"
	"AllowedIPs = 10.0.0.2/32, fd00::2/128\n"
	"Endpoint = 192.0.2.1:51820\n"
	"PersistentKeepalive = 25\n"
	"\n"
	"[Peer]\n"
	"PublicKey = " K61 "\n"
	"AllowedIPs = 10.0.1.0/24\n"
	"Endpoint = [2001:db8::1]:51821\n"
	"\n"
	"[Peer]\n"
	"PublicKey = " KA0 "\n"
	"AllowedIPs = 0.0.0.0/0, ::/0\n"
	"Endpoint = localhost:51822\n"
	"PersistentKeepalive = off\n";

static void test_seed_example(void **state)
{
	struct wgx_devcfg *dev = parse_ok(seed_conf, 0);
	struct wgx_peercfg *p;
	char ep[WGX_ENDPOINT_STRLEN];

	assert_int_equal(dev->flags, WGX_DEV_REPLACE_PEERS | WGX_DEV_HAS_PRIVATE_KEY |
					     WGX_DEV_HAS_LISTEN_PORT | WGX_DEV_HAS_FWMARK);
	assert_int_equal(dev->listen_port, 51820);
	assert_int_equal(dev->fwmark, 0);
	assert_key_seq(dev->private_key, 0x01);
	assert_int_equal(wgx_devcfg_peer_count(dev), 3);

	p = dev->first_peer;
	assert_int_equal(p->flags, WGX_PEER_REPLACE_ALLOWEDIPS | WGX_PEER_HAS_PUBLIC_KEY |
					   WGX_PEER_HAS_PRESHARED_KEY | WGX_PEER_HAS_ENDPOINT |
					   WGX_PEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL);
	assert_key_seq(p->public_key, 0x21);
	assert_key_seq(p->preshared_key, 0x41);
	assert_prefix(p->first_allowedip, "10.0.0.2/32", 0);
	assert_int_equal(p->first_allowedip->family, AF_INET);
	assert_prefix(p->first_allowedip->next, "fd00::2/128", 0);
	assert_int_equal(p->first_allowedip->next->family, AF_INET6);
	assert_null(p->first_allowedip->next->next);
	assert_int_equal(p->endpoint.ss_family, AF_INET);
	assert_int_equal(ntohs(((struct sockaddr_in *)&p->endpoint)->sin_port), 51820);
	assert_endpoint(&p->endpoint, "192.0.2.1:51820");
	assert_int_equal(p->persistent_keepalive_interval, 25);

	p = p->next;
	assert_int_equal(p->flags, WGX_PEER_REPLACE_ALLOWEDIPS | WGX_PEER_HAS_PUBLIC_KEY |
					   WGX_PEER_HAS_ENDPOINT);
	assert_key_seq(p->public_key, 0x61);
	assert_true(wgx_key_is_zero(p->preshared_key));
	assert_prefix(p->first_allowedip, "10.0.1.0/24", 0);
	assert_int_equal(p->endpoint.ss_family, AF_INET6);
	assert_endpoint(&p->endpoint, "[2001:db8::1]:51821");

	p = p->next;
	assert_key_seq(p->public_key, 0xa0);
	assert_prefix(p->first_allowedip, "0.0.0.0/0", 0);
	assert_prefix(p->first_allowedip->next, "::/0", 0);
	/* "off" is an explicit 0, not an absent value. */
	assert_true(p->flags & WGX_PEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL);
	assert_int_equal(p->persistent_keepalive_interval, 0);
	/* localhost is 127.0.0.1 or ::1 depending on the resolver's preference. */
	wgx_devcfg_format_endpoint(ep, &p->endpoint);
	if (strcmp(ep, "127.0.0.1:51822"))
		assert_string_equal(ep, "[::1]:51822");
	assert_null(p->next);
	wgx_devcfg_free(dev);
}

static const char showconf_in[] =
	"[Interface]\n"
	"PrivateKey = " K01 "\n"
	"ListenPort = 51820\n"
	"FwMark = 4660\n"
	"[Peer]\n"
	"PublicKey = " K21 "\n"
	"PresharedKey = " K41 "\n"
	"AllowedIPs = 10.0.0.2/32,fd00::2/128\n"
	"Endpoint = 192.0.2.1:51820\n"
	"PersistentKeepalive = 25\n"
	"[Peer]\n"
	"PublicKey = " K61 "\n"
	"AllowedIPs = 10.0.1.0/24\n"
	"Endpoint = [2001:db8::1]:51821\n"
	"PersistentKeepalive = 0\n";

/* What `wg showconf` prints for that device, byte for byte. */
static const char showconf_out[] =
	"[Interface]\n"
	"ListenPort = 51820\n"
	"FwMark = 0x1234\n"
	"PrivateKey = " K01 "\n"
	"\n"
	"[Peer]\n"
	"PublicKey = " K21 "\n"
	"PresharedKey = " K41 "\n"
	"AllowedIPs = 10.0.0.2/32, fd00::2/128\n"
	"Endpoint = 192.0.2.1:51820\n"
	"PersistentKeepalive = 25\n"
	"\n"
	"[Peer]\n"
	"PublicKey = " K61 "\n"
	"AllowedIPs = 10.0.1.0/24\n"
	"Endpoint = [2001:db8::1]:51821\n";

static void test_write_showconf_exact(void **state)
{
	struct wgx_devcfg *dev = parse_ok(showconf_in, 0);
	struct wgx_textbuf tb = { 0 };

	assert_int_equal(wgx_config_write_buf(&tb, dev, 0), 0);
	assert_string_equal(tb.buf, showconf_out);
	assert_int_equal(tb.len, strlen(showconf_out));
	wgx_textbuf_free(&tb);
	assert_null(tb.buf);
	wgx_devcfg_free(dev);
}

static void test_write_file(void **state)
{
	struct wgx_devcfg *dev = parse_ok(showconf_in, 0);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	assert_int_equal(wgx_config_write_file(f, dev, 0), 0);
	fclose(f);
	assert_string_equal(text, showconf_out);
	free(text);
	wgx_devcfg_free(dev);
}

/*
 * parse → write → parse gives the same diff and the same text. strict is off
 * for files with values `wg showconf` never prints (an explicit
 * PersistentKeepalive = off): only the text must then be a fixpoint.
 */
static void roundtrip(const char *text, unsigned int flags, bool strict)
{
	struct wgx_devcfg *a = parse_ok(text, flags), *b;
	struct wgx_textbuf t1 = { 0 }, t2 = { 0 };

	assert_int_equal(wgx_config_write_buf(&t1, a, flags), 0);
	b = parse_ok(t1.buf, flags);
	assert_true(wgx_devcfg_equal(a, b) == strict);
	assert_int_equal(wgx_config_write_buf(&t2, b, flags), 0);
	assert_string_equal(t1.buf, t2.buf);
	wgx_textbuf_free(&t1);
	wgx_textbuf_free(&t2);
	wgx_devcfg_free(a);
	wgx_devcfg_free(b);
}

static void test_roundtrip(void **state)
{
	roundtrip(showconf_out, 0, true);
	roundtrip(showconf_out, WGX_CONFIG_APPEND, true);
	roundtrip("[Interface]\n", 0, true);
	roundtrip("[Peer]\nPublicKey=" K21 "\nAllowedIPs=\n", 0, true);
	roundtrip("[Peer]\nPublicKey=" K21 "\nAllowedIPs=-10.0.0.0/8\n", 0, true);
	roundtrip("[Peer]\nPublicKey=" K21 "\nEndpoint=[fe80::1%7]:1\n", 0, true);
	roundtrip(seed_conf, 0, false);
}

/*
 * Thousands of allowed IPs over many lines must come back: the writer starts a
 * new AllowedIPs line before one outgrows the parser's line limit.
 */
static void test_roundtrip_huge_allowedips(void **state)
{
	struct wgx_textbuf in = { 0 }, out = { 0 };
	struct wgx_devcfg *a, *b;
	const char *line, *nl;
	int i, lines = 0;

	wgx_textbuf_printf(&in, "[Peer]\nPublicKey = %s\n", K21);
	for (i = 0; i < 6000; i++)
		wgx_textbuf_printf(&in, "AllowedIPs = fd00:%x:ffff:ffff:ffff:ffff:ffff:ff00/120\n", i);
	assert_int_equal(in.err, 0);
	a = parse_ok(in.buf, 0);
	assert_int_equal(wgx_config_write_buf(&out, a, 0), 0);
	for (line = out.buf; (nl = strchr(line, '\n')); line = nl + 1) {
		assert_true(nl - line <= WGX_CONFIG_LINE_MAX);
		lines += !strncmp(line, "AllowedIPs = ", 13);
	}
	assert_true(lines > 1);
	b = parse_ok(out.buf, 0);
	assert_true(wgx_devcfg_equal(a, b));
	wgx_textbuf_free(&in);
	wgx_textbuf_free(&out);
	wgx_devcfg_free(a);
	wgx_devcfg_free(b);
}

/* A hook as long as a line allows could not be written back within one. */
static void test_hook_too_long(void **state)
{
	char err[WGX_CONFIG_ERRBUF_LEN];
	struct wgx_textbuf in = { 0 };
	struct wgx_devcfg *dev = NULL;
	int i;

	wgx_textbuf_printf(&in, "[Interface]\nPostUp=");
	for (i = 0; i < WGX_CONFIG_LINE_MAX - 8; i++)
		wgx_textbuf_printf(&in, "x");
	assert_int_equal(parse(&dev, in.buf, WGX_CONFIG_WG_QUICK, err), -EINVAL);
	assert_null(dev);
	assert_string_equal(err, "test.conf:2: invalid PostUp "
				 "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'");
	wgx_textbuf_free(&in);
}

static const char quick_conf[] =
	"[Interface]\n"
	"Address = 10.0.0.1/24, fd00::1/64\n"
	"Address = 10.9.9.9\n"
	"DNS = 1.1.1.1, example.com\n"
	"MTU = 1420\n"
	"Table = off\n"
	"SaveConfig = True\n"
	"PreUp = echo   pre  up \n"
	"PostUp = iptables -A FORWARD -i %i -j ACCEPT; ip rule add fwmark=1\n"
	"PreDown = logger down\n"
	"PostDown = iptables -D FORWARD -i %i -j ACCEPT\n"
	"PrivateKey = " K01 "\n"
	"ListenPort = 51820\n";

static const char quick_out[] =
	"[Interface]\n"
	"Address = 10.0.0.1/24\n"
	"Address = fd00::1/64\n"
	"Address = 10.9.9.9/32\n"
	"DNS = 1.1.1.1\n"
	"DNS = example.com\n"
	"MTU = 1420\n"
	"Table = off\n"
	"SaveConfig = true\n"
	"PreUp = echo   pre  up\n"
	"PostUp = iptables -A FORWARD -i %i -j ACCEPT; ip rule add fwmark=1\n"
	"PreDown = logger down\n"
	"PostDown = iptables -D FORWARD -i %i -j ACCEPT\n"
	"ListenPort = 51820\n"
	"PrivateKey = " K01 "\n"
	"\n";

static void test_wg_quick_keys(void **state)
{
	struct wgx_devcfg *dev = parse_ok(quick_conf, WGX_CONFIG_WG_QUICK);
	struct wgx_quickcfg *q = &dev->quick;
	struct wgx_textbuf tb = { 0 };

	assert_prefix(q->first_address, "10.0.0.1/24", 0);
	assert_prefix(q->first_address->next, "fd00::1/64", 0);
	assert_prefix(q->last_address, "10.9.9.9/32", 0);
	assert_string_equal(q->dns.first->str, "1.1.1.1");
	assert_string_equal(q->dns.last->str, "example.com");
	assert_int_equal(q->mtu, 1420);
	assert_string_equal(q->table, "off");
	assert_true(q->save_config);
	/* Commands keep their inner spaces, lose the outer ones. */
	assert_string_equal(q->pre_up.first->str, "echo   pre  up");
	assert_string_equal(q->post_up.first->str,
			    "iptables -A FORWARD -i %i -j ACCEPT; ip rule add fwmark=1");
	assert_string_equal(q->pre_down.first->str, "logger down");
	assert_non_null(q->post_down.first);

	assert_int_equal(wgx_config_write_buf(&tb, dev, WGX_CONFIG_WG_QUICK), 0);
	assert_string_equal(tb.buf, quick_out);
	wgx_textbuf_free(&tb);
	/* Without the flag the writer is plain `wg showconf`: what `strip` prints. */
	assert_int_equal(wgx_config_write_buf(&tb, dev, 0), 0);
	assert_string_equal(tb.buf, "[Interface]\nListenPort = 51820\nPrivateKey = " K01 "\n\n");
	wgx_textbuf_free(&tb);
	wgx_devcfg_free(dev);
	roundtrip(quick_conf, WGX_CONFIG_WG_QUICK, true);
}

/* Lenient corners wg(8) accepts: each must parse, and to the stated result. */
static void test_edge_cases(void **state)
{
	struct wgx_devcfg *dev;
	struct wgx_peercfg *p;

	/* Later scalar keys win; AllowedIPs lines add up; sections may repeat. */
	dev = parse_ok("[Interface]\nPrivateKey=" K01 "\nListenPort=1\n[Interface]\n"
		       "PrivateKey=" K21 "\n[Peer]\nPublicKey=" K41 "\nAllowedIPs=10.0.0.1\n"
		       "AllowedIPs=10.0.0.2/32\nPersistentKeepalive=1\nPersistentKeepalive=2\n", 0);
	assert_key_seq(dev->private_key, 0x21);
	assert_int_equal(dev->listen_port, 1);
	p = dev->first_peer;
	assert_prefix(p->first_allowedip, "10.0.0.1/32", 0);
	assert_prefix(p->first_allowedip->next, "10.0.0.2/32", 0);
	assert_int_equal(p->persistent_keepalive_interval, 2);
	wgx_devcfg_free(dev);

	/* Case-insensitive keys and sections, CRLF, spaces anywhere, comments. */
	dev = parse_ok("[INTERFACE]\r\nlisten port = 5 1 8 2 0 # port\r\nfwmark = 0xff\r\n"
		       "[peer]\r\npublickey=" K21 "\r\nAllowed IPs = 10.0.0.0 / 8 ,\tfd00::/8\r\n"
		       "  # only a comment\r\n", 0);
	assert_int_equal(dev->listen_port, 51820);
	assert_int_equal(dev->fwmark, 0xff);
	assert_prefix(dev->first_peer->first_allowedip, "10.0.0.0/8", 0);
	assert_prefix(dev->first_peer->last_allowedip, "fd00::/8", 0);
	wgx_devcfg_free(dev);

	/* Empty AllowedIPs: replace with nothing. FwMark off. Same peer twice stays twice. */
	dev = parse_ok("[Interface]\nFwMark=off\n[Peer]\nPublicKey=" K21 "\nAllowedIPs=\n"
		       "[Peer]\nPublicKey=" K21 "\n", 0);
	assert_int_equal(dev->fwmark, 0);
	assert_true(dev->flags & WGX_DEV_HAS_FWMARK);
	assert_null(dev->first_peer->first_allowedip);
	assert_true(dev->first_peer->flags & WGX_PEER_REPLACE_ALLOWEDIPS);
	assert_int_equal(wgx_devcfg_peer_count(dev), 2);
	wgx_devcfg_free(dev);

	/* An empty file is a device with nothing: setconf clears everything. */
	dev = parse_ok("", 0);
	assert_null(dev->first_peer);
	assert_true(dev->flags & WGX_DEV_REPLACE_PEERS);
	wgx_devcfg_free(dev);
	dev = parse_ok("# nothing\n\n", WGX_CONFIG_APPEND);
	assert_int_equal(dev->flags, 0);
	wgx_devcfg_free(dev);

	/* Last line without a newline, key without spaces, value with '=' padding. */
	dev = parse_ok("[Peer]\nPublicKey=" K21, 0);
	assert_key_seq(dev->first_peer->public_key, 0x21);
	wgx_devcfg_free(dev);
}

/* wg set's incremental syntax: '+' adds, '-' removes, both stop the replace. */
static void test_allowedips_incremental(void **state)
{
	struct wgx_peercfg *p = calloc(1, sizeof(*p));
	const char *bad = NULL;
	size_t badlen = 0;

	assert_int_equal(wgx_config_parse_allowedips(p, "+10.0.0.0/8,-fd00::/8,10.1.0.0/16",
						     &bad, &badlen), 0);
	assert_false(p->flags & WGX_PEER_REPLACE_ALLOWEDIPS);
	assert_prefix(p->first_allowedip, "10.0.0.0/8", 0);
	assert_prefix(p->first_allowedip->next, "fd00::/8", WGX_ALLOWEDIP_REMOVE_ME);
	assert_prefix(p->last_allowedip, "10.1.0.0/16", 0);

	assert_int_equal(wgx_config_parse_allowedips(p, "10.2.0.0/16,10.0.0.256/8", &bad, &badlen),
			 -EINVAL);
	assert_int_equal(badlen, strlen("10.0.0.256/8"));
	assert_memory_equal(bad, "10.0.0.256/8", badlen);
	wgx_devcfg_clear_allowedips(p);
	assert_null(p->first_allowedip);
	assert_null(p->last_allowedip);
	free(p);
}

/* The per-type parsers used for `wg set` arguments, including their limits. */
static void test_value_parsers(void **state)
{
	uint16_t u16 = 7;
	uint32_t u32 = 7;
	bool b = false;

	assert_int_equal(wgx_config_parse_port(&u16, "0"), 0);
	assert_int_equal(u16, 0);
	assert_int_equal(wgx_config_parse_port(&u16, "65535"), 0);
	assert_int_equal(u16, 65535);
	assert_int_equal(wgx_config_parse_port(&u16, "65536"), -EINVAL);
	assert_int_equal(wgx_config_parse_port(&u16, "+1"), -EINVAL);
	assert_int_equal(wgx_config_parse_port(&u16, ""), -EINVAL);
	assert_int_equal(u16, 65535);
	assert_int_equal(wgx_config_parse_fwmark(&u32, "0xffffffff"), 0);
	assert_int_equal(u32, 0xffffffff);
	assert_int_equal(wgx_config_parse_fwmark(&u32, "4294967295"), 0);
	assert_int_equal(wgx_config_parse_fwmark(&u32, "4294967296"), -EINVAL);
	assert_int_equal(wgx_config_parse_fwmark(&u32, "0x100000000"), -EINVAL);
	assert_int_equal(wgx_config_parse_fwmark(&u32, "0x"), -EINVAL);
	assert_int_equal(wgx_config_parse_fwmark(&u32, "OFF"), 0);
	assert_int_equal(u32, 0);
	assert_int_equal(wgx_config_parse_keepalive(&u16, "Off"), 0);
	assert_int_equal(wgx_config_parse_keepalive(&u16, "65535"), 0);
	assert_int_equal(wgx_config_parse_keepalive(&u16, "on"), -EINVAL);
	assert_int_equal(wgx_config_parse_mtu(&u32, "1280"), 0);
	assert_int_equal(wgx_config_parse_mtu(&u32, "67"), -EINVAL);
	assert_int_equal(wgx_config_parse_mtu(&u32, "65536"), -EINVAL);
	assert_int_equal(wgx_config_parse_bool(&b, "TRUE"), 0);
	assert_true(b);
	assert_int_equal(wgx_config_parse_bool(&b, "1"), -EINVAL);
}

static void test_parse_file(void **state)
{
	char err[WGX_CONFIG_ERRBUF_LEN] = "";
	struct wgx_devcfg *dev = NULL;
	FILE *f = tmpfile();
	int i;

	assert_non_null(f);
	fputs(seed_conf, f);
	rewind(f);
	assert_int_equal(wgx_config_parse_file(&dev, f, "wg0.conf", 0, err, sizeof(err)), 0);
	assert_int_equal(wgx_devcfg_peer_count(dev), 3);
	wgx_devcfg_free(dev);

	/* A line of exactly the limit is fine, one more byte is not. */
	rewind(f);
	fputs("[Interface]\n#", f);
	for (i = 1; i < WGX_CONFIG_LINE_MAX; i++)
		fputc('x', f);
	fputs("\n#y", f);
	for (i = 1; i < WGX_CONFIG_LINE_MAX + 1; i++)
		fputc('y', f);
	rewind(f);
	assert_int_equal(wgx_config_parse_file(&dev, f, "wg0.conf", 0, err, sizeof(err)), -EINVAL);
	assert_null(dev);
	assert_string_equal(err, "wg0.conf:3: line longer than 65535 characters");
	fclose(f);

	/* No error buffer is fine too. */
	assert_int_equal(wgx_config_parse_buf(&dev, "x", 1, NULL, 0, NULL, 0), -EINVAL);
	assert_null(dev);
}

static void test_numeric_only(void **state)
{
	char err[WGX_CONFIG_ERRBUF_LEN];
	struct wgx_devcfg *dev = NULL;

	assert_int_equal(parse(&dev, "[Peer]\nPublicKey=" K21 "\nEndpoint=localhost:1\n",
			       WGX_CONFIG_NUMERIC, err), -EINVAL);
	assert_string_equal(err, "test.conf:3: invalid Endpoint 'localhost:1': expected numeric "
				 "a.b.c.d:port or [v6]:port");
	dev = parse_ok("[Peer]\nPublicKey=" K21 "\nEndpoint=[::ffff:1.2.3.4]:9\n",
		       WGX_CONFIG_NUMERIC);
	assert_endpoint(&dev->first_peer->endpoint, "[::ffff:1.2.3.4]:9");
	wgx_devcfg_free(dev);
}

/*
 * Resolver failures name their cause. A missing service fails in the files
 * backend without touching DNS, and is permanent, so no retry sleeps.
 */
static void test_endpoint_resolve_error(void **state)
{
	const char *text = "[Peer]\nPublicKey=" K21 "\nEndpoint=192.0.2.1:nosuchservice\n";
	char err[WGX_CONFIG_ERRBUF_LEN];
	struct wgx_devcfg *dev = NULL;

	setenv("WG_ENDPOINT_RESOLUTION_RETRIES", "infinity", 1);
	assert_int_equal(parse(&dev, text, 0, err), -EINVAL);
	unsetenv("WG_ENDPOINT_RESOLUTION_RETRIES");
	assert_null(dev);
	assert_true(!strncmp(err, "test.conf:3: invalid Endpoint '192.0.2.1:nosuchservice': ",
			     strlen("test.conf:3: invalid Endpoint '192.0.2.1:nosuchservice': ")));
	assert_true(strlen(err) > strlen("test.conf:3: invalid Endpoint '192.0.2.1:nosuchservice': "));
}

struct error_case {
	const char *name;
	const char *text;
	size_t len;		/* 0: strlen(text) */
	unsigned int flags;
	const char *message;
};

#define NUL_TEXT "[Interface]\nListen\0Port = 1\n"
#define P "[Peer]\nPublicKey=" K21 "\n"

static const struct error_case error_cases[] = {
	{ "private_key_base64", "[Interface]\nPrivateKey = notbase64!\n", 0, 0,
	  "test.conf:2: invalid PrivateKey 'notb...'" },
	{ "private_key_noncanonical", "[Interface]\nPrivateKey = "
	  "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyB=\n", 0, 0,
	  "test.conf:2: invalid PrivateKey 'AQID...'" },
	{ "public_key_short", "[Peer]\nPublicKey = " "AQIDBAUG=\n", 0, 0,
	  "test.conf:2: invalid PublicKey 'AQIDBAUG='" },
	{ "preshared_key_long", P "PresharedKey = " K41 "A\n", 0, 0,
	  "test.conf:3: invalid PresharedKey 'QUJD...'" },
	{ "unknown_key", "[Interface]\nListenPrt = 1\n", 0, 0,
	  "test.conf:2: unknown key 'ListenPrt'" },
	{ "key_outside_section", "# hi\nListenPort = 1\n", 0, 0,
	  "test.conf:2: key 'ListenPort' outside of [Interface] or [Peer]" },
	{ "key_wrong_section", P "ListenPort = 1\n", 0, 0,
	  "test.conf:3: key 'ListenPort' does not belong in [Peer]" },
	{ "peer_key_in_interface", "[Interface]\nEndpoint = 1.2.3.4:5\n", 0, 0,
	  "test.conf:2: key 'Endpoint' does not belong in [Interface]" },
	{ "unknown_section", "[Interface]\n[Peers]\n", 0, 0,
	  "test.conf:2: unknown section '[Peers]'" },
	{ "no_equals", "[Interface]\nListenPort 51820\n", 0, 0,
	  "test.conf:2: expected 'Key = Value', got 'ListenPort51820'" },
	{ "port_too_big", "[Interface]\nListenPort = 65536\n", 0, 0,
	  "test.conf:2: invalid ListenPort '65536'" },
	{ "port_negative", "[Interface]\nListenPort = -1\n", 0, 0,
	  "test.conf:2: invalid ListenPort '-1'" },
	{ "port_empty", "[Interface]\nListenPort =\n", 0, 0,
	  "test.conf:2: invalid ListenPort ''" },
	{ "fwmark_bad", "[Interface]\nFwMark = 0xfg\n", 0, 0,
	  "test.conf:2: invalid FwMark '0xfg'" },
	{ "cidr_bad_octet", P "AllowedIPs = 10.0.0.300/24\n", 0, 0,
	  "test.conf:3: invalid AllowedIPs '10.0.0.300/24'" },
	{ "cidr_too_long_v4", P "AllowedIPs = 10.0.0.0/33\n", 0, 0,
	  "test.conf:3: invalid AllowedIPs '10.0.0.0/33'" },
	{ "cidr_too_long_v6", P "AllowedIPs = 10.0.0.1, fd00::/129\n", 0, 0,
	  "test.conf:3: invalid AllowedIPs 'fd00::/129'" },
	{ "cidr_empty_mask", P "AllowedIPs = 10.0.0.0/\n", 0, 0,
	  "test.conf:3: invalid AllowedIPs '10.0.0.0/'" },
	{ "cidr_empty_entry", P "AllowedIPs = 10.0.0.0/8,,10.1.0.0/16\n", 0, 0,
	  "test.conf:3: invalid AllowedIPs ''" },
	{ "cidr_trailing_comma", P "AllowedIPs = 10.0.0.0/8,\n", 0, 0,
	  "test.conf:3: invalid AllowedIPs ''" },
	{ "cidr_hostname", P "AllowedIPs = example.com/8\n", 0, 0,
	  "test.conf:3: invalid AllowedIPs 'example.com/8'" },
	{ "endpoint_no_port", P "Endpoint = 192.0.2.1\n", 0, 0,
	  "test.conf:3: invalid Endpoint '192.0.2.1': expected host:port or [host]:port" },
	{ "endpoint_empty_port", P "Endpoint = 192.0.2.1:\n", 0, 0,
	  "test.conf:3: invalid Endpoint '192.0.2.1:': expected host:port or [host]:port" },
	{ "endpoint_no_brace", P "Endpoint = [::1:51820\n", 0, 0,
	  "test.conf:3: invalid Endpoint '[::1:51820': expected host:port or [host]:port" },
	{ "endpoint_brace_no_colon", P "Endpoint = [::1]51820\n", 0, 0,
	  "test.conf:3: invalid Endpoint '[::1]51820': expected host:port or [host]:port" },
	{ "endpoint_port_range", P "Endpoint = 192.0.2.1:65536\n", 0, 0,
	  "test.conf:3: invalid Endpoint '192.0.2.1:65536': port out of range" },
	{ "endpoint_empty", P "Endpoint =\n", 0, 0,
	  "test.conf:3: invalid Endpoint '': expected host:port or [host]:port" },
	{ "keepalive_too_big", P "PersistentKeepalive = 65536\n", 0, 0,
	  "test.conf:3: invalid PersistentKeepalive '65536'" },
	{ "keepalive_word", P "PersistentKeepalive = on\n", 0, 0,
	  "test.conf:3: invalid PersistentKeepalive 'on'" },
	{ "peer_without_key", "[Peer]\nAllowedIPs = 10.0.0.0/8\n" P, 0, 0,
	  "test.conf:1: [Peer] without PublicKey" },
	{ "last_peer_without_key", P "[Peer]\nEndpoint = 1.2.3.4:5\n", 0, 0,
	  "test.conf:3: [Peer] without PublicKey" },
	{ "nul_byte", NUL_TEXT, sizeof(NUL_TEXT) - 1, 0,
	  "test.conf:2: NUL byte in line" },
	{ "quick_key_not_allowed", "[Interface]\nAddress = 10.0.0.1/24\n", 0, 0,
	  "test.conf:2: wg-quick key 'Address' not accepted here (use wg-quick or strip)" },
	{ "quick_hook_not_allowed", "[Interface]\npostup = echo hi\n", 0, 0,
	  "test.conf:2: wg-quick key 'PostUp' not accepted here (use wg-quick or strip)" },
	{ "quick_key_in_peer", P "DNS = 1.1.1.1\n", 0, WGX_CONFIG_WG_QUICK,
	  "test.conf:3: key 'DNS' does not belong in [Peer]" },
	{ "quick_bad_address", "[Interface]\nAddress = 10.0.0.1/24, 10.0.0.2/40\n", 0,
	  WGX_CONFIG_WG_QUICK, "test.conf:2: invalid Address '10.0.0.2/40'" },
	{ "quick_bad_dns", "[Interface]\nDNS = 1.1.1.1,,8.8.8.8\n", 0, WGX_CONFIG_WG_QUICK,
	  "test.conf:2: invalid DNS ''" },
	{ "quick_bad_dns_char", "[Interface]\nDNS = exa$mple.com\n", 0, WGX_CONFIG_WG_QUICK,
	  "test.conf:2: invalid DNS 'exa$mple.com'" },
	{ "quick_bad_mtu", "[Interface]\nMTU = 0\n", 0, WGX_CONFIG_WG_QUICK,
	  "test.conf:2: invalid MTU '0'" },
	{ "quick_bad_table", "[Interface]\nTable = main=1\n", 0, WGX_CONFIG_WG_QUICK,
	  "test.conf:2: invalid Table 'main=1'" },
	{ "quick_bad_bool", "[Interface]\nSaveConfig = yes\n", 0, WGX_CONFIG_WG_QUICK,
	  "test.conf:2: invalid SaveConfig 'yes'" },
	{ "control_chars_quoted", P "Endpoint = \x1b[31m:1\n", 0, WGX_CONFIG_NUMERIC,
	  "test.conf:3: invalid Endpoint '?[31m:1': expected numeric a.b.c.d:port or [v6]:port" },
	{ "long_value_quoted_short", P "AllowedIPs = "
	  "1111111111111111111111111111111111111111111111111111111111111111111111\n", 0, 0,
	  "test.conf:3: invalid AllowedIPs "
	  "'1111111111111111111111111111111111111111111111111111111111111111...'" },
};

static void test_error_case(void **state)
{
	const struct error_case *c = *state;
	char err[WGX_CONFIG_ERRBUF_LEN] = "";
	struct wgx_devcfg *dev = (void *)1;
	size_t len = c->len ? c->len : strlen(c->text);

	assert_int_equal(wgx_config_parse_buf(&dev, c->text, len, "test.conf", c->flags, err,
					      sizeof(err)), -EINVAL);
	assert_null(dev);
	assert_string_equal(err, c->message);
}

/* Truncated error buffers stay NUL-terminated. */
static void test_small_errbuf(void **state)
{
	char err[12];
	struct wgx_devcfg *dev;

	memset(err, 'z', sizeof(err));
	assert_int_equal(wgx_config_parse_buf(&dev, "junk", 4, "test.conf", 0, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "test.conf:1");
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_seed_example),
		cmocka_unit_test(test_write_showconf_exact),
		cmocka_unit_test(test_write_file),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_roundtrip_huge_allowedips),
		cmocka_unit_test(test_hook_too_long),
		cmocka_unit_test(test_wg_quick_keys),
		cmocka_unit_test(test_edge_cases),
		cmocka_unit_test(test_allowedips_incremental),
		cmocka_unit_test(test_value_parsers),
		cmocka_unit_test(test_parse_file),
		cmocka_unit_test(test_numeric_only),
		cmocka_unit_test(test_endpoint_resolve_error),
		cmocka_unit_test(test_small_errbuf),
	};
	const size_t nfixed = sizeof(fixed) / sizeof(fixed[0]);
	const size_t nerr = sizeof(error_cases) / sizeof(error_cases[0]);
	struct CMUnitTest tests[sizeof(fixed) / sizeof(fixed[0]) +
				sizeof(error_cases) / sizeof(error_cases[0])];
	size_t i;

	if (wgx_crypto_init())
		return 1;
	memcpy(tests, fixed, sizeof(fixed));
	for (i = 0; i < nerr; i++) {
		tests[nfixed + i] = (struct CMUnitTest)cmocka_unit_test_prestate(
			test_error_case, (void *)&error_cases[i]);
		tests[nfixed + i].name = error_cases[i].name;
	}
	return _cmocka_run_group_tests("config", tests, nfixed + nerr, NULL, NULL);
}
