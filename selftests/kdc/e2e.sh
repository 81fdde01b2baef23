#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# KDC and member agree: the KDC registers alice's pass phrase; the member
# derives its key with `lsgc-kdc key`, which loads it into the keyring;
# `lsgc-kdc verify` re-derives the member's key and compares it with the
# database's in constant time: ok; a wrong pass phrase, another realm:
# mismatch; an unknown identity: exit status 5.
#
# verify runs our code on both sides.  In the VM (where loading dm-crypt
# harms no one) the kernel says what it holds: a logon key cannot be
# read, but dm-crypt can be keyed by it (":32:logon:lsgc:<hex>"), so a
# mapping keyed from the keyring and one keyed with the database's hex
# key must decrypt the same device to the same bytes.  A key one digit
# off, the member's key from a wrong pass phrase and from other Argon2
# limits decrypt to other bytes; the right pass phrase again, the same.
# kat.sh holds the database's key against the argon2 tool, so this chain
# ends in an implementation that is not ours.
. "$(dirname "$0")/kdc_lib.sh"

ktap_plan 13
DB=$W/db
A=$(kdc_idhex alice)

kdc_expect 0 "the KDC registers alice" -- kdc_pw "alice's pass phrase" register -d "$DB" -i alice
serial=$(kdc_pw "alice's pass phrase" key -i alice 2>/dev/null)
kdc_expect 0 "the member loads alice's key: serial $serial" -- test "${serial:-0}" -gt 0
_e2e_cleanup() {
	local m
	[ -n "$serial" ] && keyctl unlink "$serial" @u >/dev/null 2>&1
	for m in $(dmsetup ls 2>/dev/null | awk '/^lsgc-kdc-/ { print $1 }'); do
		dmsetup --noudevsync remove "$m"
	done
	[ -n "${loop:-}" ] && losetup -d "$loop"
	_kdc_cleanup
}
trap _e2e_cleanup EXIT
kdc_expect 0 "KDC and member agree (verify: ok)" -o '^ok$' -- \
	kdc_pw "alice's pass phrase" verify -d "$DB" -i alice
kdc_expect 1 "a wrong pass phrase: mismatch, and nothing else printed" -o '^mismatch$' \
	-n '[0-9a-f]{16}' -- kdc_pw "alice's pass phrasE" verify -d "$DB" -i alice
kdc_expect 1 "a member in another realm: mismatch" -o '^mismatch$' -- \
	kdc_pw "alice's pass phrase" verify -d "$DB" -i alice --realm other
kdc_expect 5 "an unknown identity: exit status 5" -o 'not registered' -- \
	kdc_pw "alice's pass phrase" verify -d "$DB" -i carol

# ---------------------------------------------------------------- dm-crypt

skip_dm() {
	local i
	for ((i = 0; i < 7; i++)); do
		ktap_skip "dm-crypt check $((i + 1)) of 7" "$1"
	done
	ktap_finish
}
[ -n "${LSGC_IN_VM:-}" ] || skip_dm "not in the VM lane: dm-crypt is not loaded on a host"
command -v dmsetup >/dev/null || skip_dm "dmsetup missing (scripts/deps.sh)"
modprobe -q dm_crypt 2>/dev/null
modprobe -q loop 2>/dev/null
dmsetup targets 2>/dev/null | grep -qw crypt || skip_dm "no dm-crypt in this kernel"
truncate -s 4M "$W/img"
loop=$(losetup -f --show "$W/img") || skip_dm "no loop device"
dbkey=$(awk -v id="$A" '$1 == "lsgc-kdc-v1" && $2 == id { print $7 }' "$DB")

# dm_bytes KEY: the SHA-256 of the first MiB of the loop device as
# decrypted by AES-256-CBC under KEY, a dm-crypt key: hex, or
# :32:logon:DESCRIPTION, which dm-crypt looks up in our keyrings.  Fails,
# printing nothing, unless that whole MiB was read: the checks below
# compare hashes, and two failed reads must not look alike.
dm_bytes() {
	local name=lsgc-kdc-$$-$RANDOM dev i out=$W/dm.out
	dmsetup --noudevsync create "$name" \
		--table "0 8192 crypt aes-cbc-plain64 $1 0 $loop 0" >&2 || return 1
	dev=/dev/dm-$(dmsetup info -c --noheadings -o minor "$name" | tr -d ' ')
	for ((i = 0; i < 50; i++)); do
		[ -b "$dev" ] && break
		sleep 0.1
	done
	rm -f "$out"
	dd if="$dev" of="$out" bs=64k count=16 iflag=direct 2>/dev/null
	dmsetup --noudevsync remove "$name" >&2
	if [ "$(stat -c %s "$out" 2>/dev/null)" != 1048576 ]; then
		echo "dm_bytes: could not read 1 MiB from $dev" >&2
		return 1
	fi
	sha256sum <"$out" | cut -c1-64
}
# same KEY, differs KEY: KEY decrypts like the database's key, or not.
same() { local h; h=$(dm_bytes "$1") && [ "$h" = "$from_db" ]; }
differs() { local h; h=$(dm_bytes "$1") && [ "$h" != "$from_db" ]; }
from_db=$(dm_bytes "$dbkey")
from_kernel=$(dm_bytes ":32:logon:lsgc:$A")
ktap_diag "decrypted with the database's key ${from_db:0:16}..., with the keyring's ${from_kernel:0:16}..."
kdc_expect 0 "dm-crypt keyed from the keyring decrypts like the database's key" -- \
	test -n "$from_db" -a "$from_db" = "$from_kernel"
off=$(awk '{ print (substr($0, 1, 1) == "0" ? "1" : "0") substr($0, 2) }' <<<"$dbkey")
kdc_expect 0 "a key one digit off decrypts otherwise (the comparison can fail)" -- differs "$off"

# again PASS [ARGS]: the member loads alice's key again (same serial).
again() {
	local s
	s=$(kdc_pw "$1" key -i alice "${@:2}" 2>/dev/null)
	echo "serial $s"
	[ "$s" = "$serial" ]
}
kdc_expect 0 "a wrong pass phrase replaces the keyring's key, same serial" -- again "alice's pass phrasE"
kdc_expect 0 "and what the kernel then holds is not the KDC's key" -- differs ":32:logon:lsgc:$A"
kdc_expect 0 "the right pass phrase under other Argon2 limits, same serial" -- \
	again "alice's pass phrase" --ops 2
kdc_expect 0 "is not the KDC's key either: the member must use the registered limits" -- \
	differs ":32:logon:lsgc:$A"
again "alice's pass phrase" >/dev/null
kdc_expect 0 "the right pass phrase and limits: the KDC's key again" -- same ":32:logon:lsgc:$A"
ktap_finish
