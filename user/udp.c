// SPDX-License-Identifier: GPL-2.0
/*
 * UDP underlay: socket setup, recvmmsg/sendmmsg batches and sticky source
 * addresses carried in IP_PKTINFO / IPV6_PKTINFO control messages.
 *
 * The source ifindex is recorded on receive but only sent for an IPv6
 * link-local source, where the kernel needs it to know which link is meant.
 * Pinning the output interface otherwise buys nothing the source address
 * does not, and hurts after a route change: with an oif and no route through
 * it, IPv4 assumes the peer is on-link there and the packets vanish without an
 * error, so the source would never be cleared. The kernel module likewise
 * routes by source address and never forces the device.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>

#include "udp.h"

enum {
	UDP_CHUNK = 64, /* messages per recvmmsg/sendmmsg call */
	UDP_SOCKBUF = 7 << 20, /* as wireguard-go: bursts at line rate must not overflow */
	UDP_PORT_TRIES = 100, /* random v4 ports tried before giving up on a common v6 one */
};

/* Room for the IP_PKTINFO or IPV6_PKTINFO of one received datagram, aligned. */
union udp_cmsg {
	struct cmsghdr align;
	char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
};

/* The kernel's half of one receive chunk; pkts[] hold the data and the addresses. */
struct udp_batch {
	struct mmsghdr msgs[UDP_CHUNK];
	struct iovec iov[UDP_CHUNK];
	union udp_cmsg cmsg[UDP_CHUNK];
};

/* Outcome of a send batch across its runs and chunks. */
struct udp_tally {
	unsigned int sent;
	int err; /* first error seen, negative */
	bool blocked; /* ended on a full socket buffer */
};

static unsigned int udp_min(unsigned int a, unsigned int b)
{
	return a < b ? a : b;
}

/* --- endpoints --- */

void wgx_endpoint_clear_src(struct wgx_endpoint *ep)
{
	memset(&ep->src6, 0, sizeof(ep->src6));
	ep->src_ifindex = 0;
}

static bool endpoint_has_src(const struct wgx_endpoint *ep)
{
	if (ep->addr.sa.sa_family == AF_INET)
		return ep->src4.s_addr != 0;
	return !IN6_IS_ADDR_UNSPECIFIED(&ep->src6);
}

bool wgx_endpoint_equal(const struct wgx_endpoint *a, const struct wgx_endpoint *b)
{
	const struct sockaddr_in6 *a6 = &a->addr.in6, *b6 = &b->addr.in6;

	if (a->addr.sa.sa_family != b->addr.sa.sa_family)
		return false;
	switch (a->addr.sa.sa_family) {
	case AF_INET:
		return a->addr.in4.sin_port == b->addr.in4.sin_port &&
		       a->addr.in4.sin_addr.s_addr == b->addr.in4.sin_addr.s_addr;
	case AF_INET6:
		return a6->sin6_port == b6->sin6_port && a6->sin6_scope_id == b6->sin6_scope_id &&
		       IN6_ARE_ADDR_EQUAL(&a6->sin6_addr, &b6->sin6_addr);
	}
	return true; /* both unset */
}

/* ::ffff:a.b.c.d cannot be reached through an IPv6-only socket: use a.b.c.d. */
static void endpoint_unmap(struct wgx_endpoint *ep)
{
	struct sockaddr_in6 in6 = ep->addr.in6;

	if (!IN6_IS_ADDR_V4MAPPED(&in6.sin6_addr))
		return;
	memset(&ep->addr, 0, sizeof(ep->addr));
	ep->addr.in4.sin_family = AF_INET;
	ep->addr.in4.sin_port = in6.sin6_port;
	memcpy(&ep->addr.in4.sin_addr, &in6.sin6_addr.s6_addr[12], 4);
}

int wgx_endpoint_from_sockaddr(struct wgx_endpoint *ep, const struct sockaddr *sa, socklen_t len)
{
	memset(ep, 0, sizeof(*ep));
	if (len < sizeof(sa_family_t))
		return -EINVAL;
	switch (sa->sa_family) {
	case AF_INET:
		if (len < sizeof(struct sockaddr_in))
			return -EINVAL;
		memcpy(&ep->addr.in4, sa, sizeof(struct sockaddr_in));
		return 0;
	case AF_INET6:
		if (len < sizeof(struct sockaddr_in6))
			return -EINVAL;
		memcpy(&ep->addr.in6, sa, sizeof(struct sockaddr_in6));
		endpoint_unmap(ep);
		return 0;
	}
	return -EAFNOSUPPORT;
}

/* --- sockets --- */

