/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s handshake (whitepaper §5.4.2–5.4.5).
 *
 * The handshake is a state enum changed only by create/consume pairs:
 *
 *   initiator: ZEROED -create_initiation-> CREATED_INITIATION
 *              -consume_response-> CONSUMED_RESPONSE -begin_session-> ZEROED
 *   responder: ZEROED -consume_initiation-> CONSUMED_INITIATION
 *              -create_response-> CREATED_RESPONSE -begin_session-> ZEROED
 *
 * Everything here is pure: no clock reads, no I/O, no locking. The caller
 * passes monotonic time, supplies the TAI64N timestamp, serialises access
 * to a handshake, and adds MAC1/MAC2 (cookie.h) after create_*.
 */
#ifndef WGX_NOISE_H
#define WGX_NOISE_H

#include <stdbool.h>
#include <stdint.h>

#include "keys.h"
#include "replay.h"
#include "wgx/messages.h"

enum wgx_handshake_state {
	WGX_HANDSHAKE_ZEROED,
	WGX_HANDSHAKE_CREATED_INITIATION,
	WGX_HANDSHAKE_CONSUMED_INITIATION,
	WGX_HANDSHAKE_CREATED_RESPONSE,
	WGX_HANDSHAKE_CONSUMED_RESPONSE,
};

/* The local interface's long-term identity. */
struct wgx_static_identity {
	wgx_key private_key;
	wgx_key public_key;
	bool has_identity;
};

struct wgx_handshake {
	enum wgx_handshake_state state;
	const struct wgx_static_identity *static_identity;
	wgx_key remote_static;
	wgx_key remote_ephemeral;
	wgx_key precomputed_static_static;	/* DH(S_priv_local, S_pub_remote) */
	wgx_key preshared_key;
	wgx_key ephemeral_private;
	uint8_t hash[WGX_HASH_LEN];
	uint8_t chaining_key[WGX_HASH_LEN];
	uint8_t latest_timestamp[WGX_TIMESTAMP_LEN];
	uint64_t last_initiation_consumption_ns;	/* 0 = never */
	uint32_t local_index;
	uint32_t remote_index;
};

/* Transport keys of one session (whitepaper §5.4.5). */
struct wgx_keypair {
	wgx_key send_key;
	wgx_key recv_key;
	uint64_t send_counter;
	struct wgx_replay replay;
	uint64_t birthdate_ns;
	uint32_t local_index;
	uint32_t remote_index;
	bool is_initiator;
	bool valid;
};

/* Looks up the handshake of the peer with this static public key, or NULL. */
typedef struct wgx_handshake *(*wgx_handshake_lookup_fn)(void *ctx, const wgx_key remote_static);

/* Prepares a peer's handshake; 0, or -EINVAL if DH(local, remote) is low order. */
int wgx_handshake_init(struct wgx_handshake *hs, const struct wgx_static_identity *id,
		       const wgx_key remote_static, const wgx_key preshared_key);
/* Recomputes the static-static DH after the local private key changed. */
int wgx_handshake_refresh_static(struct wgx_handshake *hs);
void wgx_handshake_clear(struct wgx_handshake *hs);
/* Back to ZEROED: forgets the in-flight handshake, keeps the peer's long-term state. */
void wgx_handshake_zero(struct wgx_handshake *hs);

void wgx_static_identity_set(struct wgx_static_identity *id, const wgx_key private_key);

int wgx_noise_create_initiation(struct wgx_msg_initiation *msg, struct wgx_handshake *hs,
				uint32_t local_index, const uint8_t timestamp[WGX_TIMESTAMP_LEN]);
/*
 * Returns the peer's handshake, now CONSUMED_INITIATION, or NULL when the
 * message does not authenticate, names an unknown peer, replays a timestamp
 * or floods (more than WGX_INITIATIONS_PER_SECOND).
 */
struct wgx_handshake *wgx_noise_consume_initiation(const struct wgx_msg_initiation *msg,
						   const struct wgx_static_identity *id,
						   wgx_handshake_lookup_fn lookup, void *ctx,
						   uint64_t now_ns);
int wgx_noise_create_response(struct wgx_msg_response *msg, struct wgx_handshake *hs,
			      uint32_t local_index);
/* hs is the handshake whose local_index equals msg->receiver_index. 0 or -errno. */
int wgx_noise_consume_response(const struct wgx_msg_response *msg, struct wgx_handshake *hs);
/* Derives transport keys from a finished handshake and zeroes the handshake. */
int wgx_noise_begin_session(struct wgx_handshake *hs, struct wgx_keypair *kp, uint64_t now_ns);
void wgx_keypair_clear(struct wgx_keypair *kp);

/* TAI64N of the wall clock, low nanosecond bits cleared (whitepaper §5.1). */
void wgx_tai64n_now(uint8_t out[WGX_TIMESTAMP_LEN]);

#endif /* WGX_NOISE_H */
