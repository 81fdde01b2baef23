// SPDX-License-Identifier: GPL-2.0
/*
 * The receive path: one packet from the transport is parsed (header, then
 * open, then body), then handed to every local member of the group, each
 * under its own lock.  Whatever a member must send in answer is queued
 * under its lock and transmitted after it is dropped.
 */
#include <linux/skbuff.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>

#include "lsgc.h"
#include "netlink.h"

/* A packet whose header and body passed the parsers. */
struct lsgc_rx {
	struct lsgc_hdr h;
	struct lsgc_src src;
	const u8 *body;
	unsigned int blen;
	union {
		struct lsgc_data data;
		unsigned int order_count;
		struct {
			u64 from;
			u64 to;
		} nak;
		struct lsgc_heartbeat hb;
		struct lsgc_fnak fnak;
		struct lsgc_join join;
		struct lsgc_token token;
		struct {
			u32 member;
			u32 reason;
		} ref;
	};
};

static int lsgc_rx_parse_body(struct lsgc_rx *rx)
{
	const u8 *b = rx->body;
	unsigned int len = rx->blen;

	switch (rx->h.type) {
	case LSGC_T_DATA:
		return lsgc_wire_parse_data(b, len, &rx->data);
	case LSGC_T_ORDER:
		return lsgc_wire_parse_order(b, len, &rx->order_count);
	case LSGC_T_NAK:
		return lsgc_wire_parse_nak(b, len, &rx->nak.from, &rx->nak.to);
	case LSGC_T_HEARTBEAT:
		return lsgc_wire_parse_heartbeat(b, len, &rx->hb);
	case LSGC_T_FNAK:
		return lsgc_wire_parse_fnak(b, len, &rx->fnak);
	case LSGC_T_JOIN_REQ:
	case LSGC_T_JOIN_ACK:
	case LSGC_T_JOIN_NAK:
	case LSGC_T_JOIN_SACK:
	case LSGC_T_JOIN_TOKEN:
		return lsgc_wire_parse_join(b, len, rx->h.type, &rx->join);
	case LSGC_T_TOKEN:
		return lsgc_wire_parse_token(b, len, &rx->token);
	case LSGC_T_LEAVE:
	case LSGC_T_EXPEL:
		return lsgc_wire_parse_member_ref(b, len, &rx->ref.member,
						  &rx->ref.reason);
	case LSGC_T_UDATA:
		return LSGC_WIRE_OK;
	}
	return LSGC_WIRE_TYPE_BAD;
}

static void lsgc_rx_udata(struct lsgc_member *m, const struct lsgc_rx *rx,
			  struct sk_buff *skb, struct lsgc_peer *p)
{
	struct sock *sk = m->dgram_sk;
	struct sk_buff *c;

	/* Best effort: only members of the installed view are heard. */
	if (!p || !lsgc_view_has(m->view, rx->h.sender)) {
		lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_NOT_MEMBER);
		return;
	}
	if (rx->h.sender == m->self) {
		if (!sk || !lsgc_sk(sk)->recv_own)
			return;
	} else {
		lsgc_stat_inc(m->ln, m, LSGC_STAT_UDATA_RECEIVED);
		if (!sk)
			return;
	}
	if (atomic_read(&sk->sk_rmem_alloc) >= READ_ONCE(sk->sk_rcvbuf)) {
		lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_RCVBUF);
		return;
	}
	c = skb_clone(skb, GFP_ATOMIC);
	if (!c) {
		lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_NOMEM);
		return;
	}
	__skb_pull(c, LSGC_HDR_LEN);
	skb_trim(c, rx->blen);
	memset(LSGC_SKB_CB(c), 0, sizeof(struct lsgc_skb_cb));
	LSGC_SKB_CB(c)->origin = rx->h.sender;
	LSGC_SKB_CB(c)->view_id = m->view->id;
	memcpy(LSGC_SKB_CB(c)->id, p->id, LSGC_ID_LEN);
	if (lsgc_sock_queue_rcv(sk, c))
		lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_FILTER);
	else
		lsgc_stat_inc(m->ln, m, LSGC_STAT_UDATA_DELIVERED);
}

static void lsgc_rx_member(struct lsgc_member *m, const struct lsgc_rx *rx,
			   struct sk_buff *skb)
{
	const struct lsgc_hdr *h = &rx->h;
	struct lsgc_peer *p;

