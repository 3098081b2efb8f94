/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The packet paths of the device (portable mode), in the kernel module's
 * shape: send.c takes plaintext from the tunnel and handshake duties,
 * receive.c takes datagrams from the underlay. Both work on batches
 * (struct wgx_pkt, udp.h) so a worker can later swap the UDP socket for
 * AF_XDP rings without touching the protocol core.
 */
#ifndef WGX_PACKET_H
#define WGX_PACKET_H

#include <linux/virtio_net.h>
#include <stdint.h>

#include "device.h"
#include "gro.h"
#include "udp.h"

enum {
	WGX_BATCH = 64,
	/* Largest datagram we build or accept: an IPv4 UDP payload. */
	WGX_MAX_DATAGRAM = 65507,
	/* Largest plaintext that still fits a data message in one datagram. */
	WGX_MAX_PLAINTEXT = WGX_MAX_DATAGRAM - WGX_MSG_DATA_MIN_LEN,
	/* Handshake messages per 100 ms above which the device is under load. */
	WGX_UNDER_LOAD_DEFAULT = 100,
};

/* Outgoing datagrams collected while handling one batch, sent in one go. */
struct wgx_tx_batch {
	struct wgx_pkt pkts[WGX_BATCH];
	struct wgx_peer *owner[WGX_BATCH];
	unsigned int count;
};

uint64_t wgx_now_ns(void);

int wgx_tx_batch_init(struct wgx_tx_batch *b);
void wgx_tx_batch_free(struct wgx_tx_batch *b);
/* Sends what is queued; updates tx counters and sticky sources. */
void wgx_tx_batch_flush(struct wgx_device *dev, struct wgx_tx_batch *b);

/* Sends one handshake or cookie message to peer now, outside any batch. */
void wgx_send_control(struct wgx_device *dev, struct wgx_peer *peer, const void *msg, size_t len);

/* send.c: one plaintext packet read from the tunnel. */
/* pkt may be a TSO super-packet (h, offload.h); it may be modified (checksums). */
void wgx_send_plaintext(struct wgx_device *dev, struct wgx_tx_batch *b,
			const struct virtio_net_hdr *h, uint8_t *pkt, size_t len, uint64_t now_ns);
/* A handshake initiation, unless one went out within REKEY_TIMEOUT. */
void wgx_send_initiation(struct wgx_device *dev, struct wgx_peer *peer, bool is_retry,
			 uint64_t now_ns);
void wgx_send_response(struct wgx_device *dev, struct wgx_peer *peer, uint64_t now_ns);
/* Staged packets if any, else an empty data message. */
void wgx_send_keepalive(struct wgx_device *dev, struct wgx_peer *peer, uint64_t now_ns);
void wgx_send_staged(struct wgx_device *dev, struct wgx_peer *peer, uint64_t now_ns);
void wgx_send_cookie_reply(struct wgx_device *dev, const struct wgx_pkt *in, uint32_t sender,
			   uint64_t now_ns);
/* Runs the peer's due timers. */
void wgx_peer_run_timers(struct wgx_device *dev, struct wgx_peer *peer, uint64_t now_ns);

/* Decrypted packets on their way to the tunnel, coalesced per batch (gro.h). */
enum { WGX_RX_OUT_BUF = 65536 };

struct wgx_rx_out {
	uint8_t *bufs[WGX_BATCH];	/* bufs[0..used) are held by gro items */
	unsigned int used;
	struct wgx_gro gro;
};

int wgx_rx_out_init(struct wgx_rx_out *o);
void wgx_rx_out_free(struct wgx_rx_out *o);
void wgx_rx_out_add(struct wgx_device *dev, uint8_t *buf, size_t len);
/* Writes what a batch of datagrams produced; call after each receive batch. */
void wgx_rx_out_flush(struct wgx_device *dev);

/* receive.c: one datagram from the underlay. */
void wgx_receive(struct wgx_device *dev, struct wgx_pkt *pkt, uint64_t now_ns);

/* icmp.c: an ICMP/ICMPv6 "unreachable" for pkt into out; its length, or 0 for none. */
size_t wgx_icmp_unreachable(uint8_t *out, size_t cap, const uint8_t *pkt, size_t len);

#endif /* WGX_PACKET_H */
