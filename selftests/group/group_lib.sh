# SPDX-License-Identifier: GPL-2.0
#
# Helpers of the group-core tests (issue 3), on top of ../lib.sh.  Source
# it from a test in this directory:
#
#	. "$(dirname "$0")/group_lib.sh"
#
# grp_init N          load the module, make namespaces lsgc-g1..N on one
#                     bridge (lsgc-gbr), a work directory, an EXIT trap
# grp_member NAME NS ARGS...   start lsgc_member -I NAME in lsgc-gNS,
#                     logging to $W/NAME.log, status in $W/NAME.st
# grp_wait NAME WORD [S]       wait until NAME's status has a line WORD
#                     (every wait in seconds is scaled by LSGC_TIMEOUT_SCALE)
# grp_wait_all WORD [S] NAME...
# grp_stop NAME... / grp_stop_all   SIGTERM, wait, remember exit codes
# grp_exit NAME       exit code of a stopped member
# grp_netem_ports ARGS          netem on every bridge port (into members)
# grp_sysctl_all NAME VALUE     set /proc/sys/net/lsgc/NAME in every ns
# grp_stat NS NAME    a counter of /proc/net/lsgc/stats in lsgc-gNS
# grp_check_clean     the test point: no process, namespace or module
#                     reference left behind
# grp_state NS        membership states in /proc/net/lsgc/members
# grp_expect_stats NS K=V...   exact counters of lsgc-gNS
# grp_lost_report NAME         NAME exited 6 with the documented failure
#                     report (EPOLLERR|EPOLLHUP, ECONNRESET, FAILED, SO_ERROR)
#
# Logs live in a tmpfs work directory ($W); on failure they are copied to
# $LSGC_REPO/out/group/<test>/ for a look from the host.

GRP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$GRP_DIR/../lib.sh"

GRP_PREFIX=lsgc-g
GRP_HUB=${GRP_PREFIX}br
GRP_TEST=$(basename "$0" .sh)
GRP_PORT=${GRP_PORT:-7007}
GRP_ADDR=${GRP_ADDR:-239.7.7.7}
declare -A GRP_PID GRP_RC
GRP_NS_N=0
GRP_SCALE=${LSGC_TIMEOUT_SCALE:-1}
W=

grp_init() {
	GRP_NS_N=$1
	W=$(mktemp -d "/tmp/lsgc-$GRP_TEST.XXXXXX")
	trap grp_cleanup EXIT
	if ! lsgc_loaded; then
		lsgc_load || { echo "# cannot load $LSGC_MODULE"; exit 1; }
	fi
	[ -r "$LSGC_SYSFS/parameters/family" ] ||
		{ echo "# lsgc module not loaded"; exit 1; }
	lsgc_modprobe veth bridge sch_netem
	lsgc_ns_create "$GRP_NS_N" "$GRP_PREFIX" ||
		{ echo "# cannot create namespaces"; exit 1; }
	grp_drops_start
	# A slow kernel (the debug lane scales timeouts) delays heartbeats
	# and join answers past the defaults: scale the failure detector
	# alike, so that only real silence expels.  Tests that set their own
	# values do so after this.
	if [ "$GRP_SCALE" -gt 1 ]; then
		grp_sysctl_all heartbeat_timeout_ms $((500 * GRP_SCALE)) &&
			grp_sysctl_all join_timeout_ms $((2000 * GRP_SCALE)) ||
			{ echo "# cannot scale the timeouts by $GRP_SCALE"; exit 1; }
	fi
}

grp_ns() { echo "$GRP_PREFIX$1"; }

grp_sysctl_all() {
	local i f=/proc/sys/net/lsgc/$1
	for ((i = 1; i <= GRP_NS_N; i++)); do
		ip netns exec "$(grp_ns "$i")" sh -c "echo $2 >$f" 2>/dev/null ||
			{ echo "# cannot set $f (missing?)"; return 1; }
	done
}

