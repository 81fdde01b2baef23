// SPDX-License-Identifier: GPL-2.0
/*
 * Every timer of a member in one place.  A member has one timer that
 * ticks every LSGC_TICK_MS and drives, each on its own deadline:
 *
 *   - join retries: JOIN_REQ every heartbeat interval until admitted, and
 *     the join's overall deadline (ETIMEDOUT);
 *   - heartbeats: every member, every heartbeat interval, carrying its
 *     acknowledgment (highest in-order sequence delivered);
 *   - failure detection: the leader expels members silent for the
 *     heartbeat timeout; members give up on a silent leader;
 *   - backlog stall: the leader expels the slowest member when the
 *     backlog stayed full for four heartbeat timeouts and that member
 *     delivered nothing for eight;
 *   - NAKs: a gap at the head of delivery is NAKed after a random
 *     back-off, and again after a longer one while it lasts;
 *   - sender retransmission: messages the sequencer has not ordered
 *     within the retransmit time are sent again;
 *   - orphan collection: unordered messages of senders that left.
 */
#include <linux/timer.h>

#include "lsgc.h"

#define LSGC_TICK_MS	10

static void lsgc_timer_fn(struct timer_list *tl)
{
	struct lsgc_member *m = from_timer(m, tl, timer);
	unsigned long now = jiffies;

	spin_lock_bh(&m->lock);
	if (m->dead) {
		spin_unlock_bh(&m->lock);
		return;
	}
	lsgc_membership_tick(m, now);
	if (m->session && (m->state == LSGC_STATE_MEMBER ||
			   m->state == LSGC_STATE_JOINING))
		lsgc_order_tick(m, now);
	lsgc_order_flush_bindings(m);
	mod_timer(&m->timer, now + lsgc_ms(LSGC_TICK_MS));
	spin_unlock_bh(&m->lock);
	lsgc_member_flush(m);
}

void lsgc_timers_init(struct lsgc_member *m)
{
	timer_setup(&m->timer, lsgc_timer_fn, 0);
}

void lsgc_timers_start(struct lsgc_member *m)
{
	mod_timer(&m->timer, jiffies + 1);
}

/* The caller set m->dead under the lock first, so the timer cannot re-arm
 * after this returns.
 */
void lsgc_timers_stop(struct lsgc_member *m)
{
	del_timer_sync(&m->timer);
}
