#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# selftests/run.sh [NAME...]: run the AF_LSGC selftests and print KTAP.
# Runs as root in the VM lane's guest (scripts/vm/run.sh starts it there);
# it loads kernel modules, so never run it on a host you care about.
#
# Every selftests/<suite>/ with a file `tests` is a suite.  `tests` lists
# one executable per line, relative to the suite directory, optionally
# followed by timeout=SECONDS and skip-ok (the test may legitimately skip,
# e.g. for lack of something in the environment); `#` starts a comment.  A NAME argument
# selects a suite ("foundation"), a test ("foundation/socket.sh") or a test
# by file name with or without extension ("socket.sh", "socket").
#
# A test passes with exit status 0 and no skipped test point; it is
# skipped with exit status 4 (KSFT_SKIP) or when any of its own test points
# says "# SKIP" (the kselftest harness exits 0 with skipped tests); it
# fails otherwise, on timeout, or when the kernel logged a report
# (WARNING, BUG, lockdep, KASAN...) while it ran.  A skip counts as a
# skip in the totals, and as a failure unless the test is marked skip-ok.
# Between tests, namespaces named lsgc-* are deleted, test programs still
# running are killed and a module left loaded is unloaded; a test that
# left namespaces or programs behind, or after which the module does not
# unload, fails (the next test would get the blame otherwise).
#
# Environment: LSGC_TEST_TIMEOUT (default per-test timeout, 120 s),
# LSGC_TIMEOUT_SCALE (multiplies every timeout; the debug kernel sets 4).

dir=$(cd "$(dirname "$0")" && pwd)
. "$dir/lib.sh"

default_timeout=${LSGC_TEST_TIMEOUT:-120}
scale=${LSGC_TIMEOUT_SCALE:-1}

