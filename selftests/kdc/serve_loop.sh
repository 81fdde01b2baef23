#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `lsgc-kdc serve`'s netlink side without the kernel's family: with the
# test-only --test-loopback --test-family-id, serve takes requests from
# any netlink port (not only the kernel's) under a family id of our
# choosing and sends each answer back to the port it came from.  A client
# written in Python from include/uapi/linux/lsgc_kdc.h (kdc_nl in
# kdc_lib.sh) sends LSGC_KDC_CMD_REQUEST and parses the ANSWER it gets:
#  - the answer is pair's (and Python's hmac's), attribute by attribute;
#    the requester unknown: STATUS 126 alone;
#  - two requests in one datagram, attributes of a later version ignored;
#  - the database read again when it changes: a new identity answers
#    without a restart; an unusable database: STATUS 5 (EIO), until fixed;
#  - malformed requests (19 kinds: overruns, wrong lengths, duplicates,
#    missing attributes, 0 or 257 peers, bad peer nests, an answer's
#    attributes): never answered, one log line each; other commands and
#    types ignored; serve survives and answers the next good request;
#  - --relay: the same answer through a kdcd; kdcd gone: STATUS 5;
#  - SIGTERM and SIGINT: exit 0.
# Needs CAP_NET_ADMIN (root): netlink unicast between two user ports.
. "$(dirname "$0")/kdc_lib.sh"

ktap_plan 21
DB=$W/db
A=$(kdc_idhex alice)
B=$(kdc_idhex bob)
C=$(kdc_idhex carol)
D=$(kdc_idhex dave)
N0=0123456789abcdef0123456789abcdef
FAM=32752
for u in alice bob carol; do
	kdc_pw "$u's pass phrase" register -d "$DB" -i "$u" >/dev/null 2>&1
done

pids=()
_loop_cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	_kdc_cleanup
}
trap _loop_cleanup EXIT

# start NAME ARGS...: serve ARGS in the background, output in $W/NAME.*;
# sets PID and PORT (its netlink port).
start() {
	local name=$1; shift
	"$KDC" serve --test-loopback --test-family-id "$FAM" "$@" \
		>"$W/$name.out" 2>"$W/$name.err" &
	PID=$!
	pids+=("$PID")
	kdc_wait_line "$W/$name.out" '^lsgc-kdc: serving ' &&
		kdc_wait_line "$W/$name.err" 'portid [0-9]+'
	PORT=$(sed -n 's/.*portid \([0-9]*\).*/\1/p' "$W/$name.err")
}
ask() {		# REQID SL PEER...
	local id=$1 sl=$2; shift 2
	kdc_nl ask "$PORT" "$FAM" "$id" "$sl" "$N0" "$@"
}
loc() {
	local id=$1 sl=$2 p a=(); shift 2
	for p; do a+=(--peer "0x$p"); done
	"$KDC" pair -d "$DB" --req-id "$id" --requester "0x$sl" --nonce "$N0" "${a[@]}"
}
same() {
	local r l
	r=$(ask "$@") || return 1
	l=$(loc "$@")
	printf '%s\n' "$r" | head -n 6 | sed 's/^/netlink: /'
	[ "$r" = "$l" ]
}

start local -d "$DB"
ktap_check "serve says it serves realm lsgc" grep -qx 'lsgc-kdc: serving lsgc' "$W/local.out"
ktap_check "the netlink answer is pair's, attribute by attribute" same 3 "$A" "$B" "$D" "$C"
ktap_check "and Python's" test "$(ask 3 "$A" "$B" "$D" "$C")" = \
	"$(kdc_py answer "$DB" 3 "$A" "$N0" "$B" "$D" "$C")"
ktap_check "an unknown requester: STATUS 126 alone" \
	test "$(ask 4 "$D" "$A")" = "$(printf 'req_id 4\nstatus 126')"
many=()
for ((i = 0; i < 256; i++)); do many+=("$(printf '%030x%02x' 0x7065657200 "$i")"); done
many[200]=$A
ktap_check "256 peers: a 17 KiB answer, as pair's" same 5 "$B" "${many[@]}"
batch() {
	local out want
	out=$(kdc_nl batch "$PORT" "$FAM" "$A" "$N0" "$B" "$C")
	want=$(loc 21 "$A" "$B" "$C"; loc 22 "$A" "$C" "$B"; loc 23 "$A" "$B" "$C" "$B")
	[ "$out" = "$want" ]
}
ktap_check "two requests in one datagram, and one with attributes of a later version" batch

kdc_pw "dave's pass phrase" register -d "$DB" -i dave >/dev/null 2>&1
ktap_check "dave, registered while serve runs, has a pair key" same 6 "$A" "$D"
chmod 644 "$DB"
ktap_check "a database serve must refuse (mode 0644): STATUS 5 (EIO)" \
	test "$(ask 7 "$A" "$B")" = "$(printf 'req_id 7\nstatus 5')"
chmod 600 "$DB"
ktap_check "fixed: answered again" same 8 "$A" "$B"

n=$(grep -c 'ignored a malformed request' "$W/local.err")
nbad=$(kdc_nl hostile "$PORT" "$FAM")
ktap_check "$nbad malformed requests: none answered" test -n "$nbad"
got=$(($(grep -c 'ignored a malformed request' "$W/local.err") - n))
grep 'ignored a malformed request' "$W/local.err" | sed 's/^/# /'
ktap_check "one log line each ($got of $nbad)" test "$got" = "$nbad"
ktap_check "an ANSWER command and another message type: ignored" kdc_nl other "$PORT" "$FAM"
ktap_check "serve survives and answers the next request" same 9 "$C" "$A" "$B"

kill -TERM "$PID"
wait "$PID"
ktap_check "SIGTERM: exit 0" test $? = 0
start int -d "$DB"
kill -INT "$PID"
wait "$PID"
ktap_check "SIGINT: exit 0" test $? = 0

"$KDC" kdcd -d "$DB" --listen 127.0.0.1:0 >"$W/kdcd.out" 2>"$W/kdcd.err" &
kdcd=$!
pids+=("$kdcd")
kdc_wait_line "$W/kdcd.out" 'listening on'
KPORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\),.*/\1/p' "$W/kdcd.out")
start relay --relay "127.0.0.1:$KPORT"
ktap_check "serve --relay says so" grep -qx "lsgc-kdc: serving lsgc through 127.0.0.1:$KPORT" \
	"$W/relay.out"
ktap_check "through the relay: pair's answer" same 10 "$A" "$B" "$C" "$D"
ktap_check "256 peers through the relay" same 11 "$C" "${many[@]}"
ktap_check "an unknown requester through the relay: STATUS 126" \
	test "$(ask 12 "$(kdc_idhex eve)" "$A")" = "$(printf 'req_id 12\nstatus 126')"
kill "$kdcd"
wait "$kdcd" 2>/dev/null
ktap_check "kdcd gone: STATUS 5 (EIO)" test "$(ask 13 "$A" "$B")" = "$(printf 'req_id 13\nstatus 5')"
kill -TERM "$PID"
wait "$PID"
ktap_check "serve --relay: SIGTERM, exit 0" test $? = 0
sed 's/^/# serve: /' "$W/relay.err"
ktap_finish
