#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Several members in one namespace: s2, s3 and r3 share namespace 2 (one
# transport socket, demultiplexed), s1 leads from namespace 1.  Everyone
# delivers the same complete total order.
. "$(dirname "$0")/group_lib.sh"

N=${GRP_N:-300}
ktap_plan 5
grp_init 2
common=(-m 4 -E $((3 * N)) -H -t 240000)
grp_member s1 1 -c -n "$N" "${common[@]}"
grp_wait s1 joined 30
grp_member s2 2 -n "$N" "${common[@]}"
grp_member s3 2 -n "$N" -w poll "${common[@]}"
grp_member r3 2 "${common[@]}"
all=(s1 s2 s3 r3)
ktap_check "four members, three of them in one namespace, formed the group" \
	grp_wait_all ready 60 "${all[@]}"
ktap_check "every member delivered $((3 * N)) messages" grp_wait_all done 240 "${all[@]}"
grp_stop_all
if grp_expect_exit 0 "${all[@]}"; then
	ktap_ok "every member exited 0"
else
	grp_diag "${all[@]}"
	ktap_fail "every member exited 0"
fi
ktap_check "identical total order" grp_order_check --data $((3 * N)) \
	--sent "s1=$N" --sent "s2=$N" --sent "s3=$N" \
	"$W/s1.log" "$W/s2.log" "$W/s3.log" "$W/r3.log"
grp_diag_stats_all
grp_check_clean
ktap_finish
