// SPDX-License-Identifier: GPL-2.0
/* `wg show` text outputs: the pretty form, single fields and dump, as wg(8) prints them. */
#include <inttypes.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "cli/format.h"
#include "cli/show.h"

bool wgx_show_hide_keys(void)
{
	const char *var = getenv("WG_HIDE_KEYS");

	return !var || strcmp(var, "never");
}

/* ---- peer order ---- */

struct sort_slot {
	const struct wgx_peercfg *peer;
	size_t index;
};

static bool never_handshaken(const struct wgx_peercfg *p)
{
	return !p->last_handshake_time_sec && !p->last_handshake_time_nsec;
}

/* Newest handshake first, none last; the daemon's order breaks ties, as a stable sort would. */
static int peer_cmp(const void *first, const void *second)
{
	const struct sort_slot *sa = first, *sb = second;
	const struct wgx_peercfg *a = sa->peer, *b = sb->peer;

	if (never_handshaken(a) != never_handshaken(b))
		return never_handshaken(a) ? 1 : -1;
	if (a->last_handshake_time_sec != b->last_handshake_time_sec)
		return a->last_handshake_time_sec > b->last_handshake_time_sec ? -1 : 1;
	if (a->last_handshake_time_nsec != b->last_handshake_time_nsec)
		return a->last_handshake_time_nsec > b->last_handshake_time_nsec ? -1 : 1;
	return sa->index < sb->index ? -1 : sa->index > sb->index;
}

const struct wgx_peercfg **wgx_show_sort_peers(const struct wgx_devcfg *dev, size_t *count)
{
	size_t n = wgx_devcfg_peer_count(dev), i = 0;
	const struct wgx_peercfg *p, **out = NULL;
	struct sort_slot *slots;

	*count = 0;
	slots = n ? calloc(n, sizeof(*slots)) : NULL;
	out = n ? calloc(n, sizeof(*out)) : NULL;
	if (!slots || !out)
		goto out;
	wgx_devcfg_for_each_peer(dev, p) {
		slots[i].peer = p;
		slots[i].index = i;
		i++;
	}
	qsort(slots, n, sizeof(*slots), peer_cmp);
	for (i = 0; i < n; i++)
		out[i] = slots[i].peer;
	*count = n;
out:
	free(slots);
	if (!*count) {
		free(out);
		out = NULL;
	}
	return out;
}

/* ---- values ---- */

static void put_key(FILE *f, const wgx_key key)
{
	wgx_key_b64 b64;

	wgx_key_to_base64(b64, key);
	fputs(b64, f);
	sodium_memzero(b64, sizeof(b64));
}

static void put_maybe_key(FILE *f, const wgx_key key, bool have)
{
	if (have)
		put_key(f, key);
	else
		fputs("(none)", f);
}

static void put_secret(FILE *f, const wgx_key key)
{
	if (wgx_show_hide_keys())
		fputs("(hidden)", f);
	else
		put_key(f, key);
}

static bool has_endpoint(const struct wgx_peercfg *p)
{
	return p->endpoint.ss_family == AF_INET || p->endpoint.ss_family == AF_INET6;
}

static void put_endpoint(FILE *f, const struct wgx_peercfg *p)
{
	char buf[WGX_FMT_LEN];

	if (!has_endpoint(p)) {
		fputs("(none)", f);
		return;
	}
	wgx_fmt_endpoint(buf, &p->endpoint);
	fputs(buf, f);
}

/* "a/n<sep>b/n<sep>…<last>", or "(none)<last>". */
static void put_allowedips(FILE *f, const struct wgx_peercfg *p, const char *sep, const char *last)
{
	char prefix[WGX_PREFIX_STRLEN];
	const struct wgx_allowedip *a;

	if (!p->first_allowedip)
		fprintf(f, "(none)%s", last);
	wgx_devcfg_for_each_allowedip(p, a) {
		wgx_devcfg_format_prefix(prefix, a);
		fprintf(f, "%s%s", prefix, a->next ? sep : last);
	}
}

static void put_fwmark(FILE *f, uint32_t fwmark)
{
	if (fwmark)
		fprintf(f, "0x%x", fwmark);
	else
		fputs("off", f);
}

static void put_keepalive(FILE *f, uint16_t interval)
{
	if (interval)
		fprintf(f, "%u", interval);
	else
		fputs("off", f);
}

/* ---- pretty ---- */

