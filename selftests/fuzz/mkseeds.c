// SPDX-License-Identifier: GPL-2.0
/*
 * mkseeds DIR: write the seed corpus of the harnesses into DIR/fuzz_wire/
 * and DIR/fuzz_replay/, one file per seed.
 *
 * The packets are built with the kernel's own lsgc_wire_put_*() builders
 * (net/lsgc/wire.c), so the seeds follow the wire format when it changes;
 * each one is parsed back and must be accepted, so a change that makes
 * the builders and the parsers disagree fails the build right here.
 * Besides one ordinary seed per packet type, the limits are covered
 * from the accepting side (the largest ORDER and view, the longest NAK,
 * the highest sequence numbers): the fuzzer finds the other side of each
 * limit one mutation away.
 */
#include <errno.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "wire.h"

static const char *outdir;
static unsigned int nseeds;

/* Room for the largest seed: a packet around the largest view. */
static u8 buf[1 + LSGC_HDR_LEN + sizeof(struct lsgc_wire_data) +
	      sizeof(struct lsgc_wire_view) +
	      LSGC_MAX_VIEW_MEMBERS * sizeof(struct lsgc_wire_view_ent)];

static void write_seed(const char *harness, const char *name, const u8 *p,
		       size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", outdir, harness);
	if (mkdir(path, 0755) && errno != EEXIST) {
		perror(path);
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/%s/%s", outdir, harness, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(1);
	}
	nseeds++;
}

/* The verdict fuzz_wire's selector @sel gives on @p. */
static int parse(enum fz_wire_sel sel, const u8 *p, size_t len)
{
	struct lsgc_heartbeat hb;
	struct lsgc_fnak f;
	struct lsgc_data d;
	struct lsgc_token t;
	struct lsgc_join j;
	struct lsgc_hdr h;
	unsigned int n;
	u64 a, b;
	u32 x, y;
	int v;

	switch (sel) {
	case FZ_HDR:
		return lsgc_wire_parse_hdr(p, len, &h);
	case FZ_DATA:
		v = lsgc_wire_parse_data(p, len, &d);
		/* A whole view in one fragment, as fuzz_wire goes on to it. */
		if (!v && (d.flags & LSGC_DATA_VIEW) && d.nfrags == 1 &&
		    d.payload_len == d.total_len)
			v = lsgc_wire_parse_view(p + d.payload_off,
						 d.payload_len, &a, &x, &n);
		return v;
	case FZ_ORDER:
		return lsgc_wire_parse_order(p, len, &n);
	case FZ_NAK:
		return lsgc_wire_parse_nak(p, len, &a, &b);
	case FZ_HEARTBEAT:
		return lsgc_wire_parse_heartbeat(p, len, &hb);
	case FZ_FNAK:
		return lsgc_wire_parse_fnak(p, len, &f);
	case FZ_JOIN_REQ:
		return lsgc_wire_parse_join(p, len, LSGC_T_JOIN_REQ, &j);
	case FZ_JOIN_ACK:
		return lsgc_wire_parse_join(p, len, LSGC_T_JOIN_ACK, &j);
	case FZ_JOIN_NAK:
		return lsgc_wire_parse_join(p, len, LSGC_T_JOIN_NAK, &j);
	case FZ_MEMBER_REF:
		return lsgc_wire_parse_member_ref(p, len, &x, &y);
	case FZ_VIEW:
		return lsgc_wire_parse_view(p, len, &a, &x, &n);
	case FZ_JOIN_SACK:
		return lsgc_wire_parse_join(p, len, LSGC_T_JOIN_SACK, &j);
	case FZ_JOIN_TOKEN:
		return lsgc_wire_parse_join(p, len, LSGC_T_JOIN_TOKEN, &j);
	case FZ_TOKEN:
		return lsgc_wire_parse_token(p, len, &t);
	case FZ_VIEW_KEYS:
		return lsgc_wire_parse_view_keys(p, len, &n);
	case FZ_VIEW_MSG: {
		size_t off;

		v = lsgc_wire_split_view(p, len, &off, true);
		if (v)
			return v;
		v = lsgc_wire_parse_view(p, off, &a, &x, &n);
		if (v)
			return v;
		return lsgc_wire_parse_view_keys(p + off, len - off, &n);
	}
	case FZ_PACKET:
		v = lsgc_wire_parse_hdr(p, len, &h);
		if (v)
			return v;
		switch (h.type) {
		case LSGC_T_DATA:
			return parse(FZ_DATA, p + LSGC_HDR_LEN, len - LSGC_HDR_LEN);
		case LSGC_T_ORDER:
			return parse(FZ_ORDER, p + LSGC_HDR_LEN, len - LSGC_HDR_LEN);
		case LSGC_T_NAK:
			return parse(FZ_NAK, p + LSGC_HDR_LEN, len - LSGC_HDR_LEN);
		case LSGC_T_HEARTBEAT:
			return parse(FZ_HEARTBEAT, p + LSGC_HDR_LEN,
				     len - LSGC_HDR_LEN);
		case LSGC_T_FNAK:
			return parse(FZ_FNAK, p + LSGC_HDR_LEN,
				     len - LSGC_HDR_LEN);
		case LSGC_T_JOIN_REQ:
		case LSGC_T_JOIN_ACK:
		case LSGC_T_JOIN_NAK:
		case LSGC_T_JOIN_SACK:
		case LSGC_T_JOIN_TOKEN:
			return lsgc_wire_parse_join(p + LSGC_HDR_LEN,
						    len - LSGC_HDR_LEN, h.type, &j);
		case LSGC_T_TOKEN:
			return parse(FZ_TOKEN, p + LSGC_HDR_LEN,
				     len - LSGC_HDR_LEN);
		case LSGC_T_LEAVE:
		case LSGC_T_EXPEL:
			return parse(FZ_MEMBER_REF, p + LSGC_HDR_LEN,
				     len - LSGC_HDR_LEN);
		default:
			return LSGC_WIRE_OK;
		}
	default:
		return LSGC_WIRE_TYPE_BAD;
	}
}

