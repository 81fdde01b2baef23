// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_wire: libFuzzer harness of the parsers in net/lsgc/wire.c, built
 * from the kernel's own source.
 *
 * The first input byte picks a parser (enum fz_wire_sel), the rest is its
 * input.  libFuzzer passes an exactly sized heap copy and every body here
 * runs to its end, so AddressSanitizer sees a read past any length.
 *
 * When a parser accepts, two things are checked:
 * - what the protocol code relies on without checking again, as
 *   messages.h and wire.c document it (ranges, lengths, order);
 * - a round trip: the kernel's own lsgc_wire_put_*() builders rebuild the
 *   accepted value into a poisoned buffer; that must give back the input
 *   bytes (one encoding per value, so every reserved field was zero and
 *   the builder writes every byte) and parse again to the same fields.
 * Any violation is an abort(), which libFuzzer reports as a crash.
 */
#include "fuzz.h"
#include "wire.h"

/* Exactly sized, so that AddressSanitizer catches a builder writing past
 * it; filled with a pattern, so that a byte it forgets shows up as a
 * difference from the input.
 */
static u8 *fz_alloc(size_t len)
{
	u8 *b = malloc(len ? len : 1);

	FZ_CHECK(b);
	memset(b, 0xa5, len);
	return b;
}

/* A parser returns one of the verdicts the receive path counts. */
static void fz_verdict(int v)
{
	FZ_CHECK(v >= LSGC_WIRE_OK && v <= LSGC_WIRE_FIELD_BAD);
}

static void check_hdr(const u8 *p, size_t len)
{
	const size_t fo = offsetof(struct lsgc_wire_hdr, flags);
	struct lsgc_hdr h, h2;
	int v;
	u8 *b;

	v = lsgc_wire_parse_hdr(p, len, &h);
	fz_verdict(v);
	if (v)
		return;
	FZ_CHECK(len >= LSGC_HDR_LEN);
	FZ_CHECK(p[0] == LSGC_WIRE_VERSION);
	FZ_CHECK(h.type >= LSGC_T_DATA && h.type < __LSGC_T_MAX);
	FZ_CHECK(!(h.flags & ~LSGC_HDR_SEALED));
	/* Only a joiner has no member number (and no session yet, but in
	 * its token the leader's); a token only comes from a joiner.
	 */
	FZ_CHECK(h.sender || h.type == LSGC_T_JOIN_REQ ||
		 h.type == LSGC_T_TOKEN);
	FZ_CHECK(!h.sender || h.type != LSGC_T_TOKEN);
	FZ_CHECK(h.session || h.type == LSGC_T_JOIN_REQ);

	/* The builder leaves the flags to the seal step: they come back 0. */
	b = fz_alloc(LSGC_HDR_LEN);
	lsgc_wire_put_hdr(b, &h);
	FZ_CHECK(!memcmp(b, p, fo));
	FZ_CHECK(!b[fo] && !b[fo + 1]);
	FZ_CHECK(!memcmp(b + fo + 2, p + fo + 2, LSGC_HDR_LEN - fo - 2));
	FZ_CHECK(lsgc_wire_parse_hdr(b, LSGC_HDR_LEN, &h2) == LSGC_WIRE_OK);
	FZ_CHECK(h2.type == h.type && !h2.flags && h2.session == h.session &&
		 h2.epoch == h.epoch && h2.sender == h.sender &&
		 h2.counter == h.counter);
	free(b);
}

