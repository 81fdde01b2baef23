/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of the lsgc module: the protocol's state transitions, for
 * `perf trace -e 'lsgc:*'` or /sys/kernel/tracing/events/lsgc/.  Every
 * event names the local membership by session and member number.
 *
 *   lsgc_join          a step of a join (request, answer, admission)
 *   lsgc_view_install  a view installed at a member
 *   lsgc_leave         the leader saw a member leave
 *   lsgc_expel         the leader expelled a member
 *   lsgc_member_fail   a membership ended against its will
 *   lsgc_nak_send      a member asked for a repair
 *   lsgc_nak_recv      a member heard a NAK (and whether it held back)
 *   lsgc_retransmit    a fragment sent again (repair or sender timeout)
 *   lsgc_rekey         the key epoch changed
 *   lsgc_drop          a packet dropped, with the counter that counts it
 *
 * trace.c instantiates them; every other file includes this header as is.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM lsgc

#if !defined(_NET_LSGC_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _NET_LSGC_TRACE_H

#include <linux/tracepoint.h>

#include "lsgc.h"

#ifndef _NET_LSGC_TRACE_ONCE
#define _NET_LSGC_TRACE_ONCE
/* Steps of a join, as lsgc_join reports them. */
enum lsgc_trace_join_step {
	LSGC_TRACE_JOIN_REQ_SENT,	/* joiner asked the group */
	LSGC_TRACE_JOIN_REQ_RECV,	/* leader heard a request */
	LSGC_TRACE_JOIN_ACK_SENT,	/* leader admitted the joiner */
	LSGC_TRACE_JOIN_NAK_SENT,	/* leader refused it */
	LSGC_TRACE_JOIN_ACK_RECV,	/* joiner learnt its member number */
	LSGC_TRACE_JOIN_NAK_RECV,	/* joiner was refused */
	LSGC_TRACE_TOKEN_SENT,		/* leader granted the joiner a token */
	LSGC_TRACE_TOKEN_RECV,		/* joiner opened its token */
};

void lsgc_trace_drop(const struct lsgc_member *m, enum lsgc_stat reason);
#endif

TRACE_DEFINE_ENUM(LSGC_TRACE_JOIN_REQ_SENT);
TRACE_DEFINE_ENUM(LSGC_TRACE_JOIN_REQ_RECV);
TRACE_DEFINE_ENUM(LSGC_TRACE_JOIN_ACK_SENT);
TRACE_DEFINE_ENUM(LSGC_TRACE_JOIN_NAK_SENT);
TRACE_DEFINE_ENUM(LSGC_TRACE_JOIN_ACK_RECV);
TRACE_DEFINE_ENUM(LSGC_TRACE_JOIN_NAK_RECV);
TRACE_DEFINE_ENUM(LSGC_TRACE_TOKEN_SENT);
TRACE_DEFINE_ENUM(LSGC_TRACE_TOKEN_RECV);

TRACE_DEFINE_ENUM(LSGC_STAT_DROP_MALFORMED);
TRACE_DEFINE_ENUM(LSGC_STAT_DROP_VERSION);
TRACE_DEFINE_ENUM(LSGC_STAT_DROP_SESSION);
TRACE_DEFINE_ENUM(LSGC_STAT_DROP_NOT_MEMBER);
TRACE_DEFINE_ENUM(LSGC_STAT_DROP_DUPLICATE);
TRACE_DEFINE_ENUM(LSGC_STAT_DROP_AUTH);
TRACE_DEFINE_ENUM(LSGC_STAT_DROP_UNKNOWN_EPOCH);
TRACE_DEFINE_ENUM(LSGC_STAT_DROP_BACKLOG);
TRACE_DEFINE_ENUM(LSGC_STAT_DROP_NOMEM);
TRACE_DEFINE_ENUM(LSGC_STAT_DROP_RCVBUF);
TRACE_DEFINE_ENUM(LSGC_STAT_DROP_STALE);
TRACE_DEFINE_ENUM(LSGC_STAT_DROP_REPLAY);
TRACE_DEFINE_ENUM(LSGC_STAT_DROP_FILTER);
TRACE_DEFINE_ENUM(LSGC_STAT_KDC_REJECTED);

