/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * wgx_egress: tc clsact egress on the tunnel (TUN) device. Every packet the
 * stack routes into the tunnel must belong to a peer by its destination
 * address (cryptokey routing, whitepaper §2):
 *
 *   allowed-IPs hit   -> TC_ACT_OK    tx_peer
 *   allowed-IPs miss  -> TC_ACT_SHOT  tx_no_peer
 *   not IPv4/IPv6     -> TC_ACT_SHOT  tx_not_ip
 *
 * The IP header is read relative to the skb's network header, not skb->data.
 * On a TUN device the two coincide (there is no link-layer header), but
 * BPF_PROG_TEST_RUN always treats data_in as an Ethernet frame, even with
 * ctx->ifindex naming a TUN device (measured on 6.18): skb->protocol comes
 * from eth_type_trans() on bytes 12-13, skb->data stays at byte 0 and the
 * network header is at byte 14. Reading at BPF_HDR_START_NET makes the same
 * program correct in both, and also copes with non-linear (TSO) skbs.
 */
#include "vmlinux.h"
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "wgx/maps.h"
#include "counters.bpf.h"
#include "parsing.h"		/* ETH_P_* */

#ifndef TC_ACT_OK
#define TC_ACT_OK 0
#endif
#ifndef TC_ACT_SHOT
#define TC_ACT_SHOT 2
#endif

/* IPv4 allowed-IPs of every peer -> peer id. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, WGX_MAX_ALLOWEDIPS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct wgx_lpm_v4);
	__type(value, struct wgx_allowedip_value);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} wgx_allowedips_v4 SEC(".maps");

/* IPv6 allowed-IPs of every peer -> peer id. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, WGX_MAX_ALLOWEDIPS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct wgx_lpm_v6);
	__type(value, struct wgx_allowedip_value);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} wgx_allowedips_v6 SEC(".maps");

static __always_inline enum wgx_counter wgx_peer_verdict(struct wgx_allowedip_value *peer)
{
	if (!peer)
		return WGX_CNT_TX_NO_PEER;
	/*
	 * Later: prepend peer->peer_id with bpf_skb_change_head() so the worker
	 * reading the TUN device learns the peer without its own lookup.
	 */
	return WGX_CNT_TX_PEER;
}

static __always_inline enum wgx_counter wgx_route_v4(struct __sk_buff *skb)
{
	struct wgx_lpm_v4 key = { .prefixlen = 32 };
	struct iphdr iph;

	if (bpf_skb_load_bytes_relative(skb, 0, &iph, sizeof(iph), BPF_HDR_START_NET) ||
	    iph.version != 4)
		return WGX_CNT_TX_NOT_IP;
	__builtin_memcpy(key.addr, &iph.daddr, sizeof(key.addr));
	return wgx_peer_verdict(bpf_map_lookup_elem(&wgx_allowedips_v4, &key));
}

static __always_inline enum wgx_counter wgx_route_v6(struct __sk_buff *skb)
{
	struct wgx_lpm_v6 key = { .prefixlen = 128 };
	struct ipv6hdr ip6h;

	if (bpf_skb_load_bytes_relative(skb, 0, &ip6h, sizeof(ip6h), BPF_HDR_START_NET) ||
	    ip6h.version != 6)
		return WGX_CNT_TX_NOT_IP;
	__builtin_memcpy(key.addr, &ip6h.daddr, sizeof(key.addr));
	return wgx_peer_verdict(bpf_map_lookup_elem(&wgx_allowedips_v6, &key));
}

SEC("tc")
int wgx_egress(struct __sk_buff *skb)
{
	enum wgx_counter verdict;

	if (skb->protocol == bpf_htons(ETH_P_IP))
		verdict = wgx_route_v4(skb);
	else if (skb->protocol == bpf_htons(ETH_P_IPV6))
		verdict = wgx_route_v6(skb);
	else
		verdict = WGX_CNT_TX_NOT_IP;

	wgx_count(verdict);
	return verdict == WGX_CNT_TX_PEER ? TC_ACT_OK : TC_ACT_SHOT;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
