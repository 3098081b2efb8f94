/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The client side of the cross-platform UAPI, as wg(8) speaks it to a
 * userspace implementation: one connection to /var/run/wireguard/<ifname>.sock
 * per request. Errors are negative errnos chosen as wg(8) chooses them, so
 * that "Unable to access interface: %s" reads the same:
 *	-EINVAL	  an interface name with a '/'
 *	-ENOENT	  no socket (stat)
 *	-EBADF	  the path is not a socket
 *	-ECONNREFUSED and friends from connect()
 *	-EPROTO	  a reply that does not parse; otherwise the errno the daemon sent
 */
#ifndef WGX_CLI_IPC_CLIENT_H
#define WGX_CLI_IPC_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "devcfg.h"

/* Interface names that have a socket that answers, in directory order, as `wg show interfaces`. */
struct wgx_ipc_names {
	char **names;
	size_t count;
};

/* 0 (an absent directory gives no names) or -errno from opendir/-ENOMEM. */
int wgx_ipc_list(struct wgx_ipc_names *out);
void wgx_ipc_names_free(struct wgx_ipc_names *names);

/* get=1 into a snapshot (wgx_uapi_parse_get's). */
int wgx_ipc_get(struct wgx_devcfg **out, const char *ifname);

/* set=1 with dev as the diff; 0 or the errno the daemon answered. */
int wgx_ipc_set(const char *ifname, const struct wgx_devcfg *dev);

/* One counter of the stats=1 extension. */
struct wgx_ipc_stat {
	char name[48];
	uint64_t value;
};

struct wgx_ipc_stats {
	struct wgx_ipc_stat *items;	/* in the daemon's order */
	size_t count;
};

/*
 * stats=1 (wg-xdp's extension: "name=value" lines then errno=0). A daemon
 * that does not know it (wireguard-go) answers with an errno, returned here.
 */
int wgx_ipc_stats(struct wgx_ipc_stats *out, const char *ifname);
/* Parses a whole stats reply; exposed for the unit tests. */
int wgx_ipc_parse_stats(struct wgx_ipc_stats *out, const char *resp, size_t len);
void wgx_ipc_stats_free(struct wgx_ipc_stats *stats);

#endif /* WGX_CLI_IPC_CLIENT_H */
