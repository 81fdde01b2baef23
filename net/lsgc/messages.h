/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every constant and every structure of the AF_LSGC wire protocol.
 *
 * All packets are UDP datagrams sent to the group's multicast address and
 * port.  Each one starts with struct lsgc_wire_hdr, which is the
 * authenticated data of the seal/open step; the body that follows depends
 * on the type.  All integers are big endian.  Documentation/networking/
 * lsgc.rst describes what each message means and when it is sent.
 */
#ifndef _NET_LSGC_MESSAGES_H
#define _NET_LSGC_MESSAGES_H

#include <linux/bits.h>
#include <linux/types.h>
#include <uapi/linux/lsgc.h>

enum lsgc_limits {
	LSGC_WIRE_VERSION = 1,
	/* Room kept at the end of every packet for an AEAD tag. */
	LSGC_TAG_RESERVE = 16,
	/* A reliable message is at most this many fragments. */
	LSGC_MAX_FRAGS = 128,
	/* Smallest fragment payload: keeps LSGC_MAX_MSG within the limit. */
	LSGC_MIN_FRAG_PAYLOAD = 512,
	LSGC_MAX_VIEW_MEMBERS = 1024,
	/* A NAK asks for at most this many sequence numbers. */
	LSGC_NAK_MAX_SPAN = 64,
	/* Bindings carried by one ORDER packet. */
	LSGC_ORDER_MAX_ENTRIES = 48,
	/* Width of the per-sender replay window, in packets. */
	LSGC_REPLAY_WINDOW = 1024,
	/* Largest backlog a namespace may configure (net.lsgc.backlog). */
	LSGC_BACKLOG_MAX = 65536,
	/* Sequence numbers a member accepts ahead of its delivery point: the
	 * sequencer binds at most one backlog ahead of stability, plus its
	 * own messages and views; far below 2^32, so that the order index
	 * (an unsigned long) stays unique on 32-bit machines too.
	 */
	LSGC_SEQ_WINDOW = 2 * LSGC_BACKLOG_MAX,
	/* Ranges one NAK round asks for, and how far it looks for holes. */
	LSGC_NAK_RANGES = 8,
	LSGC_NAK_SCAN = 1024,
	/* Fragments a sender retransmits per tick at most. */
	LSGC_RETX_BUDGET = 64,
};

/* Bytes a membership's store may always hold, whatever the backlog. */
#define LSGC_STORE_MIN_BYTES	(32UL << 20)

enum lsgc_msg_type {
	LSGC_T_DATA = 1,	/* a fragment of a reliable message */
	LSGC_T_ORDER,		/* the sequencer's bindings */
	LSGC_T_NAK,		/* a request to repair a sequence range */
	LSGC_T_HEARTBEAT,	/* liveness, acknowledgment, stability */
	LSGC_T_JOIN_REQ,	/* a joiner asks the leader */
	LSGC_T_JOIN_ACK,	/* the leader admits it */
	LSGC_T_JOIN_NAK,	/* the leader refuses it */
	LSGC_T_LEAVE,		/* a member leaves */
	LSGC_T_EXPEL,		/* the leader expels a member */
	LSGC_T_UDATA,		/* a best-effort datagram */
	LSGC_T_JOIN_SACK,	/* the leader admits it, sealed for it alone */
	LSGC_T_FNAK,		/* the leader asks a sender for fragments */
	LSGC_T_JOIN_TOKEN,	/* the leader grants a joiner its token */
	LSGC_T_TOKEN,		/* a joiner presents its token to the group */
	__LSGC_T_MAX
};

/**
 * struct lsgc_wire_hdr - the header of every packet
 * @version: LSGC_WIRE_VERSION
 * @type: enum lsgc_msg_type
 * @flags: LSGC_HDR_* flags
 * @session: random identifier of the session; 0 only in JOIN_REQ
 * @epoch: the view (and key epoch) the sender was in when it sent
 * @sender: member number of the sender; 0 for a joiner
 * @counter: per-sender packet counter: the AEAD nonce and replay key
 */
struct lsgc_wire_hdr {
	u8	version;
	u8	type;
	__be16	flags;
	__be32	session;
	__be32	epoch;
	__be32	sender;
	__be64	counter;
} __packed;

#define LSGC_HDR_LEN	sizeof(struct lsgc_wire_hdr)

/* struct lsgc_wire_hdr flags; every other bit is reserved, zero. */
#define LSGC_HDR_SEALED	BIT(0)	/* the body is sealed by the session's AEAD */

/* struct lsgc_wire_data flags */
#define LSGC_DATA_VIEW	BIT(0)	/* the message is a view, from the leader */
#define LSGC_DATA_KEYS	BIT(1)	/* a view followed by its wrapped session keys */

