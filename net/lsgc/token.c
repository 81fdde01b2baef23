// SPDX-License-Identifier: GPL-2.0
/*
 * The authentication token of a secure join: paper Figure 2, messages 4
 * and 5.
 *
 * Once the KDC vouched for a joiner (kdc.c), the leader does not admit it
 * yet.  It keeps it as a candidate and grants it a token: JOIN_TOKEN,
 * sealed under the admission's key, which only the holder of the
 * joiner's long-term key can derive.  The token is the AEAD tag of
 * sealing nothing under the current view's session key, with the
 * joiner's identity, its join nonce, the view and the leader as
 * associated data (struct lsgc_token_ad), and a nonce of the leader's own
 * packet counter, spent on it alone.  Only the leader, holding the view
 * key, can make one; every member holding it can check one.
 *
 * The joiner presents the token to the group in TOKEN (clear: it holds
 * no group key yet) with each of its JOIN_REQs.  Every member checks it
 * before parsing the body (seal.c), so a token presented under another
 * identity, or one tampered with, is dropped and counted as a forgery
 * everywhere; the leader admits (membership.c) only a live candidate
 * presenting a good token of the current view.  A joiner whose
 * long-term key is wrong never opens JOIN_TOKEN, never presents a token,
 * and so never enters a view: the group's view and keys do not change
 * for it.
 */
#include <linux/slab.h>
#include <asm/unaligned.h>

#include "lsgc.h"
#include "trace.h"

/* Candidates a leader keeps at once: joins in progress, not members. */
#define LSGC_CANDS_MAX	16

static void lsgc_cand_free(struct lsgc_cand *c)
{
	lsgc_skey_free(c->join_key);
	lsgc_skey_free(c->wrap);
	kfree_sensitive(c);
}

static struct lsgc_cand *lsgc_cand_find(struct lsgc_member *m, const u8 *id)
{
	struct lsgc_cand *c;

	list_for_each_entry(c, &m->cands, node)
		if (!memcmp(c->id, id, LSGC_ID_LEN))
			return c;
	return NULL;
}

static void lsgc_cand_del(struct lsgc_member *m, struct lsgc_cand *c)
{
	list_del(&c->node);
	m->ncands--;
	lsgc_cand_free(c);
}

/**
 * lsgc_token_check - does a presented token verify under a view's key
 * @k: the session key of the token's view
 * @session: the session the TOKEN packet names
 * @t: the token, as parsed
 *
 * Any context; the key is only read.
 *
 * Return: 0, or a negative errno (-EBADMSG: a forgery).
 */
int lsgc_token_check(struct lsgc_skey *k, u32 session,
		     const struct lsgc_token *t)
{
	u8 buf[sizeof(struct lsgc_token_ad) + LSGC_TAG_LEN];

	lsgc_wire_token_ad(session, t, (struct lsgc_token_ad *)buf);
	memcpy(buf + sizeof(struct lsgc_token_ad), t->token, LSGC_TAG_LEN);
	return lsgc_aead_crypt(k, false, t->leader, t->tcounter, buf,
			       sizeof(struct lsgc_token_ad), LSGC_TAG_LEN);
}

/* Make @c's token for our installed view, with a counter of ours that no
 * packet will use.  Leader, locked.
 */
static int lsgc_token_make(struct lsgc_member *m, struct lsgc_cand *c)
{
	u8 buf[sizeof(struct lsgc_token_ad) + LSGC_TAG_LEN];
	struct lsgc_token *t = &c->tok;
	struct lsgc_skey *k;
	u64 counter;
	int err;

	k = lsgc_key_find(m, (u32)m->view->id);
	if (!k)
		return -ENOKEY;
	counter = atomic64_inc_return(&m->tx_counter);
	if (!counter)
		return -EOVERFLOW;
	memcpy(t->id, c->id, LSGC_ID_LEN);
	t->nonce = c->nonce;
	t->view_id = m->view->id;
	t->leader = m->self;
	t->tcounter = counter;
	lsgc_wire_token_ad(m->session, t, (struct lsgc_token_ad *)buf);
	err = lsgc_aead_crypt(k, true, m->self, counter, buf,
			      sizeof(struct lsgc_token_ad), 0);
	if (!err)
		memcpy(t->token, buf + sizeof(struct lsgc_token_ad),
		       LSGC_TAG_LEN);
	memzero_explicit(buf, sizeof(buf));
	return err;
}

/* JOIN_TOKEN to @c: the clear part names the joiner's run and how to
 * derive the admission's key; the grant is sealed under that key.
 * Leader, locked.
 */
