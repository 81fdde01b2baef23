// SPDX-License-Identifier: GPL-2.0
/*
 * Building packets.  Under a member's lock packets are only built and
 * queued on its xmitq; lsgc_member_flush() seals and transmits them after
 * the lock is dropped.  The send paths of the two socket types live here
 * too: the reliable one fragments a message to the path MTU and keeps it
 * in the sender's window until the sequencer has ordered it.
 */
#include <linux/skbuff.h>
#include <linux/random.h>

#include "lsgc.h"
#include "netlink.h"
#include "trace.h"

static void lsgc_pkt_fill_hdr(struct lsgc_member *m, struct sk_buff *skb,
			      u8 type)
{
	struct lsgc_hdr h = {
		.type = type,
		.session = m->session,
		.sender = m->self,
	};

	/* Epoch and counter are the seal step's to fill. */
	lsgc_wire_put_hdr(skb->data, &h);
}

/**
 * lsgc_pkt_alloc - allocate a packet with its header and a zeroed body
 * @m: sending member
 * @type: message type
 * @body: body length
 * @gfp: allocation context
 *
 * Return: the skb, data at the header, or NULL.
 */
struct sk_buff *lsgc_pkt_alloc(struct lsgc_member *m, u8 type, size_t body,
			       gfp_t gfp)
{
	unsigned int headroom = lsgc_transport_headroom(m->t);
	struct sk_buff *skb;

	skb = alloc_skb(headroom + LSGC_HDR_LEN + body + LSGC_TAG_RESERVE, gfp);
	if (!skb)
		return NULL;
	skb_reserve(skb, headroom);
	skb_put_zero(skb, LSGC_HDR_LEN + body);
	lsgc_pkt_fill_hdr(m, skb, type);
	/* Sealed in the epoch it was built in (lsgc_seal()). */
	LSGC_TX_CB(skb)->epoch = m->tx_epoch_hint ?: m->epoch;
	LSGC_TX_CB(skb)->sealed = false;
	return skb;
}

void lsgc_pkt_queue(struct lsgc_member *m, struct sk_buff *skb)
{
	skb_queue_tail(&m->xmitq, skb);
}

static void lsgc_fill_data(struct lsgc_member *m, struct sk_buff *skb,
			   const struct lsgc_msg *msg, unsigned int frag)
{
	struct lsgc_data d = {
		.origin = msg->origin,
		.msg_no = msg->msg_no,
		.frag = frag,
		.nfrags = msg->nfrags,
		.flags = msg->flags,
		.total_len = msg->total_len,
		.seq = msg->seq ? msg->seq + frag : 0,
	};

	lsgc_wire_put_data(skb->data + LSGC_HDR_LEN, &d);
}

/**
 * lsgc_send_frag - queue one fragment of a stored message
 * @m: member, locked
 * @msg: the message; its fragment @frag is present
 * @frag: fragment index
 * @repair: a repair by the leader (counted apart)
 */
void lsgc_send_frag(struct lsgc_member *m, struct lsgc_msg *msg,
		    unsigned int frag, bool repair)
{
	struct sk_buff *payload = msg->frags[frag];
	struct sk_buff *skb;

	if (!payload)
		return;
	skb = lsgc_pkt_alloc(m, LSGC_T_DATA,
			     sizeof(struct lsgc_wire_data) + payload->len,
			     GFP_ATOMIC);
	if (!skb)
		return;
	lsgc_fill_data(m, skb, msg, frag);
	skb_copy_bits(payload, 0,
		      skb->data + LSGC_HDR_LEN + sizeof(struct lsgc_wire_data),
		      payload->len);
	lsgc_pkt_queue(m, skb);
	if (repair || msg->retries)
		trace_lsgc_retransmit(m, msg->origin, msg->msg_no,
				      msg->seq ? msg->seq + frag : 0, frag,
				      repair);
	if (!repair)
		lsgc_stat_inc(m->ln, m, LSGC_STAT_FRAGMENTS_SENT);
}

void lsgc_send_msg_frags(struct lsgc_member *m, struct lsgc_msg *msg,
			 bool repair)
{
	unsigned int i;

	for (i = 0; i < msg->nfrags; i++)
		lsgc_send_frag(m, msg, i, repair);
	msg->announced = true;
}

