/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "lsgc" generic netlink family (netlink.c): monitoring dumps and the
 * "events" multicast group.  See include/uapi/linux/lsgc_netlink.h.
 */
#ifndef _NET_LSGC_NETLINK_H
#define _NET_LSGC_NETLINK_H

#include <uapi/linux/lsgc_netlink.h>

#include "lsgc.h"

int lsgc_netlink_init(void);
void lsgc_netlink_exit(void);
void lsgc_nl_notify(struct lsgc_member *m, enum lsgc_event_type event,
		    u32 member, u64 view_id, int reason);
void lsgc_nl_security(struct lsgc_transport *t, struct lsgc_member *m,
		      enum lsgc_stat reason, const struct lsgc_src *src,
		      u32 sender);

#endif /* _NET_LSGC_NETLINK_H */
