#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Namespaces deleted while traffic flows.
#
# d (both channels, sending) is in namespace 4.  Its link is deleted (the
# bridge end of its veth pair, which takes eth0 with it), then the
# namespace's name: d's sockets hold the namespace, so it lives on,
# unnamed and cut off.  The survivors expel d, and d, which no longer
# hears the leader, must report the lost membership: ECONNRESET on recv
# once drained and on send, EPOLLERR|EPOLLHUP from poll, on the SEQPACKET
# and on the DGRAM socket.
#
# z is in namespace 5, whose name is deleted while z still has its
# sockets open (so the namespace cannot go yet: a group's transport never
# outlives the sockets that pin its namespace), then z is killed: its
# sockets close, the membership and the transport go, and then the
# namespace itself.  Survivors agree and go on; nothing is left behind.
. "$(dirname "$0")/group_lib.sh"

N=${GRP_N:-400}
RATE=${GRP_RATE:-40}
ktap_plan 10
grp_init 5
done_when=(-X "s1:$N" -X "s2:$N" -W d -W z -H -t 240000)
grp_member s1 1 -c -n "$N" -r "$RATE" -m 5 "${done_when[@]}"
grp_wait s1 joined 30
grp_member s2 2 -n "$N" -r "$RATE" -m 5 -w poll "${done_when[@]}"
grp_member r1 3 "${done_when[@]}"
grp_member d 4 -C both -n 1000000 -N 1000000 -r "$RATE" -m 5 -t 240000
grp_member z 5 -n 1000000 -r "$RATE" -m 5 -t 240000
ktap_check "five members formed the group" grp_wait_all ready 60 s1 s2 r1 d z
grp_wait_data r1 $((N / 3)) 120

ip -n "$GRP_HUB" link del v4
ip netns del "$(grp_ns 4)"
t0=$SECONDS
grp_reap d 60
ktap_diag "d exited $(grp_exit d) $((SECONDS - t0)) s after its namespace was deleted"
grep '^E' "$W/d.log" | sed 's/^/# d: /'
ktap_check "d reports the lost membership (exit 6)" test "$(grp_exit d)" = 6
poll_ok() {
	local m
	m=$(awk -v ch="$1" '$1 == "E" && $2 == "poll" && $3 == ch { print $4 }' "$W/d.log")
	[ -n "$m" ] && (( (m & 0x18) == 0x18 ))
}
errs_ok() {
	local ch=$1 r s
	r=$(awk -v ch="$ch" '$1 == "E" && $2 == "recv" && $3 == ch { print $4 }' "$W/d.log")
	s=$(awk -v ch="$ch" '$1 == "E" && $2 == "send" && $3 == ch { print $4 }' "$W/d.log")
	[ "$r" = ECONNRESET ] && [ "$s" = ECONNRESET ] ||
		{ echo "$ch: recv $r, send $s"; return 1; }
}
ktap_check "d's SEQPACKET socket: EPOLLERR|EPOLLHUP" poll_ok seq
ktap_check "d's SEQPACKET socket: recv ECONNRESET, send ECONNRESET" errs_ok seq
ktap_check "d's DGRAM socket: EPOLLERR|EPOLLHUP" poll_ok dgram
ktap_check "d's DGRAM socket: recv ECONNRESET, send ECONNRESET" errs_ok dgram

ip netns del "$(grp_ns 5)"
grp_kill9 z
all=(s1 s2 r1)
ktap_check "survivors installed views without d and z and delivered everything" \
	grp_wait_all done 240 "${all[@]}"
grp_stop_all
if grp_expect_exit 0 "${all[@]}"; then
	ktap_ok "survivors exited 0"
else
	grp_diag "${all[@]}"
	ktap_fail "survivors exited 0"
fi
ktap_check "total order at the survivors; d's and z's logs are prefixes" \
	grp_order_check --sent "s1=$N" --sent "s2=$N" \
	"$W/s1.log:full" "$W/s2.log:full" "$W/r1.log:full" "$W/d.log:leave" "$W/z.log:leave"
grp_diag_stats_all
grp_check_clean
ktap_finish
