// SPDX-License-Identifier: GPL-2.0
/*
 * Total order: the store of reliable messages, the sequencer's bindings,
 * in-order delivery, NAK-based repair and stability-based garbage
 * collection.
 *
 * Every member keeps each reliable message it sees in its store, keyed by
 * (origin, msg_no), from its first fragment or binding until the message
 * is stable (delivered by every member of the view).  Bound messages are
 * also indexed by each of their sequence numbers in @order.  The leader
 * binds a sender's messages in the sender's order, whole messages at a
 * time, to consecutive sequence numbers, so every member delivers the same
 * messages in the same order.  Keeping delivered messages until they are
 * stable at every member, not only at the leader, is what lets a
 * successor rebuild the ordering state when leader failover arrives.
 */
#include <linux/random.h>

#include "lsgc.h"
#include "netlink.h"
#include "trace.h"

static u64 lsgc_msg_key(u32 origin, u32 msg_no)
{
	return ((u64)origin << 32) | msg_no;
}

struct lsgc_msg *lsgc_msg_lookup(struct lsgc_member *m, u32 origin, u32 msg_no)
{
	u64 key = lsgc_msg_key(origin, msg_no);
	struct lsgc_msg *msg;

	hash_for_each_possible(m->msgs, msg, hnode, key)
		if (msg->origin == origin && msg->msg_no == msg_no)
			return msg;
	return NULL;
}

struct lsgc_msg *lsgc_msg_create(struct lsgc_member *m, u32 origin, u32 msg_no,
				 u16 nfrags, u32 flags, u32 total_len)
{
	struct lsgc_msg *msg;

	msg = kzalloc(struct_size(msg, frags, nfrags), GFP_ATOMIC);
	if (!msg)
		return NULL;
	msg->origin = origin;
	msg->msg_no = msg_no;
	msg->nfrags = nfrags;
	msg->flags = flags;
	msg->total_len = total_len;
	msg->born = jiffies;
	INIT_LIST_HEAD(&msg->tx_node);
	hash_add(m->msgs, &msg->hnode, lsgc_msg_key(origin, msg_no));
	m->nmsgs++;
	return msg;
}

void lsgc_msg_free(struct lsgc_member *m, struct lsgc_msg *msg)
{
	unsigned int i;

	if (msg->seq)
		for (i = 0; i < msg->nfrags; i++)
			xa_erase(&m->order, msg->seq + i);
	if (!list_empty(&msg->tx_node)) {
		list_del(&msg->tx_node);
		m->tx_inflight--;
	}
	hash_del(&msg->hnode);
	m->nmsgs--;
	for (i = 0; i < msg->nfrags; i++)
		kfree_skb(msg->frags[i]);
	kfree(msg);
}

u64 lsgc_order_delivered(const struct lsgc_member *m)
{
	return m->next_deliver - 1;
}

/* A message is bound to [first, first + nfrags): record it everywhere. */
static void lsgc_order_apply(struct lsgc_member *m, struct lsgc_msg *msg,
			     u64 first)
{
	unsigned int i;

	if (msg->seq) {
		if (msg->seq != first)
			lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_MALFORMED);
		return;
	}
	/* Before our start, or already delivered and collected. */
	if (first < m->gc_seq)
		return;
	for (i = 0; i < msg->nfrags; i++) {
		if (xa_load(&m->order, first + i)) {
			/* Another message holds the number: a forgery. */
			lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_MALFORMED);
			while (i--)
				xa_erase(&m->order, first + i);
			return;
		}
		if (xa_err(xa_store(&m->order, first + i, msg, GFP_ATOMIC))) {
			lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_NOMEM);
			while (i--)
				xa_erase(&m->order, first + i);
			return;
		}
	}
	msg->seq = first;
	if (first + msg->nfrags - 1 > m->high)
		m->high = first + msg->nfrags - 1;
	/* An own message is committed once it has a place in the order. */
	if (!list_empty(&msg->tx_node)) {
		list_del_init(&msg->tx_node);
		m->tx_inflight--;
		if (m->seq_sk)
			lsgc_sock_wake(m->seq_sk);
	}
}

