// SPDX-License-Identifier: GPL-2.0
/*
 * `wg-xdp show --json`: one object per interface with every field of the
 * snapshot and the daemon's counters. Secrets follow the pretty form: shown
 * as "(hidden)" unless WG_HIDE_KEYS=never, null when not set. Peers keep the
 * daemon's order, as `dump` does, so scripts see a stable list.
 */
#include <inttypes.h>
#include <sodium.h>
#include <string.h>

#include "cli/format.h"
#include "cli/show.h"

static void json_key(FILE *f, const char *indent, const char *name, const wgx_key key, bool have,
		     bool secret, bool comma)
{
	wgx_key_b64 b64;

	fprintf(f, "%s\"%s\": ", indent, name);
	if (!have) {
		fputs("null", f);
	} else if (secret && wgx_show_hide_keys()) {
		fputs("\"(hidden)\"", f);
	} else {
		wgx_key_to_base64(b64, key);
		fprintf(f, "\"%s\"", b64);
		sodium_memzero(b64, sizeof(b64));
	}
	fputs(comma ? ",\n" : "\n", f);
}

static void json_endpoint(FILE *f, const struct wgx_peercfg *p)
{
	char buf[WGX_FMT_LEN];

	fputs("\t\t\t\"endpoint\": ", f);
	if (p->endpoint.ss_family == AF_INET || p->endpoint.ss_family == AF_INET6) {
		wgx_fmt_endpoint(buf, &p->endpoint);
		wgx_fmt_json_string(f, buf);
	} else {
		fputs("null", f);
	}
	fputs(",\n", f);
}

static void json_allowedips(FILE *f, const struct wgx_peercfg *p)
{
	char prefix[WGX_PREFIX_STRLEN];
	const struct wgx_allowedip *a;

	fputs("\t\t\t\"allowed_ips\": [", f);
	wgx_devcfg_for_each_allowedip(p, a) {
		wgx_devcfg_format_prefix(prefix, a);
		fprintf(f, "\"%s\"%s", prefix, a->next ? ", " : "");
	}
	fputs("],\n", f);
}

static void json_peer(FILE *f, const struct wgx_peercfg *p)
{
	fputs("\t\t{\n", f);
	json_key(f, "\t\t\t", "public_key", p->public_key, true, false, true);
	json_key(f, "\t\t\t", "preshared_key", p->preshared_key,
		 p->flags & WGX_PEER_HAS_PRESHARED_KEY, true, true);
	json_endpoint(f, p);
	json_allowedips(f, p);
	fprintf(f,
		"\t\t\t\"latest_handshake\": %" PRId64 ",\n"
		"\t\t\t\"rx_bytes\": %" PRIu64 ",\n"
		"\t\t\t\"tx_bytes\": %" PRIu64 ",\n"
		"\t\t\t\"persistent_keepalive\": %u\n",
		p->last_handshake_time_sec, p->rx_bytes, p->tx_bytes,
		p->persistent_keepalive_interval);
	fputs(p->next ? "\t\t},\n" : "\t\t}\n", f);
}

static void json_stats(FILE *f, const struct wgx_show_stats *st)
{
	size_t i;

	fputs("\t\"stats\": ", f);
	if (!st || !st->wanted || st->err) {
		fputs("null\n", f);
		return;
	}
	fputs("{", f);
	for (i = 0; i < st->stats.count; i++) {
		fputs(i ? ",\n\t\t" : "\n\t\t", f);
		wgx_fmt_json_string(f, st->stats.items[i].name);
		fprintf(f, ": %" PRIu64, st->stats.items[i].value);
	}
	fputs(st->stats.count ? "\n\t}\n" : "}\n", f);
}

void wgx_show_json(FILE *f, const char *ifname, const struct wgx_devcfg *dev,
		   const struct wgx_show_stats *stats)
{
	const struct wgx_peercfg *p;

	fputs("{\n\t\"interface\": ", f);
	wgx_fmt_json_string(f, ifname);
	fputs(",\n", f);
	json_key(f, "\t", "public_key", dev->public_key, dev->flags & WGX_DEV_HAS_PUBLIC_KEY, false,
		 true);
	json_key(f, "\t", "private_key", dev->private_key, dev->flags & WGX_DEV_HAS_PRIVATE_KEY,
		 true, true);
	fprintf(f, "\t\"listen_port\": %u,\n\t\"fwmark\": %u,\n\t\"peers\": [", dev->listen_port,
		dev->fwmark);
	fputs(dev->first_peer ? "\n" : "],\n", f);
	wgx_devcfg_for_each_peer(dev, p)
		json_peer(f, p);
	if (dev->first_peer)
		fputs("\t],\n", f);
	json_stats(f, stats);
	fputs("}", f);
}
