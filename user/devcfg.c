/* SPDX-License-Identifier: GPL-2.0 */
/* The configuration diff: lifetime, comparison and the value syntax shared by all text formats. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devcfg.h"

struct wgx_devcfg *wgx_devcfg_alloc(void)
{
	return calloc(1, sizeof(struct wgx_devcfg));
}

static void free_allowedips(struct wgx_allowedip *aip)
{
	struct wgx_allowedip *next;

	for (; aip; aip = next) {
		next = aip->next;
		free(aip);
	}
}

static void free_strlist(struct wgx_strlist *list)
{
	struct wgx_string *s, *next;

	for (s = list->first; s; s = next) {
		next = s->next;
		/* PostUp lines may hold secrets (`wg set … private-key <(pass …)`). */
		sodium_memzero(s->str, strlen(s->str));
		free(s);
	}
	list->first = list->last = NULL;
}

static void free_quick(struct wgx_quickcfg *quick)
{
	free_allowedips(quick->first_address);
	free_strlist(&quick->dns);
	free(quick->table);
	free_strlist(&quick->pre_up);
	free_strlist(&quick->post_up);
	free_strlist(&quick->pre_down);
	free_strlist(&quick->post_down);
}

void wgx_devcfg_free(struct wgx_devcfg *dev)
{
	struct wgx_peercfg *peer, *next;

	if (!dev)
		return;
	for (peer = dev->first_peer; peer; peer = next) {
		next = peer->next;
		free_allowedips(peer->first_allowedip);
		sodium_memzero(peer, sizeof(*peer));
		free(peer);
	}
	free_quick(&dev->quick);
	sodium_memzero(dev, sizeof(*dev));
	free(dev);
}

struct wgx_peercfg *wgx_devcfg_add_peer(struct wgx_devcfg *dev)
{
	struct wgx_peercfg *peer = calloc(1, sizeof(*peer));

	if (!peer)
		return NULL;
	peer->endpoint.ss_family = AF_UNSPEC;
	if (dev->last_peer)
		dev->last_peer->next = peer;
	else
		dev->first_peer = peer;
	dev->last_peer = peer;
	return peer;
}

static int append_prefix(struct wgx_allowedip **first, struct wgx_allowedip **last,
			 const struct wgx_allowedip *src)
{
	struct wgx_allowedip *aip = malloc(sizeof(*aip));

	if (!aip)
		return -ENOMEM;
	*aip = *src;
	aip->next = NULL;
	if (*last)
		(*last)->next = aip;
	else
		*first = aip;
	*last = aip;
	return 0;
}

int wgx_devcfg_add_allowedip(struct wgx_peercfg *peer, const struct wgx_allowedip *aip)
{
	return append_prefix(&peer->first_allowedip, &peer->last_allowedip, aip);
}

void wgx_devcfg_clear_allowedips(struct wgx_peercfg *peer)
{
	free_allowedips(peer->first_allowedip);
	peer->first_allowedip = peer->last_allowedip = NULL;
}

int wgx_devcfg_add_address(struct wgx_devcfg *dev, const struct wgx_allowedip *addr)
{
	return append_prefix(&dev->quick.first_address, &dev->quick.last_address, addr);
}

int wgx_devcfg_add_string(struct wgx_strlist *list, const char *s, size_t len)
{
	struct wgx_string *item = malloc(sizeof(*item) + len + 1);

	if (!item)
		return -ENOMEM;
	memcpy(item->str, s, len);
	item->str[len] = '\0';
	item->next = NULL;
	if (list->last)
		list->last->next = item;
	else
		list->first = item;
	list->last = item;
	return 0;
}

size_t wgx_devcfg_peer_count(const struct wgx_devcfg *dev)
{
	const struct wgx_peercfg *peer;
	size_t n = 0;

	wgx_devcfg_for_each_peer(dev, peer)
		n++;
	return n;
}

/* ---- comparison ---- */

static bool prefix_equal(const struct wgx_allowedip *a, const struct wgx_allowedip *b)
{
	size_t len = a->family == AF_INET ? sizeof(a->ip4) : sizeof(a->ip6);

	return a->flags == b->flags && a->family == b->family && a->cidr == b->cidr &&
	       !memcmp(&a->ip6, &b->ip6, len);
}

static bool prefixes_equal(const struct wgx_allowedip *a, const struct wgx_allowedip *b)
{
	for (; a && b; a = a->next, b = b->next) {
		if (!prefix_equal(a, b))
			return false;
	}
	return !a && !b;
}

static bool strlists_equal(const struct wgx_strlist *la, const struct wgx_strlist *lb)
{
	const struct wgx_string *a = la->first, *b = lb->first;

	for (; a && b; a = a->next, b = b->next) {
		if (strcmp(a->str, b->str))
			return false;
	}
	return !a && !b;
}

