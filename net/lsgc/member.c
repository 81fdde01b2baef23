// SPDX-License-Identifier: GPL-2.0
/*
 * Membership lifetime: creation on the first join of an identity in a
 * group, sharing between that identity's SOCK_SEQPACKET and SOCK_DGRAM
 * sockets, failure reported to every attached socket, and teardown when
 * the last socket leaves.
 *
 * References: the transport's member list holds one, each attached socket
 * one.  The receive path finds members under RCU without a reference, so
 * the memory is freed after a grace period and @dead tells late packets
 * and the timer to leave it alone.
 */
#include <crypto/algapi.h>
#include <linux/module.h>

#include "lsgc.h"
#include "netlink.h"
#include "trace.h"

static void lsgc_member_free_rcu(struct rcu_head *head)
{
	struct lsgc_member *m = container_of(head, struct lsgc_member, rcu);

	lsgc_order_destroy(m);
	lsgc_membership_destroy(m);
	lsgc_keys_destroy(m);
	skb_queue_purge(&m->xmitq);
	kfree_sensitive(m);
}

static void lsgc_member_release(struct kref *ref)
{
	struct lsgc_member *m = container_of(ref, struct lsgc_member, ref);

	call_rcu(&m->rcu, lsgc_member_free_rcu);
}

void lsgc_member_put(struct lsgc_member *m)
{
	kref_put(&m->ref, lsgc_member_release);
}

/**
 * lsgc_member_flush - seal and transmit what the member queued
 * @m: member, not locked; the caller holds a reference
 *
 * The transport is the member's until detach unlinks it: a flush that
 * races with the last detach (a sendmsg() or recvmsg() holding only a
 * member reference) must not touch a transport already put.  The
 * transport is freed after an RCU grace period, so checking @unlinked
 * inside the read-side section is enough.
 */
void lsgc_member_flush(struct lsgc_member *m)
{
	struct sk_buff *skb;
	unsigned int len;

	rcu_read_lock_bh();
	while ((skb = skb_dequeue(&m->xmitq))) {
		if (READ_ONCE(m->unlinked)) {
			kfree_skb(skb);
			continue;
		}
		if (lsgc_seal(m, skb)) {
			lsgc_stat_inc(m->ln, m, LSGC_STAT_TX_ERRORS);
			kfree_skb(skb);
			continue;
		}
		len = lsgc_transport_xmit(m->t, skb);
		if (!len) {
			lsgc_member_stat_add(m, LSGC_STAT_TX_ERRORS, 1);
			continue;
		}
		lsgc_member_stat_add(m, LSGC_STAT_TX_PACKETS, 1);
		lsgc_member_stat_add(m, LSGC_STAT_TX_BYTES, len);
	}
	rcu_read_unlock_bh();
}

/**
 * lsgc_member_fail - the membership ended against our will
 * @m: member, locked
 * @err: positive errno every attached socket reports
 */
void lsgc_member_fail(struct lsgc_member *m, int err)
{
	bool joining = m->state == LSGC_STATE_JOINING;
	struct sock *socks[2] = { m->seq_sk, m->dgram_sk };
	unsigned int i;

	if (m->state != LSGC_STATE_JOINING && m->state != LSGC_STATE_MEMBER)
		return;
	m->err = err;
	WRITE_ONCE(m->state, LSGC_STATE_FAILED);
	trace_lsgc_member_fail(m, m->self, err);
	lsgc_nl_notify(m, LSGC_EVENT_FAILED, m->self, 0, err);
	wake_up_all(&m->join_wq);
	for (i = 0; i < ARRAY_SIZE(socks); i++) {
		if (!socks[i])
			continue;
		/* A blocking join reports its failure itself; a join in
		 * progress on a non-blocking socket reports it in SO_ERROR,
		 * as a failed connect() does.
		 */
		if (!joining || !lsgc_sk(socks[i])->join_waiting)
			WRITE_ONCE(socks[i]->sk_err, err);
		sk_error_report(socks[i]);
	}
}

void lsgc_member_kick_rx(struct lsgc_member *m)
{
	spin_lock_bh(&m->lock);
	if (m->rx_blocked && !m->dead)
		lsgc_order_deliver(m);
	spin_unlock_bh(&m->lock);
	lsgc_member_flush(m);
}