/* Best effort: FORCE passes rmem_max/wmem_max but needs CAP_NET_ADMIN. */
static void udp_set_bufs(int fd)
{
	int size = UDP_SOCKBUF;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
}

static int udp_set_opts(int fd, int family, uint32_t fwmark)
{
	/* Outer IPv4 packets go without DF, as the kernel module sends them. */
	int one = 1, pmtu = IP_PMTUDISC_DONT;

	if (family == AF_INET6) {
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one)))
			return -errno;
	} else {
		if (setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) ||
		    setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof(pmtu)))
			return -errno;
	}
	if (fwmark && setsockopt(fd, SOL_SOCKET, SO_MARK, &fwmark, sizeof(fwmark)))
		return -errno;
	udp_set_bufs(fd);
	return 0;
}

static int udp_bind(int fd, int family, uint16_t port)
{
	struct wgx_endpoint ep = { 0 };
	socklen_t len = sizeof(ep.addr.in6);

	ep.addr.sa.sa_family = family;
	if (family == AF_INET) {
		ep.addr.in4.sin_port = htons(port);
		len = sizeof(ep.addr.in4);
	} else {
		ep.addr.in6.sin6_port = htons(port);
	}
	if (bind(fd, &ep.addr.sa, len) || getsockname(fd, &ep.addr.sa, &len))
		return -errno;
	/* sin_port and sin6_port share their offset. */
	return ntohs(ep.addr.in4.sin_port);
}

/* Opens a socket of family on *port; a zero *port becomes the one chosen. */
static int udp_socket(int family, uint16_t *port, uint32_t fwmark, int *fdp)
{
	int fd, ret;

	fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
	if (fd < 0)
		return -errno;
	ret = udp_set_opts(fd, family, fwmark);
	if (ret)
		goto err;
	ret = udp_bind(fd, family, *port);
	if (ret < 0)
		goto err;
	*port = ret;
	*fdp = fd;
	return 0;
err:
	close(fd);
	return ret;
}

/* Kernels before 4.18 lack UDP_SEGMENT. */
static bool udp_gso_probe(int fd)
{
	int off = 0;

	return !setsockopt(fd, IPPROTO_UDP, UDP_SEGMENT, &off, sizeof(off));
}

/* One attempt at a common port; a family the host lacks is left out. */
static int udp_open_pair(struct wgx_udp *u, uint16_t port, uint32_t fwmark)
{
	int ret4, ret6;

	u->fd4 = u->fd6 = -1;
	ret4 = udp_socket(AF_INET, &port, fwmark, &u->fd4);
	if (ret4 && ret4 != -EAFNOSUPPORT)
		return ret4;
	ret6 = udp_socket(AF_INET6, &port, fwmark, &u->fd6);
	if (ret6 && (ret6 != -EAFNOSUPPORT || ret4)) {
		wgx_udp_close(u);
		return ret6;
	}
	u->port = port;
	u->gso = udp_gso_probe(u->fd4 >= 0 ? u->fd4 : u->fd6);
	return 0;
}

int wgx_udp_open(struct wgx_udp *u, uint16_t port, uint32_t fwmark)
{
	/* A random v4 port may be taken on v6: draw again, as the kernel module does. */
	int tries = port ? 1 : UDP_PORT_TRIES;
	int ret;

	u->fwmark = fwmark;
	do
		ret = udp_open_pair(u, port, fwmark);
	while (ret == -EADDRINUSE && --tries);
	return ret;
}

void wgx_udp_close(struct wgx_udp *u)
{
	if (u->fd4 >= 0)
		close(u->fd4);
	if (u->fd6 >= 0)
		close(u->fd6);
	u->fd4 = u->fd6 = -1;
}

int wgx_udp_set_fwmark(struct wgx_udp *u, uint32_t fwmark)
{
	if (u->fd4 >= 0 && setsockopt(u->fd4, SOL_SOCKET, SO_MARK, &fwmark, sizeof(fwmark)))
		return -errno;
	if (u->fd6 >= 0 && setsockopt(u->fd6, SOL_SOCKET, SO_MARK, &fwmark, sizeof(fwmark)))
		return -errno;
	u->fwmark = fwmark;
	return 0;
}

/* --- receive --- */

static void udp_recv_prepare(struct udp_batch *b, struct wgx_pkt *pkts, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		b->iov[i].iov_base = pkts[i].data;
		b->iov[i].iov_len = pkts[i].cap;
		b->msgs[i].msg_len = 0;
		b->msgs[i].msg_hdr = (struct msghdr){
			.msg_name = &pkts[i].ep.addr,
			.msg_namelen = sizeof(pkts[i].ep.addr),
			.msg_iov = &b->iov[i],
			.msg_iovlen = 1,
			.msg_control = b->cmsg[i].buf,
			.msg_controllen = sizeof(b->cmsg[i].buf),
		};
	}
}

