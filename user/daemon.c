// SPDX-License-Identifier: GPL-2.0
/*
 * The portable-mode event loop. One thread owns the device: it reads the
 * TUN and the UDP sockets in batches, serves the UAPI socket, follows the
 * link (MTU, up/down, deletion) and runs the peers' timers.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"
#include "netlink.h"
#include "packet.h"
#include "uapi_server.h"

#define NSEC_PER_MSEC 1000000ULL

struct daemon {
	struct wgx_device *dev;
	struct wgx_uapi_server uapi;
	int epfd, sigfd, linkfd;
	struct wgx_tx_batch tx, ctl;
	struct wgx_pkt rx[WGX_BATCH];
	struct wgx_rx_out rx_out;
	uint8_t *tunbuf;
	uint64_t last_gc_ns;
	bool quit;
};

enum { EV_TUN, EV_UDP4, EV_UDP6, EV_UAPI, EV_SIGNAL, EV_LINK };

static int watch(struct daemon *d, int fd, uint64_t tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = tag };

	if (fd < 0)
		return 0;
	return epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

/* The UDP sockets change with the listen port: re-register them when they do. */
static void rewatch_udp(struct daemon *d, int *watched4, int *watched6)
{
	if (*watched4 == d->dev->udp.fd4 && *watched6 == d->dev->udp.fd6)
		return;
	if (*watched4 >= 0)
		epoll_ctl(d->epfd, EPOLL_CTL_DEL, *watched4, NULL);
	if (*watched6 >= 0)
		epoll_ctl(d->epfd, EPOLL_CTL_DEL, *watched6, NULL);
	*watched4 = d->dev->udp.fd4;
	*watched6 = d->dev->udp.fd6;
	watch(d, *watched4, EV_UDP4);
	watch(d, *watched6, EV_UDP6);
}

static void on_tun(struct daemon *d, uint64_t now_ns)
{
	struct virtio_net_hdr h;
	int i;

	for (i = 0; i < WGX_BATCH; i++) {
		ssize_t n = wgx_tun_read(&d->dev->tun, &h, d->tunbuf, WGX_TUN_MAX_READ);

		if (n == -ENODEV) {
			wgx_info("%s: interface deleted, exiting", d->dev->tun.name);
			d->quit = true;
			break;
		}
		if (n <= 0)
			break;
		wgx_send_plaintext(d->dev, &d->tx, &h, d->tunbuf, (size_t)n, now_ns);
	}
	wgx_tx_batch_flush(d->dev, &d->tx);
}

static void on_udp(struct daemon *d, int fd, uint64_t now_ns)
{
	int i, n;

	n = wgx_udp_recv_batch(fd, d->rx, WGX_BATCH);
	for (i = 0; i < n; i++)
		wgx_receive(d->dev, &d->rx[i], now_ns);
	wgx_rx_out_flush(d->dev);
}

/* A DELLINK for our index also arrives when the device moves to another namespace. */
static bool tun_gone(const struct wgx_tun *tun)
{
	struct ifreq ifr;

	return ioctl(tun->fd, TUNGETIFF, &ifr) < 0 && errno == EBADFD;
}

/*
 * Runs fn inside the device's current namespace. setns only affects this
 * thread, and this thread is the whole daemon.
 */
static int in_tun_netns(struct daemon *d, int (*fn)(struct daemon *d, void *arg), void *arg)
{
	int nsfd = ioctl(d->dev->tun.fd, TUNGETDEVNETNS);
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	int ret = -errno;

	if (nsfd >= 0 && self >= 0 && !setns(nsfd, CLONE_NEWNET)) {
		ret = fn(d, arg);
		if (setns(self, CLONE_NEWNET))
			wgx_err("%s: cannot return to our namespace: %s", d->dev->tun.name,
				strerror(errno));
	}
	if (nsfd >= 0)
		close(nsfd);
	if (self >= 0)
		close(self);
	return ret;
}

/* Inside the device's namespace: a fresh watcher and the device's index there. */
static int reopen_watch(struct daemon *d, void *arg)
{
	struct ifreq ifr;
	int fd = wgx_linkwatch_open(), ifindex = 0;

	if (fd >= 0 && !ioctl(d->dev->tun.fd, TUNGETIFF, &ifr))
		ifindex = (int)if_nametoindex(ifr.ifr_name);
	if (fd < 0 || ifindex <= 0) {
		if (fd >= 0)
			wgx_linkwatch_close(fd);
		return -ENODEV;
	}
	epoll_ctl(d->epfd, EPOLL_CTL_DEL, d->linkfd, NULL);
	wgx_linkwatch_close(d->linkfd);
	d->linkfd = fd;
	d->dev->tun.ifindex = ifindex;
	return watch(d, fd, EV_LINK);
}

static int get_link(struct daemon *d, void *ev)
{
	return wgx_link_get(d->dev->tun.ifindex, ev);
}

/* The device moved to another namespace: watch its link there instead. */
static int follow_tun_netns(struct daemon *d)
{
	int ret = in_tun_netns(d, reopen_watch, NULL);

	if (!ret)
		wgx_info("%s: moved to another network namespace, following it", d->dev->tun.name);
	return ret;
}

