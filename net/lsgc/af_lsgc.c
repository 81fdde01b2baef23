// SPDX-License-Identifier: GPL-2.0
/*
 * The AF_LSGC socket family: socket creation and the proto_ops shared by
 * the two socket types.  SOCK_SEQPACKET is the reliable totally ordered
 * channel, SOCK_DGRAM the best-effort channel of the same group; both
 * attach to one membership per (group, identity, namespace).
 */
#include <linux/module.h>
#include <linux/net.h>
#include <linux/netdevice.h>
#include <linux/poll.h>
#include <linux/sockptr.h>
#include <linux/capability.h>
#include <asm/ioctls.h>
#include <linux/sockios.h>
#include <linux/filter.h>
#include <net/sock.h>
#include <net/ipv6.h>

#include "lsgc.h"

static struct proto lsgc_proto = {
	.name = "LSGC",
	.owner = THIS_MODULE,
	.obj_size = sizeof(struct lsgc_sock),
};

/* The member a socket is attached to, with a reference, or NULL. */
static struct lsgc_member *lsgc_sock_member_get(struct lsgc_sock *lsk)
{
	struct lsgc_member *m;

	rcu_read_lock();
	m = READ_ONCE(lsk->member);
	if (m && !kref_get_unless_zero(&m->ref))
		m = NULL;
	rcu_read_unlock();
	return m;
}

static int lsgc_sock_state(struct lsgc_sock *lsk)
{
	struct lsgc_member *m;
	int state = LSGC_STATE_UNJOINED;

	rcu_read_lock();
	m = READ_ONCE(lsk->member);
	if (m)
		state = READ_ONCE(m->state);
	rcu_read_unlock();
	return state;
}

/**
 * lsgc_sock_wake - wake writers waiting for room in the send window
 * @sk: socket
 */
void lsgc_sock_wake(struct sock *sk)
{
	struct socket_wq *wq;

	rcu_read_lock();
	wq = rcu_dereference(sk->sk_wq);
	if (skwq_has_sleeper(wq))
		wake_up_interruptible_poll(&wq->wait, EPOLLOUT | EPOLLWRNORM |
					   EPOLLWRBAND);
	sk_wake_async(sk, SOCK_WAKE_SPACE, POLL_OUT);
	rcu_read_unlock();
}

/* Has every reliable message this member sent found its place in the
 * total order (and, at the leader, been delivered everywhere)?  Only then
 * may a LEAVE go out: the leader forgets what a departed member sent but
 * it had not ordered yet.
 */
static bool lsgc_linger_done(struct lsgc_member *m)
{
	bool done;

	spin_lock_bh(&m->lock);
	/* With another socket still attached the member stays, and so
	 * does its retransmission of what is unordered.
	 */
	done = m->state != LSGC_STATE_MEMBER || m->nsocks > 1 ||
	       (!m->tx_inflight && (m->role != LSGC_ROLE_LEADER ||
				    lsgc_leader_all_delivered(m)));
	spin_unlock_bh(&m->lock);
	return done;
}

/* How long a leave may wait for that: SO_LINGER's time when set, else the
 * send timeout when set, else four failure timeouts (long enough for a
 * lost message's retransmission, short enough that a dead leader is
 * noticed first).
 */
static long lsgc_linger_time(struct sock *sk, struct lsgc_member *m)
{
	if (sock_flag(sk, SOCK_LINGER))
		return sk->sk_lingertime;
	if (sk->sk_sndtimeo != MAX_SCHEDULE_TIMEOUT)
		return sk->sk_sndtimeo;
	return 4 * lsgc_ms(READ_ONCE(m->ln->cfg.heartbeat_timeout_ms));
}

/**
 * lsgc_linger - before leaving, wait until what send() accepted is ordered
 * @sk: the socket, locked; unlocked while waiting
 *
 * Only the SOCK_SEQPACKET socket has reliable messages in flight; a
 * signal or the linger time ends the wait early, and whatever is still
 * unordered then is lost, as with a zero SO_LINGER on TCP.  Ordering
 * wakes the socket; the members' acknowledgments a leader waits for do
 * not, so the wait also looks again every 20 ms.
 */
