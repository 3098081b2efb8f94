/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Allowed IPs: the cryptokey routing table (whitepaper §2). Outgoing packets
 * pick their peer by longest-prefix match on the destination; decrypted
 * packets are only accepted when their source matches a prefix of the peer
 * they came from.
 *
 * Values are peer ids, not pointers: the daemon keeps peers in a table
 * indexed by id, and the BPF LPM-trie maps (struct wgx_lpm_v4/v6 in
 * wgx/maps.h) mirror this table entry for entry.
 *
 * Locking: none inside. Every call, lookups included, must be serialized by
 * the caller (the device lock); walk callbacks must not modify the table.
 */
#ifndef WGX_ALLOWEDIPS_H
#define WGX_ALLOWEDIPS_H

#include <stddef.h>
#include <stdint.h>

struct wgx_aip_node;

/* Treat the fields as private; they are visible so the table can be embedded. */
struct wgx_allowedips {
	struct wgx_aip_node *root4;
	struct wgx_aip_node *root6;
	size_t count;
};

/* addr is the network-order prefix (4 or 16 bytes), host bits already zero. */
typedef int (*wgx_allowedips_walk_fn)(int family, const void *addr, uint8_t cidr,
				      uint32_t peer_id, void *ctx);
typedef int (*wgx_allowedips_peer_walk_fn)(int family, const void *addr, uint8_t cidr,
					   void *ctx);

void wgx_allowedips_init(struct wgx_allowedips *t);
/* Frees every node; the table is left empty and may be used again. */
void wgx_allowedips_free(struct wgx_allowedips *t);

/*
 * family is AF_INET or AF_INET6, addr 4 or 16 bytes in network order. Host
 * bits beyond cidr are ignored, as wg(8) stores 10.0.0.1/24 as 10.0.0.0/24.
 * An existing prefix moves to peer_id, as in the kernel. 0, -EINVAL, -ENOMEM.
 */
int wgx_allowedips_insert(struct wgx_allowedips *t, int family, const void *addr, uint8_t cidr,
			  uint32_t peer_id);
/*
 * Removes exactly addr/cidr, and only if peer_id owns it: the UAPI
 * "allowed_ip=-a/c" semantics. 0, -EINVAL, or -ENOENT when absent or owned
 * by another peer.
 */
int wgx_allowedips_remove(struct wgx_allowedips *t, int family, const void *addr, uint8_t cidr,
			  uint32_t peer_id);
void wgx_allowedips_remove_by_peer(struct wgx_allowedips *t, uint32_t peer_id);

/* Longest-prefix match of a full address: 0 and *peer_id, -ENOENT, -EINVAL. */
int wgx_allowedips_lookup(const struct wgx_allowedips *t, int family, const void *addr,
			  uint32_t *peer_id);

/*
 * Visit prefixes IPv4 first, then IPv6, each in address order with a prefix
 * before the more specific ones inside it. A non-zero callback return stops
 * the walk and is returned.
 */
int wgx_allowedips_walk(const struct wgx_allowedips *t, wgx_allowedips_walk_fn fn, void *ctx);
int wgx_allowedips_walk_by_peer(const struct wgx_allowedips *t, uint32_t peer_id,
				wgx_allowedips_peer_walk_fn fn, void *ctx);

size_t wgx_allowedips_count(const struct wgx_allowedips *t);

/* Verifies the trie invariants, for tests and fuzzing: 0 or -EUCLEAN. */
int wgx_allowedips_check(const struct wgx_allowedips *t);

#endif /* WGX_ALLOWEDIPS_H */
