// SPDX-License-Identifier: GPL-2.0
/*
 * `wg set` argument parsing: a table of arguments, each handing its value to
 * the config.h parser of that type, with wg(8)'s messages. See set_args.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "cli/set_args.h"
#include "config.h"

struct set_ctx {
	struct wgx_devcfg *dev;
	struct wgx_peercfg *peer;	/* after the first `peer` */
	FILE *err;
};

/* wg(8)'s whitespace: no locale. */
static bool is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* ---- key files ---- */

/*
 * 0 with the 44 characters in text, 1 when the file is empty (/dev/null) and
 * out is now the zero key, or a negative errno after a message.
 */
static int read_key_text(char text[WGX_KEY_B64_LEN + 1], FILE *f, wgx_key out, FILE *err)
{
	int c;

	if (fread(text, WGX_KEY_B64_LEN, 1, f) != 1) {
		if (!ferror(f) && feof(f) && !ftell(f)) {
			memset(out, 0, WGX_KEY_LEN);
			return 1;
		}
		fprintf(err, "Invalid length key in key file\n");
		return -EINVAL;
	}
	text[WGX_KEY_B64_LEN] = '\0';
	while ((c = getc(f)) != EOF) {
		if (!is_space(c)) {
			fprintf(err, "Found trailing character in key file: `%c'\n", c);
			return -EINVAL;
		}
	}
	if (ferror(f)) {
		fprintf(err, "getc: %s\n", strerror(errno));
		return -EIO;
	}
	return 0;
}

int wgx_cli_read_key_file(wgx_key out, const char *path, FILE *err)
{
	char text[WGX_KEY_B64_LEN + 1];
	FILE *f = fopen(path, "r");
	int ret = -errno;

	if (!f) {
		fprintf(err, "fopen: %s\n", strerror(-ret));
		return ret;
	}
	/* The stdio buffer would keep a copy of the key: read the file unbuffered. */
	setvbuf(f, NULL, _IONBF, 0);
	ret = read_key_text(text, f, out, err);
	if (!ret && wgx_config_parse_key(out, text)) {
		fprintf(err, "Key is not the correct length or format: `%s'\n", text);
		ret = -EINVAL;
	}
	sodium_memzero(text, sizeof(text));
	fclose(f);
	return ret < 0 ? ret : 0;
}

/* ---- device arguments ---- */

/* Numbers through config.h; service names (/etc/services) the way wg(8) takes them. */
static int arg_listen_port(struct set_ctx *ctx, const char *value)
{
	const struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM,
					.ai_protocol = IPPROTO_UDP, .ai_flags = AI_PASSIVE };
	struct addrinfo *res;
	int ret;

	if (!*value) {
		fprintf(ctx->err, "Unable to parse empty port\n");
		return -EINVAL;
	}
	ctx->dev->flags |= WGX_DEV_HAS_LISTEN_PORT;
	if (!wgx_config_parse_port(&ctx->dev->listen_port, value))
		return 0;
	/* getaddrinfo() would take 70000 as 4464; wg(8) lets that through, we do not. */
	if (strspn(value, "0123456789") == strlen(value)) {
		fprintf(ctx->err, "Port is not in the range 0-65535: `%s'\n", value);
		return -EINVAL;
	}
	ret = getaddrinfo(NULL, value, &hints, &res);
	if (ret) {
		fprintf(ctx->err, "%s: `%s'\n",
			ret == EAI_SYSTEM ? strerror(errno) : gai_strerror(ret), value);
		return -EINVAL;
	}
	/* sin_port and sin6_port share an offset. */
	ctx->dev->listen_port = ntohs(((struct sockaddr_in *)res->ai_addr)->sin_port);
	freeaddrinfo(res);
	return 0;
}

static int arg_fwmark(struct set_ctx *ctx, const char *value)
{
	if (wgx_config_parse_fwmark(&ctx->dev->fwmark, value)) {
		fprintf(ctx->err, "Fwmark is neither 0/off nor 0-0xffffffff: `%s'\n", value);
		return -EINVAL;
	}
	ctx->dev->flags |= WGX_DEV_HAS_FWMARK;
	return 0;
}

static int arg_private_key(struct set_ctx *ctx, const char *value)
{
	int ret = wgx_cli_read_key_file(ctx->dev->private_key, value, ctx->err);

	if (!ret)
		ctx->dev->flags |= WGX_DEV_HAS_PRIVATE_KEY;
	return ret;
}

