#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A receiving member's process stopped (SIGSTOP) far longer than the
# heartbeat timeout while two others send (issue 15).  Its kernel timer
# keeps heartbeating, so it is not silent: it is stuck (its small receive
# buffer full, its acknowledgment frozen, the backlog full): the leader
# expels it as stuck, exactly once (expelled 1, expelled_stuck 1,
# expelled_silent 0), the others go on in one total order.  While still
# stopped, its membership is already FAILED in the kernel (it heard the
# EXPEL or the view); after SIGCONT its application drains what was
# queued and then learns it: recv and send ECONNRESET, EPOLLERR|EPOLLHUP,
# LSGC_STATE FAILED, SO_ERROR ECONNRESET (exit 6), never a MEMBER for ever.
. "$(dirname "$0")/group_lib.sh"

N=${GRP_N:-300}
RATE=${GRP_RATE:-20}
HB=${GRP_HB_TIMEOUT:-2000}
ktap_plan 9
grp_init 4
grp_sysctl_all heartbeat_timeout_ms "$HB" && grp_sysctl_all backlog 64 ||
	{ ktap_fail "sysctls"; ktap_finish; }
done_when=(-X "s1:$N" -X "s2:$N" -W st -H -t 400000)
grp_member s1 1 -c -n "$N" -r "$RATE" -m 4 "${done_when[@]}"
grp_wait s1 joined 30
grp_member s2 2 -n "$N" -r "$RATE" -m 4 -w poll "${done_when[@]}"
grp_member r1 3 "${done_when[@]}"
grp_member st 4 -b 16384 -t 400000
ktap_check "four members formed the group" grp_wait_all ready 60 s1 s2 r1 st
grp_wait_data st $((N / 10)) 120
kill -STOP "$(grp_pid st)"
t0=$SECONDS
ktap_diag "st stopped after $(grp_count st D) records"
# Expelled at the leader: a view without st in the others' logs.
expelled_view() { [ -n "$(grp_view_without s1 st)" ] && [ -n "$(grp_view_without r1 st)" ]; }
if lsgc_wait_for $((240 * GRP_SCALE)) expelled_view; then
	ktap_ok "the others installed a view without the stopped member"
else
	ktap_fail "the others installed a view without the stopped member"
fi
ktap_diag "view without st $((SECONDS - t0)) s after SIGSTOP; st's kernel state: $(grp_state 4)"
sleep 1
ktap_check "the stopped member's membership is FAILED in the kernel before SIGCONT" \
	test "$(grp_state 4)" = failed
kill -CONT "$(grp_pid st)"
grp_reap st 60
ktap_check "after SIGCONT st drains, then recv/send ECONNRESET, EPOLLERR|EPOLLHUP, LSGC_STATE FAILED, SO_ERROR ECONNRESET" \
	grp_lost_report st
all=(s1 s2 r1)
ktap_check "the others delivered everything" grp_wait_all done 240 "${all[@]}"
grp_diag_stats_all
ktap_check "the leader expelled exactly one member, as stuck" \
	grp_expect_stats 1 expelled=1 expelled_stuck=1 expelled_silent=0
grp_stop_all
if grp_expect_exit 0 "${all[@]}"; then
	ktap_ok "the others exited 0"
else
	grp_diag "${all[@]}"
	ktap_fail "the others exited 0"
fi
ktap_check "identical total order, st's log a prefix" \
	grp_order_check --data $((2 * N)) --sent "s1=$N" --sent "s2=$N" \
	"$W/s1.log:full" "$W/s2.log:full" "$W/r1.log:full" "$W/st.log:leave"
grp_check_clean
ktap_finish
