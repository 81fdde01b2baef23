// SPDX-License-Identifier: GPL-2.0
/*
 * The one seal/open step.  Every packet a member sends passes through
 * lsgc_seal() after it is built and before it reaches the transport, and
 * every packet the transport receives passes through lsgc_open() after its
 * header is parsed and before anything else of it is read.
 *
 * In a secure group every packet but the two a joiner without keys must
 * be able to read or send (JOIN_REQ, JOIN_NAK) is sealed with the session
 * key of an epoch: the header (with LSGC_HDR_SEALED set) is the
 * associated data, the body is encrypted, a 16-byte tag follows.  The
 * nonce is the sender's member number and its packet counter, which
 * never repeats: it is a 64-bit count that refuses to wrap, and each
 * member number is given once per session.  JOIN_TOKEN and JOIN_SACK are
 * sealed when they are built, under the admission's own key (token.c,
 * membership.c), and opened by the joiner alone.  TOKEN travels in clear
 * (its sender holds no group key yet), but what it carries is a tag under
 * the session key of its view: it is checked here, like a seal.
 *
 * Groups joined with LSGC_JOIN_INSECURE carry every packet in clear; a
 * clear packet claiming a secure session, or a sealed one an insecure
 * session, is refused.
 */
#include <asm/unaligned.h>

#include "lsgc.h"

static bool lsgc_type_clear(u8 type)
{
	return type == LSGC_T_JOIN_REQ || type == LSGC_T_JOIN_NAK;
}

/**
 * lsgc_seal - give a built packet its counter and epoch and protect it
 * @m: the sending member; its lock is not held; called under
 *	rcu_read_lock_bh() (the keys are RCU protected)
 * @skb: the packet, data at the LSGC header
 *
 * Return: 0, or a negative errno after which the packet must be dropped.
 */
int lsgc_seal(struct lsgc_member *m, struct sk_buff *skb)
{
	struct lsgc_wire_hdr *w = (struct lsgc_wire_hdr *)skb->data;
	struct lsgc_skey *k;
	u64 counter;
	u32 epoch;

	if (LSGC_TX_CB(skb)->sealed)
		return 0;
	counter = atomic64_inc_return(&m->tx_counter);
	/* A counter must never repeat under one key: refuse to wrap. */
	if (unlikely(!counter))
		return -EOVERFLOW;
	put_unaligned_be64(counter, &w->counter);
	epoch = LSGC_TX_CB(skb)->epoch;
	if (!m->secure || lsgc_type_clear(w->type)) {
		put_unaligned_be32(READ_ONCE(m->epoch), &w->epoch);
		return 0;
	}
	/* A repair goes out under the epoch of the NAK that asked for it,
	 * while we hold that key; everything else under the current one.
	 */
	k = lsgc_key_find(m, epoch);
	if (!k)
		k = lsgc_key_find(m, READ_ONCE(m->epoch));
	if (!k)
		return -ENOKEY;
	/* Sealing writes the data: a fragment whose payload the store
	 * shares (a clone) gets its own copy first.
	 */
	if ((skb_cloned(skb) || skb_tailroom(skb) < LSGC_TAG_LEN) &&
	    pskb_expand_head(skb, 0, max_t(int, 0, LSGC_TAG_LEN -
					   (int)skb_tailroom(skb)),
			     GFP_ATOMIC))
		return -ENOMEM;
	w = (struct lsgc_wire_hdr *)skb->data;	/* the head may have moved */
	put_unaligned_be32(k->epoch, &w->epoch);
	put_unaligned_be16(LSGC_HDR_SEALED, &w->flags);
	skb_put(skb, LSGC_TAG_LEN);
	return lsgc_aead_crypt(k, true, m->self, counter, skb->data,
			       LSGC_HDR_LEN, skb->len - LSGC_HDR_LEN -
			       LSGC_TAG_LEN);
}

/**
 * lsgc_seal_for - seal a packet for one joiner, under its admission's key
 * @m: the leader, locked
 * @skb: the packet, built, data at the header
 * @k: the admission's key, K_join
 * @adlen: bytes of the body after the header that stay in clear (they
 *	are associated data, with the header)
 * @len: bytes of the body sealed after them; the tag follows them, in
 *	room the packet was built with
 *
 * JOIN_TOKEN and JOIN_SACK are sealed when they are built, with the
 * leader's number and next counter as the nonce, and lsgc_seal() leaves
 * them alone.
 *
 * Return: 0, or a negative errno after which the caller frees @skb.
 */
int lsgc_seal_for(struct lsgc_member *m, struct sk_buff *skb,
		  struct lsgc_skey *k, unsigned int adlen, unsigned int len)
{
	struct lsgc_wire_hdr *w = (struct lsgc_wire_hdr *)skb->data;
	u64 counter = atomic64_inc_return(&m->tx_counter);

	if (!counter)
		return -EOVERFLOW;
	put_unaligned_be64(counter, &w->counter);
	put_unaligned_be32(m->epoch, &w->epoch);
	put_unaligned_be16(LSGC_HDR_SEALED, &w->flags);
	LSGC_TX_CB(skb)->sealed = true;
	return lsgc_aead_crypt(k, true, m->self, counter, skb->data,
			       LSGC_HDR_LEN + adlen, len);
}