/*
 * For IPv4 the reply source is ipi_spec_dst, the local address the datagram
 * was routed to; ipi_addr is the header's destination and may be a broadcast.
 */
static void udp_read_pktinfo(struct wgx_endpoint *ep, const struct cmsghdr *c)
{
	struct in6_pktinfo info6;
	struct in_pktinfo info;

	if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO &&
	    c->cmsg_len >= CMSG_LEN(sizeof(info))) {
		memcpy(&info, CMSG_DATA(c), sizeof(info));
		ep->src4 = info.ipi_spec_dst;
		ep->src_ifindex = info.ipi_ifindex;
	} else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO &&
		   c->cmsg_len >= CMSG_LEN(sizeof(info6))) {
		memcpy(&info6, CMSG_DATA(c), sizeof(info6));
		ep->src6 = info6.ipi6_addr;
		ep->src_ifindex = info6.ipi6_ifindex;
	}
}

static void udp_recv_finish(struct wgx_pkt *pkt, struct mmsghdr *m)
{
	struct cmsghdr *c;

	wgx_endpoint_clear_src(&pkt->ep);
	pkt->len = m->msg_hdr.msg_flags & MSG_TRUNC ? 0 : m->msg_len;
	for (c = CMSG_FIRSTHDR(&m->msg_hdr); c; c = CMSG_NXTHDR(&m->msg_hdr, c))
		udp_read_pktinfo(&pkt->ep, c);
}

int wgx_udp_recv_batch(int fd, struct wgx_pkt *pkts, unsigned int n)
{
	struct udp_batch b;
	unsigned int done = 0, k;
	int i, got, err = 0;

	while (done < n) {
		k = udp_min(n - done, UDP_CHUNK);
		udp_recv_prepare(&b, pkts + done, k);
		got = recvmmsg(fd, b.msgs, k, MSG_DONTWAIT, NULL);
		if (got < 0) {
			err = errno;
			break;
		}
		for (i = 0; i < got; i++)
			udp_recv_finish(&pkts[done + i], &b.msgs[i]);
		done += got;
		if ((unsigned int)got < k)
			break;
	}
	if (done || err == EAGAIN || err == EWOULDBLOCK || err == EINTR)
		return done;
	return -err;
}

/* --- send --- */

/*
 * UDP GSO: consecutive packets to one endpoint, all as long as the first but
 * a shorter last one, leave in one sendmsg with UDP_SEGMENT and are cut into
 * datagrams below the stack or by the NIC: one route lookup and one skb for a
 * whole TSO burst read from the tunnel. Receive-side GRO is not used: it
 * would hand back super-datagrams that break the one-datagram-per-packet
 * contract or need state between calls.
 */
enum {
	UDP_GSO_MAX_SEGS = 64, /* UDP_MAX_SEGMENTS of older kernels */
	UDP_GSO_MAX_BYTES = 65507, /* one IPv4 UDP payload */
};

/* Source address and GSO segment size of one message. */
union udp_send_cmsg {
	struct cmsghdr align;
	char buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(uint16_t))];
};

/* One chunk of a run: an iovec per packet, a message per packet or GSO group. */
struct udp_send_batch {
	struct wgx_pkt *pkts;
	unsigned int n, nmsgs;
	bool gso;
	struct iovec iov[UDP_CHUNK];
	struct mmsghdr msgs[UDP_CHUNK];
	unsigned int first[UDP_CHUNK]; /* first packet of each message */
	unsigned int count[UDP_CHUNK]; /* packets in each message */
	union udp_send_cmsg cmsg[UDP_CHUNK];
};

static size_t udp_put_pktinfo4(struct cmsghdr *c, const struct wgx_endpoint *ep)
{
	struct in_pktinfo info = { .ipi_spec_dst = ep->src4 };

	c->cmsg_level = IPPROTO_IP;
	c->cmsg_type = IP_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(info));
	memcpy(CMSG_DATA(c), &info, sizeof(info));
	return CMSG_SPACE(sizeof(info));
}

static size_t udp_put_pktinfo6(struct cmsghdr *c, const struct wgx_endpoint *ep)
{
	struct in6_pktinfo info = { .ipi6_addr = ep->src6 };

	if (IN6_IS_ADDR_LINKLOCAL(&ep->src6))
		info.ipi6_ifindex = ep->src_ifindex;
	c->cmsg_level = IPPROTO_IPV6;
	c->cmsg_type = IPV6_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(info));
	memcpy(CMSG_DATA(c), &info, sizeof(info));
	return CMSG_SPACE(sizeof(info));
}