static void lsgc_order_add_binding(struct lsgc_member *m,
				   const struct lsgc_msg *msg)
{
	struct lsgc_binding b = {
		.seq = msg->seq,
		.origin = msg->origin,
		.msg_no = msg->msg_no,
		.nfrags = msg->nfrags,
	};

	if (!m->order_skb) {
		m->order_skb = lsgc_pkt_alloc(m, LSGC_T_ORDER,
					      sizeof(struct lsgc_wire_order) +
					      LSGC_ORDER_MAX_ENTRIES *
					      sizeof(struct lsgc_wire_order_ent),
					      GFP_ATOMIC);
		if (!m->order_skb)
			return;	/* receivers will NAK what they miss */
		m->order_count = 0;
	}
	lsgc_wire_put_order_entry(m->order_skb->data + LSGC_HDR_LEN,
				  m->order_count++, &b);
	if (m->order_count == LSGC_ORDER_MAX_ENTRIES)
		lsgc_order_flush_bindings(m);
}

/**
 * lsgc_order_flush_bindings - queue the pending ORDER packet, if any
 * @m: member (the leader), locked
 */
void lsgc_order_flush_bindings(struct lsgc_member *m)
{
	struct sk_buff *skb = m->order_skb;

	if (!skb)
		return;
	m->order_skb = NULL;
	lsgc_wire_put_order(skb->data + LSGC_HDR_LEN, m->order_count);
	skb_trim(skb, LSGC_HDR_LEN + sizeof(struct lsgc_wire_order) +
		 m->order_count * sizeof(struct lsgc_wire_order_ent));
	lsgc_pkt_queue(m, skb);
}

static bool lsgc_order_backlog_full(struct lsgc_member *m, u32 origin)
{
	/* The leader's own stream (its data and its views) is bounded by its
	 * window already; never holding it back keeps views flowing when
	 * the backlog is what a view change is meant to relieve.
	 */
	if (origin == m->self)
		return false;
	return m->next_seq - 1 - m->stable >= (u64)READ_ONCE(m->ln->cfg.backlog);
}

/**
 * lsgc_order_bind_msg - the sequencer binds a complete message
 * @m: the leader, locked
 * @msg: a complete, unbound message whose turn it is in its sender's order
 *
 * Return: 0, or -ENOBUFS when the backlog is full.
 */
int lsgc_order_bind_msg(struct lsgc_member *m, struct lsgc_msg *msg)
{
	if (lsgc_order_backlog_full(m, msg->origin)) {
		if (!m->bind_blocked) {
			m->bind_blocked = true;
			m->bind_blocked_since = jiffies;
		}
		return -ENOBUFS;
	}
	lsgc_order_apply(m, msg, m->next_seq);
	if (!msg->seq)
		return -ENOMEM;
	m->bind_blocked = false;
	m->next_seq += msg->nfrags;
	/* Others' messages are out already, and so is an own message whose
	 * DATA left before it could be bound: both need an ORDER entry.  An
	 * own message bound before it is sent carries its numbers itself.
	 */
	if (msg->announced || msg->origin != m->self)
		lsgc_order_add_binding(m, msg);
	return 0;
}

/**
 * lsgc_order_bind_from - bind every complete message of one sender that is
 * next in its order
 * @m: the leader, locked
 * @p: the sender
 */
void lsgc_order_bind_from(struct lsgc_member *m, struct lsgc_peer *p)
{
	struct lsgc_msg *msg;

	while ((msg = lsgc_msg_lookup(m, p->no, p->next_msg))) {
		if (msg->nhave < msg->nfrags || msg->seq)
			break;
		if (lsgc_order_bind_msg(m, msg))
			break;
		p->next_msg++;
	}
}

void lsgc_order_bind_all(struct lsgc_member *m)
{
	struct lsgc_peer *p;
	unsigned long no;

	/* bind_blocked stays set (and its start time with it) until a
	 * binding succeeds, so a backlog that stays full can be measured.
	 */
	xa_for_each(&m->peers, no, p)
		lsgc_order_bind_from(m, p);
	/* What was just bound is complete here: the leader delivers it now,
	 * not when the next packet happens to arrive.
	 */
	lsgc_order_deliver(m);
}

static bool lsgc_msg_len_ok(const struct lsgc_msg *msg)
{
	unsigned int i, len = 0;

	for (i = 0; i < msg->nfrags; i++)
		len += msg->frags[i]->len;
	return len == msg->total_len;
}