void lsgc_send_heartbeat(struct lsgc_member *m)
{
	unsigned long interval = lsgc_ms(READ_ONCE(m->ln->cfg.heartbeat_interval_ms));
	struct lsgc_heartbeat hb = {
		.delivered = lsgc_order_delivered(m),
		.view_id = m->view ? m->view->id : 0,
	};
	struct sk_buff *skb;

	if (m->role == LSGC_ROLE_LEADER) {
		hb.high = m->next_seq - 1;
		hb.stable = m->stable;
	} else {
		hb.high = m->high;
		hb.stable = min(m->stable, m->high);
	}
	m->next_heartbeat = jiffies + interval;
	m->last_acked = hb.delivered;
	skb = lsgc_pkt_alloc(m, LSGC_T_HEARTBEAT,
			     sizeof(struct lsgc_wire_heartbeat), GFP_ATOMIC);
	if (!skb)
		return;
	lsgc_wire_put_heartbeat(skb->data + LSGC_HDR_LEN, &hb);
	lsgc_pkt_queue(m, skb);
}

void lsgc_send_nak(struct lsgc_member *m, u64 from, u64 to)
{
	struct sk_buff *skb;

	skb = lsgc_pkt_alloc(m, LSGC_T_NAK, sizeof(struct lsgc_wire_nak),
			     GFP_ATOMIC);
	if (!skb)
		return;
	lsgc_wire_put_nak(skb->data + LSGC_HDR_LEN, from, to);
	trace_lsgc_nak_send(m, from, to);
	lsgc_pkt_queue(m, skb);
	lsgc_stat_inc(m->ln, m, LSGC_STAT_NAKS_SENT);
}

/**
 * lsgc_send_fnak - the leader asks a sender for the fragments it lacks
 * @m: the leader, locked
 * @f: the sender, its message and the missing fragments
 */
void lsgc_send_fnak(struct lsgc_member *m, const struct lsgc_fnak *f)
{
	struct sk_buff *skb;

	skb = lsgc_pkt_alloc(m, LSGC_T_FNAK, sizeof(struct lsgc_wire_fnak),
			     GFP_ATOMIC);
	if (!skb)
		return;
	lsgc_wire_put_fnak(skb->data + LSGC_HDR_LEN, f);
	lsgc_pkt_queue(m, skb);
	lsgc_stat_inc(m->ln, m, LSGC_STAT_NAKS_SENT);
}

void lsgc_send_member_ref(struct lsgc_member *m, u8 type, u32 member,
			  u32 reason)
{
	struct sk_buff *skb;

	skb = lsgc_pkt_alloc(m, type, sizeof(struct lsgc_wire_member_ref),
			     GFP_ATOMIC);
	if (!skb)
		return;
	lsgc_wire_put_member_ref(skb->data + LSGC_HDR_LEN, member, reason);
	lsgc_pkt_queue(m, skb);
}

void lsgc_send_join(struct lsgc_member *m, u8 type, const struct lsgc_join *j)
{
	struct sk_buff *skb;

	skb = lsgc_pkt_alloc(m, type, lsgc_wire_join_len(type), GFP_ATOMIC);
	if (!skb)
		return;
	lsgc_wire_put_join(skb->data + LSGC_HDR_LEN, type, j);
	lsgc_pkt_queue(m, skb);
}

/* Room for one more reliable message: the sender's window at a member,
 * the sequencer's backlog at the leader (whose own messages are ordered
 * at once and so never wait in a window).
 */
static bool lsgc_tx_room(struct lsgc_member *m)
{
	if (m->role == LSGC_ROLE_LEADER)
		return m->next_seq - 1 - m->stable <
		       (u64)READ_ONCE(m->ln->cfg.backlog);
	return m->tx_inflight < (unsigned int)READ_ONCE(m->ln->cfg.window);
}

/**
 * lsgc_member_writable - may a reliable message be sent without waiting
 * @m: member
 *
 * Lockless snapshot for poll().
 */
bool lsgc_member_writable(struct lsgc_member *m)
{
	return READ_ONCE(m->state) == LSGC_STATE_MEMBER && lsgc_tx_room(m);
}

static int lsgc_state_errno(struct lsgc_member *m)
{
	switch (m->state) {
	case LSGC_STATE_MEMBER:
		return 0;
	case LSGC_STATE_FAILED:
		return -ECONNRESET;
	default:
		return -ENOTCONN;
	}
}