static struct lsgc_member *lsgc_member_alloc(struct lsgc_net *ln,
					     struct lsgc_transport *t,
					     const struct lsgc_join_req *req,
					     const u8 *ltk)
{
	const u8 *id = req->id;
	unsigned int mtu = lsgc_transport_mtu(t);
	struct lsgc_member *m;

	m = kzalloc(sizeof(*m), GFP_KERNEL_ACCOUNT);
	if (!m)
		return NULL;
	m->ln = ln;
	m->t = t;
	kref_init(&m->ref);
	init_waitqueue_head(&m->join_wq);
	spin_lock_init(&m->lock);
	skb_queue_head_init(&m->xmitq);
	xa_init(&m->peers);
	xa_init(&m->order);
	hash_init(m->msgs);
	INIT_LIST_HEAD(&m->tx_unbound);
	memcpy(m->id, id, LSGC_ID_LEN);
	m->state = LSGC_STATE_JOINING;
	m->next_msg_no = lsgc_msg_no_start;
	m->frag_payload = mtu - LSGC_HDR_LEN - sizeof(struct lsgc_wire_data) -
			  LSGC_TAG_RESERVE;
	m->frag_payload = max_t(unsigned int, m->frag_payload,
				LSGC_MIN_FRAG_PAYLOAD);
	m->dgram_max = mtu - LSGC_HDR_LEN - LSGC_TAG_RESERVE;
	lsgc_timers_init(m);
	lsgc_keys_init(m, !!ltk, ltk,
		       (req->flags & LSGC_JOIN_CHACHA20POLY1305) ?
		       LSGC_CIPHER_CHACHA20POLY1305 : LSGC_CIPHER_AES_GCM);
	return m;
}

/* A member the socket may attach to.  Detach decides "last socket gone"
 * and unlinks the member under ln->lock, which the caller holds, so a
 * member found here cannot be torn down under us.
 */
static struct lsgc_member *lsgc_member_find(struct lsgc_transport *t,
					    const u8 *id)
{
	struct lsgc_member *m;

	lockdep_assert_held(&t->ln->lock);
	list_for_each_entry(m, &t->members, tnode) {
		if (memcmp(m->id, id, LSGC_ID_LEN))
			continue;
		if (!READ_ONCE(m->dead) &&
		    (READ_ONCE(m->state) == LSGC_STATE_JOINING ||
		     READ_ONCE(m->state) == LSGC_STATE_MEMBER))
			return m;
	}
	return NULL;
}

static struct sock **lsgc_member_slot(struct lsgc_member *m, struct sock *sk)
{
	return sk->sk_type == SOCK_SEQPACKET ? &m->seq_sk : &m->dgram_sk;
}

/* Attach @lsk to the member of its identity, making one if needed. */
static struct lsgc_member *lsgc_member_attach(struct lsgc_sock *lsk,
					      const struct lsgc_join_req *req,
					      const u8 *ltk)
{
	struct lsgc_net *ln = lsgc_pernet(sock_net(&lsk->sk));
	struct lsgc_transport *t;
	struct lsgc_member *m;
	struct sock **slot;
	int err = 0;

	mutex_lock(&ln->lock);
	t = lsgc_transport_get(ln, &req->group);
	if (IS_ERR(t)) {
		mutex_unlock(&ln->lock);
		return ERR_CAST(t);
	}
	m = lsgc_member_find(t, req->id);
	if (m) {
		lsgc_transport_put(t);
		spin_lock_bh(&m->lock);
		slot = lsgc_member_slot(m, &lsk->sk);
		if (*slot || m->dead) {
			err = -EADDRINUSE;
		} else if (m->secure != !!ltk ||
			   (ltk && crypto_memneq(ltk, m->ltk, LSGC_KEY_LEN))) {
			/* The other socket of an identity shares its
			 * membership only with the same key.
			 */
			err = -EKEYREJECTED;
		} else {
			*slot = &lsk->sk;
			m->nsocks++;
			kref_get(&m->ref);
		}
		spin_unlock_bh(&m->lock);
		mutex_unlock(&ln->lock);
		return err ? ERR_PTR(err) : m;
	}

	m = lsgc_member_alloc(ln, t, req, ltk);
	if (!m) {
		lsgc_transport_put(t);
		mutex_unlock(&ln->lock);
		return ERR_PTR(-ENOMEM);
	}
	/* A secure group's creator draws its first key here, where it may
	 * sleep; every later one is drawn ahead by the crypto work.
	 */
	if (ltk && (req->flags & LSGC_JOIN_CREATE)) {
		m->next_key = lsgc_skey_new(m->cipher, 0, NULL);
		if (IS_ERR(m->next_key)) {
			err = PTR_ERR(m->next_key);
			m->next_key = NULL;
			lsgc_transport_put(t);
			mutex_unlock(&ln->lock);
			lsgc_keys_destroy(m);
			kfree_sensitive(m);
			return ERR_PTR(err);
		}
	}
	*lsgc_member_slot(m, &lsk->sk) = &lsk->sk;
	m->nsocks = 1;
	kref_get(&m->ref);
	list_add_rcu(&m->tnode, &t->members);

	spin_lock_bh(&m->lock);
	m->join_deadline = jiffies + msecs_to_jiffies(req->timeout_ms ?:
				READ_ONCE(ln->cfg.join_timeout_ms));
	if (req->flags & LSGC_JOIN_CREATE) {
		err = lsgc_membership_create(m);
		if (err)
			lsgc_member_fail(m, -err);
	} else {
		lsgc_membership_start_join(m);
	}
	spin_unlock_bh(&m->lock);
	lsgc_timers_start(m);
	mutex_unlock(&ln->lock);
	return m;
}

