/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Watching the tunnel interface over rtnetlink: the daemon learns of MTU
 * changes (`ip link set wg0 mtu ...`), of the interface going up or down and
 * of its deletion, without polling.
 *
 * "up" is the administrative state (IFF_UP), the one that calls the kernel
 * module's ndo_open/ndo_stop; carrier is ignored, as a TUN has carrier
 * whenever the daemon holds it open.
 */
#ifndef WGX_NETLINK_H
#define WGX_NETLINK_H

#include <stdbool.h>
#include <net/if.h>

struct wgx_link_event {
	int ifindex;
	bool deleted;
	bool up;
	unsigned int mtu;
	char name[IFNAMSIZ];
};

/* A nonblocking NETLINK_ROUTE socket subscribed to link events; fd or -errno. */
int wgx_linkwatch_open(void);

/*
 * Drains every pending message on fd. Returns 1 and fills ev with the latest
 * state if any of them concerned ifindex, 0 if none did, -errno on error.
 * When the socket overflowed and events were lost, the state is fetched
 * afresh (a link gone by then is reported deleted) and 1 returned.
 */
int wgx_linkwatch_read(int fd, int ifindex, struct wgx_link_event *ev);

/* The current state of ifindex by one RTM_GETLINK request; 0, -ENODEV if gone, -errno. */
int wgx_link_get(int ifindex, struct wgx_link_event *ev);

void wgx_linkwatch_close(int fd);

#endif /* WGX_NETLINK_H */