static void pretty_stats(FILE *f, const struct wgx_show_stats *st)
{
	const struct wgx_ipc_stat *s;
	bool any = false;
	size_t i;

	fputs("  counters: ", f);
	if (st->err) {
		fprintf(f, "(unavailable: %s)\n", strerror(-st->err));
		return;
	}
	for (i = 0; i < st->stats.count; i++) {
		s = &st->stats.items[i];
		if (!s->value)
			continue;
		fprintf(f, "%s%s %" PRIu64, any ? ", " : "", s->name, s->value);
		any = true;
	}
	fputs(any ? "\n" : "(all zero)\n", f);
}

static void pretty_interface(FILE *f, const char *ifname, const struct wgx_devcfg *dev)
{
	fprintf(f, "interface: %s\n", ifname);
	if (dev->flags & WGX_DEV_HAS_PUBLIC_KEY) {
		fputs("  public key: ", f);
		put_key(f, dev->public_key);
		fputc('\n', f);
	}
	if (dev->flags & WGX_DEV_HAS_PRIVATE_KEY) {
		fputs("  private key: ", f);
		put_secret(f, dev->private_key);
		fputc('\n', f);
	}
	if (dev->listen_port)
		fprintf(f, "  listening port: %u\n", dev->listen_port);
	if (dev->fwmark)
		fprintf(f, "  fwmark: 0x%x\n", dev->fwmark);
}

static void pretty_peer_stats(FILE *f, const struct wgx_peercfg *p, int64_t now)
{
	char a[WGX_FMT_LEN], b[WGX_FMT_LEN];

	if (p->last_handshake_time_sec) {
		wgx_fmt_ago(a, p->last_handshake_time_sec, now);
		fprintf(f, "  latest handshake: %s\n", a);
	}
	if (p->rx_bytes || p->tx_bytes) {
		wgx_fmt_bytes(a, p->rx_bytes);
		wgx_fmt_bytes(b, p->tx_bytes);
		fprintf(f, "  transfer: %s received, %s sent\n", a, b);
	}
	if (p->persistent_keepalive_interval) {
		wgx_fmt_duration(a, p->persistent_keepalive_interval);
		fprintf(f, "  persistent keepalive: every %s\n", a);
	}
}

static void pretty_peer(FILE *f, const struct wgx_peercfg *p, int64_t now, bool more)
{
	fputs("peer: ", f);
	put_key(f, p->public_key);
	fputc('\n', f);
	if (p->flags & WGX_PEER_HAS_PRESHARED_KEY) {
		fputs("  preshared key: ", f);
		put_secret(f, p->preshared_key);
		fputc('\n', f);
	}
	if (has_endpoint(p)) {
		fputs("  endpoint: ", f);
		put_endpoint(f, p);
		fputc('\n', f);
	}
	fputs("  allowed ips: ", f);
	put_allowedips(f, p, ", ", "\n");
	pretty_peer_stats(f, p, now);
	if (more)
		fputc('\n', f);
}

void wgx_show_pretty(FILE *f, const char *ifname, const struct wgx_devcfg *dev, int64_t now,
		     const struct wgx_show_stats *stats)
{
	const struct wgx_peercfg **peers, *p;
	size_t n, i;

	pretty_interface(f, ifname, dev);
	if (stats && stats->wanted)
		pretty_stats(f, stats);
	if (!dev->first_peer)
		return;
	fputc('\n', f);
	peers = wgx_show_sort_peers(dev, &n);
	if (!peers) {
		/* Out of memory: the daemon's order still shows every peer. */
		wgx_devcfg_for_each_peer(dev, p)
			pretty_peer(f, p, now, p->next != NULL);
		return;
	}
	for (i = 0; i < n; i++)
		pretty_peer(f, peers[i], now, i + 1 < n);
	free(peers);
}

/* ---- single fields and dump ---- */

static void dev_public_key(FILE *f, const struct wgx_devcfg *dev)
{
	put_maybe_key(f, dev->public_key, dev->flags & WGX_DEV_HAS_PUBLIC_KEY);
}

/* As wg(8): asking for the private key by name shows it, unlike the pretty form. */
static void dev_private_key(FILE *f, const struct wgx_devcfg *dev)
{
	put_maybe_key(f, dev->private_key, dev->flags & WGX_DEV_HAS_PRIVATE_KEY);
}

static void dev_listen_port(FILE *f, const struct wgx_devcfg *dev)
{
	fprintf(f, "%u", dev->listen_port);
}

