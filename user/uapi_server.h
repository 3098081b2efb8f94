/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The UAPI socket, /var/run/wireguard/<ifname>.sock, mode 0600, as
 * wireguard-go serves it so that stock wg(8) and wg-quick(8) drive us.
 */
#ifndef WGX_UAPI_SERVER_H
#define WGX_UAPI_SERVER_H

#include <sys/un.h>

#include "device.h"

#define WGX_UAPI_DIR "/var/run/wireguard"

struct wgx_uapi_server {
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

/* True when a live daemon answers on ifname's socket. */
bool wgx_uapi_socket_alive(const char *ifname);
/* Replaces a stale socket; -EADDRINUSE if a live daemon owns it. 0 or -errno. */
int wgx_uapi_listen(struct wgx_uapi_server *srv, const char *ifname);
void wgx_uapi_close(struct wgx_uapi_server *srv);
/* Accepts one client and answers its requests until it hangs up. */
void wgx_uapi_serve_one(struct wgx_uapi_server *srv, struct wgx_device *dev);

#endif /* WGX_UAPI_SERVER_H */
