// SPDX-License-Identifier: GPL-2.0
/*
 * Replay protection: a sliding window over one sender's packet counters,
 * in the manner of WireGuard's counter_validate().  Counter 0 is never
 * sent (the sender's counter starts at 1), so @top == 0 means "nothing
 * heard yet".
 */
#ifdef __KERNEL__
#include <linux/bitmap.h>
#include <linux/bitops.h>
#include <linux/limits.h>
#endif

#include "replay.h"

/**
 * lsgc_replay_check - accept a counter once, refuse replays
 * @r: the sender's window
 * @counter: the counter of a packet whose header passed the parsers
 *
 * Return: true if @counter is new (and is now recorded), false for a
 * replay, a counter too old for the window, or an implausible jump.
 */
bool lsgc_replay_check(struct lsgc_replay *r, u64 counter)
{
	const unsigned int nbits = LSGC_REPLAY_WINDOW;
	u64 diff, c;

	if (!counter)
		return false;
	if (counter > r->top) {
		diff = counter - r->top;
		/* A sender cannot have sent 2^32 packets we missed: such a
		 * jump is a forgery that would make every later packet of
		 * the sender look like a replay.
		 */
		if (r->top && diff > U32_MAX)
			return false;
		if (diff >= nbits) {
			bitmap_zero(r->bits, nbits);
		} else {
			for (c = r->top + 1; c < counter; c++)
				__clear_bit(c % nbits, r->bits);
		}
		r->top = counter;
		__set_bit(counter % nbits, r->bits);
		return true;
	}
	if (r->top - counter >= nbits)
		return false;
	return !__test_and_set_bit(counter % nbits, r->bits);
}
