#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The best-effort channel on a clean link.  Three members (each with a
# SOCK_SEQPACKET and a SOCK_DGRAM socket sharing one membership) send 50
# datagrams each: every other member receives every one of them, once,
# intact, naming the sender by the member number the views give it, and
# none of them shows up on the reliable channel.  x, a member of another
# group on the same address (another port) in the same namespaces, gets
# nothing.  Senders start 1 s after their view has all three members: a
# datagram sent before a joiner installed its view is legitimately lost.
. "$(dirname "$0")/group_lib.sh"

ND=${GRP_N:-50}
ktap_plan 7
grp_init 4
common=(-C both -N "$ND" -z 16-1000 -r 50 -m 3 -D 1000 -l 8000 -t 120000)
grp_member x 3 -C dgram -c -p $((GRP_PORT + 1)) -t 30000
# The leader lingers longest: the group ends with it, and a member still
# lingering when it left would report ECONNRESET.
grp_member a 1 -c "${common[@]}" -l 14000
grp_wait a joined 30
grp_member b 2 "${common[@]}"
grp_member c 4 "${common[@]}"
ktap_check "three members formed the group" grp_wait_all ready 60 a b c
for m in a b c; do grp_reap "$m" 180; done
if grp_expect_exit 0 a b c; then
	ktap_ok "members exited 0"
else
	grp_diag a b c
	ktap_fail "members exited 0"
fi
grp_stop x
ktap_check "the non-member exited 0" test "$(grp_exit x)" = 0
for m in a b c; do
	ktap_diag "$m received $(grp_count "$m" U) datagrams, max_dgram $(sed -n 's/^# max_dgram //p' "$W/$m.log")"
done
ktap_check "every member got every other member's datagrams once, with the right sender" \
	grp_order_check --dgram "a=$ND" --dgram "b=$ND" --dgram "c=$ND" \
	--dgram-none "$W/x.log" "$W/a.log:any" "$W/b.log:any" "$W/c.log:any"
ktap_check "no datagram on the reliable channel" \
	test "$(cat "$W/a.log" "$W/b.log" "$W/c.log" | grep -c '^D ')" = 0
# Each of a (ns 1), b (ns 2) and c (ns 4) is alone in its namespace; it
# received the others' datagrams and delivered those and, LSGC_RECV_OWN
# being on by default, its own.
udata_counters() {
	local i got want="$ND/$((2 * ND))/$((3 * ND))" bad=
	for i in 1 2 4; do
		got=$(grp_stat "$i" udata_sent)/$(grp_stat "$i" udata_received)/$(grp_stat "$i" udata_delivered)
		[ "$got" = "$want" ] || bad+=" ns$i:$got"
	done
	[ -z "$bad" ] || { echo "# udata sent/received/delivered, want $want:$bad"; return 1; }
}
ktap_check "counters: udata_sent $ND, udata_received $((2 * ND)), udata_delivered $((3 * ND)) in each namespace" \
	udata_counters
grp_diag_stats_all
grp_check_clean
ktap_finish