static void lsgc_order_store_frag(struct lsgc_member *m, struct lsgc_msg *msg,
				  const struct lsgc_data *d, struct sk_buff *skb)
{
	struct sk_buff *c;

	if (msg->frags[d->frag]) {
		lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_DUPLICATE);
		return;
	}
	c = skb_clone(skb, GFP_ATOMIC);
	if (!c) {
		lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_NOMEM);
		return;
	}
	__skb_pull(c, LSGC_HDR_LEN + d->payload_off);
	skb_trim(c, d->payload_len);
	msg->frags[d->frag] = c;
	msg->nhave++;
	if (msg->nhave == msg->nfrags && !lsgc_msg_len_ok(msg)) {
		/* Fragments that do not add up: keep none of them. */
		unsigned int i;

		lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_MALFORMED);
		for (i = 0; i < msg->nfrags; i++) {
			kfree_skb(msg->frags[i]);
			msg->frags[i] = NULL;
		}
		msg->nhave = 0;
	}
}

/* Why a fragment of a message not in the store may not start one: a drop
 * counter, or __LSGC_STAT_MAX when it may.
 */
static enum lsgc_stat lsgc_order_data_refused(struct lsgc_member *m,
					      struct lsgc_peer *p,
					      const struct lsgc_data *d)
{
	unsigned int limit = 2 * READ_ONCE(m->ln->cfg.backlog) + 1024;
	enum lsgc_stat useless = p ? LSGC_STAT_DROP_STALE :
				     LSGC_STAT_DROP_NOT_MEMBER;

	/* Views come from the leader and nobody else. */
	if ((d->flags & LSGC_DATA_VIEW) && d->origin != m->leader)
		return useless;
	/* The sequencer only orders messages of its current members. */
	if (m->role == LSGC_ROLE_LEADER && !p)
		return useless;
	/* A message of a member that already left, or one we saw bound and
	 * collected: nothing to do with it.
	 */
	if (p && m->role == LSGC_ROLE_LEADER && d->msg_no < p->next_msg && !d->seq)
		return useless;
	/* The store is bounded: flow control keeps real traffic well below
	 * the bound, so reaching it means a flood (of strangers' messages,
	 * which members must cache until their view says who is in).
	 */
	if (m->nmsgs >= limit)
		return LSGC_STAT_DROP_BACKLOG;
	return __LSGC_STAT_MAX;
}

/**
 * lsgc_order_rx_data - a DATA fragment arrived
 * @m: member, locked
 * @h: header
 * @d: parsed body
 * @skb: the packet, data at the header
 */
void lsgc_order_rx_data(struct lsgc_member *m, const struct lsgc_hdr *h,
			const struct lsgc_data *d, struct sk_buff *skb)
{
	struct lsgc_peer *p = lsgc_peer_find(m, d->origin);
	struct lsgc_msg *msg;

	lsgc_stat_inc(m->ln, m, LSGC_STAT_DATA_RECEIVED);
	/* Only the leader may speak for another member (a repair). */
	if (d->origin != h->sender && h->sender != m->leader) {
		lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_NOT_MEMBER);
		return;
	}
	if (d->seq && d->seq - d->frag < m->gc_seq) {
		lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_DUPLICATE);
		return;
	}
	msg = lsgc_msg_lookup(m, d->origin, d->msg_no);
	if (!msg) {
		enum lsgc_stat refused = lsgc_order_data_refused(m, p, d);

		if (refused != __LSGC_STAT_MAX) {
			lsgc_stat_inc(m->ln, m, refused);
			return;
		}
		msg = lsgc_msg_create(m, d->origin, d->msg_no, d->nfrags,
				      d->flags, d->total_len);
		if (!msg) {
			lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_NOMEM);
			return;
		}
	} else if (!msg->total_len && !msg->nhave) {
		/* Created from a binding: the data fixes the rest. */
		if (msg->nfrags != d->nfrags) {
			lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_MALFORMED);
			return;
		}
		msg->flags = d->flags;
		msg->total_len = d->total_len;
	} else if (msg->nfrags != d->nfrags || msg->flags != d->flags ||
		   msg->total_len != d->total_len) {
		lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_MALFORMED);
		return;
	}
	lsgc_order_store_frag(m, msg, d, skb);
	if (d->seq && h->sender == m->leader)
		lsgc_order_apply(m, msg, d->seq - d->frag);
	if (m->role == LSGC_ROLE_LEADER && p && msg->nhave == msg->nfrags)
		lsgc_order_bind_from(m, p);
	lsgc_order_deliver(m);
}

