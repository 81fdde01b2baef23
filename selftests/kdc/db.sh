#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The database's life: register creates it 0600 whatever the umask, with
# a versioned header and one line of the documented format per identity,
# and leaves no temporary file; list shows identities and parameters and
# never a key; an identity registered twice needs --force, which replaces
# its key (the new pass phrase verifies, the old one no longer); remove;
# unknown identities; a database is of one realm.  The command line:
# identity parsing (names, 0x+hex, the same identity either way, every
# malformed form refused with exit status 2), Argon2 limits, empty and
# over-long pass phrases, no terminal.  A damaged database is refused
# (exit status 4) without its key in the message.
. "$(dirname "$0")/kdc_lib.sh"

ktap_plan 47
DB=$W/db
nokey='[0-9a-f]{64}'
A=$(kdc_idhex alice)
B=$(kdc_idhex bob)

# kdc_expect runs its command in a subshell: the umask stays there.
reg_umask0() { umask 000; kdc_pw "alice pass" register -d "$DB" -i alice; }
kdc_expect 0 "register alice (umask 000)" -o "^registered $A alice in realm lsgc\$" -- reg_umask0
kdc_expect 0 "the new database is a regular file of mode 0600" -o '^regular file 600$' -- \
	stat -c '%F %a' "$DB"
kdc_expect 0 "the header names the format version and the realm" -o '^lsgc-kdc-db v1 realm=lsgc$' -- \
	head -n 1 "$DB"
kdc_expect 0 "alice's line: lsgc-kdc-v1 id salt ops mem argon2id13 key" -- \
	grep -Eqx "lsgc-kdc-v1 $A [0-9a-f]{32} $KDC_OPS $KDC_MEM argon2id13 [0-9a-f]{64}" "$DB"
kdc_expect 0 "no temporary file is left, only the database and its lock" -o '^db db.lock$' -- \
	sh -c "ls -A '$W' | paste -sd' '"

kdc_expect 0 "register bob as 0x626f62" -o "^registered $B bob " -- \
	kdc_pw "bob pass" register -d "$DB" -i 0x626f62
kdc_expect 0 "list: both identities, names, parameters, salts" \
	-o "^# realm lsgc, 2 identities" -n "$nokey" -- kdc list -d "$DB"
list_ok() {
	local out
	out=$("$KDC" list -d "$DB" | grep -v '^#')
	printf '%s\n' "$out"
	[ "$(printf '%s\n' "$out" | awk '{ print $1, $2, $3, $4, $5 }' | paste -sd,)" = \
		"$A alice 1 8388608 argon2id13,$B bob 1 8388608 argon2id13" ]
}
ktap_check "list: one line per identity, in registration order" list_ok
no_key_listed() {
	local k out
	out=$("$KDC" list -d "$DB")
	for k in $(awk '/^lsgc-kdc-v1 / { print $7 }' "$DB"); do
		grep -qi "$k" <<<"$out" && return 1
	done
	return 0
}
ktap_check "list prints no key of the database" no_key_listed

cp "$DB" "$W/before"
kdc_expect 6 "register alice again: refused without --force" -o 'registered already: --force' -- \
	kdc_pw "other pass" register -d "$DB" -i alice
ktap_check "the refused registration left the database as it was" cmp "$DB" "$W/before"
kdc_expect 6 "the same identity as hex is alice too" -o 'registered already' -- \
	kdc_pw "other pass" register -d "$DB" -i 0x616c69636500
kdc_expect 0 "register alice --force with a new pass phrase" -o "^replaced $A alice " -- \
	kdc_pw "new alice pass" register -d "$DB" -i alice --force
kdc_expect 0 "--force changed alice's key and nothing of bob's" -- \
	sh -c "! cmp -s '$DB' '$W/before' && grep -qx \"\$(grep ' $B ' '$W/before')\" '$DB'"
kdc_expect 0 "the new pass phrase verifies" -o '^ok$' -- \
	kdc_pw "new alice pass" verify -d "$DB" -i alice
kdc_expect 1 "the old pass phrase no longer does" -o '^mismatch$' -- \
	kdc_pw "alice pass" verify -d "$DB" -i alice
kdc_expect 0 "still two identities, alice's entry replaced in place" -o '^# realm lsgc, 2 identities' -- \
	kdc list -d "$DB"

kdc_expect 0 "remove bob" -o "^removed $B bob\$" -- kdc remove -d "$DB" -i bob
kdc_expect 0 "bob is no longer listed" -- sh -c "! '$KDC' list -d '$DB' | grep -q ' bob '"
kdc_expect 5 "remove bob again: unknown identity" -o 'not registered' -- kdc remove -d "$DB" -i bob
kdc_expect 5 "verify an unknown identity" -o "identity $(kdc_idhex carol) \\(carol\\): not registered" -- \
	kdc_pw "carol pass" verify -d "$DB" -i carol
