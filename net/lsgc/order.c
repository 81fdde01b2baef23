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

/* The order index.  Only numbers within LSGC_SEQ_WINDOW of the delivery
 * point are ever stored, so truncation to 32 bits cannot collide.
 */
static unsigned long lsgc_order_index(u64 seq)
{
	return (unsigned long)seq;
}

static struct lsgc_msg *lsgc_order_at(struct lsgc_member *m, u64 seq)
{
	return xa_load(&m->order, lsgc_order_index(seq));
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

/* Every module-wide byte of the stores, against lsgc_store_global_max:
 * memberships are many and cheap to make (one unshare away), so a bound
 * per membership alone would not bound the machine.
 */
static atomic_long_t lsgc_store_global = ATOMIC_LONG_INIT(0);

static long lsgc_store_global_max(void)
{
	/* A sixteenth of RAM, as UDP's memory limits are a fraction of it. */
	return (long)(totalram_pages() / 16) << PAGE_SHIFT;
}

static size_t lsgc_store_limit(const struct lsgc_member *m)
{
	size_t backlog = READ_ONCE(m->ln->cfg.backlog);

	return max_t(size_t, LSGC_STORE_MIN_BYTES, backlog * 8192);
}

/**
 * lsgc_store_room - may packets from the network add @more bytes?
 * @m: member, locked
 * @more: bytes to add
 *
 * Flow control keeps real traffic well below both bounds; reaching one
 * means a flood (of strangers' messages, which members must cache until
 * their view says who is in, or of forged bindings).
 */
bool lsgc_store_room(const struct lsgc_member *m, size_t more)
{
	unsigned int backlog = READ_ONCE(m->ln->cfg.backlog);

	return m->nmsgs < 2 * backlog + 1024 &&
	       m->store_bytes + more <= lsgc_store_limit(m) &&
	       atomic_long_read(&lsgc_store_global) + more <=
	       lsgc_store_global_max();
}

void lsgc_store_charge(struct lsgc_member *m, struct lsgc_msg *msg, int bytes)
{
	msg->charged += bytes;
	m->store_bytes += bytes;
	atomic_long_add(bytes, &lsgc_store_global);
}

struct lsgc_msg *lsgc_msg_create(struct lsgc_member *m, u32 origin, u32 msg_no,
				 u16 nfrags, u32 flags, u32 total_len)
{
	size_t size = struct_size_t(struct lsgc_msg, frags, nfrags);
	struct lsgc_msg *msg;

	msg = kzalloc(size, GFP_ATOMIC);
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
	lsgc_store_charge(m, msg, size);
	return msg;
}

/* Forget where @msg was bound, leaving every number it held free. */
static void lsgc_order_unbind(struct lsgc_member *m, struct lsgc_msg *msg)
{
	unsigned long idx;
	unsigned int i;

	if (!msg->seq)
		return;
	for (i = 0; i < msg->nfrags; i++) {
		idx = lsgc_order_index(msg->seq + i);
		if (xa_load(&m->order, idx) == msg)
			xa_erase(&m->order, idx);
	}
	msg->seq = 0;
}

void lsgc_msg_free(struct lsgc_member *m, struct lsgc_msg *msg)
{
	unsigned int i;

	lsgc_order_unbind(m, msg);
	if (!list_empty(&msg->tx_node)) {
		list_del(&msg->tx_node);
		m->tx_inflight--;
	}
	hash_del(&msg->hnode);
	m->nmsgs--;
	m->store_bytes -= msg->charged;
	atomic_long_sub(msg->charged, &lsgc_store_global);
	/* Not a drop: a stored message ends here once it is stable, or
	 * with its membership (drop monitors count kfree_skb()).
	 */
	for (i = 0; i < msg->nfrags; i++)
		consume_skb(msg->frags[i]);
	kfree(msg);
}

u64 lsgc_order_delivered(const struct lsgc_member *m)
{
	return m->next_deliver - 1;
}

/* Is @msg delivered here already?  Then where it is bound is final. */
static bool lsgc_msg_delivered(const struct lsgc_member *m,
			       const struct lsgc_msg *msg)
{
	return msg->seq && msg->seq < m->next_deliver;
}

/* Numbers the leader may bind: from what this member may still need to a
 * window ahead of its delivery point (see LSGC_SEQ_WINDOW).
 */
static bool lsgc_order_in_window(const struct lsgc_member *m, u64 first,
				 unsigned int nfrags)
{
	return first >= m->gc_seq &&
	       first + nfrags <= m->next_deliver + LSGC_SEQ_WINDOW;
}

/* A message is bound to [first, first + nfrags): record it everywhere.
 *
 * The leader binds every message once, so a binding that contradicts an
 * earlier one (another place for the message, or another message in the
 * place) was forged, or the earlier one was.  What was delivered stays
 * where it is; for the rest the leader's latest word wins, since keeping
 * the earlier binding would wedge delivery at a number the real message
 * could then never take.  A displaced message with no fragment (created
 * from a binding alone) goes; one with data stays unbound in the store.
 */
static void lsgc_order_apply(struct lsgc_member *m, struct lsgc_msg *msg,
			     u64 first)
{
	struct lsgc_msg *holder;
	unsigned int i;

	if (msg->seq == first)
		return;
	/* Before our start, or already delivered and collected. */
	if (first < m->gc_seq)
		return;
	if (lsgc_msg_delivered(m, msg)) {
		lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_MALFORMED);
		return;
	}
	for (i = 0; i < msg->nfrags; i++) {
		holder = lsgc_order_at(m, first + i);
		if (holder && holder != msg && lsgc_msg_delivered(m, holder)) {
			lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_MALFORMED);
			return;
		}
	}
	if (msg->seq)
		lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_MALFORMED);
	lsgc_order_unbind(m, msg);
	for (i = 0; i < msg->nfrags; i++) {
		holder = lsgc_order_at(m, first + i);
		if (!holder)
			continue;
		lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_MALFORMED);
		if (!holder->nhave && list_empty(&holder->tx_node))
			lsgc_msg_free(m, holder);
		else
			lsgc_order_unbind(m, holder);
	}
	for (i = 0; i < msg->nfrags; i++) {
		if (xa_err(xa_store(&m->order, lsgc_order_index(first + i), msg,
				    GFP_ATOMIC))) {
			lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_NOMEM);
			while (i--)
				xa_erase(&m->order, lsgc_order_index(first + i));
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
		m->bind_blocked = true;
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
		p->next_msg = lsgc_msg_no_next(p->next_msg);
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
	if (!lsgc_store_room(m, skb->truesize)) {
		lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_BACKLOG);
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
	lsgc_store_charge(m, msg, c->truesize);
	if (msg->nhave == msg->nfrags && !lsgc_msg_len_ok(msg)) {
		/* Fragments that do not add up: keep none of them. */
		unsigned int i;

		lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_MALFORMED);
		for (i = 0; i < msg->nfrags; i++) {
			lsgc_store_charge(m, msg, -(int)msg->frags[i]->truesize);
			kfree_skb(msg->frags[i]);
			msg->frags[i] = NULL;
		}
		msg->nhave = 0;
	} else if (msg->nhave == msg->nfrags && (msg->flags & LSGC_DATA_VIEW) &&
		   msg->origin == m->leader) {
		/* Unwrap the next view's key while its turn is coming. */
		lsgc_keys_view_seen(m, msg);
	}
}

