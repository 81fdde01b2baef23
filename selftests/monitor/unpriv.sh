#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# An unprivileged user (nobody, no capabilities) may read its namespace's
# groups, members, counters and events, and nothing else: it cannot write
# the net.lsgc.* sysctls, which root can only set within their ranges.  No
# output of the tool carries anything that looks like key material.
. "$(dirname "$0")/monitor_lib.sh"

ktap_plan 11
mon_init 2
NOBODY=(setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all)
nobody() {
	local ns=$1; shift
	ip netns exec "$(grp_ns "$ns")" "${NOBODY[@]}" "$@"
}
nobody 1 id | sed 's/^/# as: /'

grp_member s1 1 -c -m 2 -t 600000
grp_wait s1 joined 30
grp_member s2 2 -m 2 -t 600000
ktap_check "two members joined" grp_wait_all ready 60 s1 s2

njshow() {
	local ns=$1 args=$2 out; shift 2
	# shellcheck disable=SC2086
	out=$(nobody "$ns" "$LSGC_TOOL" -j $args) || { echo "# lsgc -j $args failed as nobody"; return 1; }
	printf '%s\n' "$out" | jcheck "$@"
}
ktap_check "nobody: group show" njshow 1 "group show" 'len(d) == 1' \
	'd[0]["id"] == "s1"' 'd[0]["role"] == "leader"' 'd[0]["members"] == 2'
ktap_check "nobody: member list" njshow 2 "member list" \
	'ids(d, "member_id") == ["s1", "s2"]'
ktap_check "nobody: stats" njshow 1 "stats" 'len(d["groups"]) == 1' \
	'd["total"]["stats"]["views_installed"] >= 2'

# Events as nobody: a monitor started by nobody sees s3 join.
ip netns exec "$(grp_ns 1)" "${NOBODY[@]}" "$LSGC_TOOL" -j monitor \
	>"$W/nm.out" 2>"$W/nm.err" &
MON_PID[nm]=$!
MON_NS[nm]=1
ktap_check "nobody: monitor subscribes" mon_sync nm
grp_member s3 1 -m 3 -t 600000
grp_wait s3 ready 60 || true
nm_join() { mon_events nm | grep -q '"event":"join".*"member_id":"s3"'; }
ktap_check "nobody: monitor sees s3 join" lsgc_wait_for 20 nm_join
mon_stop nm

# Sysctls: nobody cannot write any; root cannot leave the ranges.
sysctl_write() {
	# sysctl_write NS FILE VALUE [nobody]: prints the errno name or "ok"
	local ns=$1 f=$2 v=$3 who=${4:-root} pre=()
	[ "$who" = nobody ] && pre=("${NOBODY[@]}")
	ip netns exec "$(grp_ns "$ns")" "${pre[@]}" python3 -c '
import errno, sys
try:
    with open(sys.argv[1], "w") as f:
        f.write(sys.argv[2] + "\n")
    print("ok")
except OSError as e:
    print(errno.errorcode[e.errno])' "$f" "$v"
}
sysctl_read() { ip netns exec "$(grp_ns "$1")" cat "$2"; }

nobody_writes() {
	local f v r bad= n=0
	for f in /proc/sys/net/lsgc/*; do
		n=$((n + 1))
		v=$(sysctl_read 1 "$f")
		r=$(sysctl_write 1 "$f" $((v + 1)) nobody)
		case $r in EACCES|EPERM) ;; *) bad+=" ${f##*/}:$r" ;; esac
		[ "$(sysctl_read 1 "$f")" = "$v" ] || bad+=" ${f##*/}:changed"
	done
	echo "# $n sysctls${bad:+, accepted or changed:$bad}"
	[ "$n" -ge 7 ] && [ -z "$bad" ]
}
ktap_check "nobody cannot write any net.lsgc sysctl (EACCES/EPERM)" nobody_writes

ranges() {
	local bad= f v r
	for spec in heartbeat_interval_ms:9:60001 heartbeat_timeout_ms:49:60001 \
		join_timeout_ms:99:60001 window:0:4097 backlog:63:65537 \
		nak_delay_ms:0:1001 retransmit_ms:9:60001 security_event_rate:-1:10001; do
		IFS=: read -r f lo hi <<<"$spec"
		v=$(sysctl_read 1 "/proc/sys/net/lsgc/$f")
		for x in "$lo" "$hi" -1; do
			r=$(sysctl_write 1 "/proc/sys/net/lsgc/$f" "$x")
			[ "$r" = EINVAL ] || bad+=" $f=$x:$r"
		done
		[ "$(sysctl_read 1 "/proc/sys/net/lsgc/$f")" = "$v" ] || bad+=" $f:changed"
	done
	[ -z "$bad" ] || echo "# out of range values not refused:$bad"
	[ -z "$bad" ]
}
ktap_check "root: values out of range are refused (EINVAL) and change nothing" ranges
in_range() {
	local v r
	v=$(sysctl_read 2 /proc/sys/net/lsgc/window)
	r=$(sysctl_write 2 /proc/sys/net/lsgc/window 4096)
	[ "$r" = ok ] && [ "$(sysctl_read 2 /proc/sys/net/lsgc/window)" = 4096 ] &&
		[ "$(sysctl_read 1 /proc/sys/net/lsgc/window)" = "$v" ] &&
		[ "$(sysctl_write 2 /proc/sys/net/lsgc/window "$v")" = ok ]
}
ktap_check "root: a value in range is taken, in its own namespace only" in_range

no_keys() {
	local out
	out=$(for i in 1 2; do
		for c in "group show" "member list" "stats"; do
			# shellcheck disable=SC2086
			nobody "$i" "$LSGC_TOOL" -j $c
		done
	done; mon_events nm)
	! printf '%s\n' "$out" | grep -Eiq '"[a-z_]*(key|secret|psk)[a-z_]*":' &&
		! grep -Eq 'LSGC_[A-Z_]*_A_[A-Z_]*(KEY|SECRET)' "$LSGC_REPO/include/uapi/linux/lsgc_netlink.h"
}
ktap_check "no attribute or JSON field carries key material" no_keys
grp_check_clean
ktap_finish
