#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lsgc group show / member list / stats against a known group: four
# members in three namespaces (s1 creates the session in ns 1, s2 and s3
# join from ns 2 and 3, s4 joins from ns 1 beside s1).  Every namespace
# must show exactly its own memberships with the right role, view,
# member count and numbers, in tables and in JSON; each member's source
# address, join time and progress; filters select; the counters agree
# with /proc/net/lsgc/stats and count each membership's own packets; and
# once the module is gone the tool says so.
. "$(dirname "$0")/monitor_lib.sh"

ktap_plan 28
mon_init 3
grp_sysctl_all heartbeat_timeout_ms 3000 || exit 1
hold=(-m 4 -t 600000)
t0=$(date +%s%3N)
grp_member s1 1 -c "${hold[@]}"
grp_wait s1 joined 30
grp_member s2 2 "${hold[@]}"
grp_member s3 3 "${hold[@]}"
grp_member s4 1 "${hold[@]}"
if ! grp_wait_all ready 90 s1 s2 s3 s4; then
	ktap_fail "four members joined (view of 4)"
	grp_diag s1 s2 s3 s4
	ktap_finish
fi
ktap_ok "four members joined (view of 4)"
t1=$(date +%s%3N)
# Heartbeats (every 100 ms) tell every member what the others delivered.
sleep 1

common='all(x["address"] == "239.7.7.7" and x["port"] == 7007 and x["family"] == "inet" and x["ifname"] == "eth0" and x["view"] == 4 and x["members"] == 4 and x["epoch"] == 4 and x["cipher"] == "none" and x["state"] == "member" and x["leader"] == 1 and x["session"] != 0 for x in d)'
ktap_check "ns 1: group show -j lists s1 (leader, member 1) and s4 (member)" \
	jshow 1 "group show" 'len(d) == 2' 'ids(d, "id") == ["s1", "s4"]' \
	"$common" \
	'by(d, "id", "s1")["role"] == "leader"' 'by(d, "id", "s1")["member"] == 1' \
	'by(d, "id", "s4")["role"] == "member"' 'by(d, "id", "s4")["member"] in (2, 3, 4)'
for i in 2 3; do
	ktap_check "ns $i: group show -j lists s$i only, a member of view 4" \
		jshow "$i" "group show" 'len(d) == 1' "d[0][\"id\"] == \"s$i\"" \
		'd[0]["role"] == "member"' 'd[0]["member"] in (2, 3, 4)' "$common"
done
sessions=$(for i in 1 2 3; do
	lsgc_tool "$i" -j group show | python3 -c 'import json, sys; [print(x["session"]) for x in json.load(sys.stdin)]'
done | sort -u | wc -l)
ktap_check "every membership is in the same session" test "$sessions" = 1
numbers=$(for i in 1 2 3; do
	lsgc_tool "$i" -j group show | python3 -c 'import json, sys; [print(x["member"]) for x in json.load(sys.stdin)]'
done | sort -n | tr '\n' ' ')
ktap_check "member numbers are 1..4, each once (got: $numbers)" test "$numbers" = "1 2 3 4 "

ktap_check "ns 2: member list -j shows the four identities, s1 leader, s2 self" \
	jshow 2 "member list" 'len(d) == 4' \
	'ids(d, "member_id") == ["s1", "s2", "s3", "s4"]' \
	'[x["member_id"] for x in d if x["leader"]] == ["s1"]' \
	'[x["member_id"] for x in d if x["self"]] == ["s2"]' \
	'all(x["id"] == "s2" and x["view"] == 4 and x["group"] == "239.7.7.7:7007" for x in d)' \
	'by(d, "member_id", "s1")["member"] == 1' \
	'all("delivered" in x and "high" in x and "stable" in x for x in d if x["self"])' \
	'all(x["last_heard_ms"] < 3000 for x in d if not x["self"])' \
	'all(x["delivered"] >= 4 and x["received"] >= x["delivered"] and x["high"] == x["received"] for x in d)'
ip1=$(lsgc_ns_ip4 1) ip2=$(lsgc_ns_ip4 2) ip3=$(lsgc_ns_ip4 3)
ktap_check "ns 2: member list -j: where each member's packets come from" \
	jshow 2 "member list" \
	"[by(d, \"member_id\", s)[\"src_addr\"] for s in (\"s1\", \"s2\", \"s3\", \"s4\")] == [\"$ip1\", \"$ip2\", \"$ip3\", \"$ip1\"]" \
	'all(x["src_port"] == 7007 for x in d)'
