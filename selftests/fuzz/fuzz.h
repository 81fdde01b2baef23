/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the harnesses and the seed generator (mkseeds.c) agree on: the
 * layout of the fuzz inputs, and FZ_CHECK(), which turns a broken
 * invariant into an abort() that libFuzzer reports as a crash.
 */
#ifndef _LSGC_FUZZ_H
#define _LSGC_FUZZ_H

#include <stdio.h>
#include <stdlib.h>

/*
 * fuzz_wire: the first byte of an input (modulo FZ_NSEL) picks what the
 * rest is fed to.  FZ_PACKET is a whole packet, header then body, parsed
 * as the receive path does.
 */
enum fz_wire_sel {
	FZ_HDR,
	FZ_DATA,	/* and its payload as a view, if it is a whole one */
	FZ_ORDER,	/* and every entry */
	FZ_NAK,
	FZ_HEARTBEAT,
	FZ_JOIN_REQ,
	FZ_JOIN_ACK,
	FZ_JOIN_NAK,
	FZ_MEMBER_REF,	/* LEAVE and EXPEL */
	FZ_VIEW,	/* and every entry */
	FZ_PACKET,
	FZ_JOIN_SACK,	/* the clear part of a sealed admission */
	FZ_VIEW_KEYS,	/* a view's key block, and every entry */
	FZ_VIEW_MSG,	/* a secure view message: view, then key block */
	FZ_FNAK,
	FZ_JOIN_TOKEN,	/* the clear part of a sealed token grant */
	FZ_TOKEN,	/* a joiner's token, and its associated data */
	FZ_NSEL
};

/*
 * fuzz_replay: a sequence of records, each an opcode byte (modulo
 * FZ_R_NOPS) and its operand, big endian; a truncated last record is
 * ignored.  Most opcodes are relative to the highest counter accepted so
 * far ("top"), since that is where real traffic and real attacks are:
 * in order, reordered a little, replayed, at the window's edge, or one
 * big forged jump.
 */
enum fz_replay_op {
	FZ_R_NEXT,	/* no operand: top + 1 */
	FZ_R_NEAR,	/* s16: top + d */
	FZ_R_OLD,	/* u16: top - d */
	FZ_R_EDGE,	/* s8: top - LSGC_REPLAY_WINDOW + d */
	FZ_R_JUMP,	/* s8: top + U32_MAX + d */
	FZ_R_AGAIN,	/* u8: the counter fed d + 1 records ago, again */
	FZ_R_ABS,	/* u64: that counter */
	FZ_R_NOPS
};

/* Records of one fuzz_replay input that are looked at. */
#define FZ_REPLAY_MAX	4096

#define FZ_CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: %s: invariant broken: %s\n", \
				__FILE__, __LINE__, __func__, #cond);	\
			abort();					\
		}							\
	} while (0)

#endif /* _LSGC_FUZZ_H */
