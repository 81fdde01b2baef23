#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The VM lane: boot a Debian 6.1 kernel (or, with --debug, the debug kernel)
# in QEMU with TCG, with the host root shared read-only over virtio-9p and
# the repository shared read-write at the same path, run
# selftests/run.sh [TEST...] inside, and exit with its verdict.
#
#   scripts/vm/run.sh [--debug] [--timeout S] [--quiet] [TEST...]
#   scripts/vm/run.sh [--debug] [--timeout S] --run SCRIPT [ARG...]
#
# TEST is suite, suite/name or name (see selftests/run.sh).  The run fails
# if the tests fail, if the guest did not report (crash, hang, timeout), or
# if the console log, dmesg or kmemleak show a kernel report (WARNING, BUG,
# Oops, lockdep, KASAN, UBSAN, leak, refcount, list corruption, Call Trace),
# whatever the tests said.  --run runs SCRIPT (a path in the repository)
# with ARGs instead of the selftests, with the same checks (make demo).  Results: out/vm/{console.log,results.tap,
# dmesg.txt,exitcode} (and kmemleak.txt on the debug kernel).
#
# Builds nothing but the initramfs (cached in $LSGC_CACHE); the module and
# the selftests come from `make` (or, with --debug, scripts/debug-module.sh,
# which this script runs: it builds a copy of the module for the debug
# kernel under $LSGC_CACHE, leaving the tree's Debian build alone).
#
# Environment: LSGC_CACHE (default ~/.cache/lsgc), LSGC_VM_MEM (2G),
# LSGC_VM_SMP (2), LSGC_VM_TIMEOUT (900), KDIR (picks the kernel).
set -euo pipefail
. "$(dirname "$0")/../common.sh"

debug=0
quiet=0
run=
timeout=${LSGC_VM_TIMEOUT:-900}
tests=()
while [ $# -gt 0 ]; do
	case $1 in
	--debug) debug=1 ;;
	--timeout) timeout=$2; shift ;;
	--timeout=*) timeout=${1#--timeout=} ;;
	--quiet|-q) quiet=1 ;;
	--run) run=$2; shift ;;
	-h|--help) sed -n '3,29p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	--) shift; tests+=("$@"); break ;;
	-*) lsgc_die "unknown option $1" ;;
	*) tests+=("$1") ;;
	esac
	shift
done

repo=$LSGC_TOP
out=$repo/out/vm
mkdir -p "$out"
exec 8>"$out/.lock"
flock -n 8 || lsgc_die "another VM run uses $out"