/* What lsgc_open() found for a packet's session. */
enum lsgc_open_verdict {
	LSGC_OPEN_NONE,		/* no local member is in the session */
	LSGC_OPEN_CLEAR,	/* an insecure session */
	LSGC_OPEN_KEY,		/* the epoch's key */
	LSGC_OPEN_HOLD,		/* the epoch is just ahead: its key is coming */
	LSGC_OPEN_NOKEY,	/* a secure session, no key of the epoch */
};

/* The key for @h, from any local member of its session: they hold the
 * same keys.  RCU read side.
 */
static enum lsgc_open_verdict lsgc_open_find(struct lsgc_transport *t,
					     const struct lsgc_hdr *h,
					     struct lsgc_skey **kp,
					     struct lsgc_member **mp)
{
	enum lsgc_open_verdict v = LSGC_OPEN_NONE;
	struct lsgc_member *m;
	struct lsgc_skey *k;
	s32 ahead;

	list_for_each_entry_rcu(m, &t->members, tnode) {
		if (READ_ONCE(m->session) != h->session)
			continue;
		if (!m->secure)
			return LSGC_OPEN_CLEAR;
		k = lsgc_key_find(m, h->epoch);
		if (k) {
			*kp = k;
			return LSGC_OPEN_KEY;
		}
		ahead = (s32)(h->epoch - READ_ONCE(m->epoch));
		if (ahead > 0 && ahead <= 2) {
			*mp = m;
			v = LSGC_OPEN_HOLD;
		} else if (v == LSGC_OPEN_NONE) {
			v = LSGC_OPEN_NOKEY;
		}
	}
	return v;
}

/* A joiner's TOKEN: the token must verify under the key of the view it
 * names, which is also the header's epoch.  One that does not parse is
 * left to the body's parser (and counted malformed there).
 */
static int lsgc_open_token(struct lsgc_transport *t, struct sk_buff *skb,
			   const struct lsgc_hdr *h)
{
	struct lsgc_member *hm = NULL;
	struct lsgc_skey *k = NULL;
	struct lsgc_token tok;

	if (lsgc_wire_parse_token(skb->data + LSGC_HDR_LEN,
				  skb->len - LSGC_HDR_LEN, &tok))
		return 0;
	if ((u32)tok.view_id != h->epoch)
		return -EBADMSG;
	switch (lsgc_open_find(t, h, &k, &hm)) {
	case LSGC_OPEN_NONE:
		/* Only our own joiner's (lsgc_rx_session_known()). */
		return 0;
	case LSGC_OPEN_CLEAR:
		return -EBADMSG;
	case LSGC_OPEN_HOLD:
	case LSGC_OPEN_NOKEY:
		return -ENOKEY;
	case LSGC_OPEN_KEY:
		break;
	}
	return lsgc_token_check(k, h->session, &tok);
}

/**
 * lsgc_open - verify and unprotect a received packet
 * @t: the transport it arrived on
 * @skb: the packet, linear, data at the LSGC header
 * @h: its parsed header
 *
 * Runs under rcu_read_lock().  On success a sealed packet's body is
 * decrypted in place and its tag trimmed.
 *
 * Return: 0 if the packet may be parsed further; -EINPROGRESS when it was
 * taken to wait for its key (the caller must not touch it again);
 * -ENOKEY when no key of its epoch is held (counted apart: a late packet
 * of a view whose key is gone); else a negative errno, and the caller
 * drops the packet and counts an authentication failure.
 */
int lsgc_open(struct lsgc_transport *t, struct sk_buff *skb,
	      const struct lsgc_hdr *h)
{
	bool sealed = h->flags & LSGC_HDR_SEALED;
	struct lsgc_member *hm = NULL;
	struct lsgc_skey *k = NULL;
	unsigned int len;
	int err;

	if (lsgc_type_clear(h->type))
		return sealed ? -EBADMSG : 0;
	if (h->type == LSGC_T_TOKEN)
		return sealed ? -EBADMSG : lsgc_open_token(t, skb, h);
	/* Opened by the joiner, under the admission's key. */
	if (h->type == LSGC_T_JOIN_SACK || h->type == LSGC_T_JOIN_TOKEN)
		return sealed ? 0 : -EBADMSG;

	switch (lsgc_open_find(t, h, &k, &hm)) {
	case LSGC_OPEN_NONE:
	case LSGC_OPEN_CLEAR:
		/* No member of ours is in a secure session of this id (an
		 * insecure session's joiner only reads JOIN_ACK and NAK).
		 */
		return sealed ? -EBADMSG : 0;
	case LSGC_OPEN_HOLD:
		if (!sealed)
			return -EBADMSG;
		lsgc_keys_hold(hm, skb);
		return -EINPROGRESS;
	case LSGC_OPEN_NOKEY:
		return sealed ? -ENOKEY : -EBADMSG;
	case LSGC_OPEN_KEY:
		break;
	}
	if (!sealed)
		return -EBADMSG;
	len = skb->len - LSGC_HDR_LEN;
	if (len < LSGC_TAG_LEN)
		return -EBADMSG;
	err = skb_ensure_writable(skb, skb->len);
	if (err)
		return err;
	err = lsgc_aead_crypt(k, false, h->sender, h->counter, skb->data,
			      LSGC_HDR_LEN, len);
	if (err)
		return err;
	skb_trim(skb, skb->len - LSGC_TAG_LEN);
	return 0;
}
