// SPDX-License-Identifier: GPL-2.0
/*
 * Process group management: session creation, joins, leaves, failure
 * detection by heartbeats, expulsion, and view installation.
 *
 * The leader decides every membership change and publishes it as a view:
 * a reliable message of its own, flagged LSGC_DATA_VIEW and ordered like
 * any other, so every member installs the same view at the same point of
 * the total order (view synchrony).  At the leader, @lview is the latest
 * view it decided and @peers its members; elsewhere @peers mirrors the
 * installed @view.
 */
#include <asm/unaligned.h>
#include <linux/random.h>
#include <linux/sort.h>

#include "lsgc.h"
#include "netlink.h"
#include "trace.h"

struct lsgc_peer *lsgc_peer_find(struct lsgc_member *m, u32 no)
{
	return no ? xa_load(&m->peers, no) : NULL;
}

/**
 * lsgc_view_find - a member's entry in a view
 * @v: view, or NULL
 * @no: member number
 *
 * Return: the entry, or NULL if @no is not in @v.
 */
const struct lsgc_view_ent *lsgc_view_find(const struct lsgc_view *v, u32 no)
{
	unsigned int lo = 0, hi;

	if (!v)
		return NULL;
	hi = v->count;
	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (v->ents[mid].member == no)
			return &v->ents[mid];
		if (v->ents[mid].member < no)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

bool lsgc_view_has(const struct lsgc_view *v, u32 no)
{
	return lsgc_view_find(v, no);
}

static struct lsgc_peer *lsgc_peer_add(struct lsgc_member *m, u32 no,
				       const u8 *id)
{
	struct lsgc_peer *p;

	p = kzalloc(sizeof(*p), GFP_ATOMIC);
	if (!p)
		return NULL;
	p->no = no;
	memcpy(p->id, id, LSGC_ID_LEN);
	p->last_heard = jiffies;
	p->progress = jiffies;
	p->next_msg = lsgc_msg_no_start;
	p->join_time = ktime_to_ms(ktime_get_real());
	if (xa_err(xa_store(&m->peers, no, p, GFP_ATOMIC))) {
		kfree(p);
		return NULL;
	}
	return p;
}

static void lsgc_peer_free(struct lsgc_peer *p)
{
	if (!p)
		return;
	lsgc_skey_free(p->wrap);
	lsgc_skey_free(p->join_key);
	kfree_sensitive(p);
}

static void lsgc_peer_del(struct lsgc_member *m, u32 no)
{
	lsgc_peer_free(xa_erase(&m->peers, no));
}

static struct lsgc_view *lsgc_view_alloc(unsigned int count)
{
	struct lsgc_view *v;

	v = kzalloc(struct_size(v, ents, count), GFP_ATOMIC);
	if (v)
		v->count = count;
	return v;
}

/* The leader publishes a view as the next message of its own stream. */
static int lsgc_leader_publish(struct lsgc_member *m, struct lsgc_view *nv)
{
	size_t vlen = lsgc_wire_view_len(nv->count), len = vlen, off = 0;
	u32 flags = LSGC_DATA_VIEW;
	unsigned int nfrags, i;
	struct lsgc_peer *self;
	struct lsgc_msg *msg;
	int err = -ENOMEM;
	u8 *buf;

	/* A secure view carries its fresh key, wrapped for each member. */
	if (m->secure) {
		if (!m->next_key)
			return -EAGAIN;
		len += lsgc_wire_view_keys_len(nv->count - 1);
		flags |= LSGC_DATA_KEYS;
	}
	nfrags = DIV_ROUND_UP(len, m->frag_payload);
	if (nfrags > LSGC_MAX_FRAGS)
		return -EMSGSIZE;
	buf = kmalloc(len, GFP_ATOMIC);
	if (!buf)
		return -ENOMEM;
	lsgc_wire_put_view(buf, nv->id, nv->leader, nv->count);
	for (i = 0; i < nv->count; i++)
		lsgc_wire_put_view_entry(buf, i, &nv->ents[i]);
	if (m->secure) {
		err = lsgc_keys_wrap(m, nv, buf + vlen);
		if (err)
			goto err_buf;
		err = -ENOMEM;
	}

	msg = lsgc_msg_create(m, m->self, m->next_msg_no, nfrags, flags, len);
	if (!msg)
		goto err_buf;
	for (i = 0; i < nfrags; i++) {
		size_t chunk = min_t(size_t, m->frag_payload, len - off);

		msg->frags[i] = alloc_skb(chunk, GFP_ATOMIC);
		if (!msg->frags[i])
			goto err_msg;
		skb_put_data(msg->frags[i], buf + off, chunk);
		off += chunk;
	}
	if (m->secure) {
		err = lsgc_keys_commit(m, nv);
		if (err)
			goto err_msg;
	}
	kfree_sensitive(buf);
	msg->nhave = nfrags;
	m->next_msg_no = lsgc_msg_no_next(m->next_msg_no);

	self = lsgc_peer_find(m, m->self);
	if (self)
		lsgc_order_bind_from(m, self);
	nv->seq = msg->seq;
	kfree(m->lview);
	m->lview = nv;
	lsgc_send_msg_frags(m, msg, false);
	lsgc_order_deliver(m);
	return 0;

err_msg:
	lsgc_msg_free(m, msg);
err_buf:
	kfree_sensitive(buf);
	return err;
}

/**
 * lsgc_membership_create - make this member the leader of a new session
 * @m: member, locked, not yet in any session
 *
 * Return: 0 when view 1 (just this member) is installed.
 */
int lsgc_membership_create(struct lsgc_member *m)
{
	struct lsgc_view *nv;
	u32 session;
	int err;

	do {
		session = get_random_u32();
	} while (!session);
	WRITE_ONCE(m->session, session);
	m->self = 1;
	m->leader = 1;
	m->role = LSGC_ROLE_LEADER;
	m->next_member_no = 2;
	m->next_seq = 1;
	m->next_deliver = 1;
	m->gc_seq = 1;
	m->start_seq = 1;
	m->leader_heard = jiffies;
	if (!lsgc_peer_add(m, m->self, m->id))
		return -ENOMEM;
	nv = lsgc_view_alloc(1);
	if (!nv)
		return -ENOMEM;
	nv->id = 1;
	nv->leader = m->self;
	nv->ents[0].member = m->self;
	memcpy(nv->ents[0].id, m->id, LSGC_ID_LEN);
	err = lsgc_leader_publish(m, nv);
	if (err) {
		kfree(nv);
		return err;
	}
	return m->state == LSGC_STATE_MEMBER ? 0 : -ENOMEM;
}

/**
 * lsgc_membership_start_join - begin asking the leader to admit us
 * @m: member, locked
 */
void lsgc_membership_start_join(struct lsgc_member *m)
{
	m->join_nonce = get_random_u64();
	m->join_next_try = jiffies;
}

static void lsgc_leader_send_ack(struct lsgc_member *m, struct lsgc_peer *p)
{
	struct lsgc_join j = {
		.nonce = p->join_nonce,
		.member = p->no,
		.leader = m->self,
		.view_id = p->join_view,
		.start_seq = p->join_seq,
	};

	memcpy(j.id, p->id, LSGC_ID_LEN);
	lsgc_send_join(m, LSGC_T_JOIN_ACK, &j);
}

static void lsgc_leader_send_refusal(struct lsgc_member *m,
				     const struct lsgc_join *req, u32 reason)
{
	struct lsgc_join j = {
		.nonce = req->nonce,
		.reason = reason,
	};

	memcpy(j.id, req->id, LSGC_ID_LEN);
	trace_lsgc_join(m, LSGC_TRACE_JOIN_NAK_SENT, 0, req->id);
	lsgc_send_join(m, LSGC_T_JOIN_NAK, &j);
}

/**
 * lsgc_membership_refuse - the leader refuses a joiner
 * @m: the leader, locked
 * @j: the joiner's identity and nonce
 * @reason: positive errno the joiner reports
 */
void lsgc_membership_refuse(struct lsgc_member *m, const struct lsgc_join *j,
			    u32 reason)
{
	lsgc_leader_send_refusal(m, j, reason);
}

/* The sealed admission of a secure group's joiner, sent as long as it
 * asks: JOIN_SACK, sealed now under the admission's key.
 */
static void lsgc_leader_send_sack(struct lsgc_member *m, struct lsgc_peer *p)
{
	size_t clear = sizeof(struct lsgc_wire_join_sack);
	struct lsgc_wire_join_secret *sec;
	struct lsgc_join j = {
		.nonce = p->join_nonce,
	};
	struct sk_buff *skb;

	memcpy(j.id, p->id, LSGC_ID_LEN);
	memcpy(j.leader_id, m->id, LSGC_ID_LEN);
	memcpy(j.lnonce, p->lnonce, LSGC_LNONCE_LEN);
	skb = lsgc_pkt_alloc(m, LSGC_T_JOIN_SACK,
			     lsgc_wire_join_len(LSGC_T_JOIN_SACK), GFP_ATOMIC);
	if (!skb)
		return;
	lsgc_wire_put_join(skb->data + LSGC_HDR_LEN, LSGC_T_JOIN_SACK, &j);
	sec = (void *)(skb->data + LSGC_HDR_LEN + clear);
	*sec = p->secret;
	if (lsgc_seal_for(m, skb, p->join_key, clear, sizeof(*sec))) {
		kfree_skb(skb);
		return;
	}
	lsgc_pkt_queue(m, skb);
}

/**
 * lsgc_peer_find_id - a peer by identity
 * @m: member, locked
 * @id: identity
 *
 * Return: the peer or NULL.
 */
struct lsgc_peer *lsgc_peer_find_id(struct lsgc_member *m, const u8 *id)
{
	struct lsgc_peer *p;
	unsigned long no;

	xa_for_each(&m->peers, no, p)
		if (!memcmp(p->id, id, LSGC_ID_LEN))
			return p;
	return NULL;
}

/* The leader's next view: the members of its latest view that are still
 * its peers (one whose removal could not be published yet is not), and
 * the joiner @p if any.  Member numbers only grow, so appending the
 * joiner keeps the view sorted.
 */
static struct lsgc_view *lsgc_leader_next_view(struct lsgc_member *m,
					       const struct lsgc_peer *p)
{
	struct lsgc_view *lv = m->lview, *nv;
	unsigned int i, n = 0;

	nv = lsgc_view_alloc(lv->count + 1);
	if (!nv)
		return NULL;
	for (i = 0; i < lv->count; i++)
		if (lsgc_peer_find(m, lv->ents[i].member))
			nv->ents[n++] = lv->ents[i];
	if (p) {
		nv->ents[n].member = p->no;
		memcpy(nv->ents[n].id, p->id, LSGC_ID_LEN);
		n++;
	}
	nv->count = n;
	nv->id = lv->id + 1;
	nv->leader = m->self;
	return nv;
}

/* Publish the view the peers call for.  If memory is short the change is
 * not lost: the timer tries again (lsgc_leader_tick()).
 */
static int lsgc_leader_publish_peers(struct lsgc_member *m)
{
	struct lsgc_view *nv = lsgc_leader_next_view(m, NULL);

	if (nv && !lsgc_leader_publish(m, nv)) {
		m->view_pending = false;
		return 0;
	}
	kfree(nv);
	m->view_pending = true;
	return -ENOMEM;
}

/**
 * lsgc_membership_rx_join_req - the leader hears a joiner
 * @m: member, locked
 * @h: header
 * @j: request
 */
void lsgc_membership_rx_join_req(struct lsgc_member *m, const struct lsgc_hdr *h,
				 const struct lsgc_join *j)
{
	struct lsgc_view *lv = m->lview, *nv;
	struct lsgc_peer *p;

	if (m->role != LSGC_ROLE_LEADER || m->state != LSGC_STATE_MEMBER || !lv)
		return;
	trace_lsgc_join(m, LSGC_TRACE_JOIN_REQ_RECV, 0, j->id);
	p = lsgc_peer_find_id(m, j->id);
	if (p) {
		/* A retransmitted request gets the same answer; another run
		 * under a taken identity is refused.
		 */
		if (p->join_nonce != j->nonce)
			lsgc_leader_send_refusal(m, j, EADDRINUSE);
		else if (p->heard)
			/* It speaks as a member: it has its answer. */
			lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_DUPLICATE);
		else if (m->secure)
			lsgc_leader_send_sack(m, p);
		else
			lsgc_leader_send_ack(m, p);
		return;
	}
	if (lv->count >= LSGC_MAX_VIEW_MEMBERS || !m->next_member_no) {
		lsgc_leader_send_refusal(m, j, EUSERS);
		return;
	}
	if (m->secure) {
		/* Admission waits for the KDC's pair key (kdc.c), then for
		 * the token granted with it (token.c).
		 */
		int err;

		if (lsgc_token_rx_join_req(m, j))
			return;
		err = lsgc_kdc_request(m, j);

		if (err == -ECONNREFUSED)
			lsgc_leader_send_refusal(m, j, ECONNREFUSED);
		else if (err)
			lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_NOMEM);
		return;
	}
	p = lsgc_peer_add(m, m->next_member_no, j->id);
	if (!p)
		return;
	nv = lsgc_leader_next_view(m, p);
	if (!nv) {
		lsgc_peer_del(m, p->no);
		return;
	}
	p->join_nonce = j->nonce;
	p->delivered = m->next_seq - 1;
	/* The decision comes before the view that carries it. */
	lsgc_nl_notify(m, LSGC_EVENT_JOIN, p->no, nv->id, 0);
	if (lsgc_leader_publish(m, nv)) {
		/* The joiner asks again; nothing of it remains meanwhile. */
		lsgc_peer_del(m, p->no);
		kfree(nv);
		return;
	}
	m->view_pending = false;
	m->next_member_no++;
	p->join_view = nv->id;
	p->join_seq = nv->seq;
	trace_lsgc_join(m, LSGC_TRACE_JOIN_ACK_SENT, p->no, p->id);
	lsgc_leader_send_ack(m, p);
}

