/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parsers and builders of the wire format.  They work on byte ranges only
 * (no skb, no socket), so the same source also builds in userspace for
 * fuzzing.  A parser either fills its host-order structure from a range it
 * has fully validated or returns a negative errno and touches nothing the
 * caller relies on.
 */
#ifndef _NET_LSGC_WIRE_H
#define _NET_LSGC_WIRE_H

#include "messages.h"

/* Parser verdicts, also the drop reasons the receive path counts. */
enum lsgc_wire_err {
	LSGC_WIRE_OK = 0,
	LSGC_WIRE_TRUNCATED,
	LSGC_WIRE_VERSION_BAD,
	LSGC_WIRE_TYPE_BAD,
	LSGC_WIRE_FIELD_BAD,
};

struct lsgc_hdr {
	u8	type;
	u16	flags;
	u32	session;
	u32	epoch;
	u32	sender;
	u64	counter;
};

struct lsgc_data {
	u32	origin;
	u32	msg_no;
	u16	frag;
	u16	nfrags;
	u32	flags;
	u32	total_len;
	u64	seq;
	/* offset of the payload from the start of the body, and its length */
	u32	payload_off;
	u32	payload_len;
};

struct lsgc_binding {
	u64	seq;
	u32	origin;
	u32	msg_no;
	u16	nfrags;
};

struct lsgc_fnak {
	u32	origin;
	u32	msg_no;
	u16	nfrags;
	u8	missing[LSGC_MAX_FRAGS / 8];
};

struct lsgc_heartbeat {
	u64	delivered;
	u64	high;
	u64	stable;
	u64	view_id;
};

struct lsgc_join {
	u8	id[LSGC_ID_LEN];
	u64	nonce;
	u32	member;		/* ACK */
	u32	leader;		/* ACK */
	u64	view_id;	/* ACK */
	u64	start_seq;	/* ACK */
	u32	reason;		/* NAK */
	u8	leader_id[LSGC_ID_LEN];		/* SACK */
	u8	lnonce[LSGC_LNONCE_LEN];	/* SACK, JOIN_TOKEN */
};

struct lsgc_token {
	u8	id[LSGC_ID_LEN];
	u64	nonce;
	u64	view_id;
	u32	leader;
	u64	tcounter;
	u8	token[LSGC_TAG_LEN];
};

struct lsgc_view_ent {
	u32	member;
	u8	id[LSGC_ID_LEN];
};

int lsgc_wire_parse_hdr(const u8 *p, size_t len, struct lsgc_hdr *h);
int lsgc_wire_parse_data(const u8 *p, size_t len, struct lsgc_data *d);
int lsgc_wire_parse_order(const u8 *p, size_t len, unsigned int *count);
void lsgc_wire_order_entry(const u8 *p, unsigned int i, struct lsgc_binding *b);
int lsgc_wire_parse_nak(const u8 *p, size_t len, u64 *from, u64 *to);
int lsgc_wire_parse_fnak(const u8 *p, size_t len, struct lsgc_fnak *f);
int lsgc_wire_parse_heartbeat(const u8 *p, size_t len, struct lsgc_heartbeat *hb);
int lsgc_wire_parse_join(const u8 *p, size_t len, u8 type, struct lsgc_join *j);
int lsgc_wire_parse_token(const u8 *p, size_t len, struct lsgc_token *t);
int lsgc_wire_parse_member_ref(const u8 *p, size_t len, u32 *member, u32 *reason);
int lsgc_wire_parse_view(const u8 *p, size_t len, u64 *view_id, u32 *leader,
			 unsigned int *count);
void lsgc_wire_view_entry(const u8 *p, unsigned int i, struct lsgc_view_ent *e);

void lsgc_wire_put_hdr(u8 *p, const struct lsgc_hdr *h);
void lsgc_wire_put_data(u8 *p, const struct lsgc_data *d);
void lsgc_wire_put_order_entry(u8 *p, unsigned int i, const struct lsgc_binding *b);
void lsgc_wire_put_order(u8 *p, unsigned int count);
void lsgc_wire_put_nak(u8 *p, u64 from, u64 to);
void lsgc_wire_put_fnak(u8 *p, const struct lsgc_fnak *f);
void lsgc_wire_put_heartbeat(u8 *p, const struct lsgc_heartbeat *hb);
size_t lsgc_wire_join_len(u8 type);
void lsgc_wire_put_join(u8 *p, u8 type, const struct lsgc_join *j);
void lsgc_wire_put_token(u8 *p, const struct lsgc_token *t);
void lsgc_wire_token_ad(u32 session, const struct lsgc_token *t,
			struct lsgc_token_ad *ad);
void lsgc_wire_put_member_ref(u8 *p, u32 member, u32 reason);
size_t lsgc_wire_view_len(unsigned int count);
void lsgc_wire_put_view(u8 *p, u64 view_id, u32 leader, unsigned int count);
void lsgc_wire_put_view_entry(u8 *p, unsigned int i, const struct lsgc_view_ent *e);
size_t lsgc_wire_view_keys_len(unsigned int count);
int lsgc_wire_split_view(const u8 *p, size_t len, size_t *keys_off,
			 bool with_keys);
int lsgc_wire_parse_view_keys(const u8 *p, size_t len, unsigned int *count);
const u8 *lsgc_wire_view_key(const u8 *p, unsigned int i, u32 *member);
void lsgc_wire_put_view_keys(u8 *p, unsigned int count);
void lsgc_wire_put_view_key(u8 *p, unsigned int i, u32 member,
			    const u8 *wrapped);

#endif /* _NET_LSGC_WIRE_H */
