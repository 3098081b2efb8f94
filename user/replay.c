/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RFC 6479 sliding window (whitepaper §5.4.6). Counter n lives at bit
 * position n + 1 of an endless bit string, folded onto a ring of
 * WGX_REPLAY_WORDS words; position 0 is never used, which lets top == 0 mean
 * "nothing received" without a separate flag. Moving forward only ever
 * clears whole words, which is what makes the ring cheap: one store per
 * 64 counters skipped, at most one full sweep for any jump.
 */
#include <string.h>

#include "replay.h"

_Static_assert((WGX_REPLAY_WORDS & (WGX_REPLAY_WORDS - 1)) == 0, "ring size must be 2^n");

void wgx_replay_init(struct wgx_replay *r)
{
	memset(r, 0, sizeof(*r));
}

static uint64_t replay_word(uint64_t pos)
{
	return pos / WGX_REPLAY_WORD_BITS;
}

/* Zero the words between the current top and pos, which becomes the new top. */
static void replay_advance(struct wgx_replay *r, uint64_t pos)
{
	uint64_t cur = replay_word(r->top);
	uint64_t skip = replay_word(pos) - cur;
	uint64_t i;

	if (skip > WGX_REPLAY_WORDS)
		skip = WGX_REPLAY_WORDS;
	for (i = 1; i <= skip; i++)
		r->ring[(cur + i) % WGX_REPLAY_WORDS] = 0;
	r->top = pos;
}

bool wgx_replay_check_and_update(struct wgx_replay *r, uint64_t counter)
{
	uint64_t pos, bit, *word;

	/* §5.4.6: never accept a counter the sender was forbidden to use. */
	if (counter >= WGX_REJECT_AFTER_MESSAGES)
		return false;
	pos = counter + 1;	/* cannot wrap: the limit is far below 2^64 - 1 */

	/*
	 * Positions top - WINDOW .. top span at most WGX_REPLAY_WORDS - 1
	 * words, so each has a ring word of its own; anything older may share
	 * the word of top and must be refused rather than looked up.
	 */
	if (pos + WGX_REPLAY_WINDOW < r->top)
		return false;
	if (pos > r->top)
		replay_advance(r, pos);

	word = &r->ring[replay_word(pos) % WGX_REPLAY_WORDS];
	bit = 1ULL << (pos % WGX_REPLAY_WORD_BITS);
	if (*word & bit)
		return false;
	*word |= bit;
	return true;
}
