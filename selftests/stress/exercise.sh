#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The random exerciser: lsgc_exercise in three namespaces on one bridge at
# once, so that its groups span namespaces (sessions created in one are
# joined from the others, identities collide across them), for a bounded
# time; then every socket and namespace is gone and the module unloads.
# The VM lane checks the kernel log; on the debug kernel, kmemleak must
# have nothing new to report either.
#
#   exercise.sh [-s SEED] [-d SECONDS] [-t THREADS] [-n NAMESPACES]
#
# Namespace i runs with seed SEED+i.  SEED defaults to one from the clock,
# printed first; replay a run with
#   scripts/vm/run.sh [--debug] --run selftests/stress/exercise.sh -- -s SEED
# SECONDS defaults to 60 on Debian's kernel and 240 on the debug kernel
# (which is several times slower, so that it makes a comparable number of
# calls).
. "$(dirname "$0")/stress_lib.sh"
st_prefix x

seed=
secs=
threads=4
nns=3
while getopts "s:d:t:n:" opt; do
	case $opt in
	s) seed=$OPTARG ;;
	d) secs=$OPTARG ;;
	t) threads=$OPTARG ;;
	n) nns=$OPTARG ;;
	*) echo "usage: $0 [-s SEED] [-d SECONDS] [-t THREADS] [-n NAMESPACES]" >&2; exit 2 ;;
	esac
done
[ -n "$seed" ] || seed=$(( ($(date +%s%N) / 1000) % 1000000000000 ))
if [ -z "$secs" ]; then
	secs=60
	[ "${LSGC_VM_KERNEL:-}" = debug ] && secs=240
fi
dbg=
[ "${LSGC_VM_KERNEL:-}" = debug ] && dbg=" --debug"
echo "# exercise: seed $seed, $secs s, $threads threads in each of $nns namespaces" \
	"(replay: scripts/vm/run.sh$dbg --run selftests/stress/exercise.sh -- -s $seed -d $secs -t $threads -n $nns)"

EX=$GRP_DIR/../stress/lsgc_exercise
ktap_plan $((nns + 2))
[ -x "$EX" ] || { ktap_diag "$EX missing: make selftests"; exit 1; }
kml_start
grp_init "$nns"
# Joins are bounded by their deadline: keep the default one (timeout_ms 0)
# short, so that a join holding its socket's lock cannot stall the other
# threads' calls on that socket anywhere near the watchdog's 10 s.  The
# watchdog and the forked children's deadline (7 s: a LEAVE lingers up to
# SO_LINGER's time, which the exerciser sets to 4 s at most) scale with
# the kernel's speed.
grp_sysctl_all join_timeout_ms 1500 || true

declare -A EXPID
# Beyond the exerciser's own alarm (its time plus 4 watchdogs plus 30 s).
limit=$((secs + 40 * GRP_SCALE + 60))
for ((i = 1; i <= nns; i++)); do
	ip netns exec "$(grp_ns "$i")" timeout -k 5 "$limit" "$EX" \
		-s $((seed + i)) -d "$secs" -t "$threads" -I "n$i" -i eth0 \
		-W $((10 * GRP_SCALE)) -A $((7 * GRP_SCALE)) \
		>"$W/ex$i.log" 2>&1 &
	EXPID[$i]=$!
done
for ((i = 1; i <= nns; i++)); do
	wait "${EXPID[$i]}"
	rc=$?
	sed "s/^/# ns$i: /" "$W/ex$i.log"
	desc="lsgc_exercise in $(grp_ns "$i") (seed $((seed + i)))"
	case $rc in
	0) ktap_ok "$desc" ;;
	124|137) ktap_fail "$desc" "killed by timeout after $limit s: it hung" ;;
	134) ktap_fail "$desc" "aborted (the watchdog saw a call blocked)" ;;
	*) ktap_fail "$desc" "exit status $rc" ;;
	esac
done
grp_diag_stats_all
st_finish_block lsgc_exercise
kml_check
ktap_finish
