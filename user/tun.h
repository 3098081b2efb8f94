/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The layer-3 tunnel device of portable mode: a TUN without packet info
 * header, so reads and writes are bare IPv4/IPv6 packets. When the interface
 * is deleted (`ip link del`) the fd reports POLLERR and reads fail with
 * EBADFD; when it is moved to another namespace the fd keeps working.
 */
#ifndef WGX_TUN_H
#define WGX_TUN_H

#include <net/if.h>
#include <sys/types.h>

#define WGX_DEFAULT_MTU 1420

struct wgx_tun {
	int fd;
	int ifindex;
	char name[IFNAMSIZ];
};

/* Creates (or attaches to a persistent) TUN named name with mtu; 0 or -errno. */
int wgx_tun_open(struct wgx_tun *tun, const char *name, unsigned int mtu);
void wgx_tun_close(struct wgx_tun *tun);
/* -ENODEV once the interface is gone. */
ssize_t wgx_tun_read(struct wgx_tun *tun, void *buf, size_t len);
ssize_t wgx_tun_write(struct wgx_tun *tun, const void *buf, size_t len);

#endif /* WGX_TUN_H */
