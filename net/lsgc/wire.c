// SPDX-License-Identifier: GPL-2.0
/*
 * The wire format's parsers and builders.  Nothing here may trust a byte
 * of its input: every length is checked before the bytes it covers are
 * read, and every field whose range the protocol limits is checked here so
 * that the protocol code can rely on what it gets.
 */
#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/string.h>
#include <asm/unaligned.h>
#endif

#include "wire.h"

int lsgc_wire_parse_hdr(const u8 *p, size_t len, struct lsgc_hdr *h)
{
	const struct lsgc_wire_hdr *w = (const void *)p;

	if (len < LSGC_HDR_LEN)
		return LSGC_WIRE_TRUNCATED;
	if (w->version != LSGC_WIRE_VERSION)
		return LSGC_WIRE_VERSION_BAD;
	if (!w->type || w->type >= __LSGC_T_MAX)
		return LSGC_WIRE_TYPE_BAD;
	h->flags = get_unaligned_be16(&w->flags);
	if (h->flags & ~LSGC_HDR_SEALED)
		return LSGC_WIRE_FIELD_BAD;
	h->type = w->type;
	h->session = get_unaligned_be32(&w->session);
	h->epoch = get_unaligned_be32(&w->epoch);
	h->sender = get_unaligned_be32(&w->sender);
	h->counter = get_unaligned_be64(&w->counter);
	/* Only a joiner, which has no number yet, may send as member 0,
	 * and its token only as member 0.
	 */
	if (!h->sender && h->type != LSGC_T_JOIN_REQ &&
	    h->type != LSGC_T_TOKEN)
		return LSGC_WIRE_FIELD_BAD;
	if (h->sender && h->type == LSGC_T_TOKEN)
		return LSGC_WIRE_FIELD_BAD;
	if (!h->session && h->type != LSGC_T_JOIN_REQ)
		return LSGC_WIRE_FIELD_BAD;
	return LSGC_WIRE_OK;
}

int lsgc_wire_parse_data(const u8 *p, size_t len, struct lsgc_data *d)
{
	const struct lsgc_wire_data *w = (const void *)p;
	u32 max_len;

	if (len < sizeof(*w))
		return LSGC_WIRE_TRUNCATED;
	d->origin = get_unaligned_be32(&w->origin);
	d->msg_no = get_unaligned_be32(&w->msg_no);
	d->frag = get_unaligned_be16(&w->frag);
	d->nfrags = get_unaligned_be16(&w->nfrags);
	d->flags = get_unaligned_be32(&w->flags);
	d->total_len = get_unaligned_be32(&w->total_len);
	d->seq = get_unaligned_be64(&w->seq);
	d->payload_off = sizeof(*w);
	d->payload_len = len - sizeof(*w);

	max_len = (d->flags & LSGC_DATA_VIEW) ?
		  lsgc_wire_view_len(LSGC_MAX_VIEW_MEMBERS) : LSGC_MAX_MSG;
	if (d->flags & LSGC_DATA_KEYS)
		max_len += lsgc_wire_view_keys_len(LSGC_MAX_VIEW_MEMBERS);
	if (!d->origin || !d->msg_no || w->reserved)
		return LSGC_WIRE_FIELD_BAD;
	if (d->flags & ~(LSGC_DATA_VIEW | LSGC_DATA_KEYS))
		return LSGC_WIRE_FIELD_BAD;
	/* Keys travel only with the view they belong to. */
	if ((d->flags & LSGC_DATA_KEYS) && !(d->flags & LSGC_DATA_VIEW))
		return LSGC_WIRE_FIELD_BAD;
	if (!d->nfrags || d->nfrags > LSGC_MAX_FRAGS || d->frag >= d->nfrags)
		return LSGC_WIRE_FIELD_BAD;
	if (d->total_len > max_len || d->payload_len > d->total_len)
		return LSGC_WIRE_FIELD_BAD;
	/* A sequence number wraps after 2^64 fragments: treat it as invalid.
	 * A bound fragment's message starts at seq - frag, which is >= 1.
	 */
	if (d->seq > U64_MAX - LSGC_MAX_FRAGS || (d->seq && d->seq <= d->frag))
		return LSGC_WIRE_FIELD_BAD;
	return LSGC_WIRE_OK;
}