/* A fuzz_wire seed: buf[0] is the selector, buf[1..len] what was built. */
static void wire_seed(const char *name, enum fz_wire_sel sel, size_t len)
{
	int v;

	buf[0] = sel;
	v = parse(sel, buf + 1, len);
	if (v) {
		fprintf(stderr, "mkseeds: %s: the parser refuses what the builder built (%d)\n",
			name, v);
		exit(1);
	}
	write_seed("fuzz_wire", name, buf, 1 + len);
}

/* Bodies, built at @p; each returns its length. */

static size_t put_hdr(u8 *p, u8 type, u32 sender)
{
	struct lsgc_hdr h = {
		.type = type,
		.session = type == LSGC_T_JOIN_REQ ? 0 : 0x5e55104e,
		.epoch = 3,
		.sender = type == LSGC_T_JOIN_REQ || type == LSGC_T_TOKEN ?
			  0 : sender,
		.counter = 1234,
	};

	lsgc_wire_put_hdr(p, &h);
	return LSGC_HDR_LEN;
}

static size_t put_view(u8 *p, u64 id, unsigned int count, u32 leader)
{
	struct lsgc_view_ent e;
	unsigned int i;

	lsgc_wire_put_view(p, id, leader, count);
	for (i = 0; i < count; i++) {
		/* Ascending with gaps, as after departures. */
		e.member = 1 + 3 * i;
		memset(e.id, 0, sizeof(e.id));
		snprintf((char *)e.id, sizeof(e.id), "member-%u", e.member);
		lsgc_wire_put_view_entry(p, i, &e);
	}
	return lsgc_wire_view_len(count);
}