static int lsgc_wait_tx_room(struct lsgc_member *m, struct sock *sk,
			     long *timeo)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	bool stalled = false;
	int err;

	add_wait_queue(sk_sleep(sk), &wait);
	for (;;) {
		spin_lock_bh(&m->lock);
		err = lsgc_state_errno(m);
		if (!err && lsgc_tx_room(m)) {
			spin_unlock_bh(&m->lock);
			break;
		}
		spin_unlock_bh(&m->lock);
		if (err)
			break;
		if (!stalled) {
			lsgc_stat_inc(m->ln, m, LSGC_STAT_WINDOW_STALLS);
			stalled = true;
		}
		err = -EAGAIN;
		if (!*timeo)
			break;
		err = sock_intr_errno(*timeo);
		if (signal_pending(current))
			break;
		release_sock(sk);
		*timeo = wait_woken(&wait, TASK_INTERRUPTIBLE, *timeo);
		lock_sock(sk);
	}
	remove_wait_queue(sk_sleep(sk), &wait);
	return err;
}

/* Allocate the wire packets of a message and copy the user's bytes in;
 * the stored fragments are clones that see only the payload.
 */
static int lsgc_build_frags(struct lsgc_member *m, struct sock *sk,
			    struct msghdr *msg, size_t len,
			    struct lsgc_msg *rmsg, struct sk_buff_head *q)
{
	unsigned int headroom = lsgc_transport_headroom(m->t);
	unsigned int fp = m->frag_payload, i, chunk;
	unsigned int hlen = LSGC_HDR_LEN + sizeof(struct lsgc_wire_data);
	int nonblock = msg->msg_flags & MSG_DONTWAIT;
	struct sk_buff *skb;
	int err;

	for (i = 0; i < rmsg->nfrags; i++) {
		chunk = min_t(size_t, fp, len - (size_t)i * fp);
		/* Wait for SO_SNDBUF room once, for the first fragment; the
		 * rest are forced in, or a message larger than the buffer
		 * could never be sent.
		 */
		if (!i) {
			skb = sock_alloc_send_pskb(sk, headroom + hlen + chunk +
						   LSGC_TAG_RESERVE, 0,
						   nonblock, &err, 0);
			if (!skb)
				return err;
		} else {
			skb = sock_wmalloc(sk, headroom + hlen + chunk +
					   LSGC_TAG_RESERVE, 1, GFP_KERNEL);
			if (!skb)
				return -ENOBUFS;
		}
		__skb_queue_tail(q, skb);
		skb_reserve(skb, headroom);
		skb_put_zero(skb, hlen);
		err = memcpy_from_msg(skb_put(skb, chunk), msg, chunk);
		if (err)
			return err;
		rmsg->frags[i] = skb_clone(skb, GFP_KERNEL);
		if (!rmsg->frags[i])
			return -ENOBUFS;
		__skb_pull(rmsg->frags[i], hlen);
	}
	rmsg->nhave = rmsg->nfrags;
	return 0;
}

static void lsgc_free_unqueued(struct lsgc_msg *rmsg)
{
	unsigned int i;

	for (i = 0; i < rmsg->nfrags; i++)
		kfree_skb(rmsg->frags[i]);
	kfree(rmsg);
}

/**
 * lsgc_send_reliable - send one message on the totally ordered channel
 * @m: member the socket is attached to
 * @msg: the user's message
 * @len: its length, at most LSGC_MAX_MSG
 * @sk: the SOCK_SEQPACKET socket, locked by the caller
 *
 * Return: @len, or a negative errno.  The packets wait on the member's
 * xmitq for the caller's lsgc_member_flush(), after the socket lock.
 */
int lsgc_send_reliable(struct lsgc_member *m, struct msghdr *msg, size_t len,
		       struct sock *sk)
{
	long timeo = sock_sndtimeo(sk, msg->msg_flags & MSG_DONTWAIT);
	struct sk_buff_head q;
	struct lsgc_msg *rmsg;
	struct lsgc_peer *self;
	struct sk_buff *skb;
	unsigned int nfrags, i = 0;
	unsigned long flags;
	int err;

