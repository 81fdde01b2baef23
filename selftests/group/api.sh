#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The socket API (lsgc_api, kselftest harness) in namespace lsgc-g1, with
# lsgc-g2 on the same bridge for the window tests: the sender in g1 is cut
# off from the leader in g2 by netem loss 100% on its own link.
. "$(dirname "$0")/group_lib.sh"

grp_init 2
export LSGC_IF=eth0 LSGC_PEER_NS=$(grp_ns 2)
export LSGC_CUT="ip netns exec $(grp_ns 1) tc qdisc replace dev eth0 root netem loss 100%"
export LSGC_HEAL="ip netns exec $(grp_ns 1) tc qdisc del dev eth0 root"
ip netns exec "$(grp_ns 1)" "$GRP_DIR/lsgc_api"
rc=$?
# lsgc_api printed its own plan; a second TAP stream would confuse the
# runner, so the leftover check is reported through the exit code only.
grp_stop_all
lsgc_ns_destroy "$GRP_PREFIX"
left=$(_grp_leftovers)
if [ -n "$left" ]; then
	echo "# left behind:$left"
	rc=1
fi
for i in $(seq 100); do [ "$(lsgc_refcnt 2>/dev/null || echo 0)" = 0 ] && break; sleep 0.1; done
if [ "$(lsgc_refcnt 2>/dev/null || echo 0)" != 0 ]; then
	echo "# module refcnt $(lsgc_refcnt) after every socket and namespace was gone"
	rc=1
fi
exit $rc