static void lsgc_linger(struct sock *sk)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	struct lsgc_member *m = lsgc_sk(sk)->member;
	unsigned long deadline;
	long left;

	if (!m || sk->sk_type != SOCK_SEQPACKET || lsgc_linger_done(m))
		return;
	deadline = jiffies + lsgc_linger_time(sk, m);
	kref_get(&m->ref);
	/* What is ordered meanwhile is consumed, not queued: see
	 * lsgc_order_deliver_one().
	 */
	spin_lock_bh(&m->lock);
	m->draining = true;
	spin_unlock_bh(&m->lock);
	lsgc_member_kick_rx(m);
	add_wait_queue(sk_sleep(sk), &wait);
	while (!signal_pending(current) && !lsgc_linger_done(m)) {
		left = (long)(deadline - jiffies);
		if (left <= 0)
			break;
		release_sock(sk);
		wait_woken(&wait, TASK_INTERRUPTIBLE, min_t(long, left, lsgc_ms(20)));
		lock_sock(sk);
		if (lsgc_sk(sk)->member != m)
			break;
	}
	remove_wait_queue(sk_sleep(sk), &wait);
	/* The membership may outlive this socket (another may attach). */
	spin_lock_bh(&m->lock);
	m->draining = false;
	spin_unlock_bh(&m->lock);
	lsgc_member_put(m);
}

/**
 * lsgc_sock_queue_rcv - queue a record on a socket, past its filter
 * @sk: the socket
 * @skb: the record; consumed
 *
 * The socket's filter (SO_ATTACH_FILTER) and the LSM's socket hook see
 * every data record, as they do on any other family.
 *
 * Return: 0 when queued, else the filter's verdict (the record is gone).
 */
int lsgc_sock_queue_rcv(struct sock *sk, struct sk_buff *skb)
{
	int err = sk_filter(sk, skb);

	if (err) {
		kfree_skb(skb);
		return err;
	}
	skb_set_owner_r(skb, sk);
	skb_queue_tail(&sk->sk_receive_queue, skb);
	sk->sk_data_ready(sk);
	return 0;
}

static int lsgc_release(struct socket *sock)
{
	struct sock *sk = sock->sk;

	if (!sk)
		return 0;
	lock_sock(sk);
	lsgc_linger(sk);
	lsgc_member_detach(lsgc_sk(sk));
	sock_orphan(sk);
	sk->sk_shutdown = SHUTDOWN_MASK;
	release_sock(sk);
	skb_queue_purge(&sk->sk_receive_queue);
	sock->sk = NULL;
	sock_put(sk);
	return 0;
}

static int lsgc_check_group(struct net *net, const struct lsgc_group_addr *g)
{
	static const u8 zero[12];

	if (!g->port)
		return -EINVAL;
	if (g->family == AF_INET) {
		__be32 a;

		memcpy(&a, g->addr, 4);
		if (!ipv4_is_multicast(a) || memcmp(g->addr + 4, zero, 12))
			return -EINVAL;
	} else if (g->family == AF_INET6) {
		struct in6_addr a;

		memcpy(&a, g->addr, sizeof(a));
		if (!ipv6_addr_is_multicast(&a))
			return -EINVAL;
	} else {
		return -EAFNOSUPPORT;
	}
	if (g->ifindex) {
		struct net_device *dev;

		rcu_read_lock();
		dev = dev_get_by_index_rcu(net, g->ifindex);
		rcu_read_unlock();
		if (!dev)
			return -ENODEV;
	}
	return 0;
}

static int lsgc_check_join(struct sock *sk, const struct lsgc_join_req *req)
{
	static const u8 zero_id[LSGC_ID_LEN];
	struct net *net = sock_net(sk);
	int err;

	if (req->flags & ~LSGC_JOIN_FLAGS_ALL || req->reserved ||
	    !memcmp(req->id, zero_id, LSGC_ID_LEN) ||
	    req->timeout_ms > 600000)
		return -EINVAL;
	err = lsgc_check_group(net, &req->group);
	if (err)
		return err;
	/* Groups without security exist only to measure what security costs,
	 * and only an administrator of the namespace may create or join one.
	 */
	if (!(req->flags & LSGC_JOIN_INSECURE)) {
		/* The cipher is the creator's choice. */
		if ((req->flags & LSGC_JOIN_CHACHA20POLY1305) &&
		    !(req->flags & LSGC_JOIN_CREATE))
			return -EINVAL;
		return req->key > 0 ? 0 : -ENOKEY;
	}
	if (req->key || (req->flags & LSGC_JOIN_CHACHA20POLY1305))
		return -EINVAL;
	if (!ns_capable(net->user_ns, CAP_NET_ADMIN))
		return -EPERM;
	return 0;
}