/* Is @a before @b in a sender's message numbers (serial arithmetic: they
 * wrap after 2^32 messages, skipping 0)?
 */
static bool lsgc_msg_no_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

/* May a fragment fix what a message is (its flags and length)?  For a new
 * message and for one created from a binding alike: a drop counter, or
 * __LSGC_STAT_MAX when it may.
 */
static enum lsgc_stat lsgc_order_data_kind_refused(struct lsgc_member *m,
						   struct lsgc_peer *p,
						   const struct lsgc_data *d)
{
	/* Views come from the leader and nobody else. */
	if ((d->flags & LSGC_DATA_VIEW) && d->origin != m->leader)
		return p ? LSGC_STAT_DROP_MALFORMED : LSGC_STAT_DROP_NOT_MEMBER;
	return __LSGC_STAT_MAX;
}

/* Why a fragment of a message not in the store may not start one: a drop
 * counter, or __LSGC_STAT_MAX when it may.
 */
static enum lsgc_stat lsgc_order_data_refused(struct lsgc_member *m,
					      struct lsgc_peer *p,
					      const struct lsgc_data *d)
{
	enum lsgc_stat useless = p ? LSGC_STAT_DROP_STALE :
				     LSGC_STAT_DROP_NOT_MEMBER;
	enum lsgc_stat kind = lsgc_order_data_kind_refused(m, p, d);

	if (kind != __LSGC_STAT_MAX)
		return kind;
	/* The sequencer only orders messages of its current members. */
	if (m->role == LSGC_ROLE_LEADER && !p)
		return useless;
	/* A message of a member that already left, or one we saw bound and
	 * collected: nothing to do with it.
	 */
	if (p && m->role == LSGC_ROLE_LEADER && !d->seq &&
	    lsgc_msg_no_before(d->msg_no, p->next_msg))
		return useless;
	if (d->seq && !lsgc_order_in_window(m, d->seq - d->frag, d->nfrags))
		return LSGC_STAT_DROP_STALE;
	if (!lsgc_store_room(m, struct_size_t(struct lsgc_msg, frags,
					      d->nfrags)))
		return LSGC_STAT_DROP_BACKLOG;
	return __LSGC_STAT_MAX;
}

