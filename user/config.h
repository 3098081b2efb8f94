/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wg(8) configuration files (`wg setconf`/`addconf`, `wg showconf`) and the
 * wg-quick(8) interface keys on top of them.
 *
 * Parsing follows wg(8): '#' starts a comment, whitespace anywhere in a line
 * is dropped (except inside Pre/PostUp/Down commands, which keep their inner
 * spaces as wg-quick does), keys and section names are case-insensitive, later
 * scalar keys win and AllowedIPs lines add up. A parse either returns a whole
 * devcfg or -EINVAL (-ENOMEM) with nothing allocated and one line in errbuf:
 *
 *	wg0.conf:7: invalid AllowedIPs '10.0.0.300/24'
 *
 * Secret keys are never quoted whole in messages: only their first characters.
 */
#ifndef WGX_CONFIG_H
#define WGX_CONFIG_H

#include <stdint.h>
#include <stdio.h>

#include "devcfg.h"

enum wgx_config_flags {
	/*
	 * `wg addconf`: leave peers and unset interface values as they are.
	 * Without it (`setconf`) the result replaces all peers and resets
	 * PrivateKey, ListenPort and FwMark to zero when the file omits them.
	 */
	WGX_CONFIG_APPEND = 1U << 0,
	/* Accept Address, DNS, MTU, Table, Pre/PostUp/Down, SaveConfig; else they are errors. */
	WGX_CONFIG_WG_QUICK = 1U << 1,
	/* Endpoints must be numeric: no name resolution (fuzzing, the daemon side). */
	WGX_CONFIG_NUMERIC = 1U << 2,
};

/* Longest line accepted, without its newline. wg(8) has no limit; long AllowedIPs lists exist. */
#define WGX_CONFIG_LINE_MAX 65535
/* Enough for any message the parser writes (values are quoted truncated). */
#define WGX_CONFIG_ERRBUF_LEN 256

/*
 * Parse a whole file. name prefixes messages ("wg0.conf"); errbuf may be
 * NULL. 0 with *out set, or -EINVAL/-ENOMEM/-EIO with *out NULL.
 */
int wgx_config_parse_file(struct wgx_devcfg **out, FILE *f, const char *name, unsigned int flags,
			  char *errbuf, size_t errlen);
/* The same over a buffer, which may hold NUL bytes (they are errors). */
int wgx_config_parse_buf(struct wgx_devcfg **out, const char *buf, size_t len, const char *name,
			 unsigned int flags, char *errbuf, size_t errlen);

/*
 * Write dev in `wg showconf` format; with WGX_CONFIG_WG_QUICK the wg-quick
 * keys follow the [Interface] line as `wg-quick save` writes them. 0 or
 * -ENOMEM. The text holds the private key: wgx_textbuf_free() wipes it.
 */
int wgx_config_write_buf(struct wgx_textbuf *tb, const struct wgx_devcfg *dev, unsigned int flags);
/* 0, -ENOMEM or -EIO. */
int wgx_config_write_file(FILE *f, const struct wgx_devcfg *dev, unsigned int flags);

/*
 * One parser per value type, shared with `wg set` arguments. Each takes the
 * value with whitespace already removed and returns 0 or -EINVAL, leaving
 * *out untouched on error.
 */
int wgx_config_parse_key(wgx_key out, const char *value);			/* base64 */
int wgx_config_parse_port(uint16_t *out, const char *value);			/* 0..65535 */
int wgx_config_parse_fwmark(uint32_t *out, const char *value);		/* "off", n, 0xn */
int wgx_config_parse_keepalive(uint16_t *out, const char *value);		/* "off", 0..65535 */
int wgx_config_parse_mtu(uint32_t *out, const char *value);			/* 68..65535 */
int wgx_config_parse_bool(bool *out, const char *value);			/* true/false */
/*
 * host:port, [v6]:port; host names resolved with getaddrinfo (first answer,
 * transient failures retried WG_ENDPOINT_RESOLUTION_RETRIES times, default
 * 15, as wg(8) does) unless WGX_CONFIG_NUMERIC. On error *why names the cause.
 */
int wgx_config_parse_endpoint(struct sockaddr_storage *out, const char *value, unsigned int flags,
			      const char **why);
/*
 * Comma list of prefixes appended to peer; "" is allowed (no entry). Each
 * entry may start with '+' (add) or '-' (remove, WGX_ALLOWEDIP_REMOVE_ME);
 * either makes the list incremental and clears WGX_PEER_REPLACE_ALLOWEDIPS,
 * as `wg set … allowed-ips +10.0.0.0/8` does. On -EINVAL, *bad and *badlen
 * delimit the offending entry inside value and entries before it stay added.
 */
int wgx_config_parse_allowedips(struct wgx_peercfg *peer, const char *value, const char **bad,
				size_t *badlen);

#endif /* WGX_CONFIG_H */
