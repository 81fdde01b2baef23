/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for the kernel's <linux/bits.h>, which net/lsgc/messages.h
 * includes and userspace does not have: BIT() and friends are already
 * defined by the force-included compat.h.
 */
