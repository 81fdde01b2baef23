/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * AF_LSGC key distribution: the generic netlink upcall from the kernel to
 * the KDC helper daemon of its network namespace (lsgc-kdc serve).
 *
 * When a secure group's leader admits a joiner it needs the pair key of
 * the two identities (the paper's section 2.1, messages 2 and 3).  The
 * kernel multicasts LSGC_KDC_CMD_REQUEST on LSGC_KDC_MCGRP to the daemons
 * of the namespace; one answers with LSGC_KDC_CMD_ANSWER carrying the same
 * LSGC_KDC_A_REQ_ID.  Only the first answer counts; a request that nobody
 * answers within its deadline fails with ETIMEDOUT, and a request made
 * while no daemon listens fails at once with ECONNREFUSED.
 *
 * A request names one requester (the leader) and one or more peers, so
 * that a new leader can obtain the pair keys with every survivor in one
 * round.  The daemon proves its answer with a MAC under a key derived from
 * the requester's long-term key, over the requester's fresh nonce: a
 * daemon without the KDC's database cannot make the kernel accept a pair
 * key, and an old answer cannot be replayed.
 *
 * The algebra (all HMAC-SHA-256, labels are ASCII without a terminator,
 * identities are the LSGC_ID_LEN bytes of struct lsgc_join_req, integers
 * big endian, || is concatenation):
 *
 *   PRF(K, X)      = HMAC-SHA-256(key K, message X)
 *   {X}K           = PRF(K, "lsgc v1 pair" || X)
 *   pair(SL, A)    = {A}K_SL  xor  {SL}K_A       (32 bytes)
 *
 * The member A computes its shared secret with the leader SL itself as
 * {SL}K_A; the leader computes it as pair(SL, A) xor {A}K_SL.  The pair
 * key alone tells nothing about either: each half needs a long-term key.
 *
 *   K_kdc          = PRF(K_SL, "lsgc v1 kdc")
 *   MAC            = PRF(K_kdc, "lsgc v1 kdc answer" || nonce (16) ||
 *                        SL (16) || be32 number of peers ||
 *                        for each peer, in the order of the request:
 *                          id (16) || be32 status || pair (32; zero
 *                          bytes when status is not 0))
 *
 * Every peer of the request is answered, in the request's order, with a
 * status: 0 (pair key present), ENOKEY (identity unknown to the KDC) or
 * EKEYREVOKED (identity disabled).  A daemon that cannot answer at all
 * (the requester unknown, its database unreadable) answers with
 * LSGC_KDC_A_STATUS and no MAC: the kernel fails the request with that
 * errno (ENOKEY, EIO, ...), which the joiner receives.
 *
 * Commands need CAP_NET_ADMIN over the namespace (GENL_UNS_ADMIN_PERM);
 * the multicast group too.
 */
#ifndef _UAPI_LINUX_LSGC_KDC_H
#define _UAPI_LINUX_LSGC_KDC_H

#include <linux/types.h>

#define LSGC_KDC_GENL_NAME	"lsgc_kdc"
#define LSGC_KDC_GENL_VERSION	1
#define LSGC_KDC_MCGRP		"kdc"

#define LSGC_KDC_NONCE_LEN	16
#define LSGC_KDC_PAIR_LEN	32
#define LSGC_KDC_MAC_LEN	32
/* Peers one request names at most. */
#define LSGC_KDC_MAX_PEERS	256

#define LSGC_KDC_LABEL_PAIR	"lsgc v1 pair"
#define LSGC_KDC_LABEL_KDC	"lsgc v1 kdc"
#define LSGC_KDC_LABEL_ANSWER	"lsgc v1 kdc answer"

enum lsgc_kdc_cmd {
	LSGC_KDC_CMD_UNSPEC,
	LSGC_KDC_CMD_REQUEST,	/* notification: kernel to daemons */
	LSGC_KDC_CMD_ANSWER,	/* do: daemon to kernel */

	__LSGC_KDC_CMD_MAX,
	LSGC_KDC_CMD_MAX = __LSGC_KDC_CMD_MAX - 1
};

enum lsgc_kdc_attr {
	LSGC_KDC_A_UNSPEC,
	LSGC_KDC_A_REQ_ID,	/* u32: the request, unique in its namespace */
	LSGC_KDC_A_REQUESTER,	/* binary, LSGC_ID_LEN: the leader's identity */
	LSGC_KDC_A_NONCE,	/* binary, LSGC_KDC_NONCE_LEN: fresh per request */
	LSGC_KDC_A_PEER,	/* nest, repeated: enum lsgc_kdc_peer_attr */
	LSGC_KDC_A_STATUS,	/* u32: positive errno, the request failed */
	LSGC_KDC_A_MAC,		/* binary, LSGC_KDC_MAC_LEN: see above */
	LSGC_KDC_A_TIMEOUT_MS,	/* u32, request only: its deadline */

	__LSGC_KDC_A_MAX,
	LSGC_KDC_A_MAX = __LSGC_KDC_A_MAX - 1
};

enum lsgc_kdc_peer_attr {
	LSGC_KDC_PEER_A_UNSPEC,
	LSGC_KDC_PEER_A_ID,	/* binary, LSGC_ID_LEN */
	LSGC_KDC_PEER_A_STATUS,	/* u32: 0, ENOKEY or EKEYREVOKED */
	LSGC_KDC_PEER_A_PAIR,	/* binary, LSGC_KDC_PAIR_LEN; status 0 only */

	__LSGC_KDC_PEER_A_MAX,
	LSGC_KDC_PEER_A_MAX = __LSGC_KDC_PEER_A_MAX - 1
};

#endif /* _UAPI_LINUX_LSGC_KDC_H */