/* A sender resends a message the leader bound already: the ORDER that
 * told it so was lost.  Say it again (once per NAK delay), or the sender
 * holds the message in its window until a NAK nobody may ever send.
 */
static void lsgc_order_reannounce(struct lsgc_member *m, struct lsgc_msg *msg)
{
	unsigned long gap = lsgc_ms(READ_ONCE(m->ln->cfg.nak_delay_ms));

	if (msg->reannounced && time_before(jiffies, msg->reannounced + gap))
		return;
	msg->reannounced = jiffies;
	lsgc_order_add_binding(m, msg);
}

/* The sender's last fragment came but others of the message did not:
 * they were lost (a sender sends its fragments in order).  Name them, so
 * that the sender resends those and not the whole message; at most once
 * per NAK delay.
 */
static void lsgc_order_fnak(struct lsgc_member *m, struct lsgc_msg *msg)
{
	unsigned long gap = lsgc_ms(READ_ONCE(m->ln->cfg.nak_delay_ms));
	struct lsgc_fnak f = {
		.origin = msg->origin,
		.msg_no = msg->msg_no,
		.nfrags = msg->nfrags,
	};
	unsigned int i;

	if (msg->fnaked && time_before(jiffies, msg->fnaked + gap))
		return;
	msg->fnaked = jiffies;
	for (i = 0; i < msg->nfrags; i++)
		if (!msg->frags[i])
			f.missing[i / 8] |= 1U << (i % 8);
	lsgc_send_fnak(m, &f);
}

/* A sender's next message begins: if the one before it is still missing
 * fragments (its last one included, which would have asked), ask now
 * rather than at the sender's retransmission timeout.
 */
static void lsgc_order_fnak_prev(struct lsgc_member *m,
				 const struct lsgc_data *d)
{
	struct lsgc_msg *prev;

	prev = lsgc_msg_lookup(m, d->origin, d->msg_no - 1 ?: U32_MAX);
	if (prev && !prev->seq && prev->nhave && prev->nhave < prev->nfrags)
		lsgc_order_fnak(m, prev);
}

