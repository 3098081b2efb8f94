// SPDX-License-Identifier: GPL-2.0
/* wg-xdp set <interface> …: wg(8)'s set, sent as one UAPI set=1 request. */
#include <string.h>

#include "cli/cli.h"
#include "cli/ipc_client.h"
#include "cli/set_args.h"

#define SET_ARGS                                                                               \
	"<interface> [listen-port <port>] [fwmark <mark>] [private-key <file path>] "          \
	"[peer <base64 public key> [remove] [preshared-key <file path>] "                      \
	"[endpoint <ip>:<port>] [persistent-keepalive <interval seconds>] "                    \
	"[allowed-ips [+|-]<ip1>/<cidr1>[,[+|-]<ip2>/<cidr2>]...] ]..."

int wgx_cmd_set(int argc, char *argv[])
{
	struct wgx_devcfg *dev = NULL;
	int ret;

	if (wgx_cli_wants_help(argc, argv, SET_ARGS))
		return 0;
	if (argc < 3) {
		fprintf(stderr, "Usage: %s %s " SET_ARGS "\n", wgx_prog, argv[0]);
		return 1;
	}
	if (wgx_cli_parse_set(&dev, argc - 2, argv + 2, stderr))
		return 1;
	ret = wgx_ipc_set(argv[1], dev);
	if (ret)
		fprintf(stderr, "Unable to modify interface: %s\n", strerror(-ret));
	wgx_devcfg_free(dev);
	return ret ? 1 : 0;
}
