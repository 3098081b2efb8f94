/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The device/peer/allowed-IP "diff" that every configuration path speaks, after
 * wireguard-tools' struct wgdevice: a config file, a `wg set` command line and a
 * UAPI set=1 request all parse into one, the daemon applies it, and a UAPI get=1
 * snapshot is the same structure with the stats filled in.
 *
 * A flag says whether a field is part of the diff: HAS_* means "set this value"
 * (a zero key with HAS_PRIVATE_KEY removes the key, as in the kernel's netlink
 * API), REPLACE_* means "drop what is there first". Lists keep their order
 * because the UAPI applies allowed_ip lines in order (add then remove matters).
 *
 * Private and preshared keys are wiped when a devcfg is freed; text produced
 * from a devcfg goes through struct wgx_textbuf, which wipes as it grows.
 */
#ifndef WGX_DEVCFG_H
#define WGX_DEVCFG_H

#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "keys.h"

enum wgx_devcfg_flags {
	WGX_DEV_HAS_PRIVATE_KEY = 1U << 0,
	WGX_DEV_HAS_PUBLIC_KEY = 1U << 1,	/* snapshots only: derived from the private key */
	WGX_DEV_HAS_LISTEN_PORT = 1U << 2,
	WGX_DEV_HAS_FWMARK = 1U << 3,
	WGX_DEV_REPLACE_PEERS = 1U << 4,
};

enum wgx_peercfg_flags {
	WGX_PEER_REMOVE_ME = 1U << 0,
	WGX_PEER_UPDATE_ONLY = 1U << 1,		/* never create the peer, only change it */
	WGX_PEER_REPLACE_ALLOWEDIPS = 1U << 2,
	WGX_PEER_HAS_PUBLIC_KEY = 1U << 3,
	WGX_PEER_HAS_PRESHARED_KEY = 1U << 4,
	WGX_PEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL = 1U << 5,
	WGX_PEER_HAS_ENDPOINT = 1U << 6,
};

enum wgx_allowedip_flags {
	WGX_ALLOWEDIP_REMOVE_ME = 1U << 0,	/* UAPI `allowed_ip=-a.b.c.d/n`, `wg set … -a/n` */
};

/* An allowed IP of a peer, or a wg-quick Address (whose host bits are kept). */
struct wgx_allowedip {
	struct wgx_allowedip *next;
	uint32_t flags;
	uint16_t family;	/* AF_INET or AF_INET6 */
	uint8_t cidr;
	union {
		struct in_addr ip4;
		struct in6_addr ip6;
	};
};

struct wgx_string {
	struct wgx_string *next;
	char str[];
};

struct wgx_strlist {
	struct wgx_string *first, *last;
};

struct wgx_peercfg {
	struct wgx_peercfg *next;
	uint32_t flags;
	wgx_key public_key;
	wgx_key preshared_key;
	/* ss_family is AF_INET or AF_INET6 when WGX_PEER_HAS_ENDPOINT, else AF_UNSPEC. */
	struct sockaddr_storage endpoint;
	uint16_t persistent_keepalive_interval;

	/* Snapshot (get=1) statistics; never part of a diff. */
	int64_t last_handshake_time_sec;
	int64_t last_handshake_time_nsec;
	uint64_t rx_bytes;
	uint64_t tx_bytes;

	struct wgx_allowedip *first_allowedip, *last_allowedip;
};

/*
 * wg-quick(8) interface keys. The daemon never sees these: `wg-xdp up` acts on
 * them and `strip` drops them. mtu == 0, table == NULL mean "not given".
 */
struct wgx_quickcfg {
	struct wgx_allowedip *first_address, *last_address;
	struct wgx_strlist dns;		/* nameservers and search domains, in file order */
	uint32_t mtu;
	char *table;
	struct wgx_strlist pre_up, post_up, pre_down, post_down;
	bool save_config;
};

struct wgx_devcfg {
	uint32_t flags;
	wgx_key private_key;
	wgx_key public_key;
	uint16_t listen_port;
	uint32_t fwmark;
	struct wgx_peercfg *first_peer, *last_peer;
	struct wgx_quickcfg quick;
};