/**
 * lsgc_order_rx_fnak - the leader lacks fragments of one of our messages
 * @m: member, locked
 * @f: the request, from the leader
 *
 * Only the fragments named are sent again, and the message's
 * retransmission timer starts over: the leader has the rest.
 */
void lsgc_order_rx_fnak(struct lsgc_member *m, const struct lsgc_fnak *f)
{
	struct lsgc_msg *msg;
	unsigned int i;

	if (f->origin != m->self)
		return;
	lsgc_stat_inc(m->ln, m, LSGC_STAT_NAKS_RECEIVED);
	msg = lsgc_msg_lookup(m, m->self, f->msg_no);
	if (!msg || msg->seq || msg->nfrags != f->nfrags ||
	    list_empty(&msg->tx_node)) {
		lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_STALE);
		return;
	}
	for (i = 0; i < msg->nfrags; i++)
		if (f->missing[i / 8] & (1U << (i % 8)))
			lsgc_send_frag(m, msg, i, false);
	msg->sent = jiffies;
	lsgc_stat_inc(m->ln, m, LSGC_STAT_SENDER_RETRANSMITS);
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
	enum lsgc_stat refused;
	struct lsgc_msg *msg;

	lsgc_stat_inc(m->ln, m, LSGC_STAT_DATA_RECEIVED);
	/* Only the leader may speak for another member (a repair). */
	if (d->origin != h->sender && h->sender != m->leader) {
		lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_NOT_MEMBER);
		return;
	}
	/* Only the leader binds: a number from anybody else means nothing. */
	if (d->seq && h->sender != m->leader) {
		lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_MALFORMED);
		return;
	}
	if (d->seq && d->seq - d->frag < m->gc_seq) {
		lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_DUPLICATE);
		return;
	}
	msg = lsgc_msg_lookup(m, d->origin, d->msg_no);
	if (!msg) {
		refused = lsgc_order_data_refused(m, p, d);
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
		/* Created from a binding: the data fixes the rest, under the
		 * rules a new message obeys.
		 */
		refused = lsgc_order_data_kind_refused(m, p, d);
		if (msg->nfrags != d->nfrags)
			refused = LSGC_STAT_DROP_MALFORMED;
		if (refused != __LSGC_STAT_MAX) {
			lsgc_stat_inc(m->ln, m, refused);
			return;
		}
		msg->flags = d->flags;
		msg->total_len = d->total_len;
	} else if (msg->nfrags != d->nfrags || msg->flags != d->flags ||
		   msg->total_len != d->total_len) {
		lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_MALFORMED);
		return;
	}
	if (d->seq && !lsgc_order_in_window(m, d->seq - d->frag, d->nfrags)) {
		lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_STALE);
		return;
	}
	lsgc_order_store_frag(m, msg, d, skb);
	if (d->seq)
		lsgc_order_apply(m, msg, d->seq - d->frag);
	if (m->role == LSGC_ROLE_LEADER && p) {
		if (msg->seq && !d->seq && h->sender == d->origin)
			lsgc_order_reannounce(m, msg);
		else if (msg->nhave == msg->nfrags)
			lsgc_order_bind_from(m, p);
		else if (!msg->seq && h->sender == d->origin &&
			 d->frag == msg->nfrags - 1)
			lsgc_order_fnak(m, msg);
		if (!d->seq && !d->frag && h->sender == d->origin)
			lsgc_order_fnak_prev(m, d);
	}
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
		if (!lsgc_order_in_window(m, b.seq, b.nfrags)) {
			lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_STALE);
			continue;
		}
		msg = lsgc_msg_lookup(m, b.origin, b.msg_no);
		if (!msg) {
			if (!lsgc_store_room(m, struct_size_t(struct lsgc_msg,
							      frags, b.nfrags))) {
				lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_BACKLOG);
				continue;
			}
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

/* Repair [from, to] for one member's NAK.  Several members NAK the same
 * loss: within a NAK delay each fragment is repaired once, whoever asks.
 */