/* Field by field: sockaddr padding and sin6_flowinfo carry nothing we set. */
static bool endpoint_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	const struct sockaddr_in *a4 = (const void *)a, *b4 = (const void *)b;
	const struct sockaddr_in6 *a6 = (const void *)a, *b6 = (const void *)b;

	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return a4->sin_port == b4->sin_port && a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	if (a->ss_family == AF_INET6)
		return a6->sin6_port == b6->sin6_port && a6->sin6_scope_id == b6->sin6_scope_id &&
		       !memcmp(&a6->sin6_addr, &b6->sin6_addr, sizeof(a6->sin6_addr));
	return true;
}

static bool peer_equal(const struct wgx_peercfg *a, const struct wgx_peercfg *b)
{
	return a->flags == b->flags && wgx_key_equal(a->public_key, b->public_key) &&
	       wgx_key_equal(a->preshared_key, b->preshared_key) &&
	       endpoint_equal(&a->endpoint, &b->endpoint) &&
	       a->persistent_keepalive_interval == b->persistent_keepalive_interval &&
	       a->last_handshake_time_sec == b->last_handshake_time_sec &&
	       a->last_handshake_time_nsec == b->last_handshake_time_nsec &&
	       a->rx_bytes == b->rx_bytes && a->tx_bytes == b->tx_bytes &&
	       prefixes_equal(a->first_allowedip, b->first_allowedip);
}

static bool quick_equal(const struct wgx_quickcfg *a, const struct wgx_quickcfg *b)
{
	if (!!a->table != !!b->table || (a->table && strcmp(a->table, b->table)))
		return false;
	return a->mtu == b->mtu && a->save_config == b->save_config &&
	       prefixes_equal(a->first_address, b->first_address) &&
	       strlists_equal(&a->dns, &b->dns) && strlists_equal(&a->pre_up, &b->pre_up) &&
	       strlists_equal(&a->post_up, &b->post_up) &&
	       strlists_equal(&a->pre_down, &b->pre_down) &&
	       strlists_equal(&a->post_down, &b->post_down);
}

bool wgx_devcfg_equal(const struct wgx_devcfg *a, const struct wgx_devcfg *b)
{
	const struct wgx_peercfg *pa, *pb;

	if (a->flags != b->flags || !wgx_key_equal(a->private_key, b->private_key) ||
	    !wgx_key_equal(a->public_key, b->public_key) || a->listen_port != b->listen_port ||
	    a->fwmark != b->fwmark || !quick_equal(&a->quick, &b->quick))
		return false;
	for (pa = a->first_peer, pb = b->first_peer; pa && pb; pa = pa->next, pb = pb->next) {
		if (!peer_equal(pa, pb))
			return false;
	}
	return !pa && !pb;
}

/* ---- value syntax ---- */