static void check_view(const u8 *p, size_t len)
{
	struct lsgc_view_ent e, e2;
	unsigned int count, count2, i;
	bool leader_seen = false;
	u32 leader, leader2;
	u64 id, id2;
	u8 *b;
	int v;

	v = lsgc_wire_parse_view(p, len, &id, &leader, &count);
	fz_verdict(v);
	if (v)
		return;
	FZ_CHECK(id);
	FZ_CHECK(count >= 1 && count <= LSGC_MAX_VIEW_MEMBERS);
	FZ_CHECK(len == lsgc_wire_view_len(count));

	b = fz_alloc(len);
	lsgc_wire_put_view(b, id, leader, count);
	for (i = 0; i < count; i++) {
		lsgc_wire_view_entry(p, i, &e);
		/* Member numbers start at 1 and are strictly ascending. */
		if (i) {
			lsgc_wire_view_entry(p, i - 1, &e2);
			FZ_CHECK(e.member > e2.member);
		} else {
			FZ_CHECK(e.member >= 1);
		}
		if (e.member == leader)
			leader_seen = true;
		lsgc_wire_put_view_entry(b, i, &e);
	}
	FZ_CHECK(leader_seen);
	FZ_CHECK(!memcmp(b, p, len));

	FZ_CHECK(lsgc_wire_parse_view(b, len, &id2, &leader2, &count2) ==
		 LSGC_WIRE_OK);
	FZ_CHECK(id2 == id && leader2 == leader && count2 == count);
	for (i = 0; i < count; i++) {
		lsgc_wire_view_entry(p, i, &e);
		lsgc_wire_view_entry(b, i, &e2);
		FZ_CHECK(e2.member == e.member &&
			 !memcmp(e2.id, e.id, LSGC_ID_LEN));
	}
	free(b);
}

static bool data_eq(const struct lsgc_data *a, const struct lsgc_data *b)
{
	return a->origin == b->origin && a->msg_no == b->msg_no &&
	       a->frag == b->frag && a->nfrags == b->nfrags &&
	       a->flags == b->flags && a->total_len == b->total_len &&
	       a->seq == b->seq && a->payload_off == b->payload_off &&
	       a->payload_len == b->payload_len;
}

static void check_data(const u8 *p, size_t len)
{
	struct lsgc_data d, d2;
	size_t limit;
	int v;
	u8 *b;

	v = lsgc_wire_parse_data(p, len, &d);
	fz_verdict(v);
	if (v)
		return;
	FZ_CHECK(d.origin && d.msg_no);
	FZ_CHECK(!(d.flags & ~(LSGC_DATA_VIEW | LSGC_DATA_KEYS)));
	/* Keys come only with their view. */
	FZ_CHECK(!(d.flags & LSGC_DATA_KEYS) || (d.flags & LSGC_DATA_VIEW));
	FZ_CHECK(d.nfrags >= 1 && d.nfrags <= LSGC_MAX_FRAGS);
	FZ_CHECK(d.frag < d.nfrags);
	/* What reassembly allocates and copies is bounded by total_len. */
	limit = (d.flags & LSGC_DATA_VIEW) ?
		lsgc_wire_view_len(LSGC_MAX_VIEW_MEMBERS) : LSGC_MAX_MSG;
	if (d.flags & LSGC_DATA_KEYS)
		limit += lsgc_wire_view_keys_len(LSGC_MAX_VIEW_MEMBERS);
	FZ_CHECK(d.total_len <= limit);
	FZ_CHECK(d.payload_len <= d.total_len);
	FZ_CHECK(d.payload_off == sizeof(struct lsgc_wire_data));
	FZ_CHECK((size_t)d.payload_off + d.payload_len == len);
	/* A bound fragment's message starts at seq - frag >= 1, and its last
	 * sequence number does not wrap.
	 */
	FZ_CHECK(!d.seq || d.seq > d.frag);
	FZ_CHECK(d.seq <= U64_MAX - LSGC_MAX_FRAGS);

	b = fz_alloc(len);
	lsgc_wire_put_data(b, &d);
	FZ_CHECK(!memcmp(b, p, d.payload_off));
	memcpy(b + d.payload_off, p + d.payload_off, d.payload_len);
	FZ_CHECK(lsgc_wire_parse_data(b, len, &d2) == LSGC_WIRE_OK);
	FZ_CHECK(data_eq(&d, &d2));
	free(b);

	/* A view that fits in one fragment: what membership.c parses. */
	if ((d.flags & LSGC_DATA_VIEW) && d.nfrags == 1 &&
	    d.payload_len == d.total_len && !(d.flags & LSGC_DATA_KEYS))
		check_view(p + d.payload_off, d.payload_len);
}

