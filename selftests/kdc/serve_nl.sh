#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `lsgc-kdc serve` against the kernel's real "lsgc_kdc" generic netlink
# family.  In the VM lane the module is loaded for it (never on a host).
#
# Without the family (module not loaded, or a module without the KDC
# upcall): serve must exit with status 10 and say why; every other check
# is a SKIP, visibly.  With it: serve resolves the family and its "kdc"
# group and subscribes (prints "serving"); Python resolves the same ids
# on its own; serve ignores a request that does not come from the kernel;
# with --test-loopback (which then still uses the real family id and
# group, the id Python resolved) a request sent by Python gets pair's answer, which Python parses
# from the header's layout; SIGTERM: exit 0.  That the kernel accepts the
# answer (its MAC check, a join completing) is the kernel's end-to-end
# test, not this one.
. "$(dirname "$0")/kdc_lib.sh"

ktap_plan 7
DB=$W/db
A=$(kdc_idhex alice)
B=$(kdc_idhex bob)
N0=00000000000000000000000000000001
for u in alice bob; do
	kdc_pw "$u's pass phrase" register -d "$DB" -i "$u" >/dev/null 2>&1
done

loaded_here=0
pid=
_nl_cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	wait 2>/dev/null
	[ "$loaded_here" = 1 ] && lsgc_unload_wait
	_kdc_cleanup
}
trap _nl_cleanup EXIT
if [ -n "${LSGC_IN_VM:-}" ] && ! lsgc_loaded && [ -f "$LSGC_MODULE" ]; then
	lsgc_load && loaded_here=1
fi

if ! ids=$(kdc_nl family); then
	kdc_expect 10 "no lsgc_kdc family: serve exits 10 and says so" \
		-o 'no generic netlink family "lsgc_kdc"' -- timeout 10 "$KDC" serve -d "$DB"
	why="the generic netlink family lsgc_kdc is missing (module not loaded, or without the KDC upcall)"
	ktap_diag "SKIP: $why"
	for d in "serve subscribes to the kdc group" "serve ignores a request from a user port" \
		"serve resolved the family id Python did" "the answers over the real family are pair's" \
		"an unknown requester: STATUS 126" "SIGTERM: exit 0"; do
		ktap_skip "$d" "$why"
	done
	ktap_finish
fi
read -r FAM GRP <<<"$ids"
ktap_diag "lsgc_kdc: family $FAM, group kdc $GRP"

# Not loopback: subscribes; a request from a user port is ignored.
"$KDC" serve -d "$DB" >"$W/serve.out" 2>"$W/serve.err" &
pid=$!
kdc_wait_line "$W/serve.out" '^lsgc-kdc: serving lsgc$'
ktap_check "serve subscribes to the kdc group and says so" grep -qx 'lsgc-kdc: serving lsgc' "$W/serve.out"
# Its port: the one socket of the process in /proc/net/netlink (protocol 16).
sport=$(awk -v ino="$(stat -L -c %i /proc/$pid/fd/* 2>/dev/null | paste -sd'|')" \
	'NR > 1 && $2 == 16 && $NF ~ "^(" ino ")$" { print $3 }' /proc/net/netlink | head -n 1)
ignored() {
	[ -n "$sport" ] || return 1
	! kdc_nl ask "$sport" "$FAM" 1 "$A" "$N0" "$B" >/dev/null 2>&1 &&
		grep -q 'not the kernel' "$W/serve.err"
}
ktap_check "serve ignores a request from a user port (port ${sport:-?})" ignored
kill -TERM "$pid"
wait "$pid"
rc=$?
pid=

"$KDC" serve -d "$DB" --test-loopback >"$W/loop.out" 2>"$W/loop.err" &
pid=$!
kdc_wait_line "$W/loop.out" '^lsgc-kdc: serving ' && kdc_wait_line "$W/loop.err" 'portid'
PORT=$(sed -n 's/.*portid \([0-9]*\).*/\1/p' "$W/loop.err")
ktap_check "serve resolved the family id Python did ($FAM)" grep -q "portid [0-9]* family $FAM\$" "$W/loop.err"
loc() {
	local id=$1 sl=$2 p a=(); shift 2
	for p; do a+=(--peer "0x$p"); done
	"$KDC" pair -d "$DB" --req-id "$id" --requester "0x$sl" --nonce "$N0" "${a[@]}"
}
same() {
	local r
	r=$(kdc_nl ask "$PORT" "$FAM" "$@" | sed "s/^/x/") || return 1
	[ "$r" = "$(loc "$1" "$2" "${@:4}" | sed "s/^/x/")" ]
}
ktap_check "the answer over the real family is pair's" same 2 "$A" "$N0" "$B"
ktap_check "two peers, one unknown" same 3 "$B" "$N0" "$A" "$(kdc_idhex nobody)"
ktap_check "an unknown requester: STATUS 126" \
	test "$(kdc_nl ask "$PORT" "$FAM" 4 "$(kdc_idhex nobody)" "$N0" "$A")" = \
	"$(printf 'req_id 4\nstatus 126')"
kill -TERM "$pid"
wait "$pid"
rc2=$?
pid=
ktap_check "SIGTERM: exit 0 (both)" test "$rc" = 0 -a "$rc2" = 0
sed 's/^/# serve: /' "$W/serve.err" "$W/loop.err"
ktap_finish
