#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Forged ordering, seen from outside.  An idle group of three (s1 leads,
# r2, r3) gets, from a host that is no member:
#   - ORDER packets in the leader's name binding messages 2^40 numbers
#     ahead of delivery: every non-leader refuses each binding as stale
#     (before the sequence window, each one raised the members' high
#     water mark and planted a message in the store for ever);
#   - an ORDER in the leader's name binding member 2's message 77777 right
#     after the last real binding, then that message "from member 2"
#     flagged as a view: r3 refuses to make it a view (drop_malformed)
#     and stays a member (before, it installed garbage as a view and
#     failed with EPROTO), and the binding it was planted at gives way
#     to the real one when the leader binds there.
# Then s4 joins and sends; everybody delivers the same complete order.
. "$(dirname "$0")/group_lib.sh"

N=${GRP_N:-50}
K=10
scale=${LSGC_TIMEOUT_SCALE:-1}
ktap_plan 9
grp_init 5
hold=(-X "s4:$N" -H -t $((120000 * scale)))
grp_member s1 1 -c -m 3 "${hold[@]}"
grp_wait s1 joined $((30 * scale))
grp_member r2 2 -m 3 "${hold[@]}"
grp_member r3 3 -m 3 "${hold[@]}"
ktap_check "three members formed the group" grp_wait_all ready $((60 * scale)) s1 r2 r3

counters=(drop_stale drop_malformed)
declare -A before
snap() {
	local i c
	for i in 1 2 3; do
		for c in "${counters[@]}"; do before[$i.$c]=$(grp_stat "$i" "$c"); done
	done
}
# The rise of counter $2 in namespace $1 since snap.
rise() { echo $(($(grp_stat "$1" "$2") - before[$1.$2])); }
# Wait (bounded) until counter $2 rose by $3 in every namespace of $4...,
# then check it rose by exactly that much.
rose_by() {
	local c=$1 want=$2 i t bad=
	shift 2
	for ((t = 0; t < 50 * scale; t++)); do
		bad=
		for i; do [ "$(rise "$i" "$c")" -ge "$want" ] || bad=1; done
		[ -z "$bad" ] && break
		sleep 0.1
	done
	sleep 0.5
	bad=
	for i; do
		[ "$(rise "$i" "$c")" = "$want" ] || bad+=" ns$i:$(rise "$i" "$c")"
	done
	[ -z "$bad" ] || { echo "# $c rose by$bad, want $want"; return 1; }
}
inject() {
	ip netns exec "$(grp_ns 4)" "$GRP_DIR/lsgc_inject" -i eth0 \
		-s "$(lsgc_ns_ip4 4)" -g "$GRP_ADDR" -p "$GRP_PORT" \
		-w $((1500 * scale)) -n "$K" "$@" >>"$W/inject.out" 2>&1
}

snap
inject farorder
sed 's/^/# inject: /' "$W/inject.out"
ktap_check "bindings far ahead: drop_stale at both non-leaders, $K each" \
	rose_by drop_stale "$K" 2 3
ktap_check "the leader ignored its own name (drop_stale unchanged)" \
	rose_by drop_stale 0 1

snap
inject fakeview
ktap_check "a non-leader's message as a view: r3 counts drop_malformed once" \
	rose_by drop_malformed 1 3
still_member() {
	local n
	for n in s1 r2 r3; do
		grep -q '^error' "$W/$n.st" && { echo "# $n: $(grep '^error' "$W/$n.st")"; return 1; }
		kill -0 "${GRP_PID[$n]:-0}" 2>/dev/null || { echo "# $n exited"; return 1; }
	done
	return 0
}
ktap_check "every member is still in the group" still_member

grp_member s4 5 -n "$N" -m 4 "${hold[@]}"
all=(s1 r2 r3 s4)
ktap_check "everybody delivered s4's $N messages" grp_wait_all done $((120 * scale)) "${all[@]}"
grp_stop_all
if grp_expect_exit 0 "${all[@]}"; then
	ktap_ok "members exited 0"
else
	grp_diag "${all[@]}"
	ktap_fail "members exited 0"
fi
ktap_check "identical, complete total order" \
	grp_order_check --data "$N" --sent "s4=$N" \
	"$W/s1.log:full" "$W/r2.log:full" "$W/r3.log:full" "$W/s4.log:join"
grp_diag_stats_all
grp_check_clean
ktap_finish
