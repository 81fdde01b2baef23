#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Documentation/netlink/specs/lsgc.yaml describes the family the uapi
# header defines: same commands, attributes, enums and values, same family
# and multicast group names.  The checker must reject a spec that differs.
. "$(dirname "$0")/monitor_lib.sh"

SPEC=$LSGC_REPO/Documentation/netlink/specs/lsgc.yaml
INC=$LSGC_REPO/include/uapi
if ! python3 -c 'import yaml' 2>/dev/null; then
	echo "# python3-yaml is missing"
	exit 1
fi
ktap_plan 3
ktap_check "the spec matches include/uapi/linux/lsgc_netlink.h" \
	python3 "$MON_DIR/spec_check.py" "$SPEC" "$INC"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# caught SPEC REGEX: the checker rejects SPEC, saying REGEX.
caught() {
	local out
	out=$(python3 "$MON_DIR/spec_check.py" "$1" "$INC") && return 1
	printf '%s\n' "$out" | grep -E "$2" | head -n 3
	printf '%s\n' "$out" | grep -Eq "$2"
}
sed 's/name: drop-stale/name: drop-old/' "$SPEC" >"$tmp/renamed.yaml"
ktap_check "a renamed attribute is caught" caught "$tmp/renamed.yaml" \
	'enum lsgc_stats_attr: not in the spec .*LSGC_STATS_A_DROP_STALE'
python3 - "$SPEC" "$tmp/moved.yaml" <<'PY'
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
a = d["attribute-sets"][0]["attributes"]
a[2], a[3] = a[3], a[2]
yaml.safe_dump(d, open(sys.argv[2], "w"))
PY
ktap_check "a renumbered attribute is caught" caught "$tmp/moved.yaml" \
	'LSGC_A_ADDR is not 4'
ktap_finish