# Every bridge port: impairments on what each member receives, so every
# receiver loses (reorders, duplicates) different packets.
grp_netem_ports() {
	local i
	for ((i = 1; i <= GRP_NS_N; i++)); do
		ip netns exec "$GRP_HUB" tc qdisc replace dev "v$i" root netem "$@" ||
			return 1
	done
}

grp_member() {
	local name=$1 ns=$2; shift 2
	rm -f "$W/$name.st"
	ip netns exec "$(grp_ns "$ns")" "$GRP_DIR/lsgc_member" -I "$name" \
		-i eth0 -g "$GRP_ADDR" -p "$GRP_PORT" \
		-o "$W/$name.log" -S "$W/$name.st" "$@" 2>"$W/$name.err" &
	GRP_PID[$name]=$!
}

# grp_wait NAME WORD [SECONDS]: 0 once NAME's status file has WORD; 1 if it
# exits or errs first, or on timeout.
grp_wait() {
	local name=$1 word=$2 secs=$(( ${3:-60} * GRP_SCALE )) i
	for ((i = 0; i < secs * 10; i++)); do
		grep -q "^$word" "$W/$name.st" 2>/dev/null && return 0
		if grep -qE '^(exit|error)' "$W/$name.st" 2>/dev/null; then
			echo "# $name: $(tr '\n' ' ' <"$W/$name.st") $(tail -n 2 "$W/$name.err" | tr '\n' ' ')"
			return 1
		fi
		sleep 0.1
	done
	echo "# $name: no '$word' after ${secs}s (status: $(tr '\n' ' ' <"$W/$name.st" 2>/dev/null))"
	return 1
}

grp_wait_all() {
	local word=$1 secs=$(( $2 * GRP_SCALE )) n rc=0 end
	shift 2
	end=$((SECONDS + secs))
	for n; do
		# grp_wait scales what it is given: hand it unscaled seconds.
		grp_wait "$n" "$word" $(( (end - SECONDS) / GRP_SCALE > 1 ?
			(end - SECONDS) / GRP_SCALE : 1 )) || rc=1
	done
	return $rc
}

