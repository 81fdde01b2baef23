// SPDX-License-Identifier: GPL-2.0
/*
 * The transport: one kernel UDP socket per (namespace, group address,
 * port, interface), joined to the multicast group.  Every packet it
 * receives is handed to lsgc_receive(), which demultiplexes it to every
 * local member; every packet a member sends leaves through
 * lsgc_transport_xmit().  Multicast loopback stays on so that several
 * members in one namespace hear each other.
 */
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/igmp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/ipv6_stubs.h>
#include <net/addrconf.h>
#include <net/route.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>

#include "lsgc.h"

static int lsgc_encap_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct lsgc_transport *t = rcu_dereference_sk_user_data(sk);

	if (unlikely(!t) || !pskb_may_pull(skb, sizeof(struct udphdr))) {
		kfree_skb(skb);
		return 0;
	}
	__skb_pull(skb, sizeof(struct udphdr));
	lsgc_receive(t, skb);
	return 0;
}

static int lsgc_transport_join_mcast(struct lsgc_transport *t, struct sock *sk)
{
	const struct lsgc_group_addr *a = &t->addr;
	int err;

	/* The multicast membership calls want RTNL, as setsockopt takes it. */
	rtnl_lock();
	lock_sock(sk);
	if (a->family == AF_INET) {
		struct ip_mreqn mreq = {
			.imr_ifindex = a->ifindex,
		};

		memcpy(&mreq.imr_multiaddr.s_addr, a->addr, 4);
		/* Only this group's traffic, even though we bind it anyway. */
		inet_sk(sk)->mc_all = 0;
		err = ip_mc_join_group(sk, &mreq);
	} else {
		struct in6_addr addr;

		memcpy(&addr, a->addr, sizeof(addr));
		err = ipv6_sock_mc_join(sk, a->ifindex, &addr);
	}
	release_sock(sk);
	rtnl_unlock();
	return err;
}

static int lsgc_transport_bind6(struct lsgc_transport *t, struct socket *sock)
{
	const struct lsgc_group_addr *a = &t->addr;
	struct sockaddr_in6 sin6 = {
		.sin6_family = AF_INET6,
		.sin6_port = a->port,
		.sin6_scope_id = a->ifindex,
	};

	memcpy(&sin6.sin6_addr, a->addr, sizeof(sin6.sin6_addr));
	ip6_sock_set_v6only(sock->sk);
	return kernel_bind(sock, (struct sockaddr *)&sin6, sizeof(sin6));
}

static int lsgc_transport_bind(struct lsgc_transport *t, struct socket *sock)
{
	const struct lsgc_group_addr *a = &t->addr;

	/* Members of other groups on the same port must not see our traffic:
	 * binding to the group address makes the UDP lookup filter on it.
	 */
	sock->sk->sk_reuse = SK_CAN_REUSE;
	if (a->family == AF_INET) {
		struct sockaddr_in sin = {
			.sin_family = AF_INET,
			.sin_port = a->port,
		};

		memcpy(&sin.sin_addr.s_addr, a->addr, 4);
		return kernel_bind(sock, (struct sockaddr *)&sin, sizeof(sin));
	}
	return lsgc_transport_bind6(t, sock);
}

static int lsgc_transport_open(struct lsgc_transport *t)
{
	struct udp_tunnel_sock_cfg cfg = {
		.sk_user_data = t,
		.encap_type = 1,
		.encap_rcv = lsgc_encap_rcv,
	};
	struct net *net = t->ln->net;
	struct socket *sock;
	int err;

	err = sock_create_kern(net, t->addr.family, SOCK_DGRAM, IPPROTO_UDP,
			       &sock);
	if (err)
		return err;
	err = lsgc_transport_bind(t, sock);
	if (err)
		goto err_release;
	setup_udp_tunnel_sock(net, sock, &cfg);
	/* Tunnels turn multicast loopback off; members that share a
	 * namespace hear each other only through it.
	 */
	inet_sk(sock->sk)->mc_loop = 1;
	err = lsgc_transport_join_mcast(t, sock->sk);
	if (err)
		goto err_tunnel;
	t->sock = sock;
	rcu_assign_pointer(t->sk, sock->sk);
	return 0;

err_tunnel:
	udp_tunnel_sock_release(sock);
	return err;
err_release:
	sock_release(sock);
	return err;
}

/**
 * lsgc_transport_get - find or open the transport of a group
 * @ln: namespace state; caller holds ln->lock
 * @addr: validated group address
 *
 * Return: the transport with one more user, or an ERR_PTR.
 */
struct lsgc_transport *lsgc_transport_get(struct lsgc_net *ln,
					  const struct lsgc_group_addr *addr)
{
	struct lsgc_transport *t;
	int err;

	lockdep_assert_held(&ln->lock);
	list_for_each_entry(t, &ln->transports, node) {
		if (!memcmp(&t->addr, addr, sizeof(*addr))) {
			t->users++;
			return t;
		}
	}
	t = kzalloc(sizeof(*t), GFP_KERNEL_ACCOUNT);
	if (!t)
		return ERR_PTR(-ENOMEM);
	t->ln = ln;
	t->addr = *addr;
	t->users = 1;
	INIT_LIST_HEAD(&t->members);
	err = lsgc_transport_open(t);
	if (err) {
		kfree(t);
		return ERR_PTR(err);
	}
	list_add(&t->node, &ln->transports);
	return t;
}