/* The leader admitted us: where we stand in its session. */
static void lsgc_membership_admitted(struct lsgc_member *m, u32 session,
				     const struct lsgc_join *j)
{
	WRITE_ONCE(m->session, session);
	m->self = j->member;
	m->leader = j->leader;
	m->leader_heard = jiffies;
	m->start_seq = j->start_seq;
	m->next_deliver = j->start_seq;
	m->gc_seq = j->start_seq;
	m->high = j->start_seq;
	m->stable = j->start_seq - 1;
	m->last_acked = j->start_seq - 1;
}

/**
 * lsgc_membership_rx_join_reply - a joiner hears the leader's answer
 * @m: member, locked, joining
 * @h: header
 * @j: answer
 * @skb: the packet (a JOIN_SACK is copied for the crypto work)
 */
void lsgc_membership_rx_join_reply(struct lsgc_member *m, const struct lsgc_hdr *h,
				   const struct lsgc_join *j, struct sk_buff *skb)
{
	if (memcmp(j->id, m->id, LSGC_ID_LEN) || j->nonce != m->join_nonce)
		return;
	if (h->type == LSGC_T_JOIN_SACK || h->type == LSGC_T_JOIN_TOKEN) {
		/* Opened in process context, by the crypto work. */
		lsgc_keys_rx_sack(m, skb);
		return;
	}
	trace_lsgc_join(m, h->type == LSGC_T_JOIN_NAK ?
			LSGC_TRACE_JOIN_NAK_RECV : LSGC_TRACE_JOIN_ACK_RECV,
			j->member, j->id);
	if (h->type == LSGC_T_JOIN_NAK) {
		/* A taken identity may be a crashed member of ours not yet
		 * expelled: keep asking until the join times out.
		 */
		m->join_refused = j->reason;
		if (j->reason != EADDRINUSE)
			lsgc_member_fail(m, j->reason);
		return;
	}
	if (h->sender != j->leader)
		return;
	lsgc_membership_admitted(m, h->session, j);
}

