/* SPDX-License-Identifier: GPL-2.0 */
/* wg(8)/wg-quick(8) configuration files: parser and `wg showconf` writer. See config.h. */
#include <errno.h>
#include <netdb.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config.h"

enum section {
	SECTION_NONE,
	SECTION_INTERFACE,
	SECTION_PEER,
};

struct config_ctx {
	struct wgx_devcfg *dev;
	struct wgx_peercfg *peer;	/* the [Peer] being read, NULL elsewhere */
	enum section section;
	const char *name;
	unsigned int lineno;
	unsigned int peer_lineno;	/* where the current [Peer] started */
	unsigned int flags;
	char *errbuf;
	size_t errlen;
	/* Set by value parsers that want more than "invalid <Key> '<value>'". */
	const char *bad;
	size_t badlen;
	const char *why;
};

/* How long a quoted value gets in a message, and how much of a secret is shown. */
#define QUOTE_MAX 64
#define QUOTE_SECRET 4
#define QUOTE_BUF (QUOTE_MAX + sizeof("..."))

/* wg(8) drops exactly these, whatever the locale says. */
static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

__attribute__((format(printf, 3, 4)))
static int config_error(struct config_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!ctx->errbuf || !ctx->errlen)
		return err;
	n = snprintf(ctx->errbuf, ctx->errlen, "%s:%u: ", ctx->name, ctx->lineno);
	if (n < 0 || (size_t)n >= ctx->errlen)
		return err;
	va_start(ap, fmt);
	vsnprintf(ctx->errbuf + n, ctx->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return err;
}

/* ---- value parsers, shared with `wg set` ---- */

int wgx_config_parse_key(wgx_key out, const char *value)
{
	wgx_key tmp;
	int ret = wgx_key_from_base64(tmp, value);

	if (!ret)
		memcpy(out, tmp, sizeof(tmp));
	sodium_memzero(tmp, sizeof(tmp));
	return ret;
}

int wgx_config_parse_port(uint16_t *out, const char *value)
{
	uint64_t v;

	if (wgx_devcfg_parse_u64(&v, value, UINT16_MAX))
		return -EINVAL;
	*out = (uint16_t)v;
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int parse_hex_u32(uint32_t *out, const char *s)
{
	uint32_t v = 0;
	int d;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		d = hex_digit(*s);
		if (d < 0 || v > (UINT32_MAX - (uint32_t)d) / 16)
			return -EINVAL;
		v = v * 16 + (uint32_t)d;
	}
	*out = v;
	return 0;
}

