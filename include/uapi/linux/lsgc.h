/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * AF_LSGC: secure group communication sockets.
 *
 * This header is the whole userspace ABI of the lsgc module.  It needs
 * nothing beyond <linux/types.h>, so it can be used from programs that do
 * not include the kernel's socket or in headers.
 */
#ifndef _UAPI_LINUX_LSGC_H
#define _UAPI_LINUX_LSGC_H

#include <linux/types.h>

/*
 * The address family is a module parameter because the kernel's list of
 * families is closed.  The default takes the slot of AF_ECONET, whose
 * implementation was removed from Linux in 3.5.  The value in force is
 * readable from LSGC_FAMILY_SYSFS.
 */
#define LSGC_FAMILY_DEFAULT	19
#define LSGC_FAMILY_SYSFS	"/sys/module/lsgc/parameters/family"

/* Socket option level. */
#define SOL_LSGC		300

/* Length of a member identity (the paper's 16-byte identifier). */
#define LSGC_ID_LEN		16

/* Largest message on the reliable (SOCK_SEQPACKET) channel. */
#define LSGC_MAX_MSG		65536

/* Socket options at level SOL_LSGC. */
enum {
	LSGC_JOIN = 1,		/* set: struct lsgc_join_req */
	LSGC_LEAVE,		/* set: no argument */
	LSGC_RECV_OWN,		/* set/get: int, deliver own messages (default 1) */
	LSGC_VIEW,		/* get: struct lsgc_view_info + members */
	LSGC_GROUP,		/* get: struct lsgc_join_req in force */
	LSGC_MAX_DGRAM,		/* get: int, largest SOCK_DGRAM payload */
	LSGC_STATE,		/* get: int, enum lsgc_member_state */
};

/* Flags of struct lsgc_join_req. */
#define LSGC_JOIN_CREATE	(1U << 0)	/* create the session, be its leader */
#define LSGC_JOIN_INSECURE	(1U << 1)	/* no security; needs CAP_NET_ADMIN */
/* With LSGC_JOIN_CREATE of a secure group: seal with ChaCha20-Poly1305
 * (rfc7539) instead of the default AES-256-GCM.
 */
#define LSGC_JOIN_CHACHA20POLY1305 (1U << 2)
#define LSGC_JOIN_FLAGS_ALL	(LSGC_JOIN_CREATE | LSGC_JOIN_INSECURE | \
				 LSGC_JOIN_CHACHA20POLY1305)

/**
 * struct lsgc_group_addr - where a group lives
 * @family: 2 (AF_INET) or 10 (AF_INET6)
 * @port: UDP port, network byte order
 * @ifindex: outgoing interface; 0 lets the kernel choose by route
 * @addr: the multicast address; an IPv4 address uses the first 4 bytes
 */
struct lsgc_group_addr {
	__u16	family;
	__be16	port;
	__u32	ifindex;
	__u8	addr[16];
};

/**
 * struct lsgc_join_req - argument of LSGC_JOIN
 * @group: the group to join
 * @id: this member's identity
 * @flags: LSGC_JOIN_* flags
 * @key: keyring serial of the member's long-term key: a "logon" key
 *	described "lsgc:" and the 32 hex digits of @id, 32 bytes, which the
 *	caller may search for; required unless LSGC_JOIN_INSECURE (then 0)
 * @timeout_ms: how long a join may wait for the leader (0: default)
 * @reserved: must be zero
 */
struct lsgc_join_req {
	struct lsgc_group_addr	group;
	__u8			id[LSGC_ID_LEN];
	__u32			flags;
	__s32			key;
	__u32			timeout_ms;
	__u32			reserved;
};

/**
 * struct sockaddr_lsgc - a member's address, as returned in msg_name
 * @slsgc_family: AF_LSGC (the module's family number)
 * @slsgc_reserved: zero
 * @slsgc_member: the member number the session leader gave it
 * @slsgc_id: the member's identity
 */
struct sockaddr_lsgc {
	__u16	slsgc_family;
	__u16	slsgc_reserved;
	__u32	slsgc_member;
	__u8	slsgc_id[LSGC_ID_LEN];
};

/*
 * Control messages at level SOL_LSGC on received records.
 *
 * Every reliable record carries LSGC_CMSG_SEQ (the global sequence number
 * of its last fragment, __u64) and LSGC_CMSG_VIEW_ID (__u64).  A view
 * change is a record of its own, marked with MSG_OOB in msg_flags; its
 * payload and its LSGC_CMSG_VIEW control message are a struct
 * lsgc_view_info followed by n_members struct lsgc_member_info, sorted by
 * member number, identical at every member.
 */
enum {
	LSGC_CMSG_SEQ = 1,
	LSGC_CMSG_VIEW_ID,
	LSGC_CMSG_VIEW,
};

/**
 * struct lsgc_member_info - one member of a view
 * @member: member number, unique within the session
 * @reserved: zero
 * @id: identity
 */
struct lsgc_member_info {
	__u32	member;
	__u32	reserved;
	__u8	id[LSGC_ID_LEN];
};

/**
 * struct lsgc_view_info - a view
 * @view_id: the view's number, increasing within a session
 * @session: the session's random identifier
 * @n_members: number of struct lsgc_member_info that follow
 * @leader: member number of the session leader
 * @seq: global sequence number at which the view was installed
 */
struct lsgc_view_info {
	__u64	view_id;
	__u32	session;
	__u32	n_members;
	__u32	leader;
	__u32	reserved;
	__u64	seq;
};

/* States of a membership, as LSGC_STATE reports them. */
enum lsgc_member_state {
	LSGC_STATE_UNJOINED = 0,
	LSGC_STATE_JOINING,
	LSGC_STATE_MEMBER,
	LSGC_STATE_FAILED,
};

#endif /* _UAPI_LINUX_LSGC_H */
