#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check (and .ci/run): everything CI runs, in order:
#   deps        scripts/deps.sh (apt-get only what is missing)
#   build       make W=1 module userspace selftests; any compiler
#               warning fails
#   checkpatch  scripts/checkpatch.sh (--strict)
#   sparse      scripts/sparse.sh (C=2)
#   fuzz        make fuzz-regress, then make fuzz for 20 s per harness
#               (LSGC_CHECK_FUZZ_TIME): the wire parsers and the replay
#               window under libFuzzer, in userspace
#   vm          scripts/vm/run.sh: every selftest in the VM
# A failing stage after the build does not stop the others; the summary
# lists each stage with its time and the exit status is nonzero if any
# failed.  Arguments are passed to scripts/vm/run.sh (e.g. a test name).
set -uo pipefail
. "$(dirname "$0")/common.sh"
cd "$LSGC_TOP"

summary=()
failed=0
total_start=$(date +%s)

stage() {
	local name=$1 start rc; shift
	echo
	echo "=== check: $name"
	start=$(date +%s)
	"$@"
	rc=$?
	summary+=("$(printf '%-11s %-4s %4ss' "$name" "$([ $rc = 0 ] && echo ok || echo FAIL)" $(( $(date +%s) - start )))")
	[ $rc = 0 ] || failed=1
	return $rc
}

build() {
	local log rc
	log=$(mktemp)
	# The top-level `make` is module + userspace + selftests; userspace is
	# built only once it has a Makefile.
	local targets="module selftests"
	[ -f userspace/Makefile ] && targets="module userspace selftests"
	make W=1 $targets 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	if [ $rc = 0 ] && grep -q 'warning:' "$log"; then
		echo "check: the build printed warnings:" >&2
		grep 'warning:' "$log" >&2
		rc=1
	fi
	rm -f "$log"
	return $rc
}

# Every known input first (quick, and names the one that broke), then new
# ones; a short run keeps the stage near a minute.
fuzz() {
	make fuzz-regress && make fuzz FUZZ_TIME="${LSGC_CHECK_FUZZ_TIME:-20}"
}

finish() {
	echo
	echo "=== check: summary"
	printf '  %s\n' "${summary[@]}"
	echo "  total $(( $(date +%s) - total_start ))s: $([ $failed = 0 ] && echo PASS || echo FAIL)"
	exit $failed
}

stage deps scripts/deps.sh || finish
if ! stage build build; then
	# Nothing below can run on a broken build.
	finish
fi
stage checkpatch scripts/checkpatch.sh
stage sparse scripts/sparse.sh
stage fuzz fuzz
# The whole suite (the group scenarios take minutes each under TCG) needs
# more than run.sh's default 900 s; this still keeps CI under 40 minutes.
stage vm scripts/vm/run.sh --timeout "${LSGC_CHECK_VM_TIMEOUT:-2700}" "$@"
finish