static void check_view_keys(const u8 *p, size_t len)
{
	unsigned int n, n2, i;
	const u8 *w, *w2;
	u32 no, no2, prev = 0;
	u8 *b;
	int v;

	v = lsgc_wire_parse_view_keys(p, len, &n);
	fz_verdict(v);
	if (v)
		return;
	FZ_CHECK(n <= LSGC_MAX_VIEW_MEMBERS);
	FZ_CHECK(len == lsgc_wire_view_keys_len(n));
	b = fz_alloc(len);
	lsgc_wire_put_view_keys(b, n);
	for (i = 0; i < n; i++) {
		w = lsgc_wire_view_key(p, i, &no);
		/* Inside the block, members ascending from 1. */
		FZ_CHECK(w >= p && w + LSGC_WRAPPED_LEN <= p + len);
		FZ_CHECK(no > prev);
		prev = no;
		lsgc_wire_put_view_key(b, i, no, w);
	}
	FZ_CHECK(!memcmp(b, p, len));
	FZ_CHECK(lsgc_wire_parse_view_keys(b, len, &n2) == LSGC_WIRE_OK);
	FZ_CHECK(n2 == n);
	for (i = 0; i < n; i++) {
		w = lsgc_wire_view_key(p, i, &no);
		w2 = lsgc_wire_view_key(b, i, &no2);
		FZ_CHECK(no == no2 && !memcmp(w, w2, LSGC_WRAPPED_LEN));
	}
	free(b);
}

/* A secure view message, as membership.c and keys.c take it apart. */
static void check_view_msg(const u8 *p, size_t len)
{
	size_t off;
	int v;

	v = lsgc_wire_split_view(p, len, &off, true);
	fz_verdict(v);
	if (v)
		return;
	FZ_CHECK(off <= len);
	FZ_CHECK(off >= sizeof(struct lsgc_wire_view));
	check_view(p, off);
	check_view_keys(p + off, len - off);
	/* Without the flag there is no key block. */
	FZ_CHECK(lsgc_wire_split_view(p, len, &off, false) == LSGC_WIRE_OK &&
		 off == len);
}

static bool binding_eq(const struct lsgc_binding *a,
		       const struct lsgc_binding *b)
{
	return a->seq == b->seq && a->origin == b->origin &&
	       a->msg_no == b->msg_no && a->nfrags == b->nfrags;
}

static void check_order(const u8 *p, size_t len)
{
	const size_t ro = offsetof(struct lsgc_wire_order_ent, reserved);
	struct lsgc_binding e, e2;
	unsigned int count, count2, i;
	size_t off;
	int v;
	u8 *b;

	v = lsgc_wire_parse_order(p, len, &count);
	fz_verdict(v);
	if (v)
		return;
	FZ_CHECK(count >= 1 && count <= LSGC_ORDER_MAX_ENTRIES);
	FZ_CHECK(len == sizeof(struct lsgc_wire_order) +
		 count * sizeof(struct lsgc_wire_order_ent));

	b = fz_alloc(len);
	lsgc_wire_put_order(b, count);
	for (i = 0; i < count; i++) {
		lsgc_wire_order_entry(p, i, &e);
		/* order.c binds [seq, seq + nfrags) without checking again. */
		FZ_CHECK(e.seq >= 1 && e.seq <= U64_MAX - LSGC_MAX_FRAGS);
		FZ_CHECK(e.origin && e.msg_no);
		FZ_CHECK(e.nfrags >= 1 && e.nfrags <= LSGC_MAX_FRAGS);
		lsgc_wire_put_order_entry(b, i, &e);
	}
	/* Byte for byte, except each entry's reserved field: lsgc.rst says
	 * receivers do not check it, and the builder writes it 0.
	 */
	FZ_CHECK(!memcmp(b, p, sizeof(struct lsgc_wire_order)));
	for (i = 0; i < count; i++) {
		off = sizeof(struct lsgc_wire_order) +
		      i * sizeof(struct lsgc_wire_order_ent);
		FZ_CHECK(!memcmp(b + off, p + off, ro));
		FZ_CHECK(!b[off + ro] && !b[off + ro + 1]);
	}

	FZ_CHECK(lsgc_wire_parse_order(b, len, &count2) == LSGC_WIRE_OK);
	FZ_CHECK(count2 == count);
	for (i = 0; i < count; i++) {
		lsgc_wire_order_entry(p, i, &e);
		lsgc_wire_order_entry(b, i, &e2);
		FZ_CHECK(binding_eq(&e, &e2));
	}
	free(b);
}