/* "off", decimal, or 0x-prefixed hex as `wg showconf` prints it. */
int wgx_config_parse_fwmark(uint32_t *out, const char *value)
{
	uint64_t v;

	if (!strcasecmp(value, "off")) {
		*out = 0;
		return 0;
	}
	if (value[0] == '0' && (value[1] == 'x' || value[1] == 'X'))
		return parse_hex_u32(out, value + 2);
	if (wgx_devcfg_parse_u64(&v, value, UINT32_MAX))
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

int wgx_config_parse_keepalive(uint16_t *out, const char *value)
{
	if (!strcasecmp(value, "off")) {
		*out = 0;
		return 0;
	}
	return wgx_config_parse_port(out, value);
}

int wgx_config_parse_mtu(uint32_t *out, const char *value)
{
	uint64_t v;

	/* 68 is the IPv4 minimum (RFC 791); anything smaller `ip link` refuses anyway. */
	if (wgx_devcfg_parse_u64(&v, value, UINT16_MAX) || v < 68)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

int wgx_config_parse_bool(bool *out, const char *value)
{
	if (!strcasecmp(value, "true"))
		*out = true;
	else if (!strcasecmp(value, "false"))
		*out = false;
	else
		return -EINVAL;
	return 0;
}

/* WG_ENDPOINT_RESOLUTION_RETRIES as wg(8) reads it: a count or "infinity" (-1). */
static int resolution_retries(void)
{
	const char *env = getenv("WG_ENDPOINT_RESOLUTION_RETRIES");
	uint64_t v;

	if (!env)
		return 15;
	if (!strcmp(env, "infinity"))
		return -1;
	return wgx_devcfg_parse_u64(&v, env, INT32_MAX) ? 15 : (int)v;
}

/* glibc's resolver wiki: these mean no answer will ever come, so do not retry. */
static bool gai_permanent(int err)
{
	return err == EAI_NONAME || err == EAI_FAIL || err == EAI_SERVICE || err == EAI_FAMILY ||
#ifdef EAI_NODATA
	       err == EAI_NODATA ||
#endif
	       err == EAI_SOCKTYPE || err == EAI_BADFLAGS;
}

static int resolve(struct sockaddr_storage *out, const char *host, const char *port,
		   const char **why)
{
	const struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM,
					.ai_protocol = IPPROTO_UDP };
	unsigned int delay_us = 1000000;
	int retries = resolution_retries(), err;
	struct addrinfo *res;

	/* Retry transient failures: at boot, wg-quick often runs before DNS works. */
	while ((err = getaddrinfo(host, port, &hints, &res)) != 0) {
		if (gai_permanent(err) || retries == 0) {
			*why = err == EAI_SYSTEM ? strerror(errno) : gai_strerror(err);
			return -EINVAL;
		}
		if (retries > 0)
			retries--;
		usleep(delay_us);
		delay_us = delay_us * 6 / 5 > 20000000 ? 20000000 : delay_us * 6 / 5;
	}
	err = -EINVAL;
	*why = "neither an IPv4 nor an IPv6 address";
	if ((res->ai_family == AF_INET && res->ai_addrlen == sizeof(struct sockaddr_in)) ||
	    (res->ai_family == AF_INET6 && res->ai_addrlen == sizeof(struct sockaddr_in6))) {
		memset(out, 0, sizeof(*out));
		memcpy(out, res->ai_addr, res->ai_addrlen);
		err = 0;
	}
	freeaddrinfo(res);
	return err;
}

/* Split "host:port" or "[host]:port" in place; host names only in brackets may hold ':'. */
static int split_endpoint(char *s, char **host, char **port)
{
	char *colon;

	if (s[0] == '[') {
		colon = strchr(s, ']');
		if (!colon || colon == s + 1 || colon[1] != ':')
			return -EINVAL;
		*colon++ = '\0';
		*host = s + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon || colon == s)
			return -EINVAL;
		*host = s;
	}
	*colon = '\0';
	*port = colon + 1;
	return **port ? 0 : -EINVAL;
}

int wgx_config_parse_endpoint(struct sockaddr_storage *out, const char *value, unsigned int flags,
			      const char **why)
{
	char *copy = NULL, *host, *port;
	uint64_t num;
	int ret = -EINVAL;

	*why = "expected host:port or [host]:port";
	if (flags & WGX_CONFIG_NUMERIC) {
		*why = "expected numeric a.b.c.d:port or [v6]:port";
		ret = wgx_devcfg_parse_endpoint(out, value);
		goto out;
	}
	copy = strdup(value);
	if (!copy) {
		ret = -ENOMEM;
		goto out;
	}
	if (split_endpoint(copy, &host, &port))
		goto out;
	/* getaddrinfo reads a service name otherwise, and wraps large numbers. */
	if (port[0] >= '0' && port[0] <= '9' && wgx_devcfg_parse_u64(&num, port, UINT16_MAX)) {
		*why = "port out of range";
		goto out;
	}
	ret = resolve(out, host, port, why);
out:
	free(copy);
	return ret;
}