static size_t put_data(u8 *p, u32 flags, u16 frag, u16 nfrags, u32 total_len,
		       u64 seq, size_t payload_len)
{
	struct lsgc_data d = {
		.origin = 2,
		.msg_no = 17,
		.frag = frag,
		.nfrags = nfrags,
		.flags = flags,
		.total_len = total_len,
		.seq = seq,
	};
	size_t i;

	lsgc_wire_put_data(p, &d);
	for (i = 0; i < payload_len; i++)
		p[sizeof(struct lsgc_wire_data) + i] = 'a' + i % 26;
	return sizeof(struct lsgc_wire_data) + payload_len;
}

static size_t put_data_view(u8 *p, unsigned int count)
{
	size_t vlen = put_view(p + sizeof(struct lsgc_wire_data), 5, count, 1);
	struct lsgc_data d = {
		.origin = 1,
		.msg_no = 4,
		.nfrags = 1,
		.flags = LSGC_DATA_VIEW,
		.total_len = vlen,
		.seq = 9,
	};

	lsgc_wire_put_data(p, &d);
	return sizeof(struct lsgc_wire_data) + vlen;
}

static size_t put_order(u8 *p, unsigned int count, u64 seq0)
{
	struct lsgc_binding b;
	unsigned int i;

	lsgc_wire_put_order(p, count);
	for (i = 0; i < count; i++) {
		b.seq = seq0 + 3 * i;
		b.origin = 1 + i % 5;
		b.msg_no = 100 + i;
		b.nfrags = 1 + i % 3;
		lsgc_wire_put_order_entry(p, i, &b);
	}
	return sizeof(struct lsgc_wire_order) +
	       count * sizeof(struct lsgc_wire_order_ent);
}

static size_t put_nak(u8 *p, u64 from, u64 to)
{
	lsgc_wire_put_nak(p, from, to);
	return sizeof(struct lsgc_wire_nak);
}

/* An FNAK for the fragments [first, last] of a message of @nfrags. */
static size_t put_fnak(u8 *p, u16 nfrags, unsigned int first,
		       unsigned int last)
{
	struct lsgc_fnak f = {
		.origin = 3,
		.msg_no = 17,
		.nfrags = nfrags,
	};
	unsigned int i;

	for (i = first; i <= last; i++)
		f.missing[i / 8] |= 1U << (i % 8);
	lsgc_wire_put_fnak(p, &f);
	return sizeof(struct lsgc_wire_fnak);
}

static size_t put_heartbeat(u8 *p, u64 delivered, u64 high, u64 stable)
{
	struct lsgc_heartbeat hb = {
		.delivered = delivered,
		.high = high,
		.stable = stable,
		.view_id = 2,
	};

	lsgc_wire_put_heartbeat(p, &hb);
	return sizeof(struct lsgc_wire_heartbeat);
}

static size_t put_join(u8 *p, u8 type, u32 reason)
{
	struct lsgc_join j = {
		.id = "carol",
		.nonce = 0x0123456789abcdefULL,
	};

	if (type == LSGC_T_JOIN_ACK) {
		j.member = 7;
		j.leader = 1;
		j.view_id = 6;
		j.start_seq = 321;
	} else if (type == LSGC_T_JOIN_NAK) {
		j.reason = reason;
	} else if (type == LSGC_T_JOIN_SACK || type == LSGC_T_JOIN_TOKEN) {
		memcpy(j.leader_id, "alice", 5);
		memset(j.lnonce, 0x3c, sizeof(j.lnonce));
		/* The sealed part and tag: bytes only the joiner can open;
		 * the builder leaves them alone.
		 */
		memset(p + sizeof(struct lsgc_wire_join_sack), 0xc3,
		       lsgc_wire_join_len(type) - sizeof(struct lsgc_wire_join_sack));
	}
	lsgc_wire_put_join(p, type, &j);
	return lsgc_wire_join_len(type);
}

/* A key block for members 2..n+1, each key a recognisable pattern. */
static size_t put_token(u8 *p, u64 view_id, u32 leader)
{
	struct lsgc_token t = {
		.nonce = 0x1122334455667788ULL,
		.view_id = view_id,
		.leader = leader,
		.tcounter = 99,
	};

	memcpy(t.id, "joiner", 6);
	memset(t.token, 0x5a, sizeof(t.token));
	lsgc_wire_put_token(p, &t);
	return sizeof(struct lsgc_wire_token);
}

