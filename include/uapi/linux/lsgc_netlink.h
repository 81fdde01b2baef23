/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * AF_LSGC monitoring: the "lsgc" generic netlink family.
 *
 * Described in Documentation/netlink/specs/lsgc.yaml.  Needs nothing
 * beyond <linux/types.h>; values such as states and identities are those
 * of <linux/lsgc.h>.
 *
 * The family is per network namespace: a dump shows the memberships of
 * the caller's namespace only.  A "membership" is one local member: an
 * identity in a group (address, port, ifindex), so one namespace may have
 * several in the same group.  Every dump is open to unprivileged users;
 * no attribute carries key material, nor ever will.
 *
 * Dumps (NLM_F_DUMP) of LSGC_CMD_GROUP_GET, LSGC_CMD_MEMBER_GET and
 * LSGC_CMD_STATS_GET accept these optional filters:
 *   LSGC_A_ADDR (4 or 16 bytes) with LSGC_A_PORT (required with it),
 *   LSGC_A_IFINDEX or LSGC_A_IFNAME, and LSGC_A_ID.
 * Every other attribute in a request is refused with an extended ACK.
 *
 * Events (LSGC_CMD_EVENT_NTF) carry the keys of the membership they
 * happened at, LSGC_A_EVENT and what the event needs.  A security event
 * is about a refused packet: LSGC_A_DROP_REASON (LSGC_STATS_A_DROP_AUTH,
 * _REPLAY or _UNKNOWN_EPOCH), LSGC_A_SRC_ADDR and LSGC_A_SRC_PORT, the
 * claimed sender in LSGC_A_EVENT_MEMBER, and LSGC_A_SUPPRESSED, the
 * security events the namespace's rate limit (net.lsgc.security_event_rate
 * per second) dropped since the previous one went out.  A packet refused
 * before it could be matched to a membership (authentication) carries the
 * group's keys without LSGC_A_ID.
 */
#ifndef _UAPI_LINUX_LSGC_NETLINK_H
#define _UAPI_LINUX_LSGC_NETLINK_H

#include <linux/types.h>

#define LSGC_GENL_NAME		"lsgc"
#define LSGC_GENL_VERSION	1

/* Multicast group of membership and security events. */
#define LSGC_GENL_MCGRP_EVENTS	"events"

/* Largest LSGC_A_CIPHER string, NUL included. */
#define LSGC_CIPHER_NAMSIZ	32

enum lsgc_cmd {
	LSGC_CMD_UNSPEC,
	LSGC_CMD_GROUP_GET,	/* dump: one message per membership */
	LSGC_CMD_MEMBER_GET,	/* dump: one message per member of a view */
	LSGC_CMD_STATS_GET,	/* dump: counters per membership, then totals */
	LSGC_CMD_EVENT_NTF,	/* notification on LSGC_GENL_MCGRP_EVENTS */

	__LSGC_CMD_MAX,
	LSGC_CMD_MAX = __LSGC_CMD_MAX - 1
};

/* LSGC_A_ROLE */
enum lsgc_nl_role {
	LSGC_NL_ROLE_MEMBER,
	LSGC_NL_ROLE_LEADER,
};

/* LSGC_A_EVENT */
enum lsgc_event_type {
	LSGC_EVENT_UNSPEC,
	LSGC_EVENT_VIEW,	/* a view was installed at this member */
	LSGC_EVENT_JOIN,	/* the leader admitted LSGC_A_EVENT_MEMBER */
	LSGC_EVENT_LEAVE,	/* the leader saw LSGC_A_EVENT_MEMBER leave */
	LSGC_EVENT_EXPEL,	/* the leader expelled LSGC_A_EVENT_MEMBER */
	LSGC_EVENT_LEADER,	/* the session leader is now LSGC_A_LEADER */
	LSGC_EVENT_FAILED,	/* this membership ended; errno in LSGC_A_REASON */
	LSGC_EVENT_SECURITY,	/* a packet was refused; see LSGC_A_DROP_REASON */

