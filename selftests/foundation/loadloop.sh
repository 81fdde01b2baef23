#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Load, use and unload the module 20 times: each round registers the
# family, creates sockets of both types, unloads cleanly and leaves nothing
# behind.
. "$(dirname "$0")/../lib.sh"

rounds=20
ktap_plan 3
lsgc_dmesg_mark
bad=0
for ((i = 1; i <= rounds; i++)); do
	if ! lsgc_load; then
		ktap_diag "round $i: insmod failed"; bad=1; break
	fi
	if [ "$(lsgc_family)" != 19 ]; then
		ktap_diag "round $i: family $(lsgc_family)"; bad=1
	fi
	if ! ./sockhold -1 -n 8; then
		ktap_diag "round $i: sockets failed"; bad=1
	fi
	if ! rmmod lsgc; then
		ktap_diag "round $i: rmmod failed"; bad=1; break
	fi
	if lsgc_loaded; then
		ktap_diag "round $i: still loaded after rmmod"; bad=1; break
	fi
done
if [ $bad = 0 ]; then ktap_ok "$rounds load/use/unload rounds"; else ktap_fail "$rounds load/use/unload rounds"; fi
n=$(lsgc_dmesg_since_mark | grep -c 'registered as address family 19')
ktap_check "$rounds registration lines in dmesg (got $n)" test "$n" = $rounds
n=$(lsgc_dmesg_since_mark | grep -c 'Unregistered PF_ECONET')
ktap_check "$rounds unregistrations in dmesg (got $n)" test "$n" = $rounds
ktap_finish
