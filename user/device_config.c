// SPDX-License-Identifier: GPL-2.0
/* Applying configuration diffs to the device, and taking get=1 snapshots. */
#include <errno.h>
#include <sodium.h>
#include <string.h>

#include "device.h"
#include "log.h"

/* The same key again (wg syncconf and setconf send it) changes nothing, as in the kernel. */
static bool same_private_key(const struct wgx_device *dev, const wgx_key key)
{
	wgx_key clamped;
	bool same;

	if (!dev->id.has_identity)
		return wgx_key_is_zero(key);
	memcpy(clamped, key, WGX_KEY_LEN);
	wgx_key_clamp(clamped);
	same = !sodium_memcmp(clamped, dev->id.private_key, WGX_KEY_LEN);
	sodium_memzero(clamped, sizeof(clamped));
	return same;
}

static void set_private_key(struct wgx_device *dev, const wgx_key key)
{
	struct wgx_peer *peer;
	uint32_t i;

	if (same_private_key(dev, key))
		return;
	if (wgx_key_is_zero(key)) {
		sodium_memzero(&dev->id, sizeof(dev->id));
	} else {
		wgx_static_identity_set(&dev->id, key);
		/* A peer with our own public key cannot exist (the kernel drops it too). */
		peer = dev->id.has_identity ? wgx_device_find_peer(dev, dev->id.public_key) : NULL;
		if (peer)
			wgx_device_remove_peer(dev, peer);
	}
	wgx_cookie_checker_init(&dev->cookie_checker, dev->id.public_key);
	wgx_device_for_each_peer(dev, i, peer) {
		wgx_handshake_refresh_static(&peer->hs);
		wgx_peer_clear_sessions(peer);
	}
}

static int set_listen_port(struct wgx_device *dev, uint16_t port)
{
	struct wgx_udp fresh;
	int ret;

	if (port && port == dev->listen_port && dev->udp.fd4 + dev->udp.fd6 > -2)
		return 0;
	ret = wgx_udp_open(&fresh, port, dev->fwmark);
	if (ret)
		return ret;
	wgx_udp_close(&dev->udp);
	dev->udp = fresh;
	dev->listen_port = fresh.port;
	return 0;
}

static int apply_allowedips(struct wgx_device *dev, struct wgx_peer *peer,
			    const struct wgx_peercfg *pc)
{
	const struct wgx_allowedip *a;
	int ret;

	if (pc->flags & WGX_PEER_REPLACE_ALLOWEDIPS)
		wgx_allowedips_remove_by_peer(&dev->allowedips, peer->id);
	wgx_devcfg_for_each_allowedip(pc, a) {
		if (a->flags & WGX_ALLOWEDIP_REMOVE_ME) {
			/* Removing what the peer does not have is not an error. */
			wgx_allowedips_remove(&dev->allowedips, a->family, &a->ip6, a->cidr,
					      peer->id);
			continue;
		}
		ret = wgx_allowedips_insert(&dev->allowedips, a->family, &a->ip6, a->cidr,
					    peer->id);
		if (ret)
			return ret;
	}
	return 0;
}

static void apply_endpoint(struct wgx_peer *peer, const struct sockaddr_storage *ss)
{
	struct wgx_endpoint ep;
	socklen_t len = ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
						  : sizeof(struct sockaddr_in);

	if (!wgx_endpoint_from_sockaddr(&ep, (const struct sockaddr *)ss, len))
		wgx_peer_set_endpoint(peer, &ep);
}

static int apply_peer(struct wgx_device *dev, const struct wgx_peercfg *pc, uint64_t now_ns)
{
	struct wgx_peer *peer = wgx_device_find_peer(dev, pc->public_key);
	int ret;

	if (pc->flags & WGX_PEER_REMOVE_ME) {
		if (peer)
			wgx_device_remove_peer(dev, peer);
		return 0;
	}
	if (!peer) {
		if ((pc->flags & WGX_PEER_UPDATE_ONLY) ||
		    (dev->id.has_identity && wgx_key_equal(pc->public_key, dev->id.public_key)))
			return 0;
		ret = wgx_device_add_peer(dev, pc->public_key, &peer);
		if (ret)
			return ret;
	}
	if (pc->flags & WGX_PEER_HAS_PRESHARED_KEY)
		memcpy(peer->hs.preshared_key, pc->preshared_key, WGX_KEY_LEN);
	if (pc->flags & WGX_PEER_HAS_ENDPOINT)
		apply_endpoint(peer, &pc->endpoint);
	if (pc->flags & WGX_PEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL &&
	    pc->persistent_keepalive_interval != peer->timers.persistent_keepalive_interval) {
		/* A change while up sends a keepalive at once, as the kernel does. */
		wgx_timers_set_persistent_keepalive(&peer->timers,
						    pc->persistent_keepalive_interval, now_ns);
		if (!dev->up)
			wgx_timers_stop(&peer->timers);
	}
	return apply_allowedips(dev, peer, pc);
}