	__LSGC_EVENT_MAX,
	LSGC_EVENT_MAX = __LSGC_EVENT_MAX - 1
};

/*
 * Attributes of messages about one membership.  The first five identify
 * it (and are the dump filters); the rest describe it.  u64 attributes are
 * padded with LSGC_A_PAD.
 */
enum lsgc_attr {
	LSGC_A_UNSPEC,
	LSGC_A_PAD,
	LSGC_A_FAMILY,		/* u16: AF_INET or AF_INET6 */
	LSGC_A_ADDR,		/* binary: group address, 4 or 16 bytes */
	LSGC_A_PORT,		/* u16: UDP port, host byte order */
	LSGC_A_IFINDEX,		/* u32: interface (0: chosen by route) */
	LSGC_A_IFNAME,		/* string: interface name */
	LSGC_A_ID,		/* binary: LSGC_ID_LEN bytes, local identity */
	LSGC_A_SESSION,		/* u32: session identifier */
	LSGC_A_SELF,		/* u32: own member number (0: none yet) */
	LSGC_A_ROLE,		/* u8: enum lsgc_nl_role */
	LSGC_A_STATE,		/* u8: enum lsgc_member_state */
	LSGC_A_ERROR,		/* u32: errno that ended a failed membership */
	LSGC_A_LEADER,		/* u32: leader's member number */
	LSGC_A_VIEW_ID,		/* u64: installed view */
	LSGC_A_VIEW_SIZE,	/* u32: members in the installed view */
	LSGC_A_EPOCH,		/* u32: key epoch in force */
	LSGC_A_CIPHER,		/* string: AEAD in force ("none": insecure) */
	LSGC_A_DELIVERED,	/* u64: highest sequence delivered in order */
	LSGC_A_HIGH,		/* u64: highest sequence known to be bound */
	LSGC_A_STABLE,		/* u64: highest sequence delivered by all */
	LSGC_A_INFLIGHT,	/* u32: own reliable messages not yet ordered */
	LSGC_A_MEMBER,		/* nest: enum lsgc_member_attr */
	LSGC_A_STATS,		/* nest: enum lsgc_stats_attr */
	LSGC_A_NS_TOTAL,	/* flag: LSGC_A_STATS are the namespace's */
	LSGC_A_EVENT,		/* u8: enum lsgc_event_type */
	LSGC_A_EVENT_MEMBER,	/* u32: member number the event is about */
	LSGC_A_EVENT_ID,	/* binary: LSGC_ID_LEN bytes, its identity */
	LSGC_A_REASON,		/* u32: errno of an expulsion or failure */
	LSGC_A_JOIN_TIME,	/* u64: CLOCK_REALTIME ms of the admission */
	LSGC_A_DROP_REASON,	/* u16: the LSGC_STATS_A_DROP_* counted */
	LSGC_A_SRC_ADDR,	/* binary: source address, 4 or 16 bytes */
	LSGC_A_SRC_PORT,	/* u16: source UDP port, host byte order */
	LSGC_A_SUPPRESSED,	/* u32: security events the rate limit ate */

	__LSGC_A_MAX,
	LSGC_A_MAX = __LSGC_A_MAX - 1
};

/*
 * One member of a view, as the local membership knows it.
 *
 * LSGC_MEMBER_A_DELIVERED and LSGC_MEMBER_A_HIGH of another member are
 * what its last heartbeat reported (absent until one arrived); of the
 * local membership itself they are its own, as LSGC_A_DELIVERED and
 * LSGC_A_HIGH.  LSGC_MEMBER_A_ADDR and LSGC_MEMBER_A_PORT are where its
 * packets come from (absent until one arrived; the local membership
 * learns its own from multicast loopback).  LSGC_MEMBER_A_JOIN_TIME is
 * when the local membership saw the member admitted: the member's join
 * for those admitted later than the local membership, the local join for
 * those already in the group then (the session leader knows each exactly).
 */
