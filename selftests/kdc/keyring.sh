#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The member's side in the kernel keyring: `lsgc-kdc key` loads a "logon"
# key described "lsgc:<identity-hex32>" with a 32-byte payload and prints
# only its serial; no one can read the key back, not even root (keyctl
# print, read and pipe fail with EOPNOTSUPP, where a "user" key in the same
# keyring reads: the type is what stops them); the kernel finds it by type
# and description; loading it again updates it in place under the same
# serial; the keyrings: a serial, @u (the default), @s; the process and
# thread keyrings refused (they would die with lsgc-kdc), as are keyrings
# that do not parse, a key that is no keyring, one we may not write.
. "$(dirname "$0")/kdc_lib.sh"

ktap_plan 24

if ! command -v keyctl >/dev/null; then
	echo "# keyctl is missing: run scripts/deps.sh (keyutils)"
	exit "$KSFT_FAIL"
fi
A=$(kdc_idhex alice)
B=$(kdc_idhex bob)
ring=$(keyctl newring lsgc-kdc-test @u) || exit "$KSFT_FAIL"
stray=()
_keyring_cleanup() {
	local s
	for s in "${stray[@]}"; do
		keyctl unlink "$s" @u >/dev/null 2>&1
	done
	keyctl unlink "$ring" @u >/dev/null 2>&1
	_kdc_cleanup
}
trap _keyring_cleanup EXIT

kdc_pw "alice pass" key -i alice --keyring "$ring" >"$W/out" 2>"$W/err"
rc=$?
serial=$(cat "$W/out")
sed 's/^/# stderr: /' "$W/err"
kdc_expect 0 "key -i alice --keyring $ring succeeds and prints one serial: $serial" -- \
	test "$rc" = 0 -a "$(wc -l <"$W/out")" = 1 -a "${serial:-0}" -gt 0
kdc_expect 0 "nothing printed looks like a key" -- \
	sh -c "! grep -Eq '[0-9a-f]{32}' '$W/out' '$W/err'"
# (No process substitution: the VM's guest has no /dev/fd.)
rdesc=$(keyctl rdescribe "$serial")
IFS=';' read -r type uid gid perm desc <<<"$rdesc"
kdc_expect 0 "the key is of type logon" -o '^logon$' -- echo "$type"
kdc_expect 0 "described lsgc:<identity-hex32>" -o "^lsgc:$A\$" -- echo "$desc"
kdc_expect 0 "its payload has 32 bytes (/proc/keys)" -o ": 32\$" -- \
	grep "^$(printf '%08x' "$serial") " /proc/keys
kdc_expect 0 "no read permission for anyone, possessor included (perm $perm)" -- \
	sh -c "echo '$perm' | grep -Eqx '[0-9a-f]{8}' && test \$((0x$perm & 0x02020202)) = 0"
kdc_expect 1 "keyctl print cannot read it back, as root" -o 'Operation not supported' -- \
	keyctl print "$serial"
kdc_expect 1 "keyctl read neither" -o 'Operation not supported' -- keyctl read "$serial"
kdc_expect 1 "keyctl pipe neither" -o 'Operation not supported' -- keyctl pipe "$serial"
user=$(keyctl add user lsgc-kdc-test:control "readable" "$ring")
kdc_expect 0 "a user key in the same keyring reads: it is the logon type that refuses" \
	-o '^readable$' -- keyctl print "$user"
keyctl unlink "$user" "$ring" >/dev/null
kdc_expect 0 "the key is linked in the keyring" -o "^$serial\$" -- \
	sh -c "keyctl rlist '$ring' | tr ' ' '\n'"
kdc_expect 0 "the kernel finds it by type and description" -o "^$serial\$" -- \
	keyctl search "$ring" logon "lsgc:$A"
kdc_expect 0 "loading it again updates it in place: the same serial" -o "^$serial\$" -- \
	kdc_pw "alice pass" key -i alice --keyring "$ring"
kdc_expect 0 "and the keyring still holds one key" -o '^1$' -- \
	sh -c "keyctl rlist '$ring' | wc -w"
bob_key() {
	local s
	s=$(kdc_pw "bob pass" key -i bob --keyring "$ring" 2>/dev/null) || return 1
	[ "$s" != "$serial" ] && keyctl rdescribe "$s"
}
kdc_expect 0 "bob's key is another key, lsgc:<bob's hex>" -o "^logon;.*;lsgc:$B\$" -- bob_key

# The default keyring, @u.
s_u=$(kdc_pw "carol pass" key -i carol 2>/dev/null)
stray+=("$s_u")
kdc_expect 0 "without --keyring the key goes to the user keyring @u ($s_u)" -o "^$s_u\$" -- \
	sh -c "keyctl rlist @u | tr ' ' '\n'"
# @s of a new session keyring, gone with the session.
in_session() {
	keyctl session - bash -c '
		s=$("$1" key -i dave --ops "$2" --mem "$3" --keyring @s --passphrase-fd 3 3<<<"dave pass") &&
		keyctl rlist @s | tr " " "\n" | grep -qx "$s" && echo "serial $s in @s"' \
		_ "$KDC" "$KDC_OPS" "$KDC_MEM"
}
kdc_expect 0 "--keyring @s puts it in the session keyring" -o '^serial [0-9]+ in @s$' -- in_session

kdc_expect 2 "--keyring @p is refused: the process keyring dies with lsgc-kdc" \
	-o 'ends when it exits' -- kdc_pw "x pass" key -i x --keyring @p
kdc_expect 2 "--keyring @t too" -o 'ends when it exits' -- kdc_pw "x pass" key -i x --keyring @t
kdc_expect 2 "--keyring 0 is refused" -o "@u, @s, @us or a keyring's serial" -- \
	kdc_pw "x pass" key -i x --keyring 0
kdc_expect 2 "--keyring @x is refused" -o "@u, @s, @us or a keyring's serial" -- \
	kdc_pw "x pass" key -i x --keyring @x
kdc_expect 7 "--keyring naming a key that is no keyring fails in add_key" \
	-o 'add_key logon lsgc:7800.*: Not a directory' -- kdc_pw "x pass" key -i x --keyring "$serial"
ro=$(keyctl newring lsgc-kdc-ro "$ring")
keyctl setperm "$ro" 0x3b000000	# possessor: all but write
kdc_expect 7 "--keyring of a keyring we may not write fails in add_key" \
	-o 'add_key logon lsgc:7800.*: Permission denied' -- kdc_pw "x pass" key -i x --keyring "$ro"
kdc_expect 0 "no key x was made anywhere" -- sh -c "! grep -q 'lsgc:7800' /proc/keys"
ktap_finish