int lsgc_wire_parse_order(const u8 *p, size_t len, unsigned int *count)
{
	const struct lsgc_wire_order *w = (const void *)p;
	unsigned int n;

	if (len < sizeof(*w))
		return LSGC_WIRE_TRUNCATED;
	n = get_unaligned_be16(&w->count);
	if (!n || n > LSGC_ORDER_MAX_ENTRIES || w->reserved)
		return LSGC_WIRE_FIELD_BAD;
	if (len != sizeof(*w) + n * sizeof(struct lsgc_wire_order_ent))
		return LSGC_WIRE_TRUNCATED;
	for (*count = 0; *count < n; (*count)++) {
		const struct lsgc_wire_order_ent *e;
		struct lsgc_binding b;

		/* Reserved means zero, so that it can get a meaning later. */
		e = (const void *)(p + sizeof(*w) + *count * sizeof(*e));
		lsgc_wire_order_entry(p, *count, &b);
		if (!b.seq || b.seq > U64_MAX - LSGC_MAX_FRAGS || !b.origin ||
		    !b.msg_no || !b.nfrags || b.nfrags > LSGC_MAX_FRAGS ||
		    e->reserved)
			return LSGC_WIRE_FIELD_BAD;
	}
	return LSGC_WIRE_OK;
}

/* Only valid on a body lsgc_wire_parse_order() accepted. */
void lsgc_wire_order_entry(const u8 *p, unsigned int i, struct lsgc_binding *b)
{
	const struct lsgc_wire_order_ent *e;

	e = (const void *)(p + sizeof(struct lsgc_wire_order) + i * sizeof(*e));
	b->seq = get_unaligned_be64(&e->seq);
	b->origin = get_unaligned_be32(&e->origin);
	b->msg_no = get_unaligned_be32(&e->msg_no);
	b->nfrags = get_unaligned_be16(&e->nfrags);
}

int lsgc_wire_parse_nak(const u8 *p, size_t len, u64 *from, u64 *to)
{
	const struct lsgc_wire_nak *w = (const void *)p;

	if (len != sizeof(*w))
		return LSGC_WIRE_TRUNCATED;
	*from = get_unaligned_be64(&w->from);
	*to = get_unaligned_be64(&w->to);
	if (!*from || *to < *from || *to - *from >= LSGC_NAK_MAX_SPAN ||
	    *to > U64_MAX - LSGC_MAX_FRAGS)
		return LSGC_WIRE_FIELD_BAD;
	return LSGC_WIRE_OK;
}

int lsgc_wire_parse_fnak(const u8 *p, size_t len, struct lsgc_fnak *f)
{
	const struct lsgc_wire_fnak *w = (const void *)p;
	unsigned int i, n = 0;
	u16 nfrags;

	if (len != sizeof(*w))
		return LSGC_WIRE_TRUNCATED;
	nfrags = get_unaligned_be16(&w->nfrags);
	if (!get_unaligned_be32(&w->origin) ||
	    !get_unaligned_be32(&w->msg_no) || nfrags < 2 ||
	    nfrags > LSGC_MAX_FRAGS || w->reserved)
		return LSGC_WIRE_FIELD_BAD;
	for (i = 0; i < LSGC_MAX_FRAGS; i++) {
		if (!(w->missing[i / 8] & (1U << (i % 8))))
			continue;
		if (i >= nfrags)
			return LSGC_WIRE_FIELD_BAD;
		n++;
	}
	if (!n)
		return LSGC_WIRE_FIELD_BAD;
	f->origin = get_unaligned_be32(&w->origin);
	f->msg_no = get_unaligned_be32(&w->msg_no);
	f->nfrags = nfrags;
	memcpy(f->missing, w->missing, sizeof(f->missing));
	return LSGC_WIRE_OK;
}

