// SPDX-License-Identifier: GPL-2.0
/*
 * The "lsgc" generic netlink family: what operators and the lsgc tool see.
 *
 *   LSGC_CMD_GROUP_GET   dump, one message per local membership
 *   LSGC_CMD_MEMBER_GET  dump, one message per member of each installed view
 *   LSGC_CMD_STATS_GET   dump, each membership's counters, then the
 *                        namespace's totals (unless filtered)
 *   LSGC_CMD_EVENT_NTF   multicast on "events": views, joins, leaves,
 *                        expulsions, failures (lsgc_nl_notify())
 *
 * The family is per namespace and read-only: nothing here changes state,
 * so unprivileged users may dump, and the attribute set has no place for
 * key material.  Requests are parsed strictly against per-operation
 * policies, so a stray attribute is refused with an extended ACK rather
 * than ignored.
 *
 * Dumps walk the namespace's transports under ln->lock and read each
 * member under its spinlock, as /proc/net/lsgc/members does.  Where a dump
 * resumes is kept as counts in cb->ctx; memberships that come and go
 * between two parts of a dump may be skipped or repeated, as in any
 * netlink dump without a generation number.
 */
#include <linux/netdevice.h>
#include <net/genetlink.h>

#include "lsgc.h"
#include "netlink.h"

static struct genl_family lsgc_nl_family;

enum lsgc_nl_mcgrp {
	LSGC_NL_MCGRP_EVENTS,
};

static const struct genl_multicast_group lsgc_nl_mcgrps[] = {
	[LSGC_NL_MCGRP_EVENTS] = { .name = LSGC_GENL_MCGRP_EVENTS },
};

/* The attribute of every counter.  lsgc_netlink_init() refuses to build
 * when enum lsgc_stat grows without the uapi growing with it.
 */
static const u16 lsgc_nl_stat_attr[__LSGC_STAT_MAX] = {
	[LSGC_STAT_RX_PACKETS] = LSGC_STATS_A_RX_PACKETS,
	[LSGC_STAT_RX_BYTES] = LSGC_STATS_A_RX_BYTES,
	[LSGC_STAT_TX_PACKETS] = LSGC_STATS_A_TX_PACKETS,
	[LSGC_STAT_TX_BYTES] = LSGC_STATS_A_TX_BYTES,
	[LSGC_STAT_TX_ERRORS] = LSGC_STATS_A_TX_ERRORS,
	[LSGC_STAT_DATA_SENT] = LSGC_STATS_A_DATA_SENT,
	[LSGC_STAT_DATA_DELIVERED] = LSGC_STATS_A_DATA_DELIVERED,
	[LSGC_STAT_UDATA_SENT] = LSGC_STATS_A_UDATA_SENT,
	[LSGC_STAT_UDATA_DELIVERED] = LSGC_STATS_A_UDATA_DELIVERED,
	[LSGC_STAT_FRAGMENTS_SENT] = LSGC_STATS_A_FRAGMENTS_SENT,
	[LSGC_STAT_NAKS_SENT] = LSGC_STATS_A_NAKS_SENT,
	[LSGC_STAT_NAKS_RECEIVED] = LSGC_STATS_A_NAKS_RECEIVED,
	[LSGC_STAT_NAKS_SUPPRESSED] = LSGC_STATS_A_NAKS_SUPPRESSED,
	[LSGC_STAT_RETRANSMITS] = LSGC_STATS_A_RETRANSMITS,
	[LSGC_STAT_SENDER_RETRANSMITS] = LSGC_STATS_A_SENDER_RETRANSMITS,
	[LSGC_STAT_WINDOW_STALLS] = LSGC_STATS_A_WINDOW_STALLS,
	[LSGC_STAT_RCVBUF_STALLS] = LSGC_STATS_A_RCVBUF_STALLS,
	[LSGC_STAT_VIEWS_INSTALLED] = LSGC_STATS_A_VIEWS_INSTALLED,
	[LSGC_STAT_EXPELLED] = LSGC_STATS_A_EXPELLED,
	[LSGC_STAT_EXPELLED_SILENT] = LSGC_STATS_A_EXPELLED_SILENT,
	[LSGC_STAT_EXPELLED_STUCK] = LSGC_STATS_A_EXPELLED_STUCK,
	[LSGC_STAT_DROP_MALFORMED] = LSGC_STATS_A_DROP_MALFORMED,
	[LSGC_STAT_DROP_VERSION] = LSGC_STATS_A_DROP_VERSION,
	[LSGC_STAT_DROP_SESSION] = LSGC_STATS_A_DROP_SESSION,
	[LSGC_STAT_DROP_NOT_MEMBER] = LSGC_STATS_A_DROP_NOT_MEMBER,
	[LSGC_STAT_DROP_DUPLICATE] = LSGC_STATS_A_DROP_DUPLICATE,
	[LSGC_STAT_DROP_AUTH] = LSGC_STATS_A_DROP_AUTH,
	[LSGC_STAT_DROP_UNKNOWN_EPOCH] = LSGC_STATS_A_DROP_UNKNOWN_EPOCH,
	[LSGC_STAT_DROP_BACKLOG] = LSGC_STATS_A_DROP_BACKLOG,
	[LSGC_STAT_DROP_NOMEM] = LSGC_STATS_A_DROP_NOMEM,
	[LSGC_STAT_DROP_RCVBUF] = LSGC_STATS_A_DROP_RCVBUF,
	[LSGC_STAT_DROP_STALE] = LSGC_STATS_A_DROP_STALE,
	[LSGC_STAT_DROP_REPLAY] = LSGC_STATS_A_DROP_REPLAY,
	[LSGC_STAT_DROP_FILTER] = LSGC_STATS_A_DROP_FILTER,
	[LSGC_STAT_KDC_REJECTED] = LSGC_STATS_A_KDC_REJECTED,
	[LSGC_STAT_DATA_RECEIVED] = LSGC_STATS_A_DATA_RECEIVED,
	[LSGC_STAT_UDATA_RECEIVED] = LSGC_STATS_A_UDATA_RECEIVED,
};

