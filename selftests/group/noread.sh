#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Applications that stop reading (issue 15, findings 5 and 6).  See
# "Stuck members" in Documentation/networking/lsgc.rst.
#
# Part 1 (finding 5): the LEADER's application stops reading while two
# members send.  The leader's own delivery is then the furthest behind,
# so the group stalls (flow control) and nobody is expelled however long
# it lasts (expelled 0 over more than 12 T, everyone still a member);
# once the leader reads again, everything is delivered in one total
# order and still nobody was expelled.  It stops reading twice:
# the moment it catches up is when a healthy member was once expelled.
#
# Part 2 (finding 6), a second group on another port: only the leader
# sends, one member heartbeats but never reads.  The leader's send()
# must not block for ever: the non-reader is expelled as stuck
# (expelled_stuck 1, expelled_silent 0 at the leader), the leader sends
# all its messages, the others deliver all of them in order, and the
# non-reader, still not reading, learns its failure from poll
# (EPOLLERR|EPOLLHUP, then ECONNRESET, LSGC_STATE FAILED, SO_ERROR).
. "$(dirname "$0")/group_lib.sh"

N=${GRP_N:-400}
CYCLES=${GRP_CYCLES:-2}
RATE=${GRP_RATE:-20}
HB=${GRP_HB_TIMEOUT:-1000}
T=$(( HB / 1000 > 1 ? HB / 1000 : 1 ))
ktap_plan 15
grp_init 4
grp_sysctl_all heartbeat_timeout_ms "$HB" && grp_sysctl_all backlog 64 ||
	{ ktap_fail "sysctls"; ktap_finish; }

# ---- part 1: the leader stops reading, CYCLES times
# Each resume is where a leader once expelled a healthy member: catching
# up, it binds a burst at once, and for a moment its own delivery is
# ahead of what the others have reported, while their last progress is
# from before the pause.
touch "$W/pause.L"
grp_member L 1 -c -P "$W/pause.L" -b 16384 -X "a:$N" -X "b:$N" -H -t 400000
grp_wait L joined 30
grp_member a 2 -n "$N" -r "$RATE" -m 4 -X "a:$N" -X "b:$N" -H -t 400000
grp_member b 3 -n "$N" -r "$RATE" -m 4 -w poll -X "a:$N" -X "b:$N" -H -t 400000
grp_member r 4 -X "a:$N" -X "b:$N" -H -t 400000
ktap_check "part 1: four members formed the group" grp_wait_all ready 60 a b r
# The group stalls: r's delivery stops moving.
stalled() {
	local c1 c2
	c1=$(grp_count r D); sleep $((2 * T * GRP_SCALE)); c2=$(grp_count r D)
	[ "$c1" = "$c2" ] && [ "$c2" -lt $((2 * N)) ]
}
moved_from() { [ "$(grp_count r D)" -ge "$1" ]; }
stalls=0 expels=0 states_bad=
for ((c = 1; c <= CYCLES; c++)); do
	if [ "$c" -gt 1 ]; then
		# Read again until the group moved on, then stop once more.
		at=$(grp_count r D)
		rm -f "$W/pause.L"
		lsgc_wait_for $((30 * GRP_SCALE)) moved_from $((at + 16)) || break
		touch "$W/pause.L"
	fi
	lsgc_wait_for $((60 * GRP_SCALE)) stalled || break
	stalls=$c
	hold=$(( (c == 1 ? 14 : 9) * T ))
	ktap_diag "stall $c at $(grp_count r D) records; holding $hold s (stuck rule: 4 T full, 8 T without progress)"
	sleep $((hold * GRP_SCALE))
	grp_expect_stats 1 expelled=0 expelled_stuck=0 expelled_silent=0 >/dev/null ||
		expels=$((expels + 1))
	states="$(grp_state 1)/$(grp_state 2)/$(grp_state 3)/$(grp_state 4)"
	[ "$states" = "member/member/member/member" ] ||
		states_bad+=" stall $c: $states"
done
if [ "$stalls" = "$CYCLES" ]; then
	ktap_ok "part 1: the group stalls behind the leader that does not read ($CYCLES times)"
else
	ktap_fail "part 1: the group stalls behind the leader that does not read ($CYCLES times)" \
		"$stalls stalls; r delivered $(grp_count r D) of $((2 * N))"
fi
ktap_check "part 1: nobody expelled while the leader does not read" \
	grp_expect_stats 1 expelled=0 expelled_stuck=0 expelled_silent=0
ktap_check "part 1: every membership still MEMBER at every stall" \
	test -z "$states_bad$( [ "$expels" = 0 ] || echo " expels $expels")"
# While everybody still holds its membership.
grp_diag_stats_all
rm -f "$W/pause.L"
p1=(L a b r)
ktap_check "part 1: once the leader reads again, everyone delivers everything" \
	grp_wait_all done 240 "${p1[@]}"
grp_diag_stats_all
ktap_check "part 1: still nobody expelled" grp_expect_stats 1 expelled=0
grp_stop "${p1[@]}"
if grp_expect_exit 0 "${p1[@]}"; then
	ktap_ok "part 1: everyone exited 0"
else
	grp_diag "${p1[@]}"
	ktap_fail "part 1: everyone exited 0"
fi
ktap_check "part 1: identical total order, nothing missing" \
	grp_order_check --data $((2 * N)) --sent "a=$N" --sent "b=$N" \
	"$W/L.log:full" "$W/a.log:full" "$W/b.log:full" "$W/r.log:full"

# ---- part 2: a member heartbeats but never reads; only the leader sends
GRP_PORT=7008
touch "$W/pause.nr"
NL=${GRP_NL:-400}
grp_member s 1 -c -n "$NL" -r $((2 * RATE)) -m 4 -X "s:$NL" -H -t 400000
grp_wait s joined 30
grp_member r1 2 -X "s:$NL" -H -t 400000
grp_member r2 3 -X "s:$NL" -H -t 400000
grp_member nr 4 -P "$W/pause.nr" -b 16384 -t 400000
ktap_check "part 2: the leader saw the 4-member view" grp_wait s ready 60
p2=(s r1 r2)
ktap_check "part 2: the leader's send() did not block for ever: everything sent and delivered" \
	grp_wait_all done 300 "${p2[@]}"
grp_reap nr 60
ktap_check "part 2: the non-reader learns from poll that it failed: EPOLLERR|EPOLLHUP, ECONNRESET, LSGC_STATE FAILED, SO_ERROR ECONNRESET" \
	grp_lost_report nr
grp_diag_stats_all
ktap_check "part 2: the leader expelled the non-reader as stuck (expelled 1, expelled_stuck 1)" \
	grp_expect_stats 1 expelled=1 expelled_stuck=1 expelled_silent=0
grp_stop "${p2[@]}"
if grp_expect_exit 0 "${p2[@]}"; then
	ktap_ok "part 2: the others exited 0"
else
	grp_diag "${p2[@]}"
	ktap_fail "part 2: the others exited 0"
fi
ktap_check "part 2: identical total order, every message of the leader, the non-reader's log a prefix" \
	grp_order_check --data "$NL" --sent "s=$NL" \
	"$W/s.log:full" "$W/r1.log:full" "$W/r2.log:full" "$W/nr.log:leave"
grp_check_clean
ktap_finish
