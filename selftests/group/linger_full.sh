#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A closing member whose receive queue is full (issue 15, found by
# close_linger.sh in CI): c never reads (-P) with a tiny SO_RCVBUF, so its
# delivery stops and, with it, the group's stability point; the leader's
# backlog (64, the minimum) fills with s's steady traffic and it stops
# binding.  Then c sends N messages and close()s.  Its linger must not
# wait on its own full queue: what is ordered while it lingers is
# consumed, stability moves, the leader binds c's messages, and c leaves
# with all of them ordered.  Before the fix c lingered its whole limit
# (4 x T) and its messages were lost.
. "$(dirname "$0")/group_lib.sh"

N=${GRP_N:-20}
M=${GRP_M:-300}
ktap_plan 7
grp_init 3
grp_sysctl_all heartbeat_timeout_ms "${GRP_HB_TIMEOUT:-2000}" &&
	grp_sysctl_all backlog 64 ||
	{ ktap_fail "sysctls"; ktap_finish; }
stay=(L s)
touch "$W/pause.c"
grp_member L 1 -c -X "c:$N" -X "s:$M" -W c -H -t 300000
grp_wait L joined 30
grp_member s 2 -n "$M" -r 40 -s 1000 -m 2 -X "c:$N" -X "s:$M" -W c -H -t 300000
grp_member c 3 -n "$N" -s 1000 -D 4000 -b 4096 -P "$W/pause.c" -x -t 300000
ktap_check "three members formed the group" grp_wait_all ready 60 L s c
grp_reap c 120 || grp_diag c
ktap_diag "c: $(grep -h -E "^# (outq_at_close|closed_ms|sent|delivered)" "$W/c.log" | tr "\n" " ")"
ktap_check "c sent $N and exited 0 after close()" \
	sh -c "[ '$(grp_exit c)' = 0 ] && grep -qx '# sent $N' '$W/c.log'"
if grp_wait_all done 120 "${stay[@]}"; then
	ktap_ok "L and s delivered all of c and s and saw c leave"
else
	grp_diag L s c
	ktap_fail "L and s delivered all of c and s and saw c leave"
fi
grp_stop "${stay[@]}"
if grp_expect_exit 0 "${stay[@]}"; then
	ktap_ok "L and s exited 0"
else
	grp_diag "${stay[@]}"
	ktap_fail "L and s exited 0"
fi
ktap_check "exactly $((N + M)) messages in one total order, each sender's in order" \
	grp_order_check --data $((N + M)) --sent "c=$N" --sent "s=$M" \
	"$W/L.log:full" "$W/s.log:full" "$W/c.log:any"
grp_diag_stats_all
ktap_check "nobody expelled (c left), c's stall was real (rcvbuf_stalls > 0 in ns 3)" \
	sh -c "[ '$(grp_stat 1 expelled)' = 0 ] && [ '$(grp_stat 3 rcvbuf_stalls)' -gt 0 ]"
grp_check_clean
ktap_finish
