#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The best-effort channel on a clean link.  Three members (each with a
# SOCK_SEQPACKET and a SOCK_DGRAM socket sharing one membership) send 50
# datagrams each: every other member receives every one of them, once,
# intact, naming the sender by the member number the views give it, and
# none of them shows up on the reliable channel.
#
# x is a non-member where only LSGC itself can keep the datagrams from it:
# in b's namespace, on the same group address, port and interface (so one
# UDP socket, the group's transport, receives every datagram for both b
# and x), in a session of its own, hence in none of the group's views.  It
# is there, reading both channels, before the first datagram is sent and
# until the last member is done; it must receive nothing, and its own
# counters must show it refused them (drop_session).
#
# Senders start once x is in place and 1 s after their view has all three
# members: a datagram sent before a joiner installed its view is
# legitimately lost.
. "$(dirname "$0")/group_lib.sh"

ND=${GRP_N:-50}
LSGC_TOOL=${LSGC_TOOL:-$LSGC_REPO/userspace/lsgc}
ktap_plan 10
grp_init 4
go=$W/go
common=(-C both -N "$ND" -z 16-1000 -r 50 -m 3 -D 1000 -G "$go" -l 8000 -t 120000)
# The leader lingers longest: the group ends with it, and a member still
# lingering when it left would report ECONNRESET.
grp_member a 1 -c "${common[@]}" -l 14000
grp_wait a joined 30
grp_member b 2 "${common[@]}"
grp_member c 4 "${common[@]}"
ktap_check "b and c joined" grp_wait_all joined 60 b c
# Only now: x leads a session, and a leader answers every JOIN_REQ it
# hears; b and c must not have been admitted by x.
grp_member x 2 -C both -c -t 600000
ktap_check "x has a session of its own on the group, in b's namespace" \
	grp_wait x joined 30
touch "$go"
ktap_check "three members formed the group" grp_wait_all ready 60 a b c
for m in a b c; do grp_reap "$m" 180; done
if grp_expect_exit 0 a b c; then
	ktap_ok "members exited 0"
else
	grp_diag a b c
	ktap_fail "members exited 0"
fi
# x's own counters, from the netlink family: it was offered every
# datagram the transport received (a's and c's, and b's own through
# multicast loopback) and refused each one as another session's.
x_refused() {
	local out
	out=$(ip netns exec "$(grp_ns 2)" "$LSGC_TOOL" -j stats "$GRP_ADDR:$GRP_PORT" id x) ||
		{ echo "# lsgc stats failed"; return 1; }
	python3 -c '
import json, sys
nd = int(sys.argv[1])
rows = json.loads(sys.stdin.read())["groups"]
if len(rows) != 1:
    sys.exit("# %d rows for x" % len(rows))
s = rows[0]["stats"]
bad = []
for k in ("udata_received", "udata_delivered", "data_received", "data_delivered"):
    if s[k] != 0:
        bad.append("%s %d, want 0" % (k, s[k]))
if s["drop_session"] < 3 * nd:
    bad.append("drop_session %d, want >= %d" % (s["drop_session"], 3 * nd))
print("# x: drop_session %d udata_received %d" % (s["drop_session"], s["udata_received"]))
if bad:
    sys.exit("# x: " + ", ".join(bad))
' "$ND" <<<"$out"
}
ktap_check "x refused every datagram of the group (its counters)" x_refused
grp_stop x
ktap_check "the non-member exited 0" test "$(grp_exit x)" = 0
for m in a b c; do
	ktap_diag "$m received $(grp_count "$m" U) datagrams, max_dgram $(sed -n 's/^# max_dgram //p' "$W/$m.log")"
done
ktap_check "every member got every other member's datagrams once, with the right sender; x none" \
	grp_order_check --dgram "a=$ND" --dgram "b=$ND" --dgram "c=$ND" \
	--dgram-none "$W/x.log" "$W/a.log:any" "$W/b.log:any" "$W/c.log:any"
ktap_check "no datagram on the reliable channel, nothing of the group's at x" \
	test "$(cat "$W/a.log" "$W/b.log" "$W/c.log" "$W/x.log" | grep -c '^D ')" = 0
# a (ns 1), b (ns 2) and c (ns 4) each received the others' datagrams and
# delivered those and, LSGC_RECV_OWN being on by default, its own; x, in
# b's namespace, adds nothing to ns 2's counts.
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