static void dev_fwmark(FILE *f, const struct wgx_devcfg *dev)
{
	put_fwmark(f, dev->fwmark);
}

static void peer_nothing(FILE *f, const struct wgx_peercfg *p)
{
	(void)f;
	(void)p;
}

static void peer_preshared_key(FILE *f, const struct wgx_peercfg *p)
{
	fputc('\t', f);
	put_maybe_key(f, p->preshared_key, p->flags & WGX_PEER_HAS_PRESHARED_KEY);
}

static void peer_endpoint(FILE *f, const struct wgx_peercfg *p)
{
	fputc('\t', f);
	put_endpoint(f, p);
}

static void peer_allowedips(FILE *f, const struct wgx_peercfg *p)
{
	fputc('\t', f);
	put_allowedips(f, p, " ", "");
}

static void peer_handshake(FILE *f, const struct wgx_peercfg *p)
{
	fprintf(f, "\t%llu", (unsigned long long)p->last_handshake_time_sec);
}

static void peer_transfer(FILE *f, const struct wgx_peercfg *p)
{
	fprintf(f, "\t%" PRIu64 "\t%" PRIu64, p->rx_bytes, p->tx_bytes);
}

static void peer_keepalive(FILE *f, const struct wgx_peercfg *p)
{
	fputc('\t', f);
	put_keepalive(f, p->persistent_keepalive_interval);
}

/* A field is one line for the device, or one line per peer starting with its public key. */
struct field {
	const char *name;
	void (*device)(FILE *f, const struct wgx_devcfg *dev);
	void (*peer)(FILE *f, const struct wgx_peercfg *p);
};

static const struct field fields[] = {
	{ "public-key", dev_public_key, NULL },
	{ "private-key", dev_private_key, NULL },
	{ "listen-port", dev_listen_port, NULL },
	{ "fwmark", dev_fwmark, NULL },
	{ "peers", NULL, peer_nothing },
	{ "preshared-keys", NULL, peer_preshared_key },
	{ "endpoints", NULL, peer_endpoint },
	{ "allowed-ips", NULL, peer_allowedips },
	{ "latest-handshakes", NULL, peer_handshake },
	{ "transfer", NULL, peer_transfer },
	{ "persistent-keepalive", NULL, peer_keepalive },
	{ "dump", NULL, NULL },
};

static const struct field *find_field(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (!strcmp(fields[i].name, name))
			return &fields[i];
	}
	return NULL;
}

bool wgx_show_is_field(const char *field)
{
	return find_field(field) != NULL;
}

static void line_start(FILE *f, const char *ifname, bool with_ifname)
{
	if (with_ifname)
		fprintf(f, "%s\t", ifname);
}

static void dump_peer(FILE *f, const struct wgx_peercfg *p)
{
	put_key(f, p->public_key);
	peer_preshared_key(f, p);
	peer_endpoint(f, p);
	fputc('\t', f);
	put_allowedips(f, p, ",", "");
	peer_handshake(f, p);
	peer_transfer(f, p);
	peer_keepalive(f, p);
	fputc('\n', f);
}

/* The device line, then a line per peer, tab-separated, secrets in clear (as wg(8)). */
static void dump(FILE *f, const char *ifname, const struct wgx_devcfg *dev, bool with_ifname)
{
	const struct wgx_peercfg *p;

	line_start(f, ifname, with_ifname);
	dev_private_key(f, dev);
	fputc('\t', f);
	dev_public_key(f, dev);
	fprintf(f, "\t%u\t", dev->listen_port);
	put_fwmark(f, dev->fwmark);
	fputc('\n', f);
	wgx_devcfg_for_each_peer(dev, p) {
		line_start(f, ifname, with_ifname);
		dump_peer(f, p);
	}
}

void wgx_show_field(FILE *f, const char *ifname, const struct wgx_devcfg *dev, const char *name,
		    bool with_ifname)
{
	const struct field *field = find_field(name);
	const struct wgx_peercfg *p;

	if (!field)
		return;
	if (!field->device && !field->peer) {
		dump(f, ifname, dev, with_ifname);
	} else if (field->device) {
		line_start(f, ifname, with_ifname);
		field->device(f, dev);
		fputc('\n', f);
	} else {
		wgx_devcfg_for_each_peer(dev, p) {
			line_start(f, ifname, with_ifname);
			put_key(f, p->public_key);
			field->peer(f, p);
			fputc('\n', f);
		}
	}
}