/* A secure join: the long-term key is read from the caller's keyring at
 * each join, so that a key replaced or revoked takes effect.
 */
static int lsgc_join_secure(struct lsgc_sock *lsk,
			    const struct lsgc_join_req *req)
{
	struct socket *sock = lsk->sk.sk_socket;
	u8 ltk[LSGC_KEY_LEN];
	int err;

	err = lsgc_ltk_get(req, ltk);
	if (!err)
		err = lsgc_member_join(lsk, req, ltk, sock && sock->file &&
				       (sock->file->f_flags & O_NONBLOCK));
	memzero_explicit(ltk, sizeof(ltk));
	return err;
}

static int lsgc_setsockopt(struct socket *sock, int level, int optname,
			   sockptr_t optval, unsigned int optlen)
{
	struct sock *sk = sock->sk;
	struct lsgc_sock *lsk = lsgc_sk(sk);
	struct lsgc_join_req req;
	int err = 0, val;

	if (level != SOL_LSGC)
		return -ENOPROTOOPT;

	switch (optname) {
	case LSGC_JOIN:
		if (optlen < sizeof(req))
			return -EINVAL;
		if (copy_from_sockptr(&req, optval, sizeof(req)))
			return -EFAULT;
		err = lsgc_check_join(sk, &req);
		if (err)
			return err;
		lock_sock(sk);
		if (lsk->member)
			err = lsgc_sock_state(lsk) == LSGC_STATE_JOINING ?
			      -EALREADY : -EISCONN;
		else if (req.flags & LSGC_JOIN_INSECURE)
			err = lsgc_member_join(lsk, &req, NULL, sock->file &&
					       (sock->file->f_flags & O_NONBLOCK));
		else
			err = lsgc_join_secure(lsk, &req);
		release_sock(sk);
		return err;
	case LSGC_LEAVE:
		lock_sock(sk);
		if (!lsk->member) {
			err = -ENOTCONN;
		} else {
			lsgc_linger(sk);
			lsgc_member_detach(lsk);
			skb_queue_purge(&sk->sk_receive_queue);
			WRITE_ONCE(sk->sk_err, 0);
		}
		release_sock(sk);
		return err;
	case LSGC_RECV_OWN:
		if (optlen < sizeof(int))
			return -EINVAL;
		if (copy_from_sockptr(&val, optval, sizeof(val)))
			return -EFAULT;
		WRITE_ONCE(lsk->recv_own, !!val);
		return 0;
	}
	return -ENOPROTOOPT;
}

static int lsgc_put_int(sockptr_t optval, sockptr_t optlen, int len, int val)
{
	if (len < (int)sizeof(int))
		return -EINVAL;
	len = sizeof(int);
	if (copy_to_sockptr(optval, &val, len) ||
	    copy_to_sockptr(optlen, &len, sizeof(len)))
		return -EFAULT;
	return 0;
}

/* Copy the installed view: struct lsgc_view_info then the members. */
static int lsgc_get_view(struct lsgc_sock *lsk, char __user *optval,
			 int __user *optlen, int len)
{
	struct lsgc_member *m = lsgc_sock_member_get(lsk);
	struct lsgc_member_info *mi;
	struct lsgc_view_info *vi;
	int err = 0, full;
	unsigned int i;
	void *buf;

	if (!m)
		return -ENOTCONN;
	spin_lock_bh(&m->lock);
	if (!m->view || m->state != LSGC_STATE_MEMBER) {
		spin_unlock_bh(&m->lock);
		lsgc_member_put(m);
		return -ENOTCONN;
	}
	full = sizeof(*vi) + m->view->count * sizeof(*mi);
	buf = kzalloc(full, GFP_ATOMIC);
	if (buf) {
		vi = buf;
		vi->view_id = m->view->id;
		vi->session = m->session;
		vi->n_members = m->view->count;
		vi->leader = m->view->leader;
		vi->seq = m->view->seq;
		mi = buf + sizeof(*vi);
		for (i = 0; i < m->view->count; i++) {
			mi[i].member = m->view->ents[i].member;
			memcpy(mi[i].id, m->view->ents[i].id, LSGC_ID_LEN);
		}
	}
	spin_unlock_bh(&m->lock);
	lsgc_member_put(m);
	if (!buf)
		return -ENOMEM;
	if (len < (int)sizeof(*vi))
		err = -EINVAL;
	else if (copy_to_user(optval, buf, min(len, full)) ||
		 put_user(full, optlen))
		err = -EFAULT;
	kfree(buf);
	return err;
}