TRACE_EVENT(lsgc_join,
	    TP_PROTO(const struct lsgc_member *m, int step, u32 member,
		     const u8 *id),
	    TP_ARGS(m, step, member, id),
	    TP_STRUCT__entry(__field(u32, session)
			     __field(u32, self)
			     __field(int, step)
			     __field(u32, member)
			     __array(u8, id, LSGC_ID_LEN)),
	    TP_fast_assign(__entry->session = m->session;
			   __entry->self = m->self;
			   __entry->step = step;
			   __entry->member = member;
			   memcpy(__entry->id, id, LSGC_ID_LEN);),
	    TP_printk("session=%08x self=%u step=%s member=%u id=%*phN",
		      __entry->session, __entry->self,
		      __print_symbolic(__entry->step,
				       { LSGC_TRACE_JOIN_REQ_SENT, "req_sent" },
				       { LSGC_TRACE_JOIN_REQ_RECV, "req_recv" },
				       { LSGC_TRACE_JOIN_ACK_SENT, "ack_sent" },
				       { LSGC_TRACE_JOIN_NAK_SENT, "nak_sent" },
				       { LSGC_TRACE_JOIN_ACK_RECV, "ack_recv" },
				       { LSGC_TRACE_JOIN_NAK_RECV, "nak_recv" },
				       { LSGC_TRACE_TOKEN_SENT, "token_sent" },
				       { LSGC_TRACE_TOKEN_RECV, "token_recv" }),
		      __entry->member, LSGC_ID_LEN, __entry->id)
);

TRACE_EVENT(lsgc_view_install,
	    TP_PROTO(const struct lsgc_member *m, u64 view_id, u32 leader,
		     unsigned int count, u64 seq),
	    TP_ARGS(m, view_id, leader, count, seq),
	    TP_STRUCT__entry(__field(u32, session)
			     __field(u32, self)
			     __field(u64, view_id)
			     __field(u32, leader)
			     __field(unsigned int, count)
			     __field(u64, seq)),
	    TP_fast_assign(__entry->session = m->session;
			   __entry->self = m->self;
			   __entry->view_id = view_id;
			   __entry->leader = leader;
			   __entry->count = count;
			   __entry->seq = seq;),
	    TP_printk("session=%08x self=%u view=%llu leader=%u members=%u seq=%llu",
		      __entry->session, __entry->self, __entry->view_id,
		      __entry->leader, __entry->count, __entry->seq)
);

DECLARE_EVENT_CLASS(lsgc_member_ref,
		    TP_PROTO(const struct lsgc_member *m, u32 member,
			     int reason),
		    TP_ARGS(m, member, reason),
		    TP_STRUCT__entry(__field(u32, session)
				     __field(u32, self)
				     __field(u32, member)
				     __field(int, reason)),
		    TP_fast_assign(__entry->session = m->session;
				   __entry->self = m->self;
				   __entry->member = member;
				   __entry->reason = reason;),
		    TP_printk("session=%08x self=%u member=%u reason=%d",
			      __entry->session, __entry->self,
			      __entry->member, __entry->reason)
);

DEFINE_EVENT(lsgc_member_ref, lsgc_leave,
	     TP_PROTO(const struct lsgc_member *m, u32 member, int reason),
	     TP_ARGS(m, member, reason)
);

DEFINE_EVENT(lsgc_member_ref, lsgc_expel,
	     TP_PROTO(const struct lsgc_member *m, u32 member, int reason),
	     TP_ARGS(m, member, reason)
);

DEFINE_EVENT(lsgc_member_ref, lsgc_member_fail,
	     TP_PROTO(const struct lsgc_member *m, u32 member, int reason),
	     TP_ARGS(m, member, reason)
);

TRACE_EVENT(lsgc_nak_send,
	    TP_PROTO(const struct lsgc_member *m, u64 from, u64 to),
	    TP_ARGS(m, from, to),
	    TP_STRUCT__entry(__field(u32, session)
			     __field(u32, self)
			     __field(u64, from)
			     __field(u64, to)),
	    TP_fast_assign(__entry->session = m->session;
			   __entry->self = m->self;
			   __entry->from = from;
			   __entry->to = to;),
	    TP_printk("session=%08x self=%u from=%llu to=%llu",
		      __entry->session, __entry->self, __entry->from,
		      __entry->to)
);

