/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The UDP underlay of portable mode: one IPv4 and one IPv6 socket on the same
 * port, datagrams received and sent in batches (recvmmsg/sendmmsg).
 *
 * Sticky source: every received datagram records the local address (and
 * interface) it arrived on, and a reply sent to that endpoint leaves from the
 * same address, as the kernel module does. On a multihomed host this keeps
 * the peer's view of our address stable, so its firewall/NAT state matches.
 * When that address has gone (we moved), the send is retried without it and
 * the caller is handed back the endpoint with its source cleared.
 *
 * Runs of same-sized packets to one endpoint leave as one UDP GSO send where
 * the kernel supports it; callers see datagrams either way.
 *
 * Not thread-safe per struct wgx_udp for open/close/set_fwmark; recv and send
 * on the open descriptors may run in any number of threads at once.
 */
#ifndef WGX_UDP_H
#define WGX_UDP_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

/* A peer's address plus the local address we last heard it on. */
struct wgx_endpoint {
	union {
		struct sockaddr sa;
		struct sockaddr_in in4;
		struct sockaddr_in6 in6;
	} addr;
	/* Our local address for replies, of addr's family; zero: the kernel chooses. */
	union {
		struct in_addr src4;
		struct in6_addr src6;
	};
	int src_ifindex;
};

/* One datagram in a batch. */
struct wgx_pkt {
	uint8_t *data;
	uint32_t len;
	uint32_t cap;
	/* recv: the sender, and the local address/ifindex it reached; send: the destination. */
	struct wgx_endpoint ep;
};

struct wgx_udp {
	int fd4, fd6; /* -1 when that family is unavailable */
	uint16_t port; /* host order, shared by both sockets */
	uint32_t fwmark;
	/*
	 * Coalesce sends with UDP GSO: set by open when the kernel has it,
	 * cleared for good when a route lacks checksum offload. Clear it to
	 * send datagram by datagram.
	 */
	bool gso;
};

/*
 * Opens both sockets on port (0: a random port free for both families).
 * A host without IPv6 (or IPv4) runs with that descriptor at -1.
 * 0 or -errno; -EADDRINUSE when the port is taken.
 */
int wgx_udp_open(struct wgx_udp *u, uint16_t port, uint32_t fwmark);
void wgx_udp_close(struct wgx_udp *u);
/* SO_MARK on both sockets (0 clears it). 0 or -errno. */
int wgx_udp_set_fwmark(struct wgx_udp *u, uint32_t fwmark);

/*
 * Receives up to n datagrams from fd (u->fd4 or u->fd6) without blocking, each
 * into pkts[i].data (room for pkts[i].cap bytes), filling len and ep. A
 * datagram longer than cap is cut and reported with len 0, so that the caller
 * drops it. Returns the number received (0: none pending) or -errno.
 */
int wgx_udp_recv_batch(int fd, struct wgx_pkt *pkts, unsigned int n);

/*
 * Sends pkts[0..n) to their endpoints without blocking; families may be
 * mixed. A packet whose source address no longer works is retried once
 * without it, and pkts[i].ep has its source cleared so the caller can store
 * that endpoint. A packet that fails on its own (no route, too big, firewall)
 * is dropped, as the kernel module drops it, and the batch goes on; a full
 * socket buffer (EAGAIN) ends the batch.
 *
 * Returns how many packets from the front were dealt with (sent, or dropped
 * for their own error): less than n only when the buffer filled, and the
 * caller may wait for POLLOUT and go on from pkts + ret. Returns -errno, the
 * first error, when not a single packet was sent.
 */
int wgx_udp_send_batch(struct wgx_udp *u, struct wgx_pkt *pkts, unsigned int n);

/* Same peer address and port (and IPv6 scope); the local source is ignored. */
bool wgx_endpoint_equal(const struct wgx_endpoint *a, const struct wgx_endpoint *b);
void wgx_endpoint_clear_src(struct wgx_endpoint *ep);
/*
 * Fills ep from an AF_INET or AF_INET6 address with no source. An IPv4-mapped
 * IPv6 address becomes AF_INET, since the IPv6 socket is IPv6-only.
 * 0, -EINVAL (too short) or -EAFNOSUPPORT.
 */
int wgx_endpoint_from_sockaddr(struct wgx_endpoint *ep, const struct sockaddr *sa, socklen_t len);

#endif /* WGX_UDP_H */
