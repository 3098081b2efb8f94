/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-peer timer state machine (whitepaper §6), kept pure: a set of
 * deadlines in monotonic nanoseconds, event hooks that the send and receive
 * code call after the event happened, and wgx_timers_poll() that reports which
 * actions fell due. No clock reads, no I/O, no locks: the caller passes
 * now_ns, performs the actions and serialises access to one peer's timers.
 *
 * Timers (enum wgx_timer_id): what arms them, for how long, what poll reports.
 *
 * RETRANSMIT_HANDSHAKE (§6.4): handshake_initiated arms it for REKEY_TIMEOUT (5 s) plus a jitter
 *     below REKEY_TIMEOUT_JITTER_MAX_MS (334 ms). Reports SEND_HANDSHAKE_RETRY, or GIVE_UP once
 *     MAX_TIMER_HANDSHAKES (18) initiations, REKEY_ATTEMPT_TIME (90 s), went unanswered.
 * SEND_KEEPALIVE (§6.5): data_received arms it, unless armed, for KEEPALIVE_TIMEOUT (10 s);
 *     any authenticated packet sent disarms it. Reports SEND_KEEPALIVE.
 * NEW_HANDSHAKE (§6.5): data_sent arms it, unless armed, for KEEPALIVE_TIMEOUT + REKEY_TIMEOUT
 *     (15 s) plus jitter; any authenticated packet received disarms it. Reports NEW_HANDSHAKE.
 * ZERO_KEY_MATERIAL (§6.3): session_derived arms it for REJECT_AFTER_TIME * 3 (540 s); GIVE_UP
 *     arms it too if unarmed. Reports ZERO_KEYS.
 * PERSISTENT_KEEPALIVE (wg(8) PersistentKeepalive): any_authenticated_packet_traversal, in
 *     either direction, arms it for the peer's interval (1..65535 s). Reports
 *     SEND_PERSISTENT_KEEPALIVE.
 *
 * Predicates on a keypair, no timer behind them (whitepaper §6.2, kernel
 * send.c/receive.c keep_key_fresh): rekey_on_send at REKEY_AFTER_TIME (120 s,
 * initiator only) or REKEY_AFTER_MESSAGES; rekey_on_receive at
 * REJECT_AFTER_TIME - KEEPALIVE_TIMEOUT - REKEY_TIMEOUT (165 s, initiator
 * only); keypair_expired at REJECT_AFTER_TIME (180 s) or
 * REJECT_AFTER_MESSAGES. Like the kernel's birthdate checks, an age counts as
 * reached from the exact nanosecond on. may_send_initiation enforces one
 * initiation per REKEY_TIMEOUT (§6.4).
 */
#ifndef WGX_TIMERS_H
#define WGX_TIMERS_H

#include <stdbool.h>
#include <stdint.h>

#include "wgx/messages.h"

#define WGX_TIMER_OFF UINT64_MAX	/* deadline of a disarmed timer */

enum wgx_timer_id {
	WGX_TIMER_RETRANSMIT_HANDSHAKE,
	WGX_TIMER_SEND_KEEPALIVE,
	WGX_TIMER_NEW_HANDSHAKE,
	WGX_TIMER_ZERO_KEY_MATERIAL,
	WGX_TIMER_PERSISTENT_KEEPALIVE,
	WGX_TIMER_COUNT,
};

/*
 * Bits returned by wgx_timers_poll(). When several are set, act on ZERO_KEYS
 * and GIVE_UP first; every send action goes through the normal send path,
 * whose hooks re-arm what needs re-arming.
 */
enum wgx_timers_action {
	/* Send a new initiation (clear the cached source address first: §6.4). */
	WGX_TIMERS_SEND_HANDSHAKE_RETRY = 1 << 0,
	/* Handshake abandoned: drop the packets staged for this peer. */
	WGX_TIMERS_GIVE_UP = 1 << 1,
	/* Send an empty data message (passive keepalive). */
	WGX_TIMERS_SEND_KEEPALIVE = 1 << 2,
	/* Nothing heard back: start a fresh handshake (attempts were reset). */
	WGX_TIMERS_NEW_HANDSHAKE = 1 << 3,
	/* Wipe the handshake state and all keypairs of this peer. */
	WGX_TIMERS_ZERO_KEYS = 1 << 4,
	/* Send an empty data message (persistent keepalive). */
	WGX_TIMERS_SEND_PERSISTENT_KEEPALIVE = 1 << 5,
};

