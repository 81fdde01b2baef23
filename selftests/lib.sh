# SPDX-License-Identifier: GPL-2.0
#
# Shell helpers for the AF_LSGC selftests.  Source it from a test:
#
#	. "$(dirname "$0")/../lib.sh"
#
# Tests run inside the VM lane's guest as root (selftests/run.sh), with
# LSGC_MODULE pointing at the module built for the booted kernel.
#
# Module:     lsgc_load [param=value...], lsgc_unload, lsgc_unload_wait [s],
#             lsgc_loaded, lsgc_family, lsgc_refcnt, lsgc_modprobe [mod...]
# Namespaces: lsgc_ns_create N [prefix], lsgc_ns_destroy [prefix],
#             lsgc_ns NAME, lsgc_ns_ip4 I, lsgc_ns_ip6 I, lsgc_netem NS ARGS,
#             lsgc_netem_clear NS
# Kernel log: lsgc_dmesg_mark, lsgc_dmesg_since_mark, lsgc_kernel_reports
# KTAP:       ktap_plan N, ktap_ok DESC, ktap_fail DESC [WHY], ktap_skip
#             DESC WHY, ktap_check DESC CMD..., ktap_diag MSG, ktap_finish
# Misc:       lsgc_wait_for SECONDS CMD... (poll until CMD succeeds),
#             lsgc_procs NAME... (pids of processes by name, without procps)

LSGC_REPO=${LSGC_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
LSGC_MODULE=${LSGC_MODULE:-$LSGC_REPO/net/lsgc/lsgc.ko}
LSGC_SYSFS=/sys/module/lsgc
KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

# ---------------------------------------------------------------- module

# lsgc_modprobe [mod...]: load what lsgc.ko depends on (udp_tunnel,
# ip6_udp_tunnel) and any extra modules a test needs (veth, bridge,
# sch_netem, tipc...).  On the debug kernel these are built in and modprobe
# finds no modules directory: that is not an error.
lsgc_modprobe() {
	local m
	for m in udp_tunnel ip6_udp_tunnel "$@"; do
		modprobe -q "$m" 2>/dev/null || true
	done
}

lsgc_loaded() { [ -d "$LSGC_SYSFS" ]; }

# lsgc_load [param=value...]: insmod the module under test.
lsgc_load() {
	lsgc_modprobe
	insmod "$LSGC_MODULE" "$@"
}

lsgc_unload() { rmmod lsgc; }

# lsgc_unload_wait [seconds]: rmmod, retrying while the module is still
# busy (namespace cleanup is asynchronous).  Default 10 s.
lsgc_unload_wait() {
	local i n=$(( ${1:-10} * 10 ))
	for ((i = 0; i < n; i++)); do
		rmmod lsgc 2>/dev/null && return 0
		lsgc_loaded || return 0
		sleep 0.1
	done
	rmmod lsgc
}

lsgc_family() { cat "$LSGC_SYSFS/parameters/family"; }
lsgc_refcnt() { cat "$LSGC_SYSFS/refcnt"; }

# ---------------------------------------------------------------- netns

# lsgc_ns_create N [prefix]: namespaces ${prefix}1..N (prefix "lsgc-")
# each with eth0 on one bridge living in ${prefix}br, with 10.99.0.I/24 and
# fd00:99::I/64, a multicast route, and multicast flooded by the bridge
# (snooping off, so no querier is needed).  Sets LSGC_NS=(names...).
lsgc_ns_create() {
	local n=$1 p=${2:-lsgc-} i ns hub
	hub=${p}br
	lsgc_modprobe veth bridge
	ip netns add "$hub" || return 1
	ip -n "$hub" link set lo up
	ip -n "$hub" link add br0 type bridge mcast_snooping 0 stp_state 0 \
		forward_delay 0 || return 1
	ip -n "$hub" link set br0 up
	LSGC_NS=()
	for ((i = 1; i <= n; i++)); do
		ns=$p$i
		ip netns add "$ns" || return 1
		ip -n "$ns" link set lo up
		ip -n "$ns" link add eth0 type veth peer name "v$i" netns "$hub" || return 1
		ip -n "$hub" link set "v$i" master br0
		ip -n "$hub" link set "v$i" up
		ip -n "$ns" addr add "$(lsgc_ns_ip4 "$i")/24" dev eth0
		ip -n "$ns" addr add "$(lsgc_ns_ip6 "$i")/64" dev eth0 nodad
		ip -n "$ns" link set eth0 up
		ip -n "$ns" route add 224.0.0.0/4 dev eth0
		LSGC_NS+=("$ns")
	done
}

lsgc_ns_ip4() { echo "10.99.0.$1"; }
lsgc_ns_ip6() { echo "fd00:99::$1"; }

# lsgc_ns_destroy [prefix]: delete every namespace named ${prefix}*; fails
# if one cannot be deleted.
lsgc_ns_destroy() {
	local p=${1:-lsgc-} ns rc=0
	for ns in $(ip netns list | cut -d' ' -f1); do
		case $ns in
		"$p"*) ip netns del "$ns" || rc=1 ;;
		esac
	done
	return $rc
}