/**
 * lsgc_order_rx_order - bindings from the leader
 * @m: member, locked
 * @body: ORDER body, validated by lsgc_wire_parse_order()
 * @count: entries
 */
void lsgc_order_rx_order(struct lsgc_member *m, const u8 *body,
			 unsigned int count)
{
	struct lsgc_binding b;
	struct lsgc_msg *msg;
	unsigned int i;

	for (i = 0; i < count; i++) {
		lsgc_wire_order_entry(body, i, &b);
		if (b.seq < m->gc_seq)
			continue;
		msg = lsgc_msg_lookup(m, b.origin, b.msg_no);
		if (!msg) {
			msg = lsgc_msg_create(m, b.origin, b.msg_no, b.nfrags,
					      0, 0);
			if (!msg) {
				lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_NOMEM);
				continue;
			}
		} else if (msg->nfrags != b.nfrags) {
			lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_MALFORMED);
			continue;
		}
		lsgc_order_apply(m, msg, b.seq);
	}
	lsgc_order_deliver(m);
}

static void lsgc_order_repair(struct lsgc_member *m, u64 from, u64 to)
{
	unsigned long gap = lsgc_ms(READ_ONCE(m->ln->cfg.nak_delay_ms));
	unsigned long now = jiffies;
	struct lsgc_msg *msg;
	u64 s = from, end;

	while (s <= to && s < m->next_seq) {
		msg = xa_load(&m->order, s);
		if (!msg) {
			s++;
			continue;
		}
		end = min(to, msg->seq + msg->nfrags - 1);
		/* Several members NAK the same loss: repair it once. */
		if (!msg->repaired || !time_before(now, msg->repaired + gap)) {
			msg->repaired = now;
			lsgc_stat_add(m->ln, m, LSGC_STAT_RETRANSMITS,
				      end - s + 1);
			for (; s <= end; s++)
				lsgc_send_frag(m, msg, s - msg->seq, true);
		}
		s = end + 1;
	}
}

/**
 * lsgc_order_rx_nak - a member asks for a repair
 * @m: member, locked
 * @h: header of the NAK
 * @from: first sequence number wanted
 * @to: last sequence number wanted
 *
 * The leader repairs; everybody else holds back its own NAK for the same
 * range (suppression), since the repair is multicast to all.
 */
void lsgc_order_rx_nak(struct lsgc_member *m, const struct lsgc_hdr *h,
		       u64 from, u64 to)
{
	bool suppress = m->role != LSGC_ROLE_LEADER && m->nak_due &&
			m->next_deliver >= from && m->next_deliver <= to;

	trace_lsgc_nak_recv(m, h->sender, from, to, suppress);
	if (m->role != LSGC_ROLE_LEADER) {
		if (suppress) {
			m->nak_due = jiffies +
				lsgc_ms(2 * READ_ONCE(m->ln->cfg.nak_delay_ms));
			lsgc_stat_inc(m->ln, m, LSGC_STAT_NAKS_SUPPRESSED);
		}
		return;
	}
	lsgc_stat_inc(m->ln, m, LSGC_STAT_NAKS_RECEIVED);
	/* Collection follows acknowledgments, so a member never needs what
	 * is gone: a NAK below the collected range is a late or reordered
	 * copy of one already answered.
	 */
	if (to < m->gc_seq) {
		lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_STALE);
		return;
	}
	lsgc_order_repair(m, max(from, m->gc_seq), to);
}

static struct sk_buff *lsgc_order_build_record(struct lsgc_member *m,
					       struct lsgc_msg *msg)
{
	struct sk_buff *skb;
	unsigned int i;

	if (msg->nfrags == 1)
		return skb_clone(msg->frags[0], GFP_ATOMIC);
	skb = alloc_skb(msg->total_len, GFP_ATOMIC);
	if (!skb)
		return NULL;
	for (i = 0; i < msg->nfrags; i++)
		skb_copy_bits(msg->frags[i], 0,
			      skb_put(skb, msg->frags[i]->len),
			      msg->frags[i]->len);
	return skb;
}

