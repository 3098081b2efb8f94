/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The outputs of `wg-xdp show` for one interface snapshot: wg(8)'s pretty
 * form and its tab-separated single fields and dump (byte-for-byte), plus
 * wg-xdp's counters line and JSON. Printing only: the show command fetches.
 */
#ifndef WGX_CLI_SHOW_H
#define WGX_CLI_SHOW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/ipc_client.h"
#include "devcfg.h"

/*
 * The daemon's counters as the show command got them: absent (not asked
 * for), present, or err < 0 when the daemon would not give them.
 */
struct wgx_show_stats {
	bool wanted;
	int err;
	struct wgx_ipc_stats stats;
};

/*
 * wg(8)'s pretty form. now is the wall clock in seconds, for "… ago".
 * Peers come sorted as wg(8) sorts them; stats (may be NULL) add a line.
 */
void wgx_show_pretty(FILE *f, const char *ifname, const struct wgx_devcfg *dev, int64_t now,
		     const struct wgx_show_stats *stats);

/* True for the names `wg show <if> <field>` accepts ("public-key" … "dump"). */
bool wgx_show_is_field(const char *field);

/* One field, or the dump; with_ifname prefixes each line as `wg show all <field>` does. */
void wgx_show_field(FILE *f, const char *ifname, const struct wgx_devcfg *dev, const char *field,
		    bool with_ifname);

/*
 * One JSON object with every field of the snapshot and the counters (null if
 * not had), ending at its closing brace: the caller adds the newline or comma.
 */
void wgx_show_json(FILE *f, const char *ifname, const struct wgx_devcfg *dev,
		   const struct wgx_show_stats *stats);

/* wg(8) prints "(hidden)" for secrets unless WG_HIDE_KEYS=never. */
bool wgx_show_hide_keys(void);

/*
 * The peers in the order `wg show` prints them: most recent handshake first,
 * peers without one last, otherwise as the daemon listed them. NULL on ENOMEM
 * or when there are no peers (*count 0); free() the array.
 */
const struct wgx_peercfg **wgx_show_sort_peers(const struct wgx_devcfg *dev, size_t *count);

#endif /* WGX_CLI_SHOW_H */