static size_t udp_put_segment(struct cmsghdr *c, uint16_t size)
{
	c->cmsg_level = IPPROTO_UDP;
	c->cmsg_type = UDP_SEGMENT;
	c->cmsg_len = CMSG_LEN(sizeof(size));
	memcpy(CMSG_DATA(c), &size, sizeof(size));
	return CMSG_SPACE(sizeof(size));
}

/* ep's source if it has one (any more), and the segment size of a GSO send. */
static void udp_set_cmsgs(struct msghdr *mh, union udp_send_cmsg *cm,
			  const struct wgx_endpoint *ep, uint16_t gso_size)
{
	size_t len = 0;

	memset(cm, 0, sizeof(*cm));
	if (endpoint_has_src(ep) && ep->addr.sa.sa_family == AF_INET)
		len += udp_put_pktinfo4(&cm->align, ep);
	else if (endpoint_has_src(ep))
		len += udp_put_pktinfo6(&cm->align, ep);
	/* Every CMSG_SPACE is a multiple of the header alignment. */
	if (gso_size)
		len += udp_put_segment((struct cmsghdr *)(cm->buf + len), gso_size);
	mh->msg_control = len ? cm->buf : NULL;
	mh->msg_controllen = len;
}

static bool udp_same_path(const struct wgx_endpoint *a, const struct wgx_endpoint *b)
{
	if (!wgx_endpoint_equal(a, b))
		return false;
	if (a->addr.sa.sa_family == AF_INET)
		return a->src4.s_addr == b->src4.s_addr;
	return IN6_ARE_ADDR_EQUAL(&a->src6, &b->src6) && a->src_ifindex == b->src_ifindex;
}

/* How many packets from pkts[0] can leave as one GSO send. */
static unsigned int udp_gso_group(const struct wgx_pkt *pkts, unsigned int n)
{
	uint32_t size = pkts[0].len, total = size;
	unsigned int i;

	if (!size)
		return 1;
	for (i = 1; i < n && i < UDP_GSO_MAX_SEGS; i++) {
		/* An empty datagram would vanish in the cut. */
		if (!pkts[i].len || pkts[i].len > size || total + pkts[i].len > UDP_GSO_MAX_BYTES ||
		    !udp_same_path(&pkts[0].ep, &pkts[i].ep))
			break;
		total += pkts[i].len;
		if (pkts[i].len < size)
			return i + 1; /* only the last may be shorter */
	}
	return i;
}

/* Lays out messages from msgs[m] for packets p on; those before plain_end go one by one. */
static void udp_send_layout(struct udp_send_batch *b, unsigned int m, unsigned int p,
			    unsigned int plain_end)
{
	struct wgx_pkt *pkts = b->pkts;
	unsigned int k;

	for (; p < b->n; p += k, m++) {
		k = b->gso && p >= plain_end ? udp_gso_group(pkts + p, b->n - p) : 1;
		b->first[m] = p;
		b->count[m] = k;
		b->msgs[m].msg_len = 0;
		b->msgs[m].msg_hdr = (struct msghdr){
			.msg_name = &pkts[p].ep.addr,
			.msg_namelen = pkts[p].ep.addr.sa.sa_family == AF_INET
					       ? sizeof(struct sockaddr_in)
					       : sizeof(struct sockaddr_in6),
			.msg_iov = &b->iov[p],
			.msg_iovlen = k,
		};
		udp_set_cmsgs(&b->msgs[m].msg_hdr, &b->cmsg[m], &pkts[p].ep,
			      k > 1 ? pkts[p].len : 0);
	}
	b->nmsgs = m;
}

static void udp_send_init(struct udp_send_batch *b, struct wgx_pkt *pkts, unsigned int n,
			  bool gso)
{
	unsigned int i;

	b->pkts = pkts;
	b->n = n;
	b->gso = gso;
	for (i = 0; i < n; i++) {
		b->iov[i].iov_base = pkts[i].data;
		b->iov[i].iov_len = pkts[i].len;
	}
	udp_send_layout(b, 0, 0, 0);
}

/* The errors a stale source address produces, rather than the destination. */
static bool udp_src_error(int err)
{
	return err == -EINVAL || err == -EADDRNOTAVAIL || err == -ENETUNREACH || err == -ENODEV;
}

static void udp_note(struct udp_tally *t, int err)
{
	if (!t->err)
		t->err = err;
}