static int lsgc_getsockopt(struct socket *sock, int level, int optname,
			   char __user *optval, int __user *optlen)
{
	struct lsgc_sock *lsk = lsgc_sk(sock->sk);
	sockptr_t val = USER_SOCKPTR(optval), lenp = USER_SOCKPTR(optlen);
	struct lsgc_member *m;
	int len, err;

	if (level != SOL_LSGC)
		return -ENOPROTOOPT;
	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;

	switch (optname) {
	case LSGC_RECV_OWN:
		return lsgc_put_int(val, lenp, len, READ_ONCE(lsk->recv_own));
	case LSGC_STATE:
		return lsgc_put_int(val, lenp, len, lsgc_sock_state(lsk));
	case LSGC_MAX_DGRAM:
		m = lsgc_sock_member_get(lsk);
		if (!m)
			return -ENOTCONN;
		err = lsgc_put_int(val, lenp, len, m->dgram_max);
		lsgc_member_put(m);
		return err;
	case LSGC_VIEW:
		return lsgc_get_view(lsk, optval, optlen, len);
	case LSGC_GROUP:
		lock_sock(sock->sk);
		err = lsk->member ? 0 : -ENOTCONN;
		if (!err && len < (int)sizeof(lsk->req))
			err = -EINVAL;
		len = sizeof(lsk->req);
		if (!err && (copy_to_user(optval, &lsk->req, len) ||
			     put_user(len, optlen)))
			err = -EFAULT;
		release_sock(sock->sk);
		return err;
	}
	return -ENOPROTOOPT;
}

static int lsgc_sendmsg(struct socket *sock, struct msghdr *msg, size_t len)
{
	struct sock *sk = sock->sk;
	struct lsgc_sock *lsk = lsgc_sk(sk);
	struct lsgc_member *m;
	int err;

	/* sendmmsg() adds MSG_BATCH to all but the last message. */
	if (msg->msg_flags & ~(MSG_DONTWAIT | MSG_NOSIGNAL | MSG_EOR | MSG_BATCH))
		return -EOPNOTSUPP;
	lock_sock(sk);
	m = lsk->member;
	if (m)
		kref_get(&m->ref);
	if (!m) {
		err = -ENOTCONN;
	} else if (sk->sk_shutdown & SEND_SHUTDOWN) {
		err = -EPIPE;
	} else if (msg->msg_namelen) {
		/* The group is the only destination there is. */
		err = -EISCONN;
	} else if (sk->sk_type == SOCK_SEQPACKET) {
		err = len > LSGC_MAX_MSG ? -EMSGSIZE :
		      lsgc_send_reliable(m, msg, len, sk);
	} else {
		err = lsgc_send_dgram(m, msg, len, sk);
	}
	release_sock(sk);
	/* Packets are queued under the locks and leave without them. */
	if (m) {
		lsgc_member_flush(m);
		lsgc_member_put(m);
	}
	return err;
}

static void lsgc_recv_cmsgs(struct sock *sk, struct msghdr *msg,
			    struct sk_buff *skb)
{
	struct lsgc_skb_cb *cb = LSGC_SKB_CB(skb);

	if (sk->sk_type != SOCK_SEQPACKET)
		return;
	put_cmsg(msg, SOL_LSGC, LSGC_CMSG_SEQ, sizeof(cb->seq), &cb->seq);
	put_cmsg(msg, SOL_LSGC, LSGC_CMSG_VIEW_ID, sizeof(cb->view_id),
		 &cb->view_id);
	if (cb->is_view && skb->len <= 65536) {
		void *buf = kmalloc(skb->len, GFP_KERNEL);

		if (buf && !skb_copy_bits(skb, 0, buf, skb->len))
			put_cmsg(msg, SOL_LSGC, LSGC_CMSG_VIEW, skb->len, buf);
		kfree(buf);
	}
}

static int lsgc_recv_error(struct lsgc_sock *lsk)
{
	struct sock *sk = &lsk->sk;

	switch (lsgc_sock_state(lsk)) {
	case LSGC_STATE_FAILED:
		return -ECONNRESET;
	case LSGC_STATE_UNJOINED:
		return -ENOTCONN;
	}
	if (sk->sk_shutdown & RCV_SHUTDOWN)
		return 1;
	return 0;
}

