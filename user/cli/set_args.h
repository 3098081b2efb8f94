/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `wg set` arguments into a configuration diff, with wg(8)'s syntax and its
 * one-line messages (written to err):
 *
 *	[listen-port <port>] [fwmark <mark>] [private-key <file path>]
 *	[peer <base64 public key> [remove] [preshared-key <file path>]
 *	 [endpoint <ip>:<port>] [persistent-keepalive <interval seconds>]
 *	 [allowed-ips [+|-]<ip1>/<cidr1>[,[+|-]<ip2>/<cidr2>]...] ]...
 */
#ifndef WGX_CLI_SET_ARGS_H
#define WGX_CLI_SET_ARGS_H

#include <stdio.h>

#include "devcfg.h"

/*
 * argv holds the arguments after the interface name. 0 with *out set, or
 * a negative errno (-EINVAL for bad syntax, else a key file's open or read
 * error) with one message on err and *out NULL.
 */
int wgx_cli_parse_set(struct wgx_devcfg **out, int argc, char *argv[], FILE *err);

/*
 * A key file as wg(8) reads it: 44 base64 characters, then only whitespace;
 * an empty file (/dev/null) is the zero key, which removes the key. 0 or
 * a negative errno with a message on err.
 */
int wgx_cli_read_key_file(wgx_key out, const char *path, FILE *err);

#endif /* WGX_CLI_SET_ARGS_H */