int wgx_device_apply(struct wgx_device *dev, const struct wgx_devcfg *cfg, uint64_t now_ns)
{
	const struct wgx_peercfg *pc;
	struct wgx_peer *peer;
	uint32_t i;
	int ret = 0;

	if (cfg->flags & WGX_DEV_HAS_FWMARK) {
		dev->fwmark = cfg->fwmark;
		ret = wgx_udp_set_fwmark(&dev->udp, cfg->fwmark);
		if (ret)
			return ret;
	}
	if (cfg->flags & WGX_DEV_HAS_LISTEN_PORT) {
		ret = set_listen_port(dev, cfg->listen_port);
		if (ret)
			return ret;
	}
	if (cfg->flags & WGX_DEV_HAS_PRIVATE_KEY)
		set_private_key(dev, cfg->private_key);
	if (cfg->flags & WGX_DEV_REPLACE_PEERS) {
		wgx_device_for_each_peer(dev, i, peer)
			wgx_device_remove_peer(dev, peer);
	}
	wgx_devcfg_for_each_peer(cfg, pc) {
		ret = apply_peer(dev, pc, now_ns);
		if (ret)
			break;
	}
	return ret;
}

static int snapshot_allowedip(int family, const void *addr, uint8_t cidr, void *ctx)
{
	struct wgx_allowedip a = { .family = (uint16_t)family, .cidr = cidr };

	memcpy(&a.ip6, addr, family == AF_INET6 ? 16 : 4);
	return wgx_devcfg_add_allowedip(ctx, &a);
}

static int snapshot_peer(const struct wgx_device *dev, struct wgx_devcfg *cfg,
			 const struct wgx_peer *peer)
{
	struct wgx_peercfg *pc = wgx_devcfg_add_peer(cfg);

	if (!pc)
		return -ENOMEM;
	pc->flags = WGX_PEER_HAS_PUBLIC_KEY | WGX_PEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL;
	memcpy(pc->public_key, peer->public_key, WGX_KEY_LEN);
	if (!wgx_key_is_zero(peer->hs.preshared_key)) {
		pc->flags |= WGX_PEER_HAS_PRESHARED_KEY;
		memcpy(pc->preshared_key, peer->hs.preshared_key, WGX_KEY_LEN);
	}
	if (peer->has_endpoint) {
		pc->flags |= WGX_PEER_HAS_ENDPOINT;
		memcpy(&pc->endpoint, &peer->endpoint.addr,
		       peer->endpoint.addr.sa.sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
								    : sizeof(struct sockaddr_in));
	}
	pc->persistent_keepalive_interval = peer->timers.persistent_keepalive_interval;
	pc->last_handshake_time_sec = peer->last_handshake.tv_sec;
	pc->last_handshake_time_nsec = peer->last_handshake.tv_nsec;
	pc->rx_bytes = peer->rx_bytes;
	pc->tx_bytes = peer->tx_bytes;
	return wgx_allowedips_walk_by_peer(&dev->allowedips, peer->id, snapshot_allowedip, pc);
}

struct wgx_devcfg *wgx_device_snapshot(const struct wgx_device *dev)
{
	struct wgx_devcfg *cfg = wgx_devcfg_alloc();
	struct wgx_peer *peer;
	uint32_t i;

	if (!cfg)
		return NULL;
	cfg->flags = WGX_DEV_HAS_LISTEN_PORT | WGX_DEV_HAS_FWMARK;
	cfg->listen_port = dev->listen_port;
	cfg->fwmark = dev->fwmark;
	if (dev->id.has_identity) {
		cfg->flags |= WGX_DEV_HAS_PRIVATE_KEY | WGX_DEV_HAS_PUBLIC_KEY;
		memcpy(cfg->private_key, dev->id.private_key, WGX_KEY_LEN);
		memcpy(cfg->public_key, dev->id.public_key, WGX_KEY_LEN);
	}
	wgx_device_for_each_peer(dev, i, peer) {
		if (snapshot_peer(dev, cfg, peer)) {
			wgx_devcfg_free(cfg);
			return NULL;
		}
	}
	return cfg;
}
