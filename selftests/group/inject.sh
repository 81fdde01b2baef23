#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Malformed packets from the wire.  While three members (namespaces 1-3)
# exchange ordered traffic, lsgc_inject in namespace 4 listens to the group
# and then sends truncated, short-bodied, wrong-version, wrong-session,
# bad-type, oversized, random, replayed, not-a-member, sealed (no session
# has a key to open them) and reserved-flag packets to it, then floods it
# with a stranger's messages, which fill the members' bounded store.  The
# group keeps working (identical, complete total order) and every member
# namespace counts the drops in /proc/net/lsgc/stats.
. "$(dirname "$0")/group_lib.sh"

N=${GRP_N:-300}
RATE=${GRP_RATE:-30}
K=${GRP_INJECT:-20}
kinds=(trunc shortbody version session type oversize random replay notmember sealed flags)
ktap_plan 14
grp_init 4
# Strangers' messages age out of a member's store after 4 heartbeat
# timeouts: long enough here for the flood to fill it on a slow kernel.
grp_sysctl_all heartbeat_timeout_ms 5000 || true
done_when=(-X "s1:$N" -X "s2:$N" -H -t 240000)
grp_member s1 1 -c -n "$N" -r "$RATE" -m 3 "${done_when[@]}"
grp_wait s1 joined 30
grp_member s2 2 -n "$N" -r "$RATE" -m 3 "${done_when[@]}"
grp_member r1 3 "${done_when[@]}"
ktap_check "three members formed the group" grp_wait_all ready 60 s1 s2 r1
grp_wait_data r1 20 60

counters=(rx_packets drop_malformed drop_version drop_session drop_not_member drop_replay drop_auth drop_backlog)
declare -A before after
for i in 1 2 3; do
	for c in "${counters[@]}"; do before[$i.$c]=$(grp_stat "$i" "$c"); done
done
ip netns exec "$(grp_ns 4)" "$GRP_DIR/lsgc_inject" -i eth0 -s "$(lsgc_ns_ip4 4)" \
	-g "$GRP_ADDR" -p "$GRP_PORT" -w 2000 -n "$K" "${kinds[@]}" >"$W/inject.out" 2>&1
irc=$?
# More messages than a store holds (2 x backlog + 1024 = 1536).
ip netns exec "$(grp_ns 4)" "$GRP_DIR/lsgc_inject" -i eth0 -s "$(lsgc_ns_ip4 4)" \
	-g "$GRP_ADDR" -p "$GRP_PORT" -w 1000 -n 2500 flood >>"$W/inject.out" 2>&1 ||
	irc=$?
kinds+=(flood)
sed 's/^/# inject: /' "$W/inject.out"
sent_of() { awk -v k="$1" '$1 == "inject" && $2 == k { print $3 }' "$W/inject.out"; }
sent_every_kind() {
	local k n bad=
	[ "$irc" = 0 ] || bad+=" exit $irc"
	for k in "${kinds[@]}"; do
		n=$(sent_of "$k")
		[ "${n:-0}" -gt 0 ] || bad+=" $k:${n:-none}"
	done
	[ -z "$bad" ] || { echo "# not sent:$bad"; return 1; }
}
ktap_check "the injector sent every kind (exit 0)" sent_every_kind

all=(s1 s2 r1)
ktap_check "members delivered everything" grp_wait_all done 240 "${all[@]}"
sleep 1
for i in 1 2 3; do
	for c in "${counters[@]}"; do after[$i.$c]=$(grp_stat "$i" "$c"); done
done
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

# Each member namespace received every injected packet (clean link):
# counter deltas at least as large as what was sent of each kind.
check_counter() {
	local c=$1 min=$2 i d bad=
	for i in 1 2 3; do
		if [ "${after[$i.$c]}" = missing ] || [ "${before[$i.$c]}" = missing ]; then
			bad+=" ns$i: no $c in /proc/net/lsgc/stats"
			continue
		fi
		d=$((after[$i.$c] - before[$i.$c]))
		[ "$d" -ge "$min" ] || bad+=" ns$i: $c rose by $d, want >= $min"
	done
	[ -z "$bad" ] || { echo "$bad"; return 1; }
}
for i in 1 2 3; do
	line=
	for c in "${counters[@]}"; do line+=" $c ${before[$i.$c]}->${after[$i.$c]}"; done
	ktap_diag "ns$i:$line"
done
ktap_check "rx_packets counts the injected packets" \
	check_counter rx_packets $(( $(sent_of trunc) + $(sent_of version) ))
ktap_check "truncated, short-bodied and reserved-flag packets: drop_malformed" \
	check_counter drop_malformed $(( $(sent_of trunc) + $(sent_of shortbody) + $(sent_of flags) ))
ktap_check "wrong version: drop_version" check_counter drop_version "$(sent_of version)"
ktap_check "wrong session: drop_session" check_counter drop_session "$(sent_of session)"
ktap_check "replayed packets: drop_replay" check_counter drop_replay "$(sent_of replay)"
ktap_check "sealed packets (no key to open them): drop_auth" check_counter drop_auth "$(sent_of sealed)"
ktap_check "strangers' packets: drop_not_member" check_counter drop_not_member "$(sent_of notmember)"
# The leader (ns 1) refuses a stranger's messages at once; the others
# cache them until their store is full.
flooded() {
	local i bad=
	for i in 2 3; do
		[ "$((after[$i.drop_backlog] - before[$i.drop_backlog]))" -gt 0 ] ||
			bad+=" ns$i"
	done
	[ -z "$bad" ] || { echo "# no drop_backlog in:$bad"; return 1; }
}
ktap_check "a stranger's flood fills the members' store: drop_backlog" flooded
grp_diag_stats_all
grp_check_clean
ktap_finish
