#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A member's link flaps (issue 15): its bridge-side veth port goes down,
# then up again.  A short flap (well under the heartbeat timeout T) loses
# nothing and expels nobody: the member delivers every message in the
# common order (NAKs repair what it missed).  A long flap (several T)
# cuts it off: the leader expels it as silent (expelled_silent 1), the
# cut-off member gives up on the leader by itself (no EXPEL reaches it),
# its membership is FAILED in the kernel while the link is still down,
# and its application learns it: recv/send ECONNRESET, EPOLLERR|EPOLLHUP,
# LSGC_STATE FAILED, SO_ERROR ECONNRESET (exit 6).  The others keep one
# total order throughout.
. "$(dirname "$0")/group_lib.sh"

N=${GRP_N:-400}
RATE=${GRP_RATE:-20}
HB=${GRP_HB_TIMEOUT:-3000}
ktap_plan 10
grp_init 4
grp_sysctl_all heartbeat_timeout_ms "$HB" || { ktap_fail "sysctls"; ktap_finish; }
done_when=(-X "s1:$N" -X "s2:$N" -W lf -H -t 400000)
grp_member s1 1 -c -n "$N" -r "$RATE" -m 4 "${done_when[@]}"
grp_wait s1 joined 30
grp_member s2 2 -n "$N" -r "$RATE" -m 4 -w poll "${done_when[@]}"
grp_member sf 3 "${done_when[@]}"
grp_member lf 4 -t 400000
ktap_check "four members formed the group" grp_wait_all ready 60 s1 s2 sf lf
port() { ip -n "$GRP_HUB" link set "v$1" "$2"; }

# Short flap of member 3, T/10.
grp_wait_data sf $((N / 8)) 120
before=$(grp_count sf D)
port 3 down
sleep "$(echo "scale=3; $HB / 10000" | bc)"
port 3 up
ktap_diag "short flap of $((HB / 10)) ms at sf after $before records"
grp_wait_data sf $((before + N / 8)) 120
ktap_check "short flap: nobody expelled (yet)" \
	grp_expect_stats 1 expelled=0
ktap_check "short flap: sf still a member" test "$(grp_state 3)" = member

# Long flap of member 4: the link stays down until both sides gave up.
port 4 down
t0=$SECONDS
lf_pid=$(grp_pid lf)
gone() { [ -n "$(grp_view_without s1 lf)" ] && ! kill -0 "$lf_pid" 2>/dev/null; }
if lsgc_wait_for $((4 * HB / 1000 * GRP_SCALE + 120)) gone; then
	ktap_ok "long flap: the others expelled lf, and lf's application saw its membership fail, while the link was down"
else
	ktap_fail "long flap: the others expelled lf, and lf's application saw its membership fail, while the link was down" \
		"view without lf at s1: line '$(grp_view_without s1 lf)', lf state $(grp_state 4)"
fi
ktap_diag "lf gone $((SECONDS - t0)) s after its link went down"
port 4 up
grp_reap lf 60
ktap_check "long flap: lf reports recv/send ECONNRESET, EPOLLERR|EPOLLHUP, LSGC_STATE FAILED, SO_ERROR ECONNRESET" \
	grp_lost_report lf
all=(s1 s2 sf)
ktap_check "the others delivered everything" grp_wait_all done 240 "${all[@]}"
grp_diag_stats_all
ktap_check "the leader expelled exactly one member, as silent" \
	grp_expect_stats 1 expelled=1 expelled_silent=1 expelled_stuck=0
grp_stop_all
if grp_expect_exit 0 "${all[@]}"; then
	ktap_ok "the others exited 0"
else
	grp_diag "${all[@]}"
	ktap_fail "the others exited 0"
fi
ktap_check "identical total order (sf after its short flap complete), lf's log a prefix" \
	grp_order_check --data $((2 * N)) --sent "s1=$N" --sent "s2=$N" \
	"$W/s1.log:full" "$W/s2.log:full" "$W/sf.log:full" "$W/lf.log:leave"
grp_check_clean
ktap_finish
