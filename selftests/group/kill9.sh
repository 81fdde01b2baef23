#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A member killed with SIGKILL while it and others send.  The leader finds
# the failure by heartbeats and installs a view without it; the survivors
# agree on everything, including which of the dead member's messages were
# delivered (a prefix of what it sent, the same at every survivor), and go
# on delivering.
. "$(dirname "$0")/group_lib.sh"

N=${GRP_N:-400}
RATE=${GRP_RATE:-40}
ktap_plan 6
grp_init 4
done_when=(-X "s1:$N" -X "s2:$N" -W k -H -t 240000)
grp_member s1 1 -c -n "$N" -r "$RATE" -m 4 "${done_when[@]}"
grp_wait s1 joined 30
grp_member s2 2 -n "$N" -r "$RATE" -m 4 -w poll "${done_when[@]}"
grp_member r1 3 "${done_when[@]}"
grp_member k 4 -n 1000000 -r "$RATE" -m 4 -t 240000
ktap_check "four members formed the group" grp_wait_all ready 60 s1 s2 r1 k
grp_wait_data r1 $((N / 3)) 120
grp_kill9 k
t0=$SECONDS
all=(s1 s2 r1)
ktap_check "survivors installed a view without the killed member and delivered everything" \
	grp_wait_all done 240 "${all[@]}"
kv=$(grp_view_without s1 k)
ktap_diag "view without k at s1 log line ${kv:-none}, done $((SECONDS - t0)) s after the kill; k's messages delivered: $(grep -c ' k/' "$W/s1.log")"
grp_stop_all
if grp_expect_exit 0 "${all[@]}"; then
	ktap_ok "survivors exited 0"
else
	grp_diag "${all[@]}"
	ktap_fail "survivors exited 0"
fi
ktap_check "total order at the survivors, the killed member's log a prefix" \
	grp_order_check --sent "s1=$N" --sent "s2=$N" \
	"$W/s1.log:full" "$W/s2.log:full" "$W/r1.log:full" "$W/k.log:leave"
if [ -n "$kv" ] && [ "$(grp_data_after s1 "$kv")" -gt 0 ]; then
	ktap_ok "traffic went on after the failure"
else
	ktap_fail "traffic went on after the failure"
fi
grp_diag_stats_all
grp_check_clean
ktap_finish