static void check_nak(const u8 *p, size_t len)
{
	u64 from, to, from2, to2;
	int v;
	u8 *b;

	v = lsgc_wire_parse_nak(p, len, &from, &to);
	fz_verdict(v);
	if (v)
		return;
	FZ_CHECK(len == sizeof(struct lsgc_wire_nak));
	FZ_CHECK(from >= 1 && from <= to);
	FZ_CHECK(to - from < LSGC_NAK_MAX_SPAN);

	b = fz_alloc(len);
	lsgc_wire_put_nak(b, from, to);
	FZ_CHECK(!memcmp(b, p, len));
	FZ_CHECK(lsgc_wire_parse_nak(b, len, &from2, &to2) == LSGC_WIRE_OK);
	FZ_CHECK(from2 == from && to2 == to);
	free(b);
}

static void check_fnak(const u8 *p, size_t len)
{
	struct lsgc_fnak f, f2;
	unsigned int i, n = 0;
	int v;
	u8 *b;

	v = lsgc_wire_parse_fnak(p, len, &f);
	fz_verdict(v);
	if (v)
		return;
	FZ_CHECK(len == sizeof(struct lsgc_wire_fnak));
	FZ_CHECK(f.origin && f.msg_no);
	FZ_CHECK(f.nfrags >= 2 && f.nfrags <= LSGC_MAX_FRAGS);
	/* Only fragments the message has are asked for, one at least. */
	for (i = 0; i < LSGC_MAX_FRAGS; i++) {
		if (!(f.missing[i / 8] & (1U << (i % 8))))
			continue;
		FZ_CHECK(i < f.nfrags);
		n++;
	}
	FZ_CHECK(n);

	b = fz_alloc(len);
	lsgc_wire_put_fnak(b, &f);
	FZ_CHECK(!memcmp(b, p, len));
	FZ_CHECK(lsgc_wire_parse_fnak(b, len, &f2) == LSGC_WIRE_OK);
	FZ_CHECK(f2.origin == f.origin && f2.msg_no == f.msg_no &&
		 f2.nfrags == f.nfrags &&
		 !memcmp(f2.missing, f.missing, sizeof(f.missing)));
	free(b);
}

static void check_heartbeat(const u8 *p, size_t len)
{
	struct lsgc_heartbeat hb, hb2;
	int v;
	u8 *b;

	v = lsgc_wire_parse_heartbeat(p, len, &hb);
	fz_verdict(v);
	if (v)
		return;
	FZ_CHECK(len == sizeof(struct lsgc_wire_heartbeat));
	FZ_CHECK(hb.stable <= hb.high);
	FZ_CHECK(hb.high <= U64_MAX - LSGC_MAX_FRAGS);

	b = fz_alloc(len);
	lsgc_wire_put_heartbeat(b, &hb);
	FZ_CHECK(!memcmp(b, p, len));
	FZ_CHECK(lsgc_wire_parse_heartbeat(b, len, &hb2) == LSGC_WIRE_OK);
	FZ_CHECK(hb2.delivered == hb.delivered && hb2.high == hb.high &&
		 hb2.stable == hb.stable && hb2.view_id == hb.view_id);
	free(b);
}

static bool join_eq(const struct lsgc_join *a, const struct lsgc_join *b)
{
	return !memcmp(a->id, b->id, LSGC_ID_LEN) && a->nonce == b->nonce &&
	       a->member == b->member && a->leader == b->leader &&
	       a->view_id == b->view_id && a->start_seq == b->start_seq &&
	       a->reason == b->reason &&
	       !memcmp(a->leader_id, b->leader_id, LSGC_ID_LEN) &&
	       !memcmp(a->lnonce, b->lnonce, LSGC_LNONCE_LEN);
}

