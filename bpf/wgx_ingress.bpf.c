/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * wgx_ingress: XDP on the underlay NIC. Sorts UDP datagrams for the listen
 * port into WireGuard messages (whitepaper §5.4):
 *
 *   data, known receiver index   -> XSKMAP[rx queue] (PASS if no socket)  rx_data
 *   initiation/response/cookie   -> PASS to the daemon's socket           rx_handshake
 *   anything not UDP to our port -> PASS, untouched                       rx_not_wg
 *   malformed WireGuard          -> DROP        drop_{truncated,bad_type,bad_length}
 *   data, unknown receiver index -> DROP                                  drop_unknown_index
 *
 * Only what is addressed to the listen port is ever dropped: a frame whose
 * headers cannot be read up to the UDP destination port (cut short, IP
 * fragment, IPv6 extension header) is not known to be ours and goes to the
 * stack. The message length is the UDP length, so Ethernet padding is ignored.
 */
#include "vmlinux.h"
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "wgx/maps.h"
#include "wgx/messages.h"
#include "counters.bpf.h"
#include "parsing.h"

/* Slot 0: listen port set by the daemon; 0 until then (all traffic passes). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct wgx_config);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} wgx_config SEC(".maps");

/* Receiver index as on the wire -> session; written by the daemon per keypair. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, WGX_MAX_SESSIONS);
	__type(key, __u32);
	__type(value, struct wgx_session_value);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} wgx_sessions SEC(".maps");

/* rx queue -> AF_XDP socket of the worker serving that queue. */
struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, WGX_MAX_QUEUES);
	__type(key, __u32);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} wgx_xsks SEC(".maps");

static __always_inline __be16 wgx_listen_port(void)
{
	__u32 key = 0;
	struct wgx_config *config = bpf_map_lookup_elem(&wgx_config, &key);

	return config ? config->listen_port_be : 0;
}

static __always_inline enum wgx_counter wgx_check_len(__u32 len, __u32 want)
{
	return len == want ? WGX_CNT_RX_HANDSHAKE : WGX_CNT_DROP_BAD_LENGTH;
}

static __always_inline enum wgx_counter wgx_classify_data(struct wgx_cursor *c, __u32 len)
{
	struct wgx_msg_data *msg = c->pos;
	__u32 index;

	if (len < WGX_MSG_DATA_MIN_LEN || (void *)(msg + 1) > c->end)
		return WGX_CNT_DROP_TRUNCATED;
	index = msg->key_idx;
	if (!bpf_map_lookup_elem(&wgx_sessions, &index))
		return WGX_CNT_DROP_UNKNOWN_INDEX;
	return WGX_CNT_RX_DATA;
}

/* c->pos is at the message, len is its length from the UDP header. */
static __always_inline enum wgx_counter wgx_classify_msg(struct wgx_cursor *c, __u32 len)
{
	struct wgx_msg_header *hdr = c->pos;

	if (len < sizeof(*hdr) || (void *)(hdr + 1) > c->end)
		return WGX_CNT_DROP_TRUNCATED;
	if (hdr->reserved_zero[0] | hdr->reserved_zero[1] | hdr->reserved_zero[2])
		return WGX_CNT_DROP_BAD_TYPE;

	switch (hdr->type) {
	case WGX_MSG_HANDSHAKE_INITIATION:
		return wgx_check_len(len, WGX_MSG_INITIATION_LEN);
	case WGX_MSG_HANDSHAKE_RESPONSE:
		return wgx_check_len(len, WGX_MSG_RESPONSE_LEN);
	case WGX_MSG_HANDSHAKE_COOKIE:
		return wgx_check_len(len, WGX_MSG_COOKIE_LEN);
	case WGX_MSG_DATA:
		return wgx_classify_data(c, len);
	default:
		return WGX_CNT_DROP_BAD_TYPE;
	}
}

static __always_inline enum wgx_counter wgx_classify(struct wgx_cursor *c)
{
	struct udphdr *udp;
	__u32 udp_len;
	__be16 port;

	if (wgx_parse_to_udp(c, &udp))
		return WGX_CNT_RX_NOT_WG;
	port = wgx_listen_port();
	if (!port || udp->dest != port)
		return WGX_CNT_RX_NOT_WG;

	/* A UDP length past the frame's end means bytes are missing. */
	udp_len = bpf_ntohs(udp->len);
	if (udp_len < sizeof(*udp) || (void *)udp + udp_len > c->end)
		return WGX_CNT_DROP_TRUNCATED;
	return wgx_classify_msg(c, udp_len - sizeof(*udp));
}

SEC("xdp")
int wgx_ingress(struct xdp_md *ctx)
{
	struct wgx_cursor c = {
		.pos = (void *)(long)ctx->data,
		.end = (void *)(long)ctx->data_end,
	};
	enum wgx_counter verdict = wgx_classify(&c);

	wgx_count(verdict);
	switch (verdict) {
	case WGX_CNT_RX_DATA:
		/* The XSKMAP's fallback action: PASS while no worker is bound to the queue. */
		return bpf_redirect_map(&wgx_xsks, ctx->rx_queue_index, XDP_PASS);
	case WGX_CNT_RX_HANDSHAKE:
	case WGX_CNT_RX_NOT_WG:
		return XDP_PASS;
	default:
		return XDP_DROP;
	}
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
