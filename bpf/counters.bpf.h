/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The per-CPU counters map shared by both programs. Both declare it pinned by
 * name, so when loaded under the same pin root they count into one map, which
 * `wg-xdp show --stats` reads through user/counters.c.
 */
#ifndef WGX_BPF_COUNTERS_H
#define WGX_BPF_COUNTERS_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "wgx/maps.h"

/* One __u64 per CPU per enum wgx_counter slot. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, WGX_CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} wgx_counters SEC(".maps");

/* Per-CPU slot, and programs do not migrate mid-run: a plain add suffices. */
static __always_inline void wgx_count(enum wgx_counter counter)
{
	__u32 key = counter;
	__u64 *value = bpf_map_lookup_elem(&wgx_counters, &key);

	if (value)
		*value += 1;
}

#endif /* WGX_BPF_COUNTERS_H */