/* Hand one complete message to the SOCK_SEQPACKET socket.  Returns false
 * when the socket has no room: delivery stops there and resumes when the
 * application reads (reliable delivery never drops).
 */
static bool lsgc_order_deliver_one(struct lsgc_member *m, struct lsgc_msg *msg)
{
	const struct lsgc_view_ent *e;
	struct sock *sk = m->seq_sk;
	struct sk_buff *skb;

	if (!sk)
		return true;
	if (msg->origin == m->self && !lsgc_sk(sk)->recv_own)
		return true;
	if (atomic_read(&sk->sk_rmem_alloc) >= READ_ONCE(sk->sk_rcvbuf) &&
	    !skb_queue_empty_lockless(&sk->sk_receive_queue))
		return false;
	skb = lsgc_order_build_record(m, msg);
	if (!skb)
		return false;
	memset(LSGC_SKB_CB(skb), 0, sizeof(struct lsgc_skb_cb));
	LSGC_SKB_CB(skb)->seq = msg->seq + msg->nfrags - 1;
	LSGC_SKB_CB(skb)->view_id = m->view ? m->view->id : 0;
	LSGC_SKB_CB(skb)->origin = msg->origin;
	/* The identity as the installed view has it: at the leader the
	 * peer may already be gone while its ordered messages drain.
	 */
	e = lsgc_view_find(m->view, msg->origin);
	if (e)
		memcpy(LSGC_SKB_CB(skb)->id, e->id, LSGC_ID_LEN);
	skb_set_owner_r(skb, sk);
	skb_queue_tail(&sk->sk_receive_queue, skb);
	sk->sk_data_ready(sk);
	lsgc_stat_inc(m->ln, m, LSGC_STAT_DATA_DELIVERED);
	return true;
}

/**
 * lsgc_order_deliver - deliver every message that is next in the order
 * and complete
 * @m: member, locked
 */
void lsgc_order_deliver(struct lsgc_member *m)
{
	struct lsgc_msg *msg;

	while (m->next_deliver <= m->high && !m->dead) {
		if (m->state != LSGC_STATE_MEMBER &&
		    m->state != LSGC_STATE_JOINING)
			break;
		msg = xa_load(&m->order, m->next_deliver);
		if (!msg || msg->nhave < msg->nfrags)
			break;
		if (msg->flags & LSGC_DATA_VIEW) {
			lsgc_membership_install(m, msg);
		} else if (!lsgc_order_deliver_one(m, msg)) {
			if (!m->rx_blocked)
				lsgc_stat_inc(m->ln, m, LSGC_STAT_RCVBUF_STALLS);
			m->rx_blocked = true;
			break;
		}
		m->rx_blocked = false;
		m->next_deliver += msg->nfrags;
		m->nak_due = 0;
	}
	if (m->role == LSGC_ROLE_LEADER)
		lsgc_order_set_stable(m, m->stable);
	/* Acknowledge early when an eighth of the backlog went by: the
	 * sequencer binds no further than one backlog ahead of the slowest
	 * member, and must not wait for the next heartbeat to move on.
	 */
	if (m->role != LSGC_ROLE_LEADER && m->state == LSGC_STATE_MEMBER &&
	    m->next_deliver - 1 - m->last_acked >=
	    (u64)READ_ONCE(m->ln->cfg.backlog) / 8)
		lsgc_send_heartbeat(m);
}

/**
 * lsgc_order_set_stable - collect messages every member delivered
 * @m: member, locked
 * @stable: highest sequence number delivered by all members
 */
void lsgc_order_set_stable(struct lsgc_member *m, u64 stable)
{
	struct lsgc_msg *msg;
	u64 s;

	stable = min(stable, lsgc_order_delivered(m));
	if (stable > m->stable) {
		m->stable = stable;
		/* At the leader, room to send is measured from stability. */
		if (m->role == LSGC_ROLE_LEADER && m->seq_sk)
			lsgc_sock_wake(m->seq_sk);
	}
	s = m->gc_seq;
	while (s <= m->stable) {
		msg = xa_load(&m->order, s);
		if (!msg) {
			s++;
			continue;
		}
		s = msg->seq + msg->nfrags;
		lsgc_msg_free(m, msg);
	}
	m->gc_seq = s;
}