#define wgx_devcfg_for_each_peer(dev, p) for ((p) = (dev)->first_peer; (p); (p) = (p)->next)
#define wgx_devcfg_for_each_allowedip(peer, a) \
	for ((a) = (peer)->first_allowedip; (a); (a) = (a)->next)

/* NULL on ENOMEM. */
struct wgx_devcfg *wgx_devcfg_alloc(void);
/* Wipes every key; NULL is fine. */
void wgx_devcfg_free(struct wgx_devcfg *dev);
/* Appends a zeroed peer (endpoint AF_UNSPEC); NULL on ENOMEM. */
struct wgx_peercfg *wgx_devcfg_add_peer(struct wgx_devcfg *dev);
/* Appends a copy of *aip to the peer; 0 or -ENOMEM. */
int wgx_devcfg_add_allowedip(struct wgx_peercfg *peer, const struct wgx_allowedip *aip);
void wgx_devcfg_clear_allowedips(struct wgx_peercfg *peer);
/* Appends a wg-quick Address; 0 or -ENOMEM. */
int wgx_devcfg_add_address(struct wgx_devcfg *dev, const struct wgx_allowedip *addr);
/* Appends the first len bytes of s (no NUL needed); 0 or -ENOMEM. */
int wgx_devcfg_add_string(struct wgx_strlist *list, const char *s, size_t len);
size_t wgx_devcfg_peer_count(const struct wgx_devcfg *dev);
/* Every field, flag and list entry in order; endpoints compared by address, port, scope. */
bool wgx_devcfg_equal(const struct wgx_devcfg *a, const struct wgx_devcfg *b);

/*
 * Values shared by the text formats (config file, `wg set`, UAPI).
 *
 * Prefix: "a.b.c.d[/n]" or "v6[/n]". Without /n the prefix is a host (32 or
 * 128) unless require_cidr, as the UAPI wants. Host bits are kept.
 */
int wgx_devcfg_parse_prefix(struct wgx_allowedip *out, const char *s, bool require_cidr);

/* "a.b.c.d/n" or "v6/n"; out must hold WGX_PREFIX_STRLEN. */
#define WGX_PREFIX_STRLEN (INET6_ADDRSTRLEN + 4)
void wgx_devcfg_format_prefix(char *out, const struct wgx_allowedip *aip);

/*
 * Endpoint "a.b.c.d:port" or "[v6]:port" ("[fe80::1%eth0]:port" for scoped
 * addresses), numeric only: nothing is resolved except an interface name in a
 * scope. 0 or -EINVAL. Hostnames are the config parser's business.
 */
int wgx_devcfg_parse_endpoint(struct sockaddr_storage *out, const char *s);
/* "a.b.c.d:port" or "[v6%scope]:port", scope as a number; out holds WGX_ENDPOINT_STRLEN. */
#define WGX_ENDPOINT_STRLEN (INET6_ADDRSTRLEN + 16 + 8)
void wgx_devcfg_format_endpoint(char *out, const struct sockaddr_storage *ss);
/* Strict decimal, no sign or spaces, value <= max; 0 or -EINVAL. */
int wgx_devcfg_parse_u64(uint64_t *out, const char *s, uint64_t max);

/*
 * A growable text buffer for serializers. It wipes its old storage when it
 * grows and when freed, because serialized configs carry private keys. After
 * a failed allocation it stays failed (err = -ENOMEM) and drops further text,
 * so writers check once at the end.
 */
struct wgx_textbuf {
	char *buf;	/* NUL-terminated once anything was written */
	size_t len;
	size_t cap;
	int err;
};

__attribute__((format(printf, 2, 3)))
void wgx_textbuf_printf(struct wgx_textbuf *tb, const char *fmt, ...);
void wgx_textbuf_vprintf(struct wgx_textbuf *tb, const char *fmt, va_list ap);
void wgx_textbuf_free(struct wgx_textbuf *tb);

#endif /* WGX_DEVCFG_H */
