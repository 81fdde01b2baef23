#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Attacks on a secure group (issue 16), from a host on the group's LAN
# without any key (lsgc_inject in namespace 4) and from a rogue KDC
# helper.  While three members exchange ordered traffic, the injector
# captures some of it and sends, one kind at a time: tampered sealed
# bodies and tags, tampered (authenticated) headers, captured packets
# under another sender number, forged ORDER, NAK, HEARTBEAT and EXPEL in
# clear (all drop_auth), and replays of captured packets (drop_replay).
# Each kind must land exactly in its counter in every member namespace
# and nowhere else.  Then two views later, once the old key's grace
# period is over, the capture is replayed again: every packet is refused
# as sealed under an epoch nobody holds (drop_unknown_epoch).  A rogue
# KDC answers a join first with the pair key and MAC of another nonce
# (refused: kdc_rejected, the request stays open), then rightly (the
# joiner is granted a token and admitted on it).  The joiner's token,
# presented under another identity, is a forgery everywhere (drop_auth),
# and replayed a view later opens nowhere (drop_unknown_epoch).  The
# group keeps its total order throughout.
. "$(dirname "$0")/group_lib.sh"

KDC=${LSGC_KDC:-$LSGC_REPO/userspace/kdc/lsgc-kdc}
N=${GRP_N:-300}
RATE=${GRP_RATE:-30}
K=${GRP_INJECT:-20}
HBT=$((1500 * GRP_SCALE))
kinds=(tamper tamperhdr notmember clear replay)
declare -A want=(
	[tamper]=drop_auth [tamperhdr]=drop_auth [notmember]=drop_auth
	[clear]=drop_auth [replay]=drop_replay
)
drops=(drop_malformed drop_version drop_session drop_not_member drop_duplicate
	drop_auth drop_backlog drop_nomem drop_stale drop_replay drop_unknown_epoch)
