// SPDX-License-Identifier: GPL-2.0
/* The syncconf diff: see sync.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/sync.h"

static int key_cmp(const void *a, const void *b)
{
	const struct wgx_peercfg *const *pa = a, *const *pb = b;

	return memcmp((*pa)->public_key, (*pb)->public_key, WGX_KEY_LEN);
}

/* The file's peers sorted by public key, for lookups by bsearch. */
static struct wgx_peercfg **sorted_peers(const struct wgx_devcfg *dev, size_t *n)
{
	struct wgx_peercfg **arr, *p;
	size_t i = 0;

	*n = wgx_devcfg_peer_count(dev);
	arr = calloc(*n, sizeof(*arr));
	if (!arr)
		return NULL;
	wgx_devcfg_for_each_peer(dev, p)
		arr[i++] = p;
	qsort(arr, *n, sizeof(*arr), key_cmp);
	return arr;
}

/* Values the daemon holds and the file leaves unsaid would otherwise survive the sync. */
static void reset_omitted(struct wgx_peercfg *want, const struct wgx_peercfg *have)
{
	if ((have->flags & WGX_PEER_HAS_PRESHARED_KEY) &&
	    !(want->flags & WGX_PEER_HAS_PRESHARED_KEY)) {
		memset(want->preshared_key, 0, WGX_KEY_LEN);
		want->flags |= WGX_PEER_HAS_PRESHARED_KEY;
	}
	if (have->persistent_keepalive_interval &&
	    !(want->flags & WGX_PEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL)) {
		want->persistent_keepalive_interval = 0;
		want->flags |= WGX_PEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL;
	}
}

/* Removals go first, as wg(8) sends them. */
static void prepend_removals(struct wgx_devcfg *file, struct wgx_devcfg *removals)
{
	if (!removals->first_peer)
		return;
	removals->last_peer->next = file->first_peer;
	file->first_peer = removals->first_peer;
	removals->first_peer = removals->last_peer = NULL;
}

static int match_peers(struct wgx_devcfg *file, const struct wgx_devcfg *runtime,
		       struct wgx_devcfg *removals)
{
	struct wgx_peercfg **sorted, **found, *gone;
	const struct wgx_peercfg *have;
	size_t n;
	int ret = 0;

	sorted = sorted_peers(file, &n);
	if (!sorted)
		return -ENOMEM;
	wgx_devcfg_for_each_peer(runtime, have) {
		found = bsearch(&have, sorted, n, sizeof(*sorted), key_cmp);
		if (found) {
			reset_omitted(*found, have);
			continue;
		}
		gone = wgx_devcfg_add_peer(removals);
		if (!gone) {
			ret = -ENOMEM;
			break;
		}
		gone->flags = WGX_PEER_HAS_PUBLIC_KEY | WGX_PEER_REMOVE_ME;
		memcpy(gone->public_key, have->public_key, WGX_KEY_LEN);
	}
	free(sorted);
	return ret;
}

int wgx_cli_sync_diff(struct wgx_devcfg *file, const struct wgx_devcfg *runtime)
{
	struct wgx_devcfg *removals;
	int ret;

	if (!file->first_peer || !runtime->first_peer)
		return 0;
	removals = wgx_devcfg_alloc();
	if (!removals)
		return -ENOMEM;
	ret = match_peers(file, runtime, removals);
	if (!ret) {
		prepend_removals(file, removals);
		file->flags &= ~WGX_DEV_REPLACE_PEERS;
	}
	wgx_devcfg_free(removals);
	return ret;
}