static void check_join(const u8 *p, size_t len, u8 type)
{
	struct lsgc_join j, j2;
	int v;
	u8 *b;

	v = lsgc_wire_parse_join(p, len, type, &j);
	fz_verdict(v);
	if (v)
		return;
	FZ_CHECK(len == lsgc_wire_join_len(type));
	FZ_CHECK(!memcmp(j.id, p, LSGC_ID_LEN));
	FZ_CHECK(j.nonce == get_unaligned_be64(p + LSGC_ID_LEN));
	/* Fields of the other two bodies are zero: the parser clears them. */
	switch (type) {
	case LSGC_T_JOIN_REQ:
		FZ_CHECK(!j.member && !j.leader && !j.view_id &&
			 !j.start_seq && !j.reason);
		break;
	case LSGC_T_JOIN_ACK:
		FZ_CHECK(j.member && j.leader);
		FZ_CHECK(j.start_seq >= 1 &&
			 j.start_seq <= U64_MAX - LSGC_MAX_FRAGS);
		FZ_CHECK(!j.reason);
		break;
	case LSGC_T_JOIN_SACK:
	case LSGC_T_JOIN_TOKEN: {
		const struct lsgc_wire_join_sack *w = (const void *)p;

		/* Only the clear part is parsed: the rest is sealed. */
		FZ_CHECK(!j.member && !j.leader && !j.view_id &&
			 !j.start_seq && !j.reason);
		FZ_CHECK(!memcmp(j.leader_id, w->leader_id, LSGC_ID_LEN));
		FZ_CHECK(!memcmp(j.lnonce, w->lnonce, LSGC_LNONCE_LEN));
		b = fz_alloc(len);
		memcpy(b, p, len);
		memset(b, 0xa5, sizeof(*w));
		lsgc_wire_put_join(b, type, &j);
		FZ_CHECK(!memcmp(b, p, len));
		FZ_CHECK(lsgc_wire_parse_join(b, len, type, &j2) == LSGC_WIRE_OK);
		FZ_CHECK(join_eq(&j, &j2));
		free(b);
		return;
	}
	default:
		/* A positive errno the joiner hands to userspace. */
		FZ_CHECK(j.reason >= 1 && j.reason <= 4095);
		FZ_CHECK(!j.member && !j.leader && !j.view_id &&
			 !j.start_seq);
		break;
	}

	b = fz_alloc(len);
	lsgc_wire_put_join(b, type, &j);
	FZ_CHECK(!memcmp(b, p, len));
	FZ_CHECK(lsgc_wire_parse_join(b, len, type, &j2) == LSGC_WIRE_OK);
	FZ_CHECK(join_eq(&j, &j2));
	free(b);
}

static void check_token(const u8 *p, size_t len)
{
	const struct lsgc_wire_token *w = (const void *)p;
	struct lsgc_token t, t2;
	struct lsgc_token_ad ad;
	int v;
	u8 *b;

	v = lsgc_wire_parse_token(p, len, &t);
	fz_verdict(v);
	if (v)
		return;
	FZ_CHECK(len == sizeof(struct lsgc_wire_token));
	FZ_CHECK(t.view_id && t.leader && t.tcounter);
	FZ_CHECK(!memcmp(t.id, p, LSGC_ID_LEN));
	FZ_CHECK(!memcmp(t.token, w->grant.token, LSGC_TAG_LEN));

	b = fz_alloc(len);
	memset(b, 0xa5, len);
	lsgc_wire_put_token(b, &t);
	FZ_CHECK(!memcmp(b, p, len));
	FZ_CHECK(lsgc_wire_parse_token(b, len, &t2) == LSGC_WIRE_OK);
	FZ_CHECK(t.nonce == t2.nonce && t.view_id == t2.view_id &&
		 t.leader == t2.leader && t.tcounter == t2.tcounter &&
		 !memcmp(t.id, t2.id, LSGC_ID_LEN) &&
		 !memcmp(t.token, t2.token, LSGC_TAG_LEN));
	free(b);

	/* What the token authenticates is the packet's fields, as sent,
	 * after the session: identity, nonce, view, leader, counter.
	 */
	lsgc_wire_token_ad(0x01020304, &t, &ad);
	FZ_CHECK(get_unaligned_be32(&ad.session) == 0x01020304);
	FZ_CHECK(!memcmp(ad.id, p, offsetof(struct lsgc_token_ad, reserved) -
			 offsetof(struct lsgc_token_ad, id)));
	FZ_CHECK(!ad.reserved);
	FZ_CHECK(ad.tcounter == w->grant.tcounter);
}

