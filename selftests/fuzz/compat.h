/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Just enough of the kernel's environment, in userspace, to build
 * net/lsgc/wire.c and net/lsgc/replay.c unchanged into the fuzz harnesses
 * and into the group selftests that forge packets (selftests/group).
 * It is force-included (-include) before anything else, so it stands in
 * for the headers those files pull in under #ifdef __KERNEL__.
 *
 * Everything here is written for clarity, not speed: a mistake in this
 * file would hide a bug of the code under test or invent one, so each
 * helper does the obvious thing byte by byte or bit by bit.
 */
#ifndef _LSGC_FUZZ_COMPAT_H
#define _LSGC_FUZZ_COMPAT_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <linux/types.h>	/* the uapi __u8 ... __be64, as the kernel's */

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s8 s8;
typedef __s16 s16;
typedef __s32 s32;
typedef __s64 s64;

#define __packed	__attribute__((__packed__))

#define U8_MAX		((u8)~0U)
#define U16_MAX		((u16)~0U)
#define U32_MAX		((u32)~0U)
#define U64_MAX		((u64)~0ULL)

#define BITS_PER_LONG		(8 * sizeof(unsigned long))
#define BIT(nr)			(1UL << (nr))
#define BIT_WORD(nr)		((nr) / BITS_PER_LONG)
#define BIT_MASK(nr)		(1UL << ((nr) % BITS_PER_LONG))
#define BITS_TO_LONGS(nr)	(((nr) + BITS_PER_LONG - 1) / BITS_PER_LONG)

/* <asm/unaligned.h>: big-endian loads and stores at any address. */
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

static inline void put_unaligned_be16(u16 val, void *p)
{
	u8 *b = p;

	b[0] = (u8)(val >> 8);
	b[1] = (u8)val;
}

static inline void put_unaligned_be32(u32 val, void *p)
{
	u8 *b = p;

	b[0] = (u8)(val >> 24);
	b[1] = (u8)(val >> 16);
	b[2] = (u8)(val >> 8);
	b[3] = (u8)val;
}

static inline void put_unaligned_be64(u64 val, void *p)
{
	u8 *b = p;

	put_unaligned_be32((u32)(val >> 32), b);
	put_unaligned_be32((u32)val, b + 4);
}

/*
 * <linux/bitops.h> and <linux/bitmap.h>: the non-atomic forms, which is
 * what replay.c uses (its caller holds the member's lock).
 */
static inline void __set_bit(unsigned long nr, unsigned long *addr)
{
	addr[BIT_WORD(nr)] |= BIT_MASK(nr);
}

static inline void __clear_bit(unsigned long nr, unsigned long *addr)
{
	addr[BIT_WORD(nr)] &= ~BIT_MASK(nr);
}

static inline bool __test_and_set_bit(unsigned long nr, unsigned long *addr)
{
	unsigned long old = addr[BIT_WORD(nr)];

	addr[BIT_WORD(nr)] = old | BIT_MASK(nr);
	return old & BIT_MASK(nr);
}

static inline void bitmap_zero(unsigned long *dst, unsigned int nbits)
{
	memset(dst, 0, BITS_TO_LONGS(nbits) * sizeof(unsigned long));
}

#endif /* _LSGC_FUZZ_COMPAT_H */
