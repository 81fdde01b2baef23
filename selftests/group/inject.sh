#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Malformed packets from the wire.  While three members (namespaces 1-3)
# exchange ordered traffic, lsgc_inject in namespace 4 captures some of it,
# then sends, one kind at a time, truncated, short-bodied, wrong-version,
# wrong-session, bad-type, oversized, random, replayed, not-a-member,
# sealed (no session has a key to open them) and reserved-flag packets to
# the group.  After each kind, every member namespace must have counted
# exactly what was sent of it in the one counter that kind belongs to, and
# nothing in any other drop counter: a packet accepted, or refused for the
# wrong reason, fails.  Then a stranger floods the group with messages,
# which fill the members' bounded store.  The group keeps working
# (identical, complete total order).  Finally, with the group silenced
# (heartbeats 60 s apart), rx_packets and rx_bytes must grow by exactly
# what was injected.
. "$(dirname "$0")/group_lib.sh"

N=${GRP_N:-400}
RATE=${GRP_RATE:-30}
K=${GRP_INJECT:-20}
kinds=(trunc shortbody version session type oversize random replay notmember sealed flags)
# Where each kind must be counted (random: in one of three).
declare -A want=(
	[trunc]=drop_malformed [shortbody]=drop_malformed [version]=drop_version
	[session]=drop_session [type]=drop_malformed [oversize]=drop_malformed
	[random]=drop_version+drop_malformed+drop_session [replay]=drop_replay
	[notmember]=drop_not_member [sealed]=drop_auth [flags]=drop_malformed
)
drops=(drop_malformed drop_version drop_session drop_not_member drop_duplicate
	drop_auth drop_backlog drop_nomem drop_stale drop_replay drop_unknown_epoch)
