# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers of the monitoring tests (issue 5), on top of the group tests'
# helpers (../group/group_lib.sh: namespaces lsgc-g1..N, grp_member,
# grp_wait...).  Source it from a test in this directory:
#
#	. "$(dirname "$0")/monitor_lib.sh"
#
# lsgc_tool NS ARGS...     run userspace/lsgc in lsgc-gNS
# jcheck [--lines] EXPR... check JSON on stdin (jcheck.py)
# mon_start NAME NS ARGS... start `lsgc ARGS monitor` in lsgc-gNS, output
#                          in $W/NAME.out; MON_PID[NAME]
# mon_sync NAME...         block until every named monitor is subscribed
#                          (a probe group on MON_PROBE_PORT is made in each
#                          monitor's namespace until its event shows up)
# mon_stop NAME...         SIGINT, wait; the exit code in MON_RC[NAME]

MON_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$MON_DIR/../group/group_lib.sh"

LSGC_TOOL=${LSGC_TOOL:-$LSGC_REPO/userspace/lsgc}
MON_PROBE_PORT=7099
declare -A MON_PID MON_RC MON_NS

lsgc_tool() {
	local ns=$1; shift
	ip netns exec "$(grp_ns "$ns")" "$LSGC_TOOL" "$@"
}

jcheck() { python3 "$MON_DIR/jcheck.py" "$@"; }

mon_require_tool() {
	if [ ! -x "$LSGC_TOOL" ]; then
		echo "# $LSGC_TOOL missing: run make userspace"
		exit 1
	fi
}

mon_start() {
	local name=$1 ns=$2; shift 2
	ip netns exec "$(grp_ns "$ns")" "$LSGC_TOOL" "$@" monitor \
		>"$W/$name.out" 2>"$W/$name.err" &
	MON_PID[$name]=$!
	MON_NS[$name]=$ns
}

# A short-lived group on the probe port: one view event in its namespace.
mon_probe() {
	ip netns exec "$(grp_ns "$1")" "$GRP_DIR/lsgc_member" -I probe -i eth0 \
		-g "$GRP_ADDR" -p "$MON_PROBE_PORT" -c -t 100 \
		-o /dev/null 2>/dev/null
	return 0
}

mon_sync() {
	local name i pending
	for ((i = 0; i < 50; i++)); do
		pending=
		for name; do
			grep -q "$MON_PROBE_PORT" "$W/$name.out" 2>/dev/null ||
				pending+=" $name"
		done
		[ -z "$pending" ] && return 0
		for name in $pending; do
			mon_probe "${MON_NS[$name]}"
		done
		sleep 0.2
	done
	echo "# monitors not subscribed after 50 probes:$pending"
	for name in $pending; do
		echo "# $name stderr: $(tr '\n' ' ' <"$W/$name.err")"
	done
	return 1
}

mon_stop() {
	local name
	for name; do
		[ -n "${MON_PID[$name]:-}" ] || continue
		kill -INT "${MON_PID[$name]}" 2>/dev/null
	done
	for name; do
		[ -n "${MON_PID[$name]:-}" ] || continue
		timeout 10 tail --pid="${MON_PID[$name]}" -f /dev/null ||
			kill -KILL "${MON_PID[$name]}" 2>/dev/null
		wait "${MON_PID[$name]}"
		MON_RC[$name]=$?
		unset "MON_PID[$name]"
	done
}

# The events of the group under test only (not the probes).
mon_events() { grep -v "$MON_PROBE_PORT" "$W/$1.out"; }

_mon_cleanup() {
	local p
	for p in "${MON_PID[@]}"; do
		kill -KILL "$p" 2>/dev/null
	done
	grp_cleanup
}

# grp_init with the monitors in the EXIT trap too.
mon_init() {
	mon_require_tool
	grp_init "$@"
	trap _mon_cleanup EXIT
}

# jshow NS "ARGS" EXPR...: `lsgc -j ARGS` in lsgc-gNS must succeed and its
# JSON pass every EXPR (see jcheck.py).
jshow() {
	local ns=$1 args=$2 out; shift 2
	# shellcheck disable=SC2086 # ARGS is split on purpose
	out=$(lsgc_tool "$ns" -j $args) || {
		echo "# lsgc -j $args failed in $(grp_ns "$ns")"
		return 1
	}
	printf '%s\n' "$out" | jcheck "$@"
}

# jcount NS "ARGS": the number of elements of `lsgc -j ARGS`.
jcount() {
	# shellcheck disable=SC2086
	lsgc_tool "$1" -j $2 | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))'
}