# lsgc_ns NAME CMD...: run CMD in namespace NAME.
lsgc_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# lsgc_netem NS ARGS...: netem on eth0 of NS, e.g. lsgc_netem lsgc-2 loss 5%.
lsgc_netem() {
	local ns=$1; shift
	lsgc_modprobe sch_netem
	ip netns exec "$ns" tc qdisc replace dev eth0 root netem "$@"
}

lsgc_netem_clear() { ip netns exec "$1" tc qdisc del dev eth0 root 2>/dev/null || true; }

# ---------------------------------------------------------------- kernel log

_lsgc_kre() {
	grep -v '^#' "$LSGC_REPO/scripts/vm/kernel-errors.re" | grep -v '^$' | paste -sd'|'
}

# lsgc_dmesg_mark: put a marker in the kernel log; lsgc_dmesg_since_mark
# prints what the kernel logged after the last marker.
lsgc_dmesg_mark() {
	_LSGC_MARK="lsgc-selftest-mark-$$-$RANDOM"
	echo "$_LSGC_MARK" >/dev/kmsg
}

lsgc_dmesg_since_mark() {
	dmesg | sed -n "/$_LSGC_MARK/,\$p" | tail -n +2
}

# lsgc_kernel_reports: read stdin (kernel log lines), print the reports.
lsgc_kernel_reports() { grep -E "$(_lsgc_kre)"; }

# ---------------------------------------------------------------- misc

# lsgc_wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds.
lsgc_wait_for() {
	local i n=$(( $1 * 10 )); shift
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	"$@"
}

# lsgc_procs NAME...: pids of running processes with one of these names,
# read from /proc: no procps needed (a missing pgrep would find nothing).
lsgc_procs() {
	local d c n
	for d in /proc/[0-9]*; do
		read -r c <"$d/comm" 2>/dev/null || continue
		for n; do
			[ "$c" = "$n" ] && echo "${d#/proc/}"
		done
	done
	return 0
}

# ---------------------------------------------------------------- KTAP

_ktap_n=0
_ktap_pass=0
_ktap_fail=0
_ktap_skip=0

_ktap_planned=
ktap_plan() { _ktap_planned=$1; echo "TAP version 13"; echo "1..$1"; }
ktap_diag() { echo "# $*"; }

ktap_ok() {
	_ktap_n=$((_ktap_n + 1)); _ktap_pass=$((_ktap_pass + 1))
	echo "ok $_ktap_n $1"
}

ktap_fail() {
	_ktap_n=$((_ktap_n + 1)); _ktap_fail=$((_ktap_fail + 1))
	[ -n "${2:-}" ] && echo "# $2"
	echo "not ok $_ktap_n $1"
}

ktap_skip() {
	_ktap_n=$((_ktap_n + 1)); _ktap_skip=$((_ktap_skip + 1))
	echo "ok $_ktap_n $1 # SKIP ${2:-}"
}

# ktap_check DESC CMD...: one test point from CMD's exit status; CMD's
# output becomes diagnostics.
ktap_check() {
	local desc=$1 out rc; shift
	out=$("$@" 2>&1); rc=$?
	[ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/# /'
	if [ $rc = 0 ]; then
		ktap_ok "$desc"
	else
		ktap_fail "$desc" "exit status $rc: $*"
	fi
}

# ktap_finish: the totals line, and exit 1 on any failure, 4 (skip) if
# anything was skipped, 0 otherwise: a script that skipped part of its
# checks did not pass them (selftests/run.sh decides whether a skip is
# expected).
ktap_finish() {
	# A test that ran more or fewer checks than it planned is broken.
	if [ -n "$_ktap_planned" ] && [ "$_ktap_n" != "$_ktap_planned" ]; then
		ktap_fail "planned $_ktap_planned checks, ran $((_ktap_n))"
	fi
	echo "# Totals: pass:$_ktap_pass fail:$_ktap_fail xfail:0 xpass:0 skip:$_ktap_skip error:0"
	[ $_ktap_fail = 0 ] || exit $KSFT_FAIL
	[ $_ktap_skip != 0 ] && exit $KSFT_SKIP
	exit $KSFT_PASS
}
