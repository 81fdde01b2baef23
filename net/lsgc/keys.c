// SPDX-License-Identifier: GPL-2.0
/*
 * The session keys of one secure membership: which epochs it holds, how
 * a view's key reaches each member, and what happens to packets of an
 * epoch whose key is on its way.
 *
 * A member holds at most LSGC_KEY_SLOTS keys, one per epoch (the view a
 * packet was sealed in): its current view's, the previous view's for a
 * grace period (members that have not installed the new view yet still
 * send under it, and only members of both views are heard under it), and
 * the next view's once its key arrived.  The leader draws a fresh key for
 * each view and sends it in the view message itself, wrapped for every
 * member but itself under that member's wrap key; a member that left has
 * no copy, a joiner receives its own in the admission and none of an
 * earlier view.
 *
 * Unwrapping and keying a transform need process context, so the receive
 * path only notes the wrapped key and the member's crypto work does the
 * rest; the view is installed once its key is ready.  Packets sealed
 * under an epoch just ahead of ours wait in a short, bounded hold queue
 * meanwhile instead of being dropped: a rekey loses no datagram.
 */
#include <keys/user-type.h>
#include <linux/key.h>
#include <linux/random.h>

#include "lsgc.h"
#include "netlink.h"

/* Packets held for a key on its way, at most, and for how long. */
#define LSGC_HOLD_MAX		256
#define LSGC_HOLD_MS		500

/* A key wrap's nonce: no packet comes from this member number. */
#define LSGC_WRAP_SENDER	U32_MAX

static void lsgc_keys_fetch(struct lsgc_member *m, struct lsgc_msg *msg,
			    bool in_view);

static bool lsgc_epoch_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

/**
 * lsgc_key_find - the key of an epoch
 * @m: member; the caller holds its lock or an RCU (or RCU-bh, as
 *	lsgc_member_flush() does) read-side section
 * @epoch: the epoch
 *
 * Return: the key, or NULL.
 */
struct lsgc_skey *lsgc_key_find(struct lsgc_member *m, u32 epoch)
{
	struct lsgc_skey *k;
	unsigned int i;

	for (i = 0; i < LSGC_KEY_SLOTS; i++) {
		k = rcu_dereference_check(m->keys[i],
					  lockdep_is_held(&m->lock) ||
					  rcu_read_lock_bh_held());
		if (k && k->epoch == epoch)
			return k;
	}
	return NULL;
}

/* Keep @k in a free slot, or in that of the oldest epoch before the
 * current one.  The current view's key and those ahead of it stay.
 */
static int lsgc_key_insert(struct lsgc_member *m, struct lsgc_skey *k)
{
	struct lsgc_skey *old, *victim = NULL;
	unsigned int i, slot = LSGC_KEY_SLOTS;

	lockdep_assert_held(&m->lock);
	for (i = 0; i < LSGC_KEY_SLOTS; i++) {
		old = rcu_dereference_protected(m->keys[i],
						lockdep_is_held(&m->lock));
		if (!old) {
			slot = i;
			victim = NULL;
			break;
		}
		if (old->epoch == k->epoch)
			return -EEXIST;
		if (lsgc_epoch_before(old->epoch, m->epoch) &&
		    (!victim || lsgc_epoch_before(old->epoch, victim->epoch))) {
			victim = old;
			slot = i;
		}
	}
	if (slot == LSGC_KEY_SLOTS)
		return -EBUSY;
	rcu_assign_pointer(m->keys[slot], k);
	lsgc_skey_free(victim);
	return 0;
}

/* Drop every key of an epoch before the current one. */
static void lsgc_keys_drop_old(struct lsgc_member *m)
{
	struct lsgc_skey *k;
	unsigned int i;

	for (i = 0; i < LSGC_KEY_SLOTS; i++) {
		k = rcu_dereference_protected(m->keys[i],
					      lockdep_is_held(&m->lock));
		if (k && lsgc_epoch_before(k->epoch, m->epoch)) {
			RCU_INIT_POINTER(m->keys[i], NULL);
			lsgc_skey_free(k);
		}
	}
}