static size_t put_view_keys(u8 *p, unsigned int n)
{
	u8 w[LSGC_WRAPPED_LEN];
	unsigned int i;

	lsgc_wire_put_view_keys(p, n);
	for (i = 0; i < n; i++) {
		memset(w, 0x40 + i, sizeof(w));
		lsgc_wire_put_view_key(p, i, 2 + i, w);
	}
	return lsgc_wire_view_keys_len(n);
}

static size_t put_member_ref(u8 *p, u32 member, u32 reason)
{
	lsgc_wire_put_member_ref(p, member, reason);
	return sizeof(struct lsgc_wire_member_ref);
}

/* One whole packet of @type, in buf[1..]. */
static size_t put_packet(u8 type)
{
	u8 *p = buf + 1;
	u8 *b = p + put_hdr(p, type, 2);
	size_t blen = 0;

	switch (type) {
	case LSGC_T_DATA:
		blen = put_data(b, 0, 0, 1, 11, 0, 11);
		break;
	case LSGC_T_ORDER:
		blen = put_order(b, 4, 40);
		break;
	case LSGC_T_NAK:
		blen = put_nak(b, 40, 47);
		break;
	case LSGC_T_HEARTBEAT:
		blen = put_heartbeat(b, 30, 0, 0);
		break;
	case LSGC_T_FNAK:
		blen = put_fnak(b, 4, 1, 2);
		break;
	case LSGC_T_JOIN_REQ:
	case LSGC_T_JOIN_ACK:
	case LSGC_T_JOIN_NAK:
	case LSGC_T_JOIN_SACK:
	case LSGC_T_JOIN_TOKEN:
		blen = put_join(b, type, ECONNREFUSED);
		break;
	case LSGC_T_TOKEN:
		blen = put_token(b, 7, 1);
		break;
	case LSGC_T_LEAVE:
		blen = put_member_ref(b, 2, 0);
		break;
	case LSGC_T_EXPEL:
		blen = put_member_ref(b, 3, ETIMEDOUT);
		break;
	case LSGC_T_UDATA:
		memcpy(b, "best effort", 11);
		blen = 11;
		break;
	}
	return LSGC_HDR_LEN + blen;
}

