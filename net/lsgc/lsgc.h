/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations shared between the files of the lsgc module.
 */
#ifndef _NET_LSGC_LSGC_H
#define _NET_LSGC_LSGC_H

#include <linux/types.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/sock.h>
#include <uapi/linux/lsgc.h>

extern int lsgc_family;
extern unsigned int lsgc_net_id;

/**
 * struct lsgc_net - per network namespace state
 * @net: the namespace
 */
struct lsgc_net {
	struct net *net;
};

static inline struct lsgc_net *lsgc_pernet(const struct net *net)
{
	return net_generic(net, lsgc_net_id);
}

/* af_lsgc.c */
int lsgc_socket_init(void);
void lsgc_socket_exit(void);

#endif /* _NET_LSGC_LSGC_H */