/* Uniform random number in [0, upper_bound); libsodium's randombytes_uniform fits. */
typedef uint32_t wgx_timers_rng_fn(uint32_t upper_bound);

struct wgx_timers {
	uint64_t deadline[WGX_TIMER_COUNT];	/* ns, WGX_TIMER_OFF when disarmed */
	uint64_t last_initiation_ns;		/* valid if initiation_sent */
	wgx_timers_rng_fn *rng;
	unsigned int handshake_attempts;	/* initiations sent since the last request */
	uint16_t persistent_keepalive_interval;	/* seconds, 0 = off */
	bool initiation_sent;
	bool lastminute_handshake_sent;		/* rekey_on_receive already acted on */
};

/* All timers disarmed. rng NULL means libsodium (call sodium_init() first). */
void wgx_timers_init(struct wgx_timers *t, wgx_timers_rng_fn *rng);
/* Interface up: a persistent keepalive, if configured, falls due at once (kernel device open). */
void wgx_timers_start(struct wgx_timers *t, uint64_t now_ns);
/* Disarms every timer: interface down or peer removed. */
void wgx_timers_stop(struct wgx_timers *t);

/* Event hooks, called after the event. "Data" means a non-empty data message. */
void wgx_timers_data_sent(struct wgx_timers *t, uint64_t now_ns);
void wgx_timers_data_received(struct wgx_timers *t, uint64_t now_ns);
void wgx_timers_any_authenticated_packet_sent(struct wgx_timers *t);
void wgx_timers_any_authenticated_packet_received(struct wgx_timers *t);
/* Before an authenticated packet is sent, or after one is received. */
void wgx_timers_any_authenticated_packet_traversal(struct wgx_timers *t, uint64_t now_ns);
/* A fresh (not retry) handshake was wanted, whether or not one could be sent yet. */
void wgx_timers_handshake_requested(struct wgx_timers *t);
/* An initiation, first or retry, was sent. */
void wgx_timers_handshake_initiated(struct wgx_timers *t, uint64_t now_ns);
/* A response was consumed, or the first data message confirmed a responder's session. */
void wgx_timers_handshake_complete(struct wgx_timers *t);
/* Session keys were derived (responder before its response, initiator after one). */
void wgx_timers_session_derived(struct wgx_timers *t, uint64_t now_ns);
/* From 0 to N seconds: a keepalive falls due at once, as with the kernel. */
void wgx_timers_set_persistent_keepalive(struct wgx_timers *t, uint16_t interval_s,
					 uint64_t now_ns);

/* The actions due at now_ns (wgx_timers_action bits); disarms or re-arms their timers. */
unsigned int wgx_timers_poll(struct wgx_timers *t, uint64_t now_ns);
/* The earliest armed deadline, WGX_TIMER_OFF when none: how long the daemon may sleep. */
uint64_t wgx_timers_next_deadline(const struct wgx_timers *t);

/* false within REKEY_TIMEOUT of the last initiation sent. */
bool wgx_timers_may_send_initiation(const struct wgx_timers *t, uint64_t now_ns);

/*
 * A keypair is described by its birth (when its keys were derived), its
 * counter (sending: messages sent with it; receiving: greatest counter
 * accepted + 1) and whether we initiated its handshake.
 */
bool wgx_timers_rekey_on_send(uint64_t birth_ns, uint64_t send_counter, bool initiator,
			      uint64_t now_ns);
bool wgx_timers_rekey_on_receive(uint64_t birth_ns, bool initiator, uint64_t now_ns);
bool wgx_timers_keypair_expired(uint64_t birth_ns, uint64_t counter, uint64_t now_ns);
/*
 * rekey_on_receive, but true at most once per handshake: the flag is cleared
 * by handshake_complete (kernel receive.c, sent_lastminute_handshake).
 */
bool wgx_timers_want_lastminute_handshake(struct wgx_timers *t, uint64_t birth_ns,
					  bool initiator, uint64_t now_ns);

#endif /* WGX_TIMERS_H */
