#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Network namespaces and module lifetime: a namespace deleted with
# `ip netns del` while a process in it holds AF_LSGC sockets; a namespace
# kept alive only by a socket; the module unloaded while namespaces exist.
# Each case ends with a clean rmmod.
. "$(dirname "$0")/../lib.sh"

tmp=$(mktemp -d)
holder=
cleanup() {
	[ -n "$holder" ] && kill -KILL "$holder" 2>/dev/null && wait "$holder" 2>/dev/null
	lsgc_ns_destroy lsgc-t
	rm -rf "$tmp"
}
trap cleanup EXIT

stop_holder() {
	kill -TERM "$holder"
	wait "$holder" 2>/dev/null
	holder=
}

ktap_plan 12

# 1. A process inside the namespace holds sockets; the namespace is deleted.
lsgc_load
ip netns add lsgc-t1
ip netns exec lsgc-t1 ./sockhold -n 6 -r "$tmp/ready1" &
holder=$!
ktap_check "process in lsgc-t1 holds sockets" lsgc_wait_for 10 test -e "$tmp/ready1"
ktap_check "ip netns del while sockets are open" ip netns del lsgc-t1
ktap_check "unload refused while the process lives" \
	bash -c '! rmmod lsgc 2>/dev/null && test -d /sys/module/lsgc'
stop_holder
ktap_check "rmmod after the process exited" lsgc_unload_wait 10

# 2. The namespace has no process left, only a socket created in it.
lsgc_load
ip netns add lsgc-t2
./sockhold -n 2 -N /run/netns/lsgc-t2 -r "$tmp/ready2" &
holder=$!
ktap_check "socket created in lsgc-t2 by an outside process" \
	lsgc_wait_for 10 test -e "$tmp/ready2"
ktap_check "ip netns del: the socket alone keeps it alive" ip netns del lsgc-t2
ktap_check "unload refused while the socket is open" \
	bash -c '! rmmod lsgc 2>/dev/null && test -d /sys/module/lsgc'
stop_holder
ktap_check "rmmod after the last socket closed" lsgc_unload_wait 10

# 3. Namespaces created while the module is loaded, deleted before unload.
lsgc_load
for i in 1 2 3 4; do ip netns add "lsgc-t3$i"; done
ktap_check "sockets in four namespaces" \
	bash -c 'for i in 1 2 3 4; do ip netns exec lsgc-t3$i ./sockhold -1 || exit 1; done'
for i in 1 2; do ip netns del "lsgc-t3$i"; done
# 4. ... and the module unloaded while two of them still exist.
ktap_check "rmmod with live namespaces" lsgc_unload_wait 10
ktap_check "live namespaces survive the unload" \
	bash -c 'ip netns exec lsgc-t33 true && ip netns exec lsgc-t34 true'
lsgc_ns_destroy lsgc-t3
ktap_check "reload and socket() after namespace churn" \
	bash -c '. ../lib.sh; lsgc_load && ./sockhold -1 && rmmod lsgc'
ktap_finish