int lsgc_wire_parse_heartbeat(const u8 *p, size_t len, struct lsgc_heartbeat *hb)
{
	const struct lsgc_wire_heartbeat *w = (const void *)p;

	if (len != sizeof(*w))
		return LSGC_WIRE_TRUNCATED;
	hb->delivered = get_unaligned_be64(&w->delivered);
	hb->high = get_unaligned_be64(&w->high);
	hb->stable = get_unaligned_be64(&w->stable);
	hb->view_id = get_unaligned_be64(&w->view_id);
	if (hb->stable > hb->high || hb->high > U64_MAX - LSGC_MAX_FRAGS)
		return LSGC_WIRE_FIELD_BAD;
	return LSGC_WIRE_OK;
}

size_t lsgc_wire_join_len(u8 type)
{
	switch (type) {
	case LSGC_T_JOIN_REQ:
		return sizeof(struct lsgc_wire_join_req);
	case LSGC_T_JOIN_ACK:
		return sizeof(struct lsgc_wire_join_ack);
	case LSGC_T_JOIN_SACK:
		return sizeof(struct lsgc_wire_join_sack) +
		       sizeof(struct lsgc_wire_join_secret) + LSGC_TAG_LEN;
	case LSGC_T_JOIN_TOKEN:
		return sizeof(struct lsgc_wire_join_sack) +
		       sizeof(struct lsgc_wire_token_grant) + LSGC_TAG_LEN;
	default:
		return sizeof(struct lsgc_wire_join_nak);
	}
}

int lsgc_wire_parse_join(const u8 *p, size_t len, u8 type, struct lsgc_join *j)
{
	if (len != lsgc_wire_join_len(type))
		return LSGC_WIRE_TRUNCATED;
	memset(j, 0, sizeof(*j));
	/* The identity and nonce open all three bodies. */
	memcpy(j->id, p, LSGC_ID_LEN);
	j->nonce = get_unaligned_be64(p + LSGC_ID_LEN);

	if (type == LSGC_T_JOIN_REQ) {
		const struct lsgc_wire_join_req *w = (const void *)p;

		if (w->flags || w->reserved)
			return LSGC_WIRE_FIELD_BAD;
	} else if (type == LSGC_T_JOIN_SACK || type == LSGC_T_JOIN_TOKEN) {
		const struct lsgc_wire_join_sack *w = (const void *)p;

		/* The rest is sealed: the joiner opens it, or nobody. */
		memcpy(j->leader_id, w->leader_id, LSGC_ID_LEN);
		memcpy(j->lnonce, w->lnonce, LSGC_LNONCE_LEN);
	} else if (type == LSGC_T_JOIN_ACK) {
		const struct lsgc_wire_join_ack *w = (const void *)p;

		j->member = get_unaligned_be32(&w->member);
		j->leader = get_unaligned_be32(&w->leader);
		j->view_id = get_unaligned_be64(&w->view_id);
		j->start_seq = get_unaligned_be64(&w->start_seq);
		if (!j->member || !j->leader || !j->start_seq ||
		    j->start_seq > U64_MAX - LSGC_MAX_FRAGS)
			return LSGC_WIRE_FIELD_BAD;
	} else {
		const struct lsgc_wire_join_nak *w = (const void *)p;

		j->reason = get_unaligned_be32(&w->reason);
		if (!j->reason || j->reason > 4095 || w->reserved)
			return LSGC_WIRE_FIELD_BAD;
	}
	return LSGC_WIRE_OK;
}

int lsgc_wire_parse_token(const u8 *p, size_t len, struct lsgc_token *t)
{
	const struct lsgc_wire_token *w = (const void *)p;

	if (len != sizeof(*w))
		return LSGC_WIRE_TRUNCATED;
	memcpy(t->id, w->id, LSGC_ID_LEN);
	t->nonce = get_unaligned_be64(&w->nonce);
	t->view_id = get_unaligned_be64(&w->grant.view_id);
	t->leader = get_unaligned_be32(&w->grant.leader);
	t->tcounter = get_unaligned_be64(&w->grant.tcounter);
	memcpy(t->token, w->grant.token, LSGC_TAG_LEN);
	/* A counter of 0 is never spent, so no token was made with it. */
	if (!t->view_id || !t->leader || !t->tcounter || w->grant.reserved)
		return LSGC_WIRE_FIELD_BAD;
	return LSGC_WIRE_OK;
}