ktap_plan $((8 + ${#kinds[@]}))
grp_init 4
# Strangers' messages age out of a member's store after 4 heartbeat
# timeouts: long enough here for the flood to fill it on a slow kernel.
grp_sysctl_all heartbeat_timeout_ms $((5000 * GRP_SCALE)) || exit 1
done_when=(-X "s1:$N" -X "s2:$N" -H -t 240000)
grp_member s1 1 -c -n "$N" -r "$RATE" -m 3 "${done_when[@]}"
grp_wait s1 joined 30
grp_member s2 2 -n "$N" -r "$RATE" -m 3 "${done_when[@]}"
grp_member r1 3 "${done_when[@]}"
ktap_check "three members formed the group" grp_wait_all ready 60 s1 s2 r1
grp_wait_data r1 20 60

inject() {
	ip netns exec "$(grp_ns 4)" "$GRP_DIR/lsgc_inject" -i eth0 \
		-s "$(lsgc_ns_ip4 4)" -g "$GRP_ADDR" -p "$GRP_PORT" "$@"
}
ktap_check "the injector captured group traffic" \
	inject -w $((2000 * GRP_SCALE)) -W "$W/captured"

declare -A snap
# snapshot TAG: every counter of namespaces 1-3 into snap[TAG.NS.NAME].
snapshot() {
	local i k v
	for i in 1 2 3; do
		# (A here-string: the VM's initramfs has no /dev/fd for <(...).)
		while read -r k v; do
			snap[$1.$i.$k]=$v
		done <<<"$(ip netns exec "$(grp_ns "$i")" cat /proc/net/lsgc/stats)"
	done
}
# delta TAG1 TAG2 NS A+B...: the growth of the sum of counters A, B...
delta() {
	local c d=0
	for c in ${4//+/ }; do
		d=$((d + ${snap[$2.$3.$c]:-0} - ${snap[$1.$3.$c]:-0}))
	done
	echo "$d"
}
now_delta() {
	local c d=0
	for c in ${3//+/ }; do
		d=$((d + $(grp_stat "$2" "$c") - ${snap[$1.$2.$c]:-0}))
	done
	echo "$d"
}
# reached TAG COUNTERS N: every member namespace counted N more.
reached() {
	local i
	for i in 1 2 3; do
		[ "$(now_delta "$1" "$i" "$2")" -ge "$3" ] || return 1
	done
}

# exact_kind KIND: inject K packets of KIND alone; its counter grows by
# exactly what was sent in every member namespace, every other drop
# counter not at all.  Only the injection moves the drop counters: the
# group's own traffic on a clean link drops nothing.
exact_kind() {
	local kind=$1 c=${want[$1]} n i d bad= line
	snapshot b
	line=$(inject -R "$W/captured" -n "$K" "$kind") ||
		{ echo "# lsgc_inject $kind failed: $line"; return 1; }
	echo "# $line"
	n=$(awk '$1 == "inject" { print $3 }' <<<"$line")
	[ "${n:-0}" -gt 0 ] || { echo "# nothing of $kind sent"; return 1; }
	# Bounded: every packet is counted once it is processed.
	lsgc_wait_for $((10 * GRP_SCALE)) reached b "$c" "$n"
	snapshot a
	for i in 1 2 3; do
		d=$(delta b a "$i" "$c")
		[ "$d" = "$n" ] || bad+=" ns$i: $c +$d, want +$n;"
		for k in "${drops[@]}"; do
			case "+$c+" in *"+$k+"*) continue ;; esac
			d=$(delta b a "$i" "$k")
			[ "$d" = 0 ] || bad+=" ns$i: $k +$d, want +0;"
		done
	done
	[ -z "$bad" ] || { echo "# $kind:$bad"; return 1; }
}
for kind in "${kinds[@]}"; do
	ktap_check "$kind: exactly $K in ${want[$kind]}, nothing elsewhere" exact_kind "$kind"
done

# More messages than a store holds (2 x backlog + 1024 = 1536).  The
# leader (ns 1) refuses a stranger's every message at once; the others
# cache them until their store is full, then refuse the rest.
FLOOD=2500
snapshot fb
inject -R "$W/captured" -n "$FLOOD" flood >"$W/flood.out" 2>&1
frc=$?
sed 's/^/# /' "$W/flood.out"
flooded() {
	local i d bad=
	[ "$frc" = 0 ] || bad+=" lsgc_inject exit $frc"
	lsgc_wait_for $((10 * GRP_SCALE)) test "$(now_delta fb 1 drop_not_member)" -ge "$FLOOD"
	d=$(now_delta fb 1 drop_not_member)
	[ "$d" = "$FLOOD" ] || bad+=" leader: drop_not_member +$d, want +$FLOOD"
	for i in 2 3; do
		d=$(now_delta fb "$i" drop_backlog)
		[ "$d" -ge $((FLOOD - 1536)) ] && [ "$d" -le "$FLOOD" ] ||
			bad+=" ns$i: drop_backlog +$d, want $((FLOOD - 1536))..$FLOOD"
	done
	[ -z "$bad" ] || { echo "#$bad"; return 1; }
}
ktap_check "a stranger's flood: refused by the leader, fills the members' store" flooded

all=(s1 s2 r1)
ktap_check "members delivered everything" grp_wait_all done 240 "${all[@]}"

# Silence the group: the next heartbeat is then 60 s away (each member
# sends at most one more at the old interval), the link is clean and
# nothing is in flight, so every packet a namespace receives from now on
# is an injected one.
grp_sysctl_all heartbeat_timeout_ms 60000 && grp_sysctl_all heartbeat_interval_ms 60000 ||
	exit 1
quiet() {
	local i
	snapshot q0
	sleep 1
	for i in 1 2 3; do
		[ "$(now_delta q0 "$i" rx_packets)" = 0 ] || return 1
	done
}
quiet_rx() {
	local i d out bytes bad=
	lsgc_wait_for $((20 * GRP_SCALE)) quiet || { echo "# the group does not go quiet"; return 1; }
	snapshot rb
	out=$(inject -R "$W/captured" -n "$K" version trunc) || return 1
	echo "$out" | sed 's/^/# /'
	bytes=$(awk '$1 == "inject" { b += $4 } END { print b }' <<<"$out")
	lsgc_wait_for $((10 * GRP_SCALE)) reached rb drop_version+drop_malformed $((2 * K))
	snapshot ra
	for i in 1 2 3; do
		d=$(delta rb ra "$i" rx_packets)
		[ "$d" = $((2 * K)) ] || bad+=" ns$i: rx_packets +$d, want +$((2 * K));"
		d=$(delta rb ra "$i" rx_bytes)
		[ "$d" = "$bytes" ] || bad+=" ns$i: rx_bytes +$d, want +$bytes;"
	done
	[ -z "$bad" ] || { echo "#$bad"; return 1; }
}
ktap_check "a silent group: rx_packets and rx_bytes count exactly the injected packets" quiet_rx

grp_stop_all
if grp_expect_exit 0 "${all[@]}"; then
	ktap_ok "members exited 0 (nothing corrupt delivered)"
else
	grp_diag "${all[@]}"
	ktap_fail "members exited 0 (nothing corrupt delivered)"
fi
ktap_check "identical, complete total order despite the injection" \
	grp_order_check --data $((2 * N)) --sent "s1=$N" --sent "s2=$N" \
	"$W/s1.log:full" "$W/s2.log:full" "$W/r1.log:full"
grp_diag_stats_all
grp_check_clean
ktap_finish