static struct sk_buff *lsgc_recv_wait(struct sock *sk, int flags, int *err)
{
	long timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	struct sk_buff *skb = NULL;

	add_wait_queue(sk_sleep(sk), &wait);
	for (;;) {
		if (flags & MSG_PEEK) {
			spin_lock_bh(&sk->sk_receive_queue.lock);
			skb = skb_peek(&sk->sk_receive_queue);
			if (skb)
				skb_get(skb);
			spin_unlock_bh(&sk->sk_receive_queue.lock);
		} else {
			skb = skb_dequeue(&sk->sk_receive_queue);
		}
		if (skb)
			break;
		*err = lsgc_recv_error(lsgc_sk(sk));
		if (*err)
			break;
		*err = -EAGAIN;
		if (!timeo)
			break;
		*err = sock_intr_errno(timeo);
		if (signal_pending(current))
			break;
		timeo = wait_woken(&wait, TASK_INTERRUPTIBLE, timeo);
	}
	remove_wait_queue(sk_sleep(sk), &wait);
	return skb;
}

static int lsgc_recvmsg(struct socket *sock, struct msghdr *msg, size_t len,
			int flags)
{
	struct sock *sk = sock->sk;
	struct lsgc_sock *lsk = lsgc_sk(sk);
	struct lsgc_member *m;
	struct sk_buff *skb;
	size_t copied;
	int err = 0;

	if (flags & ~(MSG_DONTWAIT | MSG_PEEK | MSG_TRUNC | MSG_CMSG_CLOEXEC |
		      MSG_WAITALL | MSG_NOSIGNAL))
		return -EOPNOTSUPP;
	skb = lsgc_recv_wait(sk, flags, &err);
	if (!skb)
		return err > 0 ? 0 : err;

	copied = min_t(size_t, len, skb->len);
	if (copied < skb->len)
		msg->msg_flags |= MSG_TRUNC;
	err = skb_copy_datagram_msg(skb, 0, msg, copied);
	if (err)
		goto out;
	if (msg->msg_name) {
		DECLARE_SOCKADDR(struct sockaddr_lsgc *, addr, msg->msg_name);

		memset(addr, 0, sizeof(*addr));
		addr->slsgc_family = lsgc_family;
		addr->slsgc_member = LSGC_SKB_CB(skb)->origin;
		memcpy(addr->slsgc_id, LSGC_SKB_CB(skb)->id, LSGC_ID_LEN);
		msg->msg_namelen = sizeof(*addr);
	}
	if (LSGC_SKB_CB(skb)->is_view)
		msg->msg_flags |= MSG_OOB;
	lsgc_recv_cmsgs(sk, msg, skb);
	err = (flags & MSG_TRUNC) ? skb->len : copied;
out:
	consume_skb(skb);
	/* Reading made room: resume a delivery that waited for it. */
	if (sk->sk_type == SOCK_SEQPACKET && !(flags & MSG_PEEK)) {
		m = lsgc_sock_member_get(lsk);
		if (m) {
			lsgc_member_kick_rx(m);
			lsgc_member_put(m);
		}
	}
	return err;
}

static __poll_t lsgc_poll(struct file *file, struct socket *sock,
			  poll_table *wait)
{
	struct sock *sk = sock->sk;
	struct lsgc_sock *lsk = lsgc_sk(sk);
	struct lsgc_member *m;
	__poll_t mask = 0;
	int state;

	sock_poll_wait(file, sock, wait);
	if (READ_ONCE(sk->sk_err))
		mask |= EPOLLERR;
	if (sk->sk_shutdown & RCV_SHUTDOWN)
		mask |= EPOLLRDHUP | EPOLLIN | EPOLLRDNORM;
	if (sk->sk_shutdown == SHUTDOWN_MASK)
		mask |= EPOLLHUP;
	if (!skb_queue_empty_lockless(&sk->sk_receive_queue))
		mask |= EPOLLIN | EPOLLRDNORM;

	rcu_read_lock();
	m = READ_ONCE(lsk->member);
	state = m ? READ_ONCE(m->state) : LSGC_STATE_UNJOINED;
	if (state == LSGC_STATE_FAILED) {
		mask |= EPOLLERR | EPOLLHUP;
	} else if (state == LSGC_STATE_MEMBER) {
		bool room = sk->sk_type == SOCK_SEQPACKET ?
			    lsgc_member_writable(m) : sock_writeable(sk);

		if (room && sock_writeable(sk))
			mask |= EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND;
	}
	rcu_read_unlock();
	return mask;
}