int lsgc_wire_parse_member_ref(const u8 *p, size_t len, u32 *member, u32 *reason)
{
	const struct lsgc_wire_member_ref *w = (const void *)p;

	if (len != sizeof(*w))
		return LSGC_WIRE_TRUNCATED;
	*member = get_unaligned_be32(&w->member);
	*reason = get_unaligned_be32(&w->reason);
	if (!*member || *reason > 4095)
		return LSGC_WIRE_FIELD_BAD;
	return LSGC_WIRE_OK;
}

size_t lsgc_wire_view_len(unsigned int count)
{
	return sizeof(struct lsgc_wire_view) +
	       count * sizeof(struct lsgc_wire_view_ent);
}

int lsgc_wire_parse_view(const u8 *p, size_t len, u64 *view_id, u32 *leader,
			 unsigned int *count)
{
	const struct lsgc_wire_view *w = (const void *)p;
	bool leader_seen = false;
	struct lsgc_view_ent e;
	unsigned int i, n;
	u32 prev = 0;

	if (len < sizeof(*w))
		return LSGC_WIRE_TRUNCATED;
	*view_id = get_unaligned_be64(&w->view_id);
	*leader = get_unaligned_be32(&w->leader);
	n = get_unaligned_be32(&w->count);
	if (!n || n > LSGC_MAX_VIEW_MEMBERS || !*view_id)
		return LSGC_WIRE_FIELD_BAD;
	if (len != lsgc_wire_view_len(n))
		return LSGC_WIRE_TRUNCATED;
	/* Members strictly ascending: no duplicates, one canonical order. */
	for (i = 0; i < n; i++) {
		lsgc_wire_view_entry(p, i, &e);
		if (e.member <= prev)
			return LSGC_WIRE_FIELD_BAD;
		prev = e.member;
		if (e.member == *leader)
			leader_seen = true;
	}
	if (!leader_seen)
		return LSGC_WIRE_FIELD_BAD;
	*count = n;
	return LSGC_WIRE_OK;
}

void lsgc_wire_view_entry(const u8 *p, unsigned int i, struct lsgc_view_ent *e)
{
	const struct lsgc_wire_view_ent *w;

	w = (const void *)(p + sizeof(struct lsgc_wire_view) + i * sizeof(*w));
	e->member = get_unaligned_be32(&w->member);
	memcpy(e->id, w->id, LSGC_ID_LEN);
}

void lsgc_wire_put_hdr(u8 *p, const struct lsgc_hdr *h)
{
	struct lsgc_wire_hdr *w = (void *)p;

	w->version = LSGC_WIRE_VERSION;
	w->type = h->type;
	w->flags = 0;
	put_unaligned_be32(h->session, &w->session);
	put_unaligned_be32(h->epoch, &w->epoch);
	put_unaligned_be32(h->sender, &w->sender);
	put_unaligned_be64(h->counter, &w->counter);
}

void lsgc_wire_put_data(u8 *p, const struct lsgc_data *d)
{
	struct lsgc_wire_data *w = (void *)p;

	put_unaligned_be32(d->origin, &w->origin);
	put_unaligned_be32(d->msg_no, &w->msg_no);
	put_unaligned_be16(d->frag, &w->frag);
	put_unaligned_be16(d->nfrags, &w->nfrags);
	put_unaligned_be32(d->flags, &w->flags);
	put_unaligned_be32(d->total_len, &w->total_len);
	w->reserved = 0;
	put_unaligned_be64(d->seq, &w->seq);
}

void lsgc_wire_put_order(u8 *p, unsigned int count)
{
	struct lsgc_wire_order *w = (void *)p;

	put_unaligned_be16(count, &w->count);
	w->reserved = 0;
}

void lsgc_wire_put_order_entry(u8 *p, unsigned int i, const struct lsgc_binding *b)
{
	struct lsgc_wire_order_ent *e;

	e = (void *)(p + sizeof(struct lsgc_wire_order) + i * sizeof(*e));
	put_unaligned_be64(b->seq, &e->seq);
	put_unaligned_be32(b->origin, &e->origin);
	put_unaligned_be32(b->msg_no, &e->msg_no);
	put_unaligned_be16(b->nfrags, &e->nfrags);
	e->reserved = 0;
}