static void wire_seeds(void)
{
	static const char *const names[__LSGC_T_MAX] = {
		[LSGC_T_DATA] = "data", [LSGC_T_ORDER] = "order",
		[LSGC_T_NAK] = "nak", [LSGC_T_HEARTBEAT] = "heartbeat",
		[LSGC_T_JOIN_REQ] = "join-req", [LSGC_T_JOIN_ACK] = "join-ack",
		[LSGC_T_JOIN_NAK] = "join-nak", [LSGC_T_LEAVE] = "leave",
		[LSGC_T_EXPEL] = "expel", [LSGC_T_UDATA] = "udata",
		[LSGC_T_JOIN_SACK] = "join-sack", [LSGC_T_FNAK] = "fnak",
		[LSGC_T_JOIN_TOKEN] = "join-token", [LSGC_T_TOKEN] = "token",
	};
	const u64 seq_max = U64_MAX - LSGC_MAX_FRAGS;
	u8 *p = buf + 1;
	char name[64];
	u8 t;

	for (t = LSGC_T_DATA; t < __LSGC_T_MAX; t++) {
		snprintf(name, sizeof(name), "hdr-%s", names[t]);
		wire_seed(name, FZ_HDR, put_hdr(p, t, 2));
		snprintf(name, sizeof(name), "packet-%s", names[t]);
		wire_seed(name, FZ_PACKET, put_packet(t));
	}
	put_hdr(p, LSGC_T_DATA, 2);
	wire_seed("packet-data-view", FZ_PACKET,
		  LSGC_HDR_LEN + put_data_view(p + LSGC_HDR_LEN, 3));

	wire_seed("data-unbound", FZ_DATA, put_data(p, 0, 0, 1, 5, 0, 5));
	wire_seed("data-bound-frag", FZ_DATA,
		  put_data(p, 0, 2, 4, 3000, 1002, 700));
	/* The last of the most fragments, at the lowest seq it may have. */
	wire_seed("data-frag-max", FZ_DATA,
		  put_data(p, 0, LSGC_MAX_FRAGS - 1, LSGC_MAX_FRAGS,
			   LSGC_MAX_MSG, LSGC_MAX_FRAGS, 512));
	wire_seed("data-seq-max", FZ_DATA, put_data(p, 0, 0, 1, 3, seq_max, 3));
	wire_seed("data-view", FZ_DATA, put_data_view(p, 4));
	wire_seed("data-view-frag", FZ_DATA,
		  put_data(p, LSGC_DATA_VIEW, 1, 2,
			   lsgc_wire_view_len(LSGC_MAX_VIEW_MEMBERS), 20, 100));

	wire_seed("order-one", FZ_ORDER, put_order(p, 1, 1));
	wire_seed("order-max", FZ_ORDER,
		  put_order(p, LSGC_ORDER_MAX_ENTRIES, 1000));
	wire_seed("order-seq-max", FZ_ORDER, put_order(p, 1, seq_max));

	wire_seed("nak-one", FZ_NAK, put_nak(p, 1, 1));
	wire_seed("nak-span-max", FZ_NAK,
		  put_nak(p, 100, 100 + LSGC_NAK_MAX_SPAN - 1));

	wire_seed("fnak-one", FZ_FNAK, put_fnak(p, 2, 0, 0));
	wire_seed("fnak-max", FZ_FNAK,
		  put_fnak(p, LSGC_MAX_FRAGS, 0, LSGC_MAX_FRAGS - 1));

	wire_seed("heartbeat-member", FZ_HEARTBEAT, put_heartbeat(p, 10, 0, 0));
	wire_seed("heartbeat-leader", FZ_HEARTBEAT,
		  put_heartbeat(p, 20, 25, 15));
	wire_seed("heartbeat-max", FZ_HEARTBEAT,
		  put_heartbeat(p, U64_MAX, seq_max, seq_max));

	wire_seed("join-req", FZ_JOIN_REQ, put_join(p, LSGC_T_JOIN_REQ, 0));
	wire_seed("join-ack", FZ_JOIN_ACK, put_join(p, LSGC_T_JOIN_ACK, 0));
	wire_seed("join-nak", FZ_JOIN_NAK,
		  put_join(p, LSGC_T_JOIN_NAK, EADDRINUSE));
	wire_seed("join-nak-reason-max", FZ_JOIN_NAK,
		  put_join(p, LSGC_T_JOIN_NAK, 4095));

	wire_seed("member-ref-leave", FZ_MEMBER_REF, put_member_ref(p, 4, 0));
	wire_seed("member-ref-expel", FZ_MEMBER_REF,
		  put_member_ref(p, 4, ETIMEDOUT));
	wire_seed("member-ref-reason-max", FZ_MEMBER_REF,
		  put_member_ref(p, U32_MAX, 4095));

	wire_seed("join-sack", FZ_JOIN_SACK, put_join(p, LSGC_T_JOIN_SACK, 0));
	wire_seed("join-token", FZ_JOIN_TOKEN,
		  put_join(p, LSGC_T_JOIN_TOKEN, 0));
	wire_seed("token", FZ_TOKEN, put_token(p, 7, 1));
	wire_seed("token-max", FZ_TOKEN, put_token(p, U64_MAX, U32_MAX));
	wire_seed("view-keys-none", FZ_VIEW_KEYS, put_view_keys(p, 0));
	wire_seed("view-keys-three", FZ_VIEW_KEYS, put_view_keys(p, 3));
	{
		size_t vl = put_view(p, 9, 4, 1);

		wire_seed("view-msg", FZ_VIEW_MSG, vl + put_view_keys(p + vl, 3));
	}
	wire_seed("view-one", FZ_VIEW, put_view(p, 1, 1, 1));
	wire_seed("view-three", FZ_VIEW, put_view(p, 8, 3, 4));
	wire_seed("view-max", FZ_VIEW,
		  put_view(p, U64_MAX, LSGC_MAX_VIEW_MEMBERS,
			   1 + 3 * (LSGC_MAX_VIEW_MEMBERS - 1)));
}

