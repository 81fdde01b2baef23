#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The lsgc tracepoints exist and fire at the protocol's transitions: a
# join's steps, view installs with the epoch change, NAKs and repairs
# under loss, duplicates dropped with their reason, and a leave.
. "$(dirname "$0")/monitor_lib.sh"

T=/sys/kernel/tracing
EVENTS=(lsgc_join lsgc_view_install lsgc_leave lsgc_expel lsgc_member_fail
	lsgc_nak_send lsgc_nak_recv lsgc_retransmit lsgc_rekey lsgc_drop)
N=200

ktap_plan 10
mon_init 2
[ -d "$T/events" ] || mount -t tracefs nodev "$T" 2>/dev/null
if [ ! -d "$T/events" ]; then
	ktap_skip "tracepoints" "no tracefs"
	ktap_finish
fi
missing=
for e in "${EVENTS[@]}"; do
	[ -d "$T/events/lsgc/$e" ] || missing+=" $e"
done
ktap_check "every lsgc tracepoint is registered${missing:+ (missing:$missing)}" test -z "$missing"

trace_off() { echo 0 >"$T/events/lsgc/enable"; echo 0 >"$T/tracing_on"; }
echo 0 >"$T/tracing_on"
echo 8192 >"$T/buffer_size_kb"
: >"$T/trace"
echo 1 >"$T/events/lsgc/enable"
echo 1 >"$T/tracing_on"
trap 'trace_off; _mon_cleanup' EXIT

grp_sysctl_all heartbeat_timeout_ms 3000 || exit 1
# Every packet into ns 2 is duplicated and 10% of them lost: duplicates to
# drop, gaps to NAK and repair.
ip netns exec "$GRP_HUB" tc qdisc replace dev v2 root netem loss 10% duplicate 50% ||
	ktap_diag "netem failed"
grp_member s1 1 -c -m 2 -n "$N" -E "$N" -H -t 240000
grp_wait s1 joined 30
grp_member s2 2 -m 2 -E "$N" -H -t 240000
ktap_check "s2 joined and both delivered $N messages" grp_wait_all done 240 s1 s2
grp_stop s2
lsgc_wait_for 20 grep -q 'lsgc_leave' "$T/trace" || true
trace_off
cp "$T/trace" "$W/trace.txt"
ktap_diag "$(grep -c 'lsgc_' "$W/trace.txt") lsgc events traced"
for e in "${EVENTS[@]}"; do
	ktap_diag "$e: $(grep -c " $e:" "$W/trace.txt")"
done

has() { grep -Eq "$1" "$W/trace.txt" || { echo "# no line matches: $1"; return 1; }; }
join_steps() {
	has ' lsgc_join: .* step=req_sent ' && has ' lsgc_join: .* step=req_recv ' &&
		has ' lsgc_join: .* step=ack_sent member=2 id=7332' &&
		has ' lsgc_join: .* step=ack_recv member=2 id=7332'
}
ktap_check "lsgc_join: request sent, heard, answered, answer heard" join_steps
ktap_check "lsgc_view_install: views 1 and 2 with their member counts" \
	sh -c "grep -Eq ' lsgc_view_install: .* self=1 view=1 leader=1 members=1 ' '$W/trace.txt' &&
	       grep -Eq ' lsgc_view_install: .* self=2 view=2 leader=1 members=2 ' '$W/trace.txt'"
ktap_check "lsgc_rekey: the epoch follows the view" has ' lsgc_rekey: .* epoch=1->2'
ktap_check "lsgc_nak_send and lsgc_nak_recv under loss" \
	sh -c "grep -q ' lsgc_nak_send: ' '$W/trace.txt' && grep -q ' lsgc_nak_recv: ' '$W/trace.txt'"
ktap_check "lsgc_retransmit: repairs" has ' lsgc_retransmit: .* repair'
ktap_check "lsgc_drop: network duplicates dropped by the replay window, with their reason" has ' lsgc_drop: .* reason=replay'
ktap_check "lsgc_leave: the leader saw s2 leave" has ' lsgc_leave: .* self=1 member=2 '
ip netns exec "$GRP_HUB" tc qdisc del dev v2 root 2>/dev/null
grp_check_clean
ktap_finish