static void lsgc_order_repair(struct lsgc_member *m, u64 from, u64 to)
{
	unsigned long gap = lsgc_ms(READ_ONCE(m->ln->cfg.nak_delay_ms));
	unsigned long now = jiffies;
	struct lsgc_msg *msg;
	unsigned int frag;
	u64 s = from, end;

	while (s <= to && s < m->next_seq) {
		msg = lsgc_order_at(m, s);
		if (!msg) {
			s++;
			continue;
		}
		end = min(to, msg->seq + msg->nfrags - 1);
		if (!msg->repaired || !time_before(now, msg->repaired + gap)) {
			msg->repaired = now;
			bitmap_zero(msg->repair_map, LSGC_MAX_FRAGS);
		}
		for (; s <= end; s++) {
			frag = s - msg->seq;
			if (__test_and_set_bit(frag, msg->repair_map))
				continue;
			lsgc_stat_inc(m->ln, m, LSGC_STAT_RETRANSMITS);
			lsgc_send_frag(m, msg, frag, true);
		}
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
	u64 hole = m->nak_from ?: m->next_deliver;
	bool suppress = m->role != LSGC_ROLE_LEADER && m->nak_due &&
			hole >= from && hole <= to;

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
	/* Repairs go out under the epoch the asker holds. */
	m->tx_epoch_hint = h->epoch;
	lsgc_order_repair(m, max(from, m->gc_seq), to);
	m->tx_epoch_hint = 0;
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
 * when the socket has no room (or no memory for the record): delivery
 * stops there and resumes when the application reads, or at the next
 * tick (reliable delivery never drops).  A record the socket's filter or
 * the LSM refuses counts as delivered: the application asked not to see
 * it.
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
	/* The socket lingers in close() or LSGC_LEAVE: nobody will read
	 * (its queue is purged when the wait ends), and a queue left full
	 * would hold the group's stability, and with it the ordering of
	 * the very messages the linger waits for.
	 */
	if (m->draining)
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
	if (lsgc_sock_queue_rcv(sk, skb))
		lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_FILTER);
	else
		lsgc_stat_inc(m->ln, m, LSGC_STAT_DATA_DELIVERED);
	return true;
}

/* A message that claims to be a view but is not the leader's is no view:
 * the leader never binds one, so only a forgery gets here.
 */
static bool lsgc_order_is_view(struct lsgc_member *m, struct lsgc_msg *msg)
{
	if (!(msg->flags & LSGC_DATA_VIEW))
		return false;
	if (msg->origin == m->leader)
		return true;
	lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_MALFORMED);
	return false;
}

/**
 * lsgc_order_deliver - deliver every message that is next in the order
 * and complete
 * @m: member, locked
 */
void lsgc_order_deliver(struct lsgc_member *m)
{
	struct lsgc_msg *msg;
	bool ok;

	while (m->next_deliver <= m->high && !m->dead) {
		if (m->state != LSGC_STATE_MEMBER &&
		    m->state != LSGC_STATE_JOINING)
			break;
		msg = lsgc_order_at(m, m->next_deliver);
		if (!msg || msg->nhave < msg->nfrags)
			break;
		if (msg->flags & LSGC_DATA_VIEW) {
			/* Out of memory for the view: try again later. */
			ok = !lsgc_order_is_view(m, msg) ||
			     !lsgc_membership_install(m, msg);
			if (!ok) {
				m->rx_blocked = true;
				break;
			}
		} else if (!lsgc_order_deliver_one(m, msg)) {
			if (!m->rx_blocked)
				lsgc_stat_inc(m->ln, m, LSGC_STAT_RCVBUF_STALLS);
			m->rx_blocked = true;
			break;
		}
		m->rx_blocked = false;
		m->next_deliver += msg->nfrags;
		m->nak_due = 0;
		m->nak_from = 0;
	}
	/* The leader's own delivery is part of the stable point: a leader
	 * alone is the whole group, and must not stall after one backlog.
	 */
	if (m->role == LSGC_ROLE_LEADER)
		lsgc_order_set_stable(m, lsgc_leader_stable_point(m));
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
		msg = lsgc_order_at(m, s);
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
	if (high > m->high && high >= m->start_seq &&
	    high < m->next_deliver + LSGC_SEQ_WINDOW)
		m->high = high;
}

