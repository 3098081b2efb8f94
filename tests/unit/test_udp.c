// SPDX-License-Identifier: GPL-2.0
/*
 * UDP underlay on real loopback sockets: port sharing, mixed-family batches,
 * pktinfo on receive, sticky source replies, a vanished source address,
 * UDP GSO, truncation, fwmark. Loopback delivery is synchronous, so a short poll()
 * is all the waiting there is.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/udp.h>

#include "unit.h"
#include "udp.h"

#define BATCH 32
#define MANY 150 /* more than one recvmmsg/sendmmsg chunk */
#define MAX_LEN 1500

struct bufs {
	uint8_t data[MANY][MAX_LEN];
	struct wgx_pkt pkts[MANY];
};

struct pair {
	struct wgx_udp a, b;
	struct bufs tx, rx;
};

static int setup(void **state)
{
	struct pair *p = calloc(1, sizeof(*p));

	if (!p || wgx_udp_open(&p->a, 0, 0) || wgx_udp_open(&p->b, 0, 0))
		return -1;
	*state = p;
	return 0;
}

static int teardown(void **state)
{
	struct pair *p = *state;

	wgx_udp_close(&p->a);
	wgx_udp_close(&p->b);
	free(p);
	return 0;
}

static void init_bufs(struct bufs *b)
{
	unsigned int i;

	for (i = 0; i < MANY; i++)
		b->pkts[i] = (struct wgx_pkt){ .data = b->data[i], .cap = MAX_LEN };
}

static void set_ep(struct wgx_endpoint *ep, int family, const char *addr, uint16_t port)
{
	memset(ep, 0, sizeof(*ep));
	ep->addr.sa.sa_family = family;
	if (family == AF_INET) {
		ep->addr.in4.sin_port = htons(port);
		assert_int_equal(inet_pton(AF_INET, addr, &ep->addr.in4.sin_addr), 1);
	} else {
		ep->addr.in6.sin6_port = htons(port);
		assert_int_equal(inet_pton(AF_INET6, addr, &ep->addr.in6.sin6_addr), 1);
	}
}

static void set_src(struct wgx_endpoint *ep, const char *addr)
{
	void *dst = ep->addr.sa.sa_family == AF_INET ? (void *)&ep->src4 : (void *)&ep->src6;

	assert_int_equal(inet_pton(ep->addr.sa.sa_family, addr, dst), 1);
}

static void assert_src(const struct wgx_endpoint *ep, const char *addr)
{
	struct wgx_endpoint want = *ep;

	wgx_endpoint_clear_src(&want);
	set_src(&want, addr);
	assert_memory_equal(&ep->src6, &want.src6,
			    ep->addr.sa.sa_family == AF_INET ? sizeof(ep->src4) : sizeof(ep->src6));
}

static uint16_t local_port(int fd)
{
	struct sockaddr_in6 sa;
	socklen_t len = sizeof(sa);

	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	return ntohs(sa.sin6_port); /* same offset as sin_port */
}

/* Receives exactly want datagrams from fd into pkts, waiting at most a second. */
static void recv_n(int fd, struct wgx_pkt *pkts, unsigned int want)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	uint8_t extra_data[MAX_LEN];
	struct wgx_pkt extra = { .data = extra_data, .cap = sizeof(extra_data) };
	unsigned int got = 0;
	int ret;

	while (got < want) {
		ret = wgx_udp_recv_batch(fd, pkts + got, want - got);
		assert_true(ret >= 0);
		got += ret;
		if (got < want)
			assert_int_equal(poll(&pfd, 1, 1000), 1);
	}
	assert_int_equal(wgx_udp_recv_batch(fd, &extra, 1), 0);
}

static void fill(struct wgx_pkt *pkt, unsigned int id, uint32_t len)
{
	uint32_t j;

	pkt->len = len;
	for (j = 0; j < len; j++)
		pkt->data[j] = (uint8_t)(id * 31 + j);
	if (len)
		pkt->data[0] = (uint8_t)id;
}

static void assert_payload(const struct wgx_pkt *pkt, unsigned int id, uint32_t len)
{
	uint32_t j;

	assert_int_equal(pkt->len, len);
	assert_int_equal(pkt->data[0], (uint8_t)id);
	for (j = 1; j < len; j++)
		if (pkt->data[j] != (uint8_t)(id * 31 + j))
			fail_msg("datagram %u: byte %u differs", id, j);
}