	err = lsgc_wait_tx_room(m, sk, &timeo);
	if (err)
		return err;
	nfrags = max_t(unsigned int, 1, DIV_ROUND_UP(len, m->frag_payload));
	rmsg = kzalloc(struct_size(rmsg, frags, nfrags), GFP_KERNEL_ACCOUNT);
	if (!rmsg)
		return -ENOBUFS;
	rmsg->nfrags = nfrags;
	rmsg->total_len = len;
	INIT_LIST_HEAD(&rmsg->tx_node);
	__skb_queue_head_init(&q);
	err = lsgc_build_frags(m, sk, msg, len, rmsg, &q);
	if (err)
		goto err_free;

	spin_lock_bh(&m->lock);
	err = lsgc_state_errno(m);
	if (err) {
		spin_unlock_bh(&m->lock);
		goto err_free;
	}
	/* Numbered only now, so a failed copy never leaves a hole in the
	 * sender's order that the sequencer would wait on forever.
	 */
	rmsg->origin = m->self;
	rmsg->msg_no = m->next_msg_no;
	m->next_msg_no = lsgc_msg_no_next(m->next_msg_no);
	rmsg->born = jiffies;
	rmsg->sent = jiffies;
	hash_add(m->msgs, &rmsg->hnode, ((u64)rmsg->origin << 32) | rmsg->msg_no);
	m->nmsgs++;
	/* Counted, never refused: the window bounds what a sender keeps. */
	lsgc_store_charge(m, rmsg, struct_size(rmsg, frags, nfrags));
	for (i = 0; i < nfrags; i++)
		lsgc_store_charge(m, rmsg, rmsg->frags[i]->truesize);
	i = 0;
	list_add_tail(&rmsg->tx_node, &m->tx_unbound);
	m->tx_inflight++;
	self = lsgc_peer_find(m, m->self);
	if (m->role == LSGC_ROLE_LEADER && self)
		lsgc_order_bind_from(m, self);
	rmsg->announced = true;
	skb_queue_walk(&q, skb) {
		lsgc_pkt_fill_hdr(m, skb, LSGC_T_DATA);
		lsgc_fill_data(m, skb, rmsg, i++);
	}
	/* The xmitq has its own lock: lsgc_member_flush() dequeues without
	 * m->lock, so splicing under m->lock alone would race with it.
	 */
	spin_lock_irqsave(&m->xmitq.lock, flags);
	skb_queue_splice_tail_init(&q, &m->xmitq);
	spin_unlock_irqrestore(&m->xmitq.lock, flags);
	lsgc_stat_inc(m->ln, m, LSGC_STAT_DATA_SENT);
	lsgc_stat_add(m->ln, m, LSGC_STAT_FRAGMENTS_SENT, nfrags);
	lsgc_order_deliver(m);
	lsgc_order_flush_bindings(m);
	spin_unlock_bh(&m->lock);
	/* The caller transmits after releasing the socket lock. */
	return len;

err_free:
	__skb_queue_purge(&q);
	lsgc_free_unqueued(rmsg);
	return err;
}

/**
 * lsgc_send_dgram - send one best-effort datagram to the group
 * @m: member the socket is attached to
 * @msg: the user's message
 * @len: its length
 * @sk: the SOCK_DGRAM socket
 *
 * Return: @len, or a negative errno.  The packets wait on the member's
 * xmitq for the caller's lsgc_member_flush(), after the socket lock.
 */
int lsgc_send_dgram(struct lsgc_member *m, struct msghdr *msg, size_t len,
		    struct sock *sk)
{
	unsigned int headroom = lsgc_transport_headroom(m->t);
	struct sk_buff *skb;
	int err;

	if (len > m->dgram_max)
		return -EMSGSIZE;
	spin_lock_bh(&m->lock);
	err = lsgc_state_errno(m);
	spin_unlock_bh(&m->lock);
	if (err)
		return err;
	skb = sock_alloc_send_pskb(sk, headroom + LSGC_HDR_LEN + len +
				   LSGC_TAG_RESERVE, 0,
				   msg->msg_flags & MSG_DONTWAIT, &err, 0);
	if (!skb)
		return err;
	skb_reserve(skb, headroom);
	skb_put_zero(skb, LSGC_HDR_LEN);
	err = memcpy_from_msg(skb_put(skb, len), msg, len);
	if (err) {
		kfree_skb(skb);
		return err;
	}
	lsgc_pkt_fill_hdr(m, skb, LSGC_T_UDATA);
	skb_queue_tail(&m->xmitq, skb);
	lsgc_stat_inc(m->ln, m, LSGC_STAT_UDATA_SENT);
	return len;
}
