// SPDX-License-Identifier: GPL-2.0
/* Receive-side TCP coalescing into GSO super-packets (see gro.h). */
#include <netinet/in.h>
#include <string.h>

#include "gro.h"
#include "offload.h"

#define TCP_FLAG_FIN 0x01
#define TCP_FLAG_PSH 0x08
#define TCP_FLAG_ACK 0x10

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static bool tcp_csum_ok(const uint8_t *pkt, size_t len, size_t ip_len, bool v6)
{
	uint64_t sum = wgx_csum_pseudo(pkt, v6, IPPROTO_TCP, len - ip_len);

	return wgx_csum_fold(wgx_csum_add(sum, pkt + ip_len, len - ip_len)) == 0xffff;
}

/* Header lengths of a merge candidate, or false: plain IPv4 or IPv6 carrying TCP data. */
static bool candidate(const uint8_t *pkt, size_t len, struct wgx_gro_item *it)
{
	uint8_t flags;

	it->v6 = len >= 60 && pkt[0] >> 4 == 6 && pkt[6] == IPPROTO_TCP &&
		 get16(pkt + 4) + 40U == len;
	if (it->v6)
		it->ip_len = 40;
	else if (len >= 40 && pkt[0] == 0x45 && pkt[9] == IPPROTO_TCP && get16(pkt + 2) == len &&
		 !(get16(pkt + 6) & 0x3fff))	/* no fragments */
		it->ip_len = 20;
	else
		return false;
	it->tcp_len = (size_t)(pkt[it->ip_len + 12] >> 4) * 4;
	flags = pkt[it->ip_len + 13];
	return it->tcp_len >= 20 && it->ip_len + it->tcp_len < len &&
	       (flags == TCP_FLAG_ACK || flags == (TCP_FLAG_ACK | TCP_FLAG_PSH)) &&
	       tcp_csum_ok(pkt, len, it->ip_len, it->v6);
}

/* Same flow and same headers but for lengths, ids, checksums, sequence and PSH. */
static bool same_flow(const struct wgx_gro_item *it, const uint8_t *pkt, const struct wgx_gro_item *c)
{
	const uint8_t *head = it->buf, *th = head + it->ip_len, *tp = pkt + c->ip_len;

	if (it->v6 != c->v6 || it->tcp_len != c->tcp_len)
		return false;
	if (c->v6 ? memcmp(head, pkt, 4) || memcmp(head + 6, pkt + 6, 34)
		  : head[1] != pkt[1] || head[8] != pkt[8] || memcmp(head + 12, pkt + 12, 8))
		return false;
	/* ports; ACK number; data offset, flags up to PSH, window; options */
	return !memcmp(th, tp, 4) && !memcmp(th + 8, tp + 8, 5) &&
	       (th[13] & ~TCP_FLAG_PSH) == (tp[13] & ~TCP_FLAG_PSH) && !memcmp(th + 14, tp + 14, 2) &&
	       !memcmp(th + 20, tp + 20, it->tcp_len - 20);
}

static bool try_append(struct wgx_gro_item *it, const uint8_t *pkt, size_t len,
		       const struct wgx_gro_item *c)
{
	size_t hdr = c->ip_len + c->tcp_len, payload = len - hdr;

	if (!it->ip_len || it->closed || get32(pkt + c->ip_len + 4) != it->next_seq ||
	    payload > it->gso_size || it->len + payload > WGX_GRO_MAX_LEN ||
	    it->len + payload > it->cap || !same_flow(it, pkt, c))
		return false;
	memcpy(it->buf + it->len, pkt + hdr, payload);
	it->len += payload;
	it->next_seq += (uint32_t)payload;
	it->merged++;
	if (pkt[c->ip_len + 13] & TCP_FLAG_PSH) {
		it->buf[it->ip_len + 13] |= TCP_FLAG_PSH;
		it->closed = true;
	}
	if (payload < it->gso_size)
		it->closed = true;
	return true;
}

void wgx_gro_reset(struct wgx_gro *g)
{
	g->count = 0;
}

bool wgx_gro_add(struct wgx_gro *g, uint8_t *buf, size_t len, size_t cap)
{
	struct wgx_gro_item c = { 0 }, *it;
	unsigned int i;

	if (candidate(buf, len, &c)) {
		/* Newest first: in-order segments extend the item just before them. */
		for (i = g->count; i-- > 0;) {
			if (try_append(&g->items[i], buf, len, &c))
				return false;
		}
		c.gso_size = len - c.ip_len - c.tcp_len;
		c.next_seq = get32(buf + c.ip_len + 4) + (uint32_t)c.gso_size;
		c.closed = buf[c.ip_len + 13] & TCP_FLAG_PSH;
	} else {
		c.ip_len = 0;
	}
	it = &g->items[g->count++];
	*it = c;
	it->buf = buf;
	it->len = len;
	it->cap = cap;
	return true;
}

void wgx_gro_finish(struct wgx_gro_item *it, struct virtio_net_hdr *h)
{
	uint8_t *pkt = it->buf;
	uint16_t sum;

	/* Decrypted by us after AEAD verification: nothing left to verify. */
	memset(h, 0, sizeof(*h));
	h->flags = VIRTIO_NET_HDR_F_DATA_VALID;
	if (!it->merged)
		return;
	if (it->v6) {
		put16(pkt + 4, (uint16_t)(it->len - 40));
	} else {
		put16(pkt + 2, (uint16_t)it->len);
		put16(pkt + 10, 0);
		wgx_csum_store(pkt + 10, wgx_csum_add(0, pkt, 20));
	}
	/* CHECKSUM_PARTIAL: the field holds the pseudo-header sum, the stack completes it. */
	sum = wgx_csum_fold(wgx_csum_pseudo(pkt, it->v6, IPPROTO_TCP, it->len - it->ip_len));
	put16(pkt + it->ip_len + 16, sum);
	h->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	h->gso_type = it->v6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4;
	h->hdr_len = (uint16_t)(it->ip_len + it->tcp_len);
	h->gso_size = (uint16_t)it->gso_size;
	h->csum_start = (uint16_t)it->ip_len;
	h->csum_offset = 16;
}
