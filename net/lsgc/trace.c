// SPDX-License-Identifier: GPL-2.0
/*
 * Instantiates the tracepoints declared in trace.h.  Kbuild builds this
 * file with -I$(src), since define_trace.h includes trace.h again by
 * name.
 */
#define CREATE_TRACE_POINTS
#include "trace.h"

/**
 * lsgc_trace_drop - report a dropped packet to the lsgc_drop tracepoint
 * @m: the membership that dropped it, or NULL before one was found
 * @reason: the LSGC_STAT_DROP_* counter it is counted under
 *
 * Out of line so that the inline counter helpers of lsgc.h can call it
 * without including the trace header.
 */
void lsgc_trace_drop(const struct lsgc_member *m, enum lsgc_stat reason)
{
	trace_lsgc_drop(m, reason);
}
