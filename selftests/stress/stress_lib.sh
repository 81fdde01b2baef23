# SPDX-License-Identifier: GPL-2.0
#
# Helpers of the robustness tests, on top of ../group/group_lib.sh (which
# this sources).  Source it from a test in this directory:
#
#	. "$(dirname "$0")/stress_lib.sh"
#
# st_prefix P          namespaces lsgc-P1..N on lsgc-Pbr instead of lsgc-g*
# st_block NAME        start a block of the test (a grp_init of its own);
#                      the previous block's logs are dropped, or kept in
#                      out/stress/<test>-<block>/ if it failed
# st_member NAME NS ARGS...  lsgc_member with its delivery log written
#                      through a pipe (see below)
# st_alive NAME...     the members still running
# st_reap NAME...      collect the exit codes of members that ended
# st_clean_end NAME... every member exited 0 or failed cleanly
# st_data NAME         data records NAME delivered so far
# st_finish_block      the block's last test point: nothing left behind,
#                      kmemleak scanned, the module unloads
# kml_start / kml_check   "no new kmemleak report" (debug kernel)

. "$(dirname "${BASH_SOURCE[0]}")/../group/group_lib.sh"

KML=/sys/kernel/debug/kmemleak
ST_BLOCK=

st_prefix() {
	GRP_PREFIX=lsgc-$1
	GRP_HUB=${GRP_PREFIX}br
}

# Logs of a failed test go to out/stress/, not out/group/.
grp_save_logs() {
	local dest=$LSGC_REPO/out/stress/$GRP_TEST${ST_BLOCK:+-$ST_BLOCK}
	rm -rf "$dest"
	mkdir -p "$dest" && cp -r "$W"/. "$dest"/ 2>/dev/null &&
		echo "# logs kept in $dest"
}

_st_fail_mark=0
st_block() {
	if [ -n "$W" ]; then
		[ "$_ktap_fail" != "$_st_fail_mark" ] && grp_save_logs
		rm -rf "$W"
		W=
	fi
	_st_fail_mark=$_ktap_fail
	ST_BLOCK=$1
}

# st_member NAME NS ARGS...: lsgc_member -I NAME in namespace NS, like
# grp_member, but its delivery log goes through a pipe to $W/NAME.log: a
# write to tmpfs can fail under fault injection and lose a record, while a
# pipe's pages are highmem, which fail_page_alloc leaves alone, and it
# needs no slab allocation once open.
st_member() {
	local name=$1 ns=$2; shift 2
	rm -f "$W/$name.st"
	ip netns exec "$(grp_ns "$ns")" "$GRP_DIR/lsgc_member" -I "$name" \
		-i eth0 -g "$GRP_ADDR" -p "$GRP_PORT" -o /dev/stdout \
		-S "$W/$name.st" "$@" 2>"$W/$name.err" > >(cat >"$W/$name.log") &
	GRP_PID[$name]=$!
}

st_alive() {
	local n out=
	for n; do
		[ -n "${GRP_PID[$n]:-}" ] && kill -0 "${GRP_PID[$n]}" 2>/dev/null &&
			out+=" $n"
	done
	echo "$out"
}

st_reap() {
	local n
	for n; do
		if [ -n "${GRP_PID[$n]:-}" ] && ! kill -0 "${GRP_PID[$n]}" 2>/dev/null; then
			wait "${GRP_PID[$n]}"
			GRP_RC[$n]=$?
			unset "GRP_PID[$n]"
		fi
	done
}