modrel() { modinfo -F vermagic "$1" 2>/dev/null | cut -d' ' -f1; }
# The release a kernel build tree is for (Debian's include/config/
# kernel.release holds the upstream version, utsrelease.h the real one).
kdirrel() { sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' "$1/include/generated/utsrelease.h" 2>/dev/null; }

if [ "$debug" = 1 ]; then
	dk=$LSGC_CACHE/debug-kernel
	"$LSGC_TOP/scripts/debug-kernel.sh" --status >/dev/null ||
		lsgc_die "the debug kernel is missing or stale: run make debug-kernel (about an hour)"
	kernel=$dk/bzImage
	kver=$(kdirrel "$dk/build")
	module=$("$LSGC_TOP/scripts/debug-module.sh")
	initrd=$("$LSGC_TOP/scripts/vm/mkinitramfs.sh" none)
	# No ACPI under the debug kernel saves seconds of boot under KASAN;
	# the guest ends with reboot -f, which needs none.
	extra_append="acpi=off"
else
	module=$repo/net/lsgc/lsgc.ko
	if [ -n "${KDIR:-}" ]; then
		kver=$(kdirrel "$KDIR")
	elif [ -f "$module" ]; then
		kver=$(modrel "$module")
	else
		kver=$(ls -d /lib/modules/*-amd64/build 2>/dev/null | sort -V | tail -n 1 | cut -d/ -f4)
	fi
	[ -n "$kver" ] || lsgc_die "no Debian kernel with headers: run scripts/deps.sh"
	kernel=/boot/vmlinuz-$kver
	[ -r "$kernel" ] || lsgc_die "$kernel missing (linux-image-$kver not installed?)"
	initrd=$("$LSGC_TOP/scripts/vm/mkinitramfs.sh" "$kver")
	extra_append=
fi

# A module built for another kernel would only fail at insmod, deep in the
# tests: say so now.
if [ ! -f "$module" ]; then
	lsgc_die "$module missing: run make (or make module)"
fi
if [ "$(modrel "$module")" != "$kver" ]; then
	lsgc_die "$module is built for $(modrel "$module"), the VM boots $kver: run make module${KDIR:+ KDIR=$KDIR}"
fi

command -v qemu-system-x86_64 >/dev/null || lsgc_die "qemu-system-x86_64 missing: run scripts/deps.sh"

rm -f "$out/console.log" "$out/results.tap" "$out/dmesg.txt" "$out/exitcode" \
	"$out/kmemleak.txt" "$out/request" "$out/env"
if [ ${#tests[@]} -gt 0 ]; then
	printf '%s\n' "${tests[@]}" >"$out/request"
fi
{
	printf 'export LSGC_MODULE=%q\n' "$module"
	[ -n "$run" ] && printf 'export LSGC_VM_RUN=%q\n' "$run"
	printf 'export LSGC_VM_KERNEL=%q\n' "$([ "$debug" = 1 ] && echo debug || echo debian)"
	[ -n "${LSGC_TEST_TIMEOUT:-}" ] && printf 'export LSGC_TEST_TIMEOUT=%q\n' "$LSGC_TEST_TIMEOUT"
} >"$out/env"

append="console=ttyS0,115200 rdinit=/init panic=-1 loglevel=4 printk.time=1"
append+=" mitigations=off log_buf_len=8M lsgc_repo=$repo $extra_append"

qemu=(qemu-system-x86_64
	-accel tcg -cpu max -m "${LSGC_VM_MEM:-2G}" -smp "${LSGC_VM_SMP:-2}"
	-nodefaults -no-user-config -display none -vga none -net none
	-serial "file:$out/console.log" -monitor none -no-reboot
	-kernel "$kernel" -initrd "$initrd" -append "$append"
	-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"
	-virtfs "local,path=$repo,mount_tag=repo,security_model=none,multidevs=remap")

echo "vm: booting $kver ($([ "$debug" = 1 ] && echo debug || echo debian) kernel, TCG), timeout ${timeout}s${tests[*]:+, tests: ${tests[*]}}"
start=$(date +%s.%N)
: >"$out/console.log"
timeout -k 10 "$timeout" "${qemu[@]}" >"$out/qemu.log" 2>&1 &
qpid=$!
trap 'kill $qpid 2>/dev/null; exit 130' INT TERM
if [ "$quiet" = 0 ]; then
	tail -n +1 -f --pid=$qpid "$out/console.log" &
	tpid=$!
fi
set +e
wait $qpid
qrc=$?
set -e
trap - INT TERM
if [ "$quiet" = 0 ]; then
	wait $tpid 2>/dev/null || true
fi
wall=$(echo "$(date +%s.%N) - $start" | bc)

fail=0
reason=()
if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	fail=1
	reason+=("timed out after ${timeout}s: QEMU killed")
elif grep -q 'terminating on signal' "$out/qemu.log"; then
	fail=1
	reason+=("QEMU was killed from outside: $(grep 'terminating on signal' "$out/qemu.log")")
elif [ "$qrc" != 0 ]; then
	fail=1
	reason+=("QEMU exited with $qrc: $(tail -n 3 "$out/qemu.log" | tr '\n' ' ')")
fi

if [ -f "$out/exitcode" ]; then
	trc=$(cat "$out/exitcode")
	[ "$trc" = 0 ] || { fail=1; reason+=("${run:-selftests/run.sh} failed (exit code $trc)"); }
else
	fail=1
	reason+=("the guest did not report a result (crash, panic or hang; see $out/console.log)")
fi

# Kernel reports, in the kernel's own lines only (console lines carry a
# printk timestamp; dmesg and kmemleak.txt are all kernel).
re=$(grep -v '^#' "$LSGC_TOP/scripts/vm/kernel-errors.re" | grep -v '^$' | paste -sd'|')
report=$( {
	grep -E '^\[ *[0-9]+\.[0-9]+\]' "$out/console.log" | grep -E "$re" | sed 's/^/console: /'
	[ -f "$out/dmesg.txt" ] && grep -E "$re" "$out/dmesg.txt" | sed 's/^/dmesg: /'
	[ -f "$out/kmemleak.txt" ] && grep -E "$re" "$out/kmemleak.txt" | sed 's/^/kmemleak: /'
} || true)
if [ -n "$report" ]; then
	fail=1
	reason+=("kernel reports found:")
fi

echo
if [ -f "$out/results.tap" ]; then
	grep -E '^(not ok|# Totals)' "$out/results.tap" | sed 's/^/vm: /' || true
fi
printf 'vm: wall time %.1f s (%s)\n' "$wall" "$kver"
if [ "$fail" = 0 ]; then
	echo "vm: PASS (results in $out)"
	exit 0
fi
for r in "${reason[@]}"; do
	echo "vm: FAIL: $r"
done
if [ -n "$report" ]; then
	echo "$report" | head -n 60 | sed 's/^/vm:   /'
fi
echo "vm: FAIL (console log: $out/console.log)"
exit 1