# grp_reap NAME [SECONDS]: wait for NAME to exit by itself; its exit code.
grp_reap() {
	local name=$1 secs=$(( ${2:-30} * GRP_SCALE )) pid=${GRP_PID[$1]} i
	[ -n "$pid" ] || return 0
	for ((i = 0; i < secs * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "# $name did not exit within ${secs}s: killing it"
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid"
	GRP_RC[$name]=$?
	unset "GRP_PID[$name]"
	return "${GRP_RC[$name]}"
}

grp_stop() {
	local n
	for n; do
		[ -n "${GRP_PID[$n]:-}" ] && kill -TERM "${GRP_PID[$n]}" 2>/dev/null
	done
	for n; do
		[ -n "${GRP_PID[$n]:-}" ] && grp_reap "$n" 10
	done
	return 0
}

grp_stop_all() { grp_stop "${!GRP_PID[@]}"; }

grp_kill9() {
	kill -KILL "${GRP_PID[$1]}"
	wait "${GRP_PID[$1]}" 2>/dev/null
	GRP_RC[$1]=137
	unset "GRP_PID[$1]"
}

grp_exit() { echo "${GRP_RC[$1]:-none}"; }

# grp_expect_exit CODE NAME...: a test point's worth of exit codes.
grp_expect_exit() {
	local want=$1 n bad=
	shift
	for n; do
		if [ "${GRP_RC[$n]:-none}" != "$want" ]; then
			bad+=" $n=${GRP_RC[$n]:-none}"
			echo "# $n exited ${GRP_RC[$n]:-none}, expected $want: $(tail -n 3 "$W/$n.err" 2>/dev/null | tr '\n' ' ')"
		fi
	done
	[ -z "$bad" ]
}

grp_stat() {
	ip netns exec "$(grp_ns "$1")" cat /proc/net/lsgc/stats 2>/dev/null |
		awk -v k="$2" '$1 == k { print $2; f = 1 } END { if (!f) print "missing" }'
}

grp_stats_nonzero() {
	ip netns exec "$(grp_ns "$1")" cat /proc/net/lsgc/stats 2>/dev/null |
		awk '$2 != 0' | tr '\n' ' '
}

# (grep -c prints 0 and fails when nothing matches: not an error here.)
grp_count() { grep -c "^$2" "$W/$1.log" 2>/dev/null || true; }

# order_check.py with every failure as diagnostics.
grp_order_check() { python3 "$GRP_DIR/order_check.py" "$@"; }

grp_save_logs() {
	local dest=${LSGC_REPO:-$GRP_DIR/../..}/out/group/$GRP_TEST
	rm -rf "$dest"
	mkdir -p "$dest" && cp -r "$W"/. "$dest"/ 2>/dev/null &&
		echo "# logs kept in $dest"
}

_grp_leftovers() {
	local left= p procs
	for p in "${GRP_PID[@]}"; do
		kill -0 "$p" 2>/dev/null && left+=" pid $p"
	done
	procs=$(lsgc_procs lsgc_member lsgc_inject lsgc_api | tr '\n' ' ')
	[ -n "$procs" ] && left+=" test programs: $procs"
	ip netns list | grep -q "^$GRP_PREFIX" &&
		left+=" namespaces:$(ip netns list | grep "^$GRP_PREFIX" | cut -d' ' -f1 | tr '\n' ' ')"
	echo "$left"
}

# The last test point of every script: stop what is left, delete the
# namespaces, and check that nothing remains: no process, no namespace, no
# module reference (sockets and namespaces of the module all gone), and
# the module unloads.
grp_check_clean() {
	local left refs i
	grp_stop_all
	lsgc_ns_destroy "$GRP_PREFIX"
	left=$(_grp_leftovers)
	refs=
	for ((i = 0; i < 100; i++)); do
		refs=$(lsgc_refcnt 2>/dev/null || echo 0)
		[ "$refs" = 0 ] && break
		sleep 0.1
	done
	if [ -n "$left" ]; then
		ktap_fail "nothing left behind" "left behind:$left"
	elif [ "$refs" != 0 ]; then
		ktap_fail "nothing left behind" "module refcnt $refs 10 s after every socket and namespace was gone"
	elif ! lsgc_unload_wait 10; then
		ktap_fail "nothing left behind" "the module does not unload"
	else
		ktap_ok "nothing left behind"
	fi
}

grp_cleanup() {
	local p
	for p in "${GRP_PID[@]}"; do
		kill -KILL "$p" 2>/dev/null
	done
	wait 2>/dev/null
	grp_drops_stop
	lsgc_ns_destroy "$GRP_PREFIX"
	if [ "${_ktap_fail:-0}" != 0 ] && [ -n "$W" ]; then
		grp_save_logs
	fi
	[ -n "$W" ] && rm -rf "$W"
}

# Where the kernel drops packets, for the diagnostics: a histogram of
# every skb:kfree_skb by call site and drop reason (no trace buffer is
# filled; the trigger only counts).  Absent tracefs, nothing is counted.
GRP_DROPS_HIST='hist:keys=location.sym,reason:size=512'
GRP_DROPS_EV=/sys/kernel/tracing/events/skb/kfree_skb
grp_drops_start() {
	[ -w "$GRP_DROPS_EV/trigger" ] || return 0
	echo "$GRP_DROPS_HIST" >"$GRP_DROPS_EV/trigger" 2>/dev/null &&
		GRP_DROPS_ON=1
	# What IPv4 multicast reception decides, by return value: whether
	# the group is the interface's (ip_check_mc_rcu, 0 = not ours) and
	# whether the source is acceptable (ip_mc_validate_source, errno).
	local k=/sys/kernel/tracing/kprobe_events f
	[ -w "$k" ] || return 0
	for f in ip_check_mc_rcu ip_mc_validate_source; do
		echo "r:lsgc_$f $f ret=\$retval:s32" >>"$k" 2>/dev/null &&
			echo 'hist:keys=ret' \
			>"/sys/kernel/tracing/events/kprobes/lsgc_$f/trigger" 2>/dev/null &&
			GRP_DROPS_KP+=" $f"
	done
}

grp_drops_stop() {
	local f
	for f in $GRP_DROPS_KP; do
		echo '!hist:keys=ret' \
			>"/sys/kernel/tracing/events/kprobes/lsgc_$f/trigger" 2>/dev/null
		echo "-:lsgc_$f" >>/sys/kernel/tracing/kprobe_events 2>/dev/null
	done
	GRP_DROPS_KP=
	[ -n "$GRP_DROPS_ON" ] || return 0
	echo "!$GRP_DROPS_HIST" >"$GRP_DROPS_EV/trigger" 2>/dev/null
	GRP_DROPS_ON=
}

# grp_drops_show: the busiest drop sites so far, one line.
grp_drops_show() {
	[ -n "$GRP_DROPS_ON" ] || return 0
	ktap_diag "kfree_skb by site (all namespaces): $(grep '^{' \
		"$GRP_DROPS_EV/hist" 2>/dev/null |
		sed -E 's/.*location: *\[[0-9a-f]+\] *([^,]*[^ ,]) *, *reason: *([0-9]+) *\} *hitcount: *([0-9]+).*/\3 \1\/\2/' |
		sort -rn | head -n 8 | tr '\n' ';')"
	local f
	for f in $GRP_DROPS_KP; do
		ktap_diag "$f returned (all namespaces): $(sed -nE \
			's/^\{ *ret: *(-?[0-9]+) *\} *hitcount: *([0-9]+).*/\1:\2/p' \
			"/sys/kernel/tracing/events/kprobes/lsgc_$f/hist" | tr '\n' ' ')"
	done
}

# grp_diag NAME...: the end of each member's stderr and log, on failure.
grp_diag() {
	local n
	for n; do
		echo "# --- $n (exit ${GRP_RC[$n]:-running}) stderr:"
		tail -n 5 "$W/$n.err" 2>/dev/null | sed 's/^/#   /'
		echo "# --- $n log tail:"
		grep -v '^D' "$W/$n.log" 2>/dev/null | tail -n 12 | sed 's/^/#   /'
	done
}

# grp_order_run [NETEM ARGS...]: the total order test.  Four senders in
# four namespaces (two with blocking sends, two with MSG_DONTWAIT + poll)
# and two receive-only members in two more, $GRP_N messages per sender of
# $GRP_SIZES bytes, every bridge port impaired with NETEM ARGS.  Every
# member must deliver the same sequence: all 4 x $GRP_N messages, each
# once, in each sender's order, with the same views.
grp_order_run() {
	local n=${GRP_N:-500} sizes=${GRP_SIZES:-1-2000} limit=${GRP_LIMIT:-240}
	local total all m i
	total=$((4 * n))
	all=(s1 s2 s3 s4 r1 r2)
	ktap_plan 6
	grp_init 6
	ktap_diag "$n messages per sender, sizes $sizes, netem: ${*:-none}"
	grp_sysctl_all heartbeat_timeout_ms "${GRP_HB_TIMEOUT:-3000}" ||
		ktap_diag "running with the default heartbeat timeout"
	if [ $# -gt 0 ]; then
		grp_netem_ports "$@" || { ktap_fail "netem $*"; ktap_finish; }
	fi
	local common=(-m 6 -E "$total" -H -t $((limit * 1000)))
	grp_member s1 1 -c -n "$n" -s "$sizes" -w block "${common[@]}"
	grp_wait s1 joined 30
	grp_member s2 2 -n "$n" -s "$sizes" -w block "${common[@]}"
	grp_member s3 3 -n "$n" -s "$sizes" -w poll "${common[@]}"
	grp_member s4 4 -n "$n" -s "$sizes" -w poll "${common[@]}"
	grp_member r1 5 "${common[@]}"
	grp_member r2 6 "${common[@]}"
	if grp_wait_all ready 60 "${all[@]}"; then
		ktap_ok "six members joined, every one saw the 6-member view"
	else
		ktap_fail "six members joined, every one saw the 6-member view"
	fi
	local t0=$SECONDS
	if grp_wait_all done "$limit" "${all[@]}"; then
		ktap_ok "every member delivered $total messages"
	else
		for m in "${all[@]}"; do
			ktap_diag "$m delivered $(grp_count "$m" D) data records"
		done
		ktap_fail "every member delivered $total messages"
	fi
	ktap_diag "traffic phase: $((SECONDS - t0)) s; $(grep -h done_after "$W/s1.log" "$W/r2.log" | tr '\n' ' ')"
	grp_stop_all
	if grp_expect_exit 0 "${all[@]}"; then
		ktap_ok "every member exited 0 (no errno, no local violation)"
	else
		grp_diag "${all[@]}"
		ktap_fail "every member exited 0 (no errno, no local violation)"
	fi
	local args=()
	for m in "${all[@]}"; do args+=("$W/$m.log:full"); done
	for m in s1 s2 s3 s4; do args+=(--sent "$m=$n"); done
	ktap_check "identical total order at all six members" \
		grp_order_check --data "$total" "${args[@]}"
	grp_diag_stats_all
	ktap_check "identical delivered counts" test "$(grp_count s1 D)" = "$(grp_count r2 D)"
	grp_check_clean
	ktap_finish
}

# grp_wait_data NAME COUNT [SECONDS]: until NAME delivered COUNT data records.
grp_wait_data() {
	local i secs=$(( ${3:-60} * GRP_SCALE ))
	for ((i = 0; i < secs * 10; i++)); do
		[ "$(grp_count "$1" D)" -ge "$2" ] && return 0
		sleep 0.1
	done
	echo "# $1 delivered $(grp_count "$1" D) data records, waited for $2"
	return 1
}

# grp_view_line NAME ID: line number in NAME's log of the first view
# without member identity ID, after it had one with it (0: none).
grp_view_without() {
	awk -v id="$2" '
		$1 == "V" { has = ("," $4 ",") ~ ("[,:]" id ","); if (had && !has) { print NR; exit } if (has) had = 1 }
		END { }' "$W/$1.log" | head -n 1
}

# grp_data_after NAME LINE: data records in NAME's log after line LINE.
grp_data_after() { awk -v l="$2" 'NR > l && $1 == "D"' "$W/$1.log" | wc -l; }

# grp_first_line NAME PATTERN: line number of the first match (0: none).
grp_first_line() { grep -n -m1 -E "$2" "$W/$1.log" | cut -d: -f1 | grep . || echo 0; }

grp_diag_stats_all() {
	local i
	for ((i = 1; i <= GRP_NS_N; i++)); do
		ip netns list | grep -q "^$(grp_ns "$i")\b" || continue
		ktap_diag "ns $i: $(grp_stats_nonzero "$i")"
		ktap_diag "ns $i members: $(ip netns exec "$(grp_ns "$i")" \
			cat /proc/net/lsgc/members 2>/dev/null | tail -n +2 |
			tr -s ' ' | tr '\n' ';')"
		# Where packets die before LSGC sees them: IP, UDP (counters
		# that are 0 are left out, but for UdpInDatagrams) ...
		ktap_diag "ns $i udp: $(ip netns exec "$(grp_ns "$i")" nstat -asz \
			UdpInDatagrams UdpRcvbufErrors Udp6RcvbufErrors \
			UdpNoPorts UdpInErrors UdpIgnoredMulti IpInReceives \
			IpInDiscards IpInAddrErrors IpExtInMcastPkts \
			TcpExtIPReversePathFilter 2>/dev/null |
			awk '!/^#/ && ($2 != 0 || $1 == "UdpInDatagrams") {
				printf "%s %s ", $1, $2 }')"
		# ... or earlier: the device, or a multicast group it left.
		ktap_diag "ns $i eth0: $(ip -n "$(grp_ns "$i")" -s link show eth0 |
			awk '/RX:/ { getline; printf "rx %s drop %s ", $2, $4 }
			     /TX:/ { getline; printf "tx %s drop %s ", $2, $4 }')" \
			"port $(ip -n "$GRP_HUB" -s link show "v$i" |
			awk '/TX:/ { getline; printf "tx %s drop %s", $2, $4 }')" \
			"groups $(ip -n "$(grp_ns "$i")" maddr show dev eth0 |
			awk '$1 ~ /^inet/ { printf "%s ", $2 }')"
		# The IPv4 groups of eth0 with their users, and any source
		# filter: what ip_check_mc_rcu() decides on.
		ktap_diag "ns $i igmp: $(ip netns exec "$(grp_ns "$i")" \
			awk '/eth0/ { e = 1; next } /^[0-9]/ { e = 0 }
			     e { printf "%s users %s; ", $1, $2 }' /proc/net/igmp) \
			mcfilter: $(ip netns exec "$(grp_ns "$i")" \
			tail -n +2 /proc/net/mcfilter | tr -s ' ' | tr '\n' ';') \
			udp sockets (local rx_queue drops): $(ip netns exec \
			"$(grp_ns "$i")" awk 'NR > 1 { split($5, q, ":");
			printf "%s %s %s; ", $2, q[2], $13 }' /proc/net/udp)"
	done
	# The bridge's namespace receives every packet too and drops it at
	# IP (br0 has no group): the baseline of the counts below.
	ktap_diag "hub: $(ip netns exec "$GRP_HUB" nstat -asz IpInReceives \
		2>/dev/null | awk '!/^#/ { printf "%s %s ", $1, $2 }')"
	grp_drops_show
	# The per-CPU backlog every veth packet passes (netdev_max_backlog):
	# its drops are no namespace's.
	local d=0 x
	while read -r _ x _; do d=$((d + 0x$x)); done </proc/net/softnet_stat
	ktap_diag "softnet backlog drops (all CPUs, since boot): $d"
	return 0
}