static void test_open_random_port(void **state)
{
	struct pair *p = *state;

	assert_true(p->a.fd4 >= 0 && p->a.fd6 >= 0);
	assert_int_not_equal(p->a.port, 0);
	assert_int_equal(local_port(p->a.fd4), p->a.port);
	assert_int_equal(local_port(p->a.fd6), p->a.port);
	assert_int_not_equal(p->a.port, p->b.port);
}

static void test_open_taken_port(void **state)
{
	struct pair *p = *state;
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT };
	struct wgx_udp u;
	int one = 1, fd;

	assert_int_equal(wgx_udp_open(&u, p->a.port, 0), -EADDRINUSE);
	assert_int_equal(u.fd4, -1);
	assert_int_equal(u.fd6, -1);

	/* Free on v4 but taken on v6: refused as a whole, the v4 socket not leaked. */
	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)), 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(wgx_udp_open(&u, local_port(fd), 0), -EADDRINUSE);
	assert_int_equal(u.fd4, -1);
	close(fd);
}

/* Every third datagram over IPv6, so that the batch has runs of either length. */
static int batch_family(unsigned int i)
{
	return i % 3 == 2 ? AF_INET6 : AF_INET;
}

static uint32_t batch_len(unsigned int i)
{
	return 1 + (i * 347) % MAX_LEN;
}

static void check_received(struct pair *p, int family, unsigned int count)
{
	const char *lo = family == AF_INET ? "127.0.0.1" : "::1";
	struct wgx_endpoint from;
	unsigned int i, k = 0;

	set_ep(&from, family, lo, p->a.port);
	for (i = 0; i < BATCH; i++) {
		struct wgx_pkt *pkt = &p->rx.pkts[k];

		if (batch_family(i) != family)
			continue;
		assert_payload(pkt, i, batch_len(i));
		assert_true(wgx_endpoint_equal(&pkt->ep, &from));
		assert_src(&pkt->ep, lo);
		assert_int_equal(pkt->ep.src_ifindex, if_nametoindex("lo"));
		k++;
	}
	assert_int_equal(k, count);
}

static void test_mixed_batch(void **state)
{
	struct pair *p = *state;
	unsigned int i, n4 = 0;

	init_bufs(&p->tx);
	init_bufs(&p->rx);
	for (i = 0; i < BATCH; i++) {
		int family = batch_family(i);

		n4 += family == AF_INET;
		set_ep(&p->tx.pkts[i].ep, family, family == AF_INET ? "127.0.0.1" : "::1",
		       p->b.port);
		fill(&p->tx.pkts[i], i, batch_len(i));
	}
	assert_int_equal(wgx_udp_send_batch(&p->a, p->tx.pkts, BATCH), BATCH);

	recv_n(p->b.fd4, p->rx.pkts, n4);
	check_received(p, AF_INET, n4);
	recv_n(p->b.fd6, p->rx.pkts, BATCH - n4);
	check_received(p, AF_INET6, BATCH - n4);
}

/* More than a chunk each way, and receive batches that end mid-chunk. */
static void test_many(void **state)
{
	struct pair *p = *state;
	unsigned int i;

	init_bufs(&p->tx);
	init_bufs(&p->rx);
	for (i = 0; i < MANY; i++) {
		set_ep(&p->tx.pkts[i].ep, AF_INET6, "::1", p->b.port);
		fill(&p->tx.pkts[i], i, 100 + i);
	}
	assert_int_equal(wgx_udp_send_batch(&p->a, p->tx.pkts, MANY), MANY);
	assert_int_equal(wgx_udp_recv_batch(p->b.fd6, p->rx.pkts, 5), 5);
	recv_n(p->b.fd6, p->rx.pkts + 5, MANY - 5);
	for (i = 0; i < MANY; i++)
		assert_payload(&p->rx.pkts[i], i, 100 + i);
}

/* Sends one datagram from u to ep and receives it on the socket fd. */
static struct wgx_endpoint ping(struct pair *p, struct wgx_udp *u, struct wgx_endpoint ep, int fd)
{
	init_bufs(&p->tx);
	init_bufs(&p->rx);
	p->tx.pkts[0].ep = ep;
	fill(&p->tx.pkts[0], 7, 64);
	assert_int_equal(wgx_udp_send_batch(u, p->tx.pkts, 1), 1);
	recv_n(fd, p->rx.pkts, 1);
	assert_payload(&p->rx.pkts[0], 7, 64);
	return p->rx.pkts[0].ep;
}