/* fuzz_replay inputs: records as enum fz_replay_op describes them. */

static size_t rlen;

static void rec(enum fz_replay_op op, u64 operand)
{
	static const unsigned int len[FZ_R_NOPS] = {
		[FZ_R_NEAR] = 2, [FZ_R_OLD] = 2, [FZ_R_EDGE] = 1,
		[FZ_R_JUMP] = 1, [FZ_R_AGAIN] = 1, [FZ_R_ABS] = 8,
	};
	unsigned int i;

	buf[rlen++] = op;
	for (i = len[op]; i; i--)
		buf[rlen++] = operand >> (8 * (i - 1));
}

static void replay_seed(const char *name)
{
	write_seed("fuzz_replay", name, buf, rlen);
	rlen = 0;
}

static void replay_seeds(void)
{
	unsigned int i;

	/* In order, across more than a window. */
	for (i = 0; i < LSGC_REPLAY_WINDOW + 200; i++)
		rec(FZ_R_NEXT, 0);
	replay_seed("in-order");

	/* Reordered a little, with duplicates, as netem makes it. */
	rec(FZ_R_ABS, 1000);
	for (i = 0; i < 200; i++)
		rec(FZ_R_NEAR, (u16)((int)(i * 7 % 11) - 5));
	replay_seed("reordered");

	/* Replays of recent packets. */
	for (i = 0; i < 20; i++)
		rec(FZ_R_NEXT, 0);
	for (i = 0; i < 20; i++)
		rec(FZ_R_AGAIN, i);
	replay_seed("replayed");

	/* Around the window's old edge: top - 1025 ... top - 1023. */
	rec(FZ_R_ABS, 5000);
	rec(FZ_R_EDGE, (u8)-1);
	rec(FZ_R_EDGE, 0);
	rec(FZ_R_EDGE, 1);
	rec(FZ_R_EDGE, 1);
	rec(FZ_R_OLD, LSGC_REPLAY_WINDOW - 1);
	replay_seed("window-edge");

	/* Slides of just under, exactly and just over a window. */
	rec(FZ_R_ABS, 77);
	rec(FZ_R_NEAR, LSGC_REPLAY_WINDOW - 1);
	rec(FZ_R_OLD, 1);
	rec(FZ_R_NEAR, LSGC_REPLAY_WINDOW);
	rec(FZ_R_OLD, LSGC_REPLAY_WINDOW - 1);
	rec(FZ_R_NEAR, LSGC_REPLAY_WINDOW + 1);
	rec(FZ_R_AGAIN, 3);
	replay_seed("slide");

	/* Around the largest plausible jump. */
	rec(FZ_R_ABS, 7);
	rec(FZ_R_JUMP, 1);
	rec(FZ_R_JUMP, 0);
	rec(FZ_R_NEXT, 0);
	rec(FZ_R_JUMP, (u8)-1);
	replay_seed("jump");

	/* Counter 0, then a first counter near the end of the space. */
	rec(FZ_R_ABS, 0);
	rec(FZ_R_ABS, U64_MAX - 2);
	for (i = 0; i < 4; i++)
		rec(FZ_R_NEXT, 0);
	rec(FZ_R_OLD, 1);
	replay_seed("zero-and-wrap");
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	outdir = argv[1];
	if (mkdir(outdir, 0755) && errno != EEXIST) {
		perror(outdir);
		return 1;
	}
	wire_seeds();
	replay_seeds();
	printf("mkseeds: %u seeds in %s\n", nseeds, outdir);
	return 0;
}
