/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-sender replay window.  It works on counters only (no skb, no
 * socket, no lock of its own: the caller serialises), so the same source
 * also builds in userspace for fuzzing.
 */
#ifndef _NET_LSGC_REPLAY_H
#define _NET_LSGC_REPLAY_H

#include "messages.h"

/**
 * struct lsgc_replay - sliding window over a sender's packet counters
 * @top: highest counter accepted; 0 while nothing was accepted
 * @bits: which of the LSGC_REPLAY_WINDOW counters up to @top were seen
 */
struct lsgc_replay {
	u64 top;
	unsigned long bits[LSGC_REPLAY_WINDOW / (8 * sizeof(unsigned long))];
};

bool lsgc_replay_check(struct lsgc_replay *r, u64 counter);

#endif /* _NET_LSGC_REPLAY_H */