# At the leader a member's join time is its admission, so they follow the
# member numbers; elsewhere those admitted before the local membership
# share its own join time.
ktap_check "ns 1: join times: within the test, in admission order at the leader" \
	jshow 1 "member list 239.7.7.7:7007 id s1" \
	"all($t0 <= x[\"join_time_ms\"] <= $t1 for x in d)" \
	'[x["join_time_ms"] for x in sorted(d, key=lambda x: x["member"])] == sorted(x["join_time_ms"] for x in d)'
ktap_check "ns 1: group show -j join times: within the test; the leader first" \
	jshow 1 "group show" \
	"all($t0 <= x[\"join_time_ms\"] <= $t1 for x in d)" \
	'by(d, "id", "s1")["join_time_ms"] <= by(d, "id", "s4")["join_time_ms"]'
unset -v ip1 ip2 ip3
ktap_check "ns 1: member list -j shows both memberships' views; the leader knows what each delivered" \
	jshow 1 "member list" 'len(d) == 8' \
	'ids([x for x in d if x["id"] == "s1"], "member_id") == ["s1", "s2", "s3", "s4"]' \
	'ids([x for x in d if x["id"] == "s4"], "member_id") == ["s1", "s2", "s3", "s4"]' \
	'all("delivered" in x for x in d if x["id"] == "s1")' \
	'sorted(x["member_id"] for x in d if x["self"]) == ["s1", "s4"]'

table_member_list() {
	local out ok=0 s
	out=$(lsgc_tool 2 member list) || return 1
	printf '%s\n' "$out" | sed 's/^/#   /'
	printf '%s\n' "$out" | head -n 1 | grep -Eq '^GROUP +LOCAL +VIEW +MEMBER +ID +FLAGS' || ok=1
	for s in s1 s2 s3 s4; do
		printf '%s\n' "$out" | grep -Eq "^239\.7\.7\.7:7007 +s2 +4 +[0-9]+ +$s " || ok=1
	done
	printf '%s\n' "$out" | grep -Eq ' s1 +leader ' || ok=1
	printf '%s\n' "$out" | grep -Eq ' s2 +self ' || ok=1
	[ "$(printf '%s\n' "$out" | wc -l)" = 5 ] || ok=1
	return $ok
}
ktap_check "ns 2: member list table: header, four rows, flags" table_member_list

table_group_show() {
	local out
	out=$(lsgc_tool 1 group show) || return 1
	printf '%s\n' "$out" | sed 's/^/#   /'
	printf '%s\n' "$out" | grep -Eq '^GROUP +DEV +ID +MEMBER +ROLE +STATE +LEADER +VIEW +MEMBERS +EPOCH +CIPHER' &&
	printf '%s\n' "$out" | grep -Eq '^239\.7\.7\.7:7007 +eth0 +s1 +1 +leader +member +1 +4 +4 +4 +none ' &&
	printf '%s\n' "$out" | grep -Eq '^239\.7\.7\.7:7007 +eth0 +s4 +[234] +member +member +1 +4 +4 +4 +none ' &&
	[ "$(printf '%s\n' "$out" | wc -l)" = 3 ]
}
ktap_check "ns 1: group show table" table_group_show

ktap_check "filter by group" test "$(jcount 1 "group show 239.7.7.7:7007")" = 2
ktap_check "filter by another address or port: nothing" \
	test "$(jcount 1 "group show 239.7.7.8:7007")/$(jcount 1 "group show 239.7.7.7:7008")" = 0/0
ktap_check "filter by identity" \
	jshow 1 "group show 239.7.7.7:7007 id s4" 'len(d) == 1' 'd[0]["id"] == "s4"'
ktap_check "filter by interface" \
	test "$(jcount 1 "group show 239.7.7.7:7007 dev eth0")/$(jcount 1 "group show 239.7.7.7:7007 dev lo")" = 2/0
unknown_dev() {
	local err rc
	err=$(lsgc_tool 1 group show 239.7.7.7:7007 dev nosuch0 2>&1 >/dev/null)
	rc=$?
	echo "# rc $rc: $err"
	[ $rc = 1 ] && printf '%s\n' "$err" | grep -q '^Error: no such interface'
}
ktap_check "an unknown interface is an error with the kernel's reason" unknown_dev
ktap_check "member list filtered by group and identity" \
	test "$(jcount 1 "member list 239.7.7.7:7007 id s1")" = 4