/* Is fragment @seq here?  Either its number is bound and the fragment
 * arrived, or nothing is known of it yet.
 */
static bool lsgc_order_have(struct lsgc_member *m, u64 seq)
{
	struct lsgc_msg *msg = lsgc_order_at(m, seq);

	return msg && msg->frags[seq - msg->seq];
}

/* NAK exactly what is missing ahead of delivery: the numbers nothing is
 * bound to yet, and the fragments of bound messages that did not arrive,
 * as up to LSGC_NAK_RANGES ranges.  Asking for whole messages (or for
 * everything up to the next complete one) turned one lost fragment of a
 * 64 KiB message into some 45 repairs to every member, into receivers
 * that were losing packets already.
 */
static void lsgc_order_nak_holes(struct lsgc_member *m)
{
	u64 end = min(m->high, m->next_deliver + LSGC_NAK_SCAN - 1);
	unsigned int ranges = 0;
	u64 s, from = 0;

	m->nak_from = 0;
	for (s = m->next_deliver; s <= end && ranges < LSGC_NAK_RANGES; s++) {
		if (lsgc_order_have(m, s)) {
			if (from) {
				lsgc_send_nak(m, from, s - 1);
				ranges++;
				from = 0;
			}
			continue;
		}
		if (!m->nak_from)
			m->nak_from = s;
		if (from && s - from == LSGC_NAK_MAX_SPAN) {
			lsgc_send_nak(m, from, s - 1);
			ranges++;
			from = 0;
		}
		if (!from && ranges < LSGC_NAK_RANGES)
			from = s;
	}
	if (from && ranges < LSGC_NAK_RANGES)
		lsgc_send_nak(m, from, s - 1);
}

static void lsgc_order_nak_tick(struct lsgc_member *m, unsigned long now)
{
	int delay = READ_ONCE(m->ln->cfg.nak_delay_ms);

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
	lsgc_order_nak_holes(m);
	m->nak_due = now + lsgc_ms(2 * delay) + get_random_u32_below(lsgc_ms(delay));
}

/* The sequencer has not ordered our oldest messages: probe for those
 * whose time came again with their last fragment (the sequencer says
 * again where it bound one it did bind, asks with an FNAK for the
 * fragments it lacks, and drops a duplicate), oldest first and at most
 * LSGC_RETX_BUDGET probes a tick.  Repair stays proportional to what was
 * lost: a message is never resent whole for one lost fragment.  Back
 * off: a sequencer that holds messages back for flow control has them.
 */
static void lsgc_order_retransmit_tick(struct lsgc_member *m, unsigned long now)
{
	unsigned long rto = lsgc_ms(READ_ONCE(m->ln->cfg.retransmit_ms));
	int budget = LSGC_RETX_BUDGET;
	struct lsgc_msg *msg;

	list_for_each_entry(msg, &m->tx_unbound, tx_node) {
		if (time_before(now, msg->sent + (rto << msg->retries)))
			continue;
		msg->sent = now;
		if (msg->retries < 4)
			msg->retries++;
		/* The last fragment alone: the leader answers it with what
		 * it lacks (FNAK), or, if it has the message bound, with
		 * the binding again.
		 */
		lsgc_send_frag(m, msg, msg->nfrags - 1, false);
		lsgc_stat_inc(m->ln, m, LSGC_STAT_SENDER_RETRANSMITS);
		if (--budget <= 0)
			break;
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
	WARN_ON_ONCE(m->store_bytes);
	xa_destroy(&m->order);
	consume_skb(m->order_skb);
	m->order_skb = NULL;
}
