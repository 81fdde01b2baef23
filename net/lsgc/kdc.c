// SPDX-License-Identifier: GPL-2.0
/*
 * The upcall to the key distribution center: the "lsgc_kdc" generic
 * netlink family (include/uapi/linux/lsgc_kdc.h has the protocol).
 *
 * A secure group's leader that hears a joiner asks the KDC helper of its
 * namespace for their pair key: it multicasts a request on the "kdc"
 * group and a daemon answers with LSGC_KDC_CMD_ANSWER.  Each request ends
 * exactly once, by whoever takes it out of the namespace's table first:
 * the answer, the member's timer (deadline passed), or the member going
 * away.  Nobody listening fails the request at once.
 *
 * The answer is authenticated under a key only the KDC and the leader
 * hold, over the leader's fresh nonce, so neither a daemon without the
 * database nor a replayed answer gets a pair key accepted.
 */
#include <crypto/algapi.h>
#include <linux/random.h>
#include <net/genetlink.h>
#include <uapi/linux/lsgc_kdc.h>

#include "lsgc.h"

/* Requests a leader may have outstanding at once. */
#define LSGC_KDC_MAX_PENDING	16

static struct genl_family lsgc_kdc_family;

/**
 * struct lsgc_kdc_req - one request, in lsgc_net.kdc_reqs and on its
 * member's list
 * @node: in lsgc_member.kdc_reqs, under the member's lock
 * @id: its handle in lsgc_net.kdc_reqs
 * @m: the leader; a reference is held
 * @peer: identity of the joiner
 * @peer_nonce: the joiner's nonce
 * @nonce: our nonce, which the answer's MAC covers
 * @deadline: jiffies
 */
struct lsgc_kdc_req {
	struct list_head node;
	u32 id;
	struct lsgc_member *m;
	u8 peer[LSGC_ID_LEN];
	u64 peer_nonce;
	u8 nonce[LSGC_KDC_NONCE_LEN];
	unsigned long deadline;
};

enum lsgc_kdc_mcgrp {
	LSGC_KDC_MCGRP_KDC,
};

static const struct genl_multicast_group lsgc_kdc_mcgrps[] = {
	[LSGC_KDC_MCGRP_KDC] = { .name = LSGC_KDC_MCGRP,
				 .flags = GENL_MCAST_CAP_NET_ADMIN },
};

static int lsgc_kdc_put_request(struct sk_buff *skb, struct lsgc_kdc_req *req,
				u32 timeout_ms)
{
	struct nlattr *nest;

	if (nla_put_u32(skb, LSGC_KDC_A_REQ_ID, req->id) ||
	    nla_put(skb, LSGC_KDC_A_REQUESTER, LSGC_ID_LEN, req->m->id) ||
	    nla_put(skb, LSGC_KDC_A_NONCE, LSGC_KDC_NONCE_LEN, req->nonce) ||
	    nla_put_u32(skb, LSGC_KDC_A_TIMEOUT_MS, timeout_ms))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, LSGC_KDC_A_PEER);
	if (!nest || nla_put(skb, LSGC_KDC_PEER_A_ID, LSGC_ID_LEN, req->peer))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/**
 * lsgc_kdc_request - ask the KDC for the pair key of a joiner
 * @m: the leader, locked (softirq or timer context)
 * @j: the joiner's request
 *
 * Return: 0 when the request went out or one for this joiner is pending;
 * -ECONNREFUSED when no KDC helper listens in the namespace; -EBUSY when
 * too many are pending; -ENOMEM.
 */