static void lsgc_keys_schedule(struct lsgc_member *m)
{
	if (!READ_ONCE(m->dead) && queue_work(lsgc_wq, &m->crypto_work))
		kref_get(&m->ref);
}

/**
 * lsgc_keys_installed - a view was installed: start its grace period
 * @m: member, locked, its epoch already the new view's
 */
void lsgc_keys_installed(struct lsgc_member *m)
{
	if (!m->secure)
		return;
	m->old_keys_until = jiffies +
		lsgc_ms(READ_ONCE(m->ln->cfg.heartbeat_timeout_ms));
	m->old_keys_pending = true;
	/* The leader draws the key of its next view ahead of time. */
	if (m->role == LSGC_ROLE_LEADER && !m->next_key)
		lsgc_keys_schedule(m);
}

/**
 * lsgc_keys_ready - may a view be installed
 * @m: member, locked
 * @msg: the complete view message
 * @view_id: the view it carries
 *
 * A secure member installs a view it is in only with the view's key:
 * from then on it seals under it.  When the key is not there yet, the
 * crypto work is asked for it and installation is tried again when the
 * work is done.
 *
 * Return: true when the view may be installed now.
 */
bool lsgc_keys_ready(struct lsgc_member *m, struct lsgc_msg *msg, u64 view_id)
{
	if (!m->secure || lsgc_key_find(m, (u32)view_id))
		return true;
	if (m->key_failed)
		return true;
	lsgc_keys_fetch(m, msg, true);
	/* No copy for us in a view we are in: install fails it. */
	return m->key_failed;
}

/* The key block of a complete view message, copied out: NULL if it has
 * none or it does not parse.
 */
static u8 *lsgc_keys_block(struct lsgc_msg *msg, size_t *len)
{
	size_t off, blen;
	unsigned int i;
	u8 *buf, *pos;

	buf = kmalloc(msg->total_len, GFP_ATOMIC);
	if (!buf)
		return NULL;
	pos = buf;
	for (i = 0; i < msg->nfrags; i++) {
		skb_copy_bits(msg->frags[i], 0, pos, msg->frags[i]->len);
		pos += msg->frags[i]->len;
	}
	if (lsgc_wire_split_view(buf, msg->total_len, &off, true)) {
		kfree(buf);
		return NULL;
	}
	blen = msg->total_len - off;
	memmove(buf, buf + off, blen);
	*len = blen;
	return buf;
}

/**
 * lsgc_keys_view_seen - a view message is complete: fetch our key of it
 * @m: member, locked
 * @msg: the message, flagged LSGC_DATA_VIEW, from the leader
 *
 * Called when the last fragment arrives, long before the view's turn in
 * the order may come, so that the key is ready by then.  Only the entry
 * for this member is copied; the work unwraps it.
 */
void lsgc_keys_view_seen(struct lsgc_member *m, struct lsgc_msg *msg)
{
	lsgc_keys_fetch(m, msg, false);
}

/* Copy our wrapped key out of a view message for the work.  @in_view: we
 * are in the view, so a message without our copy (no key block, a block
 * that does not parse, no entry for us) is the leader's error: the
 * membership cannot go on, and is marked to fail at install.
 */
static void lsgc_keys_fetch(struct lsgc_member *m, struct lsgc_msg *msg,
			    bool in_view)
{
	bool found = false;
	unsigned int i, n;
	const u8 *w;
	size_t len;
	u64 view_id;
	u32 no;
	u8 *blk;

	if (!m->secure || m->role == LSGC_ROLE_LEADER || !m->wrap ||
	    m->kjob.pending || msg->nhave < msg->nfrags)
		return;
	if (!(msg->flags & LSGC_DATA_KEYS) || msg->total_len < 8) {
		m->key_failed |= in_view;
		return;
	}
	blk = lsgc_keys_block(msg, &len);
	if (!blk)
		return;	/* out of memory: asked again at install */
	if (skb_copy_bits(msg->frags[0], 0, &view_id, sizeof(view_id)))
		goto out;
	view_id = be64_to_cpu((__force __be64)view_id);
	if (lsgc_key_find(m, (u32)view_id))
		goto out;
	if (lsgc_wire_parse_view_keys(blk, len, &n))
		n = 0;
	for (i = 0; i < n; i++) {
		w = lsgc_wire_view_key(blk, i, &no);
		if (no != m->self)
			continue;
		found = true;
		m->kjob.pending = true;
		m->kjob.view_id = view_id;
		memcpy(m->kjob.wrapped, w, LSGC_WRAPPED_LEN);
		lsgc_keys_schedule(m);
		break;
	}
	if (!found && in_view) {
		lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_MALFORMED);
		m->key_failed = true;
	}