static int link_get_in_tun_netns(struct daemon *d, struct wgx_link_event *ev)
{
	return in_tun_netns(d, get_link, ev);
}

static void apply_link_state(struct daemon *d, const struct wgx_link_event *ev, uint64_t now_ns)
{
	struct wgx_device *dev = d->dev;

	if (ev->mtu && ev->mtu != dev->mtu) {
		wgx_info("%s: MTU %u", dev->tun.name, ev->mtu);
		dev->mtu = ev->mtu;
	}
	if (ev->up != dev->up) {
		wgx_info("%s: interface %s", dev->tun.name, ev->up ? "up" : "down");
		wgx_device_set_up(dev, ev->up, now_ns);
	}
}

static void on_link(struct daemon *d, uint64_t now_ns)
{
	struct wgx_device *dev = d->dev;
	struct wgx_link_event ev;

	if (wgx_linkwatch_read(d->linkfd, dev->tun.ifindex, &ev) <= 0)
		return;
	if (!ev.deleted) {
		apply_link_state(d, &ev, now_ns);
		return;
	}
	if (tun_gone(&dev->tun)) {
		wgx_info("%s: interface deleted, exiting", dev->tun.name);
		d->quit = true;
		return;
	}
	/* Moved: what changed there before we looked is not in any event we will get. */
	if (!follow_tun_netns(d) && !link_get_in_tun_netns(d, &ev))
		apply_link_state(d, &ev, now_ns);
}

static int next_timeout_ms(struct daemon *d, uint64_t now_ns)
{
	uint64_t next = now_ns + 1000 * NSEC_PER_MSEC;
	struct wgx_peer *peer;
	uint32_t i;

	wgx_device_for_each_peer(d->dev, i, peer) {
		uint64_t deadline = wgx_timers_next_deadline(&peer->timers);

		if (deadline < next)
			next = deadline;
	}
	return next <= now_ns ? 0 : (int)((next - now_ns + NSEC_PER_MSEC - 1) / NSEC_PER_MSEC);
}

static void run_timers(struct daemon *d, uint64_t now_ns)
{
	struct wgx_peer *peer;
	uint32_t i;

	wgx_device_for_each_peer(d->dev, i, peer) {
		if (wgx_timers_next_deadline(&peer->timers) <= now_ns)
			wgx_peer_run_timers(d->dev, peer, now_ns);
	}
	if (now_ns - d->last_gc_ns >= 1000 * NSEC_PER_MSEC) {
		wgx_ratelimiter_gc(&d->dev->ratelimiter, now_ns);
		d->last_gc_ns = now_ns;
	}
}

static void dispatch(struct daemon *d, const struct epoll_event *ev, uint64_t now_ns)
{
	switch (ev->data.u64) {
	case EV_TUN:
		if (ev->events & (EPOLLERR | EPOLLHUP) && tun_gone(&d->dev->tun)) {
			wgx_info("%s: interface deleted, exiting", d->dev->tun.name);
			d->quit = true;
			return;
		}
		on_tun(d, now_ns);
		break;
	case EV_UDP4:
		on_udp(d, d->dev->udp.fd4, now_ns);
		break;
	case EV_UDP6:
		on_udp(d, d->dev->udp.fd6, now_ns);
		break;
	case EV_UAPI:
		wgx_uapi_serve_one(&d->uapi, d->dev);
		break;
	case EV_LINK:
		on_link(d, now_ns);
		break;
	case EV_SIGNAL:
		wgx_info("%s: signal received, exiting", d->dev->tun.name);
		d->quit = true;
		break;
	}
}

static void loop(struct daemon *d)
{
	struct epoll_event events[8];
	int watched4 = -1, watched6 = -1;

	while (!d->quit) {
		uint64_t now_ns = wgx_now_ns();
		int i, n;

		rewatch_udp(d, &watched4, &watched6);
		n = epoll_wait(d->epfd, events, 8, next_timeout_ms(d, now_ns));
		now_ns = wgx_now_ns();
		for (i = 0; i < n && !d->quit; i++)
			dispatch(d, &events[i], now_ns);
		run_timers(d, now_ns);
	}
}

static int alloc_buffers(struct daemon *d)
{
	unsigned int i;

	if (wgx_tx_batch_init(&d->tx) || wgx_tx_batch_init(&d->ctl))
		return -ENOMEM;
	for (i = 0; i < WGX_BATCH; i++) {
		d->rx[i].data = malloc(WGX_MAX_DATAGRAM);
		d->rx[i].cap = WGX_MAX_DATAGRAM;
		if (!d->rx[i].data)
			return -ENOMEM;
	}
	d->tunbuf = malloc(WGX_TUN_MAX_READ);
	return d->tunbuf ? wgx_rx_out_init(&d->rx_out) : -ENOMEM;
}

