#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Known answers from implementations that are not ours, computed here at
# run time:
#  - the salt against Python's hashlib (kdc_salt_py in kdc_lib.sh, one
#    line: blake2b(b"LSGC v1 salt" + realm + b"\0" + id16, digest_size=16)),
#    both as `lsgc-kdc kat -i` prints it and as register records it;
#  - Argon2id against the `argon2` command-line tool (Debian's argon2: the
#    reference implementation, libargon2, where lsgc-kdc uses libsodium's
#    own) with printable salts, through the hidden `lsgc-kdc kat
#    --salt-hex`, which runs kdc_derive(), the function register and key
#    derive with; a wrong expected value gives mismatch;
#  - a registered key from scratch: the Python salt, handed as raw bytes
#    to the argon2 tool, must give the key in the database file.
. "$(dirname "$0")/kdc_lib.sh"

ktap_plan 15
DB=$W/db

if ! command -v argon2 >/dev/null; then
	echo "# the argon2 tool is missing: run scripts/deps.sh"
	exit "$KSFT_FAIL"
fi

# The salt: lsgc-kdc kat -i against hashlib.
salt_kat() {
	local realm=$1 id=$2 idhex=$3 ours ref
	ours=$("$KDC" kat -i "$id" --realm "$realm") || return 1
	ref=$(kdc_salt_py "$realm" "$idhex")
	echo "realm '$realm' identity $idhex: salt $ref (python), $ours (lsgc-kdc)"
	[ "$ours" = "$ref" ]
}
long_realm=$(printf 'r%.0s' {1..64})
ktap_check "salt of alice in realm lsgc" salt_kat lsgc alice "$(kdc_idhex alice)"
ktap_check "salt of 16 raw bytes 00..0f" \
	salt_kat lsgc 0x000102030405060708090a0b0c0d0e0f 000102030405060708090a0b0c0d0e0f
ktap_check "salt of a 16-byte name in realm example.org" \
	salt_kat example.org abcdefghijklmnop "$(kdc_idhex abcdefghijklmnop)"
ktap_check "salt of a 1-byte name in a 64-byte realm" salt_kat "$long_realm" x "$(kdc_idhex x)"

# The salt register records, in two realms.
recorded_salt() {
	local realm=$1 db=$W/db.$1 ours ref
	kdc_pw "alice pass" register -d "$db" -i alice --realm "$realm" >/dev/null 2>&1 || return 1
	ours=$("$KDC" list -d "$db" | awk '$2 == "alice" { print $6 }')
	ref=$(kdc_salt_py "$realm" "$(kdc_idhex alice)")
	echo "recorded $ours, python $ref"
	[ "$ours" = "$ref" ]
}
ktap_check "register records the salt hashlib computes (realm lsgc)" recorded_salt lsgc
ktap_check "register records the salt hashlib computes (realm example.org)" recorded_salt example.org

# Argon2id: argon2 SALT -id -t OPS -k KiB -p 1 -l 32 -r, the pass phrase
# on stdin without a newline, against lsgc-kdc kat (ok or mismatch).
argon2_ref() {
	local salt=$1 ops=$2 mem=$3 pass=$4
	printf '%s' "$pass" | argon2 "$salt" -id -t "$ops" -k $((mem / 1024)) -p 1 -l 32 -r
}
pw_kat() {
	local salt=$1 ops=$2 mem=$3 pass=$4 ref saltx
	ref=$(argon2_ref "$salt" "$ops" "$mem" "$pass") || return 1
	saltx=$(printf '%s' "$salt" | od -An -tx1 | tr -d ' \n')
	echo "argon2id t=$ops m=$mem salt '$salt' ($saltx) pass '$pass' (${#pass} chars): $ref"
	kdc_pw "$pass" kat --salt-hex "$saltx" --ops "$ops" --mem "$mem" --expect-hex "$ref" |
		grep -qx ok
}
long_pass=$(printf '%.127s' "$(printf 'the quick brown fox %.0s' {1..8})")
ktap_check "Argon2id t=1 m=8 MiB" pw_kat LSGC-KAT-salt-01 1 8388608 "kat pass phrase"
ktap_check "Argon2id t=2 m=64 KiB, UTF-8 pass phrase" pw_kat 0123456789abcdef 2 65536 "pässwörd ☃"
ktap_check "Argon2id t=3 m=256 KiB, 1-byte pass phrase" pw_kat saltsaltsaltsalt 3 262144 p
ktap_check "Argon2id t=1 m=8 KiB (the least), 127-byte pass phrase" \
	pw_kat "LSGC KAT salt 2!" 1 8192 "$long_pass"
wrong=$(argon2_ref LSGC-KAT-salt-01 1 8388608 "kat pass phrase" |
	awk '{ print (substr($0, 1, 1) == "0" ? "1" : "0") substr($0, 2) }')
kdc_expect 1 "kat with a wrong expected key says mismatch" -o '^mismatch$' -- \
	kdc_pw "kat pass phrase" kat --salt-hex 4c5347432d4b41542d73616c742d3031 \
	--ops 1 --mem 8388608 --expect-hex "$wrong"
kdc_expect 1 "kat with another pass phrase says mismatch" -o '^mismatch$' -- \
	kdc_pw "kat pass phrasE" kat --salt-hex 4c5347432d4b41542d73616c742d3031 \
	--ops 1 --mem 8388608 --expect-hex "$(argon2_ref LSGC-KAT-salt-01 1 8388608 "kat pass phrase")"

# A registered key from scratch: hashlib's salt as the argon2 tool's salt
# argument (raw bytes: only a NUL could not be passed, so the identities
# are ones whose salt has none), the key of the database file.
scratch() {
	local id=$1 pass=$2 idhex salt ref key
	idhex=$(kdc_idhex "$id")
	kdc_pw "$pass" register -d "$DB" -i "$id" >/dev/null 2>&1 || return 1
	salt=$(kdc_salt_py lsgc "$idhex")
	ref=$(python3 -c 'import subprocess, sys
s = bytes.fromhex(sys.argv[1])
assert b"\0" not in s, "salt holds a NUL: pick another identity"
print(subprocess.run([b"argon2", s, b"-id", b"-t", sys.argv[2].encode(), b"-k", sys.argv[3].encode(),
		      b"-p", b"1", b"-l", b"32", b"-r"], input=sys.argv[4].encode(),
		     capture_output=True, check=True).stdout.decode().strip())' \
		"$salt" "$KDC_OPS" $((KDC_MEM / 1024)) "$pass") || return 1
	key=$(awk -v id="$idhex" '$1 == "lsgc-kdc-v1" && $2 == id { print $7 }' "$DB")
	echo "$id: salt $salt, argon2 tool's key ${ref:0:8}..., the database's ${key:0:8}..."
	[ -n "$ref" ] && [ "$ref" = "$key" ]
}
ktap_check "alice's registered key is hashlib's salt + the argon2 tool's Argon2id" \
	scratch alice "alice pass"
ktap_check "bob's too, with another pass phrase" scratch bob "correct horse battery staple"
ktap_check "and the two keys differ" \
	sh -c "[ \$(awk '/^lsgc-kdc-v1 / { print \$7 }' '$DB' | sort -u | wc -l) = 2 ]"
ktap_finish