/* The joiner's side of the key schedule: the shared secret with the
 * leader named in the admission, and the admission's key.
 */
static int lsgc_sack_keys(struct lsgc_member *m, const struct lsgc_join *j,
			  u32 session, u8 *secret, struct lsgc_skey **kj)
{
	u8 k[LSGC_KEY_LEN];
	int err;

	err = lsgc_pair_half(m->ltk, j->leader_id, secret) ?:
	      lsgc_derive_join(secret, session, j->nonce, j->lnonce, k);
	*kj = err ? ERR_PTR(err) : lsgc_skey_new(LSGC_CIPHER_AES_GCM, 0, k);
	memzero_explicit(k, sizeof(k));
	return PTR_ERR_OR_ZERO(*kj);
}

/**
 * lsgc_membership_open_sack - a joiner opens its token or its admission
 * @m: the joiner, not locked (its crypto work); consumes @skb
 * @skb: a JOIN_TOKEN or JOIN_SACK with our identity and nonce, data at
 *	the header
 *
 * One that does not open was sealed for another key: a forgery, or the
 * leader's KDC knows another long-term key for us (a wrong pass phrase).
 * The join goes on until its deadline, and then fails with EKEYREJECTED
 * instead of ETIMEDOUT.
 */
void lsgc_membership_open_sack(struct lsgc_member *m, struct sk_buff *skb)
{
	const size_t clear = sizeof(struct lsgc_wire_join_sack);
	struct lsgc_skey *kj = NULL, *kv = NULL, *wrap = NULL;
	struct lsgc_wire_join_secret *sec;
	u8 secret[LSGC_KEY_LEN], w[LSGC_KEY_LEN];
	struct lsgc_join j;
	struct lsgc_hdr h;
	int err;

	if (lsgc_wire_parse_hdr(skb->data, skb->len, &h) ||
	    (h.type != LSGC_T_JOIN_SACK && h.type != LSGC_T_JOIN_TOKEN) ||
	    lsgc_wire_parse_join(skb->data + LSGC_HDR_LEN,
				 skb->len - LSGC_HDR_LEN, h.type, &j))
		goto out;
	err = lsgc_sack_keys(m, &j, h.session, secret, &kj);
	if (err)
		goto nomem;
	err = lsgc_aead_crypt(kj, false, h.sender, h.counter, skb->data,
			      LSGC_HDR_LEN + clear, skb->len - LSGC_HDR_LEN -
			      clear);
	if (err == -EBADMSG) {
		lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_AUTH);
		spin_lock_bh(&m->lock);
		if (m->state == LSGC_STATE_JOINING && !m->session)
			m->join_refused = EKEYREJECTED;
		spin_unlock_bh(&m->lock);
		goto out;
	}
	if (err)
		goto nomem;
	if (h.type == LSGC_T_JOIN_TOKEN) {
		lsgc_token_open_grant(m, &h, &j, (void *)(skb->data +
							  LSGC_HDR_LEN + clear));
		goto out;
	}
	sec = (void *)(skb->data + LSGC_HDR_LEN + clear);
	j.member = get_unaligned_be32(&sec->member);
	j.leader = get_unaligned_be32(&sec->leader);
	j.view_id = get_unaligned_be64(&sec->view_id);
	j.start_seq = get_unaligned_be64(&sec->start_seq);
	if (!j.member || j.leader != h.sender || !j.view_id || !j.start_seq ||
	    j.start_seq > U64_MAX - LSGC_MAX_FRAGS || sec->reserved[0] ||
	    sec->reserved[1] || sec->reserved[2]) {
		lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_MALFORMED);
		goto out;
	}
	kv = lsgc_skey_new(sec->cipher, (u32)j.view_id, sec->key);
	if (IS_ERR(kv)) {
		err = PTR_ERR(kv);
		kv = NULL;
		if (err == -EINVAL || err == -ENOENT) {
			lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_MALFORMED);
			goto out;
		}
		goto nomem;
	}
	err = lsgc_derive_wrap(secret, h.session, w);
	wrap = err ? ERR_PTR(err) : lsgc_skey_new(LSGC_CIPHER_AES_GCM, 0, w);
	if (IS_ERR(wrap)) {
		wrap = NULL;
		goto nomem;
	}

	spin_lock_bh(&m->lock);
	if (m->state == LSGC_STATE_JOINING && !m->session && !m->dead &&
	    !memcmp(j.id, m->id, LSGC_ID_LEN) && j.nonce == m->join_nonce) {
		m->cipher = sec->cipher;
		m->wrap = wrap;
		wrap = NULL;
		RCU_INIT_POINTER(m->keys[0], NULL);
		rcu_assign_pointer(m->keys[0], kv);
		kv = NULL;
		/* Our NAKs and heartbeats go out under the admitting view. */
		WRITE_ONCE(m->epoch, (u32)j.view_id);
		memzero_explicit(&m->tok, sizeof(m->tok));
		WRITE_ONCE(m->tok_session, 0);
		trace_lsgc_join(m, LSGC_TRACE_JOIN_ACK_RECV, j.member, j.id);
		lsgc_membership_admitted(m, h.session, &j);
	}
	spin_unlock_bh(&m->lock);
	goto out;

