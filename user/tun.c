// SPDX-License-Identifier: GPL-2.0
/* The TUN device of portable mode. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "tun.h"

static int set_mtu(const char *name, unsigned int mtu)
{
	struct ifreq ifr = { .ifr_mtu = (int)mtu };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret = 0;

	if (fd < 0)
		return -errno;
	memcpy(ifr.ifr_name, name, strnlen(name, IFNAMSIZ - 1));
	if (ioctl(fd, SIOCSIFMTU, &ifr) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static int attach(struct wgx_tun *tun, const char *name, bool offload)
{
	struct ifreq ifr = { .ifr_flags = IFF_TUN | IFF_NO_PI };
	unsigned int flags = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;
	int hdr_len = sizeof(struct virtio_net_hdr);

	if (offload)
		ifr.ifr_flags |= IFF_VNET_HDR;
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(tun->fd, TUNSETIFF, &ifr) < 0)
		return -errno;
	if (offload && (ioctl(tun->fd, TUNSETVNETHDRSZ, &hdr_len) < 0 ||
			ioctl(tun->fd, TUNSETOFFLOAD, flags) < 0))
		return -EOPNOTSUPP;
	memcpy(tun->name, ifr.ifr_name, IFNAMSIZ);
	tun->name[IFNAMSIZ - 1] = '\0';
	tun->offload = offload;
	return 0;
}

static int open_attached(struct wgx_tun *tun, const char *name, bool offload)
{
	int ret;

	tun->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (tun->fd < 0)
		return -errno;
	ret = attach(tun, name, offload);
	if (ret) {
		close(tun->fd);
		tun->fd = -1;
	}
	return ret;
}

int wgx_tun_open(struct wgx_tun *tun, const char *name, unsigned int mtu, bool offload)
{
	int ret;

	tun->fd = -1;
	if (strlen(name) >= IFNAMSIZ)
		return -ENAMETOOLONG;
	ret = open_attached(tun, name, offload);
	if (ret == -EOPNOTSUPP)
		ret = open_attached(tun, name, false);
	if (ret)
		return ret;
	tun->ifindex = (int)if_nametoindex(tun->name);
	ret = tun->ifindex ? set_mtu(tun->name, mtu) : -errno;
	if (ret)
		wgx_tun_close(tun);
	return ret;
}

void wgx_tun_close(struct wgx_tun *tun)
{
	if (tun->fd >= 0)
		close(tun->fd);
	tun->fd = -1;
}

static ssize_t io_result(ssize_t n)
{
	if (n >= 0)
		return n;
	return errno == EBADFD ? -ENODEV : -errno;
}

ssize_t wgx_tun_read(struct wgx_tun *tun, struct virtio_net_hdr *h, void *buf, size_t len)
{
	struct iovec iov[2] = { { h, sizeof(*h) }, { buf, len } };
	ssize_t n;

	memset(h, 0, sizeof(*h));
	if (!tun->offload)
		return io_result(read(tun->fd, buf, len));
	n = io_result(readv(tun->fd, iov, 2));
	if (n < 0)
		return n;
	return n >= (ssize_t)sizeof(*h) ? n - (ssize_t)sizeof(*h) : -EINVAL;
}

ssize_t wgx_tun_write_hdr(struct wgx_tun *tun, const struct virtio_net_hdr *h, const void *buf,
			  size_t len)
{
	struct iovec iov[2] = { { (void *)h, sizeof(*h) }, { (void *)buf, len } };

	return io_result(writev(tun->fd, iov, 2));
}

ssize_t wgx_tun_write(struct wgx_tun *tun, const void *buf, size_t len)
{
	/* AEAD authenticated it: skip checksum verification, as the kernel module does. */
	static const struct virtio_net_hdr valid = { .flags = VIRTIO_NET_HDR_F_DATA_VALID };

	if (!tun->offload)
		return io_result(write(tun->fd, buf, len));
	return wgx_tun_write_hdr(tun, &valid, buf, len);
}
