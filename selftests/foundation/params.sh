#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The family module parameter: the value in force is readable in sysfs and
# is what socket() accepts; a family already taken is refused with EEXIST
# and a clear dmesg line; out-of-range values are refused with EINVAL.
. "$(dirname "$0")/../lib.sh"

M=$LSGC_MODULE
lsgc_modprobe
ktap_plan 13

# expect_load_errno ERRNO PARAMS: loading with PARAMS fails with ERRNO and
# leaves nothing loaded.
expect_load_errno() {
	local want=$1 rc; shift
	./modctl load "$M" "$*" 2>/dev/null
	rc=$?
	if [ $rc != "$want" ]; then
		ktap_fail "load $* fails with errno $want" "got $rc"
		lsgc_loaded && rmmod lsgc
		return
	fi
	if lsgc_loaded; then
		ktap_fail "load $* fails with errno $want" "module loaded anyway"
		rmmod lsgc
		return
	fi
	ktap_ok "load $* fails with errno $want"
}

lsgc_dmesg_mark
expect_load_errno 17 family=2
if lsgc_dmesg_since_mark | grep -q 'address family 2 is already taken'; then
	ktap_ok "dmesg says family 2 is already taken"
else
	ktap_fail "dmesg says family 2 is already taken" \
		"dmesg: $(lsgc_dmesg_since_mark | tr '\n' ' ')"
fi
expect_load_errno 17 family=10
expect_load_errno 22 family=0
expect_load_errno 22 family=99
expect_load_errno 22 family=46
expect_load_errno 22 family=-1
expect_load_errno 22 family=abc

# A free slot other than the default (24, the retired AF_WANPIPE).
ktap_check "load with family=24" ./modctl load "$M" family=24
ktap_check "sysfs family reads 24" test "$(lsgc_family)" = 24
ktap_check "socket(24, ...) works for both types" ./sockhold -1 -n 2
ktap_check "socket(19, ...) is not ours now (EAFNOSUPPORT)" \
	python3 -c 'import socket, errno, sys
try:
    socket.socket(19, socket.SOCK_SEQPACKET, 0)
except OSError as e:
    sys.exit(0 if e.errno == errno.EAFNOSUPPORT else 1)
sys.exit(1)'
rmmod lsgc
ktap_check "after all refusals the default load works (family 19)" \
	bash -c '. ../lib.sh; lsgc_load && test "$(lsgc_family)" = 19 && ./sockhold -1 && rmmod lsgc'
ktap_finish