/*
 * All of 127/8 is local on lo, but the kernel sources replies to 127.0.0.1
 * from 127.0.0.1: a reply from 127.0.0.2 shows the sticky source at work.
 */
static void test_sticky_reply_v4(void **state)
{
	struct pair *p = *state;
	struct wgx_endpoint to_b, at_b, at_a, plain;

	set_ep(&to_b, AF_INET, "127.0.0.2", p->b.port);
	at_b = ping(p, &p->a, to_b, p->b.fd4);
	assert_src(&at_b, "127.0.0.2");

	at_a = ping(p, &p->b, at_b, p->a.fd4);
	assert_true(wgx_endpoint_equal(&at_a, &to_b));
	assert_src(&at_a, "127.0.0.1");

	/* Without the source the kernel would have chosen 127.0.0.1. */
	plain = at_b;
	wgx_endpoint_clear_src(&plain);
	at_a = ping(p, &p->b, plain, p->a.fd4);
	assert_int_equal(at_a.addr.in4.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
}

static void test_sticky_reply_v6(void **state)
{
	struct pair *p = *state;
	struct wgx_endpoint to_b, at_b, at_a;

	set_ep(&to_b, AF_INET6, "::1", p->b.port);
	at_b = ping(p, &p->a, to_b, p->b.fd6);
	assert_src(&at_b, "::1");
	assert_int_equal(at_b.src_ifindex, if_nametoindex("lo"));

	at_a = ping(p, &p->b, at_b, p->a.fd6);
	assert_true(wgx_endpoint_equal(&at_a, &to_b));
	assert_src(&at_a, "::1");
}

/* Documentation prefixes (RFC 5737, RFC 3849) are on no host. */
static void test_source_gone(void **state)
{
	struct pair *p = *state;
	unsigned int i;

	init_bufs(&p->tx);
	init_bufs(&p->rx);
	for (i = 0; i < 3; i++)
		fill(&p->tx.pkts[i], i, 40);
	set_ep(&p->tx.pkts[0].ep, AF_INET, "127.0.0.1", p->b.port);
	set_src(&p->tx.pkts[0].ep, "192.0.2.1");
	p->tx.pkts[0].ep.src_ifindex = if_nametoindex("lo");
	set_ep(&p->tx.pkts[1].ep, AF_INET6, "::1", p->b.port);
	set_src(&p->tx.pkts[1].ep, "2001:db8::1");
	set_ep(&p->tx.pkts[2].ep, AF_INET, "127.0.0.1", p->b.port);
	set_src(&p->tx.pkts[2].ep, "127.0.0.1"); /* still valid: kept */

	assert_int_equal(wgx_udp_send_batch(&p->a, p->tx.pkts, 3), 3);
	assert_int_equal(p->tx.pkts[0].ep.src4.s_addr, 0);
	assert_int_equal(p->tx.pkts[0].ep.src_ifindex, 0);
	assert_true(IN6_IS_ADDR_UNSPECIFIED(&p->tx.pkts[1].ep.src6));
	assert_src(&p->tx.pkts[2].ep, "127.0.0.1");

	recv_n(p->b.fd4, p->rx.pkts, 2);
	assert_payload(&p->rx.pkts[0], 0, 40);
	assert_payload(&p->rx.pkts[1], 2, 40);
	recv_n(p->b.fd6, p->rx.pkts, 1);
	assert_payload(&p->rx.pkts[0], 1, 40);
}

/* A packet that cannot go is dropped without holding up the others. */
static void test_undeliverable(void **state)
{
	static uint8_t huge[65536];
	struct pair *p = *state;

	init_bufs(&p->tx);
	init_bufs(&p->rx);
	set_ep(&p->tx.pkts[0].ep, AF_INET, "127.0.0.1", p->b.port);
	/* p->tx.pkts[1].ep stays AF_UNSPEC */
	set_ep(&p->tx.pkts[2].ep, AF_INET, "127.0.0.1", p->b.port);
	fill(&p->tx.pkts[0], 0, 10);
	fill(&p->tx.pkts[1], 1, 10);
	fill(&p->tx.pkts[2], 2, 10);
	assert_int_equal(wgx_udp_send_batch(&p->a, p->tx.pkts, 3), 3);
	recv_n(p->b.fd4, p->rx.pkts, 2);
	assert_payload(&p->rx.pkts[1], 2, 10);

	assert_int_equal(wgx_udp_send_batch(&p->a, p->tx.pkts + 1, 1), -EDESTADDRREQ);
	p->tx.pkts[0].data = huge; /* more than UDP can carry */
	p->tx.pkts[0].len = sizeof(huge);
	assert_int_equal(wgx_udp_send_batch(&p->a, p->tx.pkts, 1), -EMSGSIZE);
	assert_int_equal(wgx_udp_send_batch(&p->a, p->tx.pkts, 0), 0);
}

static void test_recv_empty_and_truncated(void **state)
{
	struct pair *p = *state;
	struct wgx_endpoint to_b;

	init_bufs(&p->rx);
	assert_int_equal(wgx_udp_recv_batch(p->b.fd4, p->rx.pkts, MANY), 0);
	assert_int_equal(wgx_udp_recv_batch(p->b.fd6, p->rx.pkts, MANY), 0);
	assert_int_equal(wgx_udp_recv_batch(-1, p->rx.pkts, 1), -EBADF);

	set_ep(&to_b, AF_INET, "127.0.0.1", p->b.port);
	init_bufs(&p->tx);
	p->tx.pkts[0].ep = to_b;
	fill(&p->tx.pkts[0], 1, 100);
	assert_int_equal(wgx_udp_send_batch(&p->a, p->tx.pkts, 1), 1);
	p->rx.pkts[0].cap = 50;
	recv_n(p->b.fd4, p->rx.pkts, 1);
	assert_int_equal(p->rx.pkts[0].len, 0);
}

/* Equal-sized runs to one endpoint, broken by a shorter packet and a family change. */
static uint32_t burst_len(unsigned int i)
{
	if (i == 50 || i == MANY - 1)
		return 333;
	return i < 90 ? 1400 : 1200;
}

static void test_gso_burst(void **state)
{
	struct pair *p = *state;
	unsigned int i;

	assert_true(p->a.gso);
	init_bufs(&p->tx);
	init_bufs(&p->rx);
	for (i = 0; i < MANY; i++) {
		if (i < 90)
			set_ep(&p->tx.pkts[i].ep, AF_INET, "127.0.0.1", p->b.port);
		else
			set_ep(&p->tx.pkts[i].ep, AF_INET6, "::1", p->b.port);
		fill(&p->tx.pkts[i], i, burst_len(i));
	}
	assert_int_equal(wgx_udp_send_batch(&p->a, p->tx.pkts, MANY), MANY);
	recv_n(p->b.fd4, p->rx.pkts, 90);
	recv_n(p->b.fd6, p->rx.pkts + 90, MANY - 90);
	for (i = 0; i < MANY; i++)
		assert_payload(&p->rx.pkts[i], i, burst_len(i));
	assert_true(p->a.gso);
}

/* A GSO send whose source is gone falls back to single sends, which clear it. */
static void test_gso_source_gone(void **state)
{
	struct pair *p = *state;
	unsigned int i;

	init_bufs(&p->tx);
	init_bufs(&p->rx);
	for (i = 0; i < 10; i++) {
		set_ep(&p->tx.pkts[i].ep, AF_INET, "127.0.0.1", p->b.port);
		set_src(&p->tx.pkts[i].ep, "192.0.2.1");
		fill(&p->tx.pkts[i], i, 500);
	}
	assert_int_equal(wgx_udp_send_batch(&p->a, p->tx.pkts, 10), 10);
	recv_n(p->b.fd4, p->rx.pkts, 10);
	for (i = 0; i < 10; i++) {
		assert_int_equal(p->tx.pkts[i].ep.src4.s_addr, 0);
		assert_payload(&p->rx.pkts[i], i, 500);
	}
}

/*
 * Loopback does no GRO of its own, so a socket with UDP_GRO gets one
 * coalesced read exactly when the sender used GSO.
 */
static size_t gro_read(int fd, uint16_t *seg)
{
	static uint8_t buf[65536];
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} cm;
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cm.buf,
			     .msg_controllen = sizeof(cm.buf) };
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct cmsghdr *c;
	ssize_t len;
	int size = 0;

	assert_int_equal(poll(&pfd, 1, 1000), 1);
	len = recvmsg(fd, &mh, 0);
	assert_true(len > 0);
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == IPPROTO_UDP && c->cmsg_type == UDP_GRO)
			memcpy(&size, CMSG_DATA(c), sizeof(size));
	*seg = size;
	return len;
}

