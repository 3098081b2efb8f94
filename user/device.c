// SPDX-License-Identifier: GPL-2.0
/* The device: identity, peer table, configuration apply and snapshot. */
#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "device.h"
#include "log.h"
#include "packet.h"
#include "wgx/maps.h"

static const char *const counter_names[WGX_DEV_COUNTER_MAX] = {
	[WGX_DEV_RX_GARBAGE] = "rx_garbage",
	[WGX_DEV_RX_BAD_MAC] = "rx_bad_mac",
	[WGX_DEV_RX_HANDSHAKE_REJECTED] = "rx_handshake_rejected",
	[WGX_DEV_RX_RATELIMITED] = "rx_ratelimited",
	[WGX_DEV_RX_COOKIE_SENT] = "rx_cookie_sent",
	[WGX_DEV_RX_UNKNOWN_INDEX] = "rx_unknown_index",
	[WGX_DEV_RX_DECRYPT_FAILED] = "rx_decrypt_failed",
	[WGX_DEV_RX_REPLAYED] = "rx_replayed",
	[WGX_DEV_RX_BAD_INNER] = "rx_bad_inner",
	[WGX_DEV_RX_SOURCE_NOT_ALLOWED] = "rx_source_not_allowed",
	[WGX_DEV_TX_NO_PEER] = "tx_no_peer",
	[WGX_DEV_TX_NO_ENDPOINT] = "tx_no_endpoint",
	[WGX_DEV_TX_STAGED_DROPPED] = "tx_staged_dropped",
	[WGX_DEV_TX_SEND_FAILED] = "tx_send_failed",
	[WGX_DEV_TX_BAD_PACKET] = "tx_bad_packet",
};

const char *wgx_dev_counter_name(enum wgx_dev_counter c)
{
	return c < WGX_DEV_COUNTER_MAX ? counter_names[c] : "unknown";
}

struct wgx_device *wgx_device_new(void)
{
	struct wgx_device *dev = sodium_malloc(sizeof(*dev));

	if (!dev)
		return NULL;
	memset(dev, 0, sizeof(*dev));
	dev->tun.fd = -1;
	dev->udp.fd4 = dev->udp.fd6 = -1;
	dev->mtu = WGX_DEFAULT_MTU;
	dev->under_load_threshold = WGX_UNDER_LOAD_DEFAULT;
	wgx_allowedips_init(&dev->allowedips);
	if (wgx_index_init(&dev->index, 14) ||
	    wgx_ratelimiter_init(&dev->ratelimiter, WGX_RATELIMITER_DEFAULT_ENTRIES))
		goto err;
	return dev;
err:
	wgx_device_free(dev);
	return NULL;
}

void wgx_device_free(struct wgx_device *dev)
{
	uint32_t i;
	struct wgx_peer *peer;

	if (!dev)
		return;
	wgx_device_for_each_peer(dev, i, peer)
		wgx_peer_free(peer);
	free(dev->peers);
	wgx_allowedips_free(&dev->allowedips);
	wgx_index_free(&dev->index);
	wgx_ratelimiter_free(&dev->ratelimiter);
	sodium_free(dev);	/* wipes the private key and cookie secrets */
}

struct wgx_peer *wgx_device_find_peer(struct wgx_device *dev, const wgx_key public_key)
{
	uint32_t i;
	struct wgx_peer *peer;

	wgx_device_for_each_peer(dev, i, peer) {
		if (!memcmp(peer->public_key, public_key, WGX_KEY_LEN))
			return peer;
	}
	return NULL;
}

struct wgx_peer *wgx_device_peer_by_id(struct wgx_device *dev, uint32_t id)
{
	return id && id <= dev->peers_cap ? dev->peers[id - 1] : NULL;
}

static int grow_peer_table(struct wgx_device *dev)
{
	uint32_t cap = dev->peers_cap ? dev->peers_cap * 2 : 16;
	struct wgx_peer **peers;

	if (cap > WGX_MAX_PEERS)
		cap = WGX_MAX_PEERS;
	if (cap <= dev->peers_cap)
		return -ENOSPC;
	peers = realloc(dev->peers, cap * sizeof(*peers));
	if (!peers)
		return -ENOMEM;
	memset(peers + dev->peers_cap, 0, (cap - dev->peers_cap) * sizeof(*peers));
	dev->peers = peers;
	dev->peers_cap = cap;
	return 0;
}

int wgx_device_add_peer(struct wgx_device *dev, const wgx_key public_key, struct wgx_peer **out)
{
	uint32_t slot;
	int ret;

	for (slot = 0; slot < dev->peers_cap && dev->peers[slot]; slot++)
		;
	if (slot == dev->peers_cap) {
		ret = grow_peer_table(dev);
		if (ret)
			return ret;
	}
	dev->peers[slot] = wgx_peer_new(dev, public_key, slot + 1);
	if (!dev->peers[slot])
		return -ENOMEM;
	dev->peer_count++;
	if (dev->up)
		wgx_timers_start(&dev->peers[slot]->timers, wgx_now_ns());
	*out = dev->peers[slot];
	return 0;
}

void wgx_device_remove_peer(struct wgx_device *dev, struct wgx_peer *peer)
{
	wgx_allowedips_remove_by_peer(&dev->allowedips, peer->id);
	dev->peers[peer->id - 1] = NULL;
	dev->peer_count--;
	wgx_peer_free(peer);
}

void wgx_device_set_up(struct wgx_device *dev, bool up, uint64_t now_ns)
{
	uint32_t i;
	struct wgx_peer *peer;

	if (dev->up == up)
		return;
	dev->up = up;
	wgx_device_for_each_peer(dev, i, peer) {
		if (up) {
			wgx_timers_start(&peer->timers, now_ns);
			continue;
		}
		/* As the kernel's wg_stop: nothing survives an interface going down. */
		wgx_timers_stop(&peer->timers);
		wgx_peer_clear_sessions(peer);
		wgx_peer_staged_clear(peer);
	}
}
