/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Receive-side coalescing for TUN offloads: decrypted TCP segments of one
 * flow that arrive in order within a batch are merged into one super-packet
 * and written with a GSO header, so the stack above the tunnel handles one
 * 64 KiB packet instead of dozens (the mirror image of offload.c's TSO).
 *
 * Merging follows the kernel's tcp_gro_receive rules: same addresses, ports,
 * ACK number, IP TTL/TOS (hop limit/class), identical TCP options, flags ACK
 * or ACK|PSH, contiguous sequence numbers, every segment but the last of the
 * first one's size, PSH only on the last. Segments whose TCP checksum does not
 * verify are never merged (the merged packet gets a fresh checksum).
 */
#ifndef WGX_GRO_H
#define WGX_GRO_H

#include <linux/virtio_net.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { WGX_GRO_MAX_ITEMS = 64, WGX_GRO_MAX_LEN = 65535 };

struct wgx_gro_item {
	uint8_t *buf;		/* the first segment's buffer; merged payload is appended */
	size_t len;
	size_t cap;
	size_t ip_len;		/* 0: not a merge candidate, written as is */
	size_t tcp_len;
	size_t gso_size;	/* payload of the first segment */
	uint32_t next_seq;
	unsigned int merged;	/* segments appended after the first */
	bool closed;		/* PSH or a short segment: nothing more may follow */
	bool v6;
};

struct wgx_gro {
	struct wgx_gro_item items[WGX_GRO_MAX_ITEMS];
	unsigned int count;
};

void wgx_gro_reset(struct wgx_gro *g);
/*
 * Takes one decrypted IP packet in buf (room for cap bytes): merges its
 * payload into an earlier item, or starts a new item that keeps buf.
 * Returns true when buf was kept (the caller must not reuse it before the
 * next reset), false when it was merged (buf is free again). The table must
 * have room: at most WGX_GRO_MAX_ITEMS packets between resets.
 */
bool wgx_gro_add(struct wgx_gro *g, uint8_t *buf, size_t len, size_t cap);
/* Finishes item i for writing: lengths, IPv4 checksum, pseudo-header sum, vnet header. */
void wgx_gro_finish(struct wgx_gro_item *it, struct virtio_net_hdr *h);

#endif /* WGX_GRO_H */