void lsgc_wire_put_nak(u8 *p, u64 from, u64 to)
{
	struct lsgc_wire_nak *w = (void *)p;

	put_unaligned_be64(from, &w->from);
	put_unaligned_be64(to, &w->to);
}

void lsgc_wire_put_fnak(u8 *p, const struct lsgc_fnak *f)
{
	struct lsgc_wire_fnak *w = (void *)p;

	put_unaligned_be32(f->origin, &w->origin);
	put_unaligned_be32(f->msg_no, &w->msg_no);
	put_unaligned_be16(f->nfrags, &w->nfrags);
	w->reserved = 0;
	memcpy(w->missing, f->missing, sizeof(w->missing));
}

void lsgc_wire_put_heartbeat(u8 *p, const struct lsgc_heartbeat *hb)
{
	struct lsgc_wire_heartbeat *w = (void *)p;

	put_unaligned_be64(hb->delivered, &w->delivered);
	put_unaligned_be64(hb->high, &w->high);
	put_unaligned_be64(hb->stable, &w->stable);
	put_unaligned_be64(hb->view_id, &w->view_id);
}

void lsgc_wire_put_join(u8 *p, u8 type, const struct lsgc_join *j)
{
	bool sealed = type == LSGC_T_JOIN_SACK || type == LSGC_T_JOIN_TOKEN;

	/* Of a sealed answer only the clear part: the sealer writes the
	 * rest.
	 */
	memset(p, 0, sealed ? sizeof(struct lsgc_wire_join_sack) :
	       lsgc_wire_join_len(type));
	memcpy(p, j->id, LSGC_ID_LEN);
	put_unaligned_be64(j->nonce, p + LSGC_ID_LEN);
	if (type == LSGC_T_JOIN_ACK) {
		struct lsgc_wire_join_ack *w = (void *)p;

		put_unaligned_be32(j->member, &w->member);
		put_unaligned_be32(j->leader, &w->leader);
		put_unaligned_be64(j->view_id, &w->view_id);
		put_unaligned_be64(j->start_seq, &w->start_seq);
	} else if (type == LSGC_T_JOIN_NAK) {
		struct lsgc_wire_join_nak *w = (void *)p;

		put_unaligned_be32(j->reason, &w->reason);
	} else if (sealed) {
		struct lsgc_wire_join_sack *w = (void *)p;

		memcpy(w->leader_id, j->leader_id, LSGC_ID_LEN);
		memcpy(w->lnonce, j->lnonce, LSGC_LNONCE_LEN);
	}
}

size_t lsgc_wire_view_keys_len(unsigned int count)
{
	return sizeof(__be32) + count * sizeof(struct lsgc_wire_view_key);
}

/**
 * lsgc_wire_split_view - where a view message's key block starts
 * @p: the message
 * @len: its length
 * @keys_off: set to the offset of the key block (@len when it has none)
 * @with_keys: the message is flagged LSGC_DATA_KEYS
 *
 * Return: LSGC_WIRE_OK when the view's own length fits (the view is then
 * parsed by lsgc_wire_parse_view() on [0, @keys_off) and the keys by
 * lsgc_wire_parse_view_keys()), else a verdict.
 */
int lsgc_wire_split_view(const u8 *p, size_t len, size_t *keys_off,
			 bool with_keys)
{
	const struct lsgc_wire_view *w = (const void *)p;
	u32 n;

	*keys_off = len;
	if (!with_keys)
		return LSGC_WIRE_OK;
	if (len < sizeof(*w))
		return LSGC_WIRE_TRUNCATED;
	n = get_unaligned_be32(&w->count);
	if (n > LSGC_MAX_VIEW_MEMBERS)
		return LSGC_WIRE_FIELD_BAD;
	if (len < lsgc_wire_view_len(n))
		return LSGC_WIRE_TRUNCATED;
	*keys_off = lsgc_wire_view_len(n);
	return LSGC_WIRE_OK;
}

/**
 * lsgc_wire_parse_view_keys - check a key block
 * @p: the key block
 * @len: its length
 * @count: set to its number of entries
 *
 * Return: LSGC_WIRE_OK if the entries fill @len exactly and ascend by
 * member, else a verdict.
 */