int lsgc_kdc_request(struct lsgc_member *m, const struct lsgc_join *j)
{
	struct lsgc_net *ln = m->ln;
	struct net *net = ln->net;
	struct lsgc_kdc_req *req;
	struct sk_buff *skb;
	unsigned int n = 0;
	u32 timeout_ms;
	void *hdr;
	int err;

	list_for_each_entry(req, &m->kdc_reqs, node) {
		if (!memcmp(req->peer, j->id, LSGC_ID_LEN))
			return 0;
		n++;
	}
	if (n >= LSGC_KDC_MAX_PENDING)
		return -EBUSY;
	if (!genl_has_listeners(&lsgc_kdc_family, net, LSGC_KDC_MCGRP_KDC))
		return -ECONNREFUSED;

	req = kzalloc(sizeof(*req), GFP_ATOMIC);
	if (!req)
		return -ENOMEM;
	req->m = m;
	memcpy(req->peer, j->id, LSGC_ID_LEN);
	req->peer_nonce = j->nonce;
	get_random_bytes(req->nonce, sizeof(req->nonce));
	/* Half a join timeout: the joiner still hears the refusal. */
	timeout_ms = max(READ_ONCE(ln->cfg.join_timeout_ms) / 2, 100);
	req->deadline = jiffies + msecs_to_jiffies(timeout_ms);
	err = xa_alloc_cyclic_bh(&ln->kdc_reqs, &req->id, req, xa_limit_31b,
				 &ln->kdc_next, GFP_ATOMIC);
	if (err < 0) {
		kfree(req);
		return -ENOMEM;
	}

	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_ATOMIC);
	if (!skb)
		goto nomem;
	hdr = genlmsg_put(skb, 0, 0, &lsgc_kdc_family, 0, LSGC_KDC_CMD_REQUEST);
	if (!hdr || lsgc_kdc_put_request(skb, req, timeout_ms)) {
		nlmsg_free(skb);
		goto nomem;
	}
	genlmsg_end(skb, hdr);
	kref_get(&m->ref);
	list_add_tail(&req->node, &m->kdc_reqs);
	err = genlmsg_multicast_netns(&lsgc_kdc_family, net, skb, 0,
				      LSGC_KDC_MCGRP_KDC, GFP_ATOMIC);
	/* -ESRCH: the daemon went away just now; the deadline ends it. */
	if (err && err != -ESRCH)
		lsgc_stat_inc(ln, m, LSGC_STAT_TX_ERRORS);
	return 0;

nomem:
	xa_erase_bh(&ln->kdc_reqs, req->id);
	kfree(req);
	return -ENOMEM;
}

/* @req is ours (out of the table): forget it.  Member locked. */
static void lsgc_kdc_end(struct lsgc_member *m, struct lsgc_kdc_req *req,
			 int err)
{
	struct lsgc_join j = { .nonce = req->peer_nonce, };

	list_del(&req->node);
	if (err && !m->dead && m->role == LSGC_ROLE_LEADER) {
		memcpy(j.id, req->peer, LSGC_ID_LEN);
		lsgc_membership_refuse(m, &j, err);
	}
}

/**
 * lsgc_kdc_tick - fail the requests whose deadline passed
 * @m: member, locked
 * @now: jiffies
 */
void lsgc_kdc_tick(struct lsgc_member *m, unsigned long now)
{
	struct lsgc_kdc_req *req, *tmp;

	list_for_each_entry_safe(req, tmp, &m->kdc_reqs, node) {
		if (time_before(now, req->deadline))
			continue;
		if (xa_cmpxchg_bh(&m->ln->kdc_reqs, req->id, req, NULL, 0) != req)
			continue;	/* the answer has it */
		lsgc_kdc_end(m, req, ETIMEDOUT);
		/* Not the last reference: the timer runs for a live member. */
		lsgc_member_put(req->m);
		kfree(req);
	}
}

/**
 * lsgc_kdc_cancel - the member goes away or stops leading
 * @m: member, locked
 *
 * Requests an answer is processing right now stay on the list: the
 * answer finds the member dead and ends them itself.
 */
void lsgc_kdc_cancel(struct lsgc_member *m)
{
	struct lsgc_kdc_req *req, *tmp;

	list_for_each_entry_safe(req, tmp, &m->kdc_reqs, node) {
		if (xa_cmpxchg_bh(&m->ln->kdc_reqs, req->id, req, NULL, 0) != req)
			continue;
		list_del(&req->node);
		lsgc_member_put(req->m);
		kfree(req);
	}
}

static const struct nla_policy lsgc_kdc_peer_policy[LSGC_KDC_PEER_A_MAX + 1] = {
	[LSGC_KDC_PEER_A_ID] = NLA_POLICY_EXACT_LEN(LSGC_ID_LEN),
	[LSGC_KDC_PEER_A_STATUS] = NLA_POLICY_MAX(NLA_U32, 4095),
	[LSGC_KDC_PEER_A_PAIR] = NLA_POLICY_EXACT_LEN(LSGC_KDC_PAIR_LEN),
};

static const struct nla_policy lsgc_kdc_answer_policy[LSGC_KDC_A_MAX + 1] = {
	[LSGC_KDC_A_REQ_ID] = { .type = NLA_U32 },
	[LSGC_KDC_A_PEER] = NLA_POLICY_NESTED(lsgc_kdc_peer_policy),
	[LSGC_KDC_A_STATUS] = NLA_POLICY_RANGE(NLA_U32, 1, 4095),
	[LSGC_KDC_A_MAC] = NLA_POLICY_EXACT_LEN(LSGC_KDC_MAC_LEN),
};

