#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# An IPv6 group beside an IPv4 one in the same namespaces: the family and
# the 16-byte address come through the dumps and the events, a
# [ADDR]:PORT filter selects it, and the table prints it bracketed.
. "$(dirname "$0")/monitor_lib.sh"

ktap_plan 8
mon_init 2
mon_start m1 1 -j
ktap_check "monitor subscribed" mon_sync m1
GRP_ADDR=ff02::77 grp_member a1 1 -c -m 2 -t 600000
grp_wait a1 joined 30
GRP_ADDR=ff02::77 grp_member a2 2 -m 2 -t 600000
grp_member b1 1 -c -t 600000
ktap_check "an IPv6 group of two and an IPv4 group of one" \
	grp_wait_all ready 60 a1 a2
grp_wait b1 joined 30 || true
ktap_check "group show -j: one inet6 and one inet membership" \
	jshow 1 "group show" 'len(d) == 2' \
	'by(d, "id", "a1")["family"] == "inet6"' \
	'by(d, "id", "a1")["address"] == "ff02::77"' \
	'by(d, "id", "a1")["members"] == 2' \
	'by(d, "id", "b1")["family"] == "inet"'
ktap_check "[ff02::77]:7007 selects the IPv6 group only" \
	jshow 1 "member list [ff02::77]:7007" 'len(d) == 2' \
	'all(x["group"] == "[ff02::77]:7007" and x["id"] == "a1" for x in d)'
ktap_check "member list GROUP GROUP: both groups' views" \
	jshow 1 "member list [ff02::77]:7007 239.7.7.7:7007" 'len(d) == 3' \
	'ids(d, "member_id") == ["a1", "a2", "b1"]'
table() {
	local out
	out=$(lsgc_tool 1 group show) || return 1
	printf '%s\n' "$out" | sed 's/^/#   /'
	printf '%s\n' "$out" | grep -Eq '^\[ff02::77\]:7007 +eth0 +a1 +1 +leader ' &&
		printf '%s\n' "$out" | grep -Eq '^239\.7\.7\.7:7007 +eth0 +b1 +1 +leader '
}
ktap_check "the table brackets the IPv6 address" table
mon_stop m1
ktap_check "the view events name the IPv6 group" \
	sh -c "grep -v '$MON_PROBE_PORT' '$W/m1.out' | python3 '$MON_DIR/jcheck.py' --lines \
	'[(e[\"event\"], e[\"view\"]) for e in d if e[\"address\"] == \"ff02::77\"] == [(\"view\", 1), (\"leader\", 1), (\"join\", 2), (\"view\", 2)]' \
	'all(e[\"family\"] == \"inet6\" for e in d if e[\"address\"] == \"ff02::77\")'"
grp_check_clean
ktap_finish