out:
	kfree_sensitive(blk);
}

/**
 * lsgc_keys_wrap - the key block of the leader's next view
 * @m: leader, locked, with a next key drawn
 * @nv: the view; every member but the leader has a wrap key
 * @blk: where to write lsgc_wire_view_keys_len(@nv->count - 1) bytes
 *
 * Crypto under the member's lock: one 32-byte seal per member, with a
 * preallocated transform each, is cheap next to the view change itself.
 *
 * Return: 0, or a negative errno (-EAGAIN: no key drawn yet).
 */
int lsgc_keys_wrap(struct lsgc_member *m, const struct lsgc_view *nv, u8 *blk)
{
	u8 buf[LSGC_WRAPPED_LEN];
	struct lsgc_peer *p;
	unsigned int i, n = 0;
	int err;

	if (!m->next_key)
		return -EAGAIN;
	for (i = 0; i < nv->count; i++) {
		if (nv->ents[i].member == m->self)
			continue;
		p = lsgc_peer_find(m, nv->ents[i].member);
		if (!p || !p->wrap)
			return -ENOKEY;
		memcpy(buf, m->next_key->raw, LSGC_KEY_LEN);
		err = lsgc_aead_crypt(p->wrap, true, LSGC_WRAP_SENDER, nv->id,
				      buf, 0, LSGC_KEY_LEN);
		if (!err)
			lsgc_wire_put_view_key(blk, n++, p->no, buf);
		memzero_explicit(buf, sizeof(buf));
		if (err)
			return err;
	}
	lsgc_wire_put_view_keys(blk, n);
	return 0;
}

/**
 * lsgc_keys_commit - the leader published a view: its key is in force
 * @m: leader, locked; lsgc_keys_wrap() succeeded for @nv
 * @nv: the view
 *
 * Return: 0, or -EBUSY when every slot holds a key still needed (the
 * leader publishes faster than it installs); the view must then wait.
 */
int lsgc_keys_commit(struct lsgc_member *m, const struct lsgc_view *nv)
{
	int err;

	m->next_key->epoch = (u32)nv->id;
	err = lsgc_key_insert(m, m->next_key);
	if (err)
		return err;
	m->next_key = NULL;
	lsgc_keys_schedule(m);
	return 0;
}

/**
 * lsgc_keys_hold - keep a packet until the key of its epoch arrives
 * @m: member of the packet's session, not locked (receive path, RCU)
 * @skb: the packet; consumed
 */
void lsgc_keys_hold(struct lsgc_member *m, struct sk_buff *skb)
{
	spin_lock_bh(&m->lock);
	if (m->dead || skb_queue_len(&m->holdq) >= LSGC_HOLD_MAX) {
		spin_unlock_bh(&m->lock);
		lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_UNKNOWN_EPOCH);
		kfree_skb(skb);
		return;
	}
	if (skb_queue_empty(&m->holdq))
		m->hold_since = jiffies;
	__skb_queue_tail(&m->holdq, skb);
	spin_unlock_bh(&m->lock);
}

/**
 * lsgc_keys_tick - end grace periods and holds
 * @m: member, locked
 * @now: jiffies
 */