/* One peer's answer, as the MAC covers it. */
struct lsgc_kdc_peer_ans {
	u8 id[LSGC_ID_LEN];
	__be32 status;
	u8 pair[LSGC_KDC_PAIR_LEN];
} __packed;

/* Check the answer's MAC with the requester's long-term key. */
static int lsgc_kdc_verify(const struct lsgc_member *m, const u8 *nonce,
			   const struct lsgc_kdc_peer_ans *ans, const u8 *mac)
{
	u8 kkdc[LSGC_KEY_LEN], want[LSGC_KDC_MAC_LEN];
	u8 head[LSGC_KDC_NONCE_LEN + LSGC_ID_LEN + 4];
	int err;

	memcpy(head, nonce, LSGC_KDC_NONCE_LEN);
	memcpy(head + LSGC_KDC_NONCE_LEN, m->id, LSGC_ID_LEN);
	put_unaligned_be32(1, head + LSGC_KDC_NONCE_LEN + LSGC_ID_LEN);
	err = lsgc_prf(m->ltk, LSGC_KDC_LABEL_KDC, strlen(LSGC_KDC_LABEL_KDC),
		       NULL, 0, NULL, 0, kkdc) ?:
	      lsgc_prf(kkdc, LSGC_KDC_LABEL_ANSWER,
		       strlen(LSGC_KDC_LABEL_ANSWER), head, sizeof(head),
		       ans, sizeof(*ans), want);
	if (!err && crypto_memneq(want, mac, LSGC_KDC_MAC_LEN))
		err = -EBADMSG;
	memzero_explicit(kkdc, sizeof(kkdc));
	memzero_explicit(want, sizeof(want));
	return err;
}

/* The one peer answer of a single-peer request. */
static int lsgc_kdc_parse_peer(struct genl_info *info,
			       struct lsgc_kdc_peer_ans *ans)
{
	struct nlattr *tb[LSGC_KDC_PEER_A_MAX + 1];
	struct nlattr *a, *peer = NULL;
	int rem, err;

	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(a) != LSGC_KDC_A_PEER)
			continue;
		if (peer) {
			NL_SET_ERR_MSG_ATTR(info->extack, a,
					    "one peer answer per peer asked for");
			return -EINVAL;
		}
		peer = a;
	}
	if (!peer) {
		NL_SET_ERR_MSG(info->extack, "answer without a peer");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, LSGC_KDC_PEER_A_MAX, peer,
			       lsgc_kdc_peer_policy, info->extack);
	if (err)
		return err;
	if (!tb[LSGC_KDC_PEER_A_ID] || !tb[LSGC_KDC_PEER_A_STATUS]) {
		NL_SET_ERR_MSG_ATTR(info->extack, peer, "peer id and status required");
		return -EINVAL;
	}
	memset(ans, 0, sizeof(*ans));
	nla_memcpy(ans->id, tb[LSGC_KDC_PEER_A_ID], LSGC_ID_LEN);
	ans->status = cpu_to_be32(nla_get_u32(tb[LSGC_KDC_PEER_A_STATUS]));
	if (!ans->status != !!tb[LSGC_KDC_PEER_A_PAIR]) {
		NL_SET_ERR_MSG_ATTR(info->extack, peer,
				    "a pair key with status 0, and only then");
		return -EINVAL;
	}
	if (tb[LSGC_KDC_PEER_A_PAIR])
		nla_memcpy(ans->pair, tb[LSGC_KDC_PEER_A_PAIR], LSGC_KDC_PAIR_LEN);
	return 0;
}

/* Take request @id out of the table if it is still @req's. */
static bool lsgc_kdc_take(struct lsgc_net *ln, u32 id, struct lsgc_kdc_req *req)
{
	return xa_cmpxchg_bh(&ln->kdc_reqs, id, req, NULL, 0) == req;
}