int lsgc_wire_parse_view_keys(const u8 *p, size_t len, unsigned int *count)
{
	const struct lsgc_wire_view_key *e;
	unsigned int i, n;
	u32 prev = 0, no;

	if (len < sizeof(__be32))
		return LSGC_WIRE_TRUNCATED;
	n = get_unaligned_be32(p);
	if (n > LSGC_MAX_VIEW_MEMBERS)
		return LSGC_WIRE_FIELD_BAD;
	if (len != lsgc_wire_view_keys_len(n))
		return LSGC_WIRE_TRUNCATED;
	e = (const void *)(p + sizeof(__be32));
	for (i = 0; i < n; i++) {
		no = get_unaligned_be32(&e[i].member);
		if (no <= prev)
			return LSGC_WIRE_FIELD_BAD;
		prev = no;
	}
	*count = n;
	return LSGC_WIRE_OK;
}

/**
 * lsgc_wire_view_key - entry @i of a key block checked by
 * lsgc_wire_parse_view_keys()
 * @p: the key block
 * @i: index
 * @member: set to the member it is for
 *
 * Return: the wrapped key, LSGC_WRAPPED_LEN bytes.
 */
const u8 *lsgc_wire_view_key(const u8 *p, unsigned int i, u32 *member)
{
	const struct lsgc_wire_view_key *e;

	e = (const void *)(p + sizeof(__be32)) + i * sizeof(*e);
	*member = get_unaligned_be32(&e->member);
	return e->wrapped;
}

void lsgc_wire_put_view_keys(u8 *p, unsigned int count)
{
	put_unaligned_be32(count, p);
}

void lsgc_wire_put_view_key(u8 *p, unsigned int i, u32 member,
			    const u8 *wrapped)
{
	struct lsgc_wire_view_key *e;

	e = (void *)(p + sizeof(__be32) + i * sizeof(*e));
	put_unaligned_be32(member, &e->member);
	memcpy(e->wrapped, wrapped, LSGC_WRAPPED_LEN);
}

void lsgc_wire_put_token(u8 *p, const struct lsgc_token *t)
{
	struct lsgc_wire_token *w = (void *)p;

	memset(w, 0, sizeof(*w));
	memcpy(w->id, t->id, LSGC_ID_LEN);
	put_unaligned_be64(t->nonce, &w->nonce);
	put_unaligned_be64(t->view_id, &w->grant.view_id);
	put_unaligned_be32(t->leader, &w->grant.leader);
	put_unaligned_be64(t->tcounter, &w->grant.tcounter);
	memcpy(w->grant.token, t->token, LSGC_TAG_LEN);
}

/* The associated data of @t's token in session @session: what the leader
 * authenticates when it makes the token and every member when it checks
 * one.
 */
void lsgc_wire_token_ad(u32 session, const struct lsgc_token *t,
			struct lsgc_token_ad *ad)
{
	memset(ad, 0, sizeof(*ad));
	put_unaligned_be32(session, &ad->session);
	memcpy(ad->id, t->id, LSGC_ID_LEN);
	put_unaligned_be64(t->nonce, &ad->nonce);
	put_unaligned_be64(t->view_id, &ad->view_id);
	put_unaligned_be32(t->leader, &ad->leader);
	put_unaligned_be64(t->tcounter, &ad->tcounter);
}

void lsgc_wire_put_member_ref(u8 *p, u32 member, u32 reason)
{
	struct lsgc_wire_member_ref *w = (void *)p;

	put_unaligned_be32(member, &w->member);
	put_unaligned_be32(reason, &w->reason);
}

void lsgc_wire_put_view(u8 *p, u64 view_id, u32 leader, unsigned int count)
{
	struct lsgc_wire_view *w = (void *)p;

	put_unaligned_be64(view_id, &w->view_id);
	put_unaligned_be32(leader, &w->leader);
	put_unaligned_be32(count, &w->count);
}

void lsgc_wire_put_view_entry(u8 *p, unsigned int i, const struct lsgc_view_ent *e)
{
	struct lsgc_wire_view_ent *w;

	w = (void *)(p + sizeof(struct lsgc_wire_view) + i * sizeof(*w));
	put_unaligned_be32(e->member, &w->member);
	memcpy(w->id, e->id, LSGC_ID_LEN);
}