void lsgc_order_note_high(struct lsgc_member *m, u64 high)
{
	if (high > m->high && high >= m->start_seq)
		m->high = high;
}

static void lsgc_order_nak_tick(struct lsgc_member *m, unsigned long now)
{
	int delay = READ_ONCE(m->ln->cfg.nak_delay_ms);
	u64 to;

	if (m->role == LSGC_ROLE_LEADER || m->next_deliver > m->high ||
	    m->rx_blocked) {
		m->nak_due = 0;
		return;
	}
	if (!m->nak_due) {
		/* Randomised back-off: whoever NAKs first spares the rest. */
		m->nak_due = now + 1 + get_random_u32_below(lsgc_ms(delay));
		return;
	}
	if (time_before(now, m->nak_due))
		return;
	/* Ask only for the hole at the head, not for what follows it. */
	to = m->next_deliver;
	while (to < m->high && to + 1 - m->next_deliver < LSGC_NAK_MAX_SPAN) {
		struct lsgc_msg *next = xa_load(&m->order, to + 1);

		if (next && next->nhave == next->nfrags)
			break;
		to++;
	}
	lsgc_send_nak(m, m->next_deliver, to);
	m->nak_due = now + lsgc_ms(2 * delay) + get_random_u32_below(lsgc_ms(delay));
}

static void lsgc_order_retransmit_tick(struct lsgc_member *m, unsigned long now)
{
	unsigned long rto = lsgc_ms(READ_ONCE(m->ln->cfg.retransmit_ms));
	struct lsgc_msg *msg;

	msg = list_first_entry_or_null(&m->tx_unbound, struct lsgc_msg, tx_node);
	if (!msg || time_before(now, msg->sent + (rto << msg->retries)))
		return;
	/* The sequencer has not ordered our oldest message: send all that
	 * are waiting again (it drops what it already has).  Back off: a
	 * sequencer that holds messages back for flow control has them.
	 */
	list_for_each_entry(msg, &m->tx_unbound, tx_node) {
		msg->sent = now;
		if (msg->retries < 4)
			msg->retries++;
		lsgc_send_msg_frags(m, msg, false);
		lsgc_stat_inc(m->ln, m, LSGC_STAT_SENDER_RETRANSMITS);
	}
}

static void lsgc_order_age_orphans(struct lsgc_member *m, unsigned long now)
{
	unsigned long age = lsgc_ms(4 * READ_ONCE(m->ln->cfg.heartbeat_timeout_ms));
	struct hlist_node *tmp;
	struct lsgc_msg *msg;
	unsigned int bkt;

	if (time_before(now, m->next_age))
		return;
	m->next_age = now + age / 4;
	/* An unbound message nobody ordered for a long while is a late
	 * duplicate of one already collected, or its sender is gone.  Away
	 * from the sequencer the store is only a cache (a binding that comes
	 * later is repaired on NAK), so it goes; the sequencer keeps those of
	 * its members, which it has yet to order.
	 */
	hash_for_each_safe(m->msgs, bkt, tmp, msg, hnode) {
		if (msg->seq || msg->origin == m->self ||
		    time_before(now, msg->born + age))
			continue;
		if (m->role == LSGC_ROLE_LEADER &&
		    lsgc_peer_find(m, msg->origin))
			continue;
		lsgc_msg_free(m, msg);
	}
}

/**
 * lsgc_order_tick - periodic work of the ordering layer
 * @m: member, locked
 * @now: jiffies
 */
void lsgc_order_tick(struct lsgc_member *m, unsigned long now)
{
	lsgc_order_nak_tick(m, now);
	lsgc_order_retransmit_tick(m, now);
	if (m->role == LSGC_ROLE_LEADER && m->bind_blocked)
		lsgc_order_bind_all(m);
	if (m->rx_blocked)
		lsgc_order_deliver(m);
	lsgc_order_age_orphans(m, now);
}

void lsgc_order_destroy(struct lsgc_member *m)
{
	struct hlist_node *tmp;
	struct lsgc_msg *msg;
	unsigned int bkt;

	hash_for_each_safe(m->msgs, bkt, tmp, msg, hnode)
		lsgc_msg_free(m, msg);
	xa_destroy(&m->order);
	kfree_skb(m->order_skb);
	m->order_skb = NULL;
}
