#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Malformed requests to the "lsgc" family are refused with an errno and an
# extended ACK (nl_extack does the work and prints KTAP), in the initial
# namespace and in another one, where the family must be present too.
. "$(dirname "$0")/monitor_lib.sh"

[ -x "$MON_DIR/nl_extack" ] || { echo "# nl_extack missing: run make selftests"; exit 1; }
lsgc_loaded || lsgc_load || { echo "# cannot load $LSGC_MODULE"; exit 1; }
ip netns add lsgc-x1 || exit 1
ip netns exec lsgc-x1 ip link set lo up
trap 'ip netns del lsgc-x1 2>/dev/null' EXIT
rc=0
"$MON_DIR/nl_extack" || rc=1
echo "# again in a new network namespace"
ip netns exec lsgc-x1 "$MON_DIR/nl_extack" | sed 's/^/    /' || rc=1
[ "${PIPESTATUS[0]}" = 0 ] || rc=1
exit $rc
