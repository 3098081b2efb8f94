// SPDX-License-Identifier: GPL-2.0
/* Names and reads of the wgx_counters per-CPU array (bpf/counters.bpf.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "counters.h"

static const char *const counter_names[WGX_CNT_MAX] = {
	[WGX_CNT_RX_DATA] = "rx_data",
	[WGX_CNT_RX_HANDSHAKE] = "rx_handshake",
	[WGX_CNT_RX_NOT_WG] = "rx_not_wg",
	[WGX_CNT_DROP_TRUNCATED] = "drop_truncated",
	[WGX_CNT_DROP_BAD_TYPE] = "drop_bad_type",
	[WGX_CNT_DROP_BAD_LENGTH] = "drop_bad_length",
	[WGX_CNT_DROP_UNKNOWN_INDEX] = "drop_unknown_index",
	[WGX_CNT_TX_NO_PEER] = "tx_no_peer",
	[WGX_CNT_TX_PEER] = "tx_peer",
	[WGX_CNT_TX_NOT_IP] = "tx_not_ip",
};

const char *wgx_counter_name(enum wgx_counter counter)
{
	if ((unsigned int)counter >= WGX_CNT_MAX || !counter_names[counter])
		return "unknown";
	return counter_names[counter];
}

int wgx_counters_read(int map_fd, uint64_t out[WGX_CNT_MAX])
{
	int ncpus = libbpf_num_possible_cpus();
	uint64_t *percpu;
	uint32_t key;
	int cpu, err = 0;

	if (ncpus < 0)
		return ncpus;
	percpu = calloc(ncpus, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;

	memset(out, 0, WGX_CNT_MAX * sizeof(*out));
	for (key = 0; key < WGX_CNT_MAX; key++) {
		if (bpf_map_lookup_elem(map_fd, &key, percpu)) {
			err = -errno;
			goto out;
		}
		for (cpu = 0; cpu < ncpus; cpu++)
			out[key] += percpu[cpu];
	}
out:
	free(percpu);
	return err;
}