	if (m->state == LSGC_STATE_JOINING && !m->session) {
		/* A secure joiner takes only its sealed token and admission,
		 * an insecure one only a clear admission; a refusal is clear
		 * for both.
		 */
		if (h->type == LSGC_T_JOIN_NAK ||
		    h->type == (m->secure ? LSGC_T_JOIN_SACK : LSGC_T_JOIN_ACK) ||
		    (m->secure && h->type == LSGC_T_JOIN_TOKEN))
			lsgc_membership_rx_join_reply(m, h, &rx->join, skb);
		return;
	}
	if (m->state != LSGC_STATE_MEMBER && m->state != LSGC_STATE_JOINING)
		return;
	if (h->session != m->session &&
	    !(h->type == LSGC_T_JOIN_REQ && !h->session)) {
		lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_SESSION);
		return;
	}
	lsgc_member_stat_add(m, LSGC_STAT_RX_PACKETS, 1);
	lsgc_member_stat_add(m, LSGC_STAT_RX_BYTES, skb->len);
	p = h->sender ? lsgc_peer_find(m, h->sender) : NULL;
	/* The key of a view before ours is still accepted for a while, but
	 * only from members of both views: one that left holds it too.  A
	 * joiner's token of that view gets a new one (token.c).
	 */
	if (m->secure && !p && (s32)(h->epoch - m->epoch) < 0 &&
	    h->type != LSGC_T_JOIN_REQ && h->type != LSGC_T_TOKEN) {
		lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_NOT_MEMBER);
		return;
	}
	if (p) {
		/* Before the loopback test below: a replay of our own
		 * packets is a replay too.
		 */
		if (!lsgc_replay_check(&p->replay, h->counter)) {
			lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_REPLAY);
			lsgc_nl_security(m->t, m, LSGC_STAT_DROP_REPLAY,
					 &rx->src, h->sender);
			return;
		}
		p->last_heard = jiffies;
		if (!p->heard && m->secure)
			/* It has its admission: never sent again. */
			memzero_explicit(&p->secret, sizeof(p->secret));
		p->heard = true;
		p->src = rx->src;
	} else if (m->role == LSGC_ROLE_LEADER && h->sender) {
		/* A former member that does not know it. */
		/* Under the key it holds, or it could not read it. */
		m->tx_epoch_hint = h->epoch;
		lsgc_membership_rx_stranger(m, h);
		m->tx_epoch_hint = 0;
		lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_NOT_MEMBER);
		return;
	} else if (h->sender != m->leader && h->type != LSGC_T_DATA &&
		   h->sender) {
		/* Only a joiner and (before we installed the view that
		 * admits it) a new member's data come from outside our view.
		 */
		lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_NOT_MEMBER);
		return;
	}
	/* Our own packets come back through multicast loopback; only the
	 * best-effort channel has a use for them.
	 */
	if (h->sender == m->self && h->type != LSGC_T_UDATA)
		return;

	switch (h->type) {
	case LSGC_T_DATA:
		lsgc_order_rx_data(m, h, &rx->data, skb);
		break;
	case LSGC_T_ORDER:
		if (h->sender != m->leader) {
			lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_NOT_MEMBER);
			break;
		}
		lsgc_order_rx_order(m, rx->body, rx->order_count);
		break;
	case LSGC_T_NAK:
		if (!p) {
			lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_NOT_MEMBER);
			break;
		}
		lsgc_order_rx_nak(m, h, rx->nak.from, rx->nak.to);
		break;
	case LSGC_T_HEARTBEAT:
		lsgc_membership_rx_heartbeat(m, h, &rx->hb);
		break;
	case LSGC_T_FNAK:
		if (h->sender != m->leader) {
			lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_NOT_MEMBER);
			break;
		}
		lsgc_order_rx_fnak(m, &rx->fnak);
		break;
	case LSGC_T_JOIN_REQ:
		if (h->sender) {
			lsgc_stat_inc(m->ln, m, LSGC_STAT_DROP_MALFORMED);
			break;
		}
		lsgc_membership_rx_join_req(m, h, &rx->join);
		break;
	case LSGC_T_TOKEN:
		/* Checked by every member (lsgc_open()); the leader acts. */
		if (m->role == LSGC_ROLE_LEADER)
			lsgc_token_rx(m, &rx->token);
		break;
	case LSGC_T_JOIN_ACK:
	case LSGC_T_JOIN_NAK:
	case LSGC_T_JOIN_SACK:
	case LSGC_T_JOIN_TOKEN:
		break;
	case LSGC_T_LEAVE:
		lsgc_membership_rx_leave(m, h, rx->ref.member);
		break;
	case LSGC_T_EXPEL:
		lsgc_membership_rx_expel(m, h, rx->ref.member, rx->ref.reason);
		break;
	case LSGC_T_UDATA:
		lsgc_rx_udata(m, rx, skb, p);
		break;
	}
}