/**
 * struct lsgc_wire_data - body of DATA: one fragment of a reliable message
 * @origin: member number of the message's author
 * @msg_no: the author's message number, from 1, consecutive
 * @frag: index of this fragment
 * @nfrags: fragments in the message
 * @flags: LSGC_DATA_* flags
 * @total_len: length of the whole message
 * @reserved: zero
 * @seq: global sequence number of this fragment if bound, else 0; a
 *	retransmission by the leader always carries it
 *
 * The fragment's payload follows.
 */
struct lsgc_wire_data {
	__be32	origin;
	__be32	msg_no;
	__be16	frag;
	__be16	nfrags;
	__be32	flags;
	__be32	total_len;
	__be32	reserved;
	__be64	seq;
} __packed;

/**
 * struct lsgc_wire_order_ent - one binding of a message to sequence numbers
 * @seq: sequence number of the first fragment; fragment i has @seq + i
 * @origin: author
 * @msg_no: author's message number
 * @nfrags: fragments in the message
 * @reserved: zero
 */
struct lsgc_wire_order_ent {
	__be64	seq;
	__be32	origin;
	__be32	msg_no;
	__be16	nfrags;
	__be16	reserved;
} __packed;

/**
 * struct lsgc_wire_order - body of ORDER, followed by @count entries
 * @count: number of struct lsgc_wire_order_ent
 * @reserved: zero
 */
struct lsgc_wire_order {
	__be16	count;
	__be16	reserved;
} __packed;

/**
 * struct lsgc_wire_nak - body of NAK
 * @from: first sequence number missing
 * @to: last sequence number missing, at most LSGC_NAK_MAX_SPAN - 1 after @from
 */
struct lsgc_wire_nak {
	__be64	from;
	__be64	to;
} __packed;

/**
 * struct lsgc_wire_fnak - body of FNAK: the fragments the leader lacks
 * @origin: the sender asked; it alone answers
 * @msg_no: its message, not yet bound
 * @nfrags: fragments in the message
 * @reserved: zero
 * @missing: bit i (byte i / 8, bit i % 8) set when fragment i is missing;
 *	no bit at or above @nfrags, at least one bit
 *
 * Sent when the last fragment of a message arrives and others did not,
 * so that a sender resends what was lost instead of the whole message.
 */
struct lsgc_wire_fnak {
	__be32	origin;
	__be32	msg_no;
	__be16	nfrags;
	__be16	reserved;
	u8	missing[LSGC_MAX_FRAGS / 8];
} __packed;

/**
 * struct lsgc_wire_heartbeat - body of HEARTBEAT
 * @delivered: highest sequence number the sender delivered in order
 * @high: leader only: highest sequence number bound
 * @stable: leader only: highest sequence number every member delivered
 * @view_id: the sender's current view
 */
struct lsgc_wire_heartbeat {
	__be64	delivered;
	__be64	high;
	__be64	stable;
	__be64	view_id;
} __packed;

/**
 * struct lsgc_wire_join_req - body of JOIN_REQ
 * @id: identity of the joiner
 * @nonce: fresh per join attempt; binds the answer to this run
 * @flags: zero
 * @reserved: zero
 */
struct lsgc_wire_join_req {
	u8	id[LSGC_ID_LEN];
	__be64	nonce;
	__be32	flags;
	__be32	reserved;
} __packed;

/**
 * struct lsgc_wire_join_ack - body of JOIN_ACK
 * @id: identity of the joiner
 * @nonce: the joiner's nonce
 * @member: member number given to the joiner
 * @leader: member number of the leader
 * @view_id: the view that admits the joiner
 * @start_seq: sequence number of that view's record: where the joiner starts
 */
struct lsgc_wire_join_ack {
	u8	id[LSGC_ID_LEN];
	__be64	nonce;
	__be32	member;
	__be32	leader;
	__be64	view_id;
	__be64	start_seq;
} __packed;

/**
 * struct lsgc_wire_join_nak - body of JOIN_NAK
 * @id: identity of the joiner
 * @nonce: the joiner's nonce
 * @reason: positive errno the joiner reports
 * @reserved: zero
 */
struct lsgc_wire_join_nak {
	u8	id[LSGC_ID_LEN];
	__be64	nonce;
	__be32	reason;
	__be32	reserved;
} __packed;

/**
 * struct lsgc_wire_member_ref - body of LEAVE and EXPEL
 * @member: the member leaving or expelled
 * @reason: positive errno (EXPEL), 0 (LEAVE)
 */
struct lsgc_wire_member_ref {
	__be32	member;
	__be32	reason;
} __packed;

/**
 * struct lsgc_wire_view - payload of a DATA message with LSGC_DATA_VIEW
 * @view_id: the new view
 * @leader: its leader
 * @count: number of struct lsgc_wire_view_ent that follow, sorted by member
 */
struct lsgc_wire_view {
	__be64	view_id;
	__be32	leader;
	__be32	count;
} __packed;