/* One AllowedIPs entry, with wg(8)'s '+'/'-' prefixes for incremental changes. */
static int parse_allowedip(struct wgx_peercfg *peer, const char *s, size_t len)
{
	char buf[WGX_PREFIX_STRLEN + 1];
	struct wgx_allowedip aip;
	uint32_t flags = 0;

	if (len && (s[0] == '+' || s[0] == '-')) {
		flags = s[0] == '-' ? WGX_ALLOWEDIP_REMOVE_ME : 0;
		peer->flags &= ~WGX_PEER_REPLACE_ALLOWEDIPS;
		s++;
		len--;
	}
	if (len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (wgx_devcfg_parse_prefix(&aip, buf, false))
		return -EINVAL;
	aip.flags = flags;
	return wgx_devcfg_add_allowedip(peer, &aip);
}

int wgx_config_parse_allowedips(struct wgx_peercfg *peer, const char *value, const char **bad,
				size_t *badlen)
{
	const char *s = value, *comma;
	size_t len;
	int ret = 0;

	peer->flags |= WGX_PEER_REPLACE_ALLOWEDIPS;
	if (!*value)
		return 0;
	for (;; s = comma + 1) {
		comma = strchr(s, ',');
		len = comma ? (size_t)(comma - s) : strlen(s);
		ret = parse_allowedip(peer, s, len);
		if (ret) {
			*bad = s;
			*badlen = len;
			break;
		}
		if (!comma)
			break;
	}
	return ret;
}

/* ---- [Interface] keys ---- */

static int iface_private_key(struct config_ctx *ctx, char *value)
{
	if (wgx_config_parse_key(ctx->dev->private_key, value))
		return -EINVAL;
	ctx->dev->flags |= WGX_DEV_HAS_PRIVATE_KEY;
	return 0;
}

static int iface_listen_port(struct config_ctx *ctx, char *value)
{
	if (wgx_config_parse_port(&ctx->dev->listen_port, value))
		return -EINVAL;
	ctx->dev->flags |= WGX_DEV_HAS_LISTEN_PORT;
	return 0;
}

static int iface_fwmark(struct config_ctx *ctx, char *value)
{
	if (wgx_config_parse_fwmark(&ctx->dev->fwmark, value))
		return -EINVAL;
	ctx->dev->flags |= WGX_DEV_HAS_FWMARK;
	return 0;
}

/* ---- [Peer] keys ---- */

static int peer_public_key(struct config_ctx *ctx, char *value)
{
	if (wgx_config_parse_key(ctx->peer->public_key, value))
		return -EINVAL;
	ctx->peer->flags |= WGX_PEER_HAS_PUBLIC_KEY;
	return 0;
}

static int peer_preshared_key(struct config_ctx *ctx, char *value)
{
	if (wgx_config_parse_key(ctx->peer->preshared_key, value))
		return -EINVAL;
	ctx->peer->flags |= WGX_PEER_HAS_PRESHARED_KEY;
	return 0;
}

static int peer_allowed_ips(struct config_ctx *ctx, char *value)
{
	return wgx_config_parse_allowedips(ctx->peer, value, &ctx->bad, &ctx->badlen);
}

static int peer_endpoint(struct config_ctx *ctx, char *value)
{
	int ret = wgx_config_parse_endpoint(&ctx->peer->endpoint, value, ctx->flags, &ctx->why);

	if (!ret)
		ctx->peer->flags |= WGX_PEER_HAS_ENDPOINT;
	return ret;
}

static int peer_keepalive(struct config_ctx *ctx, char *value)
{
	if (wgx_config_parse_keepalive(&ctx->peer->persistent_keepalive_interval, value))
		return -EINVAL;
	ctx->peer->flags |= WGX_PEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL;
	return 0;
}

/* ---- wg-quick [Interface] keys ---- */

/*
 * Comma-separated entries, each checked by ok(); wg-quick also splits on
 * spaces, which are gone by now.
 */
static int add_list(struct config_ctx *ctx, char *value,
		    int (*add)(struct config_ctx *ctx, const char *entry, size_t len))
{
	char *s = value, *comma;
	size_t len;
	int ret;

	for (;; s = comma + 1) {
		comma = strchr(s, ',');
		len = comma ? (size_t)(comma - s) : strlen(s);
		ret = add(ctx, s, len);
		if (ret) {
			ctx->bad = s;
			ctx->badlen = len;
			return ret;
		}
		if (!comma)
			return 0;
	}
}

static int add_address(struct config_ctx *ctx, const char *entry, size_t len)
{
	char buf[WGX_PREFIX_STRLEN + 1];
	struct wgx_allowedip addr;

	if (len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, entry, len);
	buf[len] = '\0';
	if (wgx_devcfg_parse_prefix(&addr, buf, false))
		return -EINVAL;
	return wgx_devcfg_add_address(ctx->dev, &addr);
}

/* The characters `wg-quick save` keeps in a nameserver; search domains fit too. */
static bool dns_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr("_=+:%.-", c);
}