static void lsgc_token_send_grant(struct lsgc_member *m, struct lsgc_cand *c)
{
	const size_t clear = sizeof(struct lsgc_wire_join_sack);
	struct lsgc_wire_token_grant *g;
	struct lsgc_join j = {
		.nonce = c->nonce,
	};
	struct sk_buff *skb;

	if (c->tok.view_id != m->view->id && lsgc_token_make(m, c))
		return;
	memcpy(j.id, c->id, LSGC_ID_LEN);
	memcpy(j.leader_id, m->id, LSGC_ID_LEN);
	memcpy(j.lnonce, c->lnonce, LSGC_LNONCE_LEN);
	skb = lsgc_pkt_alloc(m, LSGC_T_JOIN_TOKEN,
			     lsgc_wire_join_len(LSGC_T_JOIN_TOKEN), GFP_ATOMIC);
	if (!skb)
		return;
	lsgc_wire_put_join(skb->data + LSGC_HDR_LEN, LSGC_T_JOIN_TOKEN, &j);
	g = (void *)(skb->data + LSGC_HDR_LEN + clear);
	put_unaligned_be64(c->tok.view_id, &g->view_id);
	put_unaligned_be32(c->tok.leader, &g->leader);
	put_unaligned_be64(c->tok.tcounter, &g->tcounter);
	memcpy(g->token, c->tok.token, LSGC_TAG_LEN);
	if (lsgc_seal_for(m, skb, c->join_key, clear, sizeof(*g))) {
		kfree_skb(skb);
		return;
	}
	trace_lsgc_join(m, LSGC_TRACE_TOKEN_SENT, 0, c->id);
	lsgc_pkt_queue(m, skb);
}

/**
 * lsgc_token_grant - the KDC vouched for a joiner: grant it a token
 * @m: the leader, not locked (the KDC answer's process context)
 * @id: the joiner's identity
 * @nonce: the nonce of its request
 * @secret: our shared secret with it, {SL}K_joiner
 *
 * Return: 0 or a negative errno; on failure the joiner asks again.
 */
int lsgc_token_grant(struct lsgc_member *m, const u8 *id, u64 nonce,
		     const u8 *secret)
{
	struct lsgc_skey *nk = NULL;
	struct lsgc_cand *c, *old;
	u8 k[LSGC_KEY_LEN];
	u32 session;
	int err;

	c = kzalloc(sizeof(*c), GFP_KERNEL_ACCOUNT);
	if (!c)
		return -ENOMEM;
	memcpy(c->id, id, LSGC_ID_LEN);
	c->nonce = nonce;
	get_random_bytes(c->lnonce, sizeof(c->lnonce));
	session = READ_ONCE(m->session);
	err = lsgc_derive_join(secret, session, nonce, c->lnonce, k);
	c->join_key = err ? ERR_PTR(err) :
		      lsgc_skey_new(LSGC_CIPHER_AES_GCM, 0, k);
	if (IS_ERR(c->join_key)) {
		err = PTR_ERR(c->join_key);
		c->join_key = NULL;
		goto out;
	}
	err = lsgc_derive_wrap(secret, session, k);
	c->wrap = err ? ERR_PTR(err) : lsgc_skey_new(LSGC_CIPHER_AES_GCM, 0, k);
	if (IS_ERR(c->wrap)) {
		err = PTR_ERR(c->wrap);
		c->wrap = NULL;
		goto out;
	}
	/* The key of the view that will admit it, drawn here where we may
	 * sleep, so that the TOKEN finds it ready.
	 */
	if (!READ_ONCE(m->next_key)) {
		nk = lsgc_skey_new(m->cipher, 0, NULL);
		if (IS_ERR(nk)) {
			err = PTR_ERR(nk);
			nk = NULL;
			goto out;
		}
	}

	spin_lock_bh(&m->lock);
	err = -ESRCH;
	if (m->dead || m->role != LSGC_ROLE_LEADER ||
	    m->state != LSGC_STATE_MEMBER || !m->view ||
	    READ_ONCE(m->session) != session || lsgc_peer_find_id(m, id))
		goto unlock;
	if (!m->next_key) {
		m->next_key = nk;
		nk = NULL;
	}
	/* A new run of the identity replaces the old one's candidate. */
	old = lsgc_cand_find(m, id);
	if (old)
		lsgc_cand_del(m, old);
	err = -EBUSY;
	if (m->ncands >= LSGC_CANDS_MAX)
		goto unlock;
	c->expires = jiffies +
		     lsgc_ms(READ_ONCE(m->ln->cfg.join_timeout_ms));
	list_add_tail(&c->node, &m->cands);
	m->ncands++;
	lsgc_token_send_grant(m, c);
	c = NULL;
	err = 0;
unlock:
	spin_unlock_bh(&m->lock);
out:
	memzero_explicit(k, sizeof(k));
	if (c)
		lsgc_cand_free(c);
	lsgc_skey_free(nk);
	return err;
}

/**
 * lsgc_token_rx_join_req - a JOIN_REQ of a candidate: grant again
 * @m: the leader, locked
 * @j: the request
 *
 * Return: true if @j is a candidate's (it had its answer), false if the
 * request must go on to the KDC.
 */
bool lsgc_token_rx_join_req(struct lsgc_member *m, const struct lsgc_join *j)
{
	struct lsgc_cand *c = lsgc_cand_find(m, j->id);

	if (!c || c->nonce != j->nonce)
		return false;
	lsgc_token_send_grant(m, c);
	return true;
}

