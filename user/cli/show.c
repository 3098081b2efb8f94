// SPDX-License-Identifier: GPL-2.0
/*
 * wg-xdp show [<interface> | all | interfaces] [<field> | dump] [--stats] [--json]
 *
 * wg(8)'s show over the UAPI socket, with its exit statuses and messages,
 * plus wg-xdp's counters (--stats) and JSON (--json).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/format.h"
#include "cli/ipc_client.h"
#include "cli/show.h"

#define SHOW_ARGS                                                                              \
	"{ <interface> | all | interfaces } [public-key | private-key | listen-port | fwmark | " \
	"peers | preshared-keys | endpoints | allowed-ips | latest-handshakes | transfer | "     \
	"persistent-keepalive | dump] [--stats] [--json]"

struct show_opts {
	const char *cmd;	/* argv[0], for the usage line */
	const char *target;	/* an interface, "all" or "interfaces" */
	const char *field;	/* NULL: the pretty form */
	bool stats;
	bool json;
};

static void usage(const struct show_opts *o)
{
	fprintf(stderr, "Usage: %s %s " SHOW_ARGS "\n", wgx_prog, o->cmd);
}

/* Options may come anywhere; at most two words remain, as for wg(8). */
static int parse_opts(struct show_opts *o, int argc, char *argv[])
{
	int i, words = 0;

	memset(o, 0, sizeof(*o));
	o->cmd = argv[0];
	o->target = "all";
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--stats"))
			o->stats = true;
		else if (!strcmp(argv[i], "--json"))
			o->json = true;
		else if (++words == 1)
			o->target = argv[i];
		else if (words == 2)
			o->field = argv[i];
	}
	if (words > 2 || (!strcmp(o->target, "interfaces") && o->field)) {
		usage(o);
		return -EINVAL;
	}
	if (o->field && (o->json || o->stats)) {
		fprintf(stderr, "--json and --stats go with the full form, not a field: `%s'\n",
			o->field);
		return -EINVAL;
	}
	return 0;
}

static void fetch_stats(struct wgx_show_stats *st, const char *ifname, const struct show_opts *o)
{
	memset(st, 0, sizeof(*st));
	st->wanted = o->stats || o->json;
	if (st->wanted)
		st->err = wgx_ipc_stats(&st->stats, ifname);
}

/* Prints dev as the options ask; -EINVAL (and the usage) for a field wg(8) does not know. */
static int print_device(const char *ifname, const struct wgx_devcfg *dev,
			const struct show_opts *o, bool with_ifname)
{
	struct wgx_show_stats st;

	if (o->field && !wgx_show_is_field(o->field)) {
		fprintf(stderr, "Invalid parameter: `%s'\n", o->field);
		usage(o);
		return -EINVAL;
	}
	if (o->field) {
		wgx_show_field(stdout, ifname, dev, o->field, with_ifname);
		return 0;
	}
	fetch_stats(&st, ifname, o);
	if (o->json)
		wgx_show_json(stdout, ifname, dev, &st);
	else
		wgx_show_pretty(stdout, ifname, dev, (int64_t)time(NULL), &st);
	wgx_ipc_stats_free(&st.stats);
	return 0;
}

static int show_interface(const struct show_opts *o)
{
	struct wgx_devcfg *dev = NULL;
	int ret = wgx_ipc_get(&dev, o->target);

	if (ret) {
		fprintf(stderr, "Unable to access interface: %s\n", strerror(-ret));
		return 1;
	}
	ret = print_device(o->target, dev, o, false);
	if (!ret && o->json)
		putchar('\n');
	wgx_devcfg_free(dev);
	return ret ? 1 : 0;
}

/*
 * As wg(8): an interface that cannot be read is reported and skipped; the
 * status is 1 only if there were interfaces and none could be shown.
 */
static int show_all(const struct show_opts *o, const struct wgx_ipc_names *names)
{
	struct wgx_devcfg *dev;
	bool printed = false;
	int ret = names->count ? 1 : 0, err;
	size_t i;

	if (o->json)
		putchar('[');
	for (i = 0; i < names->count; i++) {
		err = wgx_ipc_get(&dev, names->names[i]);
		if (err) {
			fprintf(stderr, "Unable to access interface %s: %s\n", names->names[i],
				strerror(-err));
			continue;
		}
		if (o->json)
			fputs(printed ? ",\n" : "\n", stdout);
		err = print_device(names->names[i], dev, o, true);
		wgx_devcfg_free(dev);
		if (err)
			return 1;
		/* wg(8) leaves a blank line whenever another name follows, shown or not. */
		if (!o->json && !o->field && i + 1 < names->count)
			putchar('\n');
		printed = true;
		ret = 0;
	}
	if (o->json)
		fputs(printed ? "\n]\n" : "]\n", stdout);
	return ret;
}

static void print_names(const struct show_opts *o, const struct wgx_ipc_names *names)
{
	size_t i;

	if (o->json)
		putchar('[');
	for (i = 0; i < names->count; i++) {
		if (o->json) {
			fputs(i ? ", " : "", stdout);
			wgx_fmt_json_string(stdout, names->names[i]);
		} else {
			printf("%s%c", names->names[i], i + 1 < names->count ? ' ' : '\n');
		}
	}
	if (o->json)
		puts("]");
}

static int show_listed(const struct show_opts *o)
{
	struct wgx_ipc_names names;
	int ret = wgx_ipc_list(&names);

	if (ret) {
		fprintf(stderr, "Unable to list interfaces: %s\n", strerror(-ret));
		return 1;
	}
	if (!strcmp(o->target, "interfaces"))
		print_names(o, &names);
	else
		ret = show_all(o, &names);
	wgx_ipc_names_free(&names);
	return ret;
}

int wgx_cmd_show(int argc, char *argv[])
{
	struct show_opts o;

	if (wgx_cli_wants_help(argc, argv, SHOW_ARGS))
		return 0;
	if (parse_opts(&o, argc, argv))
		return 1;
	if (!strcmp(o.target, "help")) {
		usage(&o);
		return 0;
	}
	if (!strcmp(o.target, "all") || !strcmp(o.target, "interfaces"))
		return show_listed(&o);
	return show_interface(&o);
}
