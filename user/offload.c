// SPDX-License-Identifier: GPL-2.0
/* TCP segmentation and checksum completion for TUN offloads. */
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <string.h>

#include "offload.h"

#define TCP_FIN 0x01
#define TCP_PSH 0x08
#define TCP_CWR 0x80

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "wgx_csum_add assumes little-endian");

uint64_t wgx_csum_add(uint64_t sum, const uint8_t *data, size_t len)
{
	uint64_t native = 0;
	uint32_t word;
	uint16_t folded;
	size_t i;

	/*
	 * RFC 1071 §2(B): the sum is byte-order independent, so add native
	 * 32-bit words (fast) and swap once at the end into the big-endian
	 * 16-bit value callers chain. 64 bits cannot overflow below 16 GiB.
	 */
	for (i = 0; i + 4 <= len; i += 4) {
		memcpy(&word, data + i, 4);
		native += word;
	}
	for (; i + 1 < len; i += 2)
		native += (uint32_t)(data[i] | data[i + 1] << 8);
	if (i < len)
		native += data[i];
	folded = wgx_csum_fold(native);
	return sum + (uint16_t)(folded << 8 | folded >> 8);
}

uint16_t wgx_csum_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

int wgx_csum_complete(const struct virtio_net_hdr *h, uint8_t *pkt, size_t len)
{
	size_t start = h->csum_start, field = start + h->csum_offset;
	uint16_t sum;

	if (!(h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM))
		return 0;
	if (start >= len || field + 2 > len)
		return -EINVAL;
	/* The field holds the pseudo-header sum already: sum everything, then invert. */
	sum = wgx_csum_fold(wgx_csum_add(0, pkt + start, len - start));
	put16(pkt + field, (uint16_t)~sum);
	return 0;
}

static int parse_headers(struct wgx_gso *g)
{
	const uint8_t *p = g->pkt;
	size_t tcp_len;

	if (g->len >= 20 && !g->v6 && p[0] >> 4 == 4 && p[9] == IPPROTO_TCP)
		g->ip_len = (size_t)(p[0] & 0xf) * 4;
	else if (g->len >= 40 && g->v6 && p[0] >> 4 == 6 && p[6] == IPPROTO_TCP)
		g->ip_len = 40;
	else
		return -EINVAL;
	if (g->ip_len < 20 || g->ip_len + 20 > g->len)
		return -EINVAL;
	tcp_len = (size_t)(p[g->ip_len + 12] >> 4) * 4;
	g->hdr_len = g->ip_len + tcp_len;
	return tcp_len >= 20 && g->hdr_len <= g->len ? 0 : -EINVAL;
}

int wgx_gso_init(struct wgx_gso *g, const struct virtio_net_hdr *h, const uint8_t *pkt,
		 size_t len)
{
	uint8_t type = h->gso_type & (uint8_t)~VIRTIO_NET_HDR_GSO_ECN;
	size_t payload;

	memset(g, 0, sizeof(*g));
	g->pkt = pkt;
	g->len = len;
	if (type == VIRTIO_NET_HDR_GSO_NONE)
		return g->segments = 1;
	if (type != VIRTIO_NET_HDR_GSO_TCPV4 && type != VIRTIO_NET_HDR_GSO_TCPV6)
		return -EINVAL;
	g->v6 = type == VIRTIO_NET_HDR_GSO_TCPV6;
	g->mss = h->gso_size;
	if (!g->mss || parse_headers(g))
		return -EINVAL;
	payload = len - g->hdr_len;
	g->segments = payload ? (unsigned int)((payload + g->mss - 1) / g->mss) : 1;
	return (int)g->segments;
}

uint64_t wgx_csum_pseudo(const uint8_t *ip, bool v6, uint8_t proto, size_t l4_len)
{
	uint64_t sum = v6 ? wgx_csum_add(0, ip + 8, 32) : wgx_csum_add(0, ip + 12, 8);

	return sum + proto + l4_len;
}

void wgx_csum_store(uint8_t *field, uint64_t sum)
{
	put16(field, (uint16_t)~wgx_csum_fold(sum));
}

static void fix_ip_header(const struct wgx_gso *g, unsigned int k, uint8_t *out, size_t seg_len)
{
	if (g->v6) {
		put16(out + 4, (uint16_t)(seg_len - 40));
		return;
	}
	put16(out + 2, (uint16_t)seg_len);
	put16(out + 4, (uint16_t)(get16(g->pkt + 4) + k));	/* one IP id per segment */
	put16(out + 10, 0);
	wgx_csum_store(out + 10, wgx_csum_add(0, out, g->ip_len));
}

static void fix_tcp_header(const struct wgx_gso *g, unsigned int k, uint8_t *tcp)
{
	uint32_t seq = (uint32_t)tcp[4] << 24 | (uint32_t)tcp[5] << 16 | (uint32_t)tcp[6] << 8 |
		       tcp[7];

	seq += (uint32_t)(k * g->mss);
	tcp[4] = (uint8_t)(seq >> 24), tcp[5] = (uint8_t)(seq >> 16);
	tcp[6] = (uint8_t)(seq >> 8), tcp[7] = (uint8_t)seq;
	/* FIN and PSH belong to the last segment, CWR to the first (as kernel TSO does). */
	if (k + 1 < g->segments)
		tcp[13] &= (uint8_t)~(TCP_FIN | TCP_PSH);
	if (k > 0)
		tcp[13] &= (uint8_t)~TCP_CWR;
}

size_t wgx_gso_segment(const struct wgx_gso *g, unsigned int k, uint8_t *out)
{
	size_t off = k * g->mss, chunk = g->len - g->hdr_len - off, seg_len;
	uint8_t *tcp = out + g->ip_len;
	uint64_t sum;

	if (chunk > g->mss)
		chunk = g->mss;
	seg_len = g->hdr_len + chunk;
	memcpy(out, g->pkt, g->hdr_len);
	memcpy(out + g->hdr_len, g->pkt + g->hdr_len + off, chunk);
	fix_ip_header(g, k, out, seg_len);
	fix_tcp_header(g, k, tcp);
	put16(tcp + 16, 0);
	sum = wgx_csum_pseudo(out, g->v6, IPPROTO_TCP, seg_len - g->ip_len);
	sum = wgx_csum_add(sum, tcp, seg_len - g->ip_len);
	wgx_csum_store(tcp + 16, sum);
	return seg_len;
}
