/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libFuzzer target for the config parser. The first byte picks the flags
 * (setconf/addconf, with or without wg-quick keys); endpoints are numeric so
 * no input reaches the resolver. A file that parses must survive
 * write → parse: the second text equals the first (a fixpoint), the re-parsed
 * diff equals its own re-parse, and no value of the original is lost.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

static bool same_strings(const struct wgx_strlist *a, const struct wgx_strlist *b)
{
	const struct wgx_string *x = a->first, *y = b->first;

	for (; x && y; x = x->next, y = y->next) {
		if (strcmp(x->str, y->str))
			return false;
	}
	return !x && !y;
}

static bool same_prefixes(const struct wgx_allowedip *x, const struct wgx_allowedip *y)
{
	char px[WGX_PREFIX_STRLEN], py[WGX_PREFIX_STRLEN];

	for (; x && y; x = x->next, y = y->next) {
		wgx_devcfg_format_prefix(px, x);
		wgx_devcfg_format_prefix(py, y);
		if (strcmp(px, py) || x->flags != y->flags)
			return false;
	}
	return !x && !y;
}

static bool same_quick(const struct wgx_quickcfg *a, const struct wgx_quickcfg *b)
{
	if (!!a->table != !!b->table || (a->table && strcmp(a->table, b->table)))
		return false;
	return a->mtu == b->mtu && a->save_config == b->save_config &&
	       same_prefixes(a->first_address, b->first_address) && same_strings(&a->dns, &b->dns) &&
	       same_strings(&a->pre_up, &b->pre_up) && same_strings(&a->post_up, &b->post_up) &&
	       same_strings(&a->pre_down, &b->pre_down) &&
	       same_strings(&a->post_down, &b->post_down);
}

/*
 * The values `wg showconf` carries. Flags it cannot express (an explicit
 * "PersistentKeepalive = off", a '+' entry's incremental mode) are left out.
 */
static bool same_peer(const struct wgx_peercfg *a, const struct wgx_peercfg *b)
{
	char ea[WGX_ENDPOINT_STRLEN] = "", eb[WGX_ENDPOINT_STRLEN] = "";

	if (a->flags & WGX_PEER_HAS_ENDPOINT)
		wgx_devcfg_format_endpoint(ea, &a->endpoint);
	if (b->flags & WGX_PEER_HAS_ENDPOINT)
		wgx_devcfg_format_endpoint(eb, &b->endpoint);
	return wgx_key_equal(a->public_key, b->public_key) &&
	       (a->flags & WGX_PEER_HAS_PRESHARED_KEY) == (b->flags & WGX_PEER_HAS_PRESHARED_KEY) &&
	       wgx_key_equal(a->preshared_key, b->preshared_key) && !strcmp(ea, eb) &&
	       a->persistent_keepalive_interval == b->persistent_keepalive_interval &&
	       same_prefixes(a->first_allowedip, b->first_allowedip);
}

static bool same_values(const struct wgx_devcfg *a, const struct wgx_devcfg *b, bool quick)
{
	const struct wgx_peercfg *pa, *pb;

	if ((a->flags & WGX_DEV_HAS_PRIVATE_KEY) != (b->flags & WGX_DEV_HAS_PRIVATE_KEY) ||
	    !wgx_key_equal(a->private_key, b->private_key) || a->listen_port != b->listen_port ||
	    a->fwmark != b->fwmark || (quick && !same_quick(&a->quick, &b->quick)))
		return false;
	for (pa = a->first_peer, pb = b->first_peer; pa && pb; pa = pa->next, pb = pb->next) {
		if (!same_peer(pa, pb))
			return false;
	}
	return !pa && !pb;
}

static struct wgx_devcfg *reparse(const struct wgx_textbuf *tb, unsigned int flags)
{
	char err[WGX_CONFIG_ERRBUF_LEN];
	struct wgx_devcfg *dev;

	if (wgx_config_parse_buf(&dev, tb->buf, tb->len, "out.conf", flags, err, sizeof(err)))
		abort();	/* our own output must parse */
	return dev;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wgx_textbuf t1 = { 0 }, t2 = { 0 };
	struct wgx_devcfg *a, *b = NULL, *c = NULL;
	char err[WGX_CONFIG_ERRBUF_LEN] = "";
	unsigned int flags;

	if (size < 1)
		return 0;
	flags = WGX_CONFIG_NUMERIC | (data[0] & (WGX_CONFIG_APPEND | WGX_CONFIG_WG_QUICK));
	if (wgx_config_parse_buf(&a, (const char *)data + 1, size - 1, "fuzz.conf", flags, err,
				 sizeof(err))) {
		/* Every failure explains itself, starting with file and line. */
		if (a || strncmp(err, "fuzz.conf:", 10))
			abort();
		return 0;
	}
	if (wgx_config_write_buf(&t1, a, flags))
		goto out;
	b = reparse(&t1, flags);
	if (wgx_config_write_buf(&t2, b, flags))
		goto out;
	c = reparse(&t2, flags);
	if (t1.len != t2.len || memcmp(t1.buf, t2.buf, t1.len) || !wgx_devcfg_equal(b, c) ||
	    !same_values(a, b, flags & WGX_CONFIG_WG_QUICK))
		abort();
out:
	wgx_textbuf_free(&t1);
	wgx_textbuf_free(&t2);
	wgx_devcfg_free(a);
	wgx_devcfg_free(b);
	wgx_devcfg_free(c);
	return 0;
}
