#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Security events: while s1 (ns 1, leader) and s2 (ns 2) exchange ordered
# traffic, lsgc_inject in ns 3 replays their packets and sends packets
# flagged as sealed (no session has a key to open them).  Every refused
# packet is counted (drop_replay, drop_auth) and announced on the events
# group, at most net.lsgc.security_event_rate per second and namespace;
# the events the limit ate are reported in the next one that goes out, so
# that (events + suppressed) equals the counters exactly.  A rate of 0
# announces nothing.  `lsgc -t monitor` stamps every line.
. "$(dirname "$0")/monitor_lib.sh"

N=${GRP_N:-400}
RATE=${GRP_RATE:-20}
ktap_plan 14
mon_init 3
grp_sysctl_all heartbeat_timeout_ms 3000 || exit 1
ip netns exec "$(grp_ns 1)" sh -c 'echo 5 >/proc/sys/net/lsgc/security_event_rate'
mon_start j1 1 -j
mon_start x1 1 -t
mon_start j2 2 -j -t
ktap_check "three monitors subscribed" mon_sync j1 x1 j2

# -H: members hold (and keep sending heartbeats, which the injector
# replays) once done, however slow the kernel.
done_when=(-X "s1:$N" -X "s2:$N" -H -t 600000)
grp_member s1 1 -c -n "$N" -r "$RATE" -m 2 "${done_when[@]}"
grp_wait s1 joined 30
grp_member s2 2 -n "$N" -r "$RATE" -m 2 "${done_when[@]}"
ktap_check "s1 and s2 formed the group" grp_wait_all ready 60 s1 s2
grp_wait_data s2 10 60

inject() {
	ip netns exec "$(grp_ns 3)" "$GRP_DIR/lsgc_inject" -i eth0 \
		-s "$(lsgc_ns_ip4 3)" -g "$GRP_ADDR" -p "$GRP_PORT" "$@"
}
# Bursts far above the limit, a second apart so that each kind has its
# window, then one more replay whose event carries what the limit ate of
# the last burst.
inject -w 2000 -n 40 replay >"$W/inject1.out" 2>&1
irc1=$?
sleep 1.2
inject -w 1000 -n 40 sealed >>"$W/inject1.out" 2>&1
irc2=$?
sleep 1.2
inject -w 1000 -n 1 replay >"$W/inject2.out" 2>&1
irc3=$?
sed 's/^/# inject: /' "$W/inject1.out" "$W/inject2.out"
ktap_check "the injector sent its packets (exit $irc1/$irc2/$irc3)" \
	test "$irc1/$irc2/$irc3" = 0/0/0
sleep 0.5

# Security events of a monitor, one JSON object per line.
sec_json() { mon_events "$1" | grep '"event":"security"'; }
# Every security event the kernel had for ns N: events + suppressed.
sec_total() {
	sec_json "$1" | python3 -c '
import json, sys
print(sum(1 + json.loads(l)["suppressed"] for l in sys.stdin))'
}
refused() {
	echo $(($(grp_stat "$1" drop_replay) + $(grp_stat "$1" drop_auth) +
		$(grp_stat "$1" drop_unknown_epoch)))
}
# The events reach the monitors' files a little after the counters
# count: give a slow machine up to 10 s for the two to agree.
for ((i = 0; i < 50; i++)); do
	r1=$(refused 1)
	r2=$(refused 2)
	[ "$(sec_total j1)/$(sec_total j2)" = "$r1/$r2" ] && break
	sleep 0.2
done
ktap_diag "ns1: refused $r1, events $(sec_json j1 | wc -l), accounted $(sec_total j1)"
ktap_diag "ns2: refused $r2, events $(sec_json j2 | wc -l), accounted $(sec_total j2)"
ktap_check "both namespaces refused the bursts (ns1 $r1, ns2 $r2 >= 81)" \
	test "$r1" -ge 81 -a "$r2" -ge 81