nomem:
	lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_NOMEM);
out:
	memzero_explicit(skb->data, skb->len);
	kfree_skb(skb);
	memzero_explicit(secret, sizeof(secret));
	memzero_explicit(w, sizeof(w));
	lsgc_skey_free(kj);
	lsgc_skey_free(kv);
	lsgc_skey_free(wrap);
}

/**
 * lsgc_membership_admit - the leader admits a joiner that showed its token
 * @m: the leader, locked
 * @id: the joiner's identity
 * @nonce: the nonce of its join
 * @lnonce: our nonce of its admission's key
 * @join_key: the admission's key; taken (set to NULL) on success
 * @wrap: its wrap key; taken (set to NULL) on success
 *
 * Publishes the view that admits it and sends it JOIN_SACK, sealed under
 * the admission's key, with that view's session key.
 *
 * Return: 0 or a negative errno; on failure the joiner asks again.
 */
int lsgc_membership_admit(struct lsgc_member *m, const u8 *id, u64 nonce,
			  const u8 *lnonce, struct lsgc_skey **join_key,
			  struct lsgc_skey **wrap)
{
	struct lsgc_view *nv;
	struct lsgc_peer *p;
	int err;

	if (m->dead || m->role != LSGC_ROLE_LEADER ||
	    m->state != LSGC_STATE_MEMBER || !m->lview ||
	    lsgc_peer_find_id(m, id))
		return -ESRCH;
	if (m->lview->count >= LSGC_MAX_VIEW_MEMBERS || !m->next_member_no)
		return -EUSERS;
	/* The next view's key is drawn by the crypto work after each view;
	 * until it is there the joiner's next token finds it.
	 */
	if (!m->next_key)
		return -EAGAIN;
	p = lsgc_peer_add(m, m->next_member_no, id);
	if (!p)
		return -ENOMEM;
	/* The view's key block wraps its key for the joiner too. */
	p->wrap = *wrap;
	nv = lsgc_leader_next_view(m, p);
	err = nv ? 0 : -ENOMEM;
	if (nv) {
		p->join_nonce = nonce;
		p->delivered = m->next_seq - 1;
		lsgc_nl_notify(m, LSGC_EVENT_JOIN, p->no, nv->id, 0);
		err = lsgc_leader_publish(m, nv);
	}
	if (err) {
		/* The candidate keeps its keys for its next token. */
		p->wrap = NULL;
		lsgc_peer_del(m, p->no);
		kfree(nv);
		return err;
	}
	p->join_key = *join_key;
	*wrap = NULL;
	*join_key = NULL;
	memcpy(p->lnonce, lnonce, LSGC_LNONCE_LEN);
	m->view_pending = false;
	m->next_member_no++;
	p->join_view = nv->id;
	p->join_seq = nv->seq;
	p->secret.member = cpu_to_be32(p->no);
	p->secret.leader = cpu_to_be32(m->self);
	p->secret.view_id = cpu_to_be64(nv->id);
	p->secret.start_seq = cpu_to_be64(nv->seq);
	p->secret.cipher = m->cipher;
	memcpy(p->secret.key, lsgc_key_find(m, (u32)nv->id)->raw, LSGC_KEY_LEN);
	trace_lsgc_join(m, LSGC_TRACE_JOIN_ACK_SENT, p->no, p->id);
	lsgc_leader_send_sack(m, p);
	return 0;
}

