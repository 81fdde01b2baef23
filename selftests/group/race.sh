#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The race of a membership's two sockets (lsgc_race.c): a close of the
# SOCK_SEQPACKET socket against a join of the SOCK_DGRAM socket of the
# same identity, 200 rounds in one namespace, then the module must unload.
# The VM lane fails the test on any kernel report (KASAN on the debug
# kernel: the use-after-free of a membership torn down under a join).
. "$(dirname "$0")/group_lib.sh"

ktap_plan 2
grp_init 1
rounds=${GRP_ROUNDS:-200}
if ip netns exec "$(grp_ns 1)" "$GRP_DIR/lsgc_race" eth0 "$rounds" >"$W/race.out" 2>&1; then
	sed 's/^/# /' "$W/race.out"
	ktap_ok "$rounds rounds of close against attach"
else
	sed 's/^/# /' "$W/race.out"
	ktap_fail "$rounds rounds of close against attach"
fi
grp_check_clean
ktap_finish