/**
 * lsgc_token_rx - the leader hears a token that verified
 * @m: the leader, locked
 * @t: the token, checked by lsgc_open() under the key of its view
 *
 * Admits a candidate that presents its token of our installed view; a
 * token of an earlier view gets a new grant.  Admission waits (the
 * joiner presents its token again) while the next view's key is not
 * drawn or memory is short; a full view refuses the candidate.
 */
void lsgc_token_rx(struct lsgc_member *m, const struct lsgc_token *t)
{
	struct lsgc_cand *c;
	struct lsgc_peer *p;
	int err;

	if (m->role != LSGC_ROLE_LEADER || m->state != LSGC_STATE_MEMBER ||
	    !m->view)
		return;
	p = lsgc_peer_find_id(m, t->id);
	if (p) {
		/* Admitted already: a retransmission, or a replay. */
		lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_DUPLICATE);
		return;
	}
	c = lsgc_cand_find(m, t->id);
	if (!c || c->nonce != t->nonce || t->leader != m->self) {
		lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_NOT_MEMBER);
		return;
	}
	if (t->view_id != m->view->id) {
		lsgc_token_send_grant(m, c);
		return;
	}
	err = lsgc_membership_admit(m, c->id, c->nonce, c->lnonce,
				    &c->join_key, &c->wrap);
	if (err == -EUSERS) {
		/* The view filled up since the grant. */
		struct lsgc_join j = { .nonce = c->nonce };

		memcpy(j.id, c->id, LSGC_ID_LEN);
		lsgc_membership_refuse(m, &j, EUSERS);
	}
	if (!err || err == -EUSERS)
		lsgc_cand_del(m, c);
}

/**
 * lsgc_token_present - a joiner holding a token presents it
 * @m: the joiner, locked
 */
void lsgc_token_present(struct lsgc_member *m)
{
	struct lsgc_wire_hdr *w;
	struct sk_buff *skb;

	if (!m->tok_session)
		return;
	skb = lsgc_pkt_alloc(m, LSGC_T_TOKEN, sizeof(struct lsgc_wire_token),
			     GFP_ATOMIC);
	if (!skb)
		return;
	lsgc_wire_put_token(skb->data + LSGC_HDR_LEN, &m->tok);
	w = (void *)skb->data;
	/* In the leader's session and the token's view, from member 0. */
	put_unaligned_be32(m->tok_session, &w->session);
	put_unaligned_be32((u32)m->tok.view_id, &w->epoch);
	put_unaligned_be64(atomic64_inc_return(&m->tx_counter), &w->counter);
	LSGC_TX_CB(skb)->sealed = true;
	lsgc_pkt_queue(m, skb);
}

/**
 * lsgc_token_open_grant - a joiner takes the grant it opened
 * @m: the joiner, not locked (its crypto work)
 * @h: header of the JOIN_TOKEN
 * @j: its clear part
 * @g: its grant, opened
 */
void lsgc_token_open_grant(struct lsgc_member *m, const struct lsgc_hdr *h,
			   const struct lsgc_join *j,
			   const struct lsgc_wire_token_grant *g)
{
	struct lsgc_token t = {
		.nonce = j->nonce,
		.view_id = get_unaligned_be64(&g->view_id),
		.leader = get_unaligned_be32(&g->leader),
		.tcounter = get_unaligned_be64(&g->tcounter),
	};

	if (!t.view_id || t.leader != h->sender || !t.tcounter ||
	    g->reserved) {
		lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_MALFORMED);
		return;
	}
	memcpy(t.id, j->id, LSGC_ID_LEN);
	memcpy(t.token, g->token, LSGC_TAG_LEN);
	spin_lock_bh(&m->lock);
	if (m->state == LSGC_STATE_JOINING && !m->session && !m->dead &&
	    !memcmp(j->id, m->id, LSGC_ID_LEN) && j->nonce == m->join_nonce) {
		m->tok = t;
		WRITE_ONCE(m->tok_session, h->session);
		trace_lsgc_join(m, LSGC_TRACE_TOKEN_RECV, 0, j->id);
		lsgc_token_present(m);
	}
	spin_unlock_bh(&m->lock);
}

/**
 * lsgc_token_tick - forget candidates whose join must have ended
 * @m: leader, locked
 * @now: jiffies
 */
void lsgc_token_tick(struct lsgc_member *m, unsigned long now)
{
	struct lsgc_cand *c, *n;

	list_for_each_entry_safe(c, n, &m->cands, node)
		if (time_after(now, c->expires))
			lsgc_cand_del(m, c);
}

/**
 * lsgc_token_destroy - free every candidate and the joiner's token
 * @m: member being freed, or one that stops leading
 */
void lsgc_token_destroy(struct lsgc_member *m)
{
	struct lsgc_cand *c, *n;

	list_for_each_entry_safe(c, n, &m->cands, node)
		lsgc_cand_del(m, c);
	memzero_explicit(&m->tok, sizeof(m->tok));
	WRITE_ONCE(m->tok_session, 0);
}
