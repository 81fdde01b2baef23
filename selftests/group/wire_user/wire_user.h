/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Force-included (-include) before net/lsgc/wire.c and its headers so that
 * the module's own parsers and builders of the wire format build into the
 * test programs unchanged: a test that forges packets uses exactly the
 * layout the module uses, and a change of the wire format cannot leave a
 * hand-written copy behind.
 */
#ifndef _LSGC_WIRE_USER_H
#define _LSGC_WIRE_USER_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <linux/types.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;

#define __packed	__attribute__((__packed__))
#define U32_MAX		((u32)~0U)
#define U64_MAX		((u64)~0ULL)
#define BIT(nr)		(1UL << (nr))

static inline u16 get_unaligned_be16(const void *p)
{
	const u8 *b = p;

	return (u16)(b[0] << 8 | b[1]);
}

static inline u32 get_unaligned_be32(const void *p)
{
	const u8 *b = p;

	return (u32)b[0] << 24 | (u32)b[1] << 16 | (u32)b[2] << 8 | b[3];
}

static inline u64 get_unaligned_be64(const void *p)
{
	const u8 *b = p;

	return (u64)get_unaligned_be32(b) << 32 | get_unaligned_be32(b + 4);
}

static inline void put_unaligned_be16(u16 v, void *p)
{
	u8 *b = p;

	b[0] = v >> 8;
	b[1] = v;
}

static inline void put_unaligned_be32(u32 v, void *p)
{
	u8 *b = p;

	b[0] = v >> 24;
	b[1] = v >> 16;
	b[2] = v >> 8;
	b[3] = v;
}

static inline void put_unaligned_be64(u64 v, void *p)
{
	put_unaligned_be32(v >> 32, p);
	put_unaligned_be32(v, (u8 *)p + 4);
}

#endif /* _LSGC_WIRE_USER_H */
