#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lsgc monitor captures the membership events of a scripted history, in
# order: s1 creates the group, s2 and s3 join, s2 leaves, s3 is cut off
# and expelled.  The leader's namespace must see, as JSON and as text:
#
#   view 1 (1 member), leader s1, join s2, view 2 (2), join s3, view 3 (3),
#   leave s2, view 4 (2), expel s3 (ETIMEDOUT), view 5 (1)
#
# and s3's namespace: view 3 (3), its leader s1, view 4 (2), then its own
# failure.  Every
# monitor ends cleanly on SIGINT.
. "$(dirname "$0")/monitor_lib.sh"

ktap_plan 10
mon_init 3
grp_sysctl_all heartbeat_interval_ms 100 || exit 1
grp_sysctl_all heartbeat_timeout_ms 2000 || exit 1
mon_start m1 1
mon_start t1 1 -j
mon_start m3 3 -j
ktap_check "three monitors subscribed" mon_sync m1 t1 m3

hold=(-t 600000)
grp_member s1 1 -c "${hold[@]}"
grp_wait s1 joined 30
grp_member s2 2 -m 2 "${hold[@]}"
grp_wait s2 ready 60
grp_member s3 3 -m 3 "${hold[@]}"
ktap_check "s1, s2, s3 joined one after the other" grp_wait s3 ready 60

has_event() { mon_events "$1" | grep -q "$2"; }
grp_stop s2
ktap_check "the leader's monitor saw s2 leave" \
	lsgc_wait_for 30 has_event t1 '"event":"leave"'
# s3 must have installed the view without s2 before it is cut off.
lsgc_wait_for 30 has_event m3 '"view":4' || ktap_diag "s3 did not see view 4"
ip -n "$(grp_ns 3)" link set eth0 down
ktap_check "the leader's monitor saw s3 expelled" \
	lsgc_wait_for 60 has_event t1 '"event":"expel"'
ktap_check "s3's monitor saw its membership fail" \
	lsgc_wait_for 60 has_event m3 '"event":"failed"'
lsgc_wait_for 10 has_event t1 '"view":5' || true
mon_stop m1 t1 m3
ktap_check "every monitor exited 0 on SIGINT (${MON_RC[m1]}/${MON_RC[t1]}/${MON_RC[m3]})" \
	test "${MON_RC[m1]}/${MON_RC[t1]}/${MON_RC[m3]}" = 0/0/0

# (event, member identity, view, members, reason) of the group under test.
seq_of() {
	python3 -c '
import json, sys
for ln in sys.stdin:
    e = json.loads(ln)
    if e["port"] != 7007:
        continue
    print(e["event"], e["id"], e.get("member_id", "-"), e.get("view", "-"),
          e.get("members", "-"), e.get("reason", "-"))'
}
expect_seq() {
	local name=$1 want=$2 got
	got=$(mon_events "$name" | seq_of) || return 1
	if [ "$got" != "$want" ]; then
		echo "# expected:"; printf '%s\n' "$want" | sed 's/^/#   /'
		echo "# got:"; printf '%s\n' "$got" | sed 's/^/#   /'
		return 1
	fi
}
want1='view s1 - 1 1 -
leader s1 s1 1 1 -
join s1 s2 2 - -
view s1 - 2 2 -
join s1 s3 3 - -
view s1 - 3 3 -
leave s1 s2 4 - -
view s1 - 4 2 -
expel s1 s3 5 - ETIMEDOUT
view s1 - 5 1 -'
ktap_check "leader's events, JSON: views, joins, leave, expel in order" expect_seq t1 "$want1"
want3='view s3 - 3 3 -
leader s3 s1 3 3 -
view s3 - 4 2 -
failed s3 s3 - - ECONNRESET'
ktap_check "s3's events, JSON: its views and leader, then its failure" expect_seq m3 "$want3"

text_seq() {
	local want got
	want='[239.7.7.7:7007 id s1] view 1 members 1 leader 1
[239.7.7.7:7007 id s1] leader 1 id s1 view 1 members 1
[239.7.7.7:7007 id s1] join member 2 id s2 view 2
[239.7.7.7:7007 id s1] view 2 members 2 leader 1
[239.7.7.7:7007 id s1] join member 3 id s3 view 3
[239.7.7.7:7007 id s1] view 3 members 3 leader 1
[239.7.7.7:7007 id s1] leave member 2 id s2 view 4
[239.7.7.7:7007 id s1] view 4 members 2 leader 1
[239.7.7.7:7007 id s1] expel member 3 id s3 view 5 reason ETIMEDOUT
[239.7.7.7:7007 id s1] view 5 members 1 leader 1'
	got=$(mon_events m1)
	if [ "$got" != "$want" ]; then
		echo "# expected:"; printf '%s\n' "$want" | sed 's/^/#   /'
		echo "# got:"; printf '%s\n' "$got" | sed 's/^/#   /'
		return 1
	fi
}
ktap_check "leader's events, text: the same history" text_seq
grp_check_clean
ktap_finish