# st_clean_end NAME...: every member exited 0 (it was stopped), or with one
# of lsgc_member's error exits (3 join, 4 send, 5 recv, 6 membership lost)
# and an errno that says what failed (ENOMEM, ENOBUFS) or that the
# membership ended (ECONNRESET, EPIPE, ETIMEDOUT, EPROTO).  Never a
# violation (8), another exit, a crash or a hang (killed).
st_clean_end() {
	local n rc e bad=0
	for n; do
		rc=${GRP_RC[$n]:-none}
		e=$(grep -oE '\(E[A-Z0-9]+\)' "$W/$n.err" 2>/dev/null | tail -n 1 | tr -d '()')
		case $rc in
		0)
			echo "# $n: exit 0" ;;
		3|4|5|6)
			case ${e:-ECONNRESET} in
			ENOMEM|ENOBUFS|ECONNRESET|EPIPE|ETIMEDOUT|EPROTO)
				echo "# $n: exit $rc, failed cleanly: $(tail -n 1 "$W/$n.err" 2>/dev/null)" ;;
			*)
				echo "# $n: exit $rc with $e: $(tail -n 2 "$W/$n.err" | tr '\n' ' ')"
				bad=1 ;;
			esac ;;
		*)
			echo "# $n: exit $rc: $(tail -n 3 "$W/$n.err" 2>/dev/null | tr '\n' ' ')"
			bad=1 ;;
		esac
	done
	return $bad
}

st_data() { grep -c '^D' "$W/$1.log" 2>/dev/null || true; }

# st_wait_log NAME REGEX SECONDS: until NAME's log has a matching line.
st_wait_log() {
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		grep -qE "$2" "$W/$1.log" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "# $1: no '$2' in its log after $3 s"
	return 1
}

# st_status_wait FILE WORD SECONDS: until FILE has a line starting with WORD.
st_status_wait() {
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		grep -q "^$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# st_finish_block [PROG...]: stop every member, delete the namespaces, check
# that no process (nor PROG) is left and no socket or namespace holds the
# module, scan kmemleak while the module and its symbols are still there,
# and unload it.
st_finish_block() {
	local desc="nothing left behind, the module unloads" refs i left p
	grp_stop_all
	lsgc_ns_destroy "$GRP_PREFIX"
	for ((i = 0; i < 100; i++)); do
		refs=$(lsgc_refcnt 2>/dev/null || echo 0)
		[ "$refs" = 0 ] && break
		sleep 0.1
	done
	left=$(_grp_leftovers)
	for p; do
		pgrep -x "$p" >/dev/null && left+=" $p"
	done
	kml_scan
	if [ -n "$left" ]; then
		ktap_fail "$desc" "left behind:$left"
	elif [ "$refs" != 0 ]; then
		ktap_fail "$desc" "module refcnt $refs 10 s after every socket and namespace was gone"
	elif ! lsgc_unload_wait 10; then
		ktap_fail "$desc" "the module does not unload"
	else
		ktap_ok "$desc"
	fi
}

# ---------------------------------------------------------------- kmemleak

kml_scan() {
	[ -w "$KML" ] || return 0
	# An object is reported once it is 5 s old and was found unreferenced
	# by two scans.
	sleep 6
	echo scan >"$KML"
	echo scan >"$KML"
}

kml_objects() { grep -o 'unreferenced object 0x[0-9a-f]*' "$KML" 2>/dev/null | sort -u; }

# kml_start: what kmemleak reports already (earlier tests' leaks are
# theirs); kml_check: the test point, with the new reports in full, after
# the scan of the last st_finish_block.
KML_BEFORE=
kml_start() {
	[ -w "$KML" ] || return 0
	kml_scan
	KML_BEFORE=$(kml_objects)
}

kml_check() {
	local new
	if [ ! -w "$KML" ]; then
		ktap_skip "no new kmemleak report" "no $KML on $(uname -r)"
		return
	fi
	new=$(comm -13 <(echo "$KML_BEFORE") <(kml_objects))
	if [ -z "$new" ]; then
		ktap_ok "no new kmemleak report"
		return
	fi
	echo "# kmemleak: $(echo "$new" | wc -l) new unreferenced objects:"
	sed 's/^/#   /' "$KML" | head -n 300
	ktap_fail "no new kmemleak report"
}