static void lsgc_leader_drop_unordered(struct lsgc_member *m, u32 no)
{
	struct hlist_node *tmp;
	struct lsgc_msg *msg;
	unsigned int bkt;

	/* Atomicity: what a departed member sent but we did not order is
	 * delivered by nobody.
	 */
	hash_for_each_safe(m->msgs, bkt, tmp, msg, hnode)
		if (msg->origin == no && !msg->seq)
			lsgc_msg_free(m, msg);
}

static void lsgc_leader_remove(struct lsgc_member *m, u32 no)
{
	if (!m->lview || no == m->self || !lsgc_peer_find(m, no))
		return;
	/* Remove it first, so stability and binding forget it at once; the
	 * view without it follows, now or from the timer.
	 */
	lsgc_leader_drop_unordered(m, no);
	lsgc_peer_del(m, no);
	lsgc_leader_publish_peers(m);
}

/**
 * lsgc_membership_expel - the leader removes a member
 * @m: the leader, locked
 * @no: member number
 * @reason: positive errno told to the member
 */
void lsgc_membership_expel(struct lsgc_member *m, u32 no, int reason)
{
	if (m->role != LSGC_ROLE_LEADER || !lsgc_peer_find(m, no) ||
	    no == m->self)
		return;
	lsgc_send_member_ref(m, LSGC_T_EXPEL, no, reason);
	lsgc_stat_inc(m->ln, m, LSGC_STAT_EXPELLED);
	trace_lsgc_expel(m, no, reason);
	lsgc_nl_notify(m, LSGC_EVENT_EXPEL, no, m->lview ? m->lview->id + 1 : 0,
		       reason);
	lsgc_leader_remove(m, no);
}

void lsgc_membership_rx_leave(struct lsgc_member *m, const struct lsgc_hdr *h,
			      u32 member)
{
	if (member != h->sender) {
		lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_MALFORMED);
		return;
	}
	if (h->sender == m->leader) {
		/* No successor exists yet: the group ends with its leader. */
		lsgc_member_fail(m, ECONNRESET);
		return;
	}
	if (m->role == LSGC_ROLE_LEADER && lsgc_peer_find(m, member)) {
		trace_lsgc_leave(m, member, 0);
		lsgc_nl_notify(m, LSGC_EVENT_LEAVE, member, m->lview->id + 1, 0);
		lsgc_leader_remove(m, member);
	}
}

void lsgc_membership_rx_expel(struct lsgc_member *m, const struct lsgc_hdr *h,
			      u32 member, u32 reason)
{
	if (h->sender != m->leader) {
		lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_NOT_MEMBER);
		return;
	}
	if (member == m->self)
		lsgc_member_fail(m, ECONNRESET);
}

