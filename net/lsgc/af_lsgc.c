// SPDX-License-Identifier: GPL-2.0
/*
 * The AF_LSGC socket family: socket creation and the proto_ops of the two
 * socket types.  SOCK_SEQPACKET is the reliable totally ordered channel,
 * SOCK_DGRAM the best-effort channel of the same group.
 */
#include <linux/module.h>
#include <linux/net.h>
#include <net/sock.h>

#include "lsgc.h"

static struct proto lsgc_proto = {
	.name = "LSGC",
	.owner = THIS_MODULE,
	.obj_size = sizeof(struct sock),
};

static int lsgc_release(struct socket *sock)
{
	struct sock *sk = sock->sk;

	if (!sk)
		return 0;
	sock_orphan(sk);
	sock->sk = NULL;
	sock_put(sk);
	return 0;
}

static struct proto_ops lsgc_seqpacket_ops = {
	.family = LSGC_FAMILY_DEFAULT,
	.owner = THIS_MODULE,
	.release = lsgc_release,
	.bind = sock_no_bind,
	.connect = sock_no_connect,
	.socketpair = sock_no_socketpair,
	.accept = sock_no_accept,
	.getname = sock_no_getname,
	.poll = datagram_poll,
	.ioctl = sock_no_ioctl,
	.listen = sock_no_listen,
	.shutdown = sock_no_shutdown,
	.sendmsg = sock_no_sendmsg,
	.recvmsg = sock_no_recvmsg,
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
	sock->ops = &lsgc_seqpacket_ops;
	sock->state = SS_UNCONNECTED;
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
	lsgc_seqpacket_ops.family = lsgc_family;
	err = sock_register(&lsgc_family_ops);
	if (err) {
		pr_err("lsgc: address family %d is already taken (%d); load with family=<free slot>\n",
		       lsgc_family, err);
		proto_unregister(&lsgc_proto);
	}
	return err;
}

void lsgc_socket_exit(void)
{
	sock_unregister(lsgc_family);
	proto_unregister(&lsgc_proto);
}