ktap_plan $((14 + ${#kinds[@]}))
grp_init 5
grp_sysctl_all heartbeat_timeout_ms "$HBT" || exit 1
grp_sysctl_all join_timeout_ms $((6000 * GRP_SCALE)) || exit 1

DB=$W/kdc.db
kdc_k() { "$KDC" "$@" --ops 1 --mem 8388608; }
declare -A KEY
for id in s1 s2 r1 j1 j2 j3; do
	kdc_k register -d "$DB" -i "$id" --passphrase-fd 3 3<<<"pw $id" >/dev/null
	KEY[$id]=$(kdc_k key -i "$id" --passphrase-fd 3 3<<<"pw $id")
done 2>/dev/null
_att_cleanup() {
	local s
	for s in "${KEY[@]}"; do keyctl unlink "$s" @u >/dev/null 2>&1; done
	[ -n "${KDCPID:-}" ] && kill "$KDCPID" 2>/dev/null
	[ -n "${KDCDPID:-}" ] && kill "$KDCDPID" 2>/dev/null
	grp_cleanup
}
trap _att_cleanup EXIT
# The KDC on another host (namespace 5), reached through the leader's
# host's helper as a relay: the paper's messages 2 and 3 on the wire.
ip netns exec "$(grp_ns 5)" "$KDC" kdcd -d "$DB" --listen "$(lsgc_ns_ip4 5):7070" \
	>"$W/kdcd.out" 2>"$W/kdcd.err" &
KDCDPID=$!
lsgc_wait_for 20 grep -q listening "$W/kdcd.out"
ip netns exec "$(grp_ns 1)" "$KDC" serve --relay "$(lsgc_ns_ip4 5):7070" \
	>"$W/kdc.out" 2>"$W/kdc.err" &
KDCPID=$!
lsgc_wait_for 20 grep -q serving "$W/kdc.out"

# The members from the start are done once they delivered j1's one
# message too: their logs then reach past the view that admitted j1.
done_when=(-X "s1:$N" -X "s2:$N" -X j1:1 -H -t 300000)
grp_member s1 1 -c -K "${KEY[s1]}" -n "$N" -r "$RATE" -m 3 "${done_when[@]}"
grp_wait s1 joined 30
grp_member s2 2 -K "${KEY[s2]}" -n "$N" -r "$RATE" -m 3 "${done_when[@]}"
grp_member r1 3 -K "${KEY[r1]}" "${done_when[@]}"
ktap_check "three members formed a secure group (KDC through the relay)" \
	grp_wait_all ready 60 s1 s2 r1
grp_wait_data r1 20 60

inject() {
	ip netns exec "$(grp_ns 4)" "$GRP_DIR/lsgc_inject" -i eth0 \
		-s "$(lsgc_ns_ip4 4)" -g "$GRP_ADDR" -p "$GRP_PORT" "$@"
}
ktap_check "the injector captured sealed group traffic" \
	inject -w $((2000 * GRP_SCALE)) -W "$W/captured"

declare -A snap
snapshot() {
	local i k v
	for i in 1 2 3; do
		while read -r k v; do
			snap[$1.$i.$k]=$v
		done <<<"$(ip netns exec "$(grp_ns "$i")" cat /proc/net/lsgc/stats)"
	done
}
delta() {
	local c d=0
	for c in ${4//+/ }; do
		d=$((d + ${snap[$2.$3.$c]:-0} - ${snap[$1.$3.$c]:-0}))
	done
	echo "$d"
}
now_delta() { echo $(( $(grp_stat "$2" "$3") - ${snap[$1.$2.$3]:-0} )); }
reached() {
	local i
	for i in 1 2 3; do
		[ "$(now_delta "$1" "$i" "$2")" -ge "$3" ] || return 1
	done
}
# exact KIND COUNTER [FILE]: K packets of KIND (made from the capture
# FILE, by default the group traffic's), each counted once in COUNTER in
# every member namespace, no other drop counter moved.
exact() {
	local kind=$1 c=$2 file=${3:-$W/captured} n i d bad= line k
	snapshot b
	line=$(inject -R "$file" -n "$K" "$kind") ||
		{ echo "# lsgc_inject $kind failed: $line"; return 1; }
	echo "# $line"
	n=$(awk '$1 == "inject" { print $3 }' <<<"$line")
	[ "${n:-0}" -gt 0 ] || { echo "# nothing of $kind sent"; return 1; }
	lsgc_wait_for $((10 * GRP_SCALE)) reached b "$c" "$n"
	snapshot a
	for i in 1 2 3; do
		d=$(delta b a "$i" "$c")
		[ "$d" = "$n" ] || bad+=" ns$i: $c +$d, want +$n;"
		for k in "${drops[@]}"; do
			[ "$k" = "$c" ] && continue
			d=$(delta b a "$i" "$k")
			[ "$d" = 0 ] || bad+=" ns$i: $k +$d, want +0;"
		done
	done
	[ -z "$bad" ] || { echo "# $kind:$bad"; return 1; }
}
for kind in "${kinds[@]}"; do
	ktap_check "$kind: exactly $K in ${want[$kind]}, nothing elsewhere" \
		exact "$kind" "${want[$kind]}"
done

# A rogue KDC helper (the real one stopped): a wrong-nonce answer is
# refused and counted, the request stays open, the right answer admits.
kill "$KDCPID"; wait "$KDCPID" 2>/dev/null; KDCPID=
ip netns exec "$(grp_ns 1)" python3 "$GRP_DIR/rogue_kdc.py" "$KDC" "$DB" \
	>"$W/rogue.out" 2>&1 &
ROGUE=$!
lsgc_wait_for 20 grep -q listening "$W/rogue.out"
rej0=$(grp_stat 1 kdc_rejected)
# Capture j1's join as it happens, for the replays below: its JOIN_REQs,
# the JOIN_TOKEN, its TOKENs and the JOIN_SACK (the first 16 of each).
inject -w $((6000 * GRP_SCALE)) -T 5,11,13,14 -W "$W/joincap" >/dev/null 2>&1 &
CAP=$!
sleep 1
grp_member j1 5 -K "${KEY[j1]}" -n 1 -X j1:1 -H -t 300000
joined=0
grp_wait j1 joined 60 && joined=1
wait "$CAP"
wait "$ROGUE"
sed 's/^/# /' "$W/rogue.out"
rej=$(( $(grp_stat 1 kdc_rejected) - rej0 ))
ktap_check "a wrong-nonce KDC answer is refused (EBADMSG, kdc_rejected +1)" \
	sh -c "grep -q '^answer wrong-nonce 74$' '$W/rogue.out' && [ $rej = 1 ]"
ktap_check "the right answer still admits the joiner" \
	sh -c "grep -q '^answer right-nonce 0$' '$W/rogue.out' && [ $joined = 1 ]"

# A KDC helper that takes the request and never answers: the leader's
# deadline ends it (half the join timeout) and the joiner hears
# ETIMEDOUT.
ip netns exec "$(grp_ns 1)" python3 "$GRP_DIR/rogue_kdc.py" "$KDC" "$DB" silent \
	>"$W/silent.out" 2>&1 &
SILENT=$!
lsgc_wait_for 20 grep -q listening "$W/silent.out"
kdc_timeout() {
	grp_member j2 4 -K "${KEY[j2]}" -t 60000
	grp_reap j2 60
	grep -q "request seen" "$W/silent.out" &&
		grep -q "join (seq): .* (ETIMEDOUT)" "$W/j2.err" ||
		{ echo "# j2: $(tail -n 2 "$W/j2.err" | tr '\n' ' ') rogue: $(cat "$W/silent.out")"; return 1; }
}
ktap_check "a KDC helper that never answers: ETIMEDOUT" kdc_timeout
kill "$SILENT" 2>/dev/null; wait "$SILENT" 2>/dev/null

# Replayed admissions gain nothing: the leader answers a JOIN_REQ of a
# member that already speaks with nothing (drop_duplicate), and a copy
# of the sealed token grant or admission is a replay of the leader's
# packet everywhere.
joinreplay() {
	local line n v0 v1 i d bad=
	v0=$(grp_count s1 'V ')
	snapshot b
	line=$(inject -R "$W/joincap" -n "$K" joinreq) || return 1
	echo "# $line"
	n=$(awk '$1 == "inject" { print $3 }' <<<"$line")
	[ "${n:-0}" -gt 0 ] || { echo "# no JOIN_REQ captured"; return 1; }
	lsgc_wait_for $((10 * GRP_SCALE)) test "$(now_delta b 1 drop_duplicate)" -ge "$n"
	d=$(now_delta b 1 drop_duplicate)
	[ "$d" = "$n" ] || bad+=" leader: drop_duplicate +$d, want +$n;"
	exact joinsack drop_replay "$W/joincap" || bad+=" (joinsack);"
	exact jointoken drop_replay "$W/joincap" || bad+=" (jointoken);"
	sleep 1
	v1=$(grp_count s1 'V ')
	[ "$v0" = "$v1" ] || bad+=" views $v0 -> $v1;"
	[ -z "$bad" ] || { echo "#$bad"; return 1; }
}
ktap_check "replayed JOIN_REQ, JOIN_TOKEN and JOIN_SACK: refused, no view change" joinreplay

# A stolen token: j3 (namespace 5) is granted its token, but the leader's
# host never hears j3's own TOKENs (a tc filter drops them), so j3 stays
# a candidate with a token of the current view.  The injector captures
# that token and presents it under another identity: the token covers
# the identity, so every member counts a forgery, nobody is admitted,
# and j3 runs out of time (ETIMEDOUT).
ip netns exec "$(grp_ns 1)" "$KDC" serve --relay "$(lsgc_ns_ip4 5):7070" \
	>"$W/kdc2.out" 2>"$W/kdc2.err" &
KDCPID=$!
lsgc_wait_for 20 grep -q serving "$W/kdc2.out"
stolen() {
	local line n v0 v1 i d bad= ns1
	ns1=$(grp_ns 1)
	ip netns exec "$ns1" tc qdisc add dev eth0 ingress &&
	ip netns exec "$ns1" tc filter add dev eth0 parent ffff: protocol ip \
		u32 match ip src "$(lsgc_ns_ip4 5)/32" match ip protocol 17 0xff \
		match u8 14 0xff at 29 action drop ||
		{ echo "# tc filter failed"; return 1; }
	inject -w $((4000 * GRP_SCALE)) -T 14 -W "$W/tokcap" >/dev/null 2>&1 &
	local cap=$!
	sleep 1
	v0=$(grp_stat 1 views_installed)
	grp_member j3 5 -K "${KEY[j3]}" -t 60000
	wait "$cap" || { echo "# no TOKEN of j3 captured"; return 1; }
	snapshot b
	line=$(inject -R "$W/tokcap" -n "$K" stolentoken) || return 1
	echo "# $line"
	n=$(awk '$1 == "inject" { print $3 }' <<<"$line")
	[ "${n:-0}" -gt 0 ] || { echo "# no TOKEN captured"; return 1; }
	lsgc_wait_for $((10 * GRP_SCALE)) reached b drop_auth "$n"
	snapshot a
	for i in 1 2 3; do
		d=$(delta b a "$i" drop_auth)
		[ "$d" = "$n" ] || bad+=" ns$i: drop_auth +$d, want +$n;"
		d=$(delta b a "$i" drop_replay+drop_malformed+drop_not_member+drop_duplicate)
		[ "$d" = 0 ] || bad+=" ns$i: other drops +$d;"
	done
	grp_reap j3 60
	grep -q "join (seq): .* (ETIMEDOUT)" "$W/j3.err" ||
		bad+=" j3: $(tail -n 2 "$W/j3.err" | tr '\n' ' ');"
	v1=$(grp_stat 1 views_installed)
	[ "$v0" = "$v1" ] || bad+=" views_installed $v0 -> $v1;"
	ip netns exec "$ns1" tc qdisc del dev eth0 ingress
	[ -z "$bad" ] || { echo "#$bad"; return 1; }
}
ktap_check "a stolen token under another identity: drop_auth everywhere, no join" stolen

# Two views later (j1 joined; now j1 leaves) and past the grace period of
# the old keys, the first capture opens nowhere.
grp_wait j1 done 60 || ktap_diag "j1 did not deliver its message"
# A former member's traffic: j1's own packets, sealed under the key it
# held, captured while it is a member and sent again once it has left
# (within the old key's grace period the key still opens them).
J1NO=$(awk '$1 == "#" && $2 == "member" { print $3; exit }' "$W/j1.log")
inject -w $((2000 * GRP_SCALE)) -F "${J1NO:-0}" -W "$W/j1cap" >/dev/null 2>&1
# The others hold (they stopped reading once done), so the view without
# j1 shows in the kernel's views_installed, not in their logs.
snapshot v
grp_stop j1
former() {
	local line n i t d bad=
	[ -n "$J1NO" ] || { echo "# j1's member number unknown"; return 1; }
	lsgc_wait_for $((10 * GRP_SCALE)) reached v views_installed 1 ||
		{ echo "# the view without j1 was not installed everywhere"; return 1; }
	snapshot b
	line=$(inject -R "$W/j1cap" -n "$K" replay) || return 1
	echo "# $line (member $J1NO)"
	n=$(awk '$1 == "inject" { print $3 }' <<<"$line")
	[ "${n:-0}" -gt 0 ] || { echo "# nothing of j1 captured"; return 1; }
	for ((t = 0; t < 50 * GRP_SCALE; t++)); do
		snapshot a
		d=0
		for i in 1 2 3; do
			[ "$(delta b a "$i" drop_not_member+drop_unknown_epoch)" -ge "$n" ] && d=$((d + 1))
		done
		[ "$d" = 3 ] && break
		sleep 0.2
	done
	for i in 1 2 3; do
		d=$(delta b a "$i" drop_not_member+drop_unknown_epoch)
		[ "$d" = "$n" ] || bad+=" ns$i: drop_not_member+drop_unknown_epoch +$d, want +$n;"
		d=$(delta b a "$i" drop_auth+drop_replay)
		[ "$d" = 0 ] || bad+=" ns$i: drop_auth+drop_replay +$d;"
	done
	echo "# ns1: drop_not_member +$(delta b a 1 drop_not_member), drop_unknown_epoch +$(delta b a 1 drop_unknown_epoch)"
	[ -z "$bad" ] || { echo "#$bad"; return 1; }
}
ktap_check "a former member's packets after it left: refused everywhere, exactly" former
sleep $(( (2 * HBT + 999) / 1000 ))
ktap_check "packets of a view two keys ago: drop_unknown_epoch, exactly" \
	exact replay drop_unknown_epoch
ktap_check "j1's token replayed two views later: drop_unknown_epoch, exactly" \
	exact token drop_unknown_epoch "$W/joincap"

all=(s1 s2 r1)
ktap_check "members delivered everything" grp_wait_all done 240 "${all[@]}"
grp_stop_all
ktap_check "members exited 0" grp_expect_exit 0 "${all[@]}"
ktap_check "identical total order despite the attacks" \
	grp_order_check --data $((2 * N + 1)) --sent "s1=$N" --sent "s2=$N" --sent j1=1 \
	"$W/s1.log:full" "$W/s2.log:full" "$W/r1.log:full" "$W/j1.log:any"
grp_check_clean
ktap_finish