static int add_dns(struct config_ctx *ctx, const char *entry, size_t len)
{
	size_t i;

	if (!len)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (!dns_char(entry[i]))
			return -EINVAL;
	}
	return wgx_devcfg_add_string(&ctx->dev->quick.dns, entry, len);
}

static int quick_address(struct config_ctx *ctx, char *value)
{
	return add_list(ctx, value, add_address);
}

static int quick_dns(struct config_ctx *ctx, char *value)
{
	return add_list(ctx, value, add_dns);
}

static int quick_mtu(struct config_ctx *ctx, char *value)
{
	return wgx_config_parse_mtu(&ctx->dev->quick.mtu, value);
}

/* A routing table number or name, "auto" or "off": one word for `ip route … table`. */
static int quick_table(struct config_ctx *ctx, char *value)
{
	size_t i, len = strlen(value);
	char *table;

	if (!len || len > 64)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (!dns_char(value[i]) || strchr("=+:%", value[i]))
			return -EINVAL;
	}
	table = strdup(value);
	if (!table)
		return -ENOMEM;
	free(ctx->dev->quick.table);
	ctx->dev->quick.table = table;
	return 0;
}

static int quick_save_config(struct config_ctx *ctx, char *value)
{
	return wgx_config_parse_bool(&ctx->dev->quick.save_config, value);
}

/* Room for "PostDown = " when written back, so the line stays within the limit. */
#define HOOK_MAX (WGX_CONFIG_LINE_MAX - 32)

static int add_hook(struct wgx_strlist *list, const char *value)
{
	size_t len = strlen(value);

	return len > HOOK_MAX ? -EINVAL : wgx_devcfg_add_string(list, value, len);
}

static int quick_pre_up(struct config_ctx *ctx, char *value)
{
	return add_hook(&ctx->dev->quick.pre_up, value);
}

static int quick_post_up(struct config_ctx *ctx, char *value)
{
	return add_hook(&ctx->dev->quick.post_up, value);
}

static int quick_pre_down(struct config_ctx *ctx, char *value)
{
	return add_hook(&ctx->dev->quick.pre_down, value);
}

static int quick_post_down(struct config_ctx *ctx, char *value)
{
	return add_hook(&ctx->dev->quick.post_down, value);
}

/* ---- line handling ---- */

enum key_kind {
	KEY_WG,		/* wg(8) key */
	KEY_SECRET,	/* wg(8) key whose value is never quoted whole */
	KEY_QUICK,	/* wg-quick key, value without spaces */
	KEY_HOOK,	/* wg-quick command: inner spaces are part of it */
};

struct config_key {
	const char *name;
	enum section section;
	enum key_kind kind;
	int (*parse)(struct config_ctx *ctx, char *value);
};