static void send_equal(struct pair *p, uint16_t port, unsigned int n, uint32_t len)
{
	unsigned int i;

	init_bufs(&p->tx);
	for (i = 0; i < n; i++) {
		set_ep(&p->tx.pkts[i].ep, AF_INET, "127.0.0.1", port);
		fill(&p->tx.pkts[i], i, len);
	}
	assert_int_equal(wgx_udp_send_batch(&p->a, p->tx.pkts, n), n);
}

static void test_gso_really_coalesces(void **state)
{
	struct pair *p = *state;
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sa_len = sizeof(sa);
	int one = 1, fd;
	uint16_t seg;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(setsockopt(fd, IPPROTO_UDP, UDP_GRO, &one, sizeof(one)), 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sa_len), 0);

	send_equal(p, ntohs(sa.sin_port), 10, 1000);
	assert_int_equal(gro_read(fd, &seg), 10 * 1000);
	assert_int_equal(seg, 1000);

	p->a.gso = false;
	send_equal(p, ntohs(sa.sin_port), 2, 1000);
	assert_int_equal(gro_read(fd, &seg), 1000);
	assert_int_equal(gro_read(fd, &seg), 1000);
	close(fd);
}

static uint32_t get_mark(int fd)
{
	uint32_t mark = 0xdead;
	socklen_t len = sizeof(mark);

	assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_MARK, &mark, &len), 0);
	return mark;
}

