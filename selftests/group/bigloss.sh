#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Big messages under loss (issue 15): two senders send messages of 32-60
# KiB (23-44 fragments each) at a moderate rate, every member (bridge
# port) loses 3% of what it receives.  Everything must be delivered in
# one total order at all four members, nobody expelled, and the repair
# traffic must stay proportional to what was lost:
#
#   leader repairs (retransmits, fragments) <= BOUND x 3% x F x 3
#
# where F is the number of fragments bound (every member but the leader
# needs a repair per lost fragment: 3 receivers of repairs), BOUND 4 by
# default.  A go-back-N repair (whole messages or windows per loss) is
# several times that.  The senders' own resends (the fragments the
# leader asks for with an FNAK, and one-fragment probes) must stay within
# the same bound.
. "$(dirname "$0")/group_lib.sh"

N=${GRP_N:-40}
RATE=${GRP_RATE:-4}
LOSS=${GRP_LOSS:-3}
BOUND=${GRP_RETX_BOUND:-4}
SIZES=32768-61440
ktap_plan 8
grp_init 4
grp_sysctl_all heartbeat_timeout_ms "${GRP_HB_TIMEOUT:-3000}" ||
	{ ktap_fail "sysctls"; ktap_finish; }
grp_netem_ports loss "$LOSS%" || { ktap_fail "netem loss $LOSS%"; ktap_finish; }
ktap_diag "$N messages of $SIZES bytes per sender at $RATE/s, loss $LOSS% into every member"
all=(s1 s2 r1 r2)
common=(-m 4 -X "s1:$N" -X "s2:$N" -H -t 400000)
grp_member s1 1 -c -n "$N" -r "$RATE" -s "$SIZES" "${common[@]}"
grp_wait s1 joined 30
grp_member s2 2 -n "$N" -r "$RATE" -s "$SIZES" -w poll "${common[@]}"
grp_member r1 3 "${common[@]}"
grp_member r2 4 "${common[@]}"
ktap_check "four members formed the group" grp_wait_all ready 60 "${all[@]}"
ktap_check "every member delivered all $((2 * N)) messages" \
	grp_wait_all done 300 "${all[@]}"
grp_stop_all
if grp_expect_exit 0 "${all[@]}"; then
	ktap_ok "every member exited 0"
else
	grp_diag "${all[@]}"
	ktap_fail "every member exited 0"
fi
args=()
for m in "${all[@]}"; do args+=("$W/$m.log:full"); done
ktap_check "identical total order at all four members" \
	grp_order_check --data $((2 * N)) --sent "s1=$N" --sent "s2=$N" "${args[@]}"
grp_diag_stats_all
ktap_check "nobody expelled" grp_expect_stats 1 expelled=0
retx=$(grp_stat 1 retransmits)
fs1=$(grp_stat 1 fragments_sent)
fs2=$(grp_stat 2 fragments_sent)
sr2=$(grp_stat 2 sender_retransmits)
sr1=$(grp_stat 1 sender_retransmits)
# Fragments per message: s1's fragments_sent counts its messages' and
# views' fragments (s1 does not resend its own: it binds them at once).
bytes1=$(awk '$1 == "D" { split($5, f, "/"); if (f[1] == "s1") b += f[3] } END { print b + 0 }' "$W/r1.log")
bytes=$(awk '$1 == "D" { split($5, f, "/"); b += f[3] } END { print b + 0 }' "$W/r1.log")
# F estimated from s1's bytes per fragment.
F=$(awk -v fs="$fs1" -v b1="$bytes1" -v b="$bytes" 'BEGIN { printf "%d", fs * b / b1 }')
limit=$(awk -v F="$F" -v l="$LOSS" -v k="$BOUND" 'BEGIN { printf "%d", k * l / 100 * F * 3 }')
ktap_diag "fragments bound F~$F (s1 fragments_sent $fs1 for $bytes1 bytes), leader retransmits $retx, bound $BOUND x $LOSS% x F x 3 = $limit"
ktap_diag "expected lost fragments ~$(awk -v F="$F" -v l="$LOSS" 'BEGIN { printf "%d", l / 100 * F * 3 }'); sender_retransmits: s1 ${sr1} s2 ${sr2} (messages), s2 fragments_sent $fs2 (its first sends ~$((F - fs1)))"
ktap_check "leader repairs stay proportional to the loss (retransmits $retx <= $limit)" \
	test "$retx" -le "$limit"
# The sender's side: what s2 sent again (FNAK answers and probes) for the
# fragments the leader lost, against the same bound, plus one fragment
# per probe or FNAK answered.  Resending whole messages is ~20x the loss.
first2=$((F - fs1))
resent2=$((fs2 - first2))
slimit=$(awk -v f="$first2" -v l="$LOSS" -v k="$BOUND" -v r="$sr2" 'BEGIN { printf "%d", k * l / 100 * f + r }')
ktap_check "sender resends stay proportional to the loss (s2 resent ~$resent2 <= $slimit)" \
	test "$resent2" -le "$slimit"
grp_check_clean
ktap_finish