void lsgc_keys_tick(struct lsgc_member *m, unsigned long now)
{
	if (!m->secure)
		return;
	if (m->old_keys_pending && time_after_eq(now, m->old_keys_until)) {
		m->old_keys_pending = false;
		lsgc_keys_drop_old(m);
	}
	if (!skb_queue_empty(&m->holdq) &&
	    time_after(now, m->hold_since + lsgc_ms(LSGC_HOLD_MS))) {
		lsgc_stat_add(m->ln, m, LSGC_STAT_DROP_UNKNOWN_EPOCH,
			      skb_queue_len(&m->holdq));
		__skb_queue_purge(&m->holdq);
	}
}

/* Feed what waited for a key through the receive path again. */
static void lsgc_keys_release(struct lsgc_member *m)
{
	struct sk_buff_head q;
	struct sk_buff *skb;

	__skb_queue_head_init(&q);
	spin_lock_bh(&m->lock);
	skb_queue_splice_init(&m->holdq, &q);
	spin_unlock_bh(&m->lock);
	if (skb_queue_empty(&q))
		return;
	local_bh_disable();
	rcu_read_lock();
	while ((skb = __skb_dequeue(&q))) {
		if (READ_ONCE(m->unlinked))
			kfree_skb(skb);
		else
			lsgc_receive(m->t, skb);
	}
	rcu_read_unlock();
	local_bh_enable();
}

/* The work: unwrap the key of a view we saw arrive. */
static void lsgc_keys_do_unwrap(struct lsgc_member *m)
{
	u8 buf[LSGC_WRAPPED_LEN];
	struct lsgc_skey *k;
	u64 view_id;
	int err;

	spin_lock_bh(&m->lock);
	if (!m->kjob.pending || !m->wrap) {
		spin_unlock_bh(&m->lock);
		return;
	}
	memcpy(buf, m->kjob.wrapped, sizeof(buf));
	view_id = m->kjob.view_id;
	spin_unlock_bh(&m->lock);

	/* m->wrap is set once, at admission, and freed with the member. */
	err = lsgc_aead_crypt(m->wrap, false, LSGC_WRAP_SENDER, view_id, buf, 0,
			      LSGC_WRAPPED_LEN);
	k = err ? ERR_PTR(err) : lsgc_skey_new(m->cipher, (u32)view_id, buf);
	memzero_explicit(buf, sizeof(buf));

	spin_lock_bh(&m->lock);
	m->kjob.pending = false;
	memzero_explicit(m->kjob.wrapped, sizeof(m->kjob.wrapped));
	if (err == -EBADMSG) {
		/* The leader wrapped it under a key we do not share. */
		lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_AUTH);
		m->key_failed = true;
	} else if (!IS_ERR(k) && lsgc_key_insert(m, k)) {
		lsgc_skey_free(k);
	}
	if (!m->dead)
		lsgc_order_deliver(m);
	spin_unlock_bh(&m->lock);
	if (IS_ERR(k) && PTR_ERR(k) != -EBADMSG)
		lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_NOMEM);
}

/* The work: draw the leader's next key. */
static void lsgc_keys_do_draw(struct lsgc_member *m)
{
	struct lsgc_skey *k;
	bool need;

	spin_lock_bh(&m->lock);
	need = m->role == LSGC_ROLE_LEADER && !m->next_key && !m->dead;
	spin_unlock_bh(&m->lock);
	if (!need)
		return;
	k = lsgc_skey_new(m->cipher, 0, NULL);
	if (IS_ERR(k))
		return;
	spin_lock_bh(&m->lock);
	if (!m->next_key) {
		m->next_key = k;
		k = NULL;
	}
	spin_unlock_bh(&m->lock);
	lsgc_skey_free(k);
}

static void lsgc_keys_work(struct work_struct *work)
{
	struct lsgc_member *m = container_of(work, struct lsgc_member,
					     crypto_work);
	struct sk_buff *skb;

	while ((skb = skb_dequeue(&m->crypto_q)))
		lsgc_membership_open_sack(m, skb);
	lsgc_keys_do_unwrap(m);
	lsgc_keys_do_draw(m);
	lsgc_keys_release(m);
	lsgc_member_flush(m);
	lsgc_member_put(m);
}

