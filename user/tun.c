// SPDX-License-Identifier: GPL-2.0
/* The TUN device of portable mode. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
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

int wgx_tun_open(struct wgx_tun *tun, const char *name, unsigned int mtu)
{
	struct ifreq ifr = { .ifr_flags = IFF_TUN | IFF_NO_PI };
	int ret;

	tun->fd = -1;
	if (strlen(name) >= IFNAMSIZ)
		return -ENAMETOOLONG;
	tun->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (tun->fd < 0)
		return -errno;
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(tun->fd, TUNSETIFF, &ifr) < 0)
		goto err;
	memcpy(tun->name, ifr.ifr_name, IFNAMSIZ);
	tun->name[IFNAMSIZ - 1] = '\0';
	tun->ifindex = (int)if_nametoindex(tun->name);
	if (!tun->ifindex)
		goto err;
	ret = set_mtu(tun->name, mtu);
	if (ret) {
		errno = -ret;
		goto err;
	}
	return 0;
err:
	ret = -errno;
	close(tun->fd);
	tun->fd = -1;
	return ret;
}

void wgx_tun_close(struct wgx_tun *tun)
{
	if (tun->fd >= 0)
		close(tun->fd);
	tun->fd = -1;
}

ssize_t wgx_tun_read(struct wgx_tun *tun, void *buf, size_t len)
{
	ssize_t n = read(tun->fd, buf, len);

	if (n >= 0)
		return n;
	return errno == EBADFD ? -ENODEV : -errno;
}

ssize_t wgx_tun_write(struct wgx_tun *tun, const void *buf, size_t len)
{
	ssize_t n = write(tun->fd, buf, len);

	if (n >= 0)
		return n;
	return errno == EBADFD ? -ENODEV : -errno;
}
