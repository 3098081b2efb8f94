/* SPDX-License-Identifier: GPL-2.0 */
/* The portable-mode daemon: one interface, its TUN, UDP socket and UAPI socket. */
#ifndef WGX_DAEMON_H
#define WGX_DAEMON_H

#include <stdbool.h>

/*
 * Creates the interface and serves it. Without foreground, returns in the
 * parent once the interface exists and its socket answers (exit status 0),
 * the daemon carrying on in a child. Returns the exit status.
 */
int wgx_daemon_run(const char *ifname, bool foreground);

#endif /* WGX_DAEMON_H */