/**
 * lsgc_leader_all_delivered - did every other member deliver all bound?
 * @m: the leader, locked
 *
 * Return: true when no member of the view still needs a repair from the
 * leader, so that it may leave without taking messages with it.
 */
bool lsgc_leader_all_delivered(struct lsgc_member *m)
{
	struct lsgc_peer *p;
	unsigned long no;

	xa_for_each(&m->peers, no, p)
		if (p->no != m->self && p->delivered + 1 < m->next_seq)
			return false;
	return true;
}

/**
 * lsgc_leader_stable_point - what every member of the view delivered
 * @m: the leader, locked
 *
 * Return: the minimum of the leader's own delivery and its peers'
 * acknowledgments.
 */
u64 lsgc_leader_stable_point(struct lsgc_member *m)
{
	u64 min = lsgc_order_delivered(m);
	struct lsgc_peer *p;
	unsigned long no;

	xa_for_each(&m->peers, no, p)
		if (p->no != m->self && p->delivered < min)
			min = p->delivered;
	return min;
}

static void lsgc_leader_update_stable(struct lsgc_member *m)
{
	lsgc_order_set_stable(m, lsgc_leader_stable_point(m));
	if (m->bind_blocked)
		lsgc_order_bind_all(m);
}

/* A member keeps hearing its leader announce a view it does not install
 * (its EXPEL and the view were lost, and the leader will not repair a
 * stranger): note when that began, so that the tick can give up.
 */
static void lsgc_member_note_view(struct lsgc_member *m, u64 view_id)
{
	u64 have = m->view ? m->view->id : 0;

	if (view_id <= have || m->state != LSGC_STATE_MEMBER) {
		m->behind_since = 0;
		return;
	}
	if (!m->behind_since || m->behind_deliver != m->next_deliver) {
		m->behind_since = jiffies;
		m->behind_deliver = m->next_deliver;
	}
}

void lsgc_membership_rx_heartbeat(struct lsgc_member *m, const struct lsgc_hdr *h,
				  const struct lsgc_heartbeat *hb)
{
	struct lsgc_peer *p;

	p = lsgc_peer_find(m, h->sender);
	if (p) {
		/* What every member reports, kept for monitoring only. */
		p->hb_heard = true;
		p->hb_delivered = hb->delivered;
		p->hb_high = hb->high;
	}
	if (h->sender == m->leader && m->role != LSGC_ROLE_LEADER) {
		m->leader_heard = jiffies;
		lsgc_order_note_high(m, hb->high);
		lsgc_order_set_stable(m, hb->stable);
		lsgc_member_note_view(m, hb->view_id);
		return;
	}
	if (m->role != LSGC_ROLE_LEADER)
		return;
	if (!p) {
		lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_NOT_MEMBER);
		return;
	}
	if (hb->delivered > p->delivered) {
		p->delivered = min(hb->delivered, m->next_seq - 1);
		p->progress = jiffies;
	}
	lsgc_leader_update_stable(m);
}

/**
 * lsgc_membership_rx_stranger - the leader hears a former member
 * @m: the leader, locked
 * @h: header of a packet of its session from a member number it gave
 *	out but that is not in its view
 *
 * A member whose EXPEL and the view that removed it were lost would
 * otherwise stay a member for ever: its leader still heartbeats, and
 * repairs nothing for it.  Tell it again, at most once per heartbeat
 * interval whoever asks, so that a flood of forged strangers cannot turn
 * the leader into an amplifier.
 */
void lsgc_membership_rx_stranger(struct lsgc_member *m, const struct lsgc_hdr *h)
{
	unsigned long gap = lsgc_ms(READ_ONCE(m->ln->cfg.heartbeat_interval_ms));

	if (m->role != LSGC_ROLE_LEADER || h->sender >= m->next_member_no)
		return;
	if (m->stranger_expel_at && time_before(jiffies, m->stranger_expel_at + gap))
		return;
	m->stranger_expel_at = jiffies;
	lsgc_send_member_ref(m, LSGC_T_EXPEL, h->sender, ECONNRESET);
}

/* The view record for the SOCK_SEQPACKET socket, built before the view is
 * installed so that running out of memory changes nothing.
 */
static struct sk_buff *lsgc_view_record(struct lsgc_member *m,
					const struct lsgc_view *v)
{
	struct lsgc_member_info *mi;
	struct lsgc_view_info *vi;
	struct sk_buff *skb;
	unsigned int i;

	skb = alloc_skb(sizeof(*vi) + v->count * sizeof(*mi), GFP_ATOMIC);
	if (!skb)
		return NULL;
	vi = skb_put_zero(skb, sizeof(*vi));
	vi->view_id = v->id;
	vi->session = m->session;
	vi->n_members = v->count;
	vi->leader = v->leader;
	vi->seq = v->seq;
	for (i = 0; i < v->count; i++) {
		mi = skb_put_zero(skb, sizeof(*mi));
		mi->member = v->ents[i].member;
		memcpy(mi->id, v->ents[i].id, LSGC_ID_LEN);
	}
	memset(LSGC_SKB_CB(skb), 0, sizeof(struct lsgc_skb_cb));
	LSGC_SKB_CB(skb)->is_view = true;
	LSGC_SKB_CB(skb)->seq = v->seq;
	LSGC_SKB_CB(skb)->view_id = v->id;
	LSGC_SKB_CB(skb)->origin = v->leader;
	for (i = 0; i < v->count; i++)
		if (v->ents[i].member == v->leader)
			memcpy(LSGC_SKB_CB(skb)->id, v->ents[i].id, LSGC_ID_LEN);
	return skb;
}