# Counters: the namespace totals hold every counter of /proc/net/lsgc/stats
# and the views each membership installed add up to them.
procnames=$(ip netns exec "$(grp_ns 1)" cat /proc/net/lsgc/stats | awk '{ print $1 }' | sort | tr '\n' ' ')
views=$(grp_stat 1 views_installed)
# Member n joined at view n and installed views n..4.
s4no=$(lsgc_tool 1 -j group show 239.7.7.7:7007 id s4 | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["member"])')
ktap_check "stats -j: per-membership counters and namespace totals agree with /proc" \
	jshow 1 "stats" 'len(d["groups"]) == 2' 'ids(d["groups"], "id") == ["s1", "s4"]' \
	"\" \".join(sorted(d[\"total\"][\"stats\"])) + \" \" == \"$procnames\"" \
	"d[\"total\"][\"stats\"][\"views_installed\"] == $views" \
	"sum(g[\"stats\"][\"views_installed\"] for g in d[\"groups\"]) == $views" \
	'by(d["groups"], "id", "s1")["stats"]["views_installed"] == 4' \
	"by(d[\"groups\"], \"id\", \"s4\")[\"stats\"][\"views_installed\"] == 5 - $s4no" \
	'd["total"]["stats"]["rx_packets"] > 0' \
	'all(g["stats"][c] > 0 for g in d["groups"] for c in ("rx_packets", "rx_bytes", "tx_packets", "tx_bytes"))' \
	'all(g["stats"]["tx_packets"] <= d["total"]["stats"]["tx_packets"] for g in d["groups"])' \
	'by(d["groups"], "id", "s4")["stats"]["data_received"] > 0' \
	'0 <= d["total"]["stats"]["tx_packets"] - sum(g["stats"]["tx_packets"] for g in d["groups"]) <= 20'
ktap_check "stats -j filtered by group: no namespace totals" \
	jshow 1 "stats 239.7.7.7:7007 id s1" 'len(d["groups"]) == 1' '"total" not in d'
stats_long() {
	local out n missing=
	out=$(lsgc_tool 1 stats -s) || return 1
	for n in $procnames; do
		[ "$(printf '%s\n' "$out" | grep -Ec "^    $n +[0-9]+$")" = 3 ] ||
			missing+=" $n"
	done
	printf '%s\n' "$out" | grep -q '^namespace total:$' || missing+=" (total)"
	[ -z "$missing" ] || echo "# missing or not three times:$missing"
	[ -z "$missing" ]
}
ktap_check "stats -s lists every counter of both memberships and the total" stats_long
stats_table() {
	local out
	out=$(lsgc_tool 1 stats) || return 1
	printf '%s\n' "$out" | sed 's/^/#   /'
	[ "$(printf '%s\n' "$out" | grep -Ec '^(239\.7\.7\.7:7007 +s[14] |total )')" = 3 ]
}
ktap_check "stats table: two memberships and the total" stats_table
pretty() {
	local out
	out=$(lsgc_tool 2 -p group show) || return 1
	printf '%s\n' "$out" | grep -q '^        "role": "member",$' &&
		printf '%s\n' "$out" | jcheck 'd[0]["id"] == "s2"'
}
ktap_check "-p prints indented JSON" pretty
ver=$(sed -n 's/^LSGC_VERSION *:= *//p' "$LSGC_REPO/Makefile")
ktap_check "-V prints the version ($ver)" \
	sh -c "'$LSGC_TOOL' -V | grep -q 'version $ver '"
"$LSGC_TOOL" group show 239.7.7.7 >/dev/null 2>&1; rc1=$?
"$LSGC_TOOL" frobnicate >/dev/null 2>&1; rc2=$?
ktap_check "usage errors exit 2 (bad group: $rc1, unknown object: $rc2)" test "$rc1/$rc2" = 2/2

grp_check_clean
no_module() {
	local err rc
	err=$("$LSGC_TOOL" group show 2>&1)
	rc=$?
	echo "# rc $rc: $err"
	[ $rc = 1 ] && printf '%s\n' "$err" | grep -q 'is the lsgc module loaded'
}
ktap_check "without the module the tool says so and fails" no_module
ktap_finish
