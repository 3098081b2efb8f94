/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TUN offloads (IFF_VNET_HDR): the stack hands us TCP "super-packets" of up
 * to 64 KiB and packets whose checksum it left to us (CHECKSUM_PARTIAL), and
 * accepts packets we mark as already verified. WireGuard carries segments of
 * at most the tunnel MTU, so we segment here, as a NIC would for TSO
 * (DESIGN.md §3: reads of ~63 KB double throughput over one-packet reads).
 */
#ifndef WGX_OFFLOAD_H
#define WGX_OFFLOAD_H

#include <linux/virtio_net.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WGX_VNET_HDR_LEN sizeof(struct virtio_net_hdr)

/* A TCP super-packet being cut into MSS-sized segments. */
struct wgx_gso {
	const uint8_t *pkt;
	size_t len;
	size_t hdr_len;		/* IP + TCP headers, copied into every segment */
	size_t ip_len;		/* IP header (20+ for v4, 40 for v6) */
	size_t mss;
	unsigned int segments;
	bool v6;
};

/*
 * Prepares segmentation of pkt per its vnet header. Returns the number of
 * segments (1 for a packet that needs none), or -EINVAL for a GSO type or
 * layout we cannot cut (UDP GSO, IPv6 extension headers, ECN-only flags).
 */
int wgx_gso_init(struct wgx_gso *g, const struct virtio_net_hdr *h, const uint8_t *pkt,
		 size_t len);
/* Writes segment k (0-based) into out with fixed lengths, ids, sequence and checksums; its size. */
size_t wgx_gso_segment(const struct wgx_gso *g, unsigned int k, uint8_t *out);

/* Completes a CHECKSUM_PARTIAL packet in place (skb_checksum_help). -EINVAL if out of bounds. */
int wgx_csum_complete(const struct virtio_net_hdr *h, uint8_t *pkt, size_t len);

/* RFC 1071 one's-complement sum of data, folded to 16 bits but not inverted. */
uint16_t wgx_csum_fold(uint64_t sum);
uint64_t wgx_csum_add(uint64_t sum, const uint8_t *data, size_t len);
/* Sum of the IPv4/IPv6 pseudo-header of ip (RFC 793, RFC 8200 §8.1) for an l4_len payload. */
uint64_t wgx_csum_pseudo(const uint8_t *ip, bool v6, uint8_t proto, size_t l4_len);
/* Folds, inverts and stores sum big-endian at field: a finished checksum. */
void wgx_csum_store(uint8_t *field, uint64_t sum);

#endif /* WGX_OFFLOAD_H */