src=$(lsgc_ns_ip4 3)
# The security events of a monitor as one JSON array, checked by jcheck.
sec_check() {
	local name=$1; shift
	sec_json "$name" | python3 -c '
import json, sys
print(json.dumps([json.loads(l) for l in sys.stdin]))' | jcheck "$@"
}
ktap_check "ns1 events: replays (a membership's, with its id) and authentication failures (the group's), from the injector" \
	sec_check j1 \
	'set(x["drop_reason"] for x in d) == {"drop_replay", "drop_auth"}' \
	"all(x[\"src_addr\"] == \"$src\" and x[\"src_port\"] == $GRP_PORT for x in d)" \
	'all(x["id"] == "s1" and x["member"] in (1, 2) for x in d if x["drop_reason"] == "drop_replay")' \
	'all("id" not in x for x in d if x["drop_reason"] == "drop_auth")' \
	"all(x[\"group\"] == \"$GRP_ADDR:$GRP_PORT\" for x in d)"
# A burst lasts well under a second, so it spans at most two windows.
ktap_check "ns1 (rate 5): at most 5 events per second, the limit ate some" \
	sec_check j1 'len(d) <= 21' 'sum(x["suppressed"] for x in d) > 0'
ktap_check "ns1: events + suppressed = refused packets ($r1)" \
	test "$(sec_total j1)" = "$r1"
ktap_check "ns2 (rate 10): at most 10 events per second, the limit ate some" \
	sec_check j2 'len(d) <= 41' 'sum(x["suppressed"] for x in d) > 0'
ktap_check "ns2: events + suppressed = refused packets ($r2)" \
	test "$(sec_total j2)" = "$r2"

# Text and timestamps.
ts='\[[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}\] '
text_lines() {
	local out bad=0
	out=$(mon_events x1 | grep ' security ')
	printf '%s\n' "$out" | head -n 4 | sed 's/^/#   /'
	[ -n "$out" ] || return 1
	printf '%s\n' "$out" | grep -Evq "^$ts\\[$GRP_ADDR:$GRP_PORT( id s1)?\\] security drop_(replay|auth) from $src:$GRP_PORT( member [0-9]+)? suppressed [0-9]+\$" && bad=1
	printf '%s\n' "$out" | grep -Eq "^$ts\\[$GRP_ADDR:$GRP_PORT id s1\\] security drop_replay from " || bad=1
	printf '%s\n' "$out" | grep -Eq "^$ts\\[$GRP_ADDR:$GRP_PORT\\] security drop_auth from " || bad=1
	return $bad
}
ktap_check "lsgc -t monitor: stamped text lines, replay with the id, auth without" text_lines
stamped_json() {
	local out
	out=$(mon_events j2)
	[ -n "$out" ] || return 1
	! printf '%s\n' "$out" | grep -Ev '"timestamp":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{6}"'
}
ktap_check "lsgc -j -t monitor: every event has a timestamp" stamped_json

# A rate of 0: counted, not announced.
ip netns exec "$(grp_ns 2)" sh -c 'echo 0 >/proc/sys/net/lsgc/security_event_rate'
before=$(sec_json j2 | wc -l)
rb=$(refused 2)
inject -w 1000 -n 20 replay >/dev/null 2>&1
sleep 0.5
ra=$(refused 2)
ktap_check "rate 0: ns2 refused $((ra - rb)) more packets and announced none" \
	test "$((ra - rb))" -ge 20 -a "$(sec_json j2 | wc -l)" = "$before"

grp_wait_all done 300 s1 s2 >/dev/null 2>&1 || true
mon_stop j1 x1 j2
grp_stop_all
ktap_check "the group delivered everything despite the injection" \
	grp_order_check --data $((2 * N)) --sent "s1=$N" --sent "s2=$N" \
	"$W/s1.log:full" "$W/s2.log:full"
grp_check_clean
ktap_finish