static const struct config_key config_keys[] = {
	{ "PrivateKey", SECTION_INTERFACE, KEY_SECRET, iface_private_key },
	{ "ListenPort", SECTION_INTERFACE, KEY_WG, iface_listen_port },
	{ "FwMark", SECTION_INTERFACE, KEY_WG, iface_fwmark },
	{ "Address", SECTION_INTERFACE, KEY_QUICK, quick_address },
	{ "DNS", SECTION_INTERFACE, KEY_QUICK, quick_dns },
	{ "MTU", SECTION_INTERFACE, KEY_QUICK, quick_mtu },
	{ "Table", SECTION_INTERFACE, KEY_QUICK, quick_table },
	{ "PreUp", SECTION_INTERFACE, KEY_HOOK, quick_pre_up },
	{ "PostUp", SECTION_INTERFACE, KEY_HOOK, quick_post_up },
	{ "PreDown", SECTION_INTERFACE, KEY_HOOK, quick_pre_down },
	{ "PostDown", SECTION_INTERFACE, KEY_HOOK, quick_post_down },
	{ "SaveConfig", SECTION_INTERFACE, KEY_QUICK, quick_save_config },
	{ "PublicKey", SECTION_PEER, KEY_WG, peer_public_key },
	{ "PresharedKey", SECTION_PEER, KEY_SECRET, peer_preshared_key },
	{ "AllowedIPs", SECTION_PEER, KEY_WG, peer_allowed_ips },
	{ "Endpoint", SECTION_PEER, KEY_WG, peer_endpoint },
	{ "PersistentKeepalive", SECTION_PEER, KEY_WG, peer_keepalive },
};

static const struct config_key *find_key(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(config_keys) / sizeof(config_keys[0]); i++) {
		if (!strcasecmp(config_keys[i].name, name))
			return &config_keys[i];
	}
	return NULL;
}

/* Remove every space in place, as wg(8) does to whole lines. */
static void squeeze(char *s)
{
	char *d = s;

	for (; *s; s++) {
		if (!is_space(*s))
			*d++ = *s;
	}
	*d = '\0';
}

static char *trim(char *s)
{
	size_t len;

	while (is_space(*s))
		s++;
	len = strlen(s);
	while (len && is_space(s[len - 1]))
		s[--len] = '\0';
	return s;
}

/*
 * At most shown bytes of s, "..." if cut. Control characters become '?': a
 * hostile file should not drive the terminal that shows the message.
 */
