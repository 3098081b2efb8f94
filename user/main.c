// SPDX-License-Identifier: GPL-2.0
/* wg-xdp: dispatches subcommands from one table, as wg(8) does. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "keys.h"

const char *wgx_prog = "wg-xdp";

static const struct wgx_subcommand subcommands[] = {
	{ "show", wgx_cmd_show, "Shows the current configuration and device information" },
	{ "showconf", wgx_cmd_showconf,
	  "Shows the current configuration of a given WireGuard interface, "
	  "for use with `setconf'" },
	{ "set", wgx_cmd_set,
	  "Change the current configuration, add peers, remove peers, or change peers" },
	{ "setconf", wgx_cmd_setconf, "Applies a configuration file to a WireGuard interface" },
	{ "addconf", wgx_cmd_setconf, "Appends a configuration file to a WireGuard interface" },
	{ "syncconf", wgx_cmd_setconf,
	  "Synchronizes a configuration file to a WireGuard interface" },
	{ "genkey", wgx_cmd_genkey, "Generates a new private key and writes it to stdout" },
	{ "genpsk", wgx_cmd_genpsk, "Generates a new preshared key and writes it to stdout" },
	{ "pubkey", wgx_cmd_pubkey, "Reads a private key from stdin and writes a public key to stdout" },
	{ "daemon", wgx_cmd_daemon, "Runs the daemon for an interface (also: wg-xdp [-f] <interface>)" },
	{ "selftest", wgx_cmd_selftest, "Runs a handshake and data exchange between two in-process peers" },
};

#define N_SUBCOMMANDS (sizeof(subcommands) / sizeof(subcommands[0]))

bool wgx_cli_wants_help(int argc, char *argv[], const char *args)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("Usage: %s %s%s%s\n", wgx_prog, argv[0], *args ? " " : "", args);
			return true;
		}
	}
	return false;
}

static void show_usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: %s <cmd> [<args>]\n       %s [-f|--foreground] <interface>\n\n"
		   "Available subcommands:\n", wgx_prog, wgx_prog);
	for (i = 0; i < N_SUBCOMMANDS; i++)
		fprintf(f, "  %s: %s\n", subcommands[i].name, subcommands[i].help);
	fprintf(f, "You may pass `--help' to any of these subcommands to view usage.\n");
}

int main(int argc, char *argv[])
{
	size_t i;

	if (wgx_crypto_init()) {
		fprintf(stderr, "%s: cannot initialise libsodium\n", wgx_prog);
		return 1;
	}
	if (argc < 2) {
		/* As wg(8): no arguments means `show`. */
		static char show[] = "show";
		char *show_argv[] = { show, NULL };

		return wgx_cmd_show(1, show_argv);
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		show_usage(stdout);
		return 0;
	}
	for (i = 0; i < N_SUBCOMMANDS; i++) {
		if (!strcmp(argv[1], subcommands[i].name))
			return subcommands[i].fn(argc - 1, argv + 1);
	}
	/* Like wireguard-go: anything else names an interface to serve. */
	argv[0] = "daemon";
	return wgx_cmd_daemon(argc, argv);
}
