#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# msg_no wraps (issue 15): the module loaded with msg_no_start=4294967200,
# so every sender's message numbers pass 2^32 - 1 and wrap to 1 after 96
# messages.  Three senders send a few hundred messages each under 2% loss
# (sender retransmissions and repairs compare numbers across the wrap):
# identical total order at all four members, every message exactly once
# in its sender's order, nobody expelled, no stall.
. "$(dirname "$0")/group_lib.sh"

N=${GRP_N:-300}
RATE=${GRP_RATE:-30}
START=${GRP_MSG_NO_START:-4294967200}
ktap_plan 8
if lsgc_loaded; then
	lsgc_unload_wait 10 || { ktap_fail "unload the module to reload it"; ktap_finish; }
fi
lsgc_load msg_no_start="$START" || { ktap_fail "load with msg_no_start=$START"; ktap_finish; }
ktap_check "msg_no_start in force is $START" \
	test "$(cat "$LSGC_SYSFS/parameters/msg_no_start")" = "$START"
grp_init 4
grp_sysctl_all heartbeat_timeout_ms "${GRP_HB_TIMEOUT:-3000}" ||
	{ ktap_fail "sysctls"; ktap_finish; }
grp_netem_ports loss 2% || { ktap_fail "netem"; ktap_finish; }
all=(s1 s2 s3 r)
common=(-m 4 -X "s1:$N" -X "s2:$N" -X "s3:$N" -H -t 400000)
grp_member s1 1 -c -n "$N" -r "$RATE" -s 1-3000 "${common[@]}"
grp_wait s1 joined 30
grp_member s2 2 -n "$N" -r "$RATE" -s 1-3000 "${common[@]}"
grp_member s3 3 -n "$N" -r "$RATE" -s 1-3000 -w poll "${common[@]}"
grp_member r 4 "${common[@]}"
ktap_check "four members formed the group" grp_wait_all ready 60 "${all[@]}"
ktap_check "every member delivered all $((3 * N)) messages (no stall at the wrap)" \
	grp_wait_all done 300 "${all[@]}"
grp_stop_all
if grp_expect_exit 0 "${all[@]}"; then
	ktap_ok "every member exited 0"
else
	grp_diag "${all[@]}"
	ktap_fail "every member exited 0"
fi
args=()
for m in "${all[@]}"; do args+=("$W/$m.log:full"); done
ktap_check "identical total order, each sender's $N messages once and in order" \
	grp_order_check --data $((3 * N)) --sent "s1=$N" --sent "s2=$N" --sent "s3=$N" "${args[@]}"
grp_diag_stats_all
ktap_check "nobody expelled" grp_expect_stats 1 expelled=0
ktap_check "every sender's messages were sent (data_sent $N in each sender's namespace)" \
	sh -c "[ '$(grp_stat 1 data_sent)' = $N ] && [ '$(grp_stat 2 data_sent)' = $N ] && [ '$(grp_stat 3 data_sent)' = $N ]"
grp_check_clean
ktap_finish