/* The view a complete view message carries: -ENOMEM (try again later)
 * or -EPROTO (the leader sent garbage).
 */
static int lsgc_view_from_msg(struct lsgc_member *m, struct lsgc_msg *msg,
			      struct lsgc_view **vp)
{
	struct lsgc_view *v = NULL;
	unsigned int i, count;
	int err = -ENOMEM;
	u8 *buf, *pos;
	size_t vlen;
	u32 leader;
	u64 id;

	buf = kmalloc(msg->total_len, GFP_ATOMIC);
	if (!buf)
		return -ENOMEM;
	pos = buf;
	for (i = 0; i < msg->nfrags; i++) {
		skb_copy_bits(msg->frags[i], 0, pos, msg->frags[i]->len);
		pos += msg->frags[i]->len;
	}
	if (lsgc_wire_split_view(buf, msg->total_len, &vlen,
				 msg->flags & LSGC_DATA_KEYS) ||
	    lsgc_wire_parse_view(buf, vlen, &id, &leader, &count)) {
		err = -EPROTO;
		goto out;
	}
	v = lsgc_view_alloc(count);
	if (!v)
		goto out;
	v->id = id;
	v->leader = leader;
	v->seq = msg->seq;
	for (i = 0; i < count; i++)
		lsgc_wire_view_entry(buf, i, &v->ents[i]);
	err = 0;
out:
	kfree_sensitive(buf);
	*vp = v;
	return err;
}

/* Members keep a peer entry for exactly the members of the installed
 * view.  Adding the new ones can fail, so it comes first and is undone on
 * failure (the new ones are those the current view does not have).
 */
static int lsgc_peers_add(struct lsgc_member *m, const struct lsgc_view *nv)
{
	unsigned int i;

	for (i = 0; i < nv->count; i++) {
		if (lsgc_peer_find(m, nv->ents[i].member))
			continue;
		if (lsgc_peer_add(m, nv->ents[i].member, nv->ents[i].id))
			continue;
		while (i--)
			if (!lsgc_view_has(m->view, nv->ents[i].member))
				lsgc_peer_del(m, nv->ents[i].member);
		return -ENOMEM;
	}
	return 0;
}

static void lsgc_peers_drop_absent(struct lsgc_member *m)
{
	struct lsgc_peer *p;
	unsigned long no;

	xa_for_each(&m->peers, no, p)
		if (!lsgc_view_has(m->view, p->no))
			lsgc_peer_del(m, p->no);
}

/**
 * lsgc_membership_install - a view's turn came in the total order
 * @m: member, locked
 * @msg: the complete view message, from the leader
 *
 * Return: 0 when the view is installed (or the membership failed on it),
 * -ENOMEM when it could not be yet: nothing changed, and delivery tries
 * again later.
 */
int lsgc_membership_install(struct lsgc_member *m, struct lsgc_msg *msg)
{
	struct sk_buff *rec = NULL;
	struct lsgc_view *nv;
	int err;

	err = lsgc_view_from_msg(m, msg, &nv);
	if (err == -ENOMEM)
		return err;
	if (err || (m->view && nv->id <= m->view->id) ||
	    nv->leader != m->leader) {
		kfree(nv);
		lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_MALFORMED);
		lsgc_member_fail(m, EPROTO);
		return 0;
	}
	/* A secure member in the view seals under its key from now on. */
	if (lsgc_view_has(nv, m->self) && m->role != LSGC_ROLE_LEADER &&
	    !lsgc_keys_ready(m, msg, nv->id)) {
		kfree(nv);
		return -EAGAIN;
	}
	if (m->key_failed && lsgc_view_has(nv, m->self) &&
	    !lsgc_key_find(m, (u32)nv->id)) {
		kfree(nv);
		lsgc_member_fail(m, EKEYREJECTED);
		return 0;
	}
	if (m->seq_sk) {
		rec = lsgc_view_record(m, nv);
		if (!rec)
			goto nomem;
	}
	if (m->role != LSGC_ROLE_LEADER && lsgc_peers_add(m, nv))
		goto nomem;

	kfree(m->view);
	m->view = nv;
	m->behind_since = 0;
	trace_lsgc_rekey(m, m->epoch, (u32)nv->id);
	WRITE_ONCE(m->epoch, (u32)nv->id);
	lsgc_keys_installed(m);
	if (m->role != LSGC_ROLE_LEADER)
		lsgc_peers_drop_absent(m);
	if (!lsgc_view_has(nv, m->self)) {
		kfree_skb(rec);
		lsgc_member_fail(m, ECONNRESET);
		return 0;
	}
	lsgc_stat_inc(m->ln, m, LSGC_STAT_VIEWS_INSTALLED);
	trace_lsgc_view_install(m, nv->id, nv->leader, nv->count, nv->seq);
	lsgc_nl_notify(m, LSGC_EVENT_VIEW, 0, nv->id, 0);
	/* A view record is control, not data: no filter decides on it. */
	if (rec) {
		skb_set_owner_r(rec, m->seq_sk);
		skb_queue_tail(&m->seq_sk->sk_receive_queue, rec);
		m->seq_sk->sk_data_ready(m->seq_sk);
	}
	if (m->state == LSGC_STATE_JOINING) {
		m->join_time = ktime_to_ms(ktime_get_real());
		lsgc_nl_notify(m, LSGC_EVENT_LEADER, m->leader, nv->id, 0);
		WRITE_ONCE(m->state, LSGC_STATE_MEMBER);
		wake_up_all(&m->join_wq);
		lsgc_send_heartbeat(m);
	}
	return 0;