int wgx_devcfg_parse_u64(uint64_t *out, const char *s, uint64_t max)
{
	uint64_t v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		if (v > (max - (uint64_t)(*s - '0')) / 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

/* inet_pton copies into fixed buffers, so bound the text before handing it over. */
static int parse_addr(struct wgx_allowedip *out, const char *s, size_t len)
{
	char buf[INET6_ADDRSTRLEN];

	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (memchr(buf, ':', len)) {
		out->family = AF_INET6;
		return inet_pton(AF_INET6, buf, &out->ip6) == 1 ? 0 : -EINVAL;
	}
	out->family = AF_INET;
	return inet_pton(AF_INET, buf, &out->ip4) == 1 ? 0 : -EINVAL;
}

int wgx_devcfg_parse_prefix(struct wgx_allowedip *out, const char *s, bool require_cidr)
{
	const char *slash = strchr(s, '/');
	uint64_t cidr;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = parse_addr(out, s, slash ? (size_t)(slash - s) : strlen(s));
	if (ret)
		return ret;
	if (!slash) {
		out->cidr = out->family == AF_INET ? 32 : 128;
		return require_cidr ? -EINVAL : 0;
	}
	ret = wgx_devcfg_parse_u64(&cidr, slash + 1, out->family == AF_INET ? 32 : 128);
	if (ret)
		return ret;
	out->cidr = (uint8_t)cidr;
	return 0;
}

void wgx_devcfg_format_prefix(char *out, const struct wgx_allowedip *aip)
{
	char ip[INET6_ADDRSTRLEN] = "";

	inet_ntop(aip->family, &aip->ip6, ip, sizeof(ip));
	snprintf(out, WGX_PREFIX_STRLEN, "%s/%u", ip, aip->cidr);
}

/* "%eth0" or "%3" after a link-local address. */
static int parse_scope(uint32_t *scope, const char *s)
{
	uint64_t v;

	if (!wgx_devcfg_parse_u64(&v, s, UINT32_MAX)) {
		*scope = (uint32_t)v;
		return 0;
	}
	if (!*s || strlen(s) >= IF_NAMESIZE)
		return -EINVAL;
	*scope = if_nametoindex(s);
	return *scope ? 0 : -EINVAL;
}

static int parse_endpoint6(struct sockaddr_in6 *sin6, char *host)
{
	char *pct = strchr(host, '%');

	if (pct) {
		*pct = '\0';
		if (parse_scope(&sin6->sin6_scope_id, pct + 1))
			return -EINVAL;
	}
	sin6->sin6_family = AF_INET6;
	return inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1 ? 0 : -EINVAL;
}

int wgx_devcfg_parse_endpoint(struct sockaddr_storage *out, const char *s)
{
	char buf[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
	struct sockaddr_storage ss = { .ss_family = AF_UNSPEC };
	struct sockaddr_in *sin = (void *)&ss;
	const char *colon = strrchr(s, ':');
	size_t hostlen = colon ? (size_t)(colon - s) : 0;
	uint64_t port;
	int ret = -EINVAL;

	if (!colon || hostlen == 0 || hostlen >= sizeof(buf))
		goto out;
	memcpy(buf, s, hostlen);
	buf[hostlen] = '\0';
	if (wgx_devcfg_parse_u64(&port, colon + 1, UINT16_MAX))
		goto out;
	if (buf[0] == '[') {
		if (hostlen < 3 || buf[hostlen - 1] != ']')
			goto out;
		buf[hostlen - 1] = '\0';
		ret = parse_endpoint6((struct sockaddr_in6 *)&ss, buf + 1);
	} else {
		sin->sin_family = AF_INET;
		ret = inet_pton(AF_INET, buf, &sin->sin_addr) == 1 ? 0 : -EINVAL;
	}
	/* sin_port and sin6_port share an offset. */
	sin->sin_port = htons((uint16_t)port);
	if (!ret)
		*out = ss;
out:
	return ret;
}

void wgx_devcfg_format_endpoint(char *out, const struct sockaddr_storage *ss)
{
	const struct sockaddr_in *sin = (const void *)ss;
	const struct sockaddr_in6 *sin6 = (const void *)ss;
	char ip[INET6_ADDRSTRLEN] = "";

	if (ss->ss_family == AF_INET) {
		inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof(ip));
		snprintf(out, WGX_ENDPOINT_STRLEN, "%s:%u", ip, ntohs(sin->sin_port));
	} else if (ss->ss_family == AF_INET6 && sin6->sin6_scope_id) {
		inet_ntop(AF_INET6, &sin6->sin6_addr, ip, sizeof(ip));
		snprintf(out, WGX_ENDPOINT_STRLEN, "[%s%%%u]:%u", ip, sin6->sin6_scope_id,
			 ntohs(sin6->sin6_port));
	} else if (ss->ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &sin6->sin6_addr, ip, sizeof(ip));
		snprintf(out, WGX_ENDPOINT_STRLEN, "[%s]:%u", ip, ntohs(sin6->sin6_port));
	} else {
		out[0] = '\0';
	}
}

/* ---- text buffer ---- */

static int textbuf_grow(struct wgx_textbuf *tb, size_t need)
{
	size_t cap = tb->cap ? tb->cap : 256;
	char *buf;

	while (cap < need)
		cap *= 2;
	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	/* Copy and wipe by hand: realloc would leave the old bytes in freed memory. */
	if (tb->buf) {
		memcpy(buf, tb->buf, tb->len + 1);
		sodium_memzero(tb->buf, tb->cap);
		free(tb->buf);
	}
	tb->buf = buf;
	tb->cap = cap;
	return 0;
}

void wgx_textbuf_vprintf(struct wgx_textbuf *tb, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	if (tb->err)
		return;
	va_copy(ap2, ap);
	n = vsnprintf(tb->buf ? tb->buf + tb->len : NULL, tb->buf ? tb->cap - tb->len : 0, fmt,
		      ap2);
	va_end(ap2);
	if (n < 0) {
		tb->err = -EINVAL;
		return;
	}
	if (!tb->buf || tb->len + (size_t)n + 1 > tb->cap) {
		tb->err = textbuf_grow(tb, tb->len + (size_t)n + 1);
		if (tb->err)
			return;
		vsnprintf(tb->buf + tb->len, tb->cap - tb->len, fmt, ap);
	}
	tb->len += (size_t)n;
}

void wgx_textbuf_printf(struct wgx_textbuf *tb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	wgx_textbuf_vprintf(tb, fmt, ap);
	va_end(ap);
}

void wgx_textbuf_free(struct wgx_textbuf *tb)
{
	if (tb->buf) {
		sodium_memzero(tb->buf, tb->cap);
		free(tb->buf);
	}
	memset(tb, 0, sizeof(*tb));
}