static void check_member_ref(const u8 *p, size_t len)
{
	u32 member, reason, member2, reason2;
	int v;
	u8 *b;

	v = lsgc_wire_parse_member_ref(p, len, &member, &reason);
	fz_verdict(v);
	if (v)
		return;
	FZ_CHECK(len == sizeof(struct lsgc_wire_member_ref));
	FZ_CHECK(member);
	FZ_CHECK(reason <= 4095);

	b = fz_alloc(len);
	lsgc_wire_put_member_ref(b, member, reason);
	FZ_CHECK(!memcmp(b, p, len));
	FZ_CHECK(lsgc_wire_parse_member_ref(b, len, &member2, &reason2) ==
		 LSGC_WIRE_OK);
	FZ_CHECK(member2 == member && reason2 == reason);
	free(b);
}

/* A whole packet, dispatched on its header's type as receive.c does. */
static void check_packet(const u8 *p, size_t len)
{
	const u8 *body = p + LSGC_HDR_LEN;
	struct lsgc_hdr h;
	size_t blen;

	check_hdr(p, len);
	if (lsgc_wire_parse_hdr(p, len, &h))
		return;
	blen = len - LSGC_HDR_LEN;
	switch (h.type) {
	case LSGC_T_DATA:
		check_data(body, blen);
		break;
	case LSGC_T_ORDER:
		check_order(body, blen);
		break;
	case LSGC_T_NAK:
		check_nak(body, blen);
		break;
	case LSGC_T_HEARTBEAT:
		check_heartbeat(body, blen);
		break;
	case LSGC_T_FNAK:
		check_fnak(body, blen);
		break;
	case LSGC_T_JOIN_REQ:
	case LSGC_T_JOIN_ACK:
	case LSGC_T_JOIN_NAK:
	case LSGC_T_JOIN_SACK:
	case LSGC_T_JOIN_TOKEN:
		check_join(body, blen, h.type);
		break;
	case LSGC_T_TOKEN:
		check_token(body, blen);
		break;
	case LSGC_T_LEAVE:
	case LSGC_T_EXPEL:
		check_member_ref(body, blen);
		break;
	case LSGC_T_UDATA:
		/* Opaque to the protocol: nothing to parse. */
		break;
	default:
		FZ_CHECK(!"lsgc_wire_parse_hdr() accepted an unknown type");
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	const u8 *p = data + 1;
	size_t len;

	if (!size)
		return 0;
	len = size - 1;
	switch (data[0] % FZ_NSEL) {
	case FZ_HDR:
		check_hdr(p, len);
		break;
	case FZ_DATA:
		check_data(p, len);
		break;
	case FZ_ORDER:
		check_order(p, len);
		break;
	case FZ_NAK:
		check_nak(p, len);
		break;
	case FZ_HEARTBEAT:
		check_heartbeat(p, len);
		break;
	case FZ_JOIN_REQ:
		check_join(p, len, LSGC_T_JOIN_REQ);
		break;
	case FZ_JOIN_ACK:
		check_join(p, len, LSGC_T_JOIN_ACK);
		break;
	case FZ_JOIN_NAK:
		check_join(p, len, LSGC_T_JOIN_NAK);
		break;
	case FZ_MEMBER_REF:
		check_member_ref(p, len);
		break;
	case FZ_VIEW:
		check_view(p, len);
		break;
	case FZ_PACKET:
		check_packet(p, len);
		break;
	case FZ_JOIN_SACK:
		check_join(p, len, LSGC_T_JOIN_SACK);
		break;
	case FZ_VIEW_KEYS:
		check_view_keys(p, len);
		break;
	case FZ_VIEW_MSG:
		check_view_msg(p, len);
		break;
	case FZ_FNAK:
		check_fnak(p, len);
		break;
	case FZ_JOIN_TOKEN:
		check_join(p, len, LSGC_T_JOIN_TOKEN);
		break;
	case FZ_TOKEN:
		check_token(p, len);
		break;
	}
	return 0;
}