TRACE_EVENT(lsgc_nak_recv,
	    TP_PROTO(const struct lsgc_member *m, u32 sender, u64 from,
		     u64 to, bool suppressed),
	    TP_ARGS(m, sender, from, to, suppressed),
	    TP_STRUCT__entry(__field(u32, session)
			     __field(u32, self)
			     __field(u32, sender)
			     __field(u64, from)
			     __field(u64, to)
			     __field(bool, suppressed)),
	    TP_fast_assign(__entry->session = m->session;
			   __entry->self = m->self;
			   __entry->sender = sender;
			   __entry->from = from;
			   __entry->to = to;
			   __entry->suppressed = suppressed;),
	    TP_printk("session=%08x self=%u sender=%u from=%llu to=%llu%s",
		      __entry->session, __entry->self, __entry->sender,
		      __entry->from, __entry->to,
		      __entry->suppressed ? " suppressed" : "")
);

TRACE_EVENT(lsgc_retransmit,
	    TP_PROTO(const struct lsgc_member *m, u32 origin, u32 msg_no,
		     u64 seq, unsigned int frag, bool repair),
	    TP_ARGS(m, origin, msg_no, seq, frag, repair),
	    TP_STRUCT__entry(__field(u32, session)
			     __field(u32, self)
			     __field(u32, origin)
			     __field(u32, msg_no)
			     __field(u64, seq)
			     __field(unsigned int, frag)
			     __field(bool, repair)),
	    TP_fast_assign(__entry->session = m->session;
			   __entry->self = m->self;
			   __entry->origin = origin;
			   __entry->msg_no = msg_no;
			   __entry->seq = seq;
			   __entry->frag = frag;
			   __entry->repair = repair;),
	    TP_printk("session=%08x self=%u origin=%u msg=%u seq=%llu frag=%u %s",
		      __entry->session, __entry->self, __entry->origin,
		      __entry->msg_no, __entry->seq, __entry->frag,
		      __entry->repair ? "repair" : "sender")
);

TRACE_EVENT(lsgc_rekey,
	    TP_PROTO(const struct lsgc_member *m, u32 old_epoch,
		     u32 new_epoch),
	    TP_ARGS(m, old_epoch, new_epoch),
	    TP_STRUCT__entry(__field(u32, session)
			     __field(u32, self)
			     __field(u32, old_epoch)
			     __field(u32, new_epoch)),
	    TP_fast_assign(__entry->session = m->session;
			   __entry->self = m->self;
			   __entry->old_epoch = old_epoch;
			   __entry->new_epoch = new_epoch;),
	    TP_printk("session=%08x self=%u epoch=%u->%u",
		      __entry->session, __entry->self, __entry->old_epoch,
		      __entry->new_epoch)
);

TRACE_EVENT(lsgc_drop,
	    TP_PROTO(const struct lsgc_member *m, int reason),
	    TP_ARGS(m, reason),
	    TP_STRUCT__entry(__field(u32, session)
			     __field(u32, self)
			     __field(int, reason)),
	    TP_fast_assign(__entry->session = m ? m->session : 0;
			   __entry->self = m ? m->self : 0;
			   __entry->reason = reason;),
	    TP_printk("session=%08x self=%u reason=%s",
		      __entry->session, __entry->self,
		      __print_symbolic(__entry->reason,
				       { LSGC_STAT_DROP_MALFORMED, "malformed" },
				       { LSGC_STAT_DROP_VERSION, "version" },
				       { LSGC_STAT_DROP_SESSION, "session" },
				       { LSGC_STAT_DROP_NOT_MEMBER, "not_member" },
				       { LSGC_STAT_DROP_DUPLICATE, "duplicate" },
				       { LSGC_STAT_DROP_AUTH, "auth" },
				       { LSGC_STAT_DROP_UNKNOWN_EPOCH, "unknown_epoch" },
				       { LSGC_STAT_DROP_BACKLOG, "backlog" },
				       { LSGC_STAT_DROP_NOMEM, "nomem" },
				       { LSGC_STAT_DROP_RCVBUF, "rcvbuf" },
				       { LSGC_STAT_DROP_STALE, "stale" },
				       { LSGC_STAT_DROP_REPLAY, "replay" },
				       { LSGC_STAT_DROP_FILTER, "filter" },
				       { LSGC_STAT_KDC_REJECTED, "kdc_rejected" }))
);

#endif /* _NET_LSGC_TRACE_H */

/* This part must be outside the include guard. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
