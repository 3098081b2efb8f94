/* SPDX-License-Identifier: GPL-2.0 */
/* The cross-platform userspace API text protocol: framing, set/get parsers and writers. */
#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <string.h>

#include "uapi.h"

/* ---- framing ---- */

ssize_t wgx_uapi_request_len(const char *buf, size_t len)
{
	size_t pos = 0, n;
	const char *nl;

	while (pos < len) {
		nl = memchr(buf + pos, '\n', len - pos);
		n = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		if (n > WGX_UAPI_LINE_MAX || pos + n >= WGX_UAPI_REQUEST_MAX)
			return -EMSGSIZE;
		if (!nl)
			break;
		if (n == 0 || (n == 1 && buf[pos] == '\r'))
			return pos == 0 ? -EPROTO : (ssize_t)(pos + n + 1);
		pos += n + 1;
	}
	return 0;
}

int wgx_uapi_parse_op(enum wgx_uapi_op *op, size_t *body_off, const char *req, size_t len)
{
	static const char get[] = "get=1\n", set[] = "set=1\n";
	const size_t vlen = sizeof(get) - 1;

	if (len < vlen)
		return -EPROTO;
	*body_off = vlen;
	if (!memcmp(req, set, vlen)) {
		*op = WGX_UAPI_SET;
		return 0;
	}
	if (memcmp(req, get, vlen))
		return -EPROTO;
	*op = WGX_UAPI_GET;
	/* Nothing may follow get=1 but the blank line. */
	return len == vlen || req[vlen] == '\n' ? 0 : -EINVAL;
}

/* ---- lines ---- */

struct uapi_lines {
	const char *p;
	const char *end;
	bool eof;	/* the last 0 from next_pair() was the end, not a blank line */
	char line[WGX_UAPI_LINE_MAX + 1];
};

/*
 * 1 with *key and *value inside it->line, 0 at the blank line or the end of
 * input, or a negative errno. A trailing '\r' is dropped as Go's line scanner
 * does in wireguard-go.
 */
static int next_pair(struct uapi_lines *it, char **key, char **value)
{
	size_t left = (size_t)(it->end - it->p), n;
	const char *nl;
	char *eq;

	it->eof = left == 0;
	if (it->eof)
		return 0;
	nl = memchr(it->p, '\n', left);
	n = nl ? (size_t)(nl - it->p) : left;
	if (n > WGX_UAPI_LINE_MAX)
		return -EMSGSIZE;
	if (memchr(it->p, '\0', n))
		return -EPROTO;
	memcpy(it->line, it->p, n);
	it->p += nl ? n + 1 : n;
	if (n && it->line[n - 1] == '\r')
		n--;
	it->line[n] = '\0';
	if (n == 0)
		return 0;
	eq = strchr(it->line, '=');
	if (!eq)
		return -EPROTO;
	*eq = '\0';
	*key = it->line;
	*value = eq + 1;
	return 1;
}

static void lines_wipe(struct uapi_lines *it)
{
	sodium_memzero(it->line, sizeof(it->line));
}

/* ---- values ---- */

static int parse_hex_key(wgx_key out, const char *value)
{
	wgx_key tmp;
	int ret = wgx_key_from_hex(tmp, value);

	if (!ret)
		memcpy(out, tmp, sizeof(tmp));
	sodium_memzero(tmp, sizeof(tmp));
	return ret ? -EINVAL : 0;
}

static int parse_true(const char *value)
{
	return strcmp(value, "true") ? -EINVAL : 0;
}

static int parse_u16(uint16_t *out, const char *value)
{
	uint64_t v;

	if (wgx_devcfg_parse_u64(&v, value, UINT16_MAX))
		return -EINVAL;
	*out = (uint16_t)v;
	return 0;
}

