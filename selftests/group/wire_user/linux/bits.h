/* SPDX-License-Identifier: GPL-2.0 */
/* net/lsgc/messages.h includes <linux/bits.h>; wire_user.h defines BIT(). */
#ifndef _LSGC_WIRE_USER_BITS_H
#define _LSGC_WIRE_USER_BITS_H
#endif
