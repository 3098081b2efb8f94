// SPDX-License-Identifier: GPL-2.0
/* wg-xdp showconf <interface>: the running configuration in `wg setconf` format. */
#include <errno.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/ipc_client.h"
#include "config.h"

int wgx_cmd_showconf(int argc, char *argv[])
{
	struct wgx_devcfg *dev = NULL;
	int ret;

	if (wgx_cli_wants_help(argc, argv, "<interface>"))
		return 0;
	if (argc != 2) {
		fprintf(stderr, "Usage: %s %s <interface>\n", wgx_prog, argv[0]);
		return 1;
	}
	ret = wgx_ipc_get(&dev, argv[1]);
	if (ret) {
		fprintf(stderr, "Unable to access interface: %s\n", strerror(-ret));
		return 1;
	}
	/* The text holds the private key; the writer wipes its buffer. */
	ret = wgx_config_write_file(stdout, dev, 0);
	wgx_devcfg_free(dev);
	if (!ret)
		ret = fflush(stdout) ? -EIO : 0;
	if (ret)
		fprintf(stderr, "Unable to write the configuration: %s\n", strerror(-ret));
	return ret ? 1 : 0;
}