/* Is the join of @m, which @lsk started, over?  Also when another thread
 * detached the socket (LSGC_LEAVE) while the join waited.
 */
static bool lsgc_join_over(struct lsgc_sock *lsk, struct lsgc_member *m)
{
	return READ_ONCE(m->state) != LSGC_STATE_JOINING ||
	       READ_ONCE(lsk->member) != m;
}

/**
 * lsgc_member_join - join a socket to a group
 * @lsk: the socket, locked by the caller, not attached
 * @req: validated join request
 * @ltk: the long-term key of a secure join, NULL for an insecure one
 * @nonblock: return at once with -EINPROGRESS, as connect() does
 *
 * The wait for the leader's answer happens without the socket lock, so
 * that send(), LSGC_LEAVE, shutdown() and close() from other threads are
 * not held up for the join's timeout; the socket is locked again on
 * return.
 *
 * Return: 0 once the member is in an installed view; -EINPROGRESS for a
 * non-blocking socket (poll() reports EPOLLOUT when admitted, EPOLLERR
 * and SO_ERROR when refused); -EINTR on a signal; -ECONNABORTED when the
 * socket was detached meanwhile; else the join's failure (-ETIMEDOUT when
 * no leader answered, the leader's refusal, ...).
 */
int lsgc_member_join(struct lsgc_sock *lsk, const struct lsgc_join_req *req,
		     const u8 *ltk, bool nonblock)
{
	struct sock *sk = &lsk->sk;
	struct lsgc_member *m;
	int err;

	m = lsgc_member_attach(lsk, req, ltk);
	if (IS_ERR(m))
		return PTR_ERR(m);
	WRITE_ONCE(lsk->member, m);
	lsk->req = *req;
	WRITE_ONCE(sk->sk_err, 0);
	lsgc_member_flush(m);
	if (nonblock && READ_ONCE(m->state) == LSGC_STATE_JOINING)
		return -EINPROGRESS;

	kref_get(&m->ref);
	lsk->join_waiting = true;
	release_sock(sk);
	err = wait_event_interruptible(m->join_wq, lsgc_join_over(lsk, m));
	lock_sock(sk);
	lsk->join_waiting = false;
	if (lsk->member != m) {
		err = -ECONNABORTED;
	} else if (err) {
		err = -EINTR;
		lsgc_member_detach(lsk);
	} else if (READ_ONCE(m->state) != LSGC_STATE_MEMBER) {
		err = -READ_ONCE(m->err);
		lsgc_member_detach(lsk);
	}
	/* The join's own return value reported it. */
	if (err)
		WRITE_ONCE(sk->sk_err, 0);
	lsgc_member_put(m);
	return err;
}

/**
 * lsgc_member_detach - detach a socket from its membership
 * @lsk: the socket, locked by the caller
 *
 * The last socket to go leaves the group: a LEAVE goes out (best effort,
 * repeated, since the leader also notices silence), the member stops its
 * timer, leaves the transport and is freed after RCU.  "Last" is decided
 * under ln->lock together with the unlinking, so that a join of the other
 * socket type, which looks members up under ln->lock, either attaches
 * before (and the member lives on) or finds nothing.
 */
void lsgc_member_detach(struct lsgc_sock *lsk)
{
	struct lsgc_member *m = lsk->member;
	struct lsgc_net *ln;
	bool last;
	int i;

	if (!m)
		return;
	ln = m->ln;
	WRITE_ONCE(lsk->member, NULL);

	mutex_lock(&ln->lock);
	spin_lock_bh(&m->lock);
	*lsgc_member_slot(m, &lsk->sk) = NULL;
	last = --m->nsocks == 0;
	if (last) {
		if (m->state == LSGC_STATE_MEMBER)
			for (i = 0; i < 3; i++)
				lsgc_send_member_ref(m, LSGC_T_LEAVE, m->self, 0);
		WRITE_ONCE(m->dead, true);
		lsgc_kdc_cancel(m);
	}
	spin_unlock_bh(&m->lock);
	if (last)
		list_del_rcu(&m->tnode);
	mutex_unlock(&ln->lock);
	/* A join waiting on this socket's behalf in another thread. */
	wake_up_all(&m->join_wq);

	if (last) {
		lsgc_member_flush(m);
		lsgc_timers_stop(m);
		mutex_lock(&ln->lock);
		WRITE_ONCE(m->unlinked, true);
		lsgc_transport_put(m->t);
		mutex_unlock(&ln->lock);
		lsgc_member_put(m);
	}
	lsgc_member_put(m);
}
