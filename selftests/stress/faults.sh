#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Allocation failures (failslab, fail_page_alloc) during joins, view
# changes, fragmentation (64 KiB messages), repair (netem loss) and
# netlink dumps.  Needs a kernel with fault injection (the debug kernel:
# CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC, CONFIG_FAULT_INJECTION_DEBUG_FS);
# anywhere else it is skipped (exit 4), visibly.
#
#   faults.sh [join] [dump] [send] [task] [atomic]   (default: all five)
#
# join, dump, send: systematic, with lsgc_fault (/proc/thread-self/fail-nth):
#   every allocation of socket()+LSGC_JOIN (as a joiner and as a creator),
#   of each netlink dump and of the /proc files, of LSGC_VIEW, and of a
#   64 KiB send (as a member and as the leader) fails once, in turn, while
#   a group of lsgc_member processes goes on around it.
# task: failslab and fail_page_alloc at a few percent with task-filter on
#   every thread of three members sending messages of up to 64 KiB (their
#   system calls fail, also sleeping allocations: ignore-gfp-wait off).
# atomic: both without task-filter, at 1 % and ignore-gfp-wait on (only
#   allocations that cannot sleep fail, most of them in softirq: receive,
#   repair, timers, which no task filter reaches), for a few seconds, under
#   5 % loss on every bridge port and while a member joins and leaves over
#   and over (views).
#
# Whatever fails, the group either goes on (the members' delivery logs pass
# order_check.py, and members still running deliver after the injection
# stops) or each member fails cleanly with an errno (lsgc_member's exit
# codes 3-6); no kernel report (the VM lane), no new kmemleak report
# (checked here at the end, and by the VM lane), and the module unloads.
. "$(dirname "$0")/stress_lib.sh"
st_prefix f

FI=/sys/kernel/debug
FAULT=$GRP_DIR/../stress/lsgc_fault
SCALE=${LSGC_TIMEOUT_SCALE:-1}
# Every STRIDE-th fault point of the systematic phases, from a random first
# one (printed): a whole sweep (LSGC_FAULT_STRIDE=1) of the joins alone
# takes more than 25 minutes on the debug kernel under TCG.
STRIDE=${LSGC_FAULT_STRIDE:-5}
FIRST=${LSGC_FAULT_FIRST:-$((RANDOM % STRIDE + 1))}