enum lsgc_member_attr {
	LSGC_MEMBER_A_UNSPEC,
	LSGC_MEMBER_A_PAD,
	LSGC_MEMBER_A_NUMBER,		/* u32: member number */
	LSGC_MEMBER_A_ID,		/* binary: LSGC_ID_LEN bytes */
	LSGC_MEMBER_A_LEADER,		/* flag: the session leader */
	LSGC_MEMBER_A_SELF,		/* flag: the local membership itself */
	LSGC_MEMBER_A_LAST_HEARD_MS,	/* u32: ms since its last packet */
	LSGC_MEMBER_A_DELIVERED,	/* u64: highest sequence delivered */
	LSGC_MEMBER_A_HIGH,		/* u64: highest sequence received */
	LSGC_MEMBER_A_STABLE,		/* u64: self only, see LSGC_A_STABLE */
	LSGC_MEMBER_A_ADDR,		/* binary: its source address */
	LSGC_MEMBER_A_PORT,		/* u16: its source UDP port */
	LSGC_MEMBER_A_JOIN_TIME,	/* u64: CLOCK_REALTIME ms, see below */

	__LSGC_MEMBER_A_MAX,
	LSGC_MEMBER_A_MAX = __LSGC_MEMBER_A_MAX - 1
};

/* Counters, each a u64; names as in /proc/net/lsgc/stats. */
enum lsgc_stats_attr {
	LSGC_STATS_A_UNSPEC,
	LSGC_STATS_A_PAD,
	LSGC_STATS_A_RX_PACKETS,
	LSGC_STATS_A_RX_BYTES,
	LSGC_STATS_A_TX_PACKETS,
	LSGC_STATS_A_TX_BYTES,
	LSGC_STATS_A_TX_ERRORS,
	LSGC_STATS_A_DATA_SENT,
	LSGC_STATS_A_DATA_DELIVERED,
	LSGC_STATS_A_UDATA_SENT,
	LSGC_STATS_A_UDATA_DELIVERED,
	LSGC_STATS_A_FRAGMENTS_SENT,
	LSGC_STATS_A_NAKS_SENT,
	LSGC_STATS_A_NAKS_RECEIVED,
	LSGC_STATS_A_NAKS_SUPPRESSED,
	LSGC_STATS_A_RETRANSMITS,
	LSGC_STATS_A_SENDER_RETRANSMITS,
	LSGC_STATS_A_WINDOW_STALLS,
	LSGC_STATS_A_RCVBUF_STALLS,
	LSGC_STATS_A_VIEWS_INSTALLED,
	LSGC_STATS_A_EXPELLED,
	LSGC_STATS_A_EXPELLED_SILENT,
	LSGC_STATS_A_EXPELLED_STUCK,
	LSGC_STATS_A_DROP_MALFORMED,
	LSGC_STATS_A_DROP_VERSION,
	LSGC_STATS_A_DROP_SESSION,
	LSGC_STATS_A_DROP_NOT_MEMBER,
	LSGC_STATS_A_DROP_DUPLICATE,
	LSGC_STATS_A_DROP_AUTH,
	LSGC_STATS_A_DROP_UNKNOWN_EPOCH,
	LSGC_STATS_A_DROP_BACKLOG,
	LSGC_STATS_A_DROP_NOMEM,
	LSGC_STATS_A_DROP_RCVBUF,
	LSGC_STATS_A_DROP_STALE,
	LSGC_STATS_A_DROP_REPLAY,
	LSGC_STATS_A_DATA_RECEIVED,
	LSGC_STATS_A_UDATA_RECEIVED,
	LSGC_STATS_A_DROP_FILTER,
	LSGC_STATS_A_KDC_REJECTED,

	__LSGC_STATS_A_MAX,
	LSGC_STATS_A_MAX = __LSGC_STATS_A_MAX - 1
};

#endif /* _UAPI_LINUX_LSGC_NETLINK_H */