static int lsgc_nl_validate_addr(const struct nlattr *attr,
				 struct netlink_ext_ack *extack)
{
	if (nla_len(attr) != 4 && nla_len(attr) != 16) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "group address must be 4 (IPv4) or 16 (IPv6) bytes");
		return -EINVAL;
	}
	return 0;
}

/* What a dump request may carry: filters, nothing else. */
static const struct nla_policy lsgc_nl_filter_policy[LSGC_A_MAX + 1] = {
	[LSGC_A_ADDR] = NLA_POLICY_VALIDATE_FN(NLA_BINARY,
					       lsgc_nl_validate_addr),
	[LSGC_A_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[LSGC_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[LSGC_A_IFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[LSGC_A_ID] = NLA_POLICY_EXACT_LEN(LSGC_ID_LEN),
};

/**
 * struct lsgc_nl_filter - the memberships a dump asks for
 * @group: address and port, when @by_group
 * @ifindex: interface, when @by_ifindex
 * @id: identity, when @by_id
 * @by_group: filter on @group
 * @by_ifindex: filter on @ifindex
 * @by_id: filter on @id
 */
struct lsgc_nl_filter {
	struct lsgc_group_addr group;
	u32 ifindex;
	u8 id[LSGC_ID_LEN];
	bool by_group;
	bool by_ifindex;
	bool by_id;
};

/**
 * struct lsgc_nl_dump_ctx - where a dump resumes, in cb->ctx (zeroed by
 *	netlink when the dump starts)
 * @idx: memberships completely dumped
 * @sub: members of the next membership already dumped
 * @started: the filter was checked, with the extended ACK at hand
 * @total_done: the namespace totals went out
 */
struct lsgc_nl_dump_ctx {
	unsigned long idx;
	unsigned long sub;
	bool started;
	bool total_done;
};

static unsigned int lsgc_nl_addr_len(u16 family)
{
	return family == AF_INET ? 4 : 16;
}

static int lsgc_nl_filter_ifname(struct net *net, struct nlattr **tb,
				 struct lsgc_nl_filter *f,
				 struct netlink_ext_ack *extack)
{
	struct net_device *dev;
	int ifindex = 0;

	rcu_read_lock();
	dev = dev_get_by_name_rcu(net, nla_data(tb[LSGC_A_IFNAME]));
	if (dev)
		ifindex = dev->ifindex;
	rcu_read_unlock();
	if (!ifindex) {
		NL_SET_ERR_MSG_ATTR(extack, tb[LSGC_A_IFNAME],
				    "no such interface");
		return -ENODEV;
	}
	if (f->by_ifindex && f->ifindex != ifindex) {
		NL_SET_ERR_MSG_ATTR(extack, tb[LSGC_A_IFNAME],
				    "LSGC_A_IFNAME and LSGC_A_IFINDEX name different interfaces");
		return -EINVAL;
	}
	f->ifindex = ifindex;
	f->by_ifindex = true;
	return 0;
}

/* Read the (already policy-checked) filter attributes of a dump request.
 * Called at each part of the dump, since the parsed attributes live as
 * long as the dump but the filter does not fit in cb->ctx beside the
 * position.  The first part reports errors: on 6.1 the extended ACK is
 * only at hand in dumpit (a start callback gets none), and an error there
 * ends the dump with NLMSG_DONE carrying the errno and the message.
 */
static int lsgc_nl_filter_parse(struct net *net, struct nlattr **tb,
				struct lsgc_nl_filter *f,
				struct netlink_ext_ack *extack)
{
	memset(f, 0, sizeof(*f));
	if (!tb)
		return 0;
	if (tb[LSGC_A_ADDR]) {
		if (NL_REQ_ATTR_CHECK(extack, NULL, tb, LSGC_A_PORT)) {
			NL_SET_ERR_MSG(extack,
				       "a group filter needs LSGC_A_PORT with LSGC_A_ADDR");
			return -EINVAL;
		}
		f->group.family = nla_len(tb[LSGC_A_ADDR]) == 4 ? AF_INET :
								  AF_INET6;
		nla_memcpy(f->group.addr, tb[LSGC_A_ADDR], sizeof(f->group.addr));
		f->group.port = htons(nla_get_u16(tb[LSGC_A_PORT]));
		f->by_group = true;
	} else if (tb[LSGC_A_PORT]) {
		NL_SET_ERR_ATTR_MISS(extack, NULL, LSGC_A_ADDR);
		NL_SET_ERR_MSG(extack,
			       "a group filter needs LSGC_A_ADDR with LSGC_A_PORT");
		return -EINVAL;
	}
	if (tb[LSGC_A_IFINDEX]) {
		f->ifindex = nla_get_u32(tb[LSGC_A_IFINDEX]);
		f->by_ifindex = true;
	}
	if (tb[LSGC_A_IFNAME]) {
		int err = lsgc_nl_filter_ifname(net, tb, f, extack);

		if (err)
			return err;
	}
	if (tb[LSGC_A_ID]) {
		nla_memcpy(f->id, tb[LSGC_A_ID], LSGC_ID_LEN);
		f->by_id = true;
	}
	return 0;
}

static bool lsgc_nl_match(const struct lsgc_nl_filter *f,
			  const struct lsgc_member *m)
{
	const struct lsgc_group_addr *a = &m->t->addr;

	if (f->by_group &&
	    (a->family != f->group.family || a->port != f->group.port ||
	     memcmp(a->addr, f->group.addr, lsgc_nl_addr_len(a->family))))
		return false;
	if (f->by_ifindex && a->ifindex != f->ifindex)
		return false;
	if (f->by_id && memcmp(m->id, f->id, LSGC_ID_LEN))
		return false;
	return true;
}

static int lsgc_nl_dump_filter(struct netlink_callback *cb,
			       struct lsgc_nl_filter *f)
{
	struct lsgc_nl_dump_ctx *ctx = (struct lsgc_nl_dump_ctx *)cb->ctx;
	int err;

	BUILD_BUG_ON(sizeof(struct lsgc_nl_dump_ctx) > sizeof(cb->ctx));
	err = lsgc_nl_filter_parse(sock_net(cb->skb->sk),
				   genl_dumpit_info(cb)->attrs, f,
				   ctx->started ? NULL : cb->extack);
	ctx->started = true;
	return err;
}

/* Attributes that say which group a message is about. */
static int lsgc_nl_put_group_keys(struct sk_buff *skb,
				  const struct lsgc_transport *t)
{
	const struct lsgc_group_addr *a = &t->addr;

	if (nla_put_u16(skb, LSGC_A_FAMILY, a->family) ||
	    nla_put(skb, LSGC_A_ADDR, lsgc_nl_addr_len(a->family), a->addr) ||
	    nla_put_u16(skb, LSGC_A_PORT, ntohs(a->port)) ||
	    nla_put_u32(skb, LSGC_A_IFINDEX, a->ifindex))
		return -EMSGSIZE;
	return 0;
}

/* Attributes that say which membership a message is about. */
static int lsgc_nl_put_keys(struct sk_buff *skb, const struct lsgc_member *m)
{
	if (lsgc_nl_put_group_keys(skb, m->t) ||
	    nla_put(skb, LSGC_A_ID, LSGC_ID_LEN, m->id))
		return -EMSGSIZE;
	return 0;
}

static int lsgc_nl_put_ifname(struct sk_buff *skb, const struct lsgc_member *m)
{
	struct net_device *dev;
	int err = 0;

	if (!m->t->addr.ifindex)
		return 0;
	rcu_read_lock();
	dev = dev_get_by_index_rcu(m->ln->net, m->t->addr.ifindex);
	if (dev)
		err = nla_put_string(skb, LSGC_A_IFNAME, dev->name);
	rcu_read_unlock();
	return err;
}

/* The AEAD in force: the crypto API's name, or "none" (insecure). */
static const char *lsgc_nl_cipher(const struct lsgc_member *m)
{
	if (!m->secure)
		return "none";
	return m->cipher == LSGC_CIPHER_CHACHA20POLY1305 ?
	       "rfc7539(chacha20,poly1305)" : "gcm(aes)";
}

static u8 lsgc_nl_role(const struct lsgc_member *m)
{
	return m->role == LSGC_ROLE_LEADER ? LSGC_NL_ROLE_LEADER :
					     LSGC_NL_ROLE_MEMBER;
}

/* The membership's own state; m->lock held. */
static int lsgc_nl_put_state(struct sk_buff *skb, const struct lsgc_member *m)
{
	const struct lsgc_view *v = m->view;

	if (nla_put_u32(skb, LSGC_A_SESSION, m->session) ||
	    nla_put_u32(skb, LSGC_A_SELF, m->self) ||
	    nla_put_u8(skb, LSGC_A_ROLE, lsgc_nl_role(m)) ||
	    nla_put_u8(skb, LSGC_A_STATE, m->state) ||
	    nla_put_u32(skb, LSGC_A_LEADER, m->leader) ||
	    nla_put_u32(skb, LSGC_A_EPOCH, READ_ONCE(m->epoch)) ||
	    nla_put_string(skb, LSGC_A_CIPHER, lsgc_nl_cipher(m)) ||
	    nla_put_u32(skb, LSGC_A_INFLIGHT, m->tx_inflight))
		return -EMSGSIZE;
	if (m->state == LSGC_STATE_FAILED &&
	    nla_put_u32(skb, LSGC_A_ERROR, m->err))
		return -EMSGSIZE;
	if (m->join_time &&
	    nla_put_u64_64bit(skb, LSGC_A_JOIN_TIME, m->join_time, LSGC_A_PAD))
		return -EMSGSIZE;
	if (v && (nla_put_u64_64bit(skb, LSGC_A_VIEW_ID, v->id, LSGC_A_PAD) ||
		  nla_put_u32(skb, LSGC_A_VIEW_SIZE, v->count)))
		return -EMSGSIZE;
	/* Sequence numbers mean something once the session is known. */
	if (m->session &&
	    (nla_put_u64_64bit(skb, LSGC_A_DELIVERED, lsgc_order_delivered(m),
			       LSGC_A_PAD) ||
	     nla_put_u64_64bit(skb, LSGC_A_HIGH, m->high, LSGC_A_PAD) ||
	     nla_put_u64_64bit(skb, LSGC_A_STABLE, m->stable, LSGC_A_PAD)))
		return -EMSGSIZE;
	return 0;
}

static int lsgc_nl_fill_group(struct sk_buff *skb, struct netlink_callback *cb,
			      struct lsgc_member *m)
{
	void *hdr;
	int err;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &lsgc_nl_family, NLM_F_MULTI, LSGC_CMD_GROUP_GET);
	if (!hdr)
		return -EMSGSIZE;
	err = lsgc_nl_put_keys(skb, m) ?: lsgc_nl_put_ifname(skb, m);
	if (!err) {
		spin_lock_bh(&m->lock);
		err = lsgc_nl_put_state(skb, m);
		spin_unlock_bh(&m->lock);
	}
	if (err) {
		genlmsg_cancel(skb, hdr);
		return err;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* Where a member's packets come from, once one arrived. */
static int lsgc_nl_put_src(struct sk_buff *skb, const struct lsgc_src *src,
			   int addr_attr, int port_attr)
{
	if (!src->family)
		return 0;
	if (nla_put(skb, addr_attr, lsgc_nl_addr_len(src->family), src->addr) ||
	    nla_put_u16(skb, port_attr, ntohs(src->port)))
		return -EMSGSIZE;
	return 0;
}

/* What the local membership knows of another member; m->lock held. */
static int lsgc_nl_put_other(struct sk_buff *skb, const struct lsgc_member *m,
			     const struct lsgc_peer *p, u32 no)
{
	unsigned long heard = 0;

	if (m->role != LSGC_ROLE_LEADER && no == m->leader)
		heard = m->leader_heard;
	else if (p)
		heard = p->last_heard;
	if (heard &&
	    nla_put_u32(skb, LSGC_MEMBER_A_LAST_HEARD_MS,
			jiffies_to_msecs(jiffies - heard)))
		return -EMSGSIZE;
	if (p && p->hb_heard &&
	    (nla_put_u64_64bit(skb, LSGC_MEMBER_A_DELIVERED, p->hb_delivered,
			       LSGC_MEMBER_A_PAD) ||
	     nla_put_u64_64bit(skb, LSGC_MEMBER_A_HIGH, p->hb_high,
			       LSGC_MEMBER_A_PAD)))
		return -EMSGSIZE;
	return 0;
}

/* One member of @m's installed view; m->lock held. */
static int lsgc_nl_put_member(struct sk_buff *skb, struct lsgc_member *m,
			      const struct lsgc_view_ent *e)
{
	struct lsgc_peer *p = lsgc_peer_find(m, e->member);
	bool self = e->member == m->self;
	struct nlattr *nest;

	nest = nla_nest_start(skb, LSGC_A_MEMBER);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, LSGC_MEMBER_A_NUMBER, e->member) ||
	    nla_put(skb, LSGC_MEMBER_A_ID, LSGC_ID_LEN, e->id) ||
	    (e->member == m->view->leader &&
	     nla_put_flag(skb, LSGC_MEMBER_A_LEADER)))
		goto err;
	if (p && (lsgc_nl_put_src(skb, &p->src, LSGC_MEMBER_A_ADDR,
				  LSGC_MEMBER_A_PORT) ||
		  nla_put_u64_64bit(skb, LSGC_MEMBER_A_JOIN_TIME, p->join_time,
				    LSGC_MEMBER_A_PAD)))
		goto err;
	if (self) {
		if (nla_put_flag(skb, LSGC_MEMBER_A_SELF) ||
		    nla_put_u64_64bit(skb, LSGC_MEMBER_A_DELIVERED,
				      lsgc_order_delivered(m),
				      LSGC_MEMBER_A_PAD) ||
		    nla_put_u64_64bit(skb, LSGC_MEMBER_A_HIGH, m->high,
				      LSGC_MEMBER_A_PAD) ||
		    nla_put_u64_64bit(skb, LSGC_MEMBER_A_STABLE, m->stable,
				      LSGC_MEMBER_A_PAD))
			goto err;
	} else if (lsgc_nl_put_other(skb, m, p, e->member)) {
		goto err;
	}
	nla_nest_end(skb, nest);
	return 0;
err:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int lsgc_nl_fill_member(struct sk_buff *skb, struct netlink_callback *cb,
			       struct lsgc_member *m,
			       const struct lsgc_view_ent *e)
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &lsgc_nl_family, NLM_F_MULTI, LSGC_CMD_MEMBER_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (lsgc_nl_put_keys(skb, m) ||
	    nla_put_u32(skb, LSGC_A_SELF, m->self) ||
	    nla_put_u64_64bit(skb, LSGC_A_VIEW_ID, m->view->id, LSGC_A_PAD) ||
	    lsgc_nl_put_member(skb, m, e)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int lsgc_nl_fill_members(struct sk_buff *skb, struct netlink_callback *cb,
				struct lsgc_member *m)
{
	struct lsgc_nl_dump_ctx *ctx = (struct lsgc_nl_dump_ctx *)cb->ctx;
	const struct lsgc_view *v;
	int err = 0;

	spin_lock_bh(&m->lock);
	v = m->view;
	for (; v && ctx->sub < v->count; ctx->sub++) {
		err = lsgc_nl_fill_member(skb, cb, m, &v->ents[ctx->sub]);
		if (err)
			break;
	}
	spin_unlock_bh(&m->lock);
	return err;
}

static int lsgc_nl_put_stats(struct sk_buff *skb, const u64 *vals)
{
	struct nlattr *nest;
	unsigned int i;

	nest = nla_nest_start(skb, LSGC_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < __LSGC_STAT_MAX; i++) {
		if (!lsgc_nl_stat_attr[i])
			continue;
		if (nla_put_u64_64bit(skb, lsgc_nl_stat_attr[i], vals[i],
				      LSGC_STATS_A_PAD)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int lsgc_nl_fill_stats(struct sk_buff *skb, struct netlink_callback *cb,
			      struct lsgc_member *m)
{
	u64 vals[__LSGC_STAT_MAX];
	unsigned int i;
	void *hdr;

	for (i = 0; i < __LSGC_STAT_MAX; i++)
		vals[i] = atomic64_read(&m->stats[i]);
	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &lsgc_nl_family, NLM_F_MULTI, LSGC_CMD_STATS_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (lsgc_nl_put_keys(skb, m) || lsgc_nl_put_stats(skb, vals)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int lsgc_nl_fill_total(struct sk_buff *skb, struct netlink_callback *cb,
			      struct lsgc_net *ln)
{
	u64 vals[__LSGC_STAT_MAX];
	unsigned int i;
	void *hdr;

	for (i = 0; i < __LSGC_STAT_MAX; i++)
		vals[i] = atomic64_read(&ln->stats[i]);
	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &lsgc_nl_family, NLM_F_MULTI, LSGC_CMD_STATS_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_flag(skb, LSGC_A_NS_TOTAL) || lsgc_nl_put_stats(skb, vals)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

typedef int (*lsgc_nl_fill_t)(struct sk_buff *skb, struct netlink_callback *cb,
			      struct lsgc_member *m);

/* Fill @skb with @fill for every matching membership not dumped yet.
 * Return: 0 when all are done, -EMSGSIZE when @skb is full, or an error.
 */
static int lsgc_nl_dump_each(struct sk_buff *skb, struct netlink_callback *cb,
			     const struct lsgc_nl_filter *f, lsgc_nl_fill_t fill)
{
	struct lsgc_nl_dump_ctx *ctx = (struct lsgc_nl_dump_ctx *)cb->ctx;
	struct lsgc_net *ln = lsgc_pernet(sock_net(cb->skb->sk));
	struct lsgc_transport *t;
	struct lsgc_member *m;
	unsigned long i = 0;
	int err = 0;

	mutex_lock(&ln->lock);
	list_for_each_entry(t, &ln->transports, node) {
		list_for_each_entry(m, &t->members, tnode) {
			if (!lsgc_nl_match(f, m) || i++ < ctx->idx)
				continue;
			err = fill(skb, cb, m);
			if (err)
				goto out;
			ctx->idx = i;
			ctx->sub = 0;
		}
	}
out:
	mutex_unlock(&ln->lock);
	return err;
}

/* What a dumpit returns: the length while there is more to come. */
static int lsgc_nl_dump_ret(struct sk_buff *skb, int err)
{
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err;
}

static int lsgc_nl_dump(struct sk_buff *skb, struct netlink_callback *cb,
			lsgc_nl_fill_t fill)
{
	struct lsgc_nl_filter f;
	int err;

	err = lsgc_nl_dump_filter(cb, &f);
	if (err)
		return err;
	return lsgc_nl_dump_ret(skb, lsgc_nl_dump_each(skb, cb, &f, fill));
}

static int lsgc_nl_group_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return lsgc_nl_dump(skb, cb, lsgc_nl_fill_group);
}

static int lsgc_nl_member_dumpit(struct sk_buff *skb,
				 struct netlink_callback *cb)
{
	return lsgc_nl_dump(skb, cb, lsgc_nl_fill_members);
}

static int lsgc_nl_stats_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct lsgc_nl_dump_ctx *ctx = (struct lsgc_nl_dump_ctx *)cb->ctx;
	struct net *net = sock_net(cb->skb->sk);
	struct nlattr **tb = genl_dumpit_info(cb)->attrs;
	struct lsgc_nl_filter f;
	bool filtered = false;
	int err, i;

	err = lsgc_nl_dump_filter(cb, &f);
	if (err)
		return err;
	for (i = 0; tb && i <= LSGC_A_MAX; i++)
		filtered |= !!tb[i];
	if (!ctx->total_done) {
		err = lsgc_nl_dump_each(skb, cb, &f, lsgc_nl_fill_stats);
		if (!err && !filtered)
			err = lsgc_nl_fill_total(skb, cb, lsgc_pernet(net));
		if (!err)
			ctx->total_done = true;
	}
	return lsgc_nl_dump_ret(skb, err);
}

static const struct genl_ops lsgc_nl_ops[] = {
	{
		.cmd = LSGC_CMD_GROUP_GET,
		.dumpit = lsgc_nl_group_dumpit,
		.policy = lsgc_nl_filter_policy,
		.maxattr = LSGC_A_MAX,
	},
	{
		.cmd = LSGC_CMD_MEMBER_GET,
		.dumpit = lsgc_nl_member_dumpit,
		.policy = lsgc_nl_filter_policy,
		.maxattr = LSGC_A_MAX,
	},
	{
		.cmd = LSGC_CMD_STATS_GET,
		.dumpit = lsgc_nl_stats_dumpit,
		.policy = lsgc_nl_filter_policy,
		.maxattr = LSGC_A_MAX,
	},
};

static struct genl_family lsgc_nl_family __ro_after_init = {
	.name = LSGC_GENL_NAME,
	.version = LSGC_GENL_VERSION,
	.maxattr = LSGC_A_MAX,
	.netnsok = true,
	.module = THIS_MODULE,
	.ops = lsgc_nl_ops,
	.n_ops = ARRAY_SIZE(lsgc_nl_ops),
	.mcgrps = lsgc_nl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(lsgc_nl_mcgrps),
};

static int lsgc_nl_put_event(struct sk_buff *skb, struct lsgc_member *m,
			     enum lsgc_event_type event, u32 member,
			     u64 view_id, int reason)
{
	const struct lsgc_view *v = m->view;
	struct lsgc_peer *p;

	if (lsgc_nl_put_keys(skb, m) ||
	    nla_put_u8(skb, LSGC_A_EVENT, event) ||
	    nla_put_u32(skb, LSGC_A_SELF, m->self) ||
	    nla_put_u8(skb, LSGC_A_ROLE, lsgc_nl_role(m)) ||
	    nla_put_u32(skb, LSGC_A_LEADER, m->leader))
		return -EMSGSIZE;
	if (member) {
		if (nla_put_u32(skb, LSGC_A_EVENT_MEMBER, member))
			return -EMSGSIZE;
		p = lsgc_peer_find(m, member);
		if (p && nla_put(skb, LSGC_A_EVENT_ID, LSGC_ID_LEN, p->id))
			return -EMSGSIZE;
	}
	if (view_id &&
	    nla_put_u64_64bit(skb, LSGC_A_VIEW_ID, view_id, LSGC_A_PAD))
		return -EMSGSIZE;
	if (v && v->id == view_id &&
	    nla_put_u32(skb, LSGC_A_VIEW_SIZE, v->count))
		return -EMSGSIZE;
	if (reason && nla_put_u32(skb, LSGC_A_REASON, abs(reason)))
		return -EMSGSIZE;
	return 0;
}

/**
 * lsgc_nl_notify - announce a membership event on the "events" group
 * @m: the local membership the event happened at, locked (m->lock); any
 *	context, the message is allocated with GFP_ATOMIC
 * @event: what happened
 * @member: member number the event is about (0: none); its identity is
 *	looked up in @m's peers, so call before the peer is removed
 * @view_id: view the event belongs to (0: none); the view's size is added
 *	when it is @m's installed view
 * @reason: errno (either sign) of an expulsion or failure, 0 if none
 *
 * Costs one test when nobody listens.  A message that cannot be allocated
 * is lost; listeners see the gap only as missing events, as with any
 * netlink multicast.
 */
void lsgc_nl_notify(struct lsgc_member *m, enum lsgc_event_type event,
		    u32 member, u64 view_id, int reason)
{
	struct net *net = m->ln->net;
	struct sk_buff *skb;
	void *hdr;

	if (!genl_has_listeners(&lsgc_nl_family, net, LSGC_NL_MCGRP_EVENTS))
		return;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_ATOMIC);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &lsgc_nl_family, 0, LSGC_CMD_EVENT_NTF);
	if (!hdr ||
	    lsgc_nl_put_event(skb, m, event, member, view_id, reason)) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_end(skb, hdr);
	genlmsg_multicast_netns(&lsgc_nl_family, net, skb, 0,
				LSGC_NL_MCGRP_EVENTS, GFP_ATOMIC);
}

/* May one more security event go out?  At most net.lsgc.security_event_rate
 * per second and namespace, so that a flood of forged packets cannot turn
 * into a flood of notifications; the ones refused are counted into the
 * next that goes out.  Returns the count to report, or -1 to stay quiet.
 */
static s64 lsgc_nl_sec_allow(struct lsgc_net *ln)
{
	unsigned int rate = READ_ONCE(ln->cfg.security_event_rate);
	struct lsgc_sec_limit *l = &ln->sec_limit;
	s64 ret = -1;

	/* Off means off: nothing is counted to be reported later either. */
	if (!rate)
		return -1;
	spin_lock_bh(&l->lock);
	if (time_after_eq(jiffies, l->window + HZ) || !l->window) {
		l->window = jiffies ?: 1;
		l->sent = 0;
	}
	if (l->sent < rate) {
		l->sent++;
		ret = l->suppressed;
		l->suppressed = 0;
	} else if (l->suppressed < U32_MAX) {
		l->suppressed++;
	}
	spin_unlock_bh(&l->lock);
	return ret;
}

static int lsgc_nl_put_security(struct sk_buff *skb, struct lsgc_transport *t,
				struct lsgc_member *m, enum lsgc_stat reason,
				const struct lsgc_src *src, u32 sender,
				u32 suppressed)
{
	if (m ? lsgc_nl_put_keys(skb, m) : lsgc_nl_put_group_keys(skb, t))
		return -EMSGSIZE;
	if (nla_put_u8(skb, LSGC_A_EVENT, LSGC_EVENT_SECURITY) ||
	    nla_put_u16(skb, LSGC_A_DROP_REASON, lsgc_nl_stat_attr[reason]) ||
	    lsgc_nl_put_src(skb, src, LSGC_A_SRC_ADDR, LSGC_A_SRC_PORT) ||
	    nla_put_u32(skb, LSGC_A_SUPPRESSED, suppressed))
		return -EMSGSIZE;
	if (sender && nla_put_u32(skb, LSGC_A_EVENT_MEMBER, sender))
		return -EMSGSIZE;
	if (m && (nla_put_u32(skb, LSGC_A_SELF, m->self) ||
		  nla_put_u32(skb, LSGC_A_SESSION, m->session)))
		return -EMSGSIZE;
	return 0;
}

/**
 * lsgc_nl_security - announce a refused packet on the "events" group
 * @t: transport the packet arrived on
 * @m: the membership that refused it, locked; NULL when it was refused
 *	before it reached one (authentication)
 * @reason: the drop counter it was counted in
 * @src: where it came from
 * @sender: member number its header claims (0: none)
 *
 * Softirq context.  Rate limited per namespace (see lsgc_nl_sec_allow());
 * costs one test when nobody listens.
 */
void lsgc_nl_security(struct lsgc_transport *t, struct lsgc_member *m,
		      enum lsgc_stat reason, const struct lsgc_src *src,
		      u32 sender)
{
	struct net *net = t->ln->net;
	struct sk_buff *skb;
	s64 suppressed;
	void *hdr;

	if (!genl_has_listeners(&lsgc_nl_family, net, LSGC_NL_MCGRP_EVENTS))
		return;
	suppressed = lsgc_nl_sec_allow(t->ln);
	if (suppressed < 0)
		return;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_ATOMIC);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &lsgc_nl_family, 0, LSGC_CMD_EVENT_NTF);
	if (!hdr || lsgc_nl_put_security(skb, t, m, reason, src, sender,
					 suppressed)) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_end(skb, hdr);
	genlmsg_multicast_netns(&lsgc_nl_family, net, skb, 0,
				LSGC_NL_MCGRP_EVENTS, GFP_ATOMIC);
}

/**
 * lsgc_netlink_init - register the "lsgc" generic netlink family
 *
 * Return: 0 or a negative errno.
 */
int __init lsgc_netlink_init(void)
{
	/* Every counter has its attribute: grow enum lsgc_stats_attr and
	 * lsgc_nl_stat_attr with enum lsgc_stat.
	 */
	BUILD_BUG_ON(ARRAY_SIZE(lsgc_nl_stat_attr) !=
		     LSGC_STATS_A_MAX - LSGC_STATS_A_PAD);
	return genl_register_family(&lsgc_nl_family);
}

/**
 * lsgc_netlink_exit - unregister the family
 */
void lsgc_netlink_exit(void)
{
	genl_unregister_family(&lsgc_nl_family);
}