phases=("$@")
[ ${#phases[@]} -gt 0 ] || phases=(join dump send task atomic)
want() { local p; for p in "${phases[@]}"; do [ "$p" = "$1" ] && return 0; done; return 1; }

if [ ! -d "$FI/failslab" ] || [ ! -d "$FI/fail_page_alloc" ] ||
   [ ! -e /proc/self/fail-nth ]; then
	ktap_plan 1
	ktap_skip "allocation failures during joins, views, fragmentation, repair, dumps" \
		"$(uname -r) has no fault injection (no $FI/failslab, $FI/fail_page_alloc or /proc/self/fail-nth): run it on the debug kernel (make stress-test)"
	ktap_finish
fi

n=0
want join && n=$((n + 3))
want dump && n=$((n + 2))
want send && n=$((n + 4))
{ want join || want dump || want send; } && n=$((n + 1))
want task && n=$((n + 4))
want atomic && n=$((n + 4))
n=$((n + 1))
ktap_plan $n
ktap_diag "systematic phases: fault points $FIRST, $FIRST + $STRIDE, ... (LSGC_FAULT_STRIDE=$STRIDE LSGC_FAULT_FIRST=$FIRST)"

# ------------------------------------------------------------ injection

# fi_set ATTR KEY=VALUE...: write the debugfs knobs of failslab or
# fail_page_alloc.
fi_set() {
	local a=$1 kv; shift
	for kv; do
		echo "${kv#*=}" >"$FI/$a/${kv%%=*}" ||
			{ echo "# cannot set $a/${kv%%=*} to ${kv#*=}"; return 1; }
	done
}

# Nothing fails any more, and the defaults are back.
fi_off() {
	local a
	for a in failslab fail_page_alloc; do
		fi_set "$a" probability=0 times=1 interval=1 space=0 verbose=0 \
			task-filter=N ignore-gfp-wait=Y 2>/dev/null
	done
	fi_set fail_page_alloc min-order=0 ignore-gfp-highmem=Y 2>/dev/null
	return 0
}

# fi_mark 0|1 PID...: make-it-fail on every thread of PIDs.
fi_mark() {
	local v=$1 p t; shift
	for p; do
		for t in /proc/"$p"/task/*; do
			echo "$v" >"$t/make-it-fail" 2>/dev/null
		done
	done
	return 0
}

# fi_times ATTR: how many failures ATTR may still inject.
fi_times() { cat "$FI/$1/times"; }

# ------------------------------------------------------------ phases

# The group of the systematic phases: a leader L sending small messages at
# 20/s in namespace 1 and a receiver R in namespace 2; the helper works in
# namespace 3 (and 1 for the dumps).
setup_group() {
	st_block systematic
	grp_init 3
	trap 'fi_off; grp_cleanup' EXIT
	fi_off
	# fail-nth counts every allocation of the task, sleeping ones too.
	fi_set failslab ignore-gfp-wait=N
	fi_set fail_page_alloc ignore-gfp-wait=N
	local common=(-n 1000000 -r 20 -s 1-1400 -t 3600000)
	st_member L 1 -c "${common[@]}"
	grp_wait L joined 30
	st_member R 2 -t 3600000
	grp_wait R joined 60 || ktap_diag "R did not join"
	JT=$((10000 * SCALE))
}

phase_join() {
	local before
	before=$(st_data R)
	ktap_check "every allocation of socket()+LSGC_JOIN of a joiner failed once: clean errnos, the socket joins again" \
		ip netns exec "$(grp_ns 3)" "$FAULT" join -k "$STRIDE" -o "$FIRST" -I fj -g "$GRP_ADDR" \
		-p "$GRP_PORT" -i eth0 -T "$JT"
	ktap_check "every allocation of socket()+LSGC_JOIN of a creator (new transport, new session) failed once" \
		ip netns exec "$(grp_ns 3)" "$FAULT" join -k "$STRIDE" -o "$FIRST" -c -I fc -g "$GRP_ADDR" \
		-p $((GRP_PORT + 10)) -i eth0 -T "$JT"
	sleep $((2 * SCALE))
	if [ "$(st_alive L R)" != " L R" ]; then
		st_reap L R
		st_clean_end L R
		ktap_fail "the group went on through the failed joins"
	elif [ "$(st_data R)" -gt "$before" ]; then
		ktap_ok "the group went on through the failed joins (R delivered $(( $(st_data R) - before )) more)"
	else
		ktap_fail "the group went on through the failed joins" "R delivered nothing more"
	fi
}

phase_dump() {
	ktap_check "every allocation of each netlink dump failed once: clean errnos, the next dump complete" \
		ip netns exec "$(grp_ns 1)" "$FAULT" dump -k "$STRIDE" -o "$FIRST"
	ktap_check "every allocation of /proc/net/lsgc/{stats,members} failed once" \
		ip netns exec "$(grp_ns 1)" "$FAULT" proc -k "$STRIDE" -o "$FIRST"
}

# fault_send NAME NS ARGS...: lsgc_fault send in the background; its
# status in $W/NAME.st, its output in $W/NAME.out.
fault_send() {
	local name=$1 ns=$2; shift 2
	rm -f "$W/$name.st"
	ip netns exec "$(grp_ns "$ns")" "$FAULT" send -k "$STRIDE" -o "$FIRST" -I "$name" -i eth0 \
		-g "$GRP_ADDR" -S "$W/$name.st" -T "$JT" "$@" >"$W/$name.out" 2>&1 &
	GRP_PID[$name]=$!
}

# fault_send_end NAME RECEIVERS...: wait for the helper's "sent K", for
# every receiver to deliver its K-th message, then stop it.  Sets SENT.
fault_send_end() {
	local name=$1 r ok=0; shift
	SENT=
	if st_status_wait "$W/$name.st" sent $((300 * SCALE)); then
		SENT=$(sed -n 's/^sent //p' "$W/$name.st")
		for r; do
			st_wait_log "$r" " $name/$SENT/" $((60 * SCALE)) || ok=1
		done
	else
		echo "# $name: no 'sent' after $((300 * SCALE)) s: $(tr '\n' ' ' <"$W/$name.st" 2>/dev/null)"
		ok=1
	fi
	grp_stop "$name"
	sed 's/^/# /' "$W/$name.out"
	[ "$ok" = 0 ] && [ "$(grp_exit "$name")" = 0 ]
}

# order_two FS_SENT FL_SENT: both groups of the send phase.
order_two() {
	local rc=0
	grp_order_check ${1:+--sent fs=$1} "$W/L.log:any" "$W/R.log:any" || rc=1
	grp_order_check ${2:+--sent fl=$2} "$W/R2.log:any" "$W/R3.log:any" || rc=1
	return $rc
}

phase_send() {
	local fs_sent fl_sent
	# As a member: its messages are ordered by L.
	fault_send fs 3 -p "$GRP_PORT" -m 3 -s 65536
	ktap_check "every allocation of a 64 KiB send (a member's, 45 fragments) failed once: ENOMEM/ENOBUFS, still a member, the rest delivered" \
		fault_send_end fs L R
	fs_sent=$SENT
	# As the leader: it binds its own messages as it sends them.
	fault_send fl 3 -c -p $((GRP_PORT + 20)) -m 3 -s 65536
	st_status_wait "$W/fl.st" joined $((30 * SCALE)) || ktap_diag "fl did not create its group"
	st_member R2 1 -p $((GRP_PORT + 20)) -t 3600000
	st_member R3 2 -p $((GRP_PORT + 20)) -t 3600000
	ktap_check "every allocation of a 64 KiB send of the leader failed once" \
		fault_send_end fl R2 R3
	fl_sent=$SENT
	grp_stop L R R2 R3
	if grp_expect_exit 0 L R R2 R3; then
		ktap_ok "the members exited 0"
	else
		grp_diag L R R2 R3
		ktap_fail "the members exited 0"
	fi
	ktap_check "total order and exactly-once: no failed send was delivered, every successful one was" \
		order_two "$fs_sent" "$fl_sent"
}

# The probabilistic phases' group: a leader A and a sender B sending
# messages of 1 byte to 64 KiB, a receiver C, every view of 3 members
# before anyone sends.
setup_prob() {
	st_block "$1"
	grp_init 3
	trap 'fi_off; grp_cleanup' EXIT
	fi_off
	local common=(-n 1000000 -r $((20 / SCALE > 0 ? 20 / SCALE : 1)) -s 1,100,1400,3000,20000,65536 -m 3 -t 3600000)
	st_member A 1 -c "${common[@]}" -w block
	grp_wait A joined 30
	st_member B 2 "${common[@]}" -w poll
	st_member C 3 -m 3 -t 3600000
	grp_wait_all ready 60 A B C || ktap_diag "not everyone saw the 3-member view"
	sleep $((2 * SCALE))
}

# prob_check PHASE NAMES...: after the injection: who ended and how, the
# logs, and whether the survivors went on.
prob_check() {
	local phase=$1 alive before=() i n; shift
	st_reap "$@"
	alive=$(st_alive "$@")
	ktap_diag "$phase: still running after the injection:${alive:- none}"
	i=0
	for n in $alive; do before[i++]=$(st_data "$n"); done
	sleep $((10 * SCALE))
	local went_on=1 gone=
	i=0
	for n in $alive; do
		if [ "$(st_data "$n")" -le "${before[i]}" ] && kill -0 "${GRP_PID[$n]}" 2>/dev/null; then
			went_on=0
			gone+=" $n"
		fi
		i=$((i + 1))
	done
	st_reap "$@"
	grp_stop "$@"
	if st_clean_end "$@"; then
		ktap_ok "$phase: every member went on or failed cleanly with an errno"
	else
		grp_diag "$@"
		ktap_fail "$phase: every member went on or failed cleanly with an errno"
	fi
	local args=()
	for n; do args+=("$W/$n.log:any"); done
	ktap_check "$phase: what was delivered passes order_check" grp_order_check "${args[@]}"
	if [ -z "$alive" ]; then
		ktap_ok "$phase: the group went on after the injection (no: every member had failed cleanly)"
	elif [ "$went_on" = 1 ]; then
		ktap_ok "$phase: the group went on after the injection"
	else
		ktap_fail "$phase: the group went on after the injection" "delivered nothing in $((10 * SCALE)) s:$gone"
	fi
}

phase_task() {
	local secs=$((15 * SCALE)) a s p
	setup_prob task
	# Only these three processes' calls fail: 2 % of their allocations,
	# sleeping ones included, at most 40 of each kind.
	for a in failslab fail_page_alloc; do
		fi_set "$a" task-filter=Y probability=2 interval=1 times=40 \
			space=0 verbose=1 ignore-gfp-wait=N
	done
	fi_mark 1 "${GRP_PID[A]}" "${GRP_PID[B]}" "${GRP_PID[C]}"
	ktap_diag "task: make-it-fail on A B C, failslab and fail_page_alloc 2 %, for $secs s"
	sleep "$secs"
	s=$((40 - $(fi_times failslab)))
	p=$((40 - $(fi_times fail_page_alloc)))
	fi_off
	for a in A B C; do [ -n "${GRP_PID[$a]:-}" ] && fi_mark 0 "${GRP_PID[$a]}"; done
	ktap_diag "task: $s slab and $p page allocations failed"
	prob_check task A B C
	st_finish_block lsgc_fault
}

phase_atomic() {
	local secs=$((5 * SCALE)) s p i
	setup_prob atomic
	grp_netem_ports loss 5% || ktap_diag "no netem"
	# A member that joins and leaves over and over: views while it fails.
	# Each round ends by itself (-t); the loop stops at the file.
	(
		for ((i = 1; ; i++)); do
			[ -e "$W/churn.stop" ] && exit 0
			ip netns exec "$(grp_ns 3)" "$GRP_DIR/lsgc_member" -I "d$((i % 3))" \
				-i eth0 -g "$GRP_ADDR" -p "$GRP_PORT" -t $((1500 * SCALE)) \
				>/dev/null 2>&1
			sleep 0.2
		done
	) &
	local churn=$!
	sleep $((3 * SCALE))
	# Everyone's allocations that cannot sleep: 1 %, at most 300 and 100,
	# for a few seconds.
	fi_set failslab task-filter=N probability=1 interval=1 times=300 \
		space=0 verbose=1 ignore-gfp-wait=Y
	fi_set fail_page_alloc task-filter=N probability=1 interval=1 times=100 \
		space=0 verbose=1 ignore-gfp-wait=Y min-order=0
	ktap_diag "atomic: failslab and fail_page_alloc 1 % of GFP_ATOMIC everywhere, for $secs s, 5 % loss, a member joining and leaving"
	sleep "$secs"
	s=$((300 - $(fi_times failslab)))
	p=$((100 - $(fi_times fail_page_alloc)))
	fi_off
	ktap_diag "atomic: $s slab and $p page allocations failed"
	touch "$W/churn.stop"
	wait "$churn"
	grp_netem_ports loss 0% 2>/dev/null
	prob_check atomic A B C
	st_finish_block lsgc_fault
}

# ------------------------------------------------------------ main

[ -x "$FAULT" ] || { ktap_diag "$FAULT missing: make selftests"; exit 1; }
kml_start

if want join || want dump || want send; then
	setup_group
	want join && phase_join
	want dump && phase_dump
	want send && phase_send
	st_finish_block lsgc_fault
fi
want task && phase_task
want atomic && phase_atomic
fi_off
st_block end
kml_check
ktap_finish