static int lsgc_kdc_answer_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct lsgc_net *ln = lsgc_pernet(genl_info_net(info));
	struct lsgc_kdc_peer_ans ans;
	u8 secret[LSGC_KEY_LEN];
	struct lsgc_kdc_req *req;
	struct lsgc_member *m;
	u8 nonce[LSGC_KDC_NONCE_LEN];
	u8 peer[LSGC_ID_LEN];
	u64 peer_nonce;
	int err, status;
	u32 id;

	if (GENL_REQ_ATTR_CHECK(info, LSGC_KDC_A_REQ_ID))
		return -EINVAL;
	id = nla_get_u32(info->attrs[LSGC_KDC_A_REQ_ID]);

	/* The request stays in the table until the answer proves good: a
	 * forged answer must not end it for the real one.
	 */
	xa_lock_bh(&ln->kdc_reqs);
	req = xa_load(&ln->kdc_reqs, id);
	if (req) {
		m = req->m;
		kref_get(&m->ref);
		memcpy(nonce, req->nonce, sizeof(nonce));
		memcpy(peer, req->peer, sizeof(peer));
		peer_nonce = req->peer_nonce;
	}
	xa_unlock_bh(&ln->kdc_reqs);
	if (!req) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[LSGC_KDC_A_REQ_ID],
				    "no such request (answered, timed out or cancelled)");
		return -ENOENT;
	}

	if (info->attrs[LSGC_KDC_A_STATUS]) {
		/* The KDC cannot answer at all (it does not know us).  Not
		 * authenticated: it only ends the join sooner than silence
		 * would.
		 */
		status = nla_get_u32(info->attrs[LSGC_KDC_A_STATUS]);
		err = 0;
		goto end;
	}
	if (!info->attrs[LSGC_KDC_A_MAC]) {
		NL_SET_ERR_MSG(info->extack, "answer without MAC or status");
		err = -EINVAL;
		goto out;
	}
	err = lsgc_kdc_parse_peer(info, &ans);
	if (err)
		goto out;
	if (memcmp(ans.id, peer, LSGC_ID_LEN)) {
		NL_SET_ERR_MSG(info->extack, "answer for another peer");
		err = -EINVAL;
		goto out;
	}
	err = lsgc_kdc_verify(m, nonce, &ans, nla_data(info->attrs[LSGC_KDC_A_MAC]));
	if (err) {
		lsgc_stat_inc(ln, m, LSGC_STAT_KDC_REJECTED);
		NL_SET_ERR_MSG(info->extack, "answer does not verify");
		goto out;
	}
	status = be32_to_cpu(ans.status);
	if (!status) {
		/* {A}K_SL xor pair = {SL}K_A, the joiner's secret with us. */
		err = lsgc_pair_half(m->ltk, peer, secret);
		if (err)
			goto out;
		crypto_xor(secret, ans.pair, LSGC_KEY_LEN);
	}
end:
	if (!lsgc_kdc_take(ln, id, req)) {
		err = -ENOENT;
		goto wipe;
	}
	spin_lock_bh(&m->lock);
	lsgc_kdc_end(m, req, status);
	spin_unlock_bh(&m->lock);
	lsgc_member_put(m);	/* the request's */
	kfree(req);
	if (!status)
		err = lsgc_token_grant(m, peer, peer_nonce, secret);
	lsgc_member_flush(m);
wipe:
	memzero_explicit(secret, sizeof(secret));
	memzero_explicit(&ans, sizeof(ans));
out:
	lsgc_member_put(m);
	return err;
}

static const struct genl_small_ops lsgc_kdc_ops[] = {
	{
		.cmd = LSGC_KDC_CMD_ANSWER,
		.doit = lsgc_kdc_answer_doit,
		.flags = GENL_UNS_ADMIN_PERM,
		.validate = GENL_DONT_VALIDATE_DUMP,
	},
};

static struct genl_family lsgc_kdc_family __ro_after_init = {
	.name = LSGC_KDC_GENL_NAME,
	.version = LSGC_KDC_GENL_VERSION,
	.maxattr = LSGC_KDC_A_MAX,
	.policy = lsgc_kdc_answer_policy,
	.netnsok = true,
	.module = THIS_MODULE,
	.small_ops = lsgc_kdc_ops,
	.n_small_ops = ARRAY_SIZE(lsgc_kdc_ops),
	.resv_start_op = LSGC_KDC_CMD_ANSWER + 1,
	.mcgrps = lsgc_kdc_mcgrps,
	.n_mcgrps = ARRAY_SIZE(lsgc_kdc_mcgrps),
};

/**
 * lsgc_kdc_init - register the "lsgc_kdc" family
 *
 * Return: 0 or a negative errno.
 */
int __init lsgc_kdc_init(void)
{
	return genl_register_family(&lsgc_kdc_family);
}

/**
 * lsgc_kdc_exit - unregister it
 */
void lsgc_kdc_exit(void)
{
	genl_unregister_family(&lsgc_kdc_family);
}
