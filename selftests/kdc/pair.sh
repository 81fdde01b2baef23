#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The pair keys and the MAC of include/uapi/linux/lsgc_kdc.h, as
# `lsgc-kdc pair` prints the answer serve would send the kernel, against:
#  - recorded known answers for a database written by hand with fixed
#    keys (alice 00..1f, bob 20..3f, carol 40..5f), computed once by
#    Python's hmac and checked again here, the halves {X}K and K_kdc also
#    by openssl's HMAC (a third implementation);
#  - Python's hmac/hashlib at run time (kdc_py in kdc_lib.sh, written from
#    the header), for registered (Argon2id) keys and many request shapes:
#    unknown peers, duplicates, order, nonces, 256 peers;
#  - the algebra's meaning: the leader's pair xor {A}K_SL is what member
#    A computes alone, {SL}K_A, and pair(SL, A) = pair(A, SL);
#  - refusals: an unknown requester (status 126, no MAC, exit 5), bad
#    nonces, no peer, 257 peers (exit 2).
. "$(dirname "$0")/kdc_lib.sh"

ktap_plan 23
FX=$W/fixed
DB=$W/db
KA=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
KB=202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
KC=404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f
A=$(kdc_idhex alice)
B=$(kdc_idhex bob)
C=$(kdc_idhex carol)
D=$(kdc_idhex dave)
N0=000102030405060708090a0b0c0d0e0f
N1=f0e0d0c0b0a090807060504030201000
kdc_py db "$FX" lsgc "alice=$KA" "bob=$KB" "carol=$KC"

# Recorded: alice asks for bob, dave (unknown), carol; request 1, nonce N0.
REC_HALF_AB=4a35853c17786c3f9c751bafd4e7ea52a87e9f083e810148aa7f61e8a2bd4254
REC_KKDC_A=441eb4e0316f281da0f2594a7bd5c8b80e9c9a36b5c20dd47860d20e1d43a5bf
REC_ANSWER="req_id 1
status 0
peer $B 0 a6c74d7a4d609644c18177274916a1cb105533ba43e2ac8e6bf1aa0211c9d15b
peer $D 126 -
peer $C 0 7191155072681f543c89aa09d7263d9a0d00531f468db1b85d0544af2ace997e
mac 17f94302f22c37921486392440ae39b4fedcc67961c44ed18bfbdfb4fc8c17c4"

# ours DB REQID SL NONCE PEER...: lsgc-kdc pair's output.
ours() {
	local db=$1 id=$2 sl=$3 nonce=$4 p args=(); shift 4
	for p; do args+=(--peer "0x$p"); done
	"$KDC" pair -d "$db" --req-id "$id" --requester "0x$sl" --nonce "$nonce" "${args[@]}"
}
# agree DB REQID SL NONCE PEER...: lsgc-kdc and Python give the same answer.
agree() {
	local o r
	o=$(ours "$@")
	r=$(kdc_py answer "$@")
	printf '%s\n' "$o" | sed 's/^/ours: /'
	[ "$o" = "$r" ] || { printf '%s\n' "$r" | sed 's/^/python: /'; return 1; }
}
hmac_openssl() {	# KEYHEX DATAHEX
	printf '%s' "$2" | xxd -r -p | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$1" |
		sed 's/.*= *//'
}

ktap_check "recorded answer: python's hmac still computes it" \
	test "$(kdc_py answer "$FX" 1 "$A" "$N0" "$B" "$D" "$C")" = "$REC_ANSWER"
ktap_check "recorded answer: lsgc-kdc pair prints it" \
	test "$(ours "$FX" 1 "$A" "$N0" "$B" "$D" "$C")" = "$REC_ANSWER"
label_hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
if command -v openssl >/dev/null && command -v xxd >/dev/null; then
	ktap_check "{bob}K_alice by openssl is the recorded half" \
		test "$(hmac_openssl "$KA" "$(label_hex 'lsgc v1 pair')$B")" = "$REC_HALF_AB"
	ktap_check "K_kdc of alice by openssl is the recorded one" \
		test "$(hmac_openssl "$KA" "$(label_hex 'lsgc v1 kdc')")" = "$REC_KKDC_A"
	# The whole MAC by openssl, from the recorded pairs.
	mac_openssl() {
		local m
		m=$(label_hex 'lsgc v1 kdc answer')$N0$A$(printf '%08x' 3)
		m+=${B}00000000a6c74d7a4d609644c18177274916a1cb105533ba43e2ac8e6bf1aa0211c9d15b
		m+=${D}0000007e$(printf '0%.0s' {1..64})
		m+=${C}000000007191155072681f543c89aa09d7263d9a0d00531f468db1b85d0544af2ace997e
		[ "$(hmac_openssl "$REC_KKDC_A" "$m")" = \
		  17f94302f22c37921486392440ae39b4fedcc67961c44ed18bfbdfb4fc8c17c4 ]
	}
	ktap_check "the recorded MAC by openssl" mac_openssl
else
	for i in 1 2 3; do ktap_skip "openssl check $i" "openssl or xxd missing"; done