kdc_expect 4 "list a database that does not exist" -o 'no such database' -- kdc list -d "$W/none"
kdc_expect 4 "remove from a database that does not exist" -o 'no such database' -- \
	kdc remove -d "$W/none" -i alice
kdc_expect 2 "register in another realm than the database's" -o "realm 'lsgc', not 'other'" -- \
	kdc_pw "carol pass" register -d "$DB" -i carol --realm other

# Identities: a name of 1..16 printable bytes without spaces, or 0x and an
# even number of 2..32 hex digits; never all zeros.
bad_id() {
	kdc_expect 2 "identity $1 is refused" -o "$2" -- kdc_pw "pass" register -d "$DB" -i "$1"
}
kdc_expect 2 "an empty identity is refused" -o 'a name has 1 to 16 bytes' -- \
	kdc_pw "pass" register -d "$DB" -i ""
bad_id abcdefghijklmnopq 'a name has 1 to 16 bytes'
bad_id "al ice" 'printable ASCII without spaces'
bad_id "$(printf 'caf\xc3\xa9')" 'printable ASCII without spaces'
bad_id 0x 'followed by 2 to 32 hex digits'
bad_id 0x616 'an even number'
bad_id 0x6g 'not hexadecimal'
bad_id "0x$(printf '61%.0s' {1..17})" 'followed by 2 to 32 hex digits'
bad_id 0x0000 'all zero bytes'
kdc_expect 0 "a name of 16 bytes is an identity" -o '^registered 6162636465666768696a6b6c6d6e6f70 abcdefghijklmnop ' -- \
	kdc_pw "pass" register -d "$DB" -i abcdefghijklmnop
kdc_expect 0 "32 hex digits are an identity, shown without a name" \
	-o '^registered 00ff00ff00ff00ff00ff00ff00ff00ff - ' -- \
	kdc_pw "pass" register -d "$DB" -i 0x00ff00ff00ff00ff00ff00ff00ff00ff

# Limits and pass phrases.
kdc_expect 2 "--mem not a multiple of 1024 is refused" -o 'not a multiple of 1024' -- \
	"$KDC" register -d "$DB" -i dave --ops 1 --mem 8388609 --passphrase-fd 3 3<<<"pass"
kdc_expect 2 "--ops 0 is refused" -o "out of libsodium's range" -- \
	"$KDC" register -d "$DB" -i dave --ops 0 --mem 8388608 --passphrase-fd 3 3<<<"pass"
kdc_expect 9 "an empty pass phrase is refused" -o 'empty pass phrase refused' -- \
	kdc_pw "" register -d "$DB" -i dave
kdc_expect 9 "a pass phrase over 1024 bytes is refused" -o 'longer than 1024 bytes' -- \
	kdc_pw "$(head -c 1025 /dev/zero | tr '\0' x)" register -d "$DB" -i dave
kdc_expect 9 "no --passphrase-fd and no terminal: refused, not hung" -o 'no terminal' -- \
	timeout 20 setsid -w "$KDC" register -d "$DB" -i dave --ops 1 --mem 8388608
ktap_check "dave was never registered" sh -c "! '$KDC' list -d '$DB' | grep -q ' dave '"

# A damaged database is refused, and the message never shows a key.
# damaged DESC REGEX AWK: the database through the awk program AWK.
damaged() {
	local desc=$1 re=$2 prog=$3
	awk "$prog" "$DB" >"$W/bad"
	chmod 600 "$W/bad"
	kdc_expect 4 "$desc" -o "$re" -n "$nokey" -- kdc list -d "$W/bad"
}
damaged "a salt changed in one digit is refused" 'line 2: bad salt \(not the v1 salt' \
	'NR == 2 { $3 = (substr($3, 1, 1) == "0" ? "1" : "0") substr($3, 2) } { print }'
damaged "a key one digit short is refused" 'line 2: bad key' \
	'NR == 2 { $7 = substr($7, 2) } { print }'
damaged "a duplicate identity is refused" 'line 3: bad identity \(a second entry' \
	'{ print } NR == 2 { print }'
damaged "a format other than v1 is refused" "format 'v2 realm' is not v1" \
	'NR == 1 { sub(/ v1 /, " v2 ") } { print }'
damaged "another algorithm is refused" 'line 2: bad algorithm' \
	'NR == 2 { $6 = "argon2i13" } { print }'
head -c -1 "$DB" >"$W/bad"
kdc_expect 4 "a truncated database is refused" -o 'last line unterminated' -n "$nokey" -- \
	kdc list -d "$W/bad"
ktap_finish
