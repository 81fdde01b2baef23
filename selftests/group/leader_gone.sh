#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The leader killed with SIGKILL while traffic flows.  Until leader
# failover exists, every other member must report the lost membership:
# ECONNRESET from recv once the queue is drained and from send (EPIPE is
# only for a socket shut down for writing), EPOLLERR|EPOLLHUP from poll,
# on both channels.  What they delivered
# before must still agree: every log a prefix of one total order.
. "$(dirname "$0")/group_lib.sh"

N=${GRP_N:-400}
RATE=${GRP_RATE:-40}
ktap_plan 6
grp_init 4
grp_member s1 1 -c -n 1000000 -r "$RATE" -m 4 -t 240000
grp_wait s1 joined 30
grp_member s2 2 -n 1000000 -r "$RATE" -m 4 -w poll -t 240000
grp_member r1 3 -C both -t 240000
grp_member r2 4 -t 240000
ktap_check "four members formed the group" grp_wait_all ready 60 s1 s2 r1 r2
grp_wait_data r1 $((N / 4)) 120
grp_kill9 s1
t0=$SECONDS
for m in s2 r1 r2; do grp_reap "$m" 60; done
ktap_diag "exits $(grp_exit s2) $(grp_exit r1) $(grp_exit r2), $((SECONDS - t0)) s after the kill"
if grp_expect_exit 6 s2 r1 r2; then
	ktap_ok "every member reports the lost membership (exit 6)"
else
	grp_diag s2 r1 r2
	ktap_fail "every member reports the lost membership (exit 6)"
fi
lost_ok() {
	local m=$1 ch=$2 p r s
	p=$(awk -v ch="$ch" '$1 == "E" && $2 == "poll" && $3 == ch { print $4 }' "$W/$m.log")
	r=$(awk -v ch="$ch" '$1 == "E" && $2 == "recv" && $3 == ch { print $4 }' "$W/$m.log")
	s=$(awk -v ch="$ch" '$1 == "E" && $2 == "send" && $3 == ch { print $4 }' "$W/$m.log")
	[ -n "$p" ] && (( (p & 0x18) == 0x18 )) && [ "$r" = ECONNRESET ] &&
		[ "$s" = ECONNRESET ] ||
		{ echo "$m $ch: poll ${p:-none} recv ${r:-none} send ${s:-none}"; return 1; }
}
all_lost() { lost_ok s2 seq && lost_ok r1 seq && lost_ok r2 seq; }
ktap_check "SEQPACKET sockets: EPOLLERR|EPOLLHUP, recv ECONNRESET, send ECONNRESET" all_lost
ktap_check "DGRAM socket sharing the membership reports it too" lost_ok r1 dgram
ktap_check "what was delivered before agrees (prefixes of one total order)" \
	grp_order_check "$W/s1.log:leave" "$W/s2.log:leave" "$W/r1.log:leave" "$W/r2.log:leave"
grp_diag_stats_all
grp_check_clean
ktap_finish