nomem:
	kfree_skb(rec);
	kfree(nv);
	lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_NOMEM);
	return -ENOMEM;
}

/* The member furthest behind in delivery, the leader itself included, or
 * NULL when that is the leader: its own application is then what holds
 * the group back, and expelling others would punish the healthiest.
 */
static struct lsgc_peer *lsgc_leader_laggard(struct lsgc_member *m)
{
	u64 own = lsgc_order_delivered(m);
	struct lsgc_peer *p, *laggard = NULL;
	unsigned long no;

	xa_for_each(&m->peers, no, p) {
		if (p->no == m->self)
			continue;
		if (!laggard || p->delivered < laggard->delivered)
			laggard = p;
	}
	if (laggard && own <= laggard->delivered)
		return NULL;
	return laggard;
}

static void lsgc_leader_tick(struct lsgc_member *m, unsigned long now,
			     unsigned long timeout)
{
	u64 backlog = READ_ONCE(m->ln->cfg.backlog);
	struct lsgc_peer *p, *laggard;
	unsigned long no;

	lsgc_token_tick(m, now);
	if (m->view_pending && lsgc_leader_publish_peers(m))
		return;
	xa_for_each(&m->peers, no, p) {
		if (p->no == m->self)
			continue;
		if (time_after(now, p->last_heard + timeout)) {
			/* One change per tick: each one is a new view. */
			lsgc_stat_inc(m->ln, m, LSGC_STAT_EXPELLED_SILENT);
			lsgc_membership_expel(m, p->no, ETIMEDOUT);
			return;
		}
	}
	/* A slow member slows the group down (flow control); one that
	 * still heartbeats but delivers nothing while the backlog is full
	 * would stall it for ever, and is expelled instead.  Full for
	 * anybody's messages, the leader's own included: a group where only
	 * the leader sends stalls the same way.
	 */
	if (m->next_seq - 1 - m->stable < backlog) {
		m->full_since = 0;
		return;
	}
	/* Stuck means full with the stable point standing still.  A group
	 * that moved on since (its backlog may fill again between two
	 * ticks, as when a leader that stopped reading catches up and
	 * binds a burst at once) starts a new count.
	 */
	laggard = lsgc_leader_laggard(m);
	if (!m->full_since || m->full_stable != m->stable || !laggard) {
		/* Without a laggard the leader's own application is what
		 * holds the group back: the count starts once it is not.
		 */
		m->full_since = now;
		m->full_stable = m->stable;
		return;
	}
	if (time_after(now, m->full_since + 4 * timeout) &&
	    time_after(now, laggard->progress + 8 * timeout)) {
		lsgc_stat_inc(m->ln, m, LSGC_STAT_EXPELLED_STUCK);
		m->full_since = now;
		lsgc_membership_expel(m, laggard->no, ENOBUFS);
	}
}

/**
 * lsgc_membership_tick - periodic work of group management
 * @m: member, locked
 * @now: jiffies
 */
void lsgc_membership_tick(struct lsgc_member *m, unsigned long now)
{
	struct lsgc_config *cfg = &m->ln->cfg;
	unsigned long interval = lsgc_ms(READ_ONCE(cfg->heartbeat_interval_ms));
	unsigned long timeout = lsgc_ms(max(READ_ONCE(cfg->heartbeat_timeout_ms),
					    2 * READ_ONCE(cfg->heartbeat_interval_ms)));

	if (m->state == LSGC_STATE_JOINING) {
		if (time_after(now, m->join_deadline)) {
			lsgc_member_fail(m, m->join_refused ?: ETIMEDOUT);
			return;
		}
		if (!m->session) {
			if (time_after_eq(now, m->join_next_try)) {
				struct lsgc_join j = { .nonce = m->join_nonce };

				memcpy(j.id, m->id, LSGC_ID_LEN);
				trace_lsgc_join(m, LSGC_TRACE_JOIN_REQ_SENT, 0, m->id);
				lsgc_send_join(m, LSGC_T_JOIN_REQ, &j);
				/* With the token granted, if any: a lost
				 * TOKEN is resent with the request.
				 */
				lsgc_token_present(m);
				m->join_next_try = now + interval;
			}
			return;
		}
	}
	if (m->state != LSGC_STATE_MEMBER && m->state != LSGC_STATE_JOINING)
		return;
	lsgc_keys_tick(m, now);
	lsgc_kdc_tick(m, now);
	if (time_after_eq(now, m->next_heartbeat))
		lsgc_send_heartbeat(m);
	if (m->role == LSGC_ROLE_LEADER)
		lsgc_leader_tick(m, now, timeout);
	else if (time_after(now, m->leader_heard + timeout))
		lsgc_member_fail(m, ECONNRESET);
	/* The leader announces views we cannot reach and nothing moves: we
	 * were expelled and never told (or told and the news was lost).
	 */
	else if (m->behind_since && !m->rx_blocked &&
		 time_after(now, m->behind_since + 2 * timeout))
		lsgc_member_fail(m, ECONNRESET);
}

void lsgc_membership_destroy(struct lsgc_member *m)
{
	struct lsgc_peer *p;
	unsigned long no;

	lsgc_token_destroy(m);
	xa_for_each(&m->peers, no, p)
		lsgc_peer_free(p);
	xa_destroy(&m->peers);
	kfree(m->view);
	kfree(m->lview);
	m->view = NULL;
	m->lview = NULL;
}