static void test_fwmark(void **state)
{
	struct pair *p = *state;
	struct wgx_udp u;

	assert_int_equal(wgx_udp_open(&u, 0, 0x1234), 0);
	assert_int_equal(get_mark(u.fd4), 0x1234);
	assert_int_equal(get_mark(u.fd6), 0x1234);
	assert_int_equal(wgx_udp_set_fwmark(&u, 0x42), 0);
	assert_int_equal(u.fwmark, 0x42);
	assert_int_equal(get_mark(u.fd4), 0x42);
	assert_int_equal(get_mark(u.fd6), 0x42);
	assert_int_equal(wgx_udp_set_fwmark(&u, 0), 0);
	assert_int_equal(get_mark(u.fd6), 0);
	wgx_udp_close(&u);
	assert_int_equal(u.fd4, -1);
	assert_int_equal(get_mark(p->a.fd4), 0);
}

static void test_endpoint_helpers(void **state)
{
	struct sockaddr_in6 mapped = { .sin6_family = AF_INET6, .sin6_port = htons(51820) };
	struct sockaddr_un_like {
		sa_family_t family;
		char path[20];
	} unix_sa = { .family = AF_UNIX };
	struct wgx_endpoint a, b;

	assert_int_equal(inet_pton(AF_INET6, "::ffff:192.0.2.7", &mapped.sin6_addr), 1);
	assert_int_equal(wgx_endpoint_from_sockaddr(&a, (struct sockaddr *)&mapped, sizeof(mapped)),
			 0);
	set_ep(&b, AF_INET, "192.0.2.7", 51820);
	assert_true(wgx_endpoint_equal(&a, &b));
	set_src(&b, "10.0.0.1");
	assert_true(wgx_endpoint_equal(&a, &b)); /* the source does not count */
	b.addr.in4.sin_port = htons(51821);
	assert_false(wgx_endpoint_equal(&a, &b));

	set_ep(&a, AF_INET6, "fe80::1", 1);
	set_ep(&b, AF_INET6, "fe80::1", 1);
	assert_true(wgx_endpoint_equal(&a, &b));
	b.addr.in6.sin6_scope_id = 2;
	assert_false(wgx_endpoint_equal(&a, &b));
	set_ep(&b, AF_INET, "0.0.0.1", 1);
	assert_false(wgx_endpoint_equal(&a, &b));

	set_src(&a, "fe80::2");
	a.src_ifindex = 3;
	wgx_endpoint_clear_src(&a);
	assert_true(IN6_IS_ADDR_UNSPECIFIED(&a.src6));
	assert_int_equal(a.src_ifindex, 0);

	assert_int_equal(wgx_endpoint_from_sockaddr(&a, (struct sockaddr *)&mapped, 8), -EINVAL);
	assert_int_equal(wgx_endpoint_from_sockaddr(&a, (struct sockaddr *)&unix_sa,
						    sizeof(unix_sa)),
			 -EAFNOSUPPORT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_random_port, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_taken_port, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mixed_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sticky_reply_v4, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sticky_reply_v6, setup, teardown),
		cmocka_unit_test_setup_teardown(test_source_gone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_undeliverable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recv_empty_and_truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gso_burst, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gso_source_gone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gso_really_coalesces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fwmark, setup, teardown),
		cmocka_unit_test(test_endpoint_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
