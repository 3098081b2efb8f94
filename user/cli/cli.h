/* SPDX-License-Identifier: GPL-2.0 */
/* Subcommands of the wg-xdp binary, dispatched from one table in main.c. */
#ifndef WGX_CLI_H
#define WGX_CLI_H

#include <stdbool.h>

struct wgx_subcommand {
	const char *name;
	int (*fn)(int argc, char *argv[]);
	const char *help;
};

extern const char *wgx_prog;

/* True, with "Usage: wg-xdp <cmd> <args>" printed, when argv asks for --help or -h. */
bool wgx_cli_wants_help(int argc, char *argv[], const char *usage);

/* wg(8)'s commands, as UAPI clients of a running daemon. */
int wgx_cmd_show(int argc, char *argv[]);
int wgx_cmd_showconf(int argc, char *argv[]);
int wgx_cmd_set(int argc, char *argv[]);
/* setconf, addconf and syncconf: argv[0] says which. */
int wgx_cmd_setconf(int argc, char *argv[]);

int wgx_cmd_genkey(int argc, char *argv[]);
int wgx_cmd_genpsk(int argc, char *argv[]);
int wgx_cmd_pubkey(int argc, char *argv[]);
int wgx_cmd_selftest(int argc, char *argv[]);
int wgx_cmd_daemon(int argc, char *argv[]);

#endif /* WGX_CLI_H */
