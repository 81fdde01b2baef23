#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# selftests/run.sh [NAME...]: run the AF_LSGC selftests and print KTAP.
# Runs as root in the VM lane's guest (scripts/vm/run.sh starts it there);
# it loads kernel modules, so never run it on a host you care about.
#
# Every selftests/<suite>/ with a file `tests` is a suite.  `tests` lists
# one executable per line, relative to the suite directory, optionally
# followed by timeout=SECONDS; `#` starts a comment.  A NAME argument
# selects a suite ("foundation"), a test ("foundation/socket.sh") or a test
# by file name with or without extension ("socket.sh", "socket").
#
# A test passes with exit status 0, is skipped with 4 (KSFT_SKIP), fails
# otherwise, on timeout, or when the kernel logged a report (WARNING, BUG,
# lockdep, KASAN...) while it ran.  Between tests, namespaces named lsgc-*
# are deleted and a module left loaded is unloaded.
#
# Environment: LSGC_TEST_TIMEOUT (default per-test timeout, 120 s),
# LSGC_TIMEOUT_SCALE (multiplies every timeout; the debug kernel sets 4).

dir=$(cd "$(dirname "$0")" && pwd)
. "$dir/lib.sh"

default_timeout=${LSGC_TEST_TIMEOUT:-120}
scale=${LSGC_TIMEOUT_SCALE:-1}

# Collect "suite<TAB>path<TAB>timeout" for every test, in suite order.
all=()
for tf in "$dir"/*/tests; do
	[ -f "$tf" ] || continue
	suite=$(basename "$(dirname "$tf")")
	while read -r path opts; do
		case $path in ''|'#'*) continue ;; esac
		t=$default_timeout
		for o in $opts; do
			case $o in timeout=*) t=${o#timeout=} ;; esac
		done
		all+=("$suite"$'\t'"$path"$'\t'"$((t * scale))")
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
			IFS=$'\t' read -r suite path t <<<"$e"
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

# Leave the machine as the next test expects it.
cleanup_between() {
	local ns
	for ns in $(ip netns list 2>/dev/null | cut -d' ' -f1); do
		case $ns in lsgc-*)
			echo "# cleanup: deleting leftover namespace $ns"
			ip netns del "$ns"
			;;
		esac
	done
	if lsgc_loaded; then
		echo "# cleanup: unloading the lsgc module left loaded"
		lsgc_unload_wait 10 2>&1 | sed 's/^/# /'
	fi
}

echo "TAP version 13"
echo "1..${#sel[@]}"
n=0 pass=0 fail=0 skip=0
re=$(_lsgc_kre)
for e in "${sel[@]}"; do
	IFS=$'\t' read -r suite path t <<<"$e"
	n=$((n + 1))
	name="selftests: $suite: $path"
	echo "# $name"
	mark="lsgc-selftest: start $n $suite/$path"
	echo "$mark" >/dev/kmsg
	start=$(date +%s.%N)
	if [ ! -x "$dir/$suite/$path" ]; then
		echo "# $dir/$suite/$path: missing or not executable (not built? run make selftests)"
		rc=1
	else
		(cd "$dir/$suite" && exec timeout -k 10 "$t" "./$path") </dev/null 2>&1 |
			sed -u 's/^/# /'
		rc=${PIPESTATUS[0]}
	fi
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
	if [ -n "$kreport" ]; then
		fail=$((fail + 1))
		echo "not ok $n $name # kernel report"
	elif [ "$rc" = 0 ]; then
		pass=$((pass + 1))
		echo "ok $n $name"
	elif [ "$rc" = "$KSFT_SKIP" ]; then
		skip=$((skip + 1))
		echo "ok $n $name # SKIP"
	elif [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		fail=$((fail + 1))
		echo "not ok $n $name # TIMEOUT $t seconds"
	else
		fail=$((fail + 1))
		echo "not ok $n $name"
	fi
done
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:0"
[ $fail = 0 ]