static int lsgc_getname(struct socket *sock, struct sockaddr *uaddr, int peer)
{
	DECLARE_SOCKADDR(struct sockaddr_lsgc *, addr, uaddr);
	struct lsgc_member *m;

	if (peer)
		return -ENOTCONN;
	memset(addr, 0, sizeof(*addr));
	addr->slsgc_family = lsgc_family;
	m = lsgc_sock_member_get(lsgc_sk(sock->sk));
	if (m) {
		addr->slsgc_member = READ_ONCE(m->self);
		memcpy(addr->slsgc_id, m->id, LSGC_ID_LEN);
		lsgc_member_put(m);
	}
	return sizeof(*addr);
}

static int lsgc_shutdown(struct socket *sock, int how)
{
	struct sock *sk = sock->sk;

	/* SHUT_RD = 0, SHUT_WR = 1, SHUT_RDWR = 2 map to bits 1, 2, 3. */
	how++;
	if (how & ~SHUTDOWN_MASK || !how)
		return -EINVAL;
	lock_sock(sk);
	sk->sk_shutdown |= how;
	sk->sk_state_change(sk);
	release_sock(sk);
	return 0;
}

static int lsgc_ioctl(struct socket *sock, unsigned int cmd, unsigned long arg)
{
	struct sock *sk = sock->sk;
	struct sk_buff *skb;
	int amount = 0;

	switch (cmd) {
	case SIOCINQ:
		spin_lock_bh(&sk->sk_receive_queue.lock);
		skb = skb_peek(&sk->sk_receive_queue);
		if (skb)
			amount = skb->len;
		spin_unlock_bh(&sk->sk_receive_queue.lock);
		return put_user(amount, (int __user *)arg);
	case SIOCOUTQ:
		amount = sk_wmem_alloc_get(sk);
		return put_user(amount, (int __user *)arg);
	}
	return -ENOIOCTLCMD;
}

/* The kernel keys families on net_proto_family.family, which follows the
 * module parameter; proto_ops.family is only informative.
 */
static const struct proto_ops lsgc_ops = {
	.family = LSGC_FAMILY_DEFAULT,
	.owner = THIS_MODULE,
	.release = lsgc_release,
	.bind = sock_no_bind,
	.connect = sock_no_connect,
	.socketpair = sock_no_socketpair,
	.accept = sock_no_accept,
	.getname = lsgc_getname,
	.poll = lsgc_poll,
	.ioctl = lsgc_ioctl,
	.listen = sock_no_listen,
	.shutdown = lsgc_shutdown,
	.setsockopt = lsgc_setsockopt,
	.getsockopt = lsgc_getsockopt,
	.sendmsg = lsgc_sendmsg,
	.recvmsg = lsgc_recvmsg,
	.mmap = sock_no_mmap,
	.sendpage = sock_no_sendpage,
};

static int lsgc_create(struct net *net, struct socket *sock, int protocol,
		       int kern)
{
	struct sock *sk;

	if (protocol)
		return -EPROTONOSUPPORT;
	if (sock->type != SOCK_SEQPACKET && sock->type != SOCK_DGRAM)
		return -ESOCKTNOSUPPORT;

	sk = sk_alloc(net, lsgc_family, GFP_KERNEL, &lsgc_proto, kern);
	if (!sk)
		return -ENOMEM;
	sock_init_data(sock, sk);
	sock->ops = &lsgc_ops;
	sock->state = SS_UNCONNECTED;
	lsgc_sk(sk)->recv_own = true;
	return 0;
}

static struct net_proto_family lsgc_family_ops = {
	.create = lsgc_create,
	.owner = THIS_MODULE,
};

int lsgc_socket_init(void)
{
	int err;

	err = proto_register(&lsgc_proto, 1);
	if (err)
		return err;
	lsgc_family_ops.family = lsgc_family;
	err = sock_register(&lsgc_family_ops);
	if (err) {
		pr_err("lsgc: address family %d is already taken (%d); load with family=<free slot>\n",
		       lsgc_family, err);
		goto err_proto;
	}
	return 0;

err_proto:
	proto_unregister(&lsgc_proto);
	return err;
}

void lsgc_socket_exit(void)
{
	sock_unregister(lsgc_family);
	proto_unregister(&lsgc_proto);
}