/* ---- peer arguments ---- */

static int arg_peer(struct set_ctx *ctx, const char *value)
{
	ctx->peer = wgx_devcfg_add_peer(ctx->dev);
	if (!ctx->peer)
		return -ENOMEM;
	if (wgx_config_parse_key(ctx->peer->public_key, value)) {
		fprintf(ctx->err, "Key is not the correct length or format: `%s'\n", value);
		return -EINVAL;
	}
	ctx->peer->flags |= WGX_PEER_HAS_PUBLIC_KEY;
	return 0;
}

static int arg_remove(struct set_ctx *ctx, const char *value)
{
	(void)value;
	ctx->peer->flags |= WGX_PEER_REMOVE_ME;
	return 0;
}

static int arg_preshared_key(struct set_ctx *ctx, const char *value)
{
	int ret = wgx_cli_read_key_file(ctx->peer->preshared_key, value, ctx->err);

	if (!ret)
		ctx->peer->flags |= WGX_PEER_HAS_PRESHARED_KEY;
	return ret;
}

/* The shape checks of wg(8), for its messages; resolving is config.h's. */
static const char *endpoint_shape_error(const char *value)
{
	const char *close, *colon;

	if (!*value)
		return "Unable to parse empty endpoint";
	if (value[0] == '[') {
		close = strchr(value, ']');
		if (!close)
			return "Unable to find matching brace of endpoint";
		return close[1] == ':' && close[2] ? NULL : "Unable to find port of endpoint";
	}
	colon = strrchr(value, ':');
	return colon && colon[1] ? NULL : "Unable to find port of endpoint";
}

static int arg_endpoint(struct set_ctx *ctx, const char *value)
{
	const char *why = endpoint_shape_error(value);
	int ret;

	if (why && !*value) {
		fprintf(ctx->err, "%s\n", why);
		return -EINVAL;
	}
	if (why) {
		fprintf(ctx->err, "%s: `%s'\n", why, value);
		return -EINVAL;
	}
	ret = wgx_config_parse_endpoint(&ctx->peer->endpoint, value, 0, &why);
	if (ret == -EINVAL)
		fprintf(ctx->err, "%s: `%s'\n", why, value);
	if (!ret)
		ctx->peer->flags |= WGX_PEER_HAS_ENDPOINT;
	return ret;
}

static int arg_keepalive(struct set_ctx *ctx, const char *value)
{
	if (wgx_config_parse_keepalive(&ctx->peer->persistent_keepalive_interval, value)) {
		fprintf(ctx->err, "Persistent keepalive interval is neither 0/off nor 1-65535: "
				  "`%s'\n", value);
		return -EINVAL;
	}
	ctx->peer->flags |= WGX_PEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL;
	return 0;
}

/* ---- allowed-ips ---- */

static bool has_host_bits(const struct wgx_allowedip *a)
{
	const uint8_t *b = (const uint8_t *)&a->ip6;
	size_t len = a->family == AF_INET ? 4 : 16, i, bit;
	uint8_t mask;

	for (i = 0, bit = 0; i < len; i++, bit += 8) {
		if (a->cidr >= bit + 8)
			mask = 0xff;
		else if (a->cidr <= bit)
			mask = 0;
		else
			mask = (uint8_t)(0xff << (8 - (a->cidr - bit)));
		if (b[i] & (uint8_t)~mask)
			return true;
	}
	return false;
}

/*
 * wg(8) warns, but accepts, "10.0.0.1/24": the daemon keeps the network
 * only. Entries and their text are walked side by side to quote what was typed.
 */
static void warn_host_bits(struct set_ctx *ctx, const struct wgx_allowedip *a, const char *text)
{
	const char *entry = text, *comma, *slash;
	int len;

	for (; a; a = a->next, entry = comma + 1) {
		comma = strchr(entry, ',');
		len = comma ? (int)(comma - entry) : (int)strlen(entry);
		if (*entry == '+' || *entry == '-')
			entry++, len--;
		slash = memchr(entry, '/', (size_t)len);
		if (slash && has_host_bits(a))
			fprintf(ctx->err, "Warning: AllowedIP has nonzero host part: %.*s\n", len,
				entry);
		if (!comma)
			break;
	}
}

