#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Joins while traffic flows.  Two senders and a receiver form the group and
# start sending; a receive-only member joins after some of the traffic, a
# sending member after more.  The first three deliver everything; each
# joiner delivers exactly the suffix of the total order that starts at the
# view that admitted it; nothing sent is lost or duplicated.
. "$(dirname "$0")/group_lib.sh"

N=${GRP_N:-400}
# Joiners must come in while traffic flows: a slower kernel (the debug
# lane) gets slower traffic.
RATE=${GRP_RATE:-$((40 / ${LSGC_TIMEOUT_SCALE:-1}))}
NJ=60
ktap_plan 8
grp_init 5
grp_sysctl_all heartbeat_timeout_ms "${GRP_HB_TIMEOUT:-3000}" || exit 1
done_when=(-X "s1:$N" -X "s2:$N" -X "j2:$NJ" -H -t 240000)
grp_member s1 1 -c -n "$N" -r "$RATE" -m 3 "${done_when[@]}"
grp_wait s1 joined 30
grp_member s2 2 -n "$N" -r "$RATE" -m 3 -w poll "${done_when[@]}"
grp_member r1 3 "${done_when[@]}"
ktap_check "three members formed the group" grp_wait_all ready 60 s1 s2 r1

grp_wait_data r1 $((N / 4)) 120
grp_member j1 4 "${done_when[@]}"
ktap_check "a receive-only member joined while traffic flowed" grp_wait j1 joined 60
grp_wait_data r1 $((N / 2)) 120
grp_member j2 5 -n "$NJ" -r "$RATE" "${done_when[@]}"
ktap_check "a sending member joined while traffic flowed" grp_wait j2 joined 60

all=(s1 s2 r1 j1 j2)
if grp_wait_all done 240 "${all[@]}"; then
	ktap_ok "every member delivered up to the last message of every sender"
else
	for m in "${all[@]}"; do ktap_diag "$m: $(grp_count "$m" D) data records"; done
	ktap_fail "every member delivered up to the last message of every sender"
fi
grp_stop_all
if grp_expect_exit 0 "${all[@]}"; then
	ktap_ok "every member exited 0"
else
	grp_diag "${all[@]}"
	ktap_fail "every member exited 0"
fi
# The joiners' first views came after data was delivered: they joined a
# group in motion, and data followed their views.
j1v=$(sed -n 's/^V \([0-9]*\) .*j1.*/\1/p' "$W/j1.log" | head -n 1)
j2v=$(sed -n 's/^V \([0-9]*\) .*j2.*/\1/p' "$W/j2.log" | head -n 1)
ktap_diag "j1 admitted in view ${j1v:-none}, j2 in view ${j2v:-none}; j1 delivered $(grp_count j1 D), j2 $(grp_count j2 D), s1 $(grp_count s1 D)"
ktap_check "total order: members from the start have everything, joiners the suffix from their view" \
	grp_order_check --data $((2 * N + NJ)) --sent "s1=$N" --sent "s2=$N" --sent "j2=$NJ" \
	"$W/s1.log:full" "$W/s2.log:full" "$W/r1.log:full" "$W/j1.log:join" "$W/j2.log:join"
check_mid() {
	local first_d joinv
	first_d=$(grp_first_line s1 '^D ')
	joinv=$(grp_first_line s1 "^V $1 ")
	[ "$first_d" -gt 0 ] && [ "$joinv" -gt "$first_d" ] &&
		[ "$(grp_data_after s1 "$joinv")" -gt 0 ] && [ "$(grp_count "$2" D)" -gt 0 ] ||
		{ echo "s1 log: first data at line $first_d, view $1 at line $joinv; $2 delivered $(grp_count "$2" D)"; return 1; }
}
if check_mid "${j1v:-x}" j1 && check_mid "${j2v:-x}" j2; then
	ktap_ok "both joins happened while traffic flowed"
else
	ktap_fail "both joins happened while traffic flowed"
fi
grp_diag_stats_all
grp_check_clean
ktap_finish