/**
 * struct lsgc_wire_view_ent - one member of a view
 * @member: member number
 * @id: identity
 */
struct lsgc_wire_view_ent {
	__be32	member;
	u8	id[LSGC_ID_LEN];
} __packed;

/* Secure groups (crypto.c): key and nonce sizes, the ciphers. */
enum lsgc_crypto_sizes {
	LSGC_KEY_LEN = 32,
	LSGC_TAG_LEN = 16,
	LSGC_NONCE_LEN = 12,
	LSGC_LNONCE_LEN = 16,
	LSGC_WRAPPED_LEN = LSGC_KEY_LEN + LSGC_TAG_LEN,
};

enum lsgc_cipher {
	LSGC_CIPHER_AES_GCM = 1,	/* gcm(aes), AES-256 */
	LSGC_CIPHER_CHACHA20POLY1305,	/* rfc7539(chacha20,poly1305) */
};

/**
 * struct lsgc_wire_join_sack - clear part of JOIN_SACK (secure groups)
 * @id: identity of the joiner
 * @nonce: the joiner's nonce
 * @leader_id: identity of the leader: the joiner's shared secret with it
 *	is {leader_id}K_joiner
 * @lnonce: the leader's fresh nonce for this admission
 *
 * The clear part is associated data; struct lsgc_wire_join_secret
 * follows, sealed under a key derived from the shared secret and both
 * nonces, then the tag.
 */
struct lsgc_wire_join_sack {
	u8	id[LSGC_ID_LEN];
	__be64	nonce;
	u8	leader_id[LSGC_ID_LEN];
	u8	lnonce[LSGC_LNONCE_LEN];
} __packed;

/**
 * struct lsgc_wire_join_secret - sealed part of JOIN_SACK
 * @member: member number given to the joiner
 * @leader: member number of the leader
 * @view_id: the view that admits the joiner
 * @start_seq: sequence number of that view's record
 * @cipher: enum lsgc_cipher of the group
 * @reserved: zero
 * @key: the session key of view @view_id
 */
struct lsgc_wire_join_secret {
	__be32	member;
	__be32	leader;
	__be64	view_id;
	__be64	start_seq;
	u8	cipher;
	u8	reserved[3];
	u8	key[LSGC_KEY_LEN];
} __packed;

/**
 * struct lsgc_wire_token_grant - what a token is, and the token
 * @view_id: the view whose session key made the token
 * @leader: member number of the leader that made it
 * @reserved: zero
 * @tcounter: the leader's packet counter spent on the token: with
 *	@leader the AEAD nonce under the view's key, never used again
 * @token: the tag of sealing nothing under that key and nonce, with the
 *	associated data struct lsgc_token_ad
 *
 * JOIN_TOKEN carries it sealed for the joiner (after the clear part
 * struct lsgc_wire_join_sack, under the admission's key); TOKEN in clear,
 * after the joiner's identity and nonce.
 */
struct lsgc_wire_token_grant {
	__be64	view_id;
	__be32	leader;
	__be32	reserved;
	__be64	tcounter;
	u8	token[LSGC_TAG_LEN];
} __packed;

/**
 * struct lsgc_wire_token - body of TOKEN (secure groups; clear, sender 0)
 * @id: identity of the joiner
 * @nonce: the nonce of its join
 * @grant: the token it was granted
 *
 * The header's session is the leader's, its epoch the view of the token.
 * Any member holding that view's key can check the token; the leader
 * admits on a good one.
 */
struct lsgc_wire_token {
	u8	id[LSGC_ID_LEN];
	__be64	nonce;
	struct lsgc_wire_token_grant grant;
} __packed;

/**
 * struct lsgc_token_ad - the associated data a token authenticates
 * @session: the leader's session
 * @id: identity of the joiner
 * @nonce: the nonce of its join
 * @view_id: see struct lsgc_wire_token_grant
 * @leader: see struct lsgc_wire_token_grant
 * @reserved: zero
 * @tcounter: see struct lsgc_wire_token_grant
 *
 * Never sent as such: members rebuild it from the TOKEN they receive.
 */
struct lsgc_token_ad {
	__be32	session;
	u8	id[LSGC_ID_LEN];
	__be64	nonce;
	__be64	view_id;
	__be32	leader;
	__be32	reserved;
	__be64	tcounter;
} __packed;

/**
 * struct lsgc_wire_view_key - one member's copy of a view's session key
 * @member: the member it is for
 * @wrapped: the key sealed under that member's wrap key (nonce: the view)
 *
 * A view message with LSGC_DATA_KEYS carries, after the view, a __be32
 * count and that many entries, ascending by member: every member of the
 * view but the leader.
 */
struct lsgc_wire_view_key {
	__be32	member;
	u8	wrapped[LSGC_WRAPPED_LEN];
} __packed;

#endif /* _NET_LSGC_MESSAGES_H */
