/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Anti-replay window for the counters of received data messages (whitepaper
 * §5.4.6), the bitmap ring of RFC 6479 as WireGuard sizes it: 8192 bits, of
 * which 8192 - 64 = 8128 trail the newest counter. A counter is accepted once
 * if it lies no more than WGX_REPLAY_WINDOW below the greatest counter seen,
 * and never at or above WGX_REJECT_AFTER_MESSAGES.
 *
 * Pure and unlocked: the caller serialises access to one window, and calls
 * check_and_update only after the message authenticated, so that forged
 * counters cannot move the window.
 */
#ifndef WGX_REPLAY_H
#define WGX_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#include "wgx/messages.h"

enum wgx_replay_geometry {
	/* Fixed-width words, so the window is 8128 on 32-bit builds too. */
	WGX_REPLAY_WORD_BITS = 64,
	WGX_REPLAY_WORDS = WGX_COUNTER_WINDOW_BITS / WGX_REPLAY_WORD_BITS,
	/*
	 * The word holding the newest counter is only partly in use, so one
	 * word of the ring cannot hold history (RFC 6479).
	 */
	WGX_REPLAY_WINDOW = WGX_COUNTER_WINDOW_BITS - WGX_REPLAY_WORD_BITS,
};

struct wgx_replay {
	/* Greatest accepted counter plus one, 0 before the first: bit positions start at 1. */
	uint64_t top;
	uint64_t ring[WGX_REPLAY_WORDS];
};

void wgx_replay_init(struct wgx_replay *r);
/* true: first sight of counter, now marked; false: replayed, too old or over the limit. */
bool wgx_replay_check_and_update(struct wgx_replay *r, uint64_t counter);

#endif /* WGX_REPLAY_H */