/**
 * lsgc_keys_rx_sack - a sealed admission for this joiner: open it later
 * @m: joiner, locked
 * @skb: the packet
 */
void lsgc_keys_rx_sack(struct lsgc_member *m, struct sk_buff *skb)
{
	struct sk_buff *c;

	/* Retransmissions of one answer: one in the queue is enough. */
	if (skb_queue_len(&m->crypto_q) >= 2)
		return;
	c = skb_copy(skb, GFP_ATOMIC);
	if (!c) {
		lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_NOMEM);
		return;
	}
	skb_queue_tail(&m->crypto_q, c);
	lsgc_keys_schedule(m);
}

/**
 * lsgc_keys_init - a new member's key state
 * @m: member
 * @secure: the group is secure
 * @ltk: its long-term key when secure
 * @cipher: enum lsgc_cipher if it creates the group
 */
void lsgc_keys_init(struct lsgc_member *m, bool secure, const u8 *ltk,
		    u8 cipher)
{
	INIT_WORK(&m->crypto_work, lsgc_keys_work);
	skb_queue_head_init(&m->crypto_q);
	skb_queue_head_init(&m->holdq);
	INIT_LIST_HEAD(&m->kdc_reqs);
	INIT_LIST_HEAD(&m->cands);
	m->secure = secure;
	m->cipher = cipher;
	if (secure)
		memcpy(m->ltk, ltk, LSGC_KEY_LEN);
}

/**
 * lsgc_keys_destroy - free every key of a member being freed
 * @m: member, no longer reachable
 */
void lsgc_keys_destroy(struct lsgc_member *m)
{
	unsigned int i;

	for (i = 0; i < LSGC_KEY_SLOTS; i++) {
		lsgc_skey_free(rcu_dereference_protected(m->keys[i], 1));
		RCU_INIT_POINTER(m->keys[i], NULL);
	}
	lsgc_skey_free(m->next_key);
	lsgc_skey_free(m->wrap);
	m->next_key = NULL;
	m->wrap = NULL;
	skb_queue_purge(&m->crypto_q);
	skb_queue_purge(&m->holdq);
	memzero_explicit(m->ltk, sizeof(m->ltk));
	memzero_explicit(&m->kjob, sizeof(m->kjob));
}

/**
 * lsgc_ltk_get - read a joiner's long-term key from the keyring
 * @req: the join; @req->key names the key
 * @ltk: LSGC_KEY_LEN bytes
 *
 * The key must be a "logon" key (userspace cannot read it back) that the
 * caller may search for, described "lsgc:" and the identity in hex, so
 * that a key loaded for one identity cannot be used for another.
 *
 * Return: 0, or -ENOKEY (no such key, or revoked or expired), -EACCES
 * (not the caller's to use), -EKEYREJECTED (not an AF_LSGC key of this
 * identity).
 */
int lsgc_ltk_get(const struct lsgc_join_req *req, u8 *ltk)
{
	char desc[sizeof("lsgc:") + 2 * LSGC_ID_LEN];
	const struct user_key_payload *up;
	struct key *key;
	key_ref_t ref;
	int err = 0;

	snprintf(desc, sizeof(desc), "lsgc:%*phN", LSGC_ID_LEN, req->id);
	ref = lookup_user_key(req->key, 0, KEY_NEED_SEARCH);
	if (IS_ERR(ref))
		return PTR_ERR(ref) == -EKEYREVOKED ||
		       PTR_ERR(ref) == -EKEYEXPIRED ? -ENOKEY : PTR_ERR(ref);
	key = key_ref_to_ptr(ref);
	down_read(&key->sem);
	up = user_key_payload_locked(key);
	if (key->type != &key_type_logon || !key->description ||
	    strcmp(key->description, desc) || !up ||
	    up->datalen != LSGC_KEY_LEN)
		err = -EKEYREJECTED;
	else
		memcpy(ltk, up->data, LSGC_KEY_LEN);
	up_read(&key->sem);
	key_ref_put(ref);
	return err;
}
