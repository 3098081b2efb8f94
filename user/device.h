/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The device: the interface's identity and settings, its peers, the tables
 * that map packets to peers (allowed IPs for outgoing, receiver indices for
 * incoming), the cookie checker and rate limiter, and its I/O (TUN + UDP).
 *
 * Peers sit in a table indexed by id - 1 so that a BPF map mirror can name
 * them by a small integer; ids of removed peers are reused.
 *
 * Portable mode runs the whole device in one thread (daemon.c); nothing here
 * locks.
 */
#ifndef WGX_DEVICE_H
#define WGX_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

#include "allowedips.h"
#include "cookie.h"
#include "devcfg.h"
#include "index.h"
#include "noise.h"
#include "peer.h"
#include "ratelimiter.h"
#include "tun.h"
#include "udp.h"

struct wgx_tx_batch;
struct wgx_rx_out;

/* Why a packet was dropped: `wg-xdp show --stats` prints these. */
enum wgx_dev_counter {
	WGX_DEV_RX_GARBAGE,		/* unknown type, bad length, reserved bits */
	WGX_DEV_RX_BAD_MAC,		/* handshake message failing MAC1 */
	WGX_DEV_RX_HANDSHAKE_REJECTED,	/* failed Noise, unknown peer, replay, flood */
	WGX_DEV_RX_RATELIMITED,		/* handshake over the per-source rate under load */
	WGX_DEV_RX_COOKIE_SENT,		/* under load, answered with a cookie reply */
	WGX_DEV_RX_UNKNOWN_INDEX,	/* data or response for no index of ours */
	WGX_DEV_RX_DECRYPT_FAILED,	/* forged, or keypair expired */
	WGX_DEV_RX_REPLAYED,		/* counter seen before or too old */
	WGX_DEV_RX_BAD_INNER,		/* decrypted packet not IPv4/IPv6 or bad length */
	WGX_DEV_RX_SOURCE_NOT_ALLOWED,	/* inner source not in the peer's allowed IPs */
	WGX_DEV_TX_NO_PEER,		/* no allowed-IPs entry for the destination */
	WGX_DEV_TX_NO_ENDPOINT,		/* peer has no endpoint yet */
	WGX_DEV_TX_STAGED_DROPPED,	/* staged queue overflow or handshake given up */
	WGX_DEV_TX_SEND_FAILED,		/* UDP send error */
	WGX_DEV_TX_BAD_PACKET,		/* offload header we cannot honour, or oversized */
	WGX_DEV_COUNTER_MAX,
};

const char *wgx_dev_counter_name(enum wgx_dev_counter c);

struct wgx_device {
	struct wgx_static_identity id;
	struct wgx_cookie_checker cookie_checker;
	struct wgx_ratelimiter ratelimiter;
	struct wgx_allowedips allowedips;
	struct wgx_index_table index;
	struct wgx_peer **peers;	/* slot i holds the peer with id i + 1, or NULL */
	uint32_t peers_cap;
	uint32_t peer_count;
	uint16_t listen_port;
	uint32_t fwmark;
	struct wgx_tun tun;
	struct wgx_udp udp;
	unsigned int mtu;
	bool up;
	/* Under load (whitepaper §5.3): cookies are demanded until this time. */
	uint64_t under_load_until_ns;
	uint64_t handshake_window_start_ns;
	uint32_t handshakes_in_window;
	uint32_t under_load_threshold;	/* handshake messages per 100 ms */
	uint64_t counters[WGX_DEV_COUNTER_MAX];
	/* Datagrams sent from control paths (staged packets, keepalives). */
	struct wgx_tx_batch *ctl_batch;
	/* Decrypted packets waiting for the tunnel (receive.c). */
	struct wgx_rx_out *rx_out;
};

/* Allocates a device in locked memory; no I/O yet. NULL on ENOMEM. */
struct wgx_device *wgx_device_new(void);
void wgx_device_free(struct wgx_device *dev);

struct wgx_peer *wgx_device_find_peer(struct wgx_device *dev, const wgx_key public_key);
struct wgx_peer *wgx_device_peer_by_id(struct wgx_device *dev, uint32_t id);
/* 0 with *out, -ENOSPC at WGX_MAX_PEERS, -ENOMEM. */
int wgx_device_add_peer(struct wgx_device *dev, const wgx_key public_key, struct wgx_peer **out);
void wgx_device_remove_peer(struct wgx_device *dev, struct wgx_peer *peer);

/* Applies a UAPI set / `wg setconf` diff, in order. 0 or -errno (EINVAL, EADDRINUSE, ...). */
int wgx_device_apply(struct wgx_device *dev, const struct wgx_devcfg *cfg, uint64_t now_ns);
/* Builds a get=1 snapshot. NULL on ENOMEM. */
struct wgx_devcfg *wgx_device_snapshot(const struct wgx_device *dev);

/* Interface went up or down (kernel wg_open / wg_stop). */
void wgx_device_set_up(struct wgx_device *dev, bool up, uint64_t now_ns);

#define wgx_device_for_each_peer(dev, i, p)                          \
	for ((i) = 0; (i) < (dev)->peers_cap; (i)++)                 \
		if (((p) = (dev)->peers[(i)]) != NULL)

#endif /* WGX_DEVICE_H */