# grp_state NS: the state column of /proc/net/lsgc/members in lsgc-gNS
# (one word per membership of the namespace; "none" if it has none).
grp_state() {
	ip netns exec "$(grp_ns "$1")" cat /proc/net/lsgc/members 2>/dev/null |
		awk 'NR > 1 { print $7; f = 1 } END { if (!f) print "none" }' | tr '\n' ' ' |
		sed 's/ $//'
}

# grp_expect_stats NS NAME=VALUE...: exact counters of lsgc-gNS.
grp_expect_stats() {
	local ns=$1 kv k v got bad=
	shift
	for kv; do
		k=${kv%%=*} v=${kv#*=}
		got=$(grp_stat "$ns" "$k")
		[ "$got" = "$v" ] || bad+=" $k=$got (want $v)"
	done
	[ -z "$bad" ] || { echo "ns $ns:$bad"; return 1; }
}

# grp_lost_report NAME: NAME's log shows the documented failure on its
# reliable socket: poll EPOLLERR|EPOLLHUP, recv and send ECONNRESET,
# LSGC_STATE FAILED (3), SO_ERROR ECONNRESET.
grp_lost_report() {
	local m=$1 p r s st se
	p=$(awk '$1 == "E" && $2 == "poll" && $3 == "seq" { print $4 }' "$W/$m.log")
	r=$(awk '$1 == "E" && $2 == "recv" && $3 == "seq" { print $4 }' "$W/$m.log")
	s=$(awk '$1 == "E" && $2 == "send" && $3 == "seq" { print $4 }' "$W/$m.log")
	st=$(awk '$1 == "E" && $2 == "state" && $3 == "seq" { print $4 }' "$W/$m.log")
	se=$(awk '$1 == "E" && $2 == "so_error" && $3 == "seq" { print $4 }' "$W/$m.log")
	echo "$m: exit ${GRP_RC[$m]:-running}, poll ${p:-none} recv ${r:-none} send ${s:-none} state ${st:-none} SO_ERROR ${se:-none}"
	[ "${GRP_RC[$m]:-}" = 6 ] && [ -n "$p" ] && (( (p & 0x18) == 0x18 )) &&
		[ "$r" = ECONNRESET ] && [ "$s" = ECONNRESET ] && [ "$st" = 3 ] &&
		[ "$se" = ECONNRESET ]
}

# grp_pid NAME: the pid of a running member.
grp_pid() { echo "${GRP_PID[$1]}"; }