static enum lsgc_stat lsgc_rx_drop_reason(int verdict)
{
	return verdict == LSGC_WIRE_VERSION_BAD ? LSGC_STAT_DROP_VERSION :
						  LSGC_STAT_DROP_MALFORMED;
}

/* Is the packet's session one a local member is in (or may enter)?  A
 * foreign session's packet is dropped on its header alone: with security
 * its body could not even be opened.
 */
static bool lsgc_rx_session_known(struct lsgc_transport *t,
				  const struct lsgc_hdr *h)
{
	struct lsgc_member *m;
	u32 session;

	if (h->type == LSGC_T_JOIN_REQ && !h->session)
		return true;
	list_for_each_entry_rcu(m, &t->members, tnode) {
		session = READ_ONCE(m->session);
		if (session == h->session)
			return true;
		if (!session && (h->type == LSGC_T_JOIN_ACK ||
				 h->type == LSGC_T_JOIN_NAK ||
				 h->type == LSGC_T_JOIN_SACK ||
				 h->type == LSGC_T_JOIN_TOKEN))
			return true;
		/* A joiner hears its own token, in its leader's session. */
		if (!session && h->type == LSGC_T_TOKEN &&
		    READ_ONCE(m->tok_session) == h->session)
			return true;
	}
	return false;
}

/* Where the packet came from: the UDP header was pulled, but the network
 * and transport headers are still where the stack left them.
 */
static void lsgc_rx_source(const struct sk_buff *skb, struct lsgc_src *src)
{
	memset(src, 0, sizeof(*src));
	src->port = udp_hdr(skb)->source;
	if (ip_hdr(skb)->version == 4) {
		src->family = AF_INET;
		memcpy(src->addr, &ip_hdr(skb)->saddr, 4);
	} else {
		src->family = AF_INET6;
		memcpy(src->addr, &ipv6_hdr(skb)->saddr, 16);
	}
}

/**
 * lsgc_receive - process one packet from the transport
 * @t: transport it arrived on
 * @skb: the packet, data at the LSGC header; consumed
 *
 * Runs in softirq context under rcu_read_lock().
 */
void lsgc_receive(struct lsgc_transport *t, struct sk_buff *skb)
{
	struct lsgc_net *ln = t->ln;
	struct lsgc_member *m;
	struct lsgc_rx rx;
	int verdict;

	lsgc_stat_inc(ln, NULL, LSGC_STAT_RX_PACKETS);
	lsgc_stat_add(ln, NULL, LSGC_STAT_RX_BYTES, skb->len);
	if (skb_linearize(skb)) {
		lsgc_stat_inc(ln, NULL, LSGC_STAT_DROP_NOMEM);
		goto out;
	}
	verdict = lsgc_wire_parse_hdr(skb->data, skb->len, &rx.h);
	if (verdict) {
		lsgc_stat_inc(ln, NULL, lsgc_rx_drop_reason(verdict));
		goto out;
	}
	if (!lsgc_rx_session_known(t, &rx.h)) {
		lsgc_stat_inc(ln, NULL, LSGC_STAT_DROP_SESSION);
		goto out;
	}
	lsgc_rx_source(skb, &rx.src);
	verdict = lsgc_open(t, skb, &rx.h);
	if (verdict == -EINPROGRESS)
		return;		/* held until its key arrives */
	if (verdict == -ENOKEY) {
		lsgc_stat_inc(ln, NULL, LSGC_STAT_DROP_UNKNOWN_EPOCH);
		lsgc_nl_security(t, NULL, LSGC_STAT_DROP_UNKNOWN_EPOCH,
				 &rx.src, rx.h.sender);
		goto out;
	}
	if (verdict == -ENOMEM) {
		lsgc_stat_inc(ln, NULL, LSGC_STAT_DROP_NOMEM);
		goto out;
	}
	if (verdict) {
		lsgc_stat_inc(ln, NULL, LSGC_STAT_DROP_AUTH);
		lsgc_nl_security(t, NULL, LSGC_STAT_DROP_AUTH, &rx.src,
				 rx.h.sender);
		goto out;
	}
	rx.body = skb->data + LSGC_HDR_LEN;
	rx.blen = skb->len - LSGC_HDR_LEN;
	verdict = lsgc_rx_parse_body(&rx);
	if (verdict) {
		lsgc_stat_inc(ln, NULL, lsgc_rx_drop_reason(verdict));
		goto out;
	}

	list_for_each_entry_rcu(m, &t->members, tnode) {
		spin_lock_bh(&m->lock);
		if (!m->dead)
			lsgc_rx_member(m, &rx, skb);
		lsgc_order_flush_bindings(m);
		spin_unlock_bh(&m->lock);
		lsgc_member_flush(m);
	}
out:
	consume_skb(skb);
}