static int parse_u32(uint32_t *out, const char *value)
{
	uint64_t v;

	if (wgx_devcfg_parse_u64(&v, value, UINT32_MAX))
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

/* "a.b.c.d/n", "v6/n", or with a leading '-' to remove it. */
static int parse_allowedip(struct wgx_peercfg *peer, const char *value, bool allow_remove)
{
	struct wgx_allowedip aip;
	uint32_t flags = 0;

	if (allow_remove && value[0] == '-') {
		flags = WGX_ALLOWEDIP_REMOVE_ME;
		value++;
	}
	if (wgx_devcfg_parse_prefix(&aip, value, true))
		return -EINVAL;
	aip.flags = flags;
	return wgx_devcfg_add_allowedip(peer, &aip);
}

/* ---- set=1 ---- */

struct uapi_ctx {
	struct wgx_devcfg *dev;
	struct wgx_peercfg *peer;	/* after the first public_key */
	bool seen_errno;		/* get responses only */
	int err;
};

struct uapi_key {
	const char *name;
	int (*parse)(struct uapi_ctx *ctx, const char *value);
};

static int set_private_key(struct uapi_ctx *ctx, const char *value)
{
	ctx->dev->flags |= WGX_DEV_HAS_PRIVATE_KEY;
	return parse_hex_key(ctx->dev->private_key, value);
}

static int set_listen_port(struct uapi_ctx *ctx, const char *value)
{
	ctx->dev->flags |= WGX_DEV_HAS_LISTEN_PORT;
	return parse_u16(&ctx->dev->listen_port, value);
}

static int set_fwmark(struct uapi_ctx *ctx, const char *value)
{
	ctx->dev->flags |= WGX_DEV_HAS_FWMARK;
	return parse_u32(&ctx->dev->fwmark, value);
}

static int set_replace_peers(struct uapi_ctx *ctx, const char *value)
{
	ctx->dev->flags |= WGX_DEV_REPLACE_PEERS;
	return parse_true(value);
}

static int set_public_key(struct uapi_ctx *ctx, const char *value)
{
	ctx->peer = wgx_devcfg_add_peer(ctx->dev);
	if (!ctx->peer)
		return -ENOMEM;
	ctx->peer->flags |= WGX_PEER_HAS_PUBLIC_KEY;
	return parse_hex_key(ctx->peer->public_key, value);
}

static int set_update_only(struct uapi_ctx *ctx, const char *value)
{
	ctx->peer->flags |= WGX_PEER_UPDATE_ONLY;
	return parse_true(value);
}

static int set_remove(struct uapi_ctx *ctx, const char *value)
{
	ctx->peer->flags |= WGX_PEER_REMOVE_ME;
	return parse_true(value);
}

static int set_preshared_key(struct uapi_ctx *ctx, const char *value)
{
	ctx->peer->flags |= WGX_PEER_HAS_PRESHARED_KEY;
	return parse_hex_key(ctx->peer->preshared_key, value);
}

static int set_endpoint(struct uapi_ctx *ctx, const char *value)
{
	ctx->peer->flags |= WGX_PEER_HAS_ENDPOINT;
	return wgx_devcfg_parse_endpoint(&ctx->peer->endpoint, value);
}

static int set_keepalive(struct uapi_ctx *ctx, const char *value)
{
	ctx->peer->flags |= WGX_PEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL;
	return parse_u16(&ctx->peer->persistent_keepalive_interval, value);
}

static int set_replace_allowed_ips(struct uapi_ctx *ctx, const char *value)
{
	/* Entries listed before this line would be removed by it: drop them now. */
	wgx_devcfg_clear_allowedips(ctx->peer);
	ctx->peer->flags |= WGX_PEER_REPLACE_ALLOWEDIPS;
	return parse_true(value);
}

static int set_allowed_ip(struct uapi_ctx *ctx, const char *value)
{
	return parse_allowedip(ctx->peer, value, true);
}

static int set_protocol_version(struct uapi_ctx *ctx, const char *value)
{
	(void)ctx;
	/* wireguard-go answers EINVAL here, not EPROTO. */
	return strcmp(value, "1") ? -EINVAL : 0;
}

static const struct uapi_key set_device_keys[] = {
	{ "private_key", set_private_key },
	{ "listen_port", set_listen_port },
	{ "fwmark", set_fwmark },
	{ "replace_peers", set_replace_peers },
	{ "public_key", set_public_key },
	{ NULL, NULL },
};

static const struct uapi_key set_peer_keys[] = {
	{ "public_key", set_public_key },
	{ "update_only", set_update_only },
	{ "remove", set_remove },
	{ "preshared_key", set_preshared_key },
	{ "endpoint", set_endpoint },
	{ "persistent_keepalive_interval", set_keepalive },
	{ "replace_allowed_ips", set_replace_allowed_ips },
	{ "allowed_ip", set_allowed_ip },
	{ "protocol_version", set_protocol_version },
	{ NULL, NULL },
};

static const struct uapi_key *find_key(const struct uapi_key *table, const char *name)
{
	for (; table->name; table++) {
		if (!strcmp(table->name, name))
			return table;
	}
	return NULL;
}

static int set_pair(struct uapi_ctx *ctx, const char *name, const char *value)
{
	const struct uapi_key *key = find_key(ctx->peer ? set_peer_keys : set_device_keys, name);

	return key ? key->parse(ctx, value) : -EINVAL;
}

int wgx_uapi_parse_set(struct wgx_devcfg **out, const char *body, size_t len)
{
	struct uapi_lines it = { .p = body, .end = body + len };
	struct uapi_ctx ctx = { .dev = wgx_devcfg_alloc() };
	char *key, *value;
	int ret = -ENOMEM;

	*out = NULL;
	if (!ctx.dev)
		goto out;
	while ((ret = next_pair(&it, &key, &value)) > 0) {
		ret = set_pair(&ctx, key, value);
		if (ret)
			break;
	}
out:
	lines_wipe(&it);
	if (ret)
		wgx_devcfg_free(ctx.dev);
	else
		*out = ctx.dev;
	return ret;
}

/* ---- get=1 response (the client side) ---- */

static int get_private_key(struct uapi_ctx *ctx, const char *value)
{
	struct wgx_devcfg *dev = ctx->dev;

	dev->flags &= ~(WGX_DEV_HAS_PRIVATE_KEY | WGX_DEV_HAS_PUBLIC_KEY);
	if (parse_hex_key(dev->private_key, value))
		return -EINVAL;
	if (wgx_key_is_zero(dev->private_key))
		return 0;
	dev->flags |= WGX_DEV_HAS_PRIVATE_KEY;
	if (!wgx_key_public_from_private(dev->public_key, dev->private_key))
		dev->flags |= WGX_DEV_HAS_PUBLIC_KEY;
	return 0;
}

static int get_fwmark(struct uapi_ctx *ctx, const char *value)
{
	if (parse_u32(&ctx->dev->fwmark, value))
		return -EINVAL;
	ctx->dev->flags &= ~WGX_DEV_HAS_FWMARK;
	ctx->dev->flags |= ctx->dev->fwmark ? WGX_DEV_HAS_FWMARK : 0;
	return 0;
}

static int get_preshared_key(struct uapi_ctx *ctx, const char *value)
{
	struct wgx_peercfg *peer = ctx->peer;

	if (parse_hex_key(peer->preshared_key, value))
		return -EINVAL;
	peer->flags &= ~WGX_PEER_HAS_PRESHARED_KEY;
	peer->flags |= wgx_key_is_zero(peer->preshared_key) ? 0 : WGX_PEER_HAS_PRESHARED_KEY;
	return 0;
}

static int get_keepalive(struct uapi_ctx *ctx, const char *value)
{
	struct wgx_peercfg *peer = ctx->peer;

	if (parse_u16(&peer->persistent_keepalive_interval, value))
		return -EINVAL;
	peer->flags &= ~WGX_PEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL;
	if (peer->persistent_keepalive_interval)
		peer->flags |= WGX_PEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL;
	return 0;
}

static int get_s64(int64_t *out, const char *value)
{
	uint64_t v;

	if (wgx_devcfg_parse_u64(&v, value, INT64_MAX))
		return -EINVAL;
	*out = (int64_t)v;
	return 0;
}

static int get_handshake_sec(struct uapi_ctx *ctx, const char *value)
{
	return get_s64(&ctx->peer->last_handshake_time_sec, value);
}

static int get_handshake_nsec(struct uapi_ctx *ctx, const char *value)
{
	return get_s64(&ctx->peer->last_handshake_time_nsec, value);
}

static int get_rx_bytes(struct uapi_ctx *ctx, const char *value)
{
	return wgx_devcfg_parse_u64(&ctx->peer->rx_bytes, value, UINT64_MAX);
}

static int get_tx_bytes(struct uapi_ctx *ctx, const char *value)
{
	return wgx_devcfg_parse_u64(&ctx->peer->tx_bytes, value, UINT64_MAX);
}

static int get_allowed_ip(struct uapi_ctx *ctx, const char *value)
{
	return parse_allowedip(ctx->peer, value, false);
}

static int get_ignore(struct uapi_ctx *ctx, const char *value)
{
	(void)ctx;
	(void)value;
	return 0;
}

static const struct uapi_key get_device_keys[] = {
	{ "private_key", get_private_key },
	{ "listen_port", set_listen_port },
	{ "fwmark", get_fwmark },
	{ "public_key", set_public_key },
	{ NULL, NULL },
};

static const struct uapi_key get_peer_keys[] = {
	{ "public_key", set_public_key },
	{ "preshared_key", get_preshared_key },
	{ "protocol_version", get_ignore },
	{ "endpoint", set_endpoint },
	{ "last_handshake_time_sec", get_handshake_sec },
	{ "last_handshake_time_nsec", get_handshake_nsec },
	{ "rx_bytes", get_rx_bytes },
	{ "tx_bytes", get_tx_bytes },
	{ "persistent_keepalive_interval", get_keepalive },
	{ "allowed_ip", get_allowed_ip },
	{ NULL, NULL },
};

/* "errno=-22" (wireguard-go) and "errno=22" both mean EINVAL. */
static int get_errno(struct uapi_ctx *ctx, const char *value)
{
	uint64_t v;

	if (wgx_devcfg_parse_u64(&v, value[0] == '-' ? value + 1 : value, 4095))
		return -EPROTO;
	ctx->seen_errno = true;
	ctx->err = -(int)v;
	return 0;
}

/* Unknown keys are skipped, as wg(8) does, so newer daemons can add some. */
static int get_pair(struct uapi_ctx *ctx, const char *name, const char *value)
{
	const struct uapi_key *key;
	int ret;

	if (!strcmp(name, "errno"))
		return get_errno(ctx, value);
	if (ctx->seen_errno)
		return -EPROTO;
	key = find_key(ctx->peer ? get_peer_keys : get_device_keys, name);
	if (!key)
		return 0;
	ret = key->parse(ctx, value);
	return ret && ret != -ENOMEM ? -EPROTO : ret;
}

int wgx_uapi_parse_get(struct wgx_devcfg **out, const char *resp, size_t len)
{
	struct uapi_lines it = { .p = resp, .end = resp + len };
	struct uapi_ctx ctx = { .dev = wgx_devcfg_alloc() };
	char *key, *value;
	int ret = -ENOMEM;

	*out = NULL;
	if (!ctx.dev)
		goto out;
	while ((ret = next_pair(&it, &key, &value)) > 0) {
		ret = get_pair(&ctx, key, value);
		if (ret)
			goto out;
	}
	/* Only the blank line after errno=N ends a response; EOF before it is a cut. */
	if (!ret)
		ret = ctx.seen_errno && !it.eof ? ctx.err : -EPROTO;
out:
	lines_wipe(&it);
	if (ret)
		wgx_devcfg_free(ctx.dev);
	else
		*out = ctx.dev;
	return ret;
}

/* ---- writers ---- */

static void write_key(struct wgx_textbuf *tb, const char *name, const wgx_key key)
{
	char hex[2 * WGX_KEY_LEN + 1];

	wgx_key_to_hex(hex, key);
	wgx_textbuf_printf(tb, "%s=%s\n", name, hex);
	sodium_memzero(hex, sizeof(hex));
}

static void write_allowedips(struct wgx_textbuf *tb, const struct wgx_peercfg *peer)
{
	char prefix[WGX_PREFIX_STRLEN];
	const struct wgx_allowedip *a;

	wgx_devcfg_for_each_allowedip(peer, a) {
		wgx_devcfg_format_prefix(prefix, a);
		wgx_textbuf_printf(tb, "allowed_ip=%s%s\n",
				   a->flags & WGX_ALLOWEDIP_REMOVE_ME ? "-" : "", prefix);
	}
}

static void write_endpoint(struct wgx_textbuf *tb, const struct wgx_peercfg *peer)
{
	char endpoint[WGX_ENDPOINT_STRLEN];

	if (!(peer->flags & WGX_PEER_HAS_ENDPOINT))
		return;
	wgx_devcfg_format_endpoint(endpoint, &peer->endpoint);
	if (endpoint[0])
		wgx_textbuf_printf(tb, "endpoint=%s\n", endpoint);
}

static void write_set_device(struct wgx_textbuf *tb, const struct wgx_devcfg *dev)
{
	wgx_textbuf_printf(tb, "set=1\n");
	if (dev->flags & WGX_DEV_HAS_PRIVATE_KEY)
		write_key(tb, "private_key", dev->private_key);
	if (dev->flags & WGX_DEV_HAS_LISTEN_PORT)
		wgx_textbuf_printf(tb, "listen_port=%u\n", dev->listen_port);
	if (dev->flags & WGX_DEV_HAS_FWMARK)
		wgx_textbuf_printf(tb, "fwmark=%u\n", dev->fwmark);
	if (dev->flags & WGX_DEV_REPLACE_PEERS)
		wgx_textbuf_printf(tb, "replace_peers=true\n");
}

/* Every flag is written, so that parsing the text gives back the same diff. */
static void write_set_peer(struct wgx_textbuf *tb, const struct wgx_peercfg *peer)
{
	write_key(tb, "public_key", peer->public_key);
	if (peer->flags & WGX_PEER_UPDATE_ONLY)
		wgx_textbuf_printf(tb, "update_only=true\n");
	if (peer->flags & WGX_PEER_REMOVE_ME)
		wgx_textbuf_printf(tb, "remove=true\n");
	if (peer->flags & WGX_PEER_HAS_PRESHARED_KEY)
		write_key(tb, "preshared_key", peer->preshared_key);
	write_endpoint(tb, peer);
	if (peer->flags & WGX_PEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL)
		wgx_textbuf_printf(tb, "persistent_keepalive_interval=%u\n",
				   peer->persistent_keepalive_interval);
	if (peer->flags & WGX_PEER_REPLACE_ALLOWEDIPS)
		wgx_textbuf_printf(tb, "replace_allowed_ips=true\n");
	write_allowedips(tb, peer);
}

int wgx_uapi_write_set(struct wgx_textbuf *tb, const struct wgx_devcfg *dev)
{
	const struct wgx_peercfg *peer;

	write_set_device(tb, dev);
	wgx_devcfg_for_each_peer(dev, peer)
		write_set_peer(tb, peer);
	wgx_textbuf_printf(tb, "\n");
	return tb->err;
}

static void write_get_peer(struct wgx_textbuf *tb, const struct wgx_peercfg *peer)
{
	static const wgx_key zero;

	write_key(tb, "public_key", peer->public_key);
	write_key(tb, "preshared_key",
		  peer->flags & WGX_PEER_HAS_PRESHARED_KEY ? peer->preshared_key : zero);
	wgx_textbuf_printf(tb, "protocol_version=1\n");
	write_endpoint(tb, peer);
	wgx_textbuf_printf(tb,
			   "last_handshake_time_sec=%" PRId64 "\n"
			   "last_handshake_time_nsec=%" PRId64 "\n"
			   "tx_bytes=%" PRIu64 "\n"
			   "rx_bytes=%" PRIu64 "\n"
			   "persistent_keepalive_interval=%u\n",
			   peer->last_handshake_time_sec, peer->last_handshake_time_nsec,
			   peer->tx_bytes, peer->rx_bytes, peer->persistent_keepalive_interval);
	write_allowedips(tb, peer);
}

int wgx_uapi_write_get(struct wgx_textbuf *tb, const struct wgx_devcfg *dev)
{
	const struct wgx_peercfg *peer;

	if ((dev->flags & WGX_DEV_HAS_PRIVATE_KEY) && !wgx_key_is_zero(dev->private_key))
		write_key(tb, "private_key", dev->private_key);
	if (dev->flags & WGX_DEV_HAS_LISTEN_PORT)
		wgx_textbuf_printf(tb, "listen_port=%u\n", dev->listen_port);
	if (dev->fwmark)
		wgx_textbuf_printf(tb, "fwmark=%u\n", dev->fwmark);
	wgx_devcfg_for_each_peer(dev, peer)
		write_get_peer(tb, peer);
	return wgx_uapi_write_errno(tb, 0);
}

int wgx_uapi_write_errno(struct wgx_textbuf *tb, int err)
{
	wgx_textbuf_printf(tb, "errno=%d\n\n", err);
	return tb->err;
}