/* The packets after p on the same path carry the same stale source. */
static void udp_drop_src(struct udp_send_batch *b, unsigned int p)
{
	struct wgx_endpoint stale = b->pkts[p].ep;
	unsigned int i;

	for (i = p; i < b->n; i++)
		if (udp_same_path(&b->pkts[i].ep, &stale))
			wgx_endpoint_clear_src(&b->pkts[i].ep);
}

/*
 * Decides the fate of msgs[m], which failed with err: 0 to send it again
 * (changed), 1 to drop it and go on, -1 to stop the batch.
 */
static int udp_send_error(struct wgx_udp *u, struct udp_send_batch *b, unsigned int m, int err,
			  struct udp_tally *t)
{
	struct wgx_pkt *pkt = &b->pkts[b->first[m]];

	if (err == -EINTR)
		return 0;
	if (err == -EAGAIN || err == -EWOULDBLOCK) {
		t->blocked = true;
		return -1;
	}
	if (b->count[m] > 1) {
		/* Its packets go again one by one, where the rules below apply. */
		if (err == -EIO) /* no checksum offload on the way: GSO cannot work */
			__atomic_store_n(&u->gso, false, __ATOMIC_RELAXED);
		udp_send_layout(b, m, b->first[m], b->first[m] + b->count[m]);
		return 0;
	}
	if (udp_src_error(err) && endpoint_has_src(&pkt->ep)) {
		/* Our address moved away: same packets, the kernel picks the source. */
		udp_drop_src(b, b->first[m]);
		udp_send_layout(b, m, b->first[m], 0);
		return 0;
	}
	udp_note(t, err);
	return 1;
}

/* Sends up to UDP_CHUNK packets of one family; returns how many it dealt with. */
static unsigned int udp_send_chunk(struct wgx_udp *u, int fd, struct wgx_pkt *pkts,
				   unsigned int n, struct udp_tally *t)
{
	struct udp_send_batch b;
	unsigned int m = 0, k;
	int ret;

	udp_send_init(&b, pkts, n, __atomic_load_n(&u->gso, __ATOMIC_RELAXED));
	while (m < b.nmsgs) {
		ret = sendmmsg(fd, b.msgs + m, b.nmsgs - m, MSG_DONTWAIT);
		for (k = m; ret > 0 && k < m + ret; k++)
			t->sent += b.count[k];
		if (ret > 0) {
			m += ret;
			continue;
		}
		/* sendmmsg reports only the error of the first message it tried: msgs[m]. */
		ret = udp_send_error(u, &b, m, -errno, t);
		if (ret < 0)
			break;
		m += ret;
	}
	return m < b.nmsgs ? b.first[m] : n;
}

/* The socket for family, or -EAFNOSUPPORT (host lacks it), -EDESTADDRREQ (no endpoint). */
static int udp_fd(const struct wgx_udp *u, int family)
{
	int fd = -EDESTADDRREQ;

	if (family == AF_INET)
		fd = u->fd4 >= 0 ? u->fd4 : -EAFNOSUPPORT;
	else if (family == AF_INET6)
		fd = u->fd6 >= 0 ? u->fd6 : -EAFNOSUPPORT;
	return fd;
}

/* A run of packets of one family, over that family's socket. */
static unsigned int udp_send_run(struct wgx_udp *u, struct wgx_pkt *pkts, unsigned int n,
				 struct udp_tally *t)
{
	int fd = udp_fd(u, pkts[0].ep.addr.sa.sa_family);
	unsigned int done = 0, k, got;

	if (fd < 0) {
		udp_note(t, fd);
		return n;
	}
	while (done < n) {
		k = udp_min(n - done, UDP_CHUNK);
		got = udp_send_chunk(u, fd, pkts + done, k, t);
		done += got;
		if (got < k)
			break;
	}
	return done;
}

static unsigned int udp_run_len(const struct wgx_pkt *pkts, unsigned int n)
{
	unsigned int i = 1;

	while (i < n && pkts[i].ep.addr.sa.sa_family == pkts[0].ep.addr.sa.sa_family)
		i++;
	return i;
}

int wgx_udp_send_batch(struct wgx_udp *u, struct wgx_pkt *pkts, unsigned int n)
{
	struct udp_tally t = { 0 };
	unsigned int done = 0, run, got;

	while (done < n) {
		run = udp_run_len(pkts + done, n - done);
		got = udp_send_run(u, pkts + done, run, &t);
		done += got;
		if (got < run)
			break;
	}
	if (t.sent)
		return done;
	if (t.blocked)
		return -EAGAIN;
	return t.err;
}
