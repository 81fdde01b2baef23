#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fast churn (issue 15): while two members send steadily, members join
# and leave in quick succession: each round one joins, sends 5 messages
# and close()s at once (lingering), another joins and is stopped with
# SIGTERM (close) after about a second.  Every log must be a slice of
# one total order; the steady members deliver exactly every message
# (the churners' included: the linger orders them before they go), and
# nobody is expelled (every departure is a leave).
. "$(dirname "$0")/group_lib.sh"

N=${GRP_N:-300}
RATE=${GRP_RATE:-15}
K=${GRP_ROUNDS:-8}
ktap_plan 7
grp_init 4
grp_sysctl_all heartbeat_timeout_ms "${GRP_HB_TIMEOUT:-3000}" ||
	{ ktap_fail "sysctls"; ktap_finish; }
steady=(s1 s2 r1)
dw=(-X "s1:$N" -X "s2:$N" -X "j$K:5" -W "j$K" -W "k$K" -H -t 400000)
grp_member s1 1 -c -n "$N" -r "$RATE" -m 3 "${dw[@]}"
grp_wait s1 joined 30
grp_member s2 2 -n "$N" -r "$RATE" -m 3 -w poll "${dw[@]}"
grp_member r1 2 "${dw[@]}"
ktap_check "the steady members formed the group" grp_wait_all ready 60 "${steady[@]}"
bad=
for ((i = 1; i <= K; i++)); do
	grp_member "j$i" 3 -n 5 -s 1-2000 -m 4 -x -t 120000
	grp_member "k$i" 4 -t 120000
	grp_reap "j$i" 120 || true
	[ "$(grp_exit "j$i")" = 0 ] || bad+=" j$i=$(grp_exit "j$i")"
	grp_wait "k$i" joined 30 >/dev/null || true
	sleep 0.3
	grp_stop "k$i"
	[ "$(grp_exit "k$i")" = 0 ] || bad+=" k$i=$(grp_exit "k$i")"
done
ktap_diag "$K rounds of churn done; s1 delivered $(grp_count s1 D) records"
if [ -z "$bad" ]; then
	ktap_ok "every churner joined, did its part and exited 0"
else
	for ((i = 1; i <= K; i++)); do grp_diag "j$i" "k$i"; done 2>/dev/null | head -n 60
	ktap_fail "every churner joined, did its part and exited 0" "exits:$bad"
fi
ktap_check "the steady members delivered everything" grp_wait_all done 240 "${steady[@]}"
grp_stop "${steady[@]}"
grp_expect_exit 0 "${steady[@]}" || grp_diag "${steady[@]}"
args=()
for m in "${steady[@]}"; do args+=("$W/$m.log:full"); done
for ((i = 1; i <= K; i++)); do args+=("$W/j$i.log:any" "$W/k$i.log:any"); done
ktap_check "one total order: exactly $((2 * N + 5 * K)) messages, every log a slice of it" \
	grp_order_check --data $((2 * N + 5 * K)) --sent "s1=$N" --sent "s2=$N" "${args[@]}"
grp_diag_stats_all
ktap_check "nobody expelled" grp_expect_stats 1 expelled=0
# The leader's application saw every view up to the last churner's leave
# (the stop that follows may install more before the sockets close, so
# the kernel's views_installed may be up to two higher).
ktap_check "views: $((2 * K)) joins and $((2 * K)) leaves after the steady three" \
	test "$(grep -c '^V ' "$W/s1.log")/$(grep '^V ' "$W/s1.log" | tail -n 1 | cut -d' ' -f2)" = \
	"$((3 + 4 * K))/$((3 + 4 * K))"
grp_check_clean
ktap_finish
