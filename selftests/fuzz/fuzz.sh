#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs the fuzz harnesses built by selftests/fuzz/Makefile ($FUZZ_OUT/bin):
#
#   fuzz.sh fuzz SECONDS HARNESS...   fuzz each harness for SECONDS, from
#                                     the corpus kept so far, the seeds and
#                                     the regression inputs
#   fuzz.sh regress HARNESS...        run each harness once on every seed
#                                     and regression input, no fuzzing
#
# One libFuzzer process at a time (-jobs=1 -workers=1): the machine is
# shared.  Prints one line per harness (executions reached, from
# libFuzzer's final stats), and on a crash the report and where the input
# was saved.  Exits non-zero if any harness crashed or did not run.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${FUZZ_OUT:?FUZZ_OUT must be set (run through the Makefile)}
failed=0

# libFuzzer options per harness.  fuzz_wire: the largest seed (a view of
# LSGC_MAX_VIEW_MEMBERS) must fit whole.
harness_opts() {
	case $1 in
	fuzz_wire) echo "-max_len=20560" ;;
	fuzz_replay) echo "-max_len=4096" ;;
	esac
}

# The lines of a libFuzzer log that explain a crash: from the first
# report line on.
show_report() {
	local log=$1 n
	n=$(grep -n -m1 -E 'invariant broken|ERROR: |runtime error|deadly signal|Test unit written' "$log" | cut -d: -f1)
	if [ -n "$n" ]; then
		sed -n "$((n > 5 ? n - 5 : 1)),$((n + 40))p" "$log" | sed 's/^/    /'
	else
		tail -n 40 "$log" | sed 's/^/    /'
	fi
}

stat_of() {
	sed -n "s/^stat::$2: *//p" "$1" | tail -n 1
}

fuzz_one() {
	local h=$1 secs=$2 bin=$out/bin/$1 rc execs speed added
	local corpus=$out/corpus/$h crash=$out/crash/$h logdir=$out/log/$h
	local dirs=("$corpus" "$out/seeds/$h")

	[ -x "$bin" ] || { echo "fuzz: $h: $bin missing (make build)" >&2; return 1; }
	mkdir -p "$corpus" "$crash" "$logdir"
	[ -d "$here/regress/$h" ] && dirs+=("$here/regress/$h")
	rm -f "$logdir"/fuzz-*.log
	touch "$logdir/start"
	# From the log directory: with -jobs, libFuzzer writes fuzz-0.log to
	# the current one (and copies it to its stderr at the end).
	# shellcheck disable=SC2046
	(cd "$logdir" && "$bin" -jobs=1 -workers=1 -max_total_time="$secs" \
		-timeout=10 -print_final_stats=1 -artifact_prefix="$crash/" \
		$(harness_opts "$h") "${dirs[@]}") >"$logdir/run.log" 2>&1
	rc=$?
	execs=$(stat_of "$logdir/run.log" number_of_executed_units)
	speed=$(stat_of "$logdir/run.log" average_exec_per_sec)
	added=$(stat_of "$logdir/run.log" new_units_added)
	mapfile -t found < <(find "$crash" -type f -newer "$logdir/start" | sort)
	if [ $rc = 0 ] && [ -n "$execs" ] && [ ${#found[@]} = 0 ]; then
		echo "fuzz: $h: $execs executions in ${secs}s ($speed/s), $added new inputs, corpus $(find "$corpus" -type f | wc -l), no crash"
		return 0
	fi
	echo "fuzz: $h: FAILED (exit $rc) after ${execs:-?} executions; log: $logdir/run.log"
	show_report "$logdir/run.log"
	for f in "${found[@]}"; do
		echo "fuzz: $h: input saved as $f"
		echo "      keep it: cp $f $here/regress/$h/<what-it-found>"
	done
	return 1
}

regress_one() {
	local h=$1 bin=$out/bin/$1 log=$out/log/$1/regress.log nseed nreg
	local files=()

	[ -x "$bin" ] || { echo "fuzz-regress: $h: $bin missing (make build)" >&2; return 1; }
	mkdir -p "$(dirname "$log")" "$out/crash/$h"
	mapfile -t files < <(find "$out/seeds/$h" -type f | sort)
	nseed=${#files[@]}
	if [ -d "$here/regress/$h" ]; then
		mapfile -t -O "$nseed" files < <(find "$here/regress/$h" -type f | sort)
	fi
	nreg=$(( ${#files[@]} - nseed ))
	# Without file arguments libFuzzer would start fuzzing instead.
	[ "$nseed" -gt 0 ] || { echo "fuzz-regress: $h: no seeds in $out/seeds/$h" >&2; return 1; }
	# The input that crashed is already a file: the artifact libFuzzer
	# writes anyway goes with the others, not to the current directory.
	if "$bin" -timeout=10 -artifact_prefix="$out/crash/$h/" "${files[@]}" >"$log" 2>&1; then
		echo "fuzz-regress: $h: ${#files[@]} inputs ($nseed seeds, $nreg regression), no crash"
		return 0
	fi
	echo "fuzz-regress: $h: FAILED on $(sed -n 's/^Running: //p' "$log" | tail -n 1); log: $log"
	show_report "$log"
	return 1
}

mode=${1:-}
shift || true
case $mode in
fuzz)
	secs=${1:?usage: fuzz.sh fuzz SECONDS HARNESS...}
	shift
	for h; do
		fuzz_one "$h" "$secs" || failed=1
	done
	;;
regress)
	for h; do
		regress_one "$h" || failed=1
	done
	;;
*)
	echo "usage: fuzz.sh fuzz SECONDS HARNESS... | fuzz.sh regress HARNESS..." >&2
	exit 2
	;;
esac
exit $failed