static void free_buffers(struct daemon *d)
{
	unsigned int i;

	wgx_tx_batch_free(&d->tx);
	wgx_tx_batch_free(&d->ctl);
	for (i = 0; i < WGX_BATCH; i++)
		free(d->rx[i].data);
	wgx_rx_out_free(&d->rx_out);
	free(d->tunbuf);
}

static int open_signals(void)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, NULL))
		return -errno;
	signal(SIGPIPE, SIG_IGN);
	return signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
}

static bool env_flag(const char *name, bool dflt)
{
	const char *v = getenv(name);

	return v && *v ? strcmp(v, "0") != 0 : dflt;
}

static void apply_env_tunables(struct wgx_device *dev)
{
	const char *v = getenv("WG_XDP_UNDER_LOAD");	/* handshakes per 100 ms; tests use 0 */

	if (v && *v)
		dev->under_load_threshold = (uint32_t)strtoul(v, NULL, 10);
}

/* Everything a user must see fail before we report success; one line each. */
static int setup(struct daemon *d, const char *ifname)
{
	struct wgx_link_event link;
	int ret;

	d->dev = wgx_device_new();
	if (!d->dev || alloc_buffers(d))
		return fprintf(stderr, "wg-xdp: out of memory\n"), -ENOMEM;
	d->dev->ctl_batch = &d->ctl;
	d->dev->rx_out = &d->rx_out;
	apply_env_tunables(d->dev);
	ret = wgx_uapi_listen(&d->uapi, ifname);
	if (ret == -EADDRINUSE)
		return fprintf(stderr, "wg-xdp: %s is already served by a running daemon (%s)\n",
			       ifname, d->uapi.path), ret;
	if (ret)
		return fprintf(stderr, "wg-xdp: cannot create UAPI socket for %s: %s\n", ifname,
			       strerror(-ret)), ret;
	ret = wgx_tun_open(&d->dev->tun, ifname, WGX_DEFAULT_MTU,
			   env_flag("WG_XDP_TUN_OFFLOAD", true));
	if (ret == -EINVAL && if_nametoindex(ifname))
		return fprintf(stderr, "wg-xdp: cannot create TUN device %s: an interface of that "
			       "name exists and is not a TUN device\n", ifname), ret;
	if (ret)
		return fprintf(stderr, "wg-xdp: cannot create TUN device %s: %s\n", ifname,
			       strerror(-ret)), ret;
	ret = wgx_udp_open(&d->dev->udp, 0, 0);
	if (ret)
		return fprintf(stderr, "wg-xdp: cannot open UDP socket: %s\n", strerror(-ret)), ret;
	d->dev->listen_port = d->dev->udp.port;
	d->linkfd = wgx_linkwatch_open();
	if (!wgx_link_get(d->dev->tun.ifindex, &link))
		wgx_device_set_up(d->dev, link.up, wgx_now_ns());
	d->sigfd = open_signals();
	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (d->epfd < 0 || d->sigfd < 0 || d->linkfd < 0)
		return fprintf(stderr, "wg-xdp: cannot set up event loop: %s\n", strerror(errno)),
		       -EIO;
	return watch(d, d->dev->tun.fd, EV_TUN) ?: watch(d, d->uapi.fd, EV_UAPI)
						   ?: watch(d, d->sigfd, EV_SIGNAL)
						   ?: watch(d, d->linkfd, EV_LINK);
}

static void teardown(struct daemon *d)
{
	wgx_uapi_close(&d->uapi);
	if (d->dev) {
		wgx_udp_close(&d->dev->udp);
		wgx_tun_close(&d->dev->tun);
	}
	if (d->linkfd >= 0)
		wgx_linkwatch_close(d->linkfd);
	if (d->sigfd >= 0)
		close(d->sigfd);
	if (d->epfd >= 0)
		close(d->epfd);
	free_buffers(d);
	wgx_device_free(d->dev);
}

/* The parent returns once everything is set up, as wireguard-go does. */
static int daemonize(struct daemon *d)
{
	pid_t pid = fork();
	int null;

	if (pid < 0)
		return -errno;
	if (pid > 0)
		_exit(0);
	setsid();
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		close(null);
	}
	/*
	 * epoll watches a signalfd through the process that added it (signalfd(2)):
	 * registered by the parent, it would never wake the child. Add it again here.
	 */
	epoll_ctl(d->epfd, EPOLL_CTL_DEL, d->sigfd, NULL);
	return watch(d, d->sigfd, EV_SIGNAL);
}

int wgx_daemon_run(const char *ifname, bool foreground)
{
	struct daemon d = { .epfd = -1, .sigfd = -1, .linkfd = -1, .uapi.fd = -1 };
	int ret;

	wgx_log_init_from_env();
	if (!foreground && getenv("WG_PROCESS_FOREGROUND") &&
	    !strcmp(getenv("WG_PROCESS_FOREGROUND"), "1"))
		foreground = true;
	ret = setup(&d, ifname);
	if (!ret && !foreground)
		ret = daemonize(&d);
	if (!ret) {
		wgx_info("%s: up, listening on port %u", d.dev->tun.name, d.dev->listen_port);
		loop(&d);
	}
	teardown(&d);
	return ret ? 1 : 0;
}
