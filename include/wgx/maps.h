/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Keys and values of the BPF maps, shared by bpf/ and user/. Layouts are
 * chosen to read well in `bpftool map dump`: ports appear both in network
 * order (what the programs compare) and in host order (what people read).
 * No secret ever goes into a map: keys live only in the daemon and workers.
 */
#ifndef WGX_MAPS_H
#define WGX_MAPS_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#ifndef WGX_MAX_PEERS
#define WGX_MAX_PEERS 4096
#endif
#ifndef WGX_MAX_ALLOWEDIPS
#define WGX_MAX_ALLOWEDIPS 65536
#endif
#ifndef WGX_MAX_SESSIONS
#define WGX_MAX_SESSIONS (3 * WGX_MAX_PEERS)
#endif
#ifndef WGX_MAX_QUEUES
#define WGX_MAX_QUEUES 256	/* XSKMAP slots, indexed by rx queue */
#endif

/* Per-CPU counters, one slot per reason. Names in user/counters.c. */
enum wgx_counter {
	WGX_CNT_RX_DATA = 0,		/* data message with a known receiver index */
	WGX_CNT_RX_HANDSHAKE,		/* initiation/response/cookie passed to the daemon */
	WGX_CNT_RX_NOT_WG,		/* not UDP to our port: left to the stack */
	WGX_CNT_DROP_TRUNCATED,		/* shorter than its message type requires */
	WGX_CNT_DROP_BAD_TYPE,		/* unknown type or non-zero reserved bytes */
	WGX_CNT_DROP_BAD_LENGTH,	/* handshake message of the wrong size */
	WGX_CNT_DROP_UNKNOWN_INDEX,	/* data for a receiver index we never issued */
	WGX_CNT_TX_NO_PEER,		/* egress: no allowed-IPs entry for destination */
	WGX_CNT_TX_PEER,		/* egress: tagged with a peer */
	WGX_CNT_TX_NOT_IP,		/* egress: not IPv4/IPv6, or IP header cut short */
	WGX_CNT_MAX,
};

/* Interface-wide settings the programs need (array, one entry). */
struct wgx_config {
	__be16 listen_port_be;	/* compared against udph->dest */
	__u16 listen_port;	/* same, host order, for people */
	__u32 flags;
};

/* LPM trie keys: prefixlen first, as BPF_MAP_TYPE_LPM_TRIE requires. */
struct wgx_lpm_v4 {
	__u32 prefixlen;
	__u8 addr[4];
};

struct wgx_lpm_v6 {
	__u32 prefixlen;
	__u8 addr[16];
};

struct wgx_allowedip_value {
	__u32 peer_id;
};

/* Receiver index (as on the wire, little-endian) -> session. */
struct wgx_session_value {
	__u32 peer_id;
	__u32 keypair_slot;	/* 0 previous, 1 current, 2 next */
};

struct wgx_map_endpoint {
	__u16 family;		/* AF_INET or AF_INET6, 0 = none */
	__be16 port_be;
	__u16 port;		/* host order, for people */
	__u16 pad;
	__u8 addr[16];		/* v4 in the first four bytes */
};

struct wgx_peer_info {
	__u8 public_key[32];
	struct wgx_map_endpoint endpoint;
	__u64 rx_bytes;
	__u64 tx_bytes;
};

#endif /* WGX_MAPS_H */
