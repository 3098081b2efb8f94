/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The layer-3 tunnel device of portable mode: a TUN without packet info
 * header, so reads and writes are bare IPv4/IPv6 packets. When the interface
 * is deleted (`ip link del`) the fd reports POLLERR and reads fail with
 * EBADFD; when it is moved to another namespace the fd keeps working.
 */
#ifndef WGX_TUN_H
#define WGX_TUN_H

#include <linux/virtio_net.h>
#include <net/if.h>
#include <stdbool.h>
#include <sys/types.h>

#define WGX_DEFAULT_MTU 1420

/* Largest read: a 64 KiB TSO super-packet. */
#define WGX_TUN_MAX_READ 65536

struct wgx_tun {
	int fd;
	int ifindex;
	char name[IFNAMSIZ];
	bool offload;	/* IFF_VNET_HDR with checksum and TSO offloads (offload.h) */
};

/*
 * Creates (or attaches to a persistent) TUN named name with mtu; 0 or -errno.
 * With offload, the flags are always set anew: they persist on a persistent
 * TUN (DESIGN.md §3). Falls back to plain packets if the kernel refuses.
 */
int wgx_tun_open(struct wgx_tun *tun, const char *name, unsigned int mtu, bool offload);
void wgx_tun_close(struct wgx_tun *tun);
/* One packet and its offload header (zeroed without offload); -ENODEV once the link is gone. */
ssize_t wgx_tun_read(struct wgx_tun *tun, struct virtio_net_hdr *h, void *buf, size_t len);
/* One decrypted (so already authenticated) packet: checksums need no verifying. */
ssize_t wgx_tun_write(struct wgx_tun *tun, const void *buf, size_t len);
/* The same with an explicit offload header (a coalesced super-packet); needs offload. */
ssize_t wgx_tun_write_hdr(struct wgx_tun *tun, const struct virtio_net_hdr *h, const void *buf,
			  size_t len);

#endif /* WGX_TUN_H */