static const char *quote(char buf[QUOTE_BUF], const char *s, size_t len, size_t shown)
{
	size_t i, n = len < shown ? len : shown;

	for (i = 0; i < n; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	strcpy(buf + n, len > shown ? "..." : "");
	return buf;
}

static int value_error(struct config_ctx *ctx, const struct config_key *key, const char *value,
		       int err)
{
	size_t shown = key->kind == KEY_SECRET ? QUOTE_SECRET : QUOTE_MAX;
	char buf[QUOTE_BUF];

	if (err == -ENOMEM)
		return config_error(ctx, err, "out of memory");
	if (ctx->bad)
		quote(buf, ctx->bad, ctx->badlen, shown);
	else
		quote(buf, value, strlen(value), shown);
	return config_error(ctx, err, "invalid %s '%s'%s%s", key->name, buf, ctx->why ? ": " : "",
			    ctx->why ? ctx->why : "");
}

static const char *section_name(enum section s)
{
	return s == SECTION_PEER ? "[Peer]" : "[Interface]";
}

static int check_key(struct config_ctx *ctx, const struct config_key *key, const char *name)
{
	char buf[QUOTE_BUF];

	if (!key)
		return config_error(ctx, -EINVAL, "unknown key '%s'",
				    quote(buf, name, strlen(name), QUOTE_MAX));
	if (ctx->section == SECTION_NONE)
		return config_error(ctx, -EINVAL, "key '%s' outside of [Interface] or [Peer]",
				    key->name);
	if (key->section != ctx->section)
		return config_error(ctx, -EINVAL, "key '%s' does not belong in %s", key->name,
				    section_name(ctx->section));
	if ((key->kind == KEY_QUICK || key->kind == KEY_HOOK) &&
	    !(ctx->flags & WGX_CONFIG_WG_QUICK))
		return config_error(ctx, -EINVAL,
				    "wg-quick key '%s' not accepted here (use wg-quick or strip)",
				    key->name);
	return 0;
}

/* "Key = value": line is the comment-free text, eq points at its first '='. */
static int process_key(struct config_ctx *ctx, char *line, char *eq)
{
	const struct config_key *key;
	char *value = eq + 1;
	int ret;

	*eq = '\0';
	squeeze(line);
	key = find_key(line);
	ret = check_key(ctx, key, line);
	if (ret)
		return ret;
	if (key->kind == KEY_HOOK)
		value = trim(value);
	else
		squeeze(value);
	ctx->bad = ctx->why = NULL;
	ret = key->parse(ctx, value);
	return ret ? value_error(ctx, key, value, ret) : 0;
}

/* Leaving a [Peer]: wg(8) refuses peers it cannot name. */
static int finish_peer(struct config_ctx *ctx)
{
	if (!ctx->peer || (ctx->peer->flags & WGX_PEER_HAS_PUBLIC_KEY))
		return 0;
	ctx->lineno = ctx->peer_lineno;
	return config_error(ctx, -EINVAL, "[Peer] without PublicKey");
}

static int process_section(struct config_ctx *ctx, const char *line)
{
	int ret = finish_peer(ctx);
	char buf[QUOTE_BUF];

	if (ret)
		return ret;
	ctx->peer = NULL;
	if (!strcasecmp(line, "[Interface]")) {
		ctx->section = SECTION_INTERFACE;
		return 0;
	}
	if (strcasecmp(line, "[Peer]"))
		return config_error(ctx, -EINVAL, "unknown section '%s'",
				    quote(buf, line, strlen(line), QUOTE_MAX));
	ctx->peer = wgx_devcfg_add_peer(ctx->dev);
	if (!ctx->peer)
		return config_error(ctx, -ENOMEM, "out of memory");
	/* A file lists a peer's whole set of allowed IPs. */
	ctx->peer->flags |= WGX_PEER_REPLACE_ALLOWEDIPS;
	ctx->peer_lineno = ctx->lineno;
	ctx->section = SECTION_PEER;
	return 0;
}

static int process_line(struct config_ctx *ctx, char *line, size_t len)
{
	char *hash, *eq, buf[QUOTE_BUF];

	if (memchr(line, '\0', len))
		return config_error(ctx, -EINVAL, "NUL byte in line");
	line[len] = '\0';
	hash = strchr(line, '#');
	if (hash)
		*hash = '\0';
	eq = strchr(line, '=');
	if (eq)
		return process_key(ctx, line, eq);
	squeeze(line);
	if (!line[0])
		return 0;
	if (line[0] == '[')
		return process_section(ctx, line);
	return config_error(ctx, -EINVAL, "expected 'Key = Value', got '%s'",
			    quote(buf, line, strlen(line), QUOTE_MAX));
}

/* ---- sources ---- */

struct line_source {
	FILE *f;		/* either a stream */
	const char *buf;	/* or a buffer */
	size_t len;
	size_t pos;
};

/* 1 with a line in line[0..*len), 0 at the end, -E2BIG or -EIO. line holds LINE_MAX + 1. */
static int read_line_file(FILE *f, char *line, size_t *len)
{
	size_t n = 0;
	int c;

	while ((c = getc(f)) != EOF && c != '\n') {
		if (n == WGX_CONFIG_LINE_MAX)
			return -E2BIG;
		line[n++] = (char)c;
	}
	*len = n;
	if (ferror(f))
		return -EIO;
	return c == EOF && n == 0 ? 0 : 1;
}

static int read_line_buf(struct line_source *src, char *line, size_t *len)
{
	const char *start = src->buf + src->pos;
	size_t left = src->len - src->pos;
	const char *nl = memchr(start, '\n', left);
	size_t n = nl ? (size_t)(nl - start) : left;

	if (left == 0)
		return 0;
	if (n > WGX_CONFIG_LINE_MAX)
		return -E2BIG;
	memcpy(line, start, n);
	*len = n;
	src->pos += nl ? n + 1 : n;
	return 1;
}

static int next_line(struct config_ctx *ctx, struct line_source *src, char *line, size_t *len)
{
	int ret;

	ctx->lineno++;
	ret = src->f ? read_line_file(src->f, line, len) : read_line_buf(src, line, len);
	if (ret == -E2BIG)
		return config_error(ctx, -EINVAL, "line longer than %u characters",
				    WGX_CONFIG_LINE_MAX);
	if (ret == -EIO)
		return config_error(ctx, -EIO, "read error");
	return ret;
}

static int parse(struct wgx_devcfg **out, struct line_source *src, struct config_ctx *ctx)
{
	char *line = malloc(WGX_CONFIG_LINE_MAX + 1);
	size_t len = 0;
	int ret = -ENOMEM;

	*out = NULL;
	ctx->dev = wgx_devcfg_alloc();
	if (!line || !ctx->dev)
		goto out;
	/* setconf describes the whole device: what the file omits goes back to zero. */
	if (!(ctx->flags & WGX_CONFIG_APPEND))
		ctx->dev->flags = WGX_DEV_REPLACE_PEERS | WGX_DEV_HAS_PRIVATE_KEY |
				  WGX_DEV_HAS_LISTEN_PORT | WGX_DEV_HAS_FWMARK;
	while ((ret = next_line(ctx, src, line, &len)) > 0) {
		ret = process_line(ctx, line, len);
		if (ret)
			goto out;
	}
	if (!ret)
		ret = finish_peer(ctx);
out:
	if (line) {
		sodium_memzero(line, WGX_CONFIG_LINE_MAX + 1);
		free(line);
	}
	if (ret)
		wgx_devcfg_free(ctx->dev);
	else
		*out = ctx->dev;
	return ret;
}

static int parse_source(struct wgx_devcfg **out, struct line_source *src, const char *name,
			unsigned int flags, char *errbuf, size_t errlen)
{
	struct config_ctx ctx = {
		.name = name ? name : "<config>",
		.flags = flags,
		.errbuf = errbuf,
		.errlen = errlen,
	};
	int ret;

	if (errbuf && errlen)
		errbuf[0] = '\0';
	ret = parse(out, src, &ctx);
	if (ret == -ENOMEM && errbuf && errlen && !errbuf[0])
		snprintf(errbuf, errlen, "%s: out of memory", ctx.name);
	return ret;
}

int wgx_config_parse_file(struct wgx_devcfg **out, FILE *f, const char *name, unsigned int flags,
			  char *errbuf, size_t errlen)
{
	struct line_source src = { .f = f };

	return parse_source(out, &src, name, flags, errbuf, errlen);
}

int wgx_config_parse_buf(struct wgx_devcfg **out, const char *buf, size_t len, const char *name,
			 unsigned int flags, char *errbuf, size_t errlen)
{
	struct line_source src = { .buf = buf, .len = len };

	return parse_source(out, &src, name, flags, errbuf, errlen);
}

/* ---- writer ---- */

static void write_list(struct wgx_textbuf *tb, const char *key, const struct wgx_strlist *list)
{
	const struct wgx_string *s;

	for (s = list->first; s; s = s->next)
		wgx_textbuf_printf(tb, "%s = %s\n", key, s->str);
}

/* In the order `wg-quick save` writes them, right after [Interface]. */
static void write_quick(struct wgx_textbuf *tb, const struct wgx_quickcfg *quick)
{
	char prefix[WGX_PREFIX_STRLEN];
	const struct wgx_allowedip *a;

	for (a = quick->first_address; a; a = a->next) {
		wgx_devcfg_format_prefix(prefix, a);
		wgx_textbuf_printf(tb, "Address = %s\n", prefix);
	}
	write_list(tb, "DNS", &quick->dns);
	if (quick->mtu)
		wgx_textbuf_printf(tb, "MTU = %u\n", quick->mtu);
	if (quick->table)
		wgx_textbuf_printf(tb, "Table = %s\n", quick->table);
	if (quick->save_config)
		wgx_textbuf_printf(tb, "SaveConfig = true\n");
	write_list(tb, "PreUp", &quick->pre_up);
	write_list(tb, "PostUp", &quick->post_up);
	write_list(tb, "PreDown", &quick->pre_down);
	write_list(tb, "PostDown", &quick->post_down);
}

static void write_interface(struct wgx_textbuf *tb, const struct wgx_devcfg *dev,
			    unsigned int flags)
{
	wgx_key_b64 b64;

	wgx_textbuf_printf(tb, "[Interface]\n");
	if (flags & WGX_CONFIG_WG_QUICK)
		write_quick(tb, &dev->quick);
	if (dev->listen_port)
		wgx_textbuf_printf(tb, "ListenPort = %u\n", dev->listen_port);
	if (dev->fwmark)
		wgx_textbuf_printf(tb, "FwMark = 0x%x\n", dev->fwmark);
	if (dev->flags & WGX_DEV_HAS_PRIVATE_KEY) {
		wgx_key_to_base64(b64, dev->private_key);
		wgx_textbuf_printf(tb, "PrivateKey = %s\n", b64);
		sodium_memzero(b64, sizeof(b64));
	}
	wgx_textbuf_printf(tb, "\n");
}

/*
 * One line, ", "-separated, as `wg showconf` prints it, until the line would
 * outgrow WGX_CONFIG_LINE_MAX: then another AllowedIPs line, which wg(8) and
 * this parser add to the first. A snapshot has no removals; a diff's are
 * written with wg(8)'s '-' so that they survive.
 */
static void write_allowedips(struct wgx_textbuf *tb, const struct wgx_peercfg *peer)
{
	static const char key[] = "AllowedIPs = ";
	char prefix[WGX_PREFIX_STRLEN];
	const struct wgx_allowedip *a;
	size_t line = 0, len;
	const char *sign;

	wgx_devcfg_for_each_allowedip(peer, a) {
		sign = a->flags & WGX_ALLOWEDIP_REMOVE_ME ? "-" : "";
		wgx_devcfg_format_prefix(prefix, a);
		len = strlen(sign) + strlen(prefix);
		if (line && line + 2 + len > WGX_CONFIG_LINE_MAX) {
			wgx_textbuf_printf(tb, "\n");
			line = 0;
		}
		wgx_textbuf_printf(tb, "%s%s%s", line ? ", " : key, sign, prefix);
		line += (line ? 2 : sizeof(key) - 1) + len;
	}
	if (line)
		wgx_textbuf_printf(tb, "\n");
}

static void write_peer(struct wgx_textbuf *tb, const struct wgx_peercfg *peer)
{
	char endpoint[WGX_ENDPOINT_STRLEN];
	wgx_key_b64 b64;

	wgx_key_to_base64(b64, peer->public_key);
	wgx_textbuf_printf(tb, "[Peer]\nPublicKey = %s\n", b64);
	if (peer->flags & WGX_PEER_HAS_PRESHARED_KEY) {
		wgx_key_to_base64(b64, peer->preshared_key);
		wgx_textbuf_printf(tb, "PresharedKey = %s\n", b64);
		sodium_memzero(b64, sizeof(b64));
	}
	write_allowedips(tb, peer);
	if (peer->flags & WGX_PEER_HAS_ENDPOINT) {
		wgx_devcfg_format_endpoint(endpoint, &peer->endpoint);
		if (endpoint[0])
			wgx_textbuf_printf(tb, "Endpoint = %s\n", endpoint);
	}
	if (peer->persistent_keepalive_interval)
		wgx_textbuf_printf(tb, "PersistentKeepalive = %u\n",
				   peer->persistent_keepalive_interval);
	if (peer->next)
		wgx_textbuf_printf(tb, "\n");
}

int wgx_config_write_buf(struct wgx_textbuf *tb, const struct wgx_devcfg *dev, unsigned int flags)
{
	const struct wgx_peercfg *peer;

	write_interface(tb, dev, flags);
	wgx_devcfg_for_each_peer(dev, peer)
		write_peer(tb, peer);
	return tb->err;
}

int wgx_config_write_file(FILE *f, const struct wgx_devcfg *dev, unsigned int flags)
{
	struct wgx_textbuf tb = { 0 };
	int ret = wgx_config_write_buf(&tb, dev, flags);

	if (!ret && tb.len && fwrite(tb.buf, 1, tb.len, f) != tb.len)
		ret = -EIO;
	wgx_textbuf_free(&tb);
	return ret;
}
