#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Linger on close() and LSGC_LEAVE (issue 15): a member sends N messages
# and close()s its socket the moment the last send() returned; another
# sends N and calls LSGC_LEAVE at once (then close()).  Lingering waits
# until what send() accepted was ordered, so every other member must
# deliver all N of each, exactly once, in order, with the same views
# (the departures included).  Loss on every port makes the last messages
# need sender retransmission or repair while the sockets linger.
. "$(dirname "$0")/group_lib.sh"

N=${GRP_N:-150}
LOSS=${GRP_LOSS:-2}
ktap_plan 8
grp_init 4
grp_sysctl_all heartbeat_timeout_ms "${GRP_HB_TIMEOUT:-3000}" ||
	{ ktap_fail "sysctls"; ktap_finish; }
grp_netem_ports loss "$LOSS%" || { ktap_fail "netem"; ktap_finish; }
stay=(L r)
grp_member L 1 -c -X "c:$N" -X "lv:$N" -W c -W lv -H -t 400000
grp_wait L joined 30
grp_member r 2 -X "c:$N" -X "lv:$N" -W c -W lv -H -t 400000
grp_member c 3 -n "$N" -s 1-3000 -m 4 -x -t 400000
grp_member lv 4 -n "$N" -s 1-3000 -m 4 -w poll -x -L -t 400000
ktap_check "four members formed the group" grp_wait_all ready 60 L r c lv
grp_reap c 120 || grp_diag c
grp_reap lv 120 || grp_diag lv
ktap_diag "c: $(grep -h -E "^# (outq_at_close|closed_ms|sent)" "$W/c.log" | tr "\n" " ") lv: $(grep -h -E "^# (outq_at_close|left_ms|closed_ms|sent)" "$W/lv.log" | tr "\n" " ")"
ktap_check "the closing sender sent $N and exited 0 after close()" \
	sh -c "[ '$(grp_exit c)' = 0 ] && grep -qx '# sent $N' '$W/c.log' && grep -q '^# closed_ms' '$W/c.log'"
ktap_check "the leaving sender sent $N, LSGC_LEAVE succeeded (UNJOINED), exited 0" \
	sh -c "[ '$(grp_exit lv)' = 0 ] && grep -qx '# sent $N' '$W/lv.log' && grep -q '^# left_ms' '$W/lv.log'"
if grp_wait_all done 240 "${stay[@]}"; then
	ktap_ok "the others delivered all $N of each and saw both leave"
else
	grp_diag L r c lv
	ktap_fail "the others delivered all $N of each and saw both leave"
fi
grp_stop "${stay[@]}"
if grp_expect_exit 0 "${stay[@]}"; then
	ktap_ok "the others exited 0"
else
	grp_diag "${stay[@]}"
	ktap_fail "the others exited 0"
fi
ktap_check "exactly $((2 * N)) messages, one total order, each sender's N in order" \
	grp_order_check --data $((2 * N)) --sent "c=$N" --sent "lv=$N" \
	"$W/L.log:full" "$W/r.log:full" "$W/c.log:leave" "$W/lv.log:leave"
grp_diag_stats_all
ktap_check "nobody expelled (they left)" grp_expect_stats 1 expelled=0
grp_check_clean
ktap_finish