fi
ktap_check "python's halves agree with the recorded pair: {bob}K_alice xor {alice}K_bob" \
	test "$(python3 -c 'import sys; a, b = (bytes.fromhex(x) for x in sys.argv[1:]); print(bytes(x ^ y for x, y in zip(a, b)).hex())' \
		"$(kdc_py half "$KA" "$B")" "$(kdc_py half "$KB" "$A")")" = \
		a6c74d7a4d609644c18177274916a1cb105533ba43e2ac8e6bf1aa0211c9d15b

# Registered keys (Argon2id from pass phrases), many shapes, against Python.
for u in alice bob carol erin; do
	kdc_pw "$u's pass phrase" register -d "$DB" -i "$u" >/dev/null 2>&1
done
E=$(kdc_idhex erin)
ktap_check "one peer" agree "$DB" 7 "$A" "$N0" "$B"
ktap_check "three peers, one unknown in the middle" agree "$DB" 8 "$B" "$N1" "$A" "$D" "$C"
ktap_check "only unknown peers: statuses and a MAC, no pair" agree "$DB" 9 "$C" "$N0" "$D" "$D"
ktap_check "the requester among its peers, and duplicates" agree "$DB" 10 "$E" "$N1" "$E" "$A" "$A"
ktap_check "request id 4294967295" agree "$DB" 4294967295 "$A" "$N1" "$C" "$E"
many=()
for ((i = 0; i < 256; i++)); do many+=("$(printf '%030x%02x' 0x7065657200 "$i")"); done
many[17]=$B
many[255]=$C
ktap_check "256 peers (LSGC_KDC_MAX_PEERS), two of them known" agree "$DB" 11 "$A" "$N0" "${many[@]}"

mac_of() { ours "$@" | sed -n 's/^mac //p'; }
ktap_check "the MAC depends on the nonce" \
	test "$(mac_of "$DB" 1 "$A" "$N0" "$B" "$C")" != "$(mac_of "$DB" 1 "$A" "$N1" "$B" "$C")"
ktap_check "the MAC depends on the peers' order" \
	test "$(mac_of "$DB" 1 "$A" "$N0" "$B" "$C")" != "$(mac_of "$DB" 1 "$A" "$N0" "$C" "$B")"
ktap_check "the MAC does not depend on the request id (not in the MAC)" \
	test "$(mac_of "$DB" 1 "$A" "$N0" "$B")" = "$(mac_of "$DB" 2 "$A" "$N0" "$B")"

# The meaning: the member computes its half alone; the leader unmasks it.
key_of() { awk -v id="$2" '$1 == "lsgc-kdc-v1" && $2 == id { print $7 }' "$1"; }
unmask() {
	local pair leader member
	pair=$(ours "$DB" 1 "$A" "$N0" "$C" | awk '$1 == "peer" { print $4 }')
	leader=$(python3 -c 'import sys; a, b = (bytes.fromhex(x) for x in sys.argv[1:]); print(bytes(x ^ y for x, y in zip(a, b)).hex())' \
		"$pair" "$(kdc_py half "$(key_of "$DB" "$A")" "$C")")
	member=$(kdc_py half "$(key_of "$DB" "$C")" "$A")
	echo "leader alice: ${leader:0:16}..., member carol: ${member:0:16}..."
	[ "$leader" = "$member" ]
}
ktap_check "pair(alice, carol) xor {carol}K_alice = {alice}K_carol, carol's own" unmask
sym() {
	[ "$(ours "$DB" 1 "$A" "$N0" "$B" | awk '$1 == "peer" { print $4 }')" = \
	  "$(ours "$DB" 1 "$B" "$N0" "$A" | awk '$1 == "peer" { print $4 }')" ]
}
ktap_check "pair(alice, bob) = pair(bob, alice)" sym

kdc_expect 5 "an unknown requester: status 126 (ENOKEY), no peer, no MAC, exit 5" \
	-o '^status 126$' -n '^(mac|peer) ' -- "$KDC" pair -d "$DB" --requester dave --peer alice --nonce "$N0"
kdc_expect 2 "a nonce of 15 bytes is refused" -o 'nonce' -- \
	"$KDC" pair -d "$DB" --requester alice --peer bob --nonce "${N0:2}"
kdc_expect 2 "a nonce that is not hex is refused" -o 'nonce' -- \
	"$KDC" pair -d "$DB" --requester alice --peer bob --nonce "${N0:2}zz"
kdc_expect 2 "no peer is refused" -o 'peer' -- "$KDC" pair -d "$DB" --requester alice --nonce "$N0"
too_many() {
	local a=() i
	for ((i = 0; i < 257; i++)); do a+=(--peer "p$i"); done
	"$KDC" pair -d "$DB" --requester alice --nonce "$N0" "${a[@]}"
}
kdc_expect 2 "257 peers are refused" -o 'at most 256' -- too_many
kdc_expect 4 "a missing database: exit 4" -- "$KDC" pair -d "$W/none" --requester alice --peer bob --nonce "$N0"
ktap_finish
