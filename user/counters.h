/* SPDX-License-Identifier: GPL-2.0 */
/* The per-CPU counters map of the BPF programs: slot names and summed reads. */
#ifndef WGX_COUNTERS_H
#define WGX_COUNTERS_H

#include <stdint.h>

#include "wgx/maps.h"

/* Short snake_case name, as `wg-xdp show --stats` prints it; "unknown" if out of range. */
const char *wgx_counter_name(enum wgx_counter counter);

/* Sums every CPU's value of each slot of the wgx_counters map. 0 or a negative errno. */
int wgx_counters_read(int map_fd, uint64_t out[WGX_CNT_MAX]);

#endif
