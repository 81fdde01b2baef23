#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Socket filters see every record, as on any other family: r2 attaches a
# classic BPF filter that keeps nothing (lsgc_member -B) to both of its
# sockets.  s1 sends N reliable messages; r3, unfiltered, delivers all of
# them; r2 delivers no data record at all, still gets its views, and its
# namespace counts each refused record once in drop_filter.  (Before
# records passed sk_filter(), the filter was silently ignored.)
. "$(dirname "$0")/group_lib.sh"

N=${GRP_N:-40}
scale=${LSGC_TIMEOUT_SCALE:-1}
ktap_plan 7
grp_init 3
grp_member s1 1 -c -n "$N" -m 3 -X "s1:$N" -H -t $((90000 * scale))
grp_wait s1 joined $((30 * scale))
# r2 has nothing to wait for: it keeps reading until stopped.
grp_member r2 2 -B -C both -l $((90000 * scale)) -t $((90000 * scale))
grp_member r3 3 -X "s1:$N" -H -t $((90000 * scale))
ktap_check "s1 and r3 delivered all $N messages" grp_wait_all done $((90 * scale)) s1 r3

# r2 refused as many records as r3 delivered, and kept none.
filtered() {
	local t f
	for ((t = 0; t < 50 * scale; t++)); do
		f=$(grp_stat 2 drop_filter)
		[ "$f" = "$N" ] && break
		sleep 0.1
	done
	[ "$f" = "$N" ] || { echo "# drop_filter in ns2: $f, want $N"; return 1; }
}
ktap_check "r2's filter refused each of the $N records once (drop_filter)" filtered
# The delivery logs are complete once their writers exited.
grp_stop_all
no_data() {
	local d
	d=$(awk '$1 == "D"' "$W/r2.log" | wc -l)
	[ "$d" = 0 ] || { echo "# r2 delivered $d data records"; return 1; }
}
ktap_check "r2 delivered no data record" no_data
has_views() { grep -q '^V' "$W/r2.log" || { echo "# r2 saw no view"; return 1; }; }
ktap_check "r2 still got its view records" has_views
if grp_expect_exit 0 s1 r3; then
	ktap_ok "s1 and r3 exited 0"
else
	grp_diag s1 r2 r3
	ktap_fail "s1 and r3 exited 0"
fi
ktap_check "s1 and r3: identical, complete total order" \
	grp_order_check --data "$N" --sent "s1=$N" "$W/s1.log:full" "$W/r3.log:full"
grp_diag_stats_all
grp_check_clean
ktap_finish