# Collect "suite<TAB>path<TAB>timeout<TAB>skipok" for every test, in
# suite order.
all=()
for tf in "$dir"/*/tests; do
	[ -f "$tf" ] || continue
	suite=$(basename "$(dirname "$tf")")
	while read -r path opts; do
		case $path in ''|'#'*) continue ;; esac
		t=$default_timeout
		skipok=0
		for o in $opts; do
			case $o in
			timeout=*) t=${o#timeout=} ;;
			skip-ok) skipok=1 ;;
			*) echo "run.sh: $tf: $path: unknown option $o" >&2; exit 2 ;;
			esac
		done
		all+=("$suite"$'\t'"$path"$'\t'"$((t * scale))"$'\t'"$skipok")
	done <"$tf"
done

matches() {
	local suite=$1 path=$2 arg=$3 base
	base=$(basename "$path")
	case $arg in
	"$suite"|"$suite/$path"|"$path"|"$base"|"${base%.*}"|"$suite/${base%.*}") return 0 ;;
	esac
	return 1
}

sel=()
if [ $# -eq 0 ]; then
	sel=("${all[@]}")
else
	for arg; do
		found=0
		for e in "${all[@]}"; do
			IFS=$'\t' read -r suite path t skipok <<<"$e"
			matches "$suite" "$path" "$arg" || continue
			found=1
			dup=0
			for s in "${sel[@]}"; do [ "$s" = "$e" ] && dup=1; done
			[ $dup = 0 ] && sel+=("$e")
		done
		if [ $found = 0 ]; then
			echo "run.sh: no test matches '$arg'" >&2
			exit 2
		fi
	done
fi

# Leave the machine as the next test expects it.  Sets $left to what the
# test left behind that it should not have (empty if nothing).
cleanup_between() {
	local ns p
	left=
	for p in $(lsgc_procs lsgc_member lsgc_inject lsgc_api lsgc); do
		echo "# cleanup: killing leftover test program $p ($(cat "/proc/$p/comm" 2>/dev/null))"
		left+=" process $p"
		kill -KILL "$p" 2>/dev/null
	done
	for ns in $(ip netns list 2>/dev/null | cut -d' ' -f1); do
		case $ns in lsgc-*)
			echo "# cleanup: deleting leftover namespace $ns"
			left+=" namespace $ns"
			ip netns del "$ns" || left+=" (cannot delete $ns)"
			;;
		esac
	done
	if lsgc_loaded; then
		echo "# cleanup: unloading the lsgc module left loaded"
		lsgc_unload_wait 10 2>&1 | sed 's/^/# /'
		lsgc_loaded && left+=" a module that does not unload"
	fi
}

echo "TAP version 13"
echo "1..${#sel[@]}"
n=0 pass=0 fail=0 skip=0 unexpected=0
re=$(_lsgc_kre)
out=$(mktemp /tmp/lsgc-run.XXXXXX)
trap 'rm -f "$out"' EXIT
for e in "${sel[@]}"; do
	IFS=$'\t' read -r suite path t skipok <<<"$e"
	n=$((n + 1))
	name="selftests: $suite: $path"
	echo "# $name"
	mark="lsgc-selftest: start $n $suite/$path"
	echo "$mark" >/dev/kmsg
	start=$(date +%s.%N)
	: >"$out"
	if [ ! -x "$dir/$suite/$path" ]; then
		echo "# $dir/$suite/$path: missing or not executable (not built? run make selftests)"
		rc=1
	else
		(cd "$dir/$suite" && exec timeout -k 10 "$t" "./$path") </dev/null 2>&1 |
			tee "$out" | sed -u 's/^/# /'
		rc=${PIPESTATUS[0]}
	fi
	# The test's own skipped test points (its KTAP, not nested deeper).
	nskip=$(grep -cE '^(not )?ok [0-9]+ .*# SKIP' "$out")
	secs=$(printf '%.1f' "$(echo "$(date +%s.%N) - $start" | bc)")
	echo "lsgc-selftest: end $suite/$path rc=$rc" >/dev/kmsg
	cleanup_between
	# Kernel reports while the test ran (or while it was cleaned up).
	# (If the marker scrolled out of the log buffer, all of it is read.)
	log=$(dmesg)
	if grep -qF "$mark" <<<"$log"; then
		log=$(sed -n "\|$mark|,\$p" <<<"$log")
	fi
	kreport=$(grep -E "$re" <<<"$log")
	if [ -n "$kreport" ]; then
		echo "# kernel report during this test:"
		printf '%s\n' "$kreport" | head -n 40 | sed 's/^/#   /'
	fi
	echo "# exit status $rc after ${secs}s"
	if [ -n "$left" ]; then
		echo "# left behind:$left"
	fi
	if [ -n "$kreport" ]; then
		fail=$((fail + 1))
		echo "not ok $n $name # kernel report"
	elif [ -n "$left" ] && { [ "$rc" = 0 ] || [ "$rc" = "$KSFT_SKIP" ]; }; then
		fail=$((fail + 1))
		echo "not ok $n $name # left something behind"
	elif { [ "$rc" = 0 ] || [ "$rc" = "$KSFT_SKIP" ]; } &&
		{ [ "$rc" = "$KSFT_SKIP" ] || [ "$nskip" != 0 ]; }; then
		why="$nskip test points skipped"
		[ "$nskip" = 0 ] && why="the test skipped"
		if [ "$skipok" = 1 ]; then
			skip=$((skip + 1))
			echo "ok $n $name # SKIP $why"
		else
			# Something a test needs is missing: not a pass, and
			# not silently fewer checks either.
			fail=$((fail + 1))
			unexpected=$((unexpected + 1))
			echo "not ok $n $name # unexpected SKIP: $why"
		fi
	elif [ "$rc" = 0 ]; then
		pass=$((pass + 1))
		echo "ok $n $name"
	elif [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		fail=$((fail + 1))
		echo "not ok $n $name # TIMEOUT $t seconds"
	else
		fail=$((fail + 1))
		echo "not ok $n $name"
	fi
done
[ $unexpected = 0 ] || echo "# $unexpected of the failures are unexpected skips"
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:0"
[ $fail = 0 ]
