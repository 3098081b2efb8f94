/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `wg syncconf`: turn a parsed config file (a setconf diff, which replaces
 * every peer) into a diff that reaches the same state without touching what
 * already matches, so that sessions of unchanged peers survive.
 */
#ifndef WGX_CLI_SYNC_H
#define WGX_CLI_SYNC_H

#include "devcfg.h"

/*
 * Rewrites file in place, given the running configuration:
 *  - peers running but absent from the file get a `remove` entry, placed first;
 *    REPLACE_PEERS is then dropped;
 *  - a preshared key or persistent keepalive the file omits is reset to zero
 *    explicitly, since without REPLACE_PEERS the old value would stay.
 * The private key, port and fwmark are sent as the file says: a daemon keeps
 * its sessions when the private key it is given is the one it has.
 * A file without peers, or a device without any, is left as it is (replace).
 * 0, or -ENOMEM with file half rewritten: do not send it then.
 */
int wgx_cli_sync_diff(struct wgx_devcfg *file, const struct wgx_devcfg *runtime);

#endif /* WGX_CLI_SYNC_H */