/* Which of wg(8)'s two messages: the address itself, or the entry as a whole. */
static void allowedip_error(struct set_ctx *ctx, const char *entry, size_t len)
{
	char buf[WGX_PREFIX_STRLEN + 1], ip[INET6_ADDRSTRLEN], shown[256];
	const char *slash;
	size_t iplen;

	if (len && (*entry == '+' || *entry == '-'))
		entry++, len--;
	snprintf(shown, sizeof(shown), "%.*s", (int)len, entry);
	slash = memchr(entry, '/', len);
	iplen = slash ? (size_t)(slash - entry) : len;
	snprintf(ip, sizeof(ip), "%.*s", (int)iplen, entry);
	if (iplen >= sizeof(ip) ||
	    inet_pton(memchr(entry, ':', iplen) ? AF_INET6 : AF_INET, ip, buf) != 1)
		fprintf(ctx->err, "Unable to parse IP address: `%.*s'\n", (int)iplen, entry);
	else
		fprintf(ctx->err, "AllowedIP is not in the correct format: `%s'\n", shown);
}

static int arg_allowed_ips(struct set_ctx *ctx, const char *value)
{
	const struct wgx_allowedip *before = ctx->peer->last_allowedip;
	char *clean = malloc(strlen(value) + 1), *d;
	const char *bad = NULL;
	size_t badlen = 0;
	int ret;

	if (!clean)
		return -ENOMEM;
	/* As wg(8): "10.0.0.1/32, fd00::1/128" in one shell word is fine. */
	for (d = clean; *value; value++) {
		if (!is_space((unsigned char)*value))
			*d++ = *value;
	}
	*d = '\0';
	ret = wgx_config_parse_allowedips(ctx->peer, clean, &bad, &badlen);
	if (ret != -ENOMEM)
		warn_host_bits(ctx, before ? before->next : ctx->peer->first_allowedip, clean);
	if (ret == -EINVAL)
		allowedip_error(ctx, bad, badlen);
	free(clean);
	return ret;
}

/* ---- the argument table ---- */

enum arg_scope {
	ARG_DEVICE,	/* before the first `peer` */
	ARG_ANY,
	ARG_PEER,	/* after a `peer` */
};

struct set_arg {
	const char *name;
	enum arg_scope scope;
	bool has_value;
	int (*apply)(struct set_ctx *ctx, const char *value);
};

static const struct set_arg set_args[] = {
	{ "listen-port", ARG_DEVICE, true, arg_listen_port },
	{ "fwmark", ARG_DEVICE, true, arg_fwmark },
	{ "private-key", ARG_DEVICE, true, arg_private_key },
	{ "peer", ARG_ANY, true, arg_peer },
	{ "remove", ARG_PEER, false, arg_remove },
	{ "endpoint", ARG_PEER, true, arg_endpoint },
	{ "allowed-ips", ARG_PEER, true, arg_allowed_ips },
	{ "persistent-keepalive", ARG_PEER, true, arg_keepalive },
	{ "preshared-key", ARG_PEER, true, arg_preshared_key },
};

/* The entry for argv[0] if it may come here with its value; NULL is wg(8)'s "Invalid argument". */
static const struct set_arg *find_arg(const struct set_ctx *ctx, char *argv[], int argc)
{
	const struct set_arg *a;
	size_t i;

	for (i = 0; i < sizeof(set_args) / sizeof(set_args[0]); i++) {
		a = &set_args[i];
		if (strcmp(a->name, argv[0]) || argc < (a->has_value ? 2 : 1))
			continue;
		if ((a->scope == ARG_DEVICE && ctx->peer) || (a->scope == ARG_PEER && !ctx->peer))
			continue;
		return a;
	}
	return NULL;
}

int wgx_cli_parse_set(struct wgx_devcfg **out, int argc, char *argv[], FILE *err)
{
	struct set_ctx ctx = { .dev = wgx_devcfg_alloc(), .err = err };
	const struct set_arg *a;
	int ret = ctx.dev ? 0 : -ENOMEM;

	*out = NULL;
	while (!ret && argc > 0) {
		a = find_arg(&ctx, argv, argc);
		if (!a) {
			fprintf(err, "Invalid argument: %s\n", argv[0]);
			ret = -EINVAL;
			break;
		}
		ret = a->apply(&ctx, a->has_value ? argv[1] : NULL);
		argv += a->has_value ? 2 : 1;
		argc -= a->has_value ? 2 : 1;
	}
	if (ret == -ENOMEM)
		fprintf(err, "%s\n", strerror(ENOMEM));
	if (ret)
		wgx_devcfg_free(ctx.dev);
	else
		*out = ctx.dev;
	return ret;
}
