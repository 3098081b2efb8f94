/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Bounds-checked header parsing for XDP. A cursor walks the frame; every
 * helper checks its header against the end before reading it, returns 0 and
 * advances the cursor on success, or returns -1 and leaves the cursor alone.
 */
#ifndef WGX_BPF_PARSING_H
#define WGX_BPF_PARSING_H

#include "vmlinux.h"
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

/* uapi macros that vmlinux.h cannot carry. */
#ifndef ETH_P_IP
#define ETH_P_IP 0x0800
#endif
#ifndef ETH_P_IPV6
#define ETH_P_IPV6 0x86DD
#endif
#ifndef IP_MF
#define IP_MF 0x2000
#endif
#ifndef IP_OFFSET
#define IP_OFFSET 0x1FFF
#endif

struct wgx_cursor {
	void *pos;
	void *end;
};

/* *proto gets the EtherType, network order. VLAN tags are not looked through. */
static __always_inline int wgx_parse_eth(struct wgx_cursor *c, __be16 *proto)
{
	struct ethhdr *eth = c->pos;

	if ((void *)(eth + 1) > c->end)
		return -1;
	*proto = eth->h_proto;
	c->pos = eth + 1;
	return 0;
}

/*
 * Skips options. Fragments fail too: only the first one carries the UDP
 * header, and it cannot be judged without the rest, so the stack reassembles.
 */
static __always_inline int wgx_parse_ipv4(struct wgx_cursor *c, __u8 *l4proto)
{
	struct iphdr *iph = c->pos;
	__u32 hlen;

	if ((void *)(iph + 1) > c->end)
		return -1;
	hlen = iph->ihl * 4;
	if (hlen < sizeof(*iph) || c->pos + hlen > c->end)
		return -1;
	if (iph->frag_off & bpf_htons(IP_MF | IP_OFFSET))
		return -1;
	*l4proto = iph->protocol;
	c->pos += hlen;
	return 0;
}

/* Extension headers are not walked: *l4proto is the first next-header. */
static __always_inline int wgx_parse_ipv6(struct wgx_cursor *c, __u8 *l4proto)
{
	struct ipv6hdr *ip6h = c->pos;

	if ((void *)(ip6h + 1) > c->end)
		return -1;
	*l4proto = ip6h->nexthdr;
	c->pos = ip6h + 1;
	return 0;
}

/* Ethernet, then IPv4 or IPv6, then a UDP header: *udp points at it. */
static __always_inline int wgx_parse_to_udp(struct wgx_cursor *c, struct udphdr **udp)
{
	__be16 proto;
	__u8 l4proto;
	int err;

	if (wgx_parse_eth(c, &proto))
		return -1;
	if (proto == bpf_htons(ETH_P_IP))
		err = wgx_parse_ipv4(c, &l4proto);
	else if (proto == bpf_htons(ETH_P_IPV6))
		err = wgx_parse_ipv6(c, &l4proto);
	else
		return -1;
	if (err || l4proto != IPPROTO_UDP)
		return -1;

	*udp = c->pos;
	if ((void *)(*udp + 1) > c->end)
		return -1;
	c->pos = *udp + 1;
	return 0;
}

#endif /* WGX_BPF_PARSING_H */
