#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Unloading with sockets open is refused, with the exact errno
# (unload_test), and rmmod(8) refuses too; after the last close, both
# succeed and nothing of the family is left.
. "$(dirname "$0")/../lib.sh"

tmp=$(mktemp -d)
holder=
cleanup() {
	[ -n "$holder" ] && kill -KILL "$holder" 2>/dev/null && wait "$holder" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

ktap_plan 7
lsgc_load
ktap_check "unload_test (delete_module errno, all socket holders)" ./unload_test

./sockhold -n 4 -r "$tmp/ready" &
holder=$!
ktap_check "holder opened its sockets" lsgc_wait_for 10 test -e "$tmp/ready"
ktap_check "refcnt counts the open sockets" test "$(lsgc_refcnt)" -gt 0
if rmmod lsgc 2>"$tmp/rmmod.err"; then
	ktap_fail "rmmod refused while sockets are open" "rmmod succeeded"
else
	ktap_diag "rmmod: $(cat "$tmp/rmmod.err")"
	ktap_check "rmmod refused while sockets are open" lsgc_loaded
fi
./modctl unload lsgc 2>/dev/null
ktap_check "delete_module(O_NONBLOCK) fails with EWOULDBLOCK" test $? = 11
kill -TERM "$holder"
wait "$holder" 2>/dev/null
holder=
ktap_check "rmmod succeeds once the holder exited" rmmod lsgc
ktap_check "module gone from sysfs" test ! -e /sys/module/lsgc
ktap_finish