/**
 * lsgc_transport_put - drop a user; close the transport with the last
 * @t: transport; caller holds ln->lock
 *
 * The receive and transmit paths run under RCU: the socket pointer is
 * cleared and a grace period passes (inside udp_tunnel_sock_release())
 * before the socket goes, and the structure itself is freed after RCU.
 */
void lsgc_transport_put(struct lsgc_transport *t)
{
	lockdep_assert_held(&t->ln->lock);
	if (--t->users)
		return;
	WARN_ON(!list_empty(&t->members));
	list_del(&t->node);
	RCU_INIT_POINTER(t->sk, NULL);
	udp_tunnel_sock_release(t->sock);
	kfree_rcu(t, rcu);
}

unsigned int lsgc_transport_headroom(const struct lsgc_transport *t)
{
	return LL_MAX_HEADER + sizeof(struct ipv6hdr) + sizeof(struct udphdr);
}

/**
 * lsgc_transport_mtu - the largest LSGC packet (header and body) that
 * leaves without IP fragmentation, from the route to the group
 * @t: transport
 *
 * Return: bytes available after the IP and UDP headers.
 */
unsigned int lsgc_transport_mtu(struct lsgc_transport *t)
{
	const struct lsgc_group_addr *a = &t->addr;
	struct net *net = t->ln->net;
	unsigned int mtu = 1280;
	struct net_device *dev;

	rcu_read_lock();
	dev = a->ifindex ? dev_get_by_index_rcu(net, a->ifindex) : NULL;
	if (dev)
		mtu = READ_ONCE(dev->mtu);
	rcu_read_unlock();
	if (!dev && a->family == AF_INET) {
		struct flowi4 fl4 = {};
		struct rtable *rt;

		memcpy(&fl4.daddr, a->addr, 4);
		rt = ip_route_output_key(net, &fl4);
		if (!IS_ERR(rt)) {
			mtu = dst_mtu(&rt->dst);
			ip_rt_put(rt);
		}
	}
	mtu -= sizeof(struct udphdr);
	mtu -= a->family == AF_INET ? sizeof(struct iphdr) : sizeof(struct ipv6hdr);
	return clamp(mtu, 512U, 65000U);
}

static bool lsgc_xmit4(struct lsgc_transport *t, struct sock *sk,
		       struct sk_buff *skb)
{
	const struct lsgc_group_addr *a = &t->addr;
	struct flowi4 fl4 = {
		.flowi4_oif = a->ifindex,
		.flowi4_proto = IPPROTO_UDP,
		.fl4_sport = a->port,
		.fl4_dport = a->port,
	};
	struct rtable *rt;

	memcpy(&fl4.daddr, a->addr, 4);
	rt = ip_route_output_key(t->ln->net, &fl4);
	if (IS_ERR(rt)) {
		kfree_skb(skb);
		return false;
	}
	/* TTL 1: a group is a LAN affair. */
	udp_tunnel_xmit_skb(rt, sk, skb, fl4.saddr, fl4.daddr, 0, 1, 0,
			    a->port, a->port, false, false);
	return true;
}

static bool lsgc_xmit6(struct lsgc_transport *t, struct sock *sk,
		       struct sk_buff *skb)
{
	const struct lsgc_group_addr *a = &t->addr;
	struct flowi6 fl6 = {
		.flowi6_oif = a->ifindex,
		.flowi6_proto = IPPROTO_UDP,
		.fl6_sport = a->port,
		.fl6_dport = a->port,
	};
	struct dst_entry *dst;

	memcpy(&fl6.daddr, a->addr, sizeof(fl6.daddr));
	dst = ipv6_stub->ipv6_dst_lookup_flow(t->ln->net, sk, &fl6, NULL);
	if (IS_ERR(dst)) {
		kfree_skb(skb);
		return false;
	}
	udp_tunnel6_xmit_skb(dst, sk, skb, NULL, &fl6.saddr, &fl6.daddr, 0, 1,
			     0, a->port, a->port, false);
	return true;
}

/**
 * lsgc_transport_xmit - send one sealed packet to the group
 * @t: transport
 * @skb: the packet, data at the LSGC header, with
 *	lsgc_transport_headroom() bytes of headroom; consumed
 *
 * Callable from any context, never under a member's lock.
 *
 * Return: the bytes handed to the IP layer, or 0 if the packet was lost.
 */
unsigned int lsgc_transport_xmit(struct lsgc_transport *t, struct sk_buff *skb)
{
	unsigned int len = skb->len;
	struct sock *sk;
	bool sent;

	rcu_read_lock_bh();
	sk = rcu_dereference_bh(t->sk);
	if (unlikely(!sk)) {
		rcu_read_unlock_bh();
		kfree_skb(skb);
		return 0;
	}
	skb->dev = NULL;
	skb_reset_inner_headers(skb);
	if (t->addr.family == AF_INET)
		sent = lsgc_xmit4(t, sk, skb);
	else
		sent = lsgc_xmit6(t, sk, skb);
	rcu_read_unlock_bh();
	if (!sent) {
		lsgc_stat_inc(t->ln, NULL, LSGC_STAT_TX_ERRORS);
		return 0;
	}
	lsgc_stat_inc(t->ln, NULL, LSGC_STAT_TX_PACKETS);
	lsgc_stat_add(t->ln, NULL, LSGC_STAT_TX_BYTES, len);
	return len;
}
