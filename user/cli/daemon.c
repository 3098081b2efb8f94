// SPDX-License-Identifier: GPL-2.0
/* wg-xdp [daemon] [-f|--foreground] <ifname>: start the daemon for an interface. */
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "daemon.h"

int wgx_cmd_daemon(int argc, char *argv[])
{
	const char *ifname = NULL;
	bool foreground = false;
	int i;

	if (wgx_cli_wants_help(argc, argv, "[-f|--foreground] <interface>"))
		return 0;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--foreground"))
			foreground = true;
		else if (!ifname)
			ifname = argv[i];
		else
			ifname = NULL, i = argc;
	}
	if (!ifname) {
		fprintf(stderr, "Usage: %s %s [-f|--foreground] <interface>\n", wgx_prog, argv[0]);
		return 1;
	}
	/*
	 * The kernel's dev_valid_name() rules, and no '%': the kernel would expand it
	 * into a number and the socket would name another link.
	 */
	if (!*ifname || strlen(ifname) >= IFNAMSIZ || strpbrk(ifname, "/:% \t\n\v\f\r") ||
	    !strcmp(ifname, ".") || !strcmp(ifname, "..")) {
		fprintf(stderr, "%s: invalid interface name '%s'\n", wgx_prog, ifname);
		return 1;
	}
	return wgx_daemon_run(ifname, foreground);
}
