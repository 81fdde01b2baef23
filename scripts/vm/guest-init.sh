#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of the VM lane's guest, started by the initramfs after it mounted
# the host root (read-only) and the repository (read-write, same path as on
# the host).  Runs selftests/run.sh with the arguments the host left in
# out/vm/request, stores the results in out/vm/ and reboots, which ends
# QEMU (-no-reboot).  Never started on the host.

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp TERM=dumb LC_ALL=C.UTF-8
repo=$(cd "$(dirname "$0")/../.." && pwd)
out=$repo/out/vm

finish() {
	sync
	# busybox's reboot works without an init daemon; sysrq is the fallback.
	/bin/busybox reboot -f
	echo b >/proc/sysrq-trigger
	sleep 1000
}

# /proc, /sys, /dev (with pts and shm), debugfs, the tmpfs mounts, lo and
# the hostname were set up by the initramfs (scripts/vm/initramfs-init).

args=()
if [ -f "$out/request" ]; then
	mapfile -t args <"$out/request"
fi
[ -f "$out/env" ] && . "$out/env"
export LSGC_REPO=$repo LSGC_IN_VM=1

# kmemleak (debug kernel): forget what boot left behind, so that only what
# the tests leak is reported.
kml=/sys/kernel/debug/kmemleak
if [ -w "$kml" ]; then
	echo scan >"$kml"
	echo clear >"$kml"
fi

# The debug kernel is several times slower: scale the per-test timeouts.
# Its softirqs are too: veth hands every packet to the per-CPU backlog,
# which at the default 1000 packets overflows under KASAN while a burst
# is multicast to several namespaces (members then lose most of a run's
# packets below UDP, and the tests fail for want of CPU, not of a bug).
if [ "${LSGC_VM_KERNEL:-}" = debug ]; then
	export LSGC_TIMEOUT_SCALE=${LSGC_TIMEOUT_SCALE:-4}
	sysctl -qw net.core.netdev_max_backlog=20000
fi

cmd=selftests/run.sh
[ -n "${LSGC_VM_RUN:-}" ] && cmd=$LSGC_VM_RUN
echo "guest: $(uname -r), up $(cut -d" " -f1 /proc/uptime) s, running $cmd ${args[*]}"
cd "$repo" || finish
"./$cmd" "${args[@]}" </dev/null 2>&1 | tee "$out/results.tap"
rc=${PIPESTATUS[0]}

if [ -w "$kml" ]; then
	# An object is reported only once it is older than 5 s and was
	# unreferenced on two scans.
	sleep 6
	echo scan >"$kml"
	sleep 1
	echo scan >"$kml"
	cat "$kml" >"$out/kmemleak.txt"
fi
dmesg >"$out/dmesg.txt"
echo "$rc" >"$out/exitcode"
echo "guest: $cmd exit code $rc"
finish
