#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Leaves while traffic flows.  Two senders and a receiver stay for the whole
# run; a sender leaves (LSGC_LEAVE) once its own last message came back in
# the total order, and a receiver closes its socket halfway.  Survivors
# deliver everything, including every message of the leaver, and install
# views without the two; the leavers' logs are prefixes of the survivors'.
# The sender checks what LSGC_LEAVE did (0, then its sockets detached) and
# keeps them open afterwards, so the view without it must come from the
# LEAVE and not from a close().
. "$(dirname "$0")/group_lib.sh"

N=${GRP_N:-400}
RATE=${GRP_RATE:-40}
NL=80
ktap_plan 9
grp_init 5
grp_sysctl_all heartbeat_timeout_ms "${GRP_HB_TIMEOUT:-3000}" || exit 1
stay=(-X "s1:$N" -X "s2:$N" -X "lv:$NL" -W lv -W rc -H -t 240000)
grp_member s1 1 -c -n "$N" -r "$RATE" -m 5 "${stay[@]}"
grp_wait s1 joined 30
grp_member s2 2 -n "$N" -r "$RATE" -m 5 -w poll "${stay[@]}"
grp_member r1 3 "${stay[@]}"
grp_member lv 4 -n "$NL" -r "$RATE" -m 5 -X "lv:$NL" -L -t 240000
grp_member rc 5 -E $((N / 2)) -t 240000
ktap_check "five members formed the group" grp_wait_all ready 60 s1 s2 r1 lv rc

ktap_check "the sender's LSGC_LEAVE returned 0 and detached its sockets" \
	grp_wait lv left 240
# lv's process still holds its (detached) sockets: only the LEAVE can
# have taken it out of the view.
left_by_leave() {
	local i
	for ((i = 0; i < 600 * ${LSGC_TIMEOUT_SCALE:-1}; i++)); do
		[ -n "$(grp_view_without s1 lv)" ] && break
		sleep 0.1
	done
	[ -n "$(grp_view_without s1 lv)" ] ||
		{ echo "# s1 installed no view without lv"; return 1; }
	kill -0 "${GRP_PID[lv]}" 2>/dev/null ||
		{ echo "# lv exited before the view without it: a close, not the LEAVE"; return 1; }
}
ktap_check "a view without the sender while its sockets were still open" left_by_leave
grp_stop lv; grp_reap rc 240
if grp_expect_exit 0 lv rc; then
	ktap_ok "the sender left after its last message was ordered, the receiver closed halfway"
else
	grp_diag lv rc
	ktap_fail "the sender left after its last message was ordered, the receiver closed halfway"
fi
all=(s1 s2 r1)
ktap_check "survivors delivered everything and views without the leavers" \
	grp_wait_all done 240 "${all[@]}"
grp_stop_all
if grp_expect_exit 0 "${all[@]}"; then
	ktap_ok "survivors exited 0"
else
	grp_diag "${all[@]}"
	ktap_fail "survivors exited 0"
fi
ktap_check "total order: survivors identical and complete, leavers' logs are prefixes" \
	grp_order_check --data $((2 * N + NL)) --sent "s1=$N" --sent "s2=$N" --sent "lv=$NL" \
	"$W/s1.log:full" "$W/s2.log:full" "$W/r1.log:full" "$W/lv.log:leave" "$W/rc.log:leave"
lvv=$(grp_view_without s1 lv); rcv=$(grp_view_without s1 rc)
ktap_diag "s1: view without lv at line ${lvv:-none}, without rc at line ${rcv:-none}; data after: $(grp_data_after s1 "${lvv:-999999}"), $(grp_data_after s1 "${rcv:-999999}")"
if [ -n "$lvv" ] && [ -n "$rcv" ] && [ "$(grp_data_after s1 "$lvv")" -gt 0 ] &&
	[ "$(grp_data_after s1 "$rcv")" -gt 0 ]; then
	ktap_ok "traffic went on after both leaves"
else
	ktap_fail "traffic went on after both leaves"
fi
grp_diag_stats_all
grp_check_clean
ktap_finish
