// SPDX-License-Identifier: GPL-2.0
/*
 * wgx_probe: proves the protocol core on the wire against a real peer. It
 * performs one handshake as initiator over UDP, sends one ICMP echo request
 * through the new session and waits for the encrypted echo reply.
 *
 *   wgx_probe <private-key-b64> <peer-public-b64> <peer-ip> <peer-port> <inner-src> <inner-dst>
 *
 * Exit 0 when the reply decrypts and matches; 1 with one line naming the
 * failed step otherwise.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cookie.h"
#include "noise.h"
#include "transport.h"

struct probe {
	int fd;
	struct sockaddr_storage peer;
	socklen_t peer_len;
	struct wgx_static_identity id;
	struct wgx_handshake hs;
	struct wgx_cookie cookie;
	struct wgx_cookie_checker checker;
	struct wgx_keypair kp;
	struct in_addr inner_src, inner_dst;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int die(const char *step)
{
	fprintf(stderr, "wgx_probe: %s failed\n", step);
	return 1;
}

static uint16_t inet_csum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/* IPv4 header + ICMP echo request with id 0x7778, seq 1, 32 bytes of payload. */
static size_t build_echo(uint8_t *pkt, const struct probe *p, uint8_t type)
{
	const size_t len = 20 + 8 + 32;

	memset(pkt, 0, len);
	pkt[0] = 0x45;
	pkt[2] = len >> 8;
	pkt[3] = len & 0xff;
	pkt[8] = 64;	/* TTL */
	pkt[9] = 1;	/* ICMP */
	memcpy(pkt + 12, &p->inner_src, 4);
	memcpy(pkt + 16, &p->inner_dst, 4);
	memcpy(pkt + 10, &(uint16_t){ inet_csum(pkt, 20) }, 2);
	pkt[20] = type;
	pkt[24] = 0x77, pkt[25] = 0x78, pkt[27] = 1;
	memset(pkt + 28, 'w', 32);
	memcpy(pkt + 22, &(uint16_t){ inet_csum(pkt + 20, len - 20) }, 2);
	return len;
}

static ssize_t recv_timeout(int fd, uint8_t *buf, size_t len, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	if (poll(&pfd, 1, ms) <= 0)
		return -1;
	return recv(fd, buf, len, 0);
}

static int handshake(struct probe *p)
{
	struct wgx_msg_initiation init;
	uint8_t buf[2048], ts[WGX_TIMESTAMP_LEN];
	ssize_t n;

	wgx_tai64n_now(ts);
	if (wgx_noise_create_initiation(&init, &p->hs, 0x01020304, ts))
		return die("create initiation");
	wgx_cookie_add_macs(&p->cookie, &init, sizeof(init), now_ns());
	if (sendto(p->fd, &init, sizeof(init), 0, (struct sockaddr *)&p->peer, p->peer_len) < 0)
		return die("send initiation");
	n = recv_timeout(p->fd, buf, sizeof(buf), 5000);
	if (n != WGX_MSG_RESPONSE_LEN || buf[0] != WGX_MSG_HANDSHAKE_RESPONSE)
		return die("receive response");
	/* The response's MAC1 is keyed with our public key. */
	if (wgx_cookie_validate(&p->checker, buf, (size_t)n, (struct sockaddr *)&p->peer,
				now_ns()) == WGX_COOKIE_INVALID_MAC)
		return die("response MAC1");
	if (wgx_noise_consume_response((struct wgx_msg_response *)buf, &p->hs))
		return die("consume response");
	if (wgx_noise_begin_session(&p->hs, &p->kp, now_ns()))
		return die("begin session");
	printf("handshake complete: local index %#x, remote index %#x\n", p->kp.local_index,
	       p->kp.remote_index);
	return 0;
}

static int echo(struct probe *p)
{
	uint8_t pkt[128], msg[256], buf[2048], plain[2048];
	size_t len, msg_len, plain_len;
	int tries;

	len = build_echo(pkt, p, 8);
	if (wgx_transport_seal(&p->kp, msg, sizeof(msg), pkt, len, 1420, now_ns(), &msg_len) ||
	    sendto(p->fd, msg, msg_len, 0, (struct sockaddr *)&p->peer, p->peer_len) < 0)
		return die("send echo request");
	for (tries = 0; tries < 10; tries++) {
		ssize_t n = recv_timeout(p->fd, buf, sizeof(buf), 3000);

		if (n < 0)
			break;
		if (wgx_transport_open(&p->kp, plain, buf, (size_t)n, now_ns(), &plain_len))
			continue;
		/* Keepalives decrypt to nothing; wait for the reply itself. */
		if (plain_len >= 28 && plain[9] == 1 && plain[20] == 0 &&
		    !memcmp(plain + 12, &p->inner_dst, 4) && !memcmp(plain + 24, pkt + 24, 4)) {
			printf("echo reply decrypted: %zu-byte message, %zu bytes inside\n",
			       (size_t)n, plain_len);
			return 0;
		}
	}
	return die("receive echo reply");
}

static int setup(struct probe *p, char *argv[])
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM, .ai_flags = AI_NUMERICHOST }, *res;
	wgx_key priv, peer_pub;

	if (wgx_key_from_base64(priv, argv[1]) || wgx_key_from_base64(peer_pub, argv[2]))
		return die("parse keys");
	wgx_static_identity_set(&p->id, priv);
	if (wgx_handshake_init(&p->hs, &p->id, peer_pub, NULL))
		return die("handshake init");
	wgx_cookie_init(&p->cookie, peer_pub);
	wgx_cookie_checker_init(&p->checker, p->id.public_key);
	if (getaddrinfo(argv[3], argv[4], &hints, &res))
		return die("parse endpoint");
	memcpy(&p->peer, res->ai_addr, res->ai_addrlen);
	p->peer_len = res->ai_addrlen;
	p->fd = socket(res->ai_family, SOCK_DGRAM, 0);
	freeaddrinfo(res);
	if (p->fd < 0 || inet_pton(AF_INET, argv[5], &p->inner_src) != 1 ||
	    inet_pton(AF_INET, argv[6], &p->inner_dst) != 1)
		return die("socket or inner addresses");
	return 0;
}

int main(int argc, char *argv[])
{
	struct probe p;

	memset(&p, 0, sizeof(p));
	if (argc != 7) {
		fprintf(stderr, "usage: %s <priv> <peer-pub> <peer-ip> <peer-port> <inner-src> "
				"<inner-dst>\n", argv[0]);
		return 1;
	}
	if (wgx_crypto_init() || setup(&p, argv) || handshake(&p) || echo(&p))
		return 1;
	close(p.fd);
	return 0;
}
